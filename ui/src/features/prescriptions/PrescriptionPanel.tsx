// The prescription builder for a patient, optionally within a consultation: a draft is started
// (`create_prescription`), medications are chosen from the catalog with its usual dosing filled in
// (`add_prescription_item`; Rust works the quantity out), edited and taken off while it is a
// draft. Rust checks the draft against the patient's recorded allergies and current medications
// at every read: each warning is shown with its item (allergy in red, duplicate therapy in amber)
// and needs a reason before Sign is enabled. Signed, the prescription is locked and shows its
// verification code and the overridden warnings with their reasons; an item is discontinued with
// a reason, the whole prescription marked entered in error (by its prescriber), or renewed as a
// new draft. Only doctors write (prescriptions.write) and only the prescriber changes a draft;
// nurses and pharmacists read.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Ban, CopyPlus, FilePlus2, KeyRound, Pencil, Pill, Printer, Trash2, TriangleAlert } from "lucide-react";
import { useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage, sentence } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Medication, Prescription, PrescriptionItem, PrescriptionStatus } from "../../api/generated";
import { Badge, type Tone } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { cn } from "../../components/cn";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { FieldError, TextAreaField } from "../../components/Field";
import { Form } from "../../components/Form";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { charCount, optionalText } from "../../lib/validation";
import { useCan, useSession } from "../auth/session";
import { ReasonDialog, type ReasonRequest } from "../records/ReasonDialog";
import { useRxT, type RxT } from "./i18n";
import { ItemEditor, valuesFromItem, valuesFromMedication } from "./ItemEditor";
import { MedicationPicker } from "./MedicationPicker";
import { OVERRIDE_REASON_MAX, prescriptionQuery, prescriptionsQuery, prescriptionWritten, RX_TABLES, warningGroups, type WarningGroup } from "./model";
import { PrintPreview } from "./PrintPreview";

export const statusTone: Record<PrescriptionStatus, Tone> = { draft: "info", signed: "ok", entered_in_error: "warn" };

export function prescriptionStatusLabel(rx: RxT, status: PrescriptionStatus): string {
  return rx(`prescriptions.status.${status}`);
}

export interface PrescriptionPanelProps {
  patientId: string;
  /** The consultation it is written in (its newest prescription opens; a new one is tied to it). */
  encounterId?: string | null;
  /** A prescription to open (e.g. from the chart's history). */
  prescriptionId?: string | null;
  /** Called when the panel opens another prescription (a new draft, a renewal). */
  onPrescriptionChange?: (prescriptionId: string) => void;
  /** False inside a dialog, which gives the title: no card and no header of its own. */
  framed?: boolean;
}

export function PrescriptionPanel({ patientId, encounterId = null, prescriptionId = null, onPrescriptionChange, framed = true }: PrescriptionPanelProps) {
  const rx = useRxT();
  const canWrite = useCan("prescriptions.write");
  const [openId, setOpenId] = useState<string | null>(prescriptionId);
  const [starting, setStarting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // Another prescription asked for by the parent opens (state follows the prop, during render).
  const [asked, setAsked] = useState(prescriptionId);
  if (prescriptionId !== asked) {
    setAsked(prescriptionId);
    if (prescriptionId !== null) setOpenId(prescriptionId);
  }
  // In a consultation: its newest draft, else its newest signed prescription.
  const list = useQuery({ ...prescriptionsQuery(patientId), enabled: openId === null && encounterId !== null });
  const ofEncounter = (list.data ?? []).filter((p) => p.encounter_id === encounterId && p.status !== "entered_in_error");
  const shownId = openId ?? (ofEncounter.find((p) => p.status === "draft") ?? ofEncounter[0])?.id ?? null;
  const open = (id: string, message: string | null) => {
    setOpenId(id);
    setStarting(false);
    setNotice(message);
    onPrescriptionChange?.(id);
  };

  // Inside a dialog (the chart's), the chart offers its own "New prescription".
  const newButton =
    framed && shownId !== null && canWrite && !starting ? (
      <Button
        size="sm"
        variant="ghost"
        className="ml-auto"
        icon={<FilePlus2 aria-hidden="true" className="size-4" />}
        data-testid="rx-new"
        onClick={() => {
          setNotice(null);
          setStarting(true);
        }}
      >
        {rx("prescriptions.new")}
      </Button>
    ) : null;
  const content = (
    <>
      {notice ? (
        <Banner tone="success" testId="rx-notice" className="mx-(--rx-inset) mt-3">
          {notice}
        </Banner>
      ) : null}
      {starting || shownId === null ? (
        encounterId !== null && openId === null && list.isPending && !starting ? (
          <LoadingState label={rx("prescriptions.loading")} />
        ) : canWrite ? (
          <StartPrescription
            patientId={patientId}
            encounterId={encounterId}
            first={shownId === null}
            onStarted={(p) => {
              open(p.id, null);
            }}
            onCancel={
              shownId === null
                ? undefined
                : () => {
                    setStarting(false);
                  }
            }
          />
        ) : (
          <p className="px-(--rx-inset) py-4 text-sm text-ink-600" data-testid="rx-none">
            {rx("prescriptions.noneYet")}
          </p>
        )
      ) : (
        <PrescriptionView
          key={shownId}
          prescriptionId={shownId}
          onNotice={setNotice}
          onOpen={(id, message) => {
            open(id, message);
          }}
        />
      )}
    </>
  );

  if (!framed) {
    return (
      <section aria-label={rx("prescriptions.title")} data-testid="rx-panel" className="-mx-6 -my-5 [--rx-inset:1.5rem]">
        {content}
      </section>
    );
  }
  return (
    <Card className="overflow-hidden">
      <section aria-labelledby="rx-title" data-testid="rx-panel" className="[--rx-inset:1rem]">
        <header className="flex flex-wrap items-center gap-2 border-b border-ink-100 px-4 py-3">
          <Pill aria-hidden="true" className="size-4.5 text-accent-700" />
          <h2 id="rx-title" className="text-base font-semibold text-ink-900">
            {rx("prescriptions.title")}
          </h2>
          {newButton}
        </header>
        {content}
      </section>
    </Card>
  );
}

function StartPrescription({ patientId, encounterId, first, onStarted, onCancel }: { patientId: string; encounterId: string | null; first: boolean; onStarted: (p: Prescription) => void; onCancel?: (() => void) | undefined }) {
  const rx = useRxT();
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ notes: optionalText(t, 1_000) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { notes: "" } });
  const start = useMutation({
    mutationFn: ({ notes }: { notes: string }) => call("create_prescription", { patient_id: patientId, encounter_id: encounterId, notes }),
    onSuccess: (p) => {
      prescriptionWritten(queryClient, p, RX_TABLES.prescription);
      onStarted(p);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, ["notes"]));
    },
  });
  return (
    <Form
      className="flex flex-col gap-3 px-(--rx-inset) py-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        start.mutate(v);
      })}
    >
      {first ? (
        <div>
          <p className="font-medium text-ink-800">{rx("prescriptions.noneYet")}</p>
          <p className="text-sm text-ink-600">{rx("prescriptions.noneYetLead")}</p>
        </div>
      ) : (
        <p className="text-sm text-ink-600">{rx("prescriptions.startLead")}</p>
      )}
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <TextAreaField label={rx("prescriptions.notes")} optional hint={rx("prescriptions.notesHint")} rows={2} testId="rx-notes" error={form.formState.errors.notes?.message} {...form.register("notes")} />
      <div className="flex justify-end gap-2">
        {onCancel ? <Button onClick={onCancel}>{t("common.cancel")}</Button> : null}
        <Button type="submit" variant="primary" icon={<FilePlus2 aria-hidden="true" className="size-4" />} busy={start.isPending} data-testid="rx-start">
          {rx("prescriptions.start")}
        </Button>
      </div>
    </Form>
  );
}

function PrescriptionView({ prescriptionId, onNotice, onOpen }: { prescriptionId: string; onNotice: (message: string | null) => void; onOpen: (id: string, message: string | null) => void }) {
  const rx = useRxT();
  const query = useQuery(prescriptionQuery(prescriptionId));
  if (query.isPending) return <LoadingState label={rx("prescriptions.loading")} />;
  if (query.isError) {
    return (
      <div className="p-4">
        <Banner tone="error" testId="form-error">
          {errorMessage(query.error)}
        </Banner>
      </div>
    );
  }
  return <PrescriptionBody prescription={query.data} onNotice={onNotice} onOpen={onOpen} />;
}

function PrescriptionBody({ prescription: p, onNotice, onOpen }: { prescription: Prescription; onNotice: (message: string | null) => void; onOpen: (id: string, message: string | null) => void }) {
  const rx = useRxT();
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const canWrite = useCan("prescriptions.write");
  const mine = p.prescriber_id === user.id;
  const draft = p.status === "draft";
  const editable = draft && canWrite && mine;
  const [reasons, setReasons] = useState<Readonly<Record<string, string>>>({});
  const [adding, setAdding] = useState<Medication | null>(null);
  // After an item is added (or the editor cancelled), the catalog search takes the keyboard again.
  const [backToSearch, setBackToSearch] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [asking, setAsking] = useState<ReasonRequest | null>(null);
  const [confirmSign, setConfirmSign] = useState(false);
  const [previewing, setPreviewing] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const groups = warningGroups(p.warnings);
  const active = p.items.filter((i) => i.status === "active");
  const reasonOf = (g: WarningGroup) => (reasons[g.key] ?? "").trim();
  const missing = draft ? groups.filter((g) => reasonOf(g) === "" || charCount(reasonOf(g)) > OVERRIDE_REASON_MAX) : [];
  // What is being added or edited is not on the draft yet: sign once it is saved (or dropped).
  const canSign = editable && active.length > 0 && missing.length === 0 && adding === null && editing === null;
  const written = (next: Prescription, tables: readonly string[]) => {
    prescriptionWritten(queryClient, next, tables);
  };
  const begin = () => {
    onNotice(null);
    setFailure(null);
  };

  const remove = useMutation({
    mutationFn: (item: PrescriptionItem) => call("remove_prescription_item", { item_id: item.id }),
    onMutate: begin,
    onSuccess: (next, item) => {
      written(next, RX_TABLES.items);
      onNotice(rx("prescriptions.removed", { name: item.medication_name }));
    },
    onError: (error) => {
      setFailure(errorMessage(error));
    },
  });
  const sign = useMutation({
    mutationFn: () => call("sign_prescription", { prescription_id: p.id, overrides: groups.map((g) => ({ item_id: g.item_id, kind: g.kind, reason: reasonOf(g) })) }),
    onSuccess: (next) => {
      setConfirmSign(false);
      written(next, RX_TABLES.signed);
      onNotice(rx("prescriptions.signed", { code: next.verification_code ?? "" }));
    },
    onError: (error) => {
      setConfirmSign(false);
      setFailure(errorMessage(error));
    },
  });
  const renew = useMutation({
    mutationFn: () => call("renew_prescription", { prescription_id: p.id }),
    onMutate: begin,
    onSuccess: (next) => {
      written(next, RX_TABLES.renewed);
      onOpen(next.id, rx("prescriptions.renewed"));
    },
    onError: (error) => {
      setFailure(errorMessage(error));
    },
  });

  const discontinue = (item: PrescriptionItem) => {
    begin();
    setAsking({
      title: rx("prescriptions.discontinueTitle", { name: item.medication_name }),
      lead: rx("prescriptions.discontinueLead"),
      confirmLabel: rx("prescriptions.discontinueConfirm"),
      tone: "danger",
      required: true,
      submit: async (reason) => {
        written(await call("discontinue_prescription_item", { item_id: item.id, reason }), RX_TABLES.items);
      },
      done: () => {
        setAsking(null);
        onNotice(rx("prescriptions.discontinued", { name: item.medication_name }));
      },
    });
  };
  const markError = () => {
    begin();
    setAsking({
      title: draft ? rx("prescriptions.discardTitle") : rx("prescriptions.markErrorTitle"),
      lead: draft ? rx("prescriptions.discardLead") : rx("prescriptions.markErrorLead"),
      confirmLabel: draft ? rx("prescriptions.discard") : t("records.markError"),
      tone: "danger",
      required: true,
      submit: async (reason) => {
        written(await call("mark_prescription_entered_in_error", { prescription_id: p.id, reason }), RX_TABLES.prescription);
      },
      done: () => {
        setAsking(null);
        onNotice(draft ? rx("prescriptions.discarded") : rx("prescriptions.markedError"));
      },
    });
  };

  return (
    <div className="flex flex-col" data-testid="rx-prescription" data-status={p.status} data-prescription-id={p.id}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 px-(--rx-inset) pt-3 text-[0.875rem] text-ink-700">
        <Badge tone={statusTone[p.status]} className="text-[0.8125rem]">
          <span data-testid="rx-status">{prescriptionStatusLabel(rx, p.status)}</span>
        </Badge>
        <span>{p.signed_at ? rx("prescriptions.signedByAt", { name: p.prescriber_name, at: format.dateTime(p.signed_at) }) : rx("prescriptions.byAt", { name: p.prescriber_name, at: format.dateTime(p.created_at) })}</span>
        {p.renewed_from_id ? <span className="text-ink-600">· {rx("prescriptions.renewal")}</span> : null}
      </div>
      <div className="flex flex-col gap-3 px-(--rx-inset) py-3">
        {p.verification_code ? (
          <div className="flex flex-wrap items-center gap-3 rounded-md border border-ok-700/30 bg-ok-50 px-3.5 py-2.5">
            <KeyRound aria-hidden="true" className="size-5 text-ok-700" />
            <span className="text-sm font-medium text-ok-700">{rx("prescriptions.verification")}</span>
            <span className="font-mono text-lg font-semibold tracking-wider text-ink-900" data-testid="rx-verification">
              {p.verification_code}
            </span>
            <span className="text-[0.8125rem] text-ink-700">{rx("prescriptions.verificationHint")}</span>
          </div>
        ) : null}
        {p.status === "entered_in_error" ? (
          <Banner tone="warning" testId="rx-error-banner">
            {rx("prescriptions.enteredInError", { reason: p.error_reason })}
          </Banner>
        ) : null}
        {draft && !editable ? (
          <Banner tone="info" testId="rx-read-only">
            {canWrite ? rx("prescriptions.readOnlyDraft", { name: p.prescriber_name }) : rx("prescriptions.readOnlyRole")} {rx("prescriptions.draftNotValid")}
          </Banner>
        ) : null}
        {!draft && !canWrite ? (
          <p className="text-[0.8125rem] text-ink-600" data-testid="rx-read-only">
            {rx("prescriptions.readOnlyRole")}
          </p>
        ) : null}
        {p.notes ? (
          <p className="text-sm text-ink-700">
            <span className="font-medium text-ink-800">{rx("prescriptions.notes")}: </span>
            {p.notes}
          </p>
        ) : null}
        {failure ? (
          <Banner tone="error" testId="form-error">
            {failure}
          </Banner>
        ) : null}

        <h3 className="text-sm font-semibold text-ink-800">{rx("prescriptions.items")}</h3>
        {p.items.length === 0 ? (
          <p className="text-sm text-ink-600" data-testid="rx-no-items">
            {rx("prescriptions.noItems")}
          </p>
        ) : (
          <ol className="flex flex-col gap-2" data-testid="rx-items">
            {p.items.map((item) => {
              const itemGroups = draft ? groups.filter((g) => g.item_id === item.id) : [];
              return (
                <li key={item.id} className={cn("rounded-md border bg-white", itemGroups.some((g) => g.kind === "allergy") ? "border-danger-600" : itemGroups.length > 0 ? "border-warn-700/50" : "border-ink-200")} data-testid={`rx-item-${String(item.position)}`} data-status={item.status}>
                  {editing === item.id ? (
                    <div className="p-3">
                      <ItemEditor
                        mode="edit"
                        title={item.medication_name}
                        unit={item.dispense_unit}
                        initial={valuesFromItem(item)}
                        submit={(fields) => call("update_prescription_item", { item_id: item.id, ...fields })}
                        onDone={(next) => {
                          written(next, RX_TABLES.items);
                          setEditing(null);
                          onNotice(rx("prescriptions.saved", { name: item.medication_name }));
                        }}
                        onCancel={() => {
                          setEditing(null);
                        }}
                      />
                    </div>
                  ) : (
                    <ItemRow
                      item={item}
                      actions={
                        editable ? (
                          <>
                            <Button
                              size="xs"
                              variant="ghost"
                              icon={<Pencil aria-hidden="true" className="size-3.5" />}
                              aria-label={rx("prescriptions.editFor", { name: item.medication_name })}
                              data-testid={`rx-item-edit-${String(item.position)}`}
                              onClick={() => {
                                begin();
                                setAdding(null);
                                setEditing(item.id);
                              }}
                            >
                              {rx("prescriptions.edit")}
                            </Button>
                            <Button
                              size="xs"
                              variant="ghost"
                              className="text-danger-700! hover:bg-danger-50"
                              icon={<Trash2 aria-hidden="true" className="size-3.5" />}
                              aria-label={rx("prescriptions.removeFor", { name: item.medication_name })}
                              busy={remove.isPending && remove.variables.id === item.id}
                              data-testid={`rx-item-remove-${String(item.position)}`}
                              onClick={() => {
                                remove.mutate(item);
                              }}
                            >
                              {rx("prescriptions.remove")}
                            </Button>
                          </>
                        ) : p.status === "signed" && canWrite && item.status === "active" ? (
                          <Button
                            size="xs"
                            variant="ghost"
                            className="text-danger-700! hover:bg-danger-50"
                            icon={<Ban aria-hidden="true" className="size-3.5" />}
                            aria-label={rx("prescriptions.discontinueFor", { name: item.medication_name })}
                            data-testid={`rx-item-discontinue-${String(item.position)}`}
                            onClick={() => {
                              discontinue(item);
                            }}
                          >
                            {rx("prescriptions.discontinue")}
                          </Button>
                        ) : null
                      }
                    />
                  )}
                  {itemGroups.map((g) => (
                    <WarningBox
                      key={g.key}
                      group={g}
                      itemName={item.medication_name}
                      editable={editable}
                      reason={reasons[g.key] ?? ""}
                      onReason={(value) => {
                        setReasons((r) => ({ ...r, [g.key]: value }));
                      }}
                    />
                  ))}
                </li>
              );
            })}
          </ol>
        )}

        {!draft && p.warnings.length > 0 ? (
          <section aria-labelledby={`rx-overrides-${p.id}`} className="rounded-md border border-ink-200 bg-ink-50 px-3.5 py-2.5" data-testid="rx-overrides">
            <h3 id={`rx-overrides-${p.id}`} className="text-sm font-semibold text-ink-800">
              {rx("prescriptions.warnings.overriddenTitle")}
            </h3>
            <ul className="mt-1.5 flex flex-col gap-2">
              {p.warnings.map((w, i) => (
                <li key={`${w.item_id}-${w.kind}-${String(i)}`} className="text-[0.8125rem]">
                  <span className={cn("mr-1.5 font-semibold", w.kind === "allergy" ? "text-danger-700" : "text-warn-700")}>{rx(`prescriptions.warnings.${w.kind}`)}:</span>
                  <span className="text-ink-800">{sentence(w.message)}</span>
                  <span className="block text-ink-700" data-testid="rx-override-reason">
                    {rx("prescriptions.warnings.overridden", { name: w.overridden_by_name ?? "", reason: w.override_reason ?? "" })}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {editable ? (
          <div className="rounded-md border border-dashed border-ink-300 px-3 py-3" data-testid="rx-add">
            {adding ? (
              <ItemEditor
                mode="add"
                title={adding.display_name}
                unit={adding.dispense_unit}
                initial={valuesFromMedication(adding)}
                submit={(fields) => call("add_prescription_item", { prescription_id: p.id, medication_id: adding.id, ...fields })}
                onDone={(next) => {
                  written(next, RX_TABLES.items);
                  onNotice(rx("prescriptions.added", { name: adding.display_name }));
                  setAdding(null);
                  setBackToSearch(true);
                }}
                onCancel={() => {
                  setAdding(null);
                  setBackToSearch(true);
                }}
              />
            ) : (
              <>
                <h3 className="mb-2 text-sm font-semibold text-ink-800">{rx("prescriptions.addMedication")}</h3>
                <MedicationPicker
                  autoFocus={backToSearch}
                  onPick={(m) => {
                    begin();
                    setEditing(null);
                    setAdding(m);
                  }}
                />
              </>
            )}
          </div>
        ) : null}
      </div>

      <footer className="flex flex-wrap items-center justify-end gap-2 border-t border-ink-100 bg-ink-50/60 px-(--rx-inset) py-3">
        {editable ? (
          <>
            <Button variant="ghost" className="mr-auto text-danger-700! hover:bg-danger-50" icon={<Ban aria-hidden="true" className="size-4" />} data-testid="rx-discard" onClick={markError}>
              {rx("prescriptions.discard")}
            </Button>
            {!canSign && (active.length === 0 || missing.length > 0) ? (
              <p className="text-[0.8125rem] text-ink-700" id={`rx-sign-hint-${p.id}`} data-testid="rx-sign-hint">
                {active.length === 0 ? rx("prescriptions.signHintItems") : rx("prescriptions.warnings.count", { count: missing.length })}
              </p>
            ) : null}
          </>
        ) : null}
        {p.items.length > 0 ? (
          <Button
            icon={<Printer aria-hidden="true" className="size-4" />}
            data-testid="rx-preview"
            onClick={() => {
              setPreviewing(true);
            }}
          >
            {rx("prescriptions.preview")}
          </Button>
        ) : null}
        {p.status === "signed" && canWrite && mine ? (
          <Button variant="ghost" className="text-danger-700! hover:bg-danger-50" icon={<Ban aria-hidden="true" className="size-4" />} data-testid="rx-mark-error" onClick={markError}>
            {rx("prescriptions.markError")}
          </Button>
        ) : null}
        {p.status === "signed" && canWrite ? (
          <Button
            icon={<CopyPlus aria-hidden="true" className="size-4" />}
            busy={renew.isPending}
            data-testid="rx-renew"
            onClick={() => {
              renew.mutate();
            }}
          >
            {rx("prescriptions.renew")}
          </Button>
        ) : null}
        {editable ? (
          <Button
            variant="primary"
            disabled={!canSign}
            aria-describedby={!canSign && (active.length === 0 || missing.length > 0) ? `rx-sign-hint-${p.id}` : undefined}
            data-testid="rx-sign"
            onClick={() => {
              begin();
              setConfirmSign(true);
            }}
          >
            {rx("prescriptions.sign")}
          </Button>
        ) : null}
      </footer>

      <ConfirmDialog
        open={confirmSign}
        title={rx("prescriptions.signTitle")}
        confirmLabel={rx("prescriptions.signConfirm")}
        busy={sign.isPending}
        body={
          <div className="flex flex-col gap-2">
            <p>{rx("prescriptions.signBody", { name: user.full_name })}</p>
            <ul className="list-disc pl-5 text-sm">
              {active.map((i) => (
                <li key={i.id}>
                  <span className="font-medium">{i.medication_name}</span>: {i.directions}
                </li>
              ))}
            </ul>
            {groups.length > 0 ? (
              <>
                <p className="text-sm">{rx("prescriptions.signOverrides")}</p>
                <ul className="list-disc pl-5 text-sm">
                  {groups.map((g) => (
                    <li key={g.key}>
                      <span className={g.kind === "allergy" ? "font-semibold text-danger-700" : "font-semibold text-warn-700"}>{rx(`prescriptions.warnings.${g.kind}`)}</span>: {reasonOf(g)}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        }
        onConfirm={() => {
          sign.mutate();
        }}
        onClose={() => {
          setConfirmSign(false);
        }}
      />
      <ReasonDialog
        request={asking}
        testId="rx-reason-dialog"
        onClose={() => {
          setAsking(null);
        }}
      />
      <Dialog
        open={previewing}
        onClose={() => {
          setPreviewing(false);
        }}
        title={rx("prescriptions.previewTitle")}
        size="lg"
        testId="rx-preview-dialog"
      >
        {previewing ? <PrintPreview prescriptionId={p.id} status={p.status} /> : null}
      </Dialog>
    </div>
  );
}

/** One medication as prescribed: what the pharmacist reads, and its course. */
export function ItemRow({ item, actions }: { item: PrescriptionItem; actions?: ReactNode }) {
  const rx = useRxT();
  const format = useFormat();
  const stopped = item.status === "discontinued" || item.status === "entered_in_error";
  return (
    <div className="flex items-start gap-3 px-3 py-2.5">
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
          <span className={cn("font-semibold", stopped ? "text-ink-600 line-through" : "text-ink-900")}>{item.medication_name}</span>
          {item.status !== "active" ? <Badge tone="warn">{rx(`prescriptions.itemStatus.${item.status}`)}</Badge> : null}
        </p>
        <p className="mt-0.5 text-[0.9375rem] text-ink-900" data-testid="rx-directions">
          <span className="sr-only">{rx("prescriptions.directions")}: </span>
          {item.directions}
        </p>
        <p className="mt-0.5 text-[0.8125rem] text-ink-700">
          <span data-testid="rx-quantity-line">{rx("prescriptions.quantityLine", { quantity: item.quantity, unit: item.dispense_unit })}</span>
          {" · "}
          {item.refills === 0 ? rx("prescriptions.noRefills") : rx("prescriptions.refillsLine", { count: item.refills })}
          {" · "}
          {item.duration_days === null ? rx("prescriptions.ongoing") : rx("prescriptions.days", { count: item.duration_days })}
        </p>
        {item.instructions ? (
          <p className="mt-0.5 text-[0.8125rem] text-ink-700">
            <span className="font-medium">{rx("prescriptions.instructions")}: </span>
            {item.instructions}
          </p>
        ) : null}
        {item.status === "discontinued" ? (
          <p className="mt-0.5 text-[0.8125rem] font-medium text-warn-700" data-testid="rx-stop-reason">
            {rx("prescriptions.stopped", { name: item.stopped_by_name ?? "", at: item.stopped_at ? format.dateTime(item.stopped_at) : "", reason: item.stop_reason })}
          </p>
        ) : null}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap justify-end gap-1">{actions}</div> : null}
    </div>
  );
}

/** A warning of the draft for one item (allergy: red; duplicate therapy: amber) and its override reason. */
function WarningBox({ group, itemName, editable, reason, onReason }: { group: WarningGroup; itemName: string; editable: boolean; reason: string; onReason: (reason: string) => void }) {
  const rx = useRxT();
  const { t } = useTranslation();
  const allergy = group.kind === "allergy";
  const tooLong = charCount(reason.trim()) > OVERRIDE_REASON_MAX;
  const id = `rx-warning-${group.key.replace("|", "-")}`;
  return (
    <div
      role="group"
      aria-labelledby={`${id}-title`}
      className={cn("border-t px-3 py-2.5", allergy ? "border-danger-600/40 bg-danger-50" : "border-warn-700/30 bg-warn-50")}
      data-testid={`rx-warning-${group.kind}-${group.item_id}`}
      data-kind={group.kind}
    >
      <p id={`${id}-title`} className={cn("flex items-center gap-1.5 text-sm font-bold tracking-wide uppercase", allergy ? "text-danger-700" : "text-warn-700")}>
        <TriangleAlert aria-hidden="true" className="size-4.5" />
        {rx("prescriptions.warnings.heading", { kind: rx(`prescriptions.warnings.${group.kind}`), name: itemName })}
      </p>
      <ul className="mt-1 flex flex-col gap-0.5 text-[0.875rem] font-medium text-ink-900">
        {group.messages.map((m, i) => (
          <li key={String(i)}>{sentence(m)}</li>
        ))}
      </ul>
      {editable ? (
        <div className="mt-2">
          <TextAreaField
            label={rx("prescriptions.warnings.reason")}
            hint={rx("prescriptions.warnings.reasonHint")}
            name={`override-${group.kind}`}
            rows={2}
            testId={`rx-override-${group.kind}-${group.item_id}`}
            value={reason}
            aria-invalid={tooLong || undefined}
            onChange={(e) => {
              onReason(e.target.value);
            }}
          />
          {tooLong ? <FieldError name="overrides" message={t("validation.tooLong", { max: OVERRIDE_REASON_MAX })} /> : null}
        </div>
      ) : null}
    </div>
  );
}
