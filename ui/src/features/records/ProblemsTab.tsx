// The patient's problem list (`list_problems`, an audited read): long-running conditions with
// their onset, active or resolved. A problem's text never changes; its status moves
// active ⇄ resolved (a reason may be given) or to entered in error (a reason is required), and
// every move is kept with who, when and why. Doctors write (clinical.write); nurses read.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronDown, ChevronRight, Plus } from "lucide-react";
import { Fragment, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Problem, ProblemStatus } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { Badge, type Tone } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { cn } from "../../components/cn";
import { Dialog, DialogActions } from "../../components/Dialog";
import { TextAreaField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { optionalText, requiredText } from "../../lib/validation";
import { useCan } from "../auth/session";
import { problemsQuery, problemStatusLabel, RECORDS_TABLES } from "./model";
import { ReasonDialog, type ReasonRequest } from "./ReasonDialog";

const tone: Record<ProblemStatus, Tone> = { active: "danger", resolved: "neutral", entered_in_error: "warn" };

export function ProblemsTab({ patientId, patientName }: { patientId: string; patientName: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const canWrite = useCan("clinical.write");
  const problems = useQuery(problemsQuery(patientId));
  const [adding, setAdding] = useState(false);
  const [change, setChange] = useState<ReasonRequest | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const ask = (p: Problem, status: ProblemStatus) => {
    setNotice(null);
    setChange({
      title: t(`records.problems.change.${status}.title`, { problem: p.description }),
      lead: t(`records.problems.change.${status}.lead`),
      confirmLabel: t(`records.problems.change.${status}.confirm`),
      tone: status === "entered_in_error" ? "danger" : "primary",
      required: status === "entered_in_error",
      submit: async (reason) => {
        await call("set_problem_status", { problem_id: p.id, status, reason });
        await refreshAfterWrite(queryClient, RECORDS_TABLES.problems);
      },
      done: () => {
        setChange(null);
        setNotice(t(`records.problems.change.${status}.done`, { problem: p.description }));
      },
    });
  };

  return (
    <div className="flex flex-col" data-testid="problems-tab">
      <div className="flex flex-wrap items-center justify-between gap-3 px-6 pt-4 pb-3">
        <p className="text-sm text-ink-600">{t("records.problems.lead")}</p>
        {canWrite ? (
          <Button
            variant="primary"
            icon={<Plus aria-hidden="true" className="size-4" />}
            data-testid="problem-add"
            onClick={() => {
              setNotice(null);
              setAdding(true);
            }}
          >
            {t("records.problems.add")}
          </Button>
        ) : null}
      </div>
      {notice ? (
        <Banner tone="success" testId="problems-notice" className="mx-6 mb-3">
          {notice}
        </Banner>
      ) : null}
      <QueryList query={problems} loadingLabel={t("records.problems.loading")} isEmpty={(list) => list.length === 0} empty={<EmptyState title={t("records.problems.empty")}>{t("records.problems.emptyLead")}</EmptyState>}>
        {(list) => <ProblemTable problems={list} canWrite={canWrite} onChange={ask} />}
      </QueryList>
      <AddProblemDialog
        open={adding}
        patientId={patientId}
        patientName={patientName}
        onClose={() => {
          setAdding(false);
        }}
        onDone={(p) => {
          setAdding(false);
          setNotice(t("records.problems.added", { problem: p.description }));
        }}
      />
      <ReasonDialog
        request={change}
        testId="problem-status-dialog"
        onClose={() => {
          setChange(null);
        }}
      />
    </div>
  );
}

function ProblemTable({ problems, canWrite, onChange }: { problems: Problem[]; canWrite: boolean; onChange: (p: Problem, status: ProblemStatus) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) => {
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  return (
    <div className="overflow-x-auto">
      <table className="data-table" data-testid="problems-table">
        <caption className="sr-only">{t("records.problems.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("records.problems.problem")}</th>
            <th scope="col">{t("records.problems.onset")}</th>
            <th scope="col">{t("records.problems.statusLabel")}</th>
            <th scope="col">{t("records.problems.noted")}</th>
            <th scope="col">{t("records.problems.history")}</th>
            <th scope="col" className="text-right">
              <span className="sr-only">{t("users.colActions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p) => {
            const error = p.status === "entered_in_error";
            const open = expanded.has(p.id);
            return (
              <Fragment key={p.id}>
                <tr data-testid={`problem-row-${p.description}`} data-status={p.status} className={error ? "text-ink-500" : undefined}>
                  <td className="max-w-[22rem] whitespace-normal">
                    <span className={cn("font-semibold", error ? "line-through" : "text-ink-900")}>
                      {p.code ? <span className="mr-1.5 font-mono text-[0.8125rem] font-medium">{p.code}</span> : null}
                      {p.description}
                    </span>
                    {p.note ? <span className="block text-[0.8125rem] text-ink-600">{p.note}</span> : null}
                  </td>
                  <td className="tabular-nums">{p.onset_date ? format.calendarDate(p.onset_date) : t("records.problems.onsetUnknown")}</td>
                  <td>
                    <Badge tone={tone[p.status]}>{problemStatusLabel(t, p.status)}</Badge>
                  </td>
                  <td>
                    <span className="tabular-nums">{format.date(p.noted_at)}</span> · {p.noted_by_name}
                  </td>
                  <td>
                    {p.changes.length === 0 ? (
                      <span className="text-[0.8125rem] text-ink-600">{t("records.problems.noChanges")}</span>
                    ) : (
                    <button
                      type="button"
                      className="inline-flex items-center gap-1 rounded text-[0.8125rem] font-medium text-accent-700 hover:text-accent-900"
                      aria-expanded={open}
                      aria-controls={`problem-history-${p.id}`}
                      data-testid={`problem-history-toggle-${p.description}`}
                      onClick={() => {
                        toggle(p.id);
                      }}
                    >
                      {open ? <ChevronDown aria-hidden="true" className="size-3.5" /> : <ChevronRight aria-hidden="true" className="size-3.5" />}
                      {t("records.problems.changes", { count: p.changes.length })}
                    </button>
                    )}
                  </td>
                  <td className="text-right">
                    {canWrite && !error ? (
                      <div className="flex justify-end gap-1" role="group" aria-label={t("records.problems.actionsFor", { problem: p.description })}>
                        {p.status === "active" ? (
                          <Button size="xs" variant="ghost" data-testid={`problem-resolve-${p.description}`} onClick={() => { onChange(p, "resolved"); }}>
                            {t("records.problems.resolve")}
                          </Button>
                        ) : (
                          <Button size="xs" variant="ghost" data-testid={`problem-reactivate-${p.description}`} onClick={() => { onChange(p, "active"); }}>
                            {t("records.problems.reactivate")}
                          </Button>
                        )}
                        <Button size="xs" variant="ghost" className="text-danger-700! hover:bg-danger-50" data-testid={`problem-mark-error-${p.description}`} onClick={() => { onChange(p, "entered_in_error"); }}>
                          {t("records.markError")}
                        </Button>
                      </div>
                    ) : null}
                  </td>
                </tr>
                {open ? (
                  <tr id={`problem-history-${p.id}`} className="bg-ink-50/60 hover:bg-ink-50/60!">
                    <td colSpan={6} className="whitespace-normal">
                      <ol className="flex flex-col gap-1 py-1 text-[0.8125rem] text-ink-700" data-testid={`problem-history-${p.description}`}>
                        <li>{t("records.problems.notedEntry", { name: p.noted_by_name, at: format.dateTime(p.noted_at) })}</li>
                        {p.changes.map((c, i) => (
                          <li key={`${c.changed_at}-${String(i)}`}>
                            <span className="font-medium text-ink-900">
                              {problemStatusLabel(t, c.from_status)} → {problemStatusLabel(t, c.to_status)}
                            </span>{" "}
                            · {t("records.problems.changedBy", { name: c.changed_by_name, at: format.dateTime(c.changed_at) })}
                            {c.reason ? <span className="text-ink-800"> · “{c.reason}”</span> : null}
                          </li>
                        ))}
                      </ol>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const ADD_FIELDS = ["description", "onset_date", "note"] as const;

function AddProblemDialog({ open, patientId, patientName, onClose, onDone }: { open: boolean; patientId: string; patientName: string; onClose: () => void; onDone: (p: Problem) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("records.problems.addTitle")} description={t("records.problems.addLead", { name: patientName })} size="md" testId="problem-dialog">
      {open ? <AddProblemForm patientId={patientId} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function AddProblemForm({ patientId, onClose, onDone }: { patientId: string; onClose: () => void; onDone: (p: Problem) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  // Rust judges the onset date (a real date, not in the future); the box gives YYYY-MM-DD.
  const schema = useMemo(() => z.object({ description: requiredText(t, 500), onset_date: z.string().trim(), note: optionalText(t, 2000) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { description: "", onset_date: "", note: "" } });
  const { errors } = form.formState;
  const add = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("add_problem", { patient_id: patientId, ...v }),
    onSuccess: async (p) => {
      await refreshAfterWrite(queryClient, RECORDS_TABLES.problems);
      onDone(p);
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
      submit={form.handleSubmit((v) => {
        add.mutate(v);
      })}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_11rem]">
        <TextField label={t("records.problems.description")} hint={t("records.problems.descriptionHint")} autoComplete="off" testId="problem-description" error={errors.description?.message} {...form.register("description")} />
        <TextField label={t("records.problems.onset")} optional type="date" testId="problem-onset" error={errors.onset_date?.message} {...form.register("onset_date")} />
      </div>
      <TextAreaField label={t("records.problems.note")} optional rows={2} testId="problem-note" error={errors.note?.message} {...form.register("note")} />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={add.isPending} data-testid="problem-submit">
          {t("records.problems.addSubmit")}
        </Button>
      </DialogActions>
    </Form>
  );
}
