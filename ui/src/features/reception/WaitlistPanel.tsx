// The waitlist (`list_waitlist`, offers first). When booked time frees up, Rust offers it to the
// oldest fitting entry; reception calls the patient and books it (`accept_waitlist_offer`) or
// passes it on (`decline_waitlist_offer`). Entries are taken off with a reason.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarCheck, Plus } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { StaffMember, VisitType, WaitlistEntry } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { commandQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Banner } from "../../components/Banner";
import { Dialog, DialogActions } from "../../components/Dialog";
import { SelectField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { optionalText, requiredText } from "../../lib/validation";
import { useCan } from "../auth/session";
import { doctorsQuery } from "../staff/StatusMenu";
import { BOARD_TABLES, visitTypesQuery } from "./board";
import { focusFirstError, PatientPicker, type PickedPatient } from "../patients/PatientPicker";

export const waitlistQuery = () => commandQuery("list_waitlist", {});

export interface Feedback {
  tone: "success" | "error";
  message: string;
}

type Decision = { kind: "accept" | "decline"; entry: WaitlistEntry };

export function WaitlistPanel({ onFeedback, adding, onAddingChange }: { onFeedback: (f: Feedback) => void; adding: boolean; onAddingChange: (open: boolean) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const canWrite = useCan("schedule.write");
  const canSearch = useCan("patients.read");
  const waitlist = useQuery(waitlistQuery());
  const doctors = useQuery(doctorsQuery());
  const visitTypes = useQuery(visitTypesQuery());
  const [removing, setRemoving] = useState<WaitlistEntry | null>(null);

  const decide = useMutation({
    mutationFn: async ({ kind, entry }: Decision) => {
      if (kind === "accept") await call("accept_waitlist_offer", { entry_id: entry.id });
      else await call("decline_waitlist_offer", { entry_id: entry.id });
    },
    onSuccess: async (_, { kind, entry }) => {
      await refreshAfterWrite(queryClient, BOARD_TABLES);
      onFeedback({
        tone: "success",
        message: kind === "accept" ? t("today.waitlist.accepted", { name: entry.patient_name, slot: entry.offered_label ?? "" }) : t("today.waitlist.declined", { name: entry.patient_name }),
      });
    },
    onError: (error) => {
      onFeedback({ tone: "error", message: errorMessage(error) });
    },
  });

  const doctorName = (id: string | null) => doctors.data?.members.find((d) => d.id === id)?.full_name ?? null;
  const visitName = (id: string) => visitTypes.data?.find((v) => v.id === id)?.name ?? "";
  const offers = waitlist.data?.filter((e) => e.status === "offered").length ?? 0;

  return (
    <Card className="overflow-hidden" >
      <section aria-labelledby="waitlist-title" data-testid="waitlist-panel">
        <header className="flex items-center justify-between gap-3 border-b border-ink-100 px-4 py-3">
          <h2 id="waitlist-title" className="flex items-center gap-2 text-base font-semibold text-ink-900">
            {t("today.waitlist.title")}
            {offers > 0 ? <Badge tone="warn">{t("today.waitlist.offers", { count: offers })}</Badge> : null}
          </h2>
          {canWrite && canSearch ? (
            <Button
              size="sm"
              data-testid="waitlist-add"
              icon={<Plus aria-hidden="true" className="size-4" />}
              onClick={() => {
                onAddingChange(true);
              }}
            >
              {t("today.waitlist.add")}
            </Button>
          ) : null}
        </header>
        <QueryList query={waitlist} loadingLabel={t("today.waitlist.loading")} isEmpty={(d) => d.length === 0} empty={<EmptyState title={t("today.waitlist.empty")} />}>
          {(entries) => (
            <ul className="divide-y divide-ink-100" data-testid="waitlist">
              {entries.map((e) => {
                const offered = e.status === "offered";
                const wanted = doctorName(e.doctor_id) ?? e.specialization ?? "";
                const busy = decide.isPending && decide.variables.entry.id === e.id;
                return (
                  <li key={e.id} data-testid={`waitlist-entry-${e.id}`} data-status={e.status} className={offered ? "bg-warn-50/60 px-4 py-3" : "px-4 py-3"}>
                    <div className="flex items-start justify-between gap-3">
                      <div className="min-w-0">
                        <div className="truncate font-medium text-ink-900">{e.patient_name}</div>
                        <div className="text-[0.8125rem] text-ink-600">
                          {[visitName(e.visit_type_id), wanted].filter(Boolean).join(" · ")}
                        </div>
                        {e.note ? <div className="mt-0.5 text-[0.8125rem] text-ink-600 italic">{e.note}</div> : null}
                        <div className="mt-0.5 text-xs text-ink-500">{t("today.waitlist.since", { date: format.date(e.created_at) })}</div>
                      </div>
                      {canWrite ? (
                        <Button
                          size="xs"
                          variant="ghost"
                          data-testid={`waitlist-remove-${e.id}`}
                          onClick={() => {
                            setRemoving(e);
                          }}
                        >
                          {t("today.waitlist.remove")}
                        </Button>
                      ) : null}
                    </div>
                    {offered ? (
                      <div className="mt-2 rounded-md border border-warn-700/25 bg-white px-3 py-2">
                        <p className="flex items-center gap-2 text-sm font-medium text-warn-700" data-testid={`waitlist-offer-${e.id}`}>
                          <CalendarCheck aria-hidden="true" className="size-4 shrink-0" />
                          {t("today.waitlist.offer", { slot: e.offered_label ?? "", doctor: doctorName(e.offered_doctor_id) ?? "" })}
                        </p>
                        {canWrite ? (
                          <div className="mt-2 flex gap-2">
                            <Button size="sm" variant="primary" busy={busy && decide.variables.kind === "accept"} disabled={busy} data-testid={`waitlist-accept-${e.id}`} onClick={() => { decide.mutate({ kind: "accept", entry: e }); }}>
                              {t("today.waitlist.accept")}
                            </Button>
                            <Button size="sm" busy={busy && decide.variables.kind === "decline"} disabled={busy} data-testid={`waitlist-decline-${e.id}`} onClick={() => { decide.mutate({ kind: "decline", entry: e }); }}>
                              {t("today.waitlist.decline")}
                            </Button>
                          </div>
                        ) : null}
                      </div>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </QueryList>
      </section>
      <RemoveDialog
        entry={removing}
        onClose={() => {
          setRemoving(null);
        }}
        onDone={(entry) => {
          setRemoving(null);
          onFeedback({ tone: "success", message: t("today.waitlist.removed", { name: entry.patient_name }) });
        }}
      />
      <AddDialog
        open={adding}
        doctors={doctors.data?.members ?? []}
        specializations={doctors.data?.specializations ?? []}
        visitTypes={visitTypes.data ?? []}
        onClose={() => {
          onAddingChange(false);
        }}
        onDone={(entry) => {
          onAddingChange(false);
          onFeedback({ tone: "success", message: t("today.waitlist.added", { name: entry.patient_name }) });
        }}
      />
    </Card>
  );
}

function RemoveDialog({ entry, onClose, onDone }: { entry: WaitlistEntry | null; onClose: () => void; onDone: (entry: WaitlistEntry) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={entry !== null} onClose={onClose} title={entry ? t("today.waitlist.removeTitle", { name: entry.patient_name }) : ""} size="sm" testId="waitlist-remove-dialog">
      {entry ? <RemoveForm entry={entry} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function RemoveForm({ entry, onClose, onDone }: { entry: WaitlistEntry; onClose: () => void; onDone: (entry: WaitlistEntry) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ reason: requiredText(t, 300) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { reason: "" } });
  const remove = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("remove_from_waitlist", { entry_id: entry.id, reason: v.reason }),
    onSuccess: async (removed) => {
      await refreshAfterWrite(queryClient, ["waitlist_entries"]);
      onDone(removed);
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
      submit={form.handleSubmit(
        (v) => {
        remove.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <TextField label={t("today.waitlist.reason")} hint={t("today.waitlist.reasonHint")} testId="waitlist-remove-reason" autoComplete="off" error={form.formState.errors.reason?.message} {...form.register("reason")} />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="danger" busy={remove.isPending} data-testid="waitlist-remove-submit">
          {t("today.waitlist.removeSubmit")}
        </Button>
      </DialogActions>
    </Form>
  );
}

const ADD_FIELDS = ["patient_id", "doctor_id", "visit_type_id", "note"] as const;

function AddDialog({ open, doctors, specializations, visitTypes, onClose, onDone }: { open: boolean; doctors: readonly StaffMember[]; specializations: readonly string[]; visitTypes: readonly VisitType[]; onClose: () => void; onDone: (entry: WaitlistEntry) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("today.waitlist.addTitle")} description={t("today.waitlist.addLead")} size="md" testId="waitlist-add-dialog">
      {open ? <AddForm doctors={doctors} specializations={specializations} visitTypes={visitTypes} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function AddForm({ doctors, specializations, visitTypes, onClose, onDone }: { doctors: readonly StaffMember[]; specializations: readonly string[]; visitTypes: readonly VisitType[]; onClose: () => void; onDone: (entry: WaitlistEntry) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [patient, setPatient] = useState<PickedPatient | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(
    () =>
      z.object({
        patient_id: z.string().min(1, { error: t("today.choosePatient") }),
        // "doctor:<id>" or "specialization:<name>": Rust takes one or the other.
        doctor_id: z.string().min(1, { error: t("today.waitlist.chooseWho") }),
        visit_type_id: z.string().min(1, { error: t("today.chooseVisitType") }),
        note: optionalText(t, 300),
      }),
    [t],
  );
  // The patient is chosen by a search, not an input: focus goes there first (focusFirstError).
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { patient_id: "", doctor_id: "", visit_type_id: "", note: "" }, shouldFocusError: false });
  const { errors } = form.formState;
  const add = useMutation({
    mutationFn: (v: z.output<typeof schema>) => {
      const [kind, ...rest] = v.doctor_id.split(":");
      const value = rest.join(":");
      return call("add_to_waitlist", {
        patient_id: v.patient_id,
        visit_type_id: v.visit_type_id,
        doctor_id: kind === "doctor" ? value : null,
        specialization: kind === "specialization" ? value : null,
        note: v.note,
      });
    },
    onSuccess: async (entry) => {
      await refreshAfterWrite(queryClient, ["waitlist_entries"]);
      onDone(entry);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, ADD_FIELDS));
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
          add.mutate(v);
        },
        (errors) => {
          focusFirstError(errors, "waitlist-patient", form.setFocus);
        },
      )}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <PatientPicker
        testId="waitlist-patient"
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
        <SelectField label={t("today.waitlist.who")} testId="waitlist-who" error={errors.doctor_id?.message} {...form.register("doctor_id")}>
          <option value="">{t("today.waitlist.chooseWhoOption")}</option>
          <optgroup label={t("today.waitlist.doctors")}>
            {doctors.map((d) => (
              <option key={d.id} value={`doctor:${d.id}`}>
                {d.full_name}
              </option>
            ))}
          </optgroup>
          {specializations.length > 0 ? (
            <optgroup label={t("today.waitlist.anyDoctorOf")}>
              {specializations.map((s) => (
                <option key={s} value={`specialization:${s}`}>
                  {s}
                </option>
              ))}
            </optgroup>
          ) : null}
        </SelectField>
        <SelectField label={t("today.visitType")} testId="waitlist-visit-type" error={errors.visit_type_id?.message} {...form.register("visit_type_id")}>
          <option value="">{t("today.chooseVisitTypeOption")}</option>
          {visitTypes
            .filter((v) => v.active)
            .map((v) => (
              <option key={v.id} value={v.id}>
                {t("today.visitTypeOption", { name: v.name, minutes: v.minutes })}
              </option>
            ))}
        </SelectField>
      </div>
      <TextField label={t("today.waitlist.note")} optional hint={t("today.waitlist.noteHint")} testId="waitlist-note" autoComplete="off" error={errors.note?.message} {...form.register("note")} />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={add.isPending} data-testid="waitlist-add-submit">
          {t("today.waitlist.addSubmit")}
        </Button>
      </DialogActions>
    </Form>
  );
}
