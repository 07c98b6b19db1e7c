import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ImageUp, Trash2 } from "lucide-react";
import { useMemo, useRef, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { ClinicSettings } from "../../api/generated";
import { clinicSettingsQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card, CardSection } from "../../components/Card";
import { CheckboxField, FieldError, SelectField, TextAreaField, TextField } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { LoadingState } from "../../components/States";
import { makeFormat } from "../../lib/format";
import { currencies, locales, timeZones } from "../../lib/regional";
import {
  currencySchema,
  emailSchema,
  idleLockSchema,
  localeSchema,
  optionalText,
  phoneSchema,
  requiredText,
  nationalIdMatcher,
  seriesPrefixSchema,
  taxRateSchema,
  timeZoneSchema,
} from "../../lib/validation";
import { useSessionApi } from "../auth/session";
import { Form } from "../../components/Form";

const FIELDS = [
  "name",
  "address",
  "phone",
  "time_zone",
  "currency",
  "locale",
  "idle_lock_minutes",
  "logo_data_url",
  "default_tax_rate",
  "invoice_series_prefix",
  "national_id_pattern",
  "national_id_example",
  "email",
  "paper_size",
  "prices_include_tax",
  "rounding",
  "receipt_paper",
] as const satisfies readonly (keyof ClinicSettings)[];

/**
 * Whether a pattern uses only syntax that JavaScript and Rust's regex read alike, so that a
 * JavaScript failure to compile it is a real mistake (Rust's own flags such as `(?i)` are left
 * to Rust to judge).
 */
function isJsReadable(pattern: string): boolean {
  return !/\(\?[a-zA-Z-]+[:)]|\\[Az]/.test(pattern);
}

export const MAX_LOGO_BYTES = 256 * 1024;

export function ClinicSettingsPage() {
  const { t } = useTranslation();
  const settings = useQuery(clinicSettingsQuery());
  return (
    <>
      <PageHeader title={t("settings.title")} lead={t("settings.lead")} />
      {settings.isPending ? (
        <Card>
          <LoadingState label={t("settings.loading")} />
        </Card>
      ) : settings.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(settings.error)}
        </Banner>
      ) : (
        <SettingsForm initial={settings.data} />
      )}
    </>
  );
}

function SettingsForm({ initial }: { initial: ClinicSettings }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const session = useSessionApi();
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const schema = useMemo(
    () =>
      z
        .object({
        name: requiredText(t, 200),
        address: optionalText(t, 500),
        phone: phoneSchema(t),
        time_zone: timeZoneSchema(t),
        currency: currencySchema(t),
        locale: localeSchema(t),
        idle_lock_minutes: idleLockSchema(t),
        logo_data_url: z.string(),
        default_tax_rate: taxRateSchema(t),
        invoice_series_prefix: seriesPrefixSchema(t),
        national_id_pattern: optionalText(t, 200).refine((v) => v === "" || nationalIdMatcher(v) !== null || !isJsReadable(v), { error: t("validation.pattern") }),
        national_id_example: optionalText(t, 40),
        email: emailSchema(t),
        paper_size: z.enum(["a4", "letter"]),
        prices_include_tax: z.boolean(),
        rounding: z.enum(["half_up", "half_even"]),
        receipt_paper: z.enum(["page", "roll80"]),
      })
      .superRefine(
        (v, ctx) => {
          const matches = nationalIdMatcher(v.national_id_pattern);
          if (matches && v.national_id_example.trim() !== "" && !matches(v.national_id_example)) {
            ctx.addIssue({ code: "custom", path: ["national_id_example"], message: t("validation.exampleMismatch") });
          }
        },
        { when: () => true },
      ),
    [t],
  );
  const form = useForm({ resolver: zodResolver(schema), defaultValues: initial });
  const { errors, isDirty } = form.formState;
  const zones = useMemo(() => timeZones(initial.time_zone), [initial.time_zone]);
  const currencyChoices = useMemo(() => currencies(i18n.language, initial.currency), [i18n.language, initial.currency]);
  const localeChoices = useMemo(() => locales(i18n.language, initial.locale), [i18n.language, initial.locale]);

  const [locale, timeZone, currency, logo] = useWatch({ control: form.control, name: ["locale", "time_zone", "currency", "logo_data_url"] });
  const preview = useMemo(() => {
    const f = makeFormat(locale, timeZone, currency);
    return t("settings.preview", { date: f.dateTime(new Date().toISOString()), money: f.money("1234.50") });
  }, [locale, timeZone, currency, t]);

  const save = useMutation({
    mutationFn: (v: ClinicSettings) => call("update_clinic_settings", v),
    onSuccess: (after) => {
      queryClient.setQueryData(clinicSettingsQuery().queryKey, after);
      void queryClient.invalidateQueries({ queryKey: ["app_status"] });
      session.idleLockChanged(after.idle_lock_minutes);
      form.reset(after);
      setSaved(true);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FIELDS));
    },
  });

  const pickLogo = (file: File | undefined) => {
    form.clearErrors("logo_data_url");
    if (!file) return;
    if (file.type !== "image/png" && file.type !== "image/jpeg") {
      form.setError("logo_data_url", { type: "client", message: t("settings.logoWrongType") });
      return;
    }
    if (file.size > MAX_LOGO_BYTES) {
      form.setError("logo_data_url", { type: "client", message: t("settings.logoTooBig", { size: Math.ceil(file.size / 1024) }) });
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      if (typeof reader.result === "string") form.setValue("logo_data_url", reader.result, { shouldDirty: true });
    };
    reader.readAsDataURL(file);
  };

  return (
    <Form
      beforeSubmit={() => {
        setFormError(null);
        setSaved(false);
      }}
      submit={form.handleSubmit((v) => {
        save.mutate(v);
      })}
    >
      {formError ? <Banner tone="error" testId="form-error" className="mb-4">{formError}</Banner> : null}
      <Card className="divide-y divide-ink-100">
        <CardSection title={t("settings.sectionClinic")}>
          <div className="grid gap-4 lg:grid-cols-2">
            <TextField label={t("settings.name")} testId="settings-name" error={errors.name?.message} {...form.register("name")} />
            <TextField label={t("settings.phone")} type="tel" optional testId="settings-phone" error={errors.phone?.message} {...form.register("phone")} />
            <TextField label={t("settings.email")} type="email" optional testId="settings-email" error={errors.email?.message} {...form.register("email")} />
            <SelectField label={t("settings.paperSize")} hint={t("settings.paperSizeHint")} testId="settings-paper-size" error={errors.paper_size?.message} {...form.register("paper_size")}>
              <option value="a4">{t("settings.paperA4")}</option>
              <option value="letter">{t("settings.paperLetter")}</option>
            </SelectField>
            <TextAreaField label={t("settings.address")} optional rows={3} testId="settings-address" error={errors.address?.message} className="lg:col-span-2" {...form.register("address")} />
            <div className="flex flex-col gap-1.5 lg:col-span-2">
              <span className="text-sm font-medium text-ink-800" id="logo-label">
                {t("settings.logo")}
              </span>
              <div className="flex flex-wrap items-center gap-4">
                <div className="flex h-20 w-40 items-center justify-center rounded-md border border-dashed border-ink-300 bg-ink-50 p-2">
                  {logo ? (
                    <img src={logo} alt={t("settings.logoPreview")} className="max-h-full max-w-full object-contain" data-testid="settings-logo-preview" />
                  ) : (
                    <span className="text-sm text-ink-500">{t("settings.logoNone")}</span>
                  )}
                </div>
                <div className="flex flex-col gap-2">
                  <div className="flex gap-2">
                    <input
                      ref={fileInput}
                      type="file"
                      accept="image/png,image/jpeg"
                      className="sr-only"
                      aria-labelledby="logo-label"
                      data-testid="settings-logo-file"
                      tabIndex={-1}
                      onChange={(e) => {
                        pickLogo(e.target.files?.[0]);
                        e.target.value = "";
                      }}
                    />
                    <Button icon={<ImageUp aria-hidden="true" className="size-4" />} onClick={() => fileInput.current?.click()} aria-describedby="logo-hint">
                      {t("settings.logoChoose")}
                    </Button>
                    {logo ? (
                      <Button
                        variant="ghost"
                        icon={<Trash2 aria-hidden="true" className="size-4" />}
                        onClick={() => {
                          form.setValue("logo_data_url", "", { shouldDirty: true });
                        }}
                      >
                        {t("settings.logoRemove")}
                      </Button>
                    ) : null}
                  </div>
                  <p id="logo-hint" className="text-[0.8125rem] text-ink-500">
                    {t("settings.logoHint")}
                  </p>
                </div>
              </div>
              {errors.logo_data_url?.message ? <FieldError name="logo_data_url" message={errors.logo_data_url.message} /> : null}
            </div>
          </div>
        </CardSection>
        <CardSection title={t("settings.sectionRegional")} description={preview}>
          <div className="grid gap-4 lg:grid-cols-3">
            <SelectField label={t("settings.timeZone")} testId="settings-time-zone" error={errors.time_zone?.message} {...form.register("time_zone")}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z.replaceAll("_", " ")}
                </option>
              ))}
            </SelectField>
            <SelectField label={t("settings.currency")} testId="settings-currency" error={errors.currency?.message} {...form.register("currency")}>
              {currencyChoices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </SelectField>
            <SelectField label={t("settings.locale")} hint={t("settings.localeHint")} testId="settings-locale" error={errors.locale?.message} {...form.register("locale")}>
              {localeChoices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </SelectField>
          </div>
        </CardSection>
        <CardSection title={t("settings.sectionBilling")}>
          <div className="grid gap-4 lg:grid-cols-3">
            <TextField label={t("settings.taxRate")} hint={t("settings.taxRateHint")} inputMode="decimal" testId="settings-default-tax-rate" error={errors.default_tax_rate?.message} {...form.register("default_tax_rate")} />
            <TextField label={t("settings.seriesPrefix")} hint={t("settings.seriesPrefixHint")} autoCapitalize="characters" spellCheck={false} testId="settings-invoice-series-prefix" error={errors.invoice_series_prefix?.message} {...form.register("invoice_series_prefix")} />
            <SelectField label={t("settings.receiptPaper")} hint={t("settings.receiptPaperHint")} testId="settings-receipt-paper" error={errors.receipt_paper?.message} {...form.register("receipt_paper")}>
              <option value="page">{t("settings.receiptPage")}</option>
              <option value="roll80">{t("settings.receiptRoll80")}</option>
            </SelectField>
            <div className="flex flex-col gap-1.5 lg:col-span-1">
              <CheckboxField
                label={t("settings.pricesIncludeTax")}
                testId="settings-prices-include-tax"
                aria-describedby="prices-include-tax-hint"
                error={errors.prices_include_tax?.message}
                {...form.register("prices_include_tax")}
              />
              <p id="prices-include-tax-hint" className="pl-7.5 text-[0.8125rem] text-ink-500">
                {t("settings.pricesIncludeTaxHint")}
              </p>
            </div>
            <SelectField label={t("settings.rounding")} hint={t("settings.roundingHint")} className="lg:col-span-2" testId="settings-rounding" error={errors.rounding?.message} {...form.register("rounding")}>
              <option value="half_up">{t("settings.roundingHalfUp")}</option>
              <option value="half_even">{t("settings.roundingHalfEven")}</option>
            </SelectField>
          </div>
        </CardSection>
        <CardSection title={t("settings.sectionPatients")} description={t("settings.patientsLead")}>
          <div className="grid gap-4 lg:grid-cols-3">
            <TextField
              className="lg:col-span-2"
              label={t("settings.nationalIdPattern")}
              hint={t("settings.nationalIdPatternHint")}
              optional
              autoCapitalize="off"
              autoComplete="off"
              spellCheck={false}
              testId="settings-national-id-pattern"
              error={errors.national_id_pattern?.message}
              {...form.register("national_id_pattern")}
            />
            <TextField
              label={t("settings.nationalIdExample")}
              hint={t("settings.nationalIdExampleHint")}
              optional
              autoComplete="off"
              spellCheck={false}
              testId="settings-national-id-example"
              error={errors.national_id_example?.message}
              {...form.register("national_id_example")}
            />
          </div>
        </CardSection>
        <CardSection title={t("settings.sectionSecurity")}>
          <div className="grid gap-4 lg:grid-cols-3">
            <TextField
              label={t("settings.idleLock")}
              hint={t("settings.idleLockHint")}
              type="number"
              min={1}
              max={30}
              step={1}
              testId="settings-idle-lock-minutes"
              error={errors.idle_lock_minutes?.message}
              {...form.register("idle_lock_minutes", { valueAsNumber: true })}
            />
          </div>
        </CardSection>
        {/* Kept in view at the bottom of the page, so Save is never below the fold. */}
        <div className="sticky -bottom-6 flex items-center justify-end gap-3 rounded-b-lg border-t border-ink-200 bg-ink-50/95 px-6 py-3 backdrop-blur-sm">
          {saved && !isDirty ? (
            <p role="status" data-testid="settings-saved" className="mr-auto text-sm font-medium text-ok-700">
              {t("settings.saved")}
            </p>
          ) : null}
          <Button type="submit" variant="primary" size="lg" busy={save.isPending} data-testid="settings-save">
            {save.isPending ? t("common.saving") : t("common.save")}
          </Button>
        </div>
      </Card>
    </Form>
  );
}
