// The diagnoses of one encounter, coded with ICD-10-CM (`add_diagnosis`): the list, primary first,
// with what was added after signing (an amendment, with its reason) and what was entered in error
// (struck through, with the reason); the code list's search as you type (categories shown greyed,
// never chosen); rank and certainty when adding, and the amendment reason once the note is signed.
// A recorded diagnosis never changes: a mistake is marked entered in error. A diagnosis can go
// onto the patient's problem list (`add_problem` from it). Only the encounter's doctor writes
// (Rust checks it too); everyone with clinical.read reads.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ClipboardPlus, ListPlus, Stethoscope } from "lucide-react";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage, isCommandError } from "../../../api/errors";
import { call } from "../../../api/gateway";
import type { Diagnosis, DiagnosisCertainty, DiagnosisRank, Encounter, IcdCode } from "../../../api/generated";
import { refreshAfterWrite } from "../../../api/live";
import { commandKey, commandQuery } from "../../../api/queries";
import { Badge } from "../../../components/Badge";
import { Banner } from "../../../components/Banner";
import { Button } from "../../../components/Button";
import { Card } from "../../../components/Card";
import { cn } from "../../../components/cn";
import { FieldError, SelectField, TextAreaField, TextField } from "../../../components/Field";
import { Form } from "../../../components/Form";
import { useFormat } from "../../../lib/format";
import { optionalText, requiredText } from "../../../lib/validation";
import { useCan, useSession } from "../../auth/session";
import { useRxT } from "../../prescriptions/i18n";
import { ReasonDialog, type ReasonRequest } from "../ReasonDialog";
import { Icd10Search } from "./Icd10Search";

/** Tables the diagnosis commands write (Rust's change log). */
export const DIAGNOSES_TABLES = ["encounter_diagnoses"] as const;

export function DiagnosesPanel({ encounter }: { encounter: Encounter }) {
  const rx = useRxT();
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const canWrite = useCan("clinical.write");
  const { summary, diagnoses } = encounter;
  const mine = summary.doctor_id === user.id;
  const errored = summary.status === "entered_in_error";
  const writer = canWrite && mine && !errored;
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [marking, setMarking] = useState<ReasonRequest | null>(null);
  // Which diagnoses are on the problem list already (only for whoever may add them).
  const problems = useQuery({ ...commandQuery("list_problems", { patient_id: summary.patient_id }), enabled: writer });
  const onList = (d: Diagnosis) => (problems.data ?? []).some((p) => p.status === "active" && (p.from_diagnosis_id === d.id || p.code === d.code));

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: commandKey("get_encounter", { encounter_id: summary.id }) });
    void refreshAfterWrite(queryClient, DIAGNOSES_TABLES);
  };

  const toProblemList = useMutation({
    mutationFn: (d: Diagnosis) => call("add_problem", { patient_id: summary.patient_id, description: "", from_diagnosis_id: d.id, onset_date: "", note: "" }),
    onMutate: () => {
      setNotice(null);
      setFailure(null);
    },
    onSuccess: async (problem) => {
      setNotice(rx("diagnoses.addedToProblemList", { code: problem.code, description: problem.description }));
      await queryClient.invalidateQueries({ queryKey: commandKey("list_problems", { patient_id: summary.patient_id }) });
      void refreshAfterWrite(queryClient, ["patient_problems"]);
    },
    onError: (error) => {
      setFailure(errorMessage(error));
    },
  });

  const markError = (d: Diagnosis) => {
    setNotice(null);
    setFailure(null);
    setMarking({
      title: rx("diagnoses.errorTitle", { code: d.code }),
      lead: rx("diagnoses.errorLead"),
      confirmLabel: t("records.markError"),
      tone: "danger",
      required: true,
      submit: async (reason) => {
        await call("mark_diagnosis_entered_in_error", { diagnosis_id: d.id, reason });
        await refresh();
      },
      done: () => {
        setMarking(null);
        setNotice(rx("diagnoses.markedError", { code: d.code }));
      },
    });
  };

  return (
    <Card className="overflow-hidden">
      <section aria-labelledby="diagnoses-title" data-testid="diagnoses-panel">
        <header className="flex items-center gap-2 border-b border-ink-100 px-4 py-3">
          <Stethoscope aria-hidden="true" className="size-4.5 text-accent-700" />
          <h2 id="diagnoses-title" className="text-base font-semibold text-ink-900">
            {rx("diagnoses.title")}
          </h2>
        </header>
        <div className="flex flex-col gap-3 px-4 py-3">
          {notice ? (
            <Banner tone="success" testId="diagnoses-notice">
              {notice}
            </Banner>
          ) : null}
          {failure ? (
            <Banner tone="error" testId="form-error">
              {failure}
            </Banner>
          ) : null}
          {diagnoses.length === 0 ? (
            <p className="text-sm text-ink-600" data-testid="diagnoses-none">
              {rx("diagnoses.none")}
            </p>
          ) : (
            <ol className="flex flex-col divide-y divide-ink-100 rounded-md border border-ink-200" aria-label={rx("diagnoses.listLabel")} data-testid="diagnoses-list">
              {diagnoses.map((d) => (
                <DiagnosisRow
                  key={d.id}
                  diagnosis={d}
                  actions={
                    writer && !d.entered_in_error ? (
                      <div className="-my-1 flex flex-wrap justify-end gap-1" role="group" aria-label={rx("diagnoses.actionsFor", { code: d.code })}>
                        {onList(d) ? (
                          <Badge tone="ok" className="self-center">
                            {rx("diagnoses.onProblemList")}
                          </Badge>
                        ) : (
                          <Button
                            size="xs"
                            variant="ghost"
                            icon={<ListPlus aria-hidden="true" className="size-3.5" />}
                            aria-label={rx("diagnoses.toProblemListFor", { code: d.code })}
                            busy={toProblemList.isPending && toProblemList.variables.id === d.id}
                            data-testid={`diagnosis-to-problem-${d.code}`}
                            onClick={() => {
                              toProblemList.mutate(d);
                            }}
                          >
                            {rx("diagnoses.toProblemList")}
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="ghost"
                          className="text-danger-700! hover:bg-danger-50"
                          aria-label={rx("diagnoses.markErrorFor", { code: d.code })}
                          data-testid={`diagnosis-mark-error-${d.code}`}
                          onClick={() => {
                            markError(d);
                          }}
                        >
                          {rx("diagnoses.markError")}
                        </Button>
                      </div>
                    ) : null
                  }
                />
              ))}
            </ol>
          )}
        </div>
        {writer ? (
          <AddDiagnosis
            encounter={encounter}
            onAdded={async (d) => {
              setFailure(null);
              setNotice(rx("diagnoses.added", { code: d.code, description: d.description }));
              await refresh();
            }}
            onStart={() => {
              setNotice(null);
            }}
          />
        ) : (
          <p className="border-t border-ink-100 px-4 py-3 text-sm text-ink-600" data-testid="diagnoses-read-only">
            {errored ? rx("diagnoses.lockedError") : rx("diagnoses.readOnly", { name: summary.doctor_name })}
          </p>
        )}
      </section>
      <ReasonDialog
        request={marking}
        testId="diagnosis-error-dialog"
        onClose={() => {
          setMarking(null);
        }}
      />
    </Card>
  );
}

function DiagnosisRow({ diagnosis: d, actions }: { diagnosis: Diagnosis; actions: ReactNode }) {
  const rx = useRxT();
  const format = useFormat();
  const error = d.entered_in_error;
  return (
    <li className={cn("grid grid-cols-[4.5rem_minmax(0,1fr)] gap-x-3 px-3 py-2.5", error && "bg-ink-50")} data-testid={`diagnosis-${d.code}`} data-status={error ? "entered_in_error" : "recorded"}>
      <span className={cn("pt-px font-mono text-[0.875rem] font-semibold", error ? "text-ink-500 line-through" : "text-ink-900")}>{d.code}</span>
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span className={cn("font-medium", error ? "text-ink-500 line-through" : "text-ink-900")}>{d.description}</span>
          {error ? null : (
            <>
              <Badge tone={d.rank === "primary" ? "info" : "neutral"}>{d.rank === "primary" ? rx("diagnoses.primary") : rx("diagnoses.secondary")}</Badge>
              {d.certainty === "provisional" ? <Badge tone="warn">{rx("diagnoses.provisional")}</Badge> : <Badge tone="neutral">{rx("diagnoses.confirmed")}</Badge>}
            </>
          )}
        </p>
        {d.note ? <p className="mt-0.5 text-[0.8125rem] whitespace-pre-line text-ink-700">{d.note}</p> : null}
        {d.amendment_reason ? (
          <p className="mt-0.5 text-[0.8125rem] text-info-700" data-testid={`diagnosis-amendment-${d.code}`}>
            {rx("diagnoses.amendment", { reason: d.amendment_reason })}
          </p>
        ) : null}
        {error ? (
          <p className="mt-0.5 text-[0.8125rem] font-medium text-warn-700" data-testid={`diagnosis-error-reason-${d.code}`}>
            {rx("diagnoses.enteredInErrorBecause", { reason: d.error_reason })}
          </p>
        ) : null}
        <div className="mt-0.5 flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
          <p className="text-xs text-ink-600">{rx("diagnoses.recordedBy", { name: d.recorded_by_name, at: format.dateTime(d.recorded_at) })}</p>
          {actions}
        </div>
      </div>
    </li>
  );
}

type AddValues = { rank: DiagnosisRank; certainty: DiagnosisCertainty; note: string; reason: string };
const ADD_FIELDS = ["rank", "certainty", "note", "reason"] as const;

function AddDiagnosis({ encounter, onAdded, onStart }: { encounter: Encounter; onAdded: (d: Diagnosis) => Promise<void>; onStart: () => void }) {
  const rx = useRxT();
  const { t } = useTranslation();
  const { summary, diagnoses } = encounter;
  const signed = summary.status === "signed";
  const [picked, setPicked] = useState<IcdCode | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const searchInput = useRef<HTMLInputElement>(null);
  const hasPrimary = diagnoses.some((d) => d.rank === "primary" && !d.entered_in_error);
  const schema = useMemo(
    () =>
      z.object({
        rank: z.enum(["primary", "secondary"]),
        certainty: z.enum(["confirmed", "provisional"]),
        note: optionalText(t, 2_000),
        reason: signed ? requiredText(t, 500) : optionalText(t, 500),
      }),
    [t, signed],
  );
  const defaults = (): AddValues => ({ rank: hasPrimary ? "secondary" : "primary", certainty: "confirmed", note: "", reason: "" });
  const form = useForm<AddValues>({ resolver: zodResolver(schema), defaultValues: defaults() });
  const { setFocus } = form;
  useEffect(() => {
    // A code was chosen: the rank comes next (Enter adds with the defaults).
    if (picked !== null) setFocus("rank");
  }, [picked, setFocus]);
  const add = useMutation({
    mutationFn: (v: AddValues & { code: string }) => call("add_diagnosis", { encounter_id: summary.id, code: v.code, rank: v.rank, certainty: v.certainty, note: v.note, reason: signed ? v.reason : "" }),
    onSuccess: async (d) => {
      setPicked(null);
      form.reset(defaults());
      await onAdded(d);
      searchInput.current?.focus();
    },
    onError: (error) => {
      if (isCommandError(error) && error.field === "code") {
        setCodeError(errorMessage(error));
        return;
      }
      setFormError(applyCommandError(error, form.setError, ADD_FIELDS));
    },
  });

  return (
    <div className="border-t border-ink-100 px-4 py-3" data-testid="diagnosis-add">
      <h3 className="mb-2 flex items-center gap-2 text-sm font-semibold text-ink-800">
        <ClipboardPlus aria-hidden="true" className="size-4 text-accent-700" />
        {rx("diagnoses.add")}
      </h3>
      {signed ? (
        <p className="mb-3 text-[0.8125rem] text-info-700" data-testid="diagnosis-signed-hint">
          {rx("diagnoses.signedLead")}
        </p>
      ) : null}
      {picked === null ? (
        <Icd10Search
          inputRef={searchInput}
          onPick={(code) => {
            onStart();
            setCodeError(null);
            setFormError(null);
            form.reset({ ...defaults() });
            setPicked(code);
          }}
        />
      ) : (
        <Form
          className="flex flex-col gap-3"
          beforeSubmit={() => {
            setFormError(null);
            setCodeError(null);
          }}
          submit={form.handleSubmit((v) => {
            add.mutate({ ...v, code: picked.code });
          })}
        >
          {formError ? (
            <Banner tone="error" testId="form-error">
              {formError}
            </Banner>
          ) : null}
          <div className="flex flex-col gap-1.5">
            <span className="text-sm font-medium text-ink-800">{rx("diagnoses.chosen")}</span>
            <div className={cn("flex items-center justify-between gap-3 rounded-md border px-3 py-2", codeError ? "border-danger-600 bg-danger-50" : "border-ink-300 bg-ink-50")} data-testid="diagnosis-chosen">
              <span className="min-w-0">
                <span className="mr-2 font-mono text-[0.875rem] font-semibold text-ink-900">{picked.code}</span>
                <span className="text-ink-800">{picked.description}</span>
              </span>
              <Button
                size="sm"
                variant="ghost"
                data-testid="diagnosis-change"
                onClick={() => {
                  setPicked(null);
                  setCodeError(null);
                  setTimeout(() => searchInput.current?.focus(), 0);
                }}
              >
                {rx("diagnoses.change")}
              </Button>
            </div>
            {codeError ? <FieldError name="code" message={codeError} /> : null}
          </div>
          <div className="grid gap-3 sm:grid-cols-2">
            <SelectField label={rx("diagnoses.rank")} testId="diagnosis-rank" error={form.formState.errors.rank?.message} {...form.register("rank")}>
              <option value="primary">{rx("diagnoses.primary")}</option>
              <option value="secondary">{rx("diagnoses.secondary")}</option>
            </SelectField>
            <SelectField label={rx("diagnoses.certainty")} testId="diagnosis-certainty" error={form.formState.errors.certainty?.message} {...form.register("certainty")}>
              <option value="confirmed">{rx("diagnoses.confirmed")}</option>
              <option value="provisional">{rx("diagnoses.provisional")}</option>
            </SelectField>
          </div>
          <TextField label={rx("diagnoses.note")} optional hint={rx("diagnoses.noteHint")} autoComplete="off" testId="diagnosis-note" error={form.formState.errors.note?.message} {...form.register("note")} />
          {signed ? <TextAreaField label={rx("diagnoses.reason")} hint={rx("diagnoses.reasonHint")} rows={2} testId="diagnosis-reason" error={form.formState.errors.reason?.message} {...form.register("reason")} /> : null}
          <div className="flex justify-end gap-2">
            <Button
              onClick={() => {
                setPicked(null);
                setCodeError(null);
              }}
            >
              {t("common.cancel")}
            </Button>
            <Button type="submit" variant="primary" busy={add.isPending} data-testid="diagnosis-submit">
              {rx("diagnoses.submit")}
            </Button>
          </div>
        </Form>
      )}
    </div>
  );
}
