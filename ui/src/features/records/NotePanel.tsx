// The consultation's SOAP note. While the encounter is open its doctor writes drafts (each save is
// kept) and signs; after signing the note reads as signed and changes only by an amendment with
// a reason (the original stays: see NoteHistory). Everyone else with clinical.read reads it.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FilePenLine, PenLine, Save, Signature } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useForm, type UseFormRegister } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage, isCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Encounter } from "../../api/generated";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog, DialogActions } from "../../components/Dialog";
import { TextAreaField } from "../../components/Field";
import { Form } from "../../components/Form";
import { useFormat } from "../../lib/format";
import { optionalText, requiredText } from "../../lib/validation";
import { useCan, useSession } from "../auth/session";
import { encounterWritten, RECORDS_TABLES, SOAP_FIELDS, SOAP_MAX, soapOf, type SoapField, type SoapText } from "./model";
import { NoteHistory } from "./NoteHistory";
import { NoteText } from "./NoteText";

export function NotePanel({ encounter, onNotice }: { encounter: Encounter; onNotice: (message: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { user } = useSession();
  const canWrite = useCan("clinical.write");
  const canSign = useCan("clinical.sign");
  const [amending, setAmending] = useState(false);
  const { summary, note } = encounter;
  const mine = summary.doctor_id === user.id;
  const editing = summary.status === "open" && canWrite && mine;

  return (
    <Card className="overflow-hidden">
      <section aria-labelledby="note-title" data-testid="note-panel" data-mode={editing ? "edit" : "read"}>
        <header className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-ink-100 px-5 py-3">
          <div className="min-w-0">
            <h2 id="note-title" className="text-base font-semibold text-ink-900">
              {t("records.note.title")}
            </h2>
            <p className="mt-0.5 text-[0.8125rem] text-ink-600" data-testid="note-status">
              {summary.status === "signed" && summary.signed_at ? (
                t("records.note.signedBy", { name: summary.signed_by_name ?? "", at: format.dateTime(summary.signed_at) })
              ) : note ? (
                t("records.note.draftSaved", { name: note.author_name, at: format.dateTime(note.written_at) })
              ) : (
                t("records.note.nothingYet")
              )}
            </p>
          </div>
          <div className="flex items-center gap-2">
            {summary.amendments > 0 ? <Badge tone="info">{t("records.note.amendedCount", { count: summary.amendments })}</Badge> : null}
            {summary.status === "signed" && canSign && mine ? (
              <Button
                icon={<FilePenLine aria-hidden="true" className="size-4" />}
                data-testid="note-amend"
                onClick={() => {
                  setAmending(true);
                }}
              >
                {t("records.note.amend")}
              </Button>
            ) : null}
          </div>
        </header>
        {editing ? (
          <NoteEditor key={summary.id} encounter={encounter} onNotice={onNotice} />
        ) : (
          <div className="px-5 py-4">
            {summary.status === "open" ? (
              <p className="mb-3 text-[0.8125rem] text-ink-600" data-testid="note-readonly-reason">
                {canWrite || canSign ? t("records.note.onlyTheDoctor", { name: summary.doctor_name }) : t("records.note.readOnlyRole", { name: summary.doctor_name })}
              </p>
            ) : null}
            {note ? <NoteText note={note} testId="note-text" /> : <p className="text-[0.9375rem] text-ink-600">{t("records.note.nothingYet")}</p>}
          </div>
        )}
        <NoteHistory history={encounter.history} />
      </section>
      {summary.status === "signed" && canSign && mine ? (
        <AmendDialog
          open={amending}
          encounter={encounter}
          onClose={() => {
            setAmending(false);
          }}
          onDone={() => {
            setAmending(false);
            onNotice(t("records.note.amended"));
          }}
        />
      ) : null}
    </Card>
  );
}

function useSoapSchema() {
  const { t } = useTranslation();
  return useMemo(
    () =>
      z.object({
        subjective: optionalText(t, SOAP_MAX),
        objective: optionalText(t, SOAP_MAX),
        assessment: optionalText(t, SOAP_MAX),
        plan: optionalText(t, SOAP_MAX),
      }),
    [t],
  );
}

type FieldProps = ReturnType<UseFormRegister<SoapText>>;

/** How long a pause in typing before the draft saves itself. */
const AUTOSAVE_MS = 20_000;

const trimmed = (v: SoapText): SoapText => ({ subjective: v.subjective.trim(), objective: v.objective.trim(), assessment: v.assessment.trim(), plan: v.plan.trim() });

function SoapFields({ fieldProps, errors, idBase, rows = 3 }: { fieldProps: (field: SoapField) => FieldProps; errors: Partial<Record<SoapField, { message?: string }>>; idBase: string; rows?: number }) {
  const { t } = useTranslation();
  return (
    <>
      {SOAP_FIELDS.map((field) => (
        <TextAreaField
          key={field}
          label={t(`records.soap.${field}`)}
          hint={t(`records.soapHint.${field}`)}
          rows={rows}
          // The box grows with the text where the engine can (Chromium); elsewhere it has `rows` and a handle.
          controlClassName="field-sizing-content max-h-[28rem]"
          testId={`${idBase}-${field}`}
          spellCheck
          error={errors[field]?.message}
          {...fieldProps(field)}
        />
      ))}
    </>
  );
}

function NoteEditor({ encounter, onNotice }: { encounter: Encounter; onNotice: (message: string) => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const schema = useSoapSchema();
  const form = useForm<SoapText>({ resolver: zodResolver(schema), defaultValues: soapOf(encounter.note) });
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [signError, setSignError] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const encounterId = encounter.summary.id;
  const { isDirty } = form.formState;

  const saveNote = (values: SoapText) => call("save_encounter_note", { encounter_id: encounterId, ...values });

  const save = useMutation({
    mutationFn: saveNote,
    onSuccess: (saved, values) => {
      // What was sent is now the saved draft (the box keeps what was typed meanwhile).
      form.reset(values, { keepValues: true });
      encounterWritten(queryClient, saved, RECORDS_TABLES.note);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, SOAP_FIELDS));
    },
  });

  const sign = useMutation({
    mutationFn: async ({ values, dirty }: { values: SoapText; dirty: boolean }) => {
      // What is signed is the last saved version: save what is on screen first.
      if (dirty || encounter.note === null) {
        await saveNote(values);
        form.reset(values, { keepValues: true });
      }
      return call("sign_encounter", { encounter_id: encounterId });
    },
    onSuccess: (signed) => {
      setConfirming(false);
      onNotice(t("records.note.signed"));
      encounterWritten(queryClient, signed, RECORDS_TABLES.note);
    },
    onError: async (error) => {
      if (isCommandError(error) && error.field !== undefined && (SOAP_FIELDS as readonly string[]).includes(error.field)) {
        setConfirming(false);
        applyCommandError(error, form.setError, SOAP_FIELDS);
      } else {
        setSignError(errorMessage(error));
      }
      // A draft may have been saved before the signature was refused.
      await queryClient.invalidateQueries({ queryKey: ["get_encounter", { encounter_id: encounterId }] });
    },
  });

  const submitSave = form.handleSubmit((values) => {
    setFormError(null);
    save.mutate(values);
  });

  // Ctrl+S saves the draft while the editor has the focus.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s" && container.current?.contains(document.activeElement)) {
        e.preventDefault();
        void submitSave();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [submitSave]);

  // Nothing typed is lost: a pause of AUTOSAVE_MS saves the draft (well before the idle lock, at
  // least a minute, unmounts the screen), and leaving the screen with unsaved text saves it too.
  const latest = useRef({ dirty: isDirty, pending: save.isPending || sign.isPending, submitSave });
  useEffect(() => {
    latest.current = { dirty: isDirty, pending: save.isPending || sign.isPending, submitSave };
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = form.subscribe({
      formState: { values: true },
      callback: () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (latest.current.dirty && !latest.current.pending) void latest.current.submitSave();
        }, AUTOSAVE_MS);
      },
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [form]);
  useEffect(
    () => () => {
      if (latest.current.dirty && !latest.current.pending) {
        // The screen is gone: no form to update, only the draft to keep (a refusal changes nothing).
        call("save_encounter_note", { encounter_id: encounterId, ...trimmed(form.getValues()) }).then(
          (saved) => {
            encounterWritten(queryClient, saved, RECORDS_TABLES.note);
          },
          () => undefined,
        );
      }
    },
    [encounterId, form, queryClient],
  );

  const askToSign = form.handleSubmit((values) => {
    setFormError(null);
    if (values.assessment.trim() === "") {
      // Rust refuses the same (`assessment`); saying it before the dialog saves a step.
      form.setError("assessment", { type: "client", message: t("records.note.assessmentNeeded") }, { shouldFocus: true });
      return;
    }
    setSignError(null);
    setConfirming(true);
  });

  return (
    <div ref={container}>
      <Form className="flex flex-col gap-4 px-5 py-4" submit={submitSave}>
        {formError ? (
          <Banner tone="error" testId="form-error">
            {formError}
          </Banner>
        ) : null}
        <SoapFields fieldProps={(f) => form.register(f)} errors={form.formState.errors} idBase="note" />
        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-ink-100 pt-4">
          <p className="text-[0.8125rem] text-ink-600" aria-live="polite" data-testid="note-dirty" data-dirty={isDirty}>
            {isDirty ? <span className="font-medium text-warn-700">{t("records.note.unsaved")}</span> : t("records.note.savedHint")}
            <span className="ml-2 hidden lg:inline">
              <kbd className="kbd">Ctrl</kbd> + <kbd className="kbd">S</kbd> {t("records.note.shortcutSave")}
            </span>
          </p>
          <div className="flex gap-2">
            <Button type="submit" icon={<Save aria-hidden="true" className="size-4" />} busy={save.isPending} disabled={sign.isPending} data-testid="note-save">
              {t("records.note.saveDraft")}
            </Button>
            <Button variant="primary" icon={<Signature aria-hidden="true" className="size-4" />} disabled={save.isPending} busy={sign.isPending} data-testid="note-sign" onClick={() => void askToSign()}>
              {t("records.note.sign")}
            </Button>
          </div>
        </div>
      </Form>
      <ConfirmDialog
        open={confirming}
        title={t("records.note.signTitle")}
        body={
          <div className="flex flex-col gap-2">
            <p>{t("records.note.signBody", { name: user.full_name })}</p>
            <p className="font-medium text-ink-900">{t("records.note.signLocked")}</p>
          </div>
        }
        confirmLabel={t("records.note.signConfirm")}
        busy={sign.isPending}
        error={signError}
        onConfirm={() => {
          setSignError(null);
          sign.mutate({ values: form.getValues(), dirty: isDirty });
        }}
        onClose={() => {
          setConfirming(false);
        }}
      />
    </div>
  );
}

function AmendDialog({ open, encounter, onClose, onDone }: { open: boolean; encounter: Encounter; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("records.note.amendTitle")} description={t("records.note.amendLead")} size="lg" testId="amend-dialog">
      {open ? <AmendForm encounter={encounter} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

const AMEND_FIELDS = [...SOAP_FIELDS, "reason"] as const;

function AmendForm({ encounter, onClose, onDone }: { encounter: Encounter; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const soap = useSoapSchema();
  const schema = useMemo(() => soap.extend({ reason: requiredText(t, 500) }), [soap, t]);
  const current = soapOf(encounter.note);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { ...current, reason: "" } });
  const [formError, setFormError] = useState<string | null>(null);
  const amend = useMutation({
    mutationFn: ({ reason, ...note }: z.output<typeof schema>) => call("amend_encounter_note", { note: { encounter_id: encounter.summary.id, ...note }, reason }),
    onSuccess: (amended) => {
      encounterWritten(queryClient, amended, RECORDS_TABLES.note);
      onDone();
    },
    onError: (error) => {
      // Rust names the note's sections as they are, or by their path (`note.assessment`).
      setFormError(applyCommandError(error, form.setError, AMEND_FIELDS, ["note."]));
    },
  });
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((values) => {
        if (SOAP_FIELDS.every((f) => values[f].trim() === current[f].trim())) {
          setFormError(t("records.note.amendUnchanged"));
          return;
        }
        amend.mutate(values);
      })}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <SoapFields fieldProps={(f) => form.register(f)} errors={form.formState.errors} idBase="amend" rows={2} />
      <TextAreaField
        label={t("records.note.amendReason")}
        hint={t("records.note.amendReasonHint")}
        rows={2}
        testId="amend-reason"
        error={form.formState.errors.reason?.message}
        {...form.register("reason")}
      />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" icon={<PenLine aria-hidden="true" className="size-4" />} busy={amend.isPending} data-testid="amend-submit">
          {t("records.note.amendSubmit")}
        </Button>
      </DialogActions>
    </Form>
  );
}
