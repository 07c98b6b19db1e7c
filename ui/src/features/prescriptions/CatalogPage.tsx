// The medication catalog (admin, settings.manage): what prescribers choose from, searched by
// generic or brand name or ATC code, retired entries on request; adding and editing an entry
// (`save_medication`) with Rust's checks by field (the ATC code's shape, ranges, a quantity that
// can be given or worked out, no second entry of the same medication); retiring and reinstating
// (an entry is never deleted: prescriptions name it).
import { zodResolver } from "@hookform/resolvers/zod";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Search } from "lucide-react";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { applyCommandError, errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Frequency, Medication, MedicationInput, Route } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField, SelectField, TextAreaField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { PageHeader } from "../../components/PageHeader";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { optionalText, requiredText } from "../../lib/validation";
import { useCan } from "../auth/session";
import { useRxT } from "./i18n";
import { FREQUENCIES, ROUTES, RX_TABLES } from "./model";
import { useDebounced } from "./SearchCombobox";

export function CatalogPage() {
  const rx = useRxT();
  const queryClient = useQueryClient();
  const canManage = useCan("settings.manage");
  const [text, setText] = useState("");
  const [includeRetired, setIncludeRetired] = useState(false);
  const query = useDebounced(text.trim(), 150);
  const list = useQuery({
    queryKey: ["list_medications", { query, include_inactive: includeRetired }],
    queryFn: () => call("list_medications", { query, include_inactive: includeRetired }),
    placeholderData: keepPreviousData,
  });
  const [editing, setEditing] = useState<Medication | "new" | null>(null);
  const [retiring, setRetiring] = useState<Medication | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const saved = async (message: string) => {
    setNotice(message);
    await queryClient.invalidateQueries({ queryKey: ["list_medications"] });
    void refreshAfterWrite(queryClient, RX_TABLES.catalog);
  };
  const setActive = useMutation({
    mutationFn: ({ m, active }: { m: Medication; active: boolean }) => call("save_medication", { id: m.id, medication: { ...inputOf(m), active } }),
    onMutate: () => {
      setNotice(null);
      setFailure(null);
    },
    onSuccess: async (m) => {
      setRetiring(null);
      await saved(m.active ? rx("medications.reinstated", { name: m.display_name }) : rx("medications.retiredNotice", { name: m.display_name }));
    },
    onError: (error) => {
      setRetiring(null);
      setFailure(errorMessage(error));
    },
  });

  return (
    <>
      <PageHeader
        title={rx("medications.title")}
        lead={rx("medications.lead")}
        testId="catalog-title"
        actions={
          canManage ? (
            <Button
              variant="primary"
              icon={<Plus aria-hidden="true" className="size-4" />}
              data-testid="catalog-add"
              onClick={() => {
                setNotice(null);
                setEditing("new");
              }}
            >
              {rx("medications.add")}
            </Button>
          ) : null
        }
      />
      {notice ? (
        <Banner tone="success" testId="catalog-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      {failure ? (
        <Banner tone="error" testId="form-error" className="mb-4">
          {failure}
        </Banner>
      ) : null}
      <Card>
        <div className="flex flex-wrap items-end gap-4 border-b border-ink-100 px-4 py-3">
          <div className="flex min-w-72 flex-1 flex-col gap-1.5">
            <label htmlFor="catalog-search" className="text-sm font-medium text-ink-800">
              {rx("medications.search")}
            </label>
            <div className="relative">
              <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4.5 -translate-y-1/2 text-ink-500" />
              <input
                id="catalog-search"
                type="search"
                className="input pl-9"
                autoComplete="off"
                spellCheck={false}
                placeholder={rx("medications.searchPlaceholder")}
                value={text}
                data-testid="catalog-search"
                onChange={(e) => {
                  setText(e.target.value);
                }}
              />
            </div>
          </div>
          <CheckboxField
            label={rx("medications.includeRetired")}
            name="include_inactive"
            className="pb-2"
            testId="catalog-include-retired"
            checked={includeRetired}
            onChange={(e) => {
              setIncludeRetired(e.target.checked);
            }}
          />
          {list.data ? (
            <p className="pb-2 text-sm text-ink-600 tabular-nums" role="status" data-testid="catalog-count">
              {rx("medications.count", { count: list.data.length })}
            </p>
          ) : null}
        </div>
        <QueryList query={list} loadingLabel={rx("medications.loading")} isEmpty={(l) => l.length === 0} empty={<EmptyState title={rx("medications.none")} />}>
          {(meds) => (
            <div className="max-h-[calc(100vh-20rem)] overflow-auto">
              <table className="data-table" data-testid="catalog-table" data-query={query} data-include-retired={includeRetired} data-current={!list.isPlaceholderData && query === text.trim()}>
                <caption className="sr-only">{rx("medications.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{rx("medications.colMedication")}</th>
                    <th scope="col">{rx("medications.colAtc")}</th>
                    <th scope="col">{rx("medications.colRoute")}</th>
                    <th scope="col">{rx("medications.colDosing")}</th>
                    <th scope="col">{rx("medications.colUnit")}</th>
                    <th scope="col">{rx("medications.colStatus")}</th>
                    {canManage ? (
                      <th scope="col" className="text-right">
                        <span className="sr-only">{rx("medications.colActions")}</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {meds.map((m) => (
                    <tr key={m.id} data-testid={`catalog-row-${m.id}`} data-active={m.active} className={m.active ? undefined : "text-ink-600"}>
                      <td className="max-w-[22rem] whitespace-normal">
                        <span className="font-semibold text-ink-900">{m.display_name}</span>
                        {m.brand_names.length > 0 ? <span className="block text-ink-600">{m.brand_names.join(", ")}</span> : null}
                      </td>
                      <td className="font-mono">{m.atc_code}</td>
                      <td>{rx(`prescriptions.routes.${m.route}`)}</td>
                      <td className="whitespace-normal">
                        {rx("medications.dosing", { dose: m.default_dose, frequency: rx(`prescriptions.frequencies.${m.default_frequency}`).toLowerCase() })}{" "}
                        {m.default_duration_days === null ? rx("medications.ongoing") : rx("medications.forDays", { count: m.default_duration_days })}
                      </td>
                      <td>{m.dispense_unit}</td>
                      <td>{m.active ? <Badge tone="ok">{rx("medications.active")}</Badge> : <Badge tone="neutral">{rx("medications.retired")}</Badge>}</td>
                      {canManage ? (
                        <td className="text-right">
                          <div className="flex justify-end gap-1">
                            <Button
                              size="xs"
                              variant="ghost"
                              icon={<Pencil aria-hidden="true" className="size-3.5" />}
                              aria-label={rx("medications.editFor", { name: m.display_name })}
                              data-testid={`catalog-edit-${m.id}`}
                              onClick={() => {
                                setNotice(null);
                                setEditing(m);
                              }}
                            >
                              {rx("medications.edit")}
                            </Button>
                            {m.active ? (
                              <Button
                                size="xs"
                                variant="ghost"
                                className="text-danger-700! hover:bg-danger-50"
                                aria-label={rx("medications.retireFor", { name: m.display_name })}
                                data-testid={`catalog-retire-${m.id}`}
                                onClick={() => {
                                  setRetiring(m);
                                }}
                              >
                                {rx("medications.retire")}
                              </Button>
                            ) : (
                              <Button
                                size="xs"
                                variant="ghost"
                                aria-label={rx("medications.reinstateFor", { name: m.display_name })}
                                busy={setActive.isPending}
                                data-testid={`catalog-reinstate-${m.id}`}
                                onClick={() => {
                                  setActive.mutate({ m, active: true });
                                }}
                              >
                                {rx("medications.reinstate")}
                              </Button>
                            )}
                          </div>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryList>
      </Card>
      <MedicationDialog
        medication={editing}
        onClose={() => {
          setEditing(null);
        }}
        onSaved={(m, added) => {
          setEditing(null);
          void saved(added ? rx("medications.addedNotice", { name: m.display_name }) : rx("medications.saved", { name: m.display_name }));
        }}
      />
      <ConfirmDialog
        open={retiring !== null}
        title={rx("medications.retireTitle", { name: retiring?.display_name ?? "" })}
        body={rx("medications.retireBody")}
        confirmLabel={rx("medications.retireConfirm")}
        tone="danger"
        busy={setActive.isPending}
        onConfirm={() => {
          if (retiring) setActive.mutate({ m: retiring, active: false });
        }}
        onClose={() => {
          setRetiring(null);
        }}
      />
    </>
  );
}

/** A catalog entry as `save_medication` takes it back. */
function inputOf(m: Medication): MedicationInput {
  return {
    generic_name: m.generic_name,
    brand_names: m.brand_names,
    form: m.form,
    strength: m.strength,
    route: m.route,
    atc_code: m.atc_code,
    allergy_classes: m.allergy_classes,
    dispense_unit: m.dispense_unit,
    default_dose: m.default_dose,
    units_per_dose: m.units_per_dose,
    default_frequency: m.default_frequency,
    default_duration_days: m.default_duration_days,
    default_quantity: m.default_quantity,
    default_instructions: m.default_instructions,
    active: m.active,
  };
}

interface FormValues {
  generic_name: string;
  brand_names: string;
  form: string;
  strength: string;
  route: Route;
  atc_code: string;
  allergy_classes: string;
  dispense_unit: string;
  default_dose: string;
  units_per_dose: string;
  default_frequency: Frequency;
  default_duration_days: string;
  default_quantity: string;
  default_instructions: string;
  active: boolean;
}

const FORM_FIELDS = [
  "generic_name",
  "brand_names",
  "form",
  "strength",
  "route",
  "atc_code",
  "allergy_classes",
  "dispense_unit",
  "default_dose",
  "units_per_dose",
  "default_frequency",
  "default_duration_days",
  "default_quantity",
  "default_instructions",
  "active",
] as const;

const EMPTY: FormValues = {
  generic_name: "",
  brand_names: "",
  form: "",
  strength: "",
  route: "oral",
  atc_code: "",
  allergy_classes: "",
  dispense_unit: "",
  default_dose: "",
  units_per_dose: "",
  default_frequency: "once_daily",
  default_duration_days: "",
  default_quantity: "",
  default_instructions: "",
  active: true,
};

const valuesOf = (m: Medication): FormValues => ({
  generic_name: m.generic_name,
  brand_names: m.brand_names.join(", "),
  form: m.form,
  strength: m.strength,
  route: m.route,
  atc_code: m.atc_code,
  allergy_classes: m.allergy_classes.join(", "),
  dispense_unit: m.dispense_unit,
  default_dose: m.default_dose,
  units_per_dose: m.units_per_dose === null ? "" : String(m.units_per_dose),
  default_frequency: m.default_frequency,
  default_duration_days: m.default_duration_days === null ? "" : String(m.default_duration_days),
  default_quantity: m.default_quantity === null ? "" : String(m.default_quantity),
  default_instructions: m.default_instructions,
  active: m.active,
});

const listOf = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const numberOrNull = (text: string) => (text.trim() === "" ? null : Number(text.trim()));

function MedicationDialog({ medication, onClose, onSaved }: { medication: Medication | "new" | null; onClose: () => void; onSaved: (m: Medication, added: boolean) => void }) {
  const rx = useRxT();
  const title = medication === null ? "" : medication === "new" ? rx("medications.form.addTitle") : rx("medications.form.editTitle", { name: medication.display_name });
  return (
    <Dialog open={medication !== null} onClose={onClose} title={title} size="lg" testId="medication-dialog">
      {medication !== null ? <MedicationForm key={medication === "new" ? "new" : medication.id} medication={medication === "new" ? null : medication} onClose={onClose} onSaved={onSaved} /> : null}
    </Dialog>
  );
}

function MedicationForm({ medication, onClose, onSaved }: { medication: Medication | null; onClose: () => void; onSaved: (m: Medication, added: boolean) => void }) {
  const rx = useRxT();
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => {
    // Whole numbers or empty; Rust checks the ranges (and names the field).
    const whole = z
      .string()
      .trim()
      .refine((v) => v === "" || /^\d+$/.test(v), { error: rx("medications.form.whole") });
    return z.object({
      generic_name: requiredText(t, 120),
      brand_names: optionalText(t, 1_000),
      form: requiredText(t, 60),
      strength: requiredText(t, 60),
      route: z.enum(ROUTES as [Route, ...Route[]]),
      atc_code: optionalText(t, 40),
      allergy_classes: optionalText(t, 1_000),
      dispense_unit: requiredText(t, 40),
      default_dose: optionalText(t, 80),
      units_per_dose: whole,
      default_frequency: z.enum(FREQUENCIES as [Frequency, ...Frequency[]]),
      default_duration_days: whole,
      default_quantity: whole,
      default_instructions: optionalText(t, 500),
      active: z.boolean(),
    });
  }, [t, rx]);
  const form = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: medication ? valuesOf(medication) : EMPTY });
  const errors = form.formState.errors;
  const save = useMutation({
    mutationFn: (v: FormValues) =>
      call("save_medication", {
        id: medication?.id ?? null,
        medication: {
          generic_name: v.generic_name,
          brand_names: listOf(v.brand_names),
          form: v.form,
          strength: v.strength,
          route: v.route,
          atc_code: v.atc_code,
          allergy_classes: listOf(v.allergy_classes),
          dispense_unit: v.dispense_unit,
          default_dose: v.default_dose,
          units_per_dose: numberOrNull(v.units_per_dose),
          default_frequency: v.default_frequency,
          default_duration_days: numberOrNull(v.default_duration_days),
          default_quantity: numberOrNull(v.default_quantity),
          default_instructions: v.default_instructions,
          active: v.active,
        },
      }),
    onSuccess: (m) => {
      onSaved(m, medication === null);
    },
    onError: (error) => {
      setFormError(applyCommandError(error, form.setError, FORM_FIELDS, ["medication."]));
    },
  });
  const f = (name: keyof FormValues) => `medication-${name.replaceAll("_", "-")}`;
  return (
    <Form
      className="flex flex-col gap-4"
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit((v) => {
        save.mutate(v);
      })}
    >
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <fieldset className="grid gap-3 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-ink-800">{rx("medications.form.identity")}</legend>
        <TextField label={rx("medications.form.generic_name")} autoComplete="off" testId={f("generic_name")} error={errors.generic_name?.message} {...form.register("generic_name")} />
        <TextField label={rx("medications.form.brand_names")} optional hint={rx("medications.form.brandHint")} autoComplete="off" testId={f("brand_names")} error={errors.brand_names?.message} {...form.register("brand_names")} />
        <TextField label={rx("medications.form.strength")} hint={rx("medications.form.strengthHint")} autoComplete="off" testId={f("strength")} error={errors.strength?.message} {...form.register("strength")} />
        <TextField label={rx("medications.form.form")} hint={rx("medications.form.formHint")} autoComplete="off" testId={f("form")} error={errors.form?.message} {...form.register("form")} />
        <SelectField label={rx("medications.form.route")} testId={f("route")} error={errors.route?.message} {...form.register("route")}>
          {ROUTES.map((r) => (
            <option key={r} value={r}>
              {rx(`prescriptions.routes.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField label={rx("medications.form.atc_code")} optional hint={rx("medications.form.atcHint")} autoComplete="off" spellCheck={false} testId={f("atc_code")} error={errors.atc_code?.message} {...form.register("atc_code")} />
        <TextField label={rx("medications.form.allergy_classes")} optional hint={rx("medications.form.classesHint")} autoComplete="off" testId={f("allergy_classes")} error={errors.allergy_classes?.message} {...form.register("allergy_classes")} />
        <TextField label={rx("medications.form.dispense_unit")} hint={rx("medications.form.unitHint")} autoComplete="off" testId={f("dispense_unit")} error={errors.dispense_unit?.message} {...form.register("dispense_unit")} />
      </fieldset>
      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold text-ink-800">{rx("medications.form.dosing")}</legend>
        <TextField label={rx("medications.form.default_dose")} optional hint={rx("medications.form.doseHint")} autoComplete="off" testId={f("default_dose")} error={errors.default_dose?.message} {...form.register("default_dose")} />
        <SelectField label={rx("medications.form.default_frequency")} testId={f("default_frequency")} error={errors.default_frequency?.message} {...form.register("default_frequency")}>
          {FREQUENCIES.map((fq) => (
            <option key={fq} value={fq}>
              {rx(`prescriptions.frequencies.${fq}`)}
            </option>
          ))}
        </SelectField>
        <TextField label={rx("medications.form.default_duration_days")} optional hint={rx("medications.form.durationHint")} inputMode="numeric" autoComplete="off" testId={f("default_duration_days")} error={errors.default_duration_days?.message} {...form.register("default_duration_days")} />
        <TextField label={rx("medications.form.units_per_dose")} optional hint={rx("medications.form.unitsHint")} inputMode="numeric" autoComplete="off" testId={f("units_per_dose")} error={errors.units_per_dose?.message} {...form.register("units_per_dose")} />
        <TextField label={rx("medications.form.default_quantity")} optional hint={rx("medications.form.quantityHint")} inputMode="numeric" autoComplete="off" testId={f("default_quantity")} error={errors.default_quantity?.message} {...form.register("default_quantity")} />
      </fieldset>
      <TextAreaField label={rx("medications.form.default_instructions")} optional rows={2} testId={f("default_instructions")} error={errors.default_instructions?.message} {...form.register("default_instructions")} />
      {medication ? <CheckboxField label={rx("medications.form.active")} testId={f("active")} error={errors.active?.message} {...form.register("active")} /> : null}
      <DialogActions>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={save.isPending} data-testid="medication-submit">
          {medication ? rx("medications.form.submitEdit") : rx("medications.form.submitAdd")}
        </Button>
      </DialogActions>
    </Form>
  );
}
