import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { PasswordField } from "../../components/Field";
import { passwordContainsUsername, passwordSchema } from "../../lib/validation";
import { useSession } from "../auth/session";
import { Form } from "../../components/Form";

const FIELDS = ["current_password", "new_password", "new_password_confirm"] as const;

/** `change_password`, used by the Change password page and the forced first-sign-in screen. */
export function ChangePasswordForm({ onChanged }: { onChanged?: () => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const schema = useMemo(
    () =>
      z
        .object({
          current_password: z.string().min(1, { error: t("validation.required") }),
          new_password: passwordSchema(t),
          new_password_confirm: z.string(),
        })
        .superRefine((v, ctx) => {
          if (passwordContainsUsername(v.new_password, user.username)) {
            ctx.addIssue({ code: "custom", path: ["new_password"], message: t("validation.passwordHasUsername") });
          } else if (v.new_password !== "" && v.new_password === v.current_password) {
            ctx.addIssue({ code: "custom", path: ["new_password"], message: t("validation.passwordSame") });
          }
          if (v.new_password_confirm !== v.new_password) {
            ctx.addIssue({ code: "custom", path: ["new_password_confirm"], message: t("validation.passwordMismatch") });
          }
        }),
    [t, user.username],
  );
  const form = useForm({
    resolver: zodResolver(schema),
    defaultValues: { current_password: "", new_password: "", new_password_confirm: "" },
  });
  const { errors } = form.formState;

  const change = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("change_password", { current_password: v.current_password, new_password: v.new_password }),
    onSuccess: () => {
      form.reset();
      setDone(true);
      onChanged?.();
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FIELDS));
    },
  });

  return (
    <Form
      className="flex max-w-md flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
        setDone(false);
      }}
      submit={form.handleSubmit((v) => {
        change.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
      {done ? <Banner tone="success" testId="account-done">{t("account.done")}</Banner> : null}
      <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
      <PasswordField
        label={t("account.currentPassword")}
        autoComplete="current-password"
        autoFocus
        testId="account-current-password"
        error={errors.current_password?.message}
        {...form.register("current_password")}
      />
      <PasswordField
        label={t("account.newPassword")}
        hint={t("account.newPasswordHint")}
        autoComplete="new-password"
        testId="account-new-password"
        error={errors.new_password?.message}
        {...form.register("new_password")}
      />
      <PasswordField
        label={t("account.newPasswordConfirm")}
        autoComplete="new-password"
        testId="account-new-password-confirm"
        error={errors.new_password_confirm?.message}
        {...form.register("new_password_confirm")}
      />
      <div>
        <Button type="submit" variant="primary" busy={change.isPending} data-testid="account-submit">
          {t("account.submit")}
        </Button>
      </div>
    </Form>
  );
}
