import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { LogIn } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, isCommandError, sentence } from "../../api/errors";
import { call } from "../../api/gateway";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { PasswordField, TextField } from "../../components/Field";
import { Logo } from "../../components/Logo";
import { CenteredPage } from "../../components/States";
import { useSessionApi } from "./session";
import { Form } from "../../components/Form";

const FIELDS = ["username", "password"] as const;

export function LoginScreen({ clinicName }: { clinicName: string | null }) {
  const { t } = useTranslation();
  const session = useSessionApi();
  const reason = session.state.phase === "signed-out" ? session.state.reason : null;
  const [failure, setFailure] = useState<string | null>(null);

  // Sign-in only checks presence: the format rules would tell a guesser which usernames exist.
  const schema = useMemo(
    () =>
      z.object({
        username: z.string().trim().min(1, { error: t("validation.required") }),
        password: z.string().min(1, { error: t("validation.required") }),
      }),
    [t],
  );
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { username: "", password: "" } });
  const { errors } = form.formState;

  const login = useMutation({
    mutationFn: (input: z.output<typeof schema>) => call("login", input),
    onSuccess: (output) => {
      session.signedIn(output);
    },
    onError: (error) => {
      form.resetField("password");
      form.setFocus(isCommandError(error, "invalid_credentials") ? "password" : "username");
      if (isCommandError(error, "invalid_credentials")) setFailure(t("login.invalid_credentials"));
      else if (isCommandError(error, "account_disabled")) setFailure(t("login.account_disabled"));
      else if (isCommandError(error, "locked_out")) setFailure(sentence(error.message));
      else setFailure(applyCommandError(error, form.setError, FIELDS));
    },
  });

  return (
    <CenteredPage testId="login-screen">
      <div className="mb-6 flex items-center justify-center gap-3">
        <Logo className="size-10" />
        <span className="text-2xl font-semibold tracking-tight text-ink-900">{t("app.name")}</span>
      </div>
      <Card className="px-8 py-7">
        <h1 className="text-xl font-semibold text-ink-900">{t("login.title")}</h1>
        {clinicName ? <p className="mt-1 text-[0.9375rem] text-ink-600">{t("login.lead", { clinic: clinicName })}</p> : null}
        {reason && !failure ? (
          <Banner tone="info" className="mt-4">
            {reason === "session-ended" ? t("login.sessionEnded") : t("login.signedOut")}
          </Banner>
        ) : null}
        {failure ? (
          <Banner tone="error" testId="login-error" className="mt-4">
            {failure}
          </Banner>
        ) : null}
        <Form
          className="mt-5 flex flex-col gap-4"
          beforeSubmit={() => {
            setFailure(null);
          }}
          submit={form.handleSubmit((values) => {
            login.mutate(values);
          })}
        >
          <TextField
            label={t("login.username")}
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            autoFocus
            testId="login-username"
            error={errors.username?.message}
            {...form.register("username")}
          />
          <PasswordField
            label={t("login.password")}
            autoComplete="current-password"
            testId="login-password"
            error={errors.password?.message}
            {...form.register("password")}
          />
          <Button type="submit" variant="primary" size="lg" busy={login.isPending} data-testid="login-submit" icon={<LogIn aria-hidden="true" className="size-5" />} className="mt-2 w-full">
            {login.isPending ? t("login.submitting") : t("login.submit")}
          </Button>
        </Form>
      </Card>
      <p className="mt-5 text-center text-sm text-ink-600">{t("login.footer")}</p>
    </CenteredPage>
  );
}
