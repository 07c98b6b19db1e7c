// Recording an allergy (`record_allergy`) and changing its status (`set_allergy_status`): an
// allergy is never deleted; it is resolved, or marked entered in error, always with a reason.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Allergy, AllergySeverity, AllergyStatus } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { SelectField, TextAreaField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { optionalText, requiredText } from "../../lib/validation";
import { patientsChanged, SEVERITIES, severityLabel } from "./model";

const RECORD_FIELDS = ["substance", "reaction", "severity"] as const;

export function RecordAllergyDialog({ patientId, patientName, open, onClose, onDone }: { patientId: string; patientName: string; open: boolean; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("allergies.recordTitle")} description={t("allergies.recordLead", { name: patientName })} size="md" testId="allergy-dialog">
      {open ? <RecordAllergyForm patientId={patientId} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function RecordAllergyForm({ patientId, onClose, onDone }: { patientId: string; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(
    () =>
      z.object({
        substance: requiredText(t, 200),
        reaction: optionalText(t, 500),
        severity: z.enum(SEVERITIES as [AllergySeverity, ...AllergySeverity[]], { error: t("validation.required") }),
      }),
    [t],
  );
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { substance: "", reaction: "", severity: "" as AllergySeverity } });
  const { errors } = form.formState;
  const record = useMutation({
    mutationFn: (allergy: z.output<typeof schema>) => call("record_allergy", { patient_id: patientId, allergy }),
    onSuccess: async (allergy) => {
      await patientsChanged(queryClient);
      onDone(t("allergies.recorded", { substance: allergy.substance }));
    },
    onError: (error) => {
      // Rust names the nested input: `allergy.substance`.
      setFormError(applyCommandError(error, form.setError, RECORD_FIELDS, ["allergy."]));
    },
  });
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        record.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
        <TextField label={t("allergies.substance")} hint={t("allergies.substanceHint")} autoComplete="off" testId="allergy-substance" error={errors.substance?.message} {...form.register("substance")} />
        <SelectField label={t("allergies.severityLabel")} testId="allergy-severity" error={errors.severity?.message} {...form.register("severity")}>
          <option value="" disabled>
            —
          </option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {severityLabel(t, s)}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField label={t("allergies.reaction")} optional hint={t("allergies.reactionHint")} autoComplete="off" testId="allergy-reaction" error={errors.reaction?.message} {...form.register("reaction")} />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={record.isPending} data-testid="allergy-submit">
          {t("allergies.recordSubmit")}
        </Button>
      </DialogActions>
    </Form>
  );
}

export interface StatusChange {
  allergy: Allergy;
  status: AllergyStatus;
}

export function AllergyStatusDialog({ change, onClose, onDone }: { change: StatusChange | null; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const title = change ? t(`allergies.change.${change.status}.title`, { substance: change.allergy.substance }) : "";
  return (
    <Dialog open={change !== null} onClose={onClose} title={title} description={change ? t(`allergies.change.${change.status}.lead`) : undefined} size="sm" testId="allergy-status-dialog">
      {change ? <StatusForm change={change} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function StatusForm({ change, onClose, onDone }: { change: StatusChange; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ reason: requiredText(t, 500) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { reason: "" } });
  const mutation = useMutation({
    mutationFn: ({ reason }: { reason: string }) => call("set_allergy_status", { allergy_id: change.allergy.id, status: change.status, reason }),
    onSuccess: async (allergy) => {
      await patientsChanged(queryClient);
      onDone(t(`allergies.change.${change.status}.done`, { substance: allergy.substance }));
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
        mutation.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <TextAreaField label={t("allergies.reason")} hint={t("allergies.reasonHint")} rows={3} testId="status-reason" error={form.formState.errors.reason?.message} {...form.register("reason")} />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant={change.status === "entered_in_error" ? "danger" : "primary"} busy={mutation.isPending} data-testid="status-submit">
          {t(`allergies.change.${change.status}.confirm`)}
        </Button>
      </DialogActions>
    </Form>
  );
}
