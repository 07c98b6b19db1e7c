// What sync found that a person must look at (`list_sync_conflicts`, roles with schedule.read; Rust
// answers only the kinds the role may act on): a doctor booked twice from two workstations, a
// patient who may have been registered twice, a pulled change this workstation refused. Open ones
// first. A double booking is resolved by rebooking or cancelling either booking (the scheduling
// feature's own dialogs) and then closes by itself; a possible duplicate is merged (the merge
// screen) or dismissed as two people; a refused change is dismissed by an administrator.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { zodResolver } from "@hookform/resolvers/zod";
import { CalendarClock, CalendarX2, CheckCheck, GitMerge, ShieldAlert, UserRoundX, Users, XCircle } from "lucide-react";
import { lazy, Suspense, useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { ConflictBooking, ConflictKind, ConflictPatient, SyncConflict } from "../../api/generated";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, TextAreaField } from "../../components/Field";
import { Form } from "../../components/Form";
import { PageHeader } from "../../components/PageHeader";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { requiredText } from "../../lib/validation";
import { useSession } from "../auth/session";
import type { BookingAction } from "./BookingFix";
import { syncChanged, syncConflictsQuery } from "./model";

const BookingFix = lazy(() => import("./BookingFix"));

const KIND_ICON: Record<ConflictKind, ReactNode> = {
  double_booking: <CalendarX2 aria-hidden="true" className="size-5" />,
  possible_duplicate: <Users aria-hidden="true" className="size-5" />,
  refused_change: <ShieldAlert aria-hidden="true" className="size-5" />,
};

/** Open ones first; Rust answers newest first within each. */
function ordered(conflicts: readonly SyncConflict[]): SyncConflict[] {
  return [...conflicts].sort((a, b) => Number(b.open) - Number(a.open));
}

export function ConflictsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [showClosed, setShowClosed] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [fixing, setFixing] = useState<{ action: BookingAction; booking: ConflictBooking } | null>(null);
  const [dismissing, setDismissing] = useState<SyncConflict | null>(null);
  const conflicts = useQuery({ ...syncConflictsQuery(showClosed), staleTime: 0, placeholderData: keepPreviousData });

  const done = (message: string) => {
    setFixing(null);
    setDismissing(null);
    setNotice(message);
    void syncChanged(queryClient);
  };

  return (
    <>
      <PageHeader
        title={t("sync.conflicts.title")}
        lead={t("sync.conflicts.lead")}
        actions={
          <CheckboxField
            label={t("sync.conflicts.showClosed")}
            name="include_closed"
            testId="conflicts-show-closed"
            checked={showClosed}
            onChange={(e) => {
              setShowClosed(e.target.checked);
            }}
          />
        }
      />
      {notice ? (
        <Banner tone="success" testId="conflicts-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      <QueryList
        query={conflicts}
        loadingLabel={t("sync.conflicts.loading")}
        isEmpty={(data) => data.length === 0}
        empty={
          <Card>
            <EmptyState title={showClosed ? t("sync.conflicts.emptyAll") : t("sync.conflicts.empty")} icon={<CheckCheck aria-hidden="true" className="size-8" />}>
              {t("sync.conflicts.emptyHint")}
            </EmptyState>
          </Card>
        }
      >
        {(data) => (
          <ul className="flex flex-col gap-4" data-testid="conflicts-list" aria-label={t("sync.conflicts.title")}>
            {ordered(data).map((c) => (
              <li key={c.id}>
                <ConflictCard
                  conflict={c}
                  onFix={(action, booking) => {
                    setNotice(null);
                    setFixing({ action, booking });
                  }}
                  onDismiss={() => {
                    setNotice(null);
                    setDismissing(c);
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </QueryList>
      {fixing ? (
        <Suspense fallback={null}>
          <BookingFix
            action={fixing.action}
            booking={fixing.booking}
            onClose={() => {
              setFixing(null);
            }}
            onDone={done}
          />
        </Suspense>
      ) : null}
      <DismissDialog
        conflict={dismissing}
        onClose={() => {
          setDismissing(null);
        }}
        onDone={() => {
          done(t("sync.conflicts.dismissed"));
        }}
      />
    </>
  );
}

function ConflictCard({ conflict: c, onFix, onDismiss }: { conflict: SyncConflict; onFix: (action: BookingAction, booking: ConflictBooking) => void; onDismiss: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const titleId = `conflict-${c.id}-title`;
  const state = c.open ? "open" : c.dismissed_at ? "dismissed" : "resolved";

  return (
    <Card className={c.open ? "border-warn-700/40" : "bg-ink-50/60"}>
      <section aria-labelledby={titleId} data-testid={`conflict-${c.id}`} data-kind={c.kind} data-open={String(c.open)} className="px-5 py-4">
        <header className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
          <div className="flex min-w-0 items-start gap-3">
            <span className={c.open ? "mt-0.5 text-warn-700" : "mt-0.5 text-ink-500"}>{KIND_ICON[c.kind]}</span>
            <div className="min-w-0">
              <h2 id={titleId} className="text-base font-semibold text-ink-900">
                {t(`sync.conflicts.kind.${c.kind}`)}
              </h2>
              <p className="text-[0.8125rem] text-ink-600">{t("sync.conflicts.detected", { time: format.dateTime(c.detected_at) })}</p>
            </div>
          </div>
          <div className="flex flex-col items-end gap-1">
            <Badge tone={state === "open" ? "warn" : state === "resolved" ? "ok" : "neutral"}>{t(`sync.conflicts.state.${state}`)}</Badge>
            {c.dismissed_at ? <p className="text-xs text-ink-600">{t("sync.conflicts.dismissedBy", { name: c.dismissed_by, time: format.dateTime(c.dismissed_at) })}</p> : null}
          </div>
        </header>
        {c.kind === "double_booking" ? <DoubleBooking conflict={c} onFix={onFix} /> : null}
        {c.kind === "possible_duplicate" ? (
          <>
            <p className="mt-3 text-sm text-ink-700">{c.open ? t("sync.conflicts.duplicateLead") : t("sync.conflicts.duplicateClosedLead")}</p>
            {c.detail ? <p className="mt-1 text-sm text-ink-600">{t("sync.conflicts.why", { reasons: c.detail })}</p> : null}
            <div className="mt-3 grid gap-3 md:grid-cols-2">
              {c.patients.map((p, i) => (
                <PatientSide key={p.patient_id} patient={p} label={t("sync.conflicts.recordN", { n: i + 1 })} />
              ))}
            </div>
            {c.open ? (
              <div className="mt-4 flex flex-wrap justify-end gap-2">
                {session.permissions.has("patients.write") ? (
                  <Button data-testid={`conflict-not-same-${c.id}`} icon={<UserRoundX aria-hidden="true" className="size-4" />} onClick={onDismiss}>
                    {t("sync.conflicts.notSame")}
                  </Button>
                ) : null}
                {session.permissions.has("patients.merge") && c.patients.length === 2 ? (
                  <Link
                    href={`/patients/merge/${c.patients[0]?.patient_id ?? ""}/${c.patients[1]?.patient_id ?? ""}`}
                    data-testid={`conflict-merge-${c.id}`}
                    className="inline-flex h-10 items-center gap-2 rounded-md border border-accent-700 bg-accent-700 px-4 text-[0.9375rem] font-medium text-white hover:bg-accent-800"
                  >
                    <GitMerge aria-hidden="true" className="size-4" />
                    {t("sync.conflicts.openMerge")}
                  </Link>
                ) : null}
              </div>
            ) : null}
          </>
        ) : null}
        {c.kind === "refused_change" ? (
          <>
            <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
              <dt className="text-ink-600">{t("sync.conflicts.table")}</dt>
              <dd className="font-mono text-ink-900">{c.table_name}</dd>
              <dt className="text-ink-600">{t("sync.conflicts.row")}</dt>
              <dd className="font-mono break-all text-ink-900">{c.row_id}</dd>
              <dt className="text-ink-600">{t("sync.conflicts.detail")}</dt>
              <dd className="break-words text-ink-900" data-testid={`conflict-detail-${c.id}`}>
                {c.detail}
              </dd>
            </dl>
            {c.open && session.permissions.has("sync.manage") ? (
              <div className="mt-4 flex justify-end">
                <Button data-testid={`conflict-dismiss-${c.id}`} icon={<XCircle aria-hidden="true" className="size-4" />} onClick={onDismiss}>
                  {t("sync.conflicts.dismiss")}
                </Button>
              </div>
            ) : null}
          </>
        ) : null}
      </section>
    </Card>
  );
}

function DoubleBooking({ conflict: c, onFix }: { conflict: SyncConflict; onFix: (action: BookingAction, booking: ConflictBooking) => void }) {
  const { t } = useTranslation();
  const doctor = c.bookings[0]?.doctor_name ?? "";
  return (
    <>
      <p className="mt-3 text-sm text-ink-700">{c.open ? t("sync.conflicts.doubleLead", { doctor }) : t("sync.conflicts.doubleClosedLead", { doctor })}</p>
      <div className="mt-3 grid gap-3 md:grid-cols-2">
        {c.bookings.map((b, i) => (
          <BookingSide key={b.appointment_id} booking={b} label={t("sync.conflicts.bookingN", { n: i + 1 })} open={c.open} onFix={onFix} />
        ))}
      </div>
    </>
  );
}

function BookingSide({ booking: b, label, open, onFix }: { booking: ConflictBooking; label: string; open: boolean; onFix: (action: BookingAction, booking: ConflictBooking) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const canChange = open && b.status === "scheduled" && session.permissions.has("schedule.write");
  const status = b.status as "scheduled" | "checked_in" | "in_consultation" | "completed" | "no_show" | "cancelled";
  return (
    <div className="flex flex-col rounded-md border border-ink-200 bg-white p-4" data-testid={`conflict-booking-${b.appointment_id}`} data-status={b.status}>
      <p className="text-xs font-semibold tracking-wide text-ink-500 uppercase">{label}</p>
      <p className="mt-1 text-base font-semibold text-ink-900">
        {session.permissions.has("patients.read") ? (
          <Link href={`/patients/${b.patient_id}`} className="underline-offset-2 hover:text-accent-800 hover:underline">
            {b.patient_name}
          </Link>
        ) : (
          b.patient_name
        )}
      </p>
      <dl className="mt-2 grid grid-cols-[6.5rem_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-ink-600">{t("sync.conflicts.when")}</dt>
        <dd className="text-ink-900" data-testid="conflict-booking-when">
          {format.date(b.starts_at)}, {format.time(b.starts_at)}–{format.time(b.ends_at)}
        </dd>
        <dt className="text-ink-600">{t("sync.conflicts.doctor")}</dt>
        <dd className="text-ink-900">{b.doctor_name}</dd>
        <dt className="text-ink-600">{t("sync.conflicts.status")}</dt>
        <dd className="text-ink-900">{t(`calendar.status.${status}`, { defaultValue: b.status })}</dd>
        <dt className="text-ink-600">{t("sync.conflicts.bookedBy")}</dt>
        <dd className="text-ink-900" data-testid="conflict-booking-by">
          {b.booked_by ? t("sync.conflicts.bookedByAt", { name: b.booked_by, time: format.dateTime(b.booked_at) }) : t("sync.conflicts.bookedElsewhere", { time: format.dateTime(b.booked_at) })}
        </dd>
      </dl>
      {canChange ? (
        <div className="mt-auto flex flex-wrap gap-2 pt-3">
          <Button size="sm" variant="primary" data-testid={`conflict-rebook-${b.appointment_id}`} icon={<CalendarClock aria-hidden="true" className="size-4" />} aria-label={t("sync.conflicts.rebookFor", { name: b.patient_name })} onClick={() => { onFix("reschedule", b); }}>
            {t("sync.conflicts.rebook")}
          </Button>
          <Button size="sm" variant="ghost" data-testid={`conflict-cancel-${b.appointment_id}`} icon={<XCircle aria-hidden="true" className="size-4" />} aria-label={t("sync.conflicts.cancelFor", { name: b.patient_name })} onClick={() => { onFix("cancel", b); }}>
            {t("sync.conflicts.cancelBooking")}
          </Button>
        </div>
      ) : open && b.status !== "scheduled" ? (
        <p className="mt-auto pt-3 text-[0.8125rem] text-ink-600">{t("sync.conflicts.underway")}</p>
      ) : null}
    </div>
  );
}

function PatientSide({ patient: p, label }: { patient: ConflictPatient; label: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="rounded-md border border-ink-200 bg-white p-4" data-testid={`conflict-patient-${p.patient_id}`}>
      <p className="text-xs font-semibold tracking-wide text-ink-500 uppercase">{label}</p>
      <p className="mt-1 text-base font-semibold text-ink-900">
        <Link href={`/patients/${p.patient_id}`} className="underline-offset-2 hover:text-accent-800 hover:underline">
          {p.name}
        </Link>
      </p>
      <dl className="mt-2 grid grid-cols-[6.5rem_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-ink-600">{t("sync.conflicts.mrn")}</dt>
        <dd className="font-mono text-ink-900">{p.mrn}</dd>
        <dt className="text-ink-600">{t("sync.conflicts.dateOfBirth")}</dt>
        <dd className="text-ink-900">{p.date_of_birth ? format.calendarDate(p.date_of_birth) : t("common.none")}</dd>
        <dt className="text-ink-600">{t("sync.conflicts.phone")}</dt>
        <dd className="text-ink-900">{p.phone || t("common.none")}</dd>
      </dl>
      {p.merged_into ? <p className="mt-2 text-[0.8125rem] text-ink-600">{t("sync.conflicts.mergedAway")}</p> : null}
    </div>
  );
}

function DismissDialog({ conflict, onClose, onDone }: { conflict: SyncConflict | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const duplicate = conflict?.kind === "possible_duplicate";
  return (
    <Dialog
      open={conflict !== null}
      onClose={onClose}
      title={duplicate ? t("sync.conflicts.notSameTitle") : t("sync.conflicts.dismissTitle")}
      description={duplicate ? t("sync.conflicts.notSameLead", { names: conflict.patients.map((p) => p.name).join(" · ") }) : t("sync.conflicts.dismissLead")}
      size="sm"
      testId="dismiss-dialog"
    >
      {conflict ? <DismissForm conflict={conflict} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function DismissForm({ conflict, onClose, onDone }: { conflict: SyncConflict; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ reason: requiredText(t, 500) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { reason: "" } });
  const dismiss = useMutation({
    mutationFn: (reason: string) => call("dismiss_sync_conflict", { conflict_id: conflict.id, reason }),
    onSuccess: onDone,
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, ["reason"]));
    },
  });
  const duplicate = conflict.kind === "possible_duplicate";
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        dismiss.mutate(v.reason);
      })}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <TextAreaField
        label={t("sync.conflicts.reason")}
        hint={duplicate ? t("sync.conflicts.reasonHintDuplicate") : t("sync.conflicts.reasonHintRefused")}
        rows={2}
        testId="dismiss-reason"
        error={form.formState.errors.reason?.message}
        {...form.register("reason")}
      />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={dismiss.isPending} data-testid="dismiss-submit">
          {duplicate ? t("sync.conflicts.notSameSubmit") : t("sync.conflicts.dismissSubmit")}
        </Button>
      </DialogActions>
    </Form>
  );
}
