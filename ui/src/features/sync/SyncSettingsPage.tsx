// Sync settings (administrators, `sync.manage`): the central PostgreSQL server's address, the
// server password (kept in the OS keychain by Rust, never shown again), this workstation's name on
// the server, and sync on or off; "Test connection" tries the address as typed. Rust validates the
// address (scheme, host, no password inside, sslmode) and its field errors land on the fields.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, KeyRound, PlugZap, Undo2 } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { SaveSyncSettingsInput, ServerCheck, SyncSettings } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card, CardSection } from "../../components/Card";
import { CheckboxField, PasswordField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { PageHeader } from "../../components/PageHeader";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { charCount } from "../../lib/validation";
import { syncChanged, syncSettingsQuery, WORKSTATION_NAME_MAX } from "./model";

const FIELDS = ["server_url", "workstation_name", "password"] as const;

export function SyncSettingsPage() {
  const { t } = useTranslation();
  const settings = useQuery({ ...syncSettingsQuery(), staleTime: 0 });
  return (
    <>
      <PageHeader title={t("sync.settings.title")} lead={t("sync.settings.lead")} />
      {settings.isPending ? (
        <Card>
          <LoadingState label={t("sync.settings.loading")} />
        </Card>
      ) : settings.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(settings.error)}
        </Banner>
      ) : (
        <SyncSettingsForm initial={settings.data} />
      )}
    </>
  );
}

function SyncSettingsForm({ initial }: { initial: SyncSettings }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  /** "Forget password" waits for Save, like every other change on this page. */
  const [forget, setForget] = useState(false);
  const [check, setCheck] = useState<{ url: string; result: ServerCheck } | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);

  const schema = useMemo(
    () =>
      z
        .object({
          server_url: z.string(),
          workstation_name: z
            .string()
            .trim()
            .refine((v) => charCount(v) <= WORKSTATION_NAME_MAX, { error: t("validation.tooLong", { max: WORKSTATION_NAME_MAX }) }),
          password: z.string(),
          enabled: z.boolean(),
        })
        .superRefine((v, ctx) => {
          if (v.enabled && v.workstation_name.trim() === "") ctx.addIssue({ code: "custom", path: ["workstation_name"], message: t("sync.settings.nameRequired") });
        }),
    [t],
  );
  const form = useForm({
    resolver: zodResolver(schema),
    defaultValues: { server_url: initial.server_url, workstation_name: initial.workstation_name, password: "", enabled: initial.enabled },
  });
  const { errors, isDirty } = form.formState;
  const serverUrl = useWatch({ control: form.control, name: "server_url" });

  const save = useMutation({
    mutationFn: (input: SaveSyncSettingsInput) => call("save_sync_settings", input),
    onSuccess: async (_done, input) => {
      await syncChanged(queryClient);
      form.reset({ server_url: input.server_url.trim(), workstation_name: input.workstation_name.trim(), password: "", enabled: input.enabled });
      setForget(false);
      setSaved(true);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FIELDS));
    },
  });

  const test = useMutation({
    mutationFn: ({ url, password }: { url: string; password: string }) => call("test_sync_connection", { server_url: url, ...(password === "" ? {} : { password }) }),
    onSuccess: (result, { url }) => {
      setCheck({ url, result });
    },
    onError: (error) => {
      // Rust names the address for every failure of the connection itself.
      setCheckError(applyCommandError(error, form.setError, FIELDS));
    },
  });

  const runTest = () => {
    setCheck(null);
    setCheckError(null);
    form.clearErrors(["server_url", "password"]);
    test.mutate({ url: form.getValues("server_url"), password: form.getValues("password") });
  };

  const result = check && check.url === serverUrl ? check.result : null;
  const passwordHint = forget ? t("sync.settings.passwordForgetting") : initial.has_password ? t("sync.settings.passwordKeep") : t("sync.settings.passwordHint");

  return (
    <Form
      beforeSubmit={() => {
        setFormError(null);
        setSaved(false);
      }}
      submit={form.handleSubmit((v) => {
        save.mutate({ server_url: v.server_url, enabled: v.enabled, workstation_name: v.workstation_name, password: v.password === "" ? null : v.password, clear_password: forget && v.password === "" });
      })}
    >
      {formError ? (
        <Banner tone="error" testId="form-error" className="mb-4">
          {formError}
        </Banner>
      ) : null}
      <Card className="divide-y divide-ink-100">
        <CardSection title={t("sync.settings.sectionServer")} description={t("sync.settings.serverLead")}>
          <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
            <div className="flex flex-col gap-2">
              <TextField
                label={t("sync.settings.serverUrl")}
                hint={t("sync.settings.serverUrlHint")}
                placeholder={t("sync.settings.serverUrlPlaceholder")}
                autoComplete="off"
                autoCapitalize="off"
                spellCheck={false}
                className="[&_input]:font-mono [&_input]:text-sm"
                testId="sync-server-url"
                error={errors.server_url?.message}
                {...form.register("server_url", {
                  onChange: () => {
                    setCheckError(null);
                  },
                })}
              />
              <div className="flex flex-wrap items-start gap-3">
                <Button data-testid="sync-test" busy={test.isPending} icon={<PlugZap aria-hidden="true" className="size-4" />} onClick={runTest}>
                  {test.isPending ? t("sync.settings.testing") : t("sync.settings.test")}
                </Button>
                <div aria-live="polite" className="min-w-0 flex-1">
                  {result ? (
                    <div data-testid="sync-test-result" className="flex gap-2 rounded-md border border-ok-700/30 bg-ok-50 px-3 py-2 text-sm text-ok-700">
                      <CircleCheck aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
                      <div>
                        <p className="font-medium">{t("sync.settings.testOk", { ms: format.count(Math.round(result.round_trip_ms)) })}</p>
                        <p className="text-ink-700">
                          {t("sync.settings.testDetail", {
                            version: result.server_version,
                            schema: String(result.schema_version),
                            workstations: t("sync.settings.workstationCount", { count: result.workstations, formatted: format.count(result.workstations) }),
                            changes: t("sync.settings.changeCount", { count: result.changes, formatted: format.count(result.changes) }),
                          })}
                        </p>
                      </div>
                    </div>
                  ) : null}
                  {checkError ? (
                    <p role="alert" data-testid="sync-test-error" className="text-[0.8125rem] font-medium text-danger-700">
                      {checkError}
                    </p>
                  ) : null}
                </div>
              </div>
            </div>
            <div className="flex flex-col gap-2">
              <PasswordField
                label={t("sync.settings.password")}
                hint={passwordHint}
                optional
                autoComplete="new-password"
                placeholder={initial.has_password && !forget ? t("sync.settings.passwordPlaceholderStored") : undefined}
                testId="sync-password"
                error={errors.password?.message}
                {...form.register("password")}
              />
              {initial.has_password ? (
                <div className="flex flex-wrap items-center gap-2 text-[0.8125rem]" data-testid="sync-password-state">
                  <KeyRound aria-hidden="true" className="size-4 text-ink-500" />
                  <span className={forget ? "text-warn-700" : "text-ink-700"}>{forget ? t("sync.settings.passwordWillForget") : t("sync.settings.passwordStored")}</span>
                  {forget ? (
                    <Button size="xs" variant="ghost" data-testid="sync-password-keep" icon={<Undo2 aria-hidden="true" className="size-3.5" />} onClick={() => { setForget(false); }}>
                      {t("sync.settings.passwordUndo")}
                    </Button>
                  ) : (
                    <Button size="xs" data-testid="sync-password-forget" onClick={() => { setForget(true); setSaved(false); }}>
                      {t("sync.settings.passwordForget")}
                    </Button>
                  )}
                </div>
              ) : null}
            </div>
            <div className="flex flex-col gap-1.5 lg:col-span-2">
              <CheckboxField label={t("sync.settings.enabled")} testId="sync-enabled" aria-describedby="sync-enabled-hint" error={errors.enabled?.message} {...form.register("enabled")} />
              <p id="sync-enabled-hint" className="pl-7.5 text-[0.8125rem] text-ink-500">
                {t("sync.settings.enabledHint")}
              </p>
            </div>
          </div>
        </CardSection>
        <CardSection title={t("sync.settings.sectionWorkstation")} description={t("sync.settings.workstationLead")}>
          <div className="grid gap-4 lg:grid-cols-3">
            <TextField
              label={t("sync.settings.workstationName")}
              hint={t("sync.settings.workstationNameHint")}
              placeholder={t("sync.settings.workstationNamePlaceholder")}
              autoComplete="off"
              testId="sync-workstation-name"
              error={errors.workstation_name?.message}
              {...form.register("workstation_name")}
            />
            <dl className="grid content-start gap-x-4 gap-y-1.5 text-sm sm:grid-cols-[auto_1fr] lg:col-span-2 lg:pt-7">
              <dt className="text-ink-600">{t("sync.settings.workstationCode")}</dt>
              <dd className="font-mono font-medium text-ink-900" data-testid="sync-workstation-code">
                {initial.workstation_code}
              </dd>
              <dt className="text-ink-600">{t("sync.settings.workstationId")}</dt>
              <dd className="font-mono text-ink-900 select-all break-all" data-testid="sync-workstation-id">
                {initial.workstation_id}
              </dd>
            </dl>
          </div>
        </CardSection>
        <div className="sticky -bottom-6 flex items-center justify-end gap-3 rounded-b-lg border-t border-ink-200 bg-ink-50/95 px-6 py-3 backdrop-blur-sm">
          {saved && !isDirty && !forget ? (
            <p role="status" data-testid="sync-saved" className="mr-auto text-sm font-medium text-ok-700">
              {t("sync.settings.saved")}
            </p>
          ) : null}
          <Button type="submit" variant="primary" size="lg" busy={save.isPending} data-testid="sync-save">
            {save.isPending ? t("common.saving") : t("common.save")}
          </Button>
        </div>
      </Card>
    </Form>
  );
}
