// Vitals of the consultation (`record_vitals`): the form with units, and what was recorded, newest
// first, with Rust's abnormal flags. Rust judges plausibility (a typo such as 73 °C is refused by
// field, with the plausible range) and flags values outside the normal adult range; the form
// only checks that numbers are numbers. Recorded values never change: a mistake is marked
// entered in error with a reason. Doctors and nurses record (vitals.write); a nurse's triage
// note travels with the vitals (nurses do not write the encounter's note).
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Activity, Plus, TriangleAlert } from "lucide-react";
import { useId, useMemo, useState, type InputHTMLAttributes, type Ref } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Encounter, Vitals } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { cn } from "../../components/cn";
import { FieldError, TextAreaField } from "../../components/Field";
import { Form } from "../../components/Form";
import { useFormat } from "../../lib/format";
import { optionalText } from "../../lib/validation";
import { useCan } from "../auth/session";
import { READINGS, readingAbnormal, readingValue, RECORDS_TABLES, VITALS_DECIMALS, VITALS_FIELDS, VITALS_INTEGERS, type Reading, type VitalsField } from "./model";
import { ReasonDialog, type ReasonRequest } from "./ReasonDialog";

type FormValues = Record<VitalsField | "note", string>;
const EMPTY: FormValues = { temperature_c: "", pulse_bpm: "", systolic_mmhg: "", diastolic_mmhg: "", respiratory_rate: "", spo2_percent: "", weight_kg: "", height_cm: "", note: "" };
const FORM_FIELDS = [...VITALS_FIELDS, "note"] as const;

export function VitalsPanel({ encounter }: { encounter: Encounter }) {
  const { t } = useTranslation();
  const canRecord = useCan("vitals.write");
  const [marking, setMarking] = useState<ReasonRequest | null>(null);
  const [notice, setNotice] = useState<{ abnormal: string[] } | null>(null);
  const queryClient = useQueryClient();
  const { summary } = encounter;
  const recorded = [...encounter.vitals].reverse();
  const mayRecord = canRecord && summary.status === "open";
  // The form is open until something is recorded; afterwards the readings come first.
  const [formOpen, setFormOpen] = useState(encounter.vitals.length === 0);

  return (
    <Card className="overflow-hidden">
      <section aria-labelledby="vitals-title" data-testid="vitals-panel">
        <header className="flex items-center gap-2 border-b border-ink-100 px-4 py-3">
          <Activity aria-hidden="true" className="size-4.5 text-accent-700" />
          <h2 id="vitals-title" className="flex-1 text-base font-semibold text-ink-900">
            {t("records.vitals.title")}
          </h2>
          {mayRecord && !formOpen ? (
            <Button
              size="sm"
              icon={<Plus aria-hidden="true" className="size-4" />}
              data-testid="vitals-record"
              onClick={() => {
                setNotice(null);
                setFormOpen(true);
              }}
            >
              {t("records.vitals.recordMore")}
            </Button>
          ) : null}
        </header>
        {mayRecord && formOpen ? (
          <VitalsForm
            encounter={encounter}
            onCancel={
              recorded.length > 0
                ? () => {
                    setFormOpen(false);
                  }
                : null
            }
            onRecorded={(v) => {
              setNotice({ abnormal: v.abnormal });
              setFormOpen(false);
            }}
          />
        ) : null}
        <div className={cn("px-4 py-3", mayRecord && formOpen && "border-t border-ink-100")}>
          {notice ? <RecordedNotice abnormal={notice.abnormal} /> : null}
          {recorded.length === 0 ? (
            <p className="text-sm text-ink-600" data-testid="vitals-none">
              {t("records.vitals.none")}
            </p>
          ) : (
            <ol className={cn("flex flex-col gap-2.5", notice && "mt-3")} data-testid="vitals-history" aria-label={t("records.vitals.recorded")}>
              {recorded.map((v) => (
                <VitalsEntry
                  key={v.id}
                  vitals={v}
                  canMark={canRecord}
                  onMark={() => {
                    setNotice(null);
                    setMarking({
                      title: t("records.vitals.errorTitle"),
                      lead: t("records.vitals.errorLead"),
                      confirmLabel: t("records.markError"),
                      tone: "danger",
                      required: true,
                      submit: async (reason) => {
                        await call("mark_vitals_entered_in_error", { vitals_id: v.id, reason });
                        await refreshAfterWrite(queryClient, RECORDS_TABLES.vitals);
                      },
                      done: () => {
                        setMarking(null);
                      },
                    });
                  }}
                />
              ))}
            </ol>
          )}
        </div>
      </section>
      <ReasonDialog
        request={marking}
        testId="vitals-error-dialog"
        onClose={() => {
          setMarking(null);
        }}
      />
    </Card>
  );
}

const UNITS: Record<VitalsField, string> = {
  temperature_c: "°C",
  pulse_bpm: "/min",
  systolic_mmhg: "mmHg",
  diastolic_mmhg: "mmHg",
  respiratory_rate: "/min",
  spo2_percent: "%",
  weight_kg: "kg",
  height_cm: "cm",
};

function VitalsForm({ encounter, onCancel, onRecorded }: { encounter: Encounter; onCancel: (() => void) | null; onRecorded: (v: Vitals) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => {
    // Rust reads decimals with a dot or a comma, at most one decimal place.
    const decimal = z
      .string()
      .trim()
      .refine((v) => v === "" || /^\d*[.,]?\d*$/.test(v) && /\d/.test(v), { error: t("records.vitals.number") })
      .refine((v) => !/[.,]\d{2,}$/.test(v), { error: t("records.vitals.oneDecimal") });
    const whole = z
      .string()
      .trim()
      .refine((v) => v === "" || /^\d+$/.test(v), { error: t("records.vitals.whole") });
    return z
      .object({
        temperature_c: decimal,
        pulse_bpm: whole,
        systolic_mmhg: whole,
        diastolic_mmhg: whole,
        respiratory_rate: whole,
        spo2_percent: whole,
        weight_kg: decimal,
        height_cm: decimal,
        note: optionalText(t, 1000),
      })
      .superRefine((v, ctx) => {
        // The same rules as Rust, on the same fields.
        if (VITALS_FIELDS.every((f) => v[f] === "")) ctx.addIssue({ code: "custom", path: ["temperature_c"], message: t("records.vitals.atLeastOne") });
        if ((v.systolic_mmhg === "") !== (v.diastolic_mmhg === "")) {
          ctx.addIssue({ code: "custom", path: [v.systolic_mmhg === "" ? "systolic_mmhg" : "diastolic_mmhg"], message: t("records.vitals.bothPressures") });
        } else if (v.systolic_mmhg !== "" && /^\d+$/.test(v.systolic_mmhg) && /^\d+$/.test(v.diastolic_mmhg) && Number(v.diastolic_mmhg) >= Number(v.systolic_mmhg)) {
          ctx.addIssue({ code: "custom", path: ["diastolic_mmhg"], message: t("records.vitals.diastolicLower") });
        }
      });
  }, [t]);
  const form = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: EMPTY });
  const { errors } = form.formState;

  const record = useMutation({
    mutationFn: (v: FormValues) => {
      const text = (f: (typeof VITALS_DECIMALS)[number]) => (v[f] === "" ? null : v[f]);
      const whole = (f: (typeof VITALS_INTEGERS)[number]) => (v[f] === "" ? null : Number(v[f]));
      return call("record_vitals", {
        patient_id: encounter.summary.patient_id,
        encounter_id: encounter.summary.id,
        temperature_c: text("temperature_c"),
        pulse_bpm: whole("pulse_bpm"),
        systolic_mmhg: whole("systolic_mmhg"),
        diastolic_mmhg: whole("diastolic_mmhg"),
        respiratory_rate: whole("respiratory_rate"),
        spo2_percent: whole("spo2_percent"),
        weight_kg: text("weight_kg"),
        height_cm: text("height_cm"),
        note: v.note,
      });
    },
    onSuccess: async (vitals) => {
      await refreshAfterWrite(queryClient, RECORDS_TABLES.vitals);
      onRecorded(vitals);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FORM_FIELDS));
    },
  });

  const measure = (field: VitalsField, label: string) => ({ field, label, unit: UNITS[field], error: errors[field]?.message, ...form.register(field) });

  return (
    <Form
      className="flex flex-col gap-3 px-4 py-3"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        record.mutate(v);
      })}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <div className="grid grid-cols-2 gap-x-3 gap-y-3">
        <MeasureField {...measure("temperature_c", t("records.vitals.fields.temperature_c"))} inputMode="decimal" />
        <MeasureField {...measure("pulse_bpm", t("records.vitals.fields.pulse_bpm"))} inputMode="numeric" />
        <fieldset className="col-span-2 flex flex-col gap-1.5">
          <legend className="mb-1.5 text-sm font-medium text-ink-800">{t("records.vitals.fields.blood_pressure")}</legend>
          <div className="grid grid-cols-[minmax(0,1fr)_auto_minmax(0,1fr)] items-start gap-x-2">
            <MeasureField {...measure("systolic_mmhg", t("records.vitals.fields.systolic_mmhg"))} inputMode="numeric" labelClassName="sr-only" />
            <span aria-hidden="true" className="pt-2 text-lg text-ink-500">
              /
            </span>
            <MeasureField {...measure("diastolic_mmhg", t("records.vitals.fields.diastolic_mmhg"))} inputMode="numeric" labelClassName="sr-only" />
          </div>
        </fieldset>
        <MeasureField {...measure("respiratory_rate", t("records.vitals.fields.respiratory_rate"))} inputMode="numeric" />
        <MeasureField {...measure("spo2_percent", t("records.vitals.fields.spo2_percent"))} inputMode="numeric" />
        <MeasureField {...measure("weight_kg", t("records.vitals.fields.weight_kg"))} inputMode="decimal" />
        <MeasureField {...measure("height_cm", t("records.vitals.fields.height_cm"))} inputMode="decimal" />
      </div>
      <TextAreaField label={t("records.vitals.note")} optional hint={t("records.vitals.noteHint")} rows={2} testId="vitals-note" error={errors.note?.message} {...form.register("note")} />
      <div className="flex items-center justify-between gap-3">
        <p className="text-[0.8125rem] text-ink-600">{t("records.vitals.bmiHint")}</p>
        <div className="flex shrink-0 gap-2">
          {onCancel ? (
            <Button variant="ghost" data-testid="vitals-cancel" onClick={onCancel}>
              {t("common.cancel")}
            </Button>
          ) : null}
          <Button type="submit" variant="primary" busy={record.isPending} data-testid="vitals-submit">
            {t("records.vitals.submit")}
          </Button>
        </div>
      </div>
    </Form>
  );
}

function RecordedNotice({ abnormal }: { abnormal: string[] }) {
  const { t } = useTranslation();
  if (abnormal.length === 0) {
    return (
      <Banner tone="success" testId="vitals-notice">
        {t("records.vitals.recordedOk")}
      </Banner>
    );
  }
  // Blood pressure is one reading of two values.
  const readings = [...new Set(abnormal.map((f) => (f === "systolic_mmhg" || f === "diastolic_mmhg" ? "blood_pressure" : f)))];
  const names = readings.map((f) => (isReading(f) ? t(`records.vitals.short.${f}`) : f));
  return (
    <Banner tone="warning" testId="vitals-notice">
      <span data-abnormal={abnormal.join(",")}>{t("records.vitals.recordedAbnormal", { names: names.join(", ") })}</span>
    </Banner>
  );
}

const isReading = (f: string): f is Reading => (READINGS as readonly string[]).includes(f);

type MeasureProps = Omit<InputHTMLAttributes<HTMLInputElement>, "name"> & {
  field: VitalsField;
  name: string;
  label: string;
  unit: string;
  error: string | undefined;
  labelClassName?: string;
  ref?: Ref<HTMLInputElement>;
};

/** A labelled number with its unit inside the box; the error is Rust's, by field (`error-<field>`). */
function MeasureField({ field, label, unit, error, labelClassName, ...input }: MeasureProps) {
  const id = useId();
  return (
    <div className="flex min-w-0 flex-col gap-1.5">
      <label htmlFor={id} className={cn("text-sm font-medium text-ink-800", labelClassName)}>
        {label}
      </label>
      <div className="relative">
        <input
          id={id}
          type="text"
          autoComplete="off"
          data-testid={`vitals-${field}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-unit${error ? ` ${id}-error` : ""}`}
          className="input pr-14 tabular-nums"
          {...input}
        />
        <span id={`${id}-unit`} className="pointer-events-none absolute inset-y-0 right-3 flex items-center text-[0.8125rem] text-ink-600">
          {unit}
        </span>
      </div>
      {error ? <FieldError id={`${id}-error`} name={field} message={error} /> : null}
    </div>
  );
}

function VitalsEntry({ vitals: v, canMark, onMark }: { vitals: Vitals; canMark: boolean; onMark: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const readings = READINGS.map((r) => ({ reading: r, value: readingValue(format.locale, v, r), abnormal: readingAbnormal(v, r) })).filter((r) => r.value !== null);
  return (
    <li className={cn("rounded-md border px-3 py-2", v.entered_in_error ? "border-ink-200 bg-ink-50" : "border-ink-200 bg-white")} data-testid={`vitals-entry-${v.id}`} data-abnormal={v.abnormal.join(",")} data-error={v.entered_in_error || undefined}>
      <div className="flex items-center justify-between gap-2">
        <p className="min-w-0 truncate text-[0.8125rem] text-ink-600">
          <time dateTime={v.recorded_at} title={format.dateTime(v.recorded_at)} className="font-semibold text-ink-800 tabular-nums">
            {format.time(v.recorded_at)}
          </time>{" "}
          · {v.recorded_by_name}
        </p>
        {canMark && !v.entered_in_error ? (
          <Button size="xs" variant="ghost" className="-mr-1.5 text-ink-600! hover:bg-danger-50 hover:text-danger-700!" data-testid={`vitals-mark-error-${v.id}`} onClick={onMark}>
            {t("records.markError")}
          </Button>
        ) : null}
      </div>
      <dl className={cn("mt-1.5 grid grid-cols-2 gap-x-3 gap-y-1 text-[0.875rem]", v.entered_in_error && "text-ink-500 line-through")}>
        {readings.map((r) => (
          <div key={r.reading} className="flex items-baseline justify-between gap-2" data-testid={`vitals-${v.id}-${r.reading}`} data-abnormal={r.abnormal || undefined}>
            <dt className="text-ink-600">{t(`records.vitals.short.${r.reading}`)}</dt>
            <dd className={cn("tabular-nums", r.abnormal && !v.entered_in_error ? "font-semibold text-danger-700" : "text-ink-900")}>
              {r.abnormal && !v.entered_in_error ? <TriangleAlert aria-hidden="true" className="mr-1 inline size-3.5 align-[-2px]" /> : null}
              {r.value} <span className="text-[0.75rem] font-normal text-ink-600">{t(`records.vitals.units.${r.reading}`)}</span>
              {r.abnormal ? <span className="sr-only"> {t("records.vitals.abnormal")}</span> : null}
            </dd>
          </div>
        ))}
      </dl>
      {v.note ? (
        <p className="mt-1.5 text-[0.875rem] whitespace-pre-wrap text-ink-800">
          <span className="font-semibold">{t("records.vitals.noteLabel")}</span> {v.note}
        </p>
      ) : null}
      {v.entered_in_error ? (
        <p className="mt-1.5 text-[0.8125rem] font-medium text-warn-700" data-testid={`vitals-error-reason-${v.id}`}>
          {t("records.enteredInErrorBecause", { reason: v.error_reason })}
        </p>
      ) : null}
    </li>
  );
}
