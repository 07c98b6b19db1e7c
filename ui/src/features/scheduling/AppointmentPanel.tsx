// One appointment beside the calendar: who, with whom, when, its state, and what may happen next
// (lifecycle.rs): check in, start, complete, no-show, reschedule, cancel — each only for roles
// with its permission. Rust's refusals (a no-show before the grace time, an illegal transition)
// are shown as it words them.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CalendarClock, CircleCheck, DoorOpen, LogIn, Repeat, Stethoscope, UserX, X, XCircle } from "lucide-react";
import { useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { z } from "zod";
import { applyCommandError, errorMessage, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { Appointment, AppointmentRef, CancelAppointmentInput, RescheduleAppointmentInput, SeriesScope } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { SelectField, TextAreaField } from "../../components/Field";
import { Form } from "../../components/Form";
import { useFormat } from "../../lib/format";
import { requiredText } from "../../lib/validation";
import { useSession } from "../auth/session";
import { InvoiceFromAppointment } from "../billing/InvoiceFromAppointment";
import type { Doctor } from "./ClinicCalendar";
import { actionsFor, confirmableOf, schedulingChanged, statusLabel, toClinicLocal, type AppointmentAction, type Confirmable } from "./model";
import { OverridePrompt, type Override } from "./OverridePrompt";
import { SeriesScopeField } from "./SeriesScopeField";
import { StartFields } from "./StartFields";

type Transition = "check_in_appointment" | "start_consultation" | "complete_appointment" | "mark_no_show";

const TRANSITION_OF: Partial<Record<AppointmentAction, Transition>> = {
  check_in: "check_in_appointment",
  start: "start_consultation",
  complete: "complete_appointment",
  no_show: "mark_no_show",
};

export function AppointmentPanel({ appointment, doctors, zone, onClose, onChanged }: { appointment: Appointment; doctors: readonly Doctor[]; zone: string; onClose: () => void; onChanged: (message: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"cancel" | "reschedule" | null>(null);
  const a = appointment;
  const actions = actionsFor(a.status, session.permissions);

  const transition = useMutation({
    mutationFn: ({ name, input }: { name: Transition; input: AppointmentRef }) => call(name, input),
    onSuccess: async (after, { name }) => {
      await schedulingChanged(queryClient);
      onChanged(t(`calendar.done.${name}`, { name: after.patient_name }));
    },
    onError: (e) => {
      setError(errorMessage(e));
    },
  });

  const icons: Record<AppointmentAction, ReactNode> = {
    check_in: <LogIn aria-hidden="true" className="size-4" />,
    start: <Stethoscope aria-hidden="true" className="size-4" />,
    complete: <CircleCheck aria-hidden="true" className="size-4" />,
    no_show: <UserX aria-hidden="true" className="size-4" />,
    reschedule: <CalendarClock aria-hidden="true" className="size-4" />,
    cancel: <XCircle aria-hidden="true" className="size-4" />,
  };

  return (
    <aside aria-labelledby="appointment-title" className="flex w-80 shrink-0 flex-col overflow-y-auto rounded-lg border border-ink-200 bg-white shadow-xs" data-testid="appointment-panel" data-status={a.status}>
      <div className="flex items-start justify-between gap-2 border-b border-ink-100 px-4 pt-3.5 pb-3">
        <div className="min-w-0">
          <h2 id="appointment-title" className="truncate text-base font-semibold text-ink-900">
            {a.patient_name}
          </h2>
          <p className="font-mono text-xs text-ink-600">{a.patient_mrn}</p>
        </div>
        <button type="button" onClick={onClose} aria-label={t("calendar.panel.close")} data-testid="appointment-close" className="-mr-1.5 flex size-8 shrink-0 items-center justify-center rounded-md text-ink-500 hover:bg-ink-100 hover:text-ink-800">
          <X aria-hidden="true" className="size-4.5" />
        </button>
      </div>
      <div className="flex flex-col gap-3 px-4 py-3">
        <span className={`cd-status-${a.status} inline-flex w-fit items-center gap-1.5 rounded-full border border-(--cd-status-line) bg-(--cd-status-bg) px-2 py-0.5 text-xs font-semibold text-(--cd-status-ink)`} data-testid="appointment-status">
          {statusLabel(t, a.status)}
        </span>
        <dl className="grid grid-cols-[5.5rem_1fr] gap-x-3 gap-y-1.5 text-sm">
          <dt className="text-ink-600">{t("calendar.panel.when")}</dt>
          <dd className="text-ink-900" data-testid="appointment-when">
            {format.date(a.starts_at)}, {format.time(a.starts_at)}–{format.time(a.ends_at)}
          </dd>
          <dt className="text-ink-600">{t("calendar.panel.doctor")}</dt>
          <dd className="text-ink-900">{a.doctor_name}</dd>
          <dt className="text-ink-600">{t("calendar.panel.visitType")}</dt>
          <dd className="text-ink-900">{a.visit_type}</dd>
          {a.room ? (
            <>
              <dt className="text-ink-600">{t("calendar.panel.room")}</dt>
              <dd className="text-ink-900">{a.room}</dd>
            </>
          ) : null}
          <dt className="text-ink-600">{t("calendar.panel.reason")}</dt>
          <dd className="text-ink-900">{a.reason || <span className="text-ink-500">{t("common.none")}</span>}</dd>
          {a.checked_in_at ? (
            <>
              <dt className="text-ink-600">{t("calendar.panel.checkedIn")}</dt>
              <dd className="text-ink-900">{format.time(a.checked_in_at)}</dd>
            </>
          ) : null}
          {a.cancel_reason ? (
            <>
              <dt className="text-ink-600">{t("calendar.panel.cancelReason")}</dt>
              <dd className="text-ink-900" data-testid="appointment-cancel-reason">{a.cancel_reason}</dd>
            </>
          ) : null}
        </dl>
        {a.series_id || a.walk_in ? (
          <p className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-ink-600">
            {a.series_id ? (
              <span className="inline-flex items-center gap-1">
                <Repeat aria-hidden="true" className="size-3.5" />
                {t("calendar.series")}
              </span>
            ) : null}
            {a.walk_in ? (
              <span className="inline-flex items-center gap-1">
                <DoorOpen aria-hidden="true" className="size-3.5" />
                {t("calendar.walkInMarker")}
              </span>
            ) : null}
          </p>
        ) : null}
        {session.permissions.has("patients.read") ? (
          <Link href={`/patients/${a.patient_id}`} className="text-sm font-medium text-accent-700 underline underline-offset-2 hover:text-accent-900" data-testid="appointment-chart">
            {t("calendar.panel.openChart")}
          </Link>
        ) : null}
        {a.status === "completed" ? <InvoiceFromAppointment appointment={a} className="justify-start" /> : null}
        {error ? (
          <Banner tone="error" testId="appointment-error">
            {error}
          </Banner>
        ) : null}
        {actions.length > 0 ? (
          <div className="flex flex-col gap-2 border-t border-ink-100 pt-3" role="group" aria-label={t("calendar.panel.actions")}>
            {actions.map((action) => {
              const name = TRANSITION_OF[action];
              return (
                <Button
                  key={action}
                  size="sm"
                  className="justify-start"
                  variant={action === "cancel" ? "ghost" : action === "no_show" || action === "reschedule" ? "secondary" : "primary"}
                  icon={icons[action]}
                  data-testid={`appointment-${action.replace("_", "-")}`}
                  busy={name !== undefined && transition.isPending && transition.variables.name === name}
                  disabled={transition.isPending}
                  onClick={() => {
                    setError(null);
                    if (name) transition.mutate({ name, input: { appointment_id: a.id } });
                    else setDialog(action === "cancel" ? "cancel" : "reschedule");
                  }}
                >
                  {t(`calendar.action.${action}`)}
                </Button>
              );
            })}
          </div>
        ) : null}
      </div>
      <CancelDialog
        appointment={dialog === "cancel" ? a : null}
        onClose={() => {
          setDialog(null);
        }}
        onDone={(message) => {
          setDialog(null);
          onChanged(message);
        }}
      />
      <RescheduleDialog
        appointment={dialog === "reschedule" ? a : null}
        doctors={doctors}
        zone={zone}
        onClose={() => {
          setDialog(null);
        }}
        onDone={(message) => {
          setDialog(null);
          onChanged(message);
        }}
      />
    </aside>
  );
}

/** Also opened by the sync conflicts screen for one booking of a double booking (sync/BookingFix.tsx). */
export function CancelDialog({ appointment, onClose, onDone }: { appointment: Appointment | null; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={appointment !== null} onClose={onClose} title={t("calendar.cancel.title")} description={appointment ? t("calendar.cancel.lead", { name: appointment.patient_name }) : undefined} size="sm" testId="cancel-dialog">
      {appointment ? <CancelForm appointment={appointment} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function CancelForm({ appointment, onClose, onDone }: { appointment: Appointment; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const [scope, setScope] = useState<SeriesScope>("this");
  const schema = useMemo(() => z.object({ reason: requiredText(t, 500) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { reason: "" } });
  const cancel = useMutation({
    mutationFn: (input: CancelAppointmentInput) => call("cancel_appointment", input),
    onSuccess: async (after) => {
      await schedulingChanged(queryClient);
      onDone(t("calendar.done.cancel_appointment", { name: after.patient_name }));
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, ["reason"]));
    },
  });
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        cancel.mutate({ appointment_id: appointment.id, reason: v.reason, ...(appointment.series_id ? { scope } : {}) });
      })}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <TextAreaField label={t("calendar.cancel.reason")} rows={2} testId="cancel-reason" error={form.formState.errors.reason?.message} {...form.register("reason")} />
      {appointment.series_id ? <SeriesScopeField testId="cancel-scope" value={scope} onChange={setScope} /> : null}
      <DialogActions>
        <Button onClick={onClose}>{t("calendar.cancel.keep")}</Button>
        <Button type="submit" variant="danger" busy={cancel.isPending} data-testid="cancel-submit">
          {t("calendar.cancel.submit")}
        </Button>
      </DialogActions>
    </Form>
  );
}

/** Also opened by the sync conflicts screen ("Rebook", sync/BookingFix.tsx). */
export function RescheduleDialog({ appointment, doctors, zone, onClose, onDone }: { appointment: Appointment | null; doctors: readonly Doctor[]; zone: string; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={appointment !== null} onClose={onClose} title={t("calendar.reschedule.title")} description={appointment ? t("calendar.reschedule.lead", { name: appointment.patient_name }) : undefined} size="md" testId="reschedule-dialog">
      {appointment ? <RescheduleForm appointment={appointment} doctors={doctors} zone={zone} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function RescheduleForm({ appointment, doctors, zone, onClose, onDone }: { appointment: Appointment; doctors: readonly Doctor[]; zone: string; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [initialDate = "", initialTime = ""] = toClinicLocal(new Date(appointment.starts_at), zone).split("T");
  const [date, setDate] = useState(initialDate);
  const [time, setTime] = useState(initialTime);
  const [doctorId, setDoctorId] = useState(appointment.doctor_id);
  const [scope, setScope] = useState<SeriesScope>("this");
  const [fieldErrors, setFieldErrors] = useState<{ starts_at?: string; doctor_id?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [override, setOverride] = useState<(Override & { flags: Partial<Record<Confirmable, boolean>> }) | null>(null);
  const move = useMutation({ mutationFn: (input: RescheduleAppointmentInput) => call("reschedule_appointment", input) });

  function send(flags: Partial<Record<Confirmable, boolean>>) {
    setFormError(null);
    setFieldErrors({});
    setOverride(null);
    const input: RescheduleAppointmentInput = {
      appointment_id: appointment.id,
      starts_at: `${date}T${time}`,
      ...(doctorId === appointment.doctor_id ? {} : { doctor_id: doctorId }),
      ...(appointment.series_id ? { scope } : {}),
      ...(flags.outside_availability ? { outside_availability: true } : {}),
      ...(flags.acknowledge_patient_overlap ? { acknowledge_patient_overlap: true } : {}),
    };
    move.mutate(input, {
      onSuccess: (after) => {
        void schedulingChanged(queryClient).then(() => {
          onDone(t("calendar.done.reschedule_appointment", { name: after.patient_name }));
        });
      },
      onError: (error) => {
        const field = confirmableOf(error);
        if (field) setOverride({ field, message: error.message, flags });
        else if (error instanceof CommandError && error.field === "starts_at") setFieldErrors({ starts_at: error.code === "conflict" ? error.message : sentence(error.message) });
        else if (error instanceof CommandError && error.field === "doctor_id") setFieldErrors({ doctor_id: sentence(error.message) });
        else setFormError(errorMessage(error));
      },
    });
  }

  return (
    <form
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        send({});
      }}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <StartFields
        testId="reschedule-start"
        zone={zone}
        date={date}
        time={time}
        error={fieldErrors.starts_at}
        onDate={(v) => {
          setDate(v);
          setFieldErrors({});
        }}
        onTime={(v) => {
          setTime(v);
          setFieldErrors({});
        }}
      />
      <SelectField
        label={t("calendar.book.doctor")}
        name="doctor_id"
        testId="reschedule-doctor"
        value={doctorId}
        error={fieldErrors.doctor_id}
        onChange={(e) => {
          setDoctorId(e.target.value);
        }}
      >
        {doctors.map((d) => (
          <option key={d.id} value={d.id}>
            {d.full_name}
          </option>
        ))}
      </SelectField>
      {appointment.series_id ? <SeriesScopeField testId="reschedule-scope" value={scope} onChange={setScope} /> : null}
      {override ? (
        <OverridePrompt
          override={override}
          busy={move.isPending}
          onDismiss={() => {
            setOverride(null);
          }}
          onConfirm={() => {
            send({ ...override.flags, [override.field]: true });
          }}
        />
      ) : null}
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={move.isPending && override === null} disabled={override !== null} data-testid="reschedule-submit">
          {t("calendar.reschedule.submit")}
        </Button>
      </DialogActions>
    </form>
  );
}
