import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { WandSparkles } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { UserView } from "../../api/generated";
import { usersQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, TextField } from "../../components/Field";
import { generateTemporaryPassword, passwordContainsUsername, passwordSchema } from "../../lib/validation";
import { Form } from "../../components/Form";

const FIELDS = ["new_password", "must_change_password"] as const;

export function ResetPasswordDialog({ user, onClose, onDone }: { user: UserView | null; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={user !== null} onClose={onClose} title={user ? t("users.reset.title", { username: user.username }) : ""} description={t("users.reset.lead")} size="sm" testId="reset-dialog">
      {user ? <ResetForm user={user} onClose={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function ResetForm({ user, onClose, onDone }: { user: UserView; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(
    () =>
      z
        .object({ new_password: passwordSchema(t), must_change_password: z.boolean() })
        .superRefine((v, ctx) => {
          if (passwordContainsUsername(v.new_password, user.username)) {
            ctx.addIssue({ code: "custom", path: ["new_password"], message: t("validation.passwordHasUsername") });
          }
        }),
    [t, user.username],
  );
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { new_password: "", must_change_password: true } });
  const { errors } = form.formState;
  const reset = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("reset_password", { username: user.username, ...v }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: usersQuery().queryKey });
      onDone(t("users.reset.done", { username: user.username }));
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
        reset.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      <div className="flex items-start gap-2">
        <TextField className="flex-1" label={t("users.reset.password")} autoComplete="new-password" spellCheck={false} testId="reset-password" error={errors.new_password?.message} {...form.register("new_password")} />
        <Button
          icon={<WandSparkles aria-hidden="true" className="size-4" />}
          onClick={() => {
            form.setValue("new_password", generateTemporaryPassword(), { shouldValidate: true });
          }}
          className="mt-[1.625rem]"
        >
          {t("common.generate")}
        </Button>
      </div>
      <CheckboxField label={t("users.reset.mustChange")} testId="reset-must-change" {...form.register("must_change_password")} />
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={reset.isPending} data-testid="reset-submit">
          {t("users.reset.submit")}
        </Button>
      </DialogActions>
    </Form>
  );
}
