// First run on a new workstation of a clinic that already works with ClinicDesk: connect to the
// clinic's central server (`join_clinic_server`, which refuses an address that does not answer),
// then wait while the background sync pulls the clinic, its users and its data. `app_status` and
// `get_sync_status` are public: both are polled every second, and once the clinic is here the app
// shows the sign-in (an existing account of the clinic signs in).
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery } from "@tanstack/react-query";
import { ArrowLeft, Network } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { JoinClinicServerInput } from "../../api/generated";
import { appStatusQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { PasswordField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { Logo } from "../../components/Logo";
import { Spinner } from "../../components/States";
import { useFormat } from "../../lib/format";
import { charCount } from "../../lib/validation";
import { progressPercent, progressText, syncStatusQuery, WORKSTATION_NAME_MAX } from "./model";

const FIELDS = ["server_url", "workstation_name", "password"] as const;
/** The waiting view asks this often (the first pull of a large clinic takes a while). */
export const JOIN_POLL_MS = 1_000;

export function JoinClinic({ onBack, onFinished }: { onBack: () => void; onFinished: () => void }) {
  const [joined, setJoined] = useState(false);
  return joined ? <JoinWaiting onFinished={onFinished} /> : <JoinForm onBack={onBack} onJoined={() => { setJoined(true); }} />;
}

function JoinForm({ onBack, onJoined }: { onBack: () => void; onJoined: () => void }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(
    () =>
      z.object({
        server_url: z.string(),
        workstation_name: z
          .string()
          .trim()
          .refine((v) => v !== "" && charCount(v) <= WORKSTATION_NAME_MAX, { error: t("sync.join.nameRule") }),
        password: z.string(),
      }),
    [t],
  );
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { server_url: "", workstation_name: "", password: "" } });
  const { errors } = form.formState;
  const join = useMutation({
    mutationFn: (input: JoinClinicServerInput) => call("join_clinic_server", input),
    onSuccess: onJoined,
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FIELDS));
    },
  });

  return (
    <Card className="px-8 py-7">
      <div className="flex items-start gap-3">
        <span className="flex size-11 shrink-0 items-center justify-center rounded-lg bg-accent-700 text-white">
          <Network aria-hidden="true" className="size-6" />
        </span>
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-ink-900">{t("sync.join.title")}</h1>
          <p className="mt-1 text-[0.9375rem] text-ink-600">{t("sync.join.lead")}</p>
        </div>
      </div>
      <Form
        className="mt-6 flex flex-col gap-4"
        beforeSubmit={() => {
          setFormError(null);
        }}
        submit={form.handleSubmit((v) => {
          join.mutate({ server_url: v.server_url, workstation_name: v.workstation_name, ...(v.password === "" ? {} : { password: v.password }) });
        })}
      >
        {formError ? (
          <Banner tone="error" testId="form-error">
            {formError}
          </Banner>
        ) : null}
        <TextField
          label={t("sync.settings.serverUrl")}
          hint={t("sync.settings.serverUrlHint")}
          placeholder={t("sync.settings.serverUrlPlaceholder")}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          className="[&_input]:font-mono [&_input]:text-sm"
          testId="join-server-url"
          error={errors.server_url?.message}
          {...form.register("server_url")}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label={t("sync.join.workstationName")}
            hint={t("sync.settings.workstationNameHint")}
            placeholder={t("sync.join.workstationNamePlaceholder")}
            autoComplete="off"
            testId="join-workstation-name"
            error={errors.workstation_name?.message}
            {...form.register("workstation_name")}
          />
          <PasswordField label={t("sync.settings.password")} hint={t("sync.settings.passwordHint")} optional autoComplete="off" testId="join-password" error={errors.password?.message} {...form.register("password")} />
        </div>
        <div className="mt-2 flex items-center justify-between gap-3 border-t border-ink-100 pt-5">
          <Button variant="ghost" icon={<ArrowLeft aria-hidden="true" className="size-4" />} onClick={onBack} data-testid="join-back">
            {t("common.back")}
          </Button>
          <Button type="submit" variant="primary" size="lg" busy={join.isPending} data-testid="join-submit">
            {join.isPending ? t("sync.join.connecting") : t("sync.join.submit")}
          </Button>
        </div>
      </Form>
    </Card>
  );
}

function JoinWaiting({ onFinished }: { onFinished: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const sync = useQuery({ ...syncStatusQuery(), refetchInterval: JOIN_POLL_MS });
  // The same cache entry the app's start-up reads: once it says the clinic exists, the sign-in shows.
  const app = useQuery({ ...appStatusQuery(), refetchInterval: JOIN_POLL_MS });
  const arrived = app.data?.initialized === true;
  useEffect(() => {
    if (arrived) onFinished();
  }, [arrived, onFinished]);

  const live = sync.data?.live;
  const percent = live ? progressPercent(live) : null;
  const step = !live?.online ? t("sync.join.waitConnecting") : live.syncing ? progressText(t, format, live) : t("sync.join.waitStarting");

  return (
    <Card className="px-8 py-7">
      <div data-testid="join-waiting" aria-busy="true">
        <div className="flex items-center gap-3">
          <Logo className="size-10" />
          <h1 className="text-2xl font-semibold tracking-tight text-ink-900">{t("sync.join.waitTitle")}</h1>
        </div>
        <p className="mt-2 text-[0.9375rem] text-ink-600">{t("sync.join.waitLead")}</p>
        <div className="mt-6 flex items-center gap-3 text-ink-800" role="status">
          <Spinner className="size-5 text-accent-700" />
          <span className="tabular-nums" data-testid="join-progress">
            {step}
          </span>
        </div>
        <div
          role="progressbar"
          aria-label={t("sync.join.progressLabel")}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent ?? undefined}
          aria-valuetext={step}
          className="mt-3 h-2 overflow-hidden rounded-full bg-ink-100"
        >
          <div className={percent === null ? "h-full w-1/3 animate-pulse rounded-full bg-accent-300" : "h-full rounded-full bg-accent-600 transition-[width]"} style={percent === null ? undefined : { width: `${String(percent)}%` }} />
        </div>
        {sync.data?.last_error ? (
          <Banner tone="warning" testId="join-error" className="mt-5">
            <p className="font-medium">{sync.data.last_error_at ? t("sync.join.errorAt", { time: format.dateTime(sync.data.last_error_at) }) : t("sync.join.error")}</p>
            <p className="mt-0.5 break-words">{sync.data.last_error}</p>
            <p className="mt-1">{t("sync.join.errorRetry")}</p>
          </Banner>
        ) : null}
        <p className="mt-6 text-sm text-ink-600">{t("sync.join.waitHint")}</p>
      </div>
    </Card>
  );
}
