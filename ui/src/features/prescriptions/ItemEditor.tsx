// One item of a draft prescription: dose, route, frequency, duration (days, 0 = ongoing), quantity
// (empty: Rust works it out from dose, frequency and duration when the catalog can count it),
// refills and instructions. A new item starts from the catalog's defaults; an edit sends only what
// changed (Rust keeps the rest, and works the quantity out again when the dosing changed and no
// quantity is given). Rust's field errors land next to their fields.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError } from "../../api/errors";
import type { Commands, Frequency, Medication, Prescription, PrescriptionItem, Route } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { SelectField, TextAreaField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { optionalText, requiredText } from "../../lib/validation";
import { useRxT } from "./i18n";
import { FREQUENCIES, ROUTES } from "./model";

/** What a prescriber sets on an item (Rust's ItemFields). */
export type ItemFields = Omit<Commands["add_prescription_item"]["input"], "prescription_id" | "medication_id">;

export interface ItemFormValues {
  dose: string;
  route: Route;
  frequency: Frequency;
  duration_days: string;
  quantity: string;
  refills: string;
  instructions: string;
}

const FIELDS = ["dose", "route", "frequency", "duration_days", "quantity", "refills", "instructions"] as const;

/** A new item: the catalog's defaults (the quantity only where it cannot be worked out). */
export function valuesFromMedication(m: Medication): ItemFormValues {
  return {
    dose: m.default_dose,
    route: m.route,
    frequency: m.default_frequency,
    duration_days: String(m.default_duration_days ?? 0),
    quantity: m.units_per_dose === null && m.default_quantity !== null ? String(m.default_quantity) : "",
    refills: "0",
    instructions: m.default_instructions,
  };
}

export function valuesFromItem(item: PrescriptionItem): ItemFormValues {
  return {
    dose: item.dose,
    route: item.route,
    frequency: item.frequency,
    duration_days: String(item.duration_days ?? 0),
    quantity: String(item.quantity),
    refills: String(item.refills),
    instructions: item.instructions,
  };
}

export function ItemEditor({
  mode,
  title,
  unit,
  initial,
  submit,
  onDone,
  onCancel,
  testId = "rx-editor",
}: {
  mode: "add" | "edit";
  /** The medication, as named on the prescription. */
  title: string;
  /** The dispense unit ("capsule", "bottle (100 ml)"). */
  unit: string;
  initial: ItemFormValues;
  submit: (fields: ItemFields) => Promise<Prescription>;
  onDone: (prescription: Prescription) => void;
  onCancel: () => void;
  testId?: string;
}) {
  const rx = useRxT();
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => {
    const whole = (min: number, max: number, message: string) =>
      z
        .string()
        .trim()
        .refine((v) => /^\d+$/.test(v), { error: rx("prescriptions.editor.integer") })
        .refine((v) => !/^\d+$/.test(v) || (Number(v) >= min && Number(v) <= max), { error: message });
    return z.object({
      dose: requiredText(t, 80),
      route: z.enum(ROUTES as [Route, ...Route[]]),
      frequency: z.enum(FREQUENCIES as [Frequency, ...Frequency[]]),
      duration_days: whole(0, 365, rx("prescriptions.editor.durationRange")),
      quantity: z
        .string()
        .trim()
        .refine((v) => v === "" || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000), { error: rx("prescriptions.editor.quantityRange") }),
      refills: whole(0, 12, rx("prescriptions.editor.refillsRange")),
      instructions: optionalText(t, 500),
    });
  }, [t, rx]);
  const form = useForm<ItemFormValues>({ resolver: zodResolver(schema), defaultValues: initial });
  const errors = form.formState.errors;
  const { setFocus } = form;
  useEffect(() => {
    // The editor opens where the prescriber continues: the dose.
    setFocus("dose");
  }, [setFocus]);
  const save = useMutation({
    mutationFn: (v: ItemFormValues) => {
      // An edit sends what differs from the item as it was (Rust keeps the rest).
      const send = (field: keyof ItemFormValues) => mode === "add" || v[field].trim() !== initial[field].trim();
      const fields: ItemFields = {};
      if (send("dose")) fields.dose = v.dose.trim();
      if (send("route")) fields.route = v.route;
      if (send("frequency")) fields.frequency = v.frequency;
      if (send("duration_days")) fields.duration_days = Number(v.duration_days);
      // Empty: Rust works it out (or, on an edit without a change of dosing, keeps it).
      if (send("quantity") && v.quantity.trim() !== "") fields.quantity = Number(v.quantity);
      if (send("refills")) fields.refills = Number(v.refills);
      if (send("instructions")) fields.instructions = v.instructions.trim();
      return submit(fields);
    },
    onSuccess: onDone,
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FIELDS));
    },
  });
  return (
    <Form
      className="flex flex-col gap-3"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        save.mutate(v);
      })}
    >
      <div data-testid={testId} className="flex flex-col gap-3">
        <p className="font-semibold text-ink-900">{title}</p>
        {formError ? (
          <Banner tone="error" testId="form-error">
            {formError}
          </Banner>
        ) : null}
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField label={rx("prescriptions.editor.dose")} hint={rx("prescriptions.editor.doseHint")} autoComplete="off" testId="rx-dose" error={errors.dose?.message} {...form.register("dose")} />
          <SelectField label={rx("prescriptions.editor.route")} testId="rx-route" error={errors.route?.message} {...form.register("route")}>
            {ROUTES.map((r) => (
              <option key={r} value={r}>
                {rx(`prescriptions.routes.${r}`)}
              </option>
            ))}
          </SelectField>
          <SelectField label={rx("prescriptions.editor.frequency")} testId="rx-frequency" error={errors.frequency?.message} {...form.register("frequency")}>
            {FREQUENCIES.map((f) => (
              <option key={f} value={f}>
                {rx(`prescriptions.frequencies.${f}`)}
              </option>
            ))}
          </SelectField>
          <TextField label={rx("prescriptions.editor.duration")} hint={rx("prescriptions.editor.durationHint")} inputMode="numeric" autoComplete="off" testId="rx-duration" error={errors.duration_days?.message} {...form.register("duration_days")} />
          <TextField
            label={rx("prescriptions.editor.quantity", { unit })}
            optional
            hint={rx("prescriptions.editor.quantityHint")}
            inputMode="numeric"
            autoComplete="off"
            testId="rx-quantity"
            error={errors.quantity?.message}
            {...form.register("quantity")}
          />
          <TextField label={rx("prescriptions.editor.refills")} hint={rx("prescriptions.editor.refillsHint")} inputMode="numeric" autoComplete="off" testId="rx-refills" error={errors.refills?.message} {...form.register("refills")} />
        </div>
        <TextAreaField label={rx("prescriptions.editor.instructions")} optional rows={2} testId="rx-instructions" error={errors.instructions?.message} {...form.register("instructions")} />
        <div className="flex justify-end gap-2">
          <Button onClick={onCancel} data-testid={`${testId}-cancel`}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending} data-testid={`${testId}-submit`}>
            {mode === "add" ? rx("prescriptions.editor.add") : rx("prescriptions.editor.save")}
          </Button>
        </div>
      </div>
    </Form>
  );
}
