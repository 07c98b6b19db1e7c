// A walk-in (`book_appointment` with `walk_in`): booked now, in the clinic's time, and checked in
// at once, so the patient joins the doctor's queue with the day's next ticket.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, isCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Appointment } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { clinicSettingsQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, SelectField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { clinicClock } from "../../lib/clinic-time";
import { optionalText } from "../../lib/validation";
import { doctorsQuery } from "../staff/StatusMenu";
import { BOARD_TABLES, visitTypesQuery } from "./board";
import { focusFirstError, PatientPicker, type PickedPatient } from "../patients/PatientPicker";

const FIELDS = ["patient_id", "doctor_id", "visit_type_id", "reason", "acknowledge_patient_overlap"] as const;

export function WalkInDialog({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: (appointment: Appointment) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("today.walkInTitle")} description={t("today.walkInLead")} size="md" testId="walk-in-dialog">
      {open ? <WalkInForm onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function WalkInForm({ onClose, onDone }: { onClose: () => void; onDone: (appointment: Appointment) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery(clinicSettingsQuery());
  const doctors = useQuery(doctorsQuery());
  const visitTypes = useQuery(visitTypesQuery());
  const activeTypes = (visitTypes.data ?? []).filter((v) => v.active);
  const [patient, setPatient] = useState<PickedPatient | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  // Rust names a patient's other appointment at this time by this field: then reception decides.
  const [overlapAsked, setOverlapAsked] = useState(false);

  const schema = useMemo(
    () =>
      z.object({
        patient_id: z.string().min(1, { error: t("today.choosePatient") }),
        doctor_id: z.string().min(1, { error: t("today.chooseDoctor") }),
        visit_type_id: z.string().min(1, { error: t("today.chooseVisitType") }),
        reason: optionalText(t, 500),
        acknowledge_patient_overlap: z.boolean(),
      }),
    [t],
  );
  const form = useForm({
    resolver: zodResolver(schema),
    defaultValues: { patient_id: "", doctor_id: "", visit_type_id: "", reason: "", acknowledge_patient_overlap: false },
    // The patient is chosen by a search, not an input: focus goes there first (focusFirstError).
    shouldFocusError: false,
  });
  const { errors } = form.formState;
  // The first active visit type is preselected once they load (a walk-in is mostly a consultation).
  const firstType = activeTypes[0]?.id;
  useEffect(() => {
    if (firstType !== undefined && form.getValues("visit_type_id") === "") form.setValue("visit_type_id", firstType);
  }, [firstType, form]);

  const book = useMutation({
    mutationFn: (v: z.output<typeof schema>) =>
      call("book_appointment", {
        patient_id: v.patient_id,
        doctor_id: v.doctor_id,
        visit_type_id: v.visit_type_id,
        // Booked now: the clinic's wall clock, whatever this workstation's zone is.
        starts_at: clinicClock(settings.data?.time_zone ?? "UTC").local,
        reason: v.reason,
        walk_in: true,
        acknowledge_patient_overlap: v.acknowledge_patient_overlap,
      }),
    onSuccess: async (appointment) => {
      await refreshAfterWrite(queryClient, BOARD_TABLES);
      onDone(appointment);
    },
    onError: (error) => {
      if (isCommandError(error) && error.field === "acknowledge_patient_overlap") setOverlapAsked(true);
      setFormError(applyCommandError(error, form.setError, FIELDS));
    },
  });

  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit(
        (v) => {
          book.mutate(v);
        },
        (errors) => {
          focusFirstError(errors, "walk-in-patient", form.setFocus);
        },
      )}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <PatientPicker
        testId="walk-in-patient"
        limit={5}
        label={t("today.patient")}
        value={patient}
        error={errors.patient_id?.message}
        onChange={(hit) => {
          setPatient(hit);
          form.setValue("patient_id", hit?.id ?? "", { shouldValidate: hit !== null });
        }}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label={t("today.doctor")} testId="walk-in-doctor" error={errors.doctor_id?.message} {...form.register("doctor_id")}>
          <option value="">{t("today.chooseDoctorOption")}</option>
          {(doctors.data?.members ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {t("today.doctorOption", { name: d.full_name, availability: t(`staff.availability.${d.availability}`) })}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t("today.visitType")}
          testId="walk-in-visit-type"
          error={errors.visit_type_id?.message}
          {...form.register("visit_type_id")}
        >
          {activeTypes.length === 0 ? <option value="">{t("common.loading")}</option> : null}
          {activeTypes.map((v) => (
            <option key={v.id} value={v.id}>
              {t("today.visitTypeOption", { name: v.name, minutes: v.minutes })}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField label={t("today.reason")} optional testId="walk-in-reason" autoComplete="off" error={errors.reason?.message} {...form.register("reason")} />
      {overlapAsked ? (
        <CheckboxField
          label={t("today.acknowledgeOverlap")}
          testId="walk-in-acknowledge"
          error={errors.acknowledge_patient_overlap?.message}
          {...form.register("acknowledge_patient_overlap")}
        />
      ) : null}
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={book.isPending} data-testid="walk-in-submit">
          {t("today.walkInSubmit")}
        </Button>
      </DialogActions>
    </Form>
  );
}
