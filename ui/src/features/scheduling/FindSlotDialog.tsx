// "Find a slot" (`find_slots`): the next free times for a visit type with one doctor, any doctor
// of a specialization, or anyone at the clinic. With the patient chosen, one click books.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarPlus } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Appointment, BookAppointmentInput, FindSlotsInput, Slot, VisitType } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { SelectField, TextField } from "../../components/Field";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import type { Doctor } from "./ClinicCalendar";
import { clinicToday, confirmableOf, schedulingChanged, type Confirmable } from "./model";
import { OverridePrompt, type Override } from "./OverridePrompt";
import { PatientPicker, type PickedPatient } from "../patients/PatientPicker";

export interface FindSlotDialogProps {
  open: boolean;
  doctors: readonly (Doctor & { specialization: string | null })[];
  visitTypes: readonly VisitType[];
  zone: string;
  onClose: () => void;
  onBooked: (appointment: Appointment) => void;
}

export function FindSlotDialog(props: FindSlotDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog open={props.open} onClose={props.onClose} title={t("calendar.find.title")} description={t("calendar.find.lead")} size="lg" testId="find-slot-dialog">
      {props.open ? <FindSlotForm {...props} /> : null}
    </Dialog>
  );
}

/** "doctor:<id>", "spec:<name>" or "" (the whole clinic). */
type Scope = string;

function FindSlotForm({ doctors, visitTypes, zone, onBooked }: FindSlotDialogProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const offered = visitTypes.filter((v) => v.active);
  const [patient, setPatient] = useState<PickedPatient | null>(null);
  const [visitTypeId, setVisitTypeId] = useState(offered[0]?.id ?? "");
  const [scope, setScope] = useState<Scope>("");
  const [fromDate, setFromDate] = useState(clinicToday(zone));
  const [error, setError] = useState<string | null>(null);
  const [override, setOverride] = useState<(Override & { slot: Slot; flags: Partial<Record<Confirmable, boolean>> }) | null>(null);
  const specializations = [...new Set(doctors.map((d) => d.specialization).filter((s): s is string => s !== null))].sort();

  const input: FindSlotsInput = {
    visit_type_id: visitTypeId,
    ...(scope.startsWith("doctor:") ? { doctor_id: scope.slice(7) } : {}),
    ...(scope.startsWith("spec:") ? { specialization: scope.slice(5) } : {}),
    ...(/^\d{4}-\d{2}-\d{2}$/.test(fromDate) ? { from_date: fromDate } : {}),
    count: 12,
  };
  const slots = useQuery({ ...commandQuery("find_slots", input), enabled: visitTypeId !== "", placeholderData: keepPreviousData, staleTime: 0 });

  const book = useMutation({ mutationFn: (v: BookAppointmentInput) => call("book_appointment", v) });
  function send(slot: Slot, flags: Partial<Record<Confirmable, boolean>>) {
    if (!patient) return;
    setError(null);
    setOverride(null);
    book.mutate(
      {
        patient_id: patient.id,
        doctor_id: slot.doctor_id,
        visit_type_id: visitTypeId,
        starts_at: slot.local_start,
        ...(flags.outside_availability ? { outside_availability: true } : {}),
        ...(flags.acknowledge_patient_overlap ? { acknowledge_patient_overlap: true } : {}),
      },
      {
        onSuccess: (appointment) => {
          void schedulingChanged(queryClient).then(() => {
            onBooked(appointment);
          });
        },
        onError: (e) => {
          const field = confirmableOf(e);
          if (field) setOverride({ field, message: e.message, slot, flags });
          else setError(errorMessage(e));
        },
      },
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <PatientPicker testId="find-patient" label={t("calendar.book.patient")} value={patient} onChange={setPatient} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <SelectField label={t("calendar.book.visitType")} name="visit_type_id" testId="find-visit-type" value={visitTypeId} onChange={(e) => { setVisitTypeId(e.target.value); }}>
          {offered.map((v) => (
            <option key={v.id} value={v.id}>
              {t("calendar.book.visitTypeOption", { name: v.name, minutes: v.minutes })}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("calendar.find.with")} name="scope" testId="find-scope" value={scope} onChange={(e) => { setScope(e.target.value); }}>
          <option value="">{t("calendar.find.anyone")}</option>
          {specializations.length > 0 ? (
            <optgroup label={t("calendar.find.specializations")}>
              {specializations.map((s) => (
                <option key={s} value={`spec:${s}`}>
                  {t("calendar.find.anySpecialist", { specialization: s })}
                </option>
              ))}
            </optgroup>
          ) : null}
          <optgroup label={t("calendar.find.doctors")}>
            {doctors.map((d) => (
              <option key={d.id} value={`doctor:${d.id}`}>
                {d.full_name}
              </option>
            ))}
          </optgroup>
        </SelectField>
        <TextField label={t("calendar.find.from")} name="from_date" type="date" testId="find-from" value={fromDate} onChange={(e) => { setFromDate(e.target.value); }} />
      </div>
      {error ? (
        <Banner tone="error" testId="form-error">
          {error}
        </Banner>
      ) : null}
      {override ? (
        <OverridePrompt
          override={override}
          busy={book.isPending}
          onDismiss={() => {
            setOverride(null);
          }}
          onConfirm={() => {
            send(override.slot, { ...override.flags, [override.field]: true });
          }}
        />
      ) : null}
      <p className="text-sm text-ink-600">{patient ? t("calendar.find.clickToBook", { name: patient.name }) : t("calendar.find.choosePatientFirst")}</p>
      <div className="rounded-md border border-ink-200">
        <QueryList query={slots} loadingLabel={t("calendar.find.searching")} isEmpty={(data) => data.length === 0} empty={<EmptyState title={t("calendar.find.none")} />}>
          {(data) => (
            <ul className="grid max-h-72 grid-cols-1 gap-1.5 overflow-y-auto p-2 sm:grid-cols-2" data-testid="find-results" aria-busy={slots.isFetching || undefined}>
              {data.map((slot) => (
                <li key={`${slot.doctor_id}-${slot.starts_at}`}>
                  <button
                    type="button"
                    disabled={!patient || book.isPending}
                    data-testid={`slot-${slot.local_start}-${slot.doctor_id}`}
                    className="flex w-full items-center gap-3 rounded-md border border-ink-200 px-3 py-2 text-left text-sm hover:border-accent-700 hover:bg-accent-50 disabled:cursor-not-allowed disabled:opacity-70"
                    onClick={() => {
                      send(slot, {});
                    }}
                  >
                    <CalendarPlus aria-hidden="true" className="size-4.5 shrink-0 text-accent-700" />
                    <span className="min-w-0">
                      <span className="block font-medium text-ink-900 tabular-nums">
                        {format.date(slot.starts_at)}, {format.time(slot.starts_at)}
                      </span>
                      <span className="block truncate text-ink-600">
                        {slot.doctor_name}
                        {slot.room ? ` · ${slot.room}` : ""}
                      </span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </QueryList>
      </div>
      <div className="flex justify-end">
        <Button
          variant="ghost"
          size="sm"
          onClick={() => {
            void slots.refetch();
          }}
        >
          {t("calendar.find.refresh")}
        </Button>
      </div>
    </div>
  );
}
