import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { Lock, LogIn } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, isCommandError, sentence } from "../../api/errors";
import { call } from "../../api/gateway";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { PasswordField } from "../../components/Field";
import { CenteredPage } from "../../components/States";
import { useSession, useSessionApi } from "../auth/session";
import { Form } from "../../components/Form";

const FIELDS = ["password"] as const;

/**
 * Replaces the whole app while locked: the app frame is unmounted, so no patient or user data
 * stays in the page. Only the locked user's name is shown.
 */
export function LockScreen() {
  const { t } = useTranslation();
  const api = useSessionApi();
  const { user, idleLockMinutes } = useSession();
  const [failure, setFailure] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ password: z.string().min(1, { error: t("validation.required") }) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { password: "" } });

  const unlock = useMutation({
    mutationFn: (v: z.output<typeof schema>) => call("unlock_session", v),
    onSuccess: (output) => {
      api.unlocked(output);
    },
    onError: (error) => {
      form.resetField("password");
      form.setFocus("password");
      if (isCommandError(error, "invalid_credentials")) setFailure(t("lock.invalid_credentials"));
      else if (isCommandError(error, "locked_out")) setFailure(sentence(error.message));
      else setFailure(applyCommandError(error, form.setError, FIELDS));
    },
  });

  return (
    <CenteredPage testId="lock-screen">
      <Card className="px-8 py-7">
        <div className="flex flex-col items-center text-center">
          <div className="flex size-14 items-center justify-center rounded-full bg-accent-50 text-accent-700">
            <Lock aria-hidden="true" className="size-7" />
          </div>
          <h1 className="mt-4 text-xl font-semibold text-ink-900">{t("lock.title")}</h1>
          <p className="mt-1 text-[0.9375rem] text-ink-600" data-testid="lock-user">
            {t("lock.lead", { name: user.full_name })}
          </p>
        </div>
        {failure ? (
          <Banner tone="error" testId="lock-error" className="mt-5">
            {failure}
          </Banner>
        ) : null}
        <Form
          className="mt-5 flex flex-col gap-4"
          beforeSubmit={() => {
            setFailure(null);
          }}
          submit={form.handleSubmit((v) => {
            unlock.mutate(v);
          })}
        >
          <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
          <PasswordField
            label={t("lock.password")}
            autoComplete="current-password"
            autoFocus
            testId="lock-password"
            error={form.formState.errors.password?.message}
            {...form.register("password")}
          />
          <Button type="submit" variant="primary" size="lg" busy={unlock.isPending} data-testid="lock-submit" className="w-full">
            {unlock.isPending ? t("lock.submitting") : t("lock.submit")}
          </Button>
        </Form>
        <div className="mt-4 border-t border-ink-100 pt-4 text-center">
          <Button variant="ghost" data-testid="lock-switch-user" icon={<LogIn aria-hidden="true" className="size-4" />} onClick={() => void api.signOut()}>
            {t("lock.switchUser")}
          </Button>
        </div>
      </Card>
      <p className="mt-5 text-center text-sm text-ink-600">{t("lock.hint", { count: idleLockMinutes })}</p>
    </CenteredPage>
  );
}
