// Booking (`book_appointment`): from an empty slot of the calendar (doctor and time filled in),
// the toolbar, or as a walk-in (booked now and checked in). Rust checks everything; its refusals
// land on the field they name — the double booking under the start, verbatim — and the two it
// lets reception override (outside the doctor's hours, the patient's other appointment) ask first.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { Appointment, BookAppointmentInput, VisitType } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, SelectField, TextAreaField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { optionalText } from "../../lib/validation";
import type { Doctor } from "./ClinicCalendar";
import { clinicNow, confirmableOf, schedulingChanged, type Confirmable } from "./model";
import { OverridePrompt, type Override } from "./OverridePrompt";
import { PatientPicker, type PickedPatient } from "../patients/PatientPicker";
import { StartFields } from "./StartFields";

export interface BookingDraft {
  mode: "book" | "walk_in";
  /** Clinic time, `YYYY-MM-DDTHH:MM`. */
  startsAt?: string;
  doctorId?: string;
  visitTypeId?: string;
  patient?: PickedPatient | null;
}

export interface BookingDialogProps {
  draft: BookingDraft | null;
  doctors: readonly Doctor[];
  visitTypes: readonly VisitType[];
  zone: string;
  onClose: () => void;
  onBooked: (appointment: Appointment, count: number) => void;
}

export function BookingDialog({ draft, doctors, visitTypes, zone, onClose, onBooked }: BookingDialogProps) {
  const { t } = useTranslation();
  const walkIn = draft?.mode === "walk_in";
  return (
    <Dialog
      open={draft !== null}
      onClose={onClose}
      title={walkIn ? t("calendar.walkIn.title") : t("calendar.book.title")}
      description={walkIn ? t("calendar.walkIn.lead") : t("calendar.book.lead")}
      size="md"
      testId="booking-dialog"
    >
      {draft ? <BookingForm draft={draft} doctors={doctors} visitTypes={visitTypes} zone={zone} onClose={onClose} onBooked={onBooked} /> : null}
    </Dialog>
  );
}

const FORM_FIELDS = ["doctor_id", "visit_type_id", "starts_at", "reason", "repeat"] as const;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME = /^\d{2}:\d{2}$/;

function BookingForm({ draft, doctors, visitTypes, zone, onClose, onBooked }: Omit<BookingDialogProps, "draft"> & { draft: BookingDraft }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const walkIn = draft.mode === "walk_in";
  const offered = visitTypes.filter((v) => v.active);
  const [patient, setPatient] = useState<PickedPatient | null>(draft.patient ?? null);
  const [patientError, setPatientError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<string | null>(null);
  const [override, setOverride] = useState<(Override & { values: Values; flags: Flags }) | null>(null);

  const schema = useMemo(
    () =>
      z
        .object({
          start_date: z.string(),
          start_time: z.string(),
          doctor_id: z.string().min(1, { error: t("calendar.book.chooseDoctor") }),
          visit_type_id: z.string().min(1, { error: t("calendar.book.chooseVisitType") }),
          reason: optionalText(t, 500),
          repeat: z.boolean(),
          every_weeks: z.string(),
          count: z.string(),
        })
        .superRefine((v, ctx) => {
          if (!walkIn && (!LOCAL_DATE.test(v.start_date) || !LOCAL_TIME.test(v.start_time))) {
            ctx.addIssue({ code: "custom", path: ["starts_at"], message: t("calendar.book.timeRequired") });
          }
          const count = Number(v.count);
          if (v.repeat && !(Number.isInteger(count) && count >= 2 && count <= 52)) {
            ctx.addIssue({ code: "custom", path: ["count"], message: t("calendar.book.countRange") });
          }
        }),
    [t, walkIn],
  );
  type Values = z.output<typeof schema>;
  type Flags = Partial<Record<Confirmable, boolean>>;

  const [date = "", time = "09:00"] = (draft.startsAt ?? "").split("T");
  const form = useForm<z.input<typeof schema> & { starts_at?: string }, unknown, Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      start_date: date,
      start_time: time,
      doctor_id: draft.doctorId ?? doctors[0]?.id ?? "",
      visit_type_id: draft.visitTypeId ?? offered[0]?.id ?? "",
      reason: "",
      repeat: false,
      every_weeks: "1",
      count: "4",
    },
  });
  const { errors } = form.formState;
  const [startDate, startTime, repeat] = useWatch({ control: form.control, name: ["start_date", "start_time", "repeat"] });

  const book = useMutation({ mutationFn: (input: BookAppointmentInput) => call("book_appointment", input) });

  function send(values: Values, flags: Flags) {
    if (!patient) return;
    setFormError(null);
    setOverride(null);
    const count = values.repeat ? Number(values.count) : 1;
    const input: BookAppointmentInput = {
      patient_id: patient.id,
      doctor_id: values.doctor_id,
      visit_type_id: values.visit_type_id,
      starts_at: walkIn ? clinicNow(zone) : `${values.start_date}T${values.start_time}`,
      ...(values.reason === "" ? {} : { reason: values.reason }),
      ...(walkIn ? { walk_in: true } : {}),
      ...(values.repeat ? { repeat: { every_weeks: Number(values.every_weeks), count } } : {}),
      ...(flags.outside_availability ? { outside_availability: true } : {}),
      ...(flags.acknowledge_patient_overlap ? { acknowledge_patient_overlap: true } : {}),
    };
    book.mutate(input, {
      onSuccess: (appointment) => {
        void schedulingChanged(queryClient).then(() => {
          onBooked(appointment, count);
        });
      },
      onError: (error) => {
        const field = confirmableOf(error);
        if (field) {
          setOverride({ field, message: error.message, values, flags });
        } else if (error instanceof CommandError && error.field === "patient_id") {
          setPatientError(sentence(error.message));
        } else if (error instanceof CommandError && error.code === "conflict" && error.field === "starts_at" && !walkIn) {
          // The double booking names who is booked: shown exactly as Rust says it.
          form.setError("starts_at", { type: "server", message: error.message });
        } else {
          setFormError(applyCommandError(error, form.setError, walkIn ? FORM_FIELDS.filter((f) => f !== "starts_at") : FORM_FIELDS));
        }
      },
    });
  }

  const startError = errors.starts_at?.message;
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
        form.clearErrors("starts_at");
      }}
      submit={form.handleSubmit(
        (values) => {
          if (!patient) {
            setPatientError(t("calendar.book.choosePatient"));
            return;
          }
          send(values, {});
        },
        () => {
          if (!patient) setPatientError(t("calendar.book.choosePatient"));
        },
      )}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <PatientPicker
        testId="book-patient"
        label={t("calendar.book.patient")}
        value={patient}
        error={patientError}
        onChange={(p) => {
          setPatient(p);
          setPatientError(undefined);
          setOverride(null);
        }}
      />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <SelectField label={t("calendar.book.doctor")} testId="book-doctor" error={errors.doctor_id?.message} {...form.register("doctor_id")}>
          {doctors.map((d) => (
            <option key={d.id} value={d.id}>
              {d.full_name}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("calendar.book.visitType")} testId="book-visit-type" error={errors.visit_type_id?.message} {...form.register("visit_type_id")}>
          {offered.map((v) => (
            <option key={v.id} value={v.id}>
              {t("calendar.book.visitTypeOption", { name: v.name, minutes: v.minutes })}
            </option>
          ))}
        </SelectField>
      </div>
      {walkIn ? (
        <p className="text-sm text-ink-700" data-testid="walk-in-now">
          {t("calendar.walkIn.now")}
        </p>
      ) : (
        <StartFields
          testId="book-start"
          zone={zone}
          date={startDate}
          time={startTime}
          error={startError}
          onDate={(v) => {
            form.setValue("start_date", v);
            form.clearErrors("starts_at");
          }}
          onTime={(v) => {
            form.setValue("start_time", v);
            form.clearErrors("starts_at");
          }}
        />
      )}
      <TextAreaField label={t("calendar.book.reason")} optional rows={2} testId="book-reason" error={errors.reason?.message} {...form.register("reason")} />
      {walkIn ? null : (
        <div className="flex flex-col gap-3 rounded-md border border-ink-200 px-3.5 py-3">
          <CheckboxField label={t("calendar.book.repeat")} testId="book-repeat" error={errors.repeat?.message} {...form.register("repeat")} />
          {repeat ? (
            <div className="flex flex-wrap items-end gap-3 pl-7">
              <SelectField className="w-44" label={t("calendar.book.everyWeeks")} testId="book-every-weeks" {...form.register("every_weeks")}>
                {[1, 2, 3, 4].map((n) => (
                  <option key={n} value={String(n)}>
                    {t("calendar.book.weeks", { count: n })}
                  </option>
                ))}
              </SelectField>
              <TextField
                className="w-36"
                label={t("calendar.book.count")}
                type="number"
                min={2}
                max={52}
                inputMode="numeric"
                testId="book-count"
                error={errors.count?.message}
                {...form.register("count")}
              />
            </div>
          ) : null}
        </div>
      )}
      {override ? (
        <OverridePrompt
          override={override}
          busy={book.isPending}
          onDismiss={() => {
            setOverride(null);
          }}
          onConfirm={() => {
            send(override.values, { ...override.flags, [override.field]: true });
          }}
        />
      ) : null}
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={book.isPending && override === null} disabled={override !== null} data-testid="book-submit">
          {walkIn ? t("calendar.walkIn.submit") : t("calendar.book.submit")}
        </Button>
      </DialogActions>
    </Form>
  );
}
