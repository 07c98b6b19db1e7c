// One dialog for every change that carries a reason: "entered in error" (an encounter, vitals, an
// attachment, a problem: required) and resolving or re-activating a problem (optional). Nothing
// clinical is deleted; the reason is kept with who and when.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { TextAreaField } from "../../components/Field";
import { Form } from "../../components/Form";
import { optionalText, requiredText } from "../../lib/validation";

export interface ReasonRequest {
  title: string;
  lead: ReactNode;
  confirmLabel: string;
  tone: "danger" | "primary";
  /** Entered in error needs a reason; resolving a problem may give one. */
  required: boolean;
  hint?: string;
  /** Runs the command; its refusal is shown in the dialog (a `reason` field error next to the field). */
  submit: (reason: string) => Promise<unknown>;
  /** After the command succeeded. */
  done: () => void;
}

export function ReasonDialog({ request, onClose, testId = "reason-dialog" }: { request: ReasonRequest | null; onClose: () => void; testId?: string }) {
  return (
    <Dialog open={request !== null} onClose={onClose} title={request?.title ?? ""} description={request?.lead} size="sm" testId={testId}>
      {request ? <ReasonForm request={request} onClose={onClose} /> : null}
    </Dialog>
  );
}

function ReasonForm({ request, onClose }: { request: ReasonRequest; onClose: () => void }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ reason: request.required ? requiredText(t, 500) : optionalText(t, 500) }), [t, request.required]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { reason: "" } });
  const mutation = useMutation({
    mutationFn: ({ reason }: { reason: string }) => request.submit(reason),
    onSuccess: () => {
      request.done();
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
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <TextAreaField
        label={t("records.reason")}
        optional={!request.required}
        hint={request.hint ?? t("records.reasonHint")}
        rows={3}
        testId="reason-input"
        error={form.formState.errors.reason?.message}
        {...form.register("reason")}
      />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant={request.tone === "danger" ? "danger" : "primary"} busy={mutation.isPending} data-testid="reason-submit">
          {request.confirmLabel}
        </Button>
      </DialogActions>
    </Form>
  );
}
