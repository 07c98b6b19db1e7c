// The clinic's visit types (settings.manage): how long each visit lasts, the buffer after it
// (the doctor's busy time is both), its calendar colour, and whether it is still offered.
// A visit type is never deleted: past appointments keep theirs; it is made inactive instead.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus } from "lucide-react";
import { useId, useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { VisitType } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, FieldError, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { visitTypesQuery } from "../reception/board";
import { visitTypeSchema } from "./model";

const FIELDS = ["name", "minutes", "buffer_minutes", "colour", "active"] as const;

export function VisitTypesPanel() {
  const { t } = useTranslation();
  const visitTypes = useQuery(visitTypesQuery());
  const [editing, setEditing] = useState<VisitType | "new" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-2xl text-[0.9375rem] text-ink-600">{t("availability.visitTypes.lead")}</p>
        <Button
          variant="primary"
          data-testid="visit-type-create"
          icon={<Plus aria-hidden="true" className="size-4" />}
          onClick={() => {
            setNotice(null);
            setEditing("new");
          }}
        >
          {t("availability.visitTypes.create")}
        </Button>
      </div>
      {notice ? (
        <Banner tone="success" testId="visit-types-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      <Card className="overflow-hidden">
        <QueryList query={visitTypes} loadingLabel={t("availability.visitTypes.loading")} isEmpty={(d) => d.length === 0} empty={<EmptyState title={t("availability.visitTypes.empty")} />}>
          {(types) => (
            <table className="data-table" data-testid="visit-types-table">
              <caption className="sr-only">{t("availability.tabVisitTypes")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("availability.visitTypes.name")}</th>
                  <th scope="col" className="text-right">
                    {t("availability.visitTypes.minutes")}
                  </th>
                  <th scope="col" className="text-right">
                    {t("availability.visitTypes.buffer")}
                  </th>
                  <th scope="col">{t("availability.visitTypes.status")}</th>
                  <th scope="col" className="text-right">
                    <span className="sr-only">{t("users.colActions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {types.map((v) => (
                  <tr key={v.id} data-testid={`visit-type-${v.name}`} className={v.active ? undefined : "text-ink-500"}>
                    <td>
                      <span className="flex items-center gap-2.5">
                        {/* The colour is data (the calendar's), set through the CSSOM: CSP allows it. */}
                        <span aria-hidden="true" className="size-3.5 rounded-sm ring-1 ring-ink-900/10" style={{ backgroundColor: v.colour }} />
                        <span className="font-medium text-ink-900">{v.name}</span>
                      </span>
                    </td>
                    <td className="text-right tabular-nums">{t("availability.visitTypes.minutesValue", { count: v.minutes })}</td>
                    <td className="text-right tabular-nums">{v.buffer_minutes === 0 ? t("common.none") : t("availability.visitTypes.minutesValue", { count: v.buffer_minutes })}</td>
                    <td>{v.active ? <Badge tone="ok">{t("availability.visitTypes.active")}</Badge> : <Badge tone="neutral">{t("availability.visitTypes.inactive")}</Badge>}</td>
                    <td className="text-right">
                      <Button
                        size="xs"
                        variant="ghost"
                        data-testid={`visit-type-edit-${v.name}`}
                        icon={<Pencil aria-hidden="true" className="size-3.5" />}
                        onClick={() => {
                          setNotice(null);
                          setEditing(v);
                        }}
                      >
                        {t("availability.visitTypes.edit")}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryList>
      </Card>
      <Dialog
        open={editing !== null}
        onClose={() => {
          setEditing(null);
        }}
        title={editing === "new" || editing === null ? t("availability.visitTypes.createTitle") : t("availability.visitTypes.editTitle", { name: editing.name })}
        size="sm"
        testId="visit-type-dialog"
      >
        {editing !== null ? (
          <VisitTypeForm
            visitType={editing === "new" ? null : editing}
            onClose={() => {
              setEditing(null);
            }}
            onDone={(saved) => {
              setEditing(null);
              setNotice(t("availability.visitTypes.saved", { name: saved.name }));
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}

function VisitTypeForm({ visitType, onClose, onDone }: { visitType: VisitType | null; onClose: () => void; onDone: (saved: VisitType) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => visitTypeSchema(t), [t]);
  const form = useForm({
    resolver: zodResolver(schema),
    defaultValues: {
      name: visitType?.name ?? "",
      minutes: visitType?.minutes ?? 30,
      buffer_minutes: visitType?.buffer_minutes ?? 0,
      colour: visitType?.colour ?? "#0f766e",
      active: visitType?.active ?? true,
    },
  });
  const { errors } = form.formState;
  const colour = useWatch({ control: form.control, name: "colour" });
  const colourId = useId();
  const save = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("save_visit_type", { id: visitType?.id ?? null, ...v }),
    onSuccess: async (saved) => {
      await refreshAfterWrite(queryClient, ["visit_types"]);
      onDone(saved);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FIELDS));
    },
  });
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        save.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <TextField label={t("availability.visitTypes.name")} testId="visit-type-name" autoComplete="off" error={errors.name?.message} {...form.register("name")} />
      <div className="grid grid-cols-2 gap-4">
        <TextField
          type="number"
          min={5}
          max={480}
          step={5}
          label={t("availability.visitTypes.minutesLabel")}
          testId="visit-type-minutes"
          error={errors.minutes?.message}
          {...form.register("minutes", { valueAsNumber: true })}
        />
        <TextField
          type="number"
          min={0}
          max={120}
          step={5}
          label={t("availability.visitTypes.bufferLabel")}
          hint={t("availability.visitTypes.bufferHint")}
          testId="visit-type-buffer"
          error={errors.buffer_minutes?.message}
          {...form.register("buffer_minutes", { valueAsNumber: true })}
        />
      </div>
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${colourId}-colour`} className="text-sm font-medium text-ink-800">
          {t("availability.visitTypes.colour")}
        </label>
        <div className="flex items-center gap-3">
          <input
            id={`${colourId}-colour`}
            type="color"
            className="h-10 w-16 cursor-pointer rounded-md border border-ink-400 bg-white p-1 hover:border-ink-500"
            aria-invalid={errors.colour ? true : undefined}
            data-testid="visit-type-colour"
            {...form.register("colour")}
          />
          <span className="font-mono text-sm text-ink-700">{colour}</span>
        </div>
        {errors.colour?.message ? <FieldError name="colour" message={errors.colour.message} /> : null}
      </div>
      {visitType ? <CheckboxField label={t("availability.visitTypes.activeLabel")} testId="visit-type-active" error={errors.active?.message} {...form.register("active")} /> : null}
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={save.isPending} data-testid="visit-type-submit">
          {visitType ? t("common.save") : t("availability.visitTypes.createSubmit")}
        </Button>
      </DialogActions>
    </Form>
  );
}
