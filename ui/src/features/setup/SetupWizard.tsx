import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { ArrowLeft, ArrowRight } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { SetupClinicOutput } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { PasswordField, SelectField, TextField } from "../../components/Field";
import { cn } from "../../components/cn";
import { currencies, systemCurrency, systemTimeZone, timeZones } from "../../lib/regional";
import { currencySchema, passwordContainsUsername, passwordSchema, requiredText, timeZoneSchema, usernameSchema } from "../../lib/validation";
import { RecoveryPassphrase } from "./RecoveryPassphrase";

// Form fields carry the Rust names of `setup_clinic`'s input, so its field errors land here.
const CLINIC_FIELDS = ["clinic_name", "time_zone", "currency"] as const;
const ADMIN_FIELDS = ["admin_username", "admin_full_name", "admin_password", "admin_password_confirm"] as const;
const ALL_FIELDS = [...CLINIC_FIELDS, ...ADMIN_FIELDS];

type Step = 1 | 2 | 3;

export function SetupWizard({ onBack, onFinished }: { onBack: () => void; onFinished: () => void }) {
  const { t, i18n } = useTranslation();
  const [step, setStep] = useState<Step>(1);
  const [formError, setFormError] = useState<string | null>(null);
  const [result, setResult] = useState<SetupClinicOutput | null>(null);
  const zones = useMemo(() => timeZones(), []);
  const currencyChoices = useMemo(() => currencies(i18n.language), [i18n.language]);

  const schema = useMemo(
    () =>
      z
        .object({
          clinic_name: requiredText(t, 200),
          time_zone: timeZoneSchema(t),
          currency: currencySchema(t),
          admin_username: usernameSchema(t),
          admin_full_name: requiredText(t, 200),
          admin_password: passwordSchema(t),
          admin_password_confirm: z.string(),
        })
        .superRefine((v, ctx) => {
          if (passwordContainsUsername(v.admin_password, v.admin_username)) {
            ctx.addIssue({ code: "custom", path: ["admin_password"], message: t("validation.passwordHasUsername") });
          }
          if (v.admin_password_confirm !== v.admin_password) {
            ctx.addIssue({ code: "custom", path: ["admin_password_confirm"], message: t("validation.passwordMismatch") });
          }
        }),
    [t],
  );
  const form = useForm({
    resolver: zodResolver(schema),
    // Steps validate with trigger() before submit, so errors must clear as the user types.
    mode: "onTouched",
    defaultValues: {
      clinic_name: "",
      time_zone: systemTimeZone(),
      currency: systemCurrency(),
      admin_username: "",
      admin_full_name: "",
      admin_password: "",
      admin_password_confirm: "",
    },
  });
  const { errors } = form.formState;

  const setup = useMutation({
    mutationFn: (v: z.output<typeof schema>) =>
      call("setup_clinic", {
        clinic_name: v.clinic_name,
        time_zone: v.time_zone,
        currency: v.currency,
        admin_username: v.admin_username,
        admin_full_name: v.admin_full_name,
        admin_password: v.admin_password,
      }),
    onSuccess: (output) => {
      // The passwords leave memory as soon as they are no longer needed.
      form.reset({ ...form.getValues(), admin_password: "", admin_password_confirm: "" });
      setResult(output);
      setStep(3);
    },
    onError: (error) => {
      const message = applyCommandError(error, form.setError, ALL_FIELDS);
      setFormError(message);
      const field = (error as { field?: string }).field;
      if (field !== undefined && (CLINIC_FIELDS as readonly string[]).includes(field)) setStep(1);
    },
  });

  const next = async () => {
    if (await form.trigger([...CLINIC_FIELDS], { shouldFocus: true })) {
      setStep(2);
      setTimeout(() => { form.setFocus("admin_username"); }, 0);
    }
  };

  const steps = [t("wizard.stepClinic"), t("wizard.stepAdmin"), t("wizard.stepRecovery")];

  return (
    <div className="w-full">
      <h1 className="text-2xl font-semibold tracking-tight text-ink-900">{t("wizard.title")}</h1>
      <ol className="mt-4 mb-5 grid grid-cols-3 gap-2" aria-label={t("wizard.stepOf", { step, total: 3 })}>
        {steps.map((label, i) => {
          const n = i + 1;
          const state = n < step ? "done" : n === step ? "current" : "todo";
          return (
            <li key={label} aria-current={state === "current" ? "step" : undefined} className="flex flex-col gap-1.5">
              <span className={cn("h-1.5 rounded-full", state === "todo" ? "bg-ink-200" : "bg-accent-700")} />
              <span className={cn("text-sm", state === "current" ? "font-semibold text-ink-900" : "text-ink-600")}>
                {n}. {label}
              </span>
            </li>
          );
        })}
      </ol>
      <Card className="px-8 py-7">
        {step === 3 && result ? (
          <>
            <h2 className="mb-3 text-lg font-semibold text-ink-900">{t("recovery.title")}</h2>
            <RecoveryPassphrase passphrase={result.recovery_passphrase} clinicName={form.getValues("clinic_name")} onContinue={onFinished} />
          </>
        ) : (
          <form
            noValidate
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              setFormError(null);
              if (step === 1) {
                void next();
              } else {
                void form.handleSubmit((v) => {
                  setup.mutate(v);
                })(e);
              }
            }}
          >
            {formError ? <Banner tone="error" testId="form-error">{formError}</Banner> : null}
            <div hidden={step !== 1} className="flex flex-col gap-4">
              <TextField
                label={t("wizard.clinicName")}
                hint={t("wizard.clinicNameHint")}
                autoFocus
                testId="wizard-clinic-name"
                error={errors.clinic_name?.message}
                {...form.register("clinic_name")}
              />
              <div className="grid gap-4 sm:grid-cols-2">
                <SelectField label={t("wizard.timeZone")} hint={t("wizard.timeZoneHint")} testId="wizard-time-zone" error={errors.time_zone?.message} {...form.register("time_zone")}>
                  {zones.map((z) => (
                    <option key={z} value={z}>
                      {z.replaceAll("_", " ")}
                    </option>
                  ))}
                </SelectField>
                <SelectField label={t("wizard.currency")} testId="wizard-currency" error={errors.currency?.message} {...form.register("currency")}>
                  {currencyChoices.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </SelectField>
              </div>
            </div>
            <div hidden={step !== 2} className="flex flex-col gap-4">
              <p className="text-[0.9375rem] text-ink-700">{t("wizard.adminLead")}</p>
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField
                  label={t("wizard.username")}
                  hint={t("wizard.usernameHint")}
                  autoComplete="username"
                  autoCapitalize="off"
                  spellCheck={false}
                  testId="wizard-admin-username"
                  error={errors.admin_username?.message}
                  {...form.register("admin_username")}
                />
                <TextField
                  label={t("wizard.fullName")}
                  autoComplete="name"
                  testId="wizard-admin-full-name"
                  error={errors.admin_full_name?.message}
                  {...form.register("admin_full_name")}
                />
                <PasswordField
                  label={t("wizard.password")}
                  hint={t("wizard.passwordHint")}
                  autoComplete="new-password"
                  testId="wizard-admin-password"
                  error={errors.admin_password?.message}
                  {...form.register("admin_password")}
                />
                <PasswordField
                  label={t("wizard.passwordConfirm")}
                  autoComplete="new-password"
                  testId="wizard-admin-password-confirm"
                  error={errors.admin_password_confirm?.message}
                  {...form.register("admin_password_confirm")}
                />
              </div>
            </div>
            <div className="mt-2 flex items-center justify-between border-t border-ink-100 pt-5">
              <Button
                variant="ghost"
                icon={<ArrowLeft aria-hidden="true" className="size-4" />}
                onClick={() => {
                  setFormError(null);
                  if (step === 2) setStep(1);
                  else onBack();
                }}
              >
                {t("common.back")}
              </Button>
              {step === 1 ? (
                <Button type="submit" variant="primary" size="lg" data-testid="wizard-next" iconEnd={<ArrowRight aria-hidden="true" className="size-5" />}>
                  {t("common.next")}
                </Button>
              ) : (
                <Button type="submit" variant="primary" size="lg" busy={setup.isPending} data-testid="wizard-submit">
                  {setup.isPending ? t("wizard.submitting") : t("wizard.submit")}
                </Button>
              )}
            </div>
          </form>
        )}
      </Card>
    </div>
  );
}
