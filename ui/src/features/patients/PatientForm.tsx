// Registration (`register_patient`) and demographics edits (`update_patient`) share one form.
// On submit the possible duplicates are asked for first (`find_patient_duplicates`, which also
// validates every field on the Rust side); when there are any, the user opens one of them or
// registers anyway (`acknowledge_duplicates`).
import type { TFunction } from "i18next";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2, TriangleAlert } from "lucide-react";
import { useMemo, useState } from "react";
import { useFieldArray, useForm, useWatch, type Path } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useLocation, useParams } from "wouter";
import { z } from "zod";
import { errorMessage, formFieldOf, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { AllergyInput, AllergySeverity, DuplicateCandidate, Patient, PatientHit, PatientInput, Sex } from "../../api/generated";
import { clinicSettingsQuery, patientChartQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card, CardSection } from "../../components/Card";
import { SelectField, TextAreaField, TextField } from "../../components/Field";
import { Form } from "../../components/Form";
import { ImageField } from "../../components/ImageField";
import { PageHeader } from "../../components/PageHeader";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { ageOn, dateOfBirthProblem, emailSchema, nationalIdMatcher, optionalText, parseCalendarDate, phoneSchema, requiredText } from "../../lib/validation";
import { DuplicatePrompt } from "./DuplicatePrompt";
import { fullName, PATIENT_FIELDS, patientsChanged, setChartNotice, SEVERITIES, severityLabel, SEXES, sexLabel } from "./model";

export function NewPatientPage() {
  return <PatientFormScreen patient={null} />;
}

export function EditPatientPage() {
  const { t } = useTranslation();
  const { id } = useParams<{ id: string }>();
  const chart = useQuery(patientChartQuery(id));
  if (chart.isPending) return <LoadingState label={t("chart.loading")} />;
  if (chart.isError) {
    return (
      <Banner tone="error" testId="form-error">
        {errorMessage(chart.error)}
      </Banner>
    );
  }
  return <PatientFormScreen key={chart.data.patient.id} patient={chart.data.patient} />;
}

const EMPTY_ALLERGY = { substance: "", reaction: "", severity: "unknown" as AllergySeverity };

function makeSchema(t: TFunction, idPattern: string, idExample: string) {
  const matcher = nationalIdMatcher(idPattern);
  return z
    .object({
      given_name: requiredText(t, 100),
      family_name: requiredText(t, 100),
      other_names: optionalText(t, 100),
      sex: z.enum(SEXES as [Sex, ...Sex[]], { error: t("validation.sex") }),
      dob_mode: z.enum(["date", "estimate"]),
      date_of_birth: z.string(),
      estimated_age_years: z.string(),
      phone: phoneSchema(t),
      phone_alt: phoneSchema(t),
      email: emailSchema(t),
      address: optionalText(t, 500),
      national_id: optionalText(t, 40),
      emergency_contact_name: optionalText(t, 200),
      emergency_contact_relation: optionalText(t, 100),
      emergency_contact_phone: phoneSchema(t),
      insurance_payer: optionalText(t, 200),
      insurance_member_number: optionalText(t, 100),
      alerts: optionalText(t, 500),
      notes: optionalText(t, 4000),
      photo_data_url: z.string(),
      allergies: z.array(
        z.object({
          substance: requiredText(t, 200),
          reaction: optionalText(t, 500),
          severity: z.enum(SEVERITIES as [AllergySeverity, ...AllergySeverity[]]),
        }),
      ),
    })
    .superRefine(
      (v, ctx) => {
        const issue = (path: string, message: string) => {
          ctx.addIssue({ code: "custom", path: [path], message });
        };
        if (v.dob_mode === "date") {
          const ymd = parseCalendarDate(v.date_of_birth);
          if (v.date_of_birth.trim() === "") issue("date_of_birth", t("validation.dateOfBirthRequired"));
          else if (ymd === null) issue("date_of_birth", t("validation.dateOfBirth"));
          else {
            const problem = dateOfBirthProblem(ymd);
            if (problem) issue("date_of_birth", t(problem));
          }
        } else {
          const age = v.estimated_age_years.trim();
          if (!/^\d{1,3}$/.test(age) || Number(age) > 130) issue("estimated_age_years", t("validation.estimatedAge"));
        }
        if (matcher && v.national_id.trim() !== "" && !matcher(v.national_id)) {
          issue("national_id", idExample ? t("validation.nationalIdExample", { example: idExample }) : t("validation.nationalId"));
        }
        // Rust: a member number needs the insurer's name.
        if (v.insurance_member_number.trim() !== "" && v.insurance_payer.trim() === "") issue("insurance_payer", t("validation.insurancePayer"));
        // Rust: one active allergy per substance.
        const seen = new Set<string>();
        v.allergies.forEach((a, i) => {
          const key = a.substance.trim().toLowerCase();
          if (key !== "" && seen.has(key)) ctx.addIssue({ code: "custom", path: ["allergies", i, "substance"], message: t("validation.allergyTwice") });
          seen.add(key);
        });
      },
      // Also when other fields are wrong: every problem shows at once.
      { when: () => true },
    );
}

type Schema = ReturnType<typeof makeSchema>;
type Values = z.input<Schema>;

function defaults(patient: Patient | null): Values {
  const estimated = patient?.dob_estimated === true && patient.date_of_birth !== null;
  return {
    given_name: patient?.given_name ?? "",
    family_name: patient?.family_name ?? "",
    other_names: patient?.other_names ?? "",
    sex: patient?.sex ?? ("" as Sex),
    dob_mode: estimated ? "estimate" : "date",
    date_of_birth: estimated ? "" : (patient?.date_of_birth ?? ""),
    // Rust puts an estimated birth in the middle of (this year − age): sending the difference of the
    // years back reproduces the same date instead of moving it by a year before July.
    // Rust keeps the stored estimate when the same age comes back, so this never drifts.
    estimated_age_years: estimated && patient.age_years !== null ? String(patient.age_years) : "",
    phone: patient?.phone ?? "",
    phone_alt: patient?.phone_alt ?? "",
    email: patient?.email ?? "",
    address: patient?.address ?? "",
    national_id: patient?.national_id ?? "",
    emergency_contact_name: patient?.emergency_contact_name ?? "",
    emergency_contact_relation: patient?.emergency_contact_relation ?? "",
    emergency_contact_phone: patient?.emergency_contact_phone ?? "",
    insurance_payer: patient?.insurance_payer ?? "",
    insurance_member_number: patient?.insurance_member_number ?? "",
    alerts: patient?.alerts ?? "",
    notes: patient?.notes ?? "",
    photo_data_url: patient?.photo_data_url ?? "",
    allergies: [],
  };
}

function toInput(v: z.output<Schema>): PatientInput {
  return {
    given_name: v.given_name,
    family_name: v.family_name,
    other_names: v.other_names,
    sex: v.sex,
    date_of_birth: v.dob_mode === "date" ? parseCalendarDate(v.date_of_birth) : null,
    estimated_age_years: v.dob_mode === "estimate" ? Number(v.estimated_age_years.trim()) : null,
    phone: v.phone,
    phone_alt: v.phone_alt,
    email: v.email,
    address: v.address,
    national_id: v.national_id,
    emergency_contact_name: v.emergency_contact_name,
    emergency_contact_relation: v.emergency_contact_relation,
    emergency_contact_phone: v.emergency_contact_phone,
    insurance_payer: v.insurance_payer,
    insurance_member_number: v.insurance_member_number,
    alerts: v.alerts,
    notes: v.notes,
    photo_data_url: v.photo_data_url,
  };
}

type Outcome = { kind: "saved"; patient: Patient } | { kind: "duplicates"; candidates: DuplicateCandidate[] };

function PatientFormScreen({ patient }: { patient: Patient | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const settings = useQuery(clinicSettingsQuery());
  const editing = patient !== null;
  const [formError, setFormError] = useState<string | null>(null);
  const [prompt, setPrompt] = useState<{ candidates: DuplicateCandidate[]; values: z.output<Schema> } | null>(null);

  const idPattern = settings.data?.national_id_pattern ?? "";
  const idExample = settings.data?.national_id_example ?? "";
  const schema = useMemo(() => makeSchema(t, idPattern, idExample), [t, idPattern, idExample]);
  const form = useForm<Values, unknown, z.output<Schema>>({ resolver: zodResolver(schema), defaultValues: defaults(patient) });
  const { errors } = form.formState;
  const allergyRows = useFieldArray({ control: form.control, name: "allergies" });
  const [mode, dob, photo, given, family] = useWatch({ control: form.control, name: ["dob_mode", "date_of_birth", "photo_data_url", "given_name", "family_name"] });

  const dobHint = useMemo(() => {
    const ymd = parseCalendarDate(dob);
    if (ymd === null) return t("patients.form.dobHint");
    const age = ageOn(ymd);
    return age === null ? format.calendarDate(ymd) : t("patients.form.dobParsed", { date: format.calendarDate(ymd), count: age });
  }, [dob, format, t]);

  /** A Rust field error next to its field (`patient.` prefixes and the two ways of giving a birth date handled); else the banner text. */
  const showError = (error: unknown): string | null => {
    if (error instanceof CommandError && error.field !== undefined) {
      const rows = form.getValues("allergies").length;
      const fields: Path<Values>[] = [...PATIENT_FIELDS, ...Array.from({ length: rows }, (_, i) => [`allergies.${i}.substance`, `allergies.${i}.reaction`, `allergies.${i}.severity`] as const).flat()];
      let field = formFieldOf(error.field, fields, ["patient."]);
      const current = form.getValues("dob_mode");
      if (field === "date_of_birth" && current === "estimate") field = "estimated_age_years";
      if (field === "estimated_age_years" && current === "date") field = "date_of_birth";
      if (field !== undefined) {
        form.setError(field, { type: "server", message: sentence(error.message) }, { shouldFocus: true });
        return null;
      }
    }
    return errorMessage(error);
  };

  const save = useMutation({
    mutationFn: async ({ values, acknowledge }: { values: z.output<Schema>; acknowledge: boolean }): Promise<Outcome> => {
      const input = toInput(values);
      const duplicates = () => call("find_patient_duplicates", { patient: input, exclude_patient_id: patient?.id ?? null });
      if (!acknowledge) {
        const candidates = await duplicates();
        if (candidates.length > 0) return { kind: "duplicates", candidates };
      }
      try {
        if (patient) return { kind: "saved", patient: await call("update_patient", { patient_id: patient.id, patient: input }) };
        const allergies: AllergyInput[] = values.allergies.map((a) => ({ substance: a.substance, reaction: a.reaction, severity: a.severity }));
        return { kind: "saved", patient: await call("register_patient", { patient: input, allergies, acknowledge_duplicates: acknowledge }) };
      } catch (error) {
        // Someone registered a match since the check (another desk): show who, like the first time.
        if (error instanceof CommandError && error.code === "conflict" && error.field === "acknowledge_duplicates") {
          const candidates = await duplicates();
          if (candidates.length > 0) return { kind: "duplicates", candidates };
        }
        throw error;
      }
    },
    onSuccess: async (outcome, { values }) => {
      if (outcome.kind === "duplicates") {
        setPrompt({ candidates: outcome.candidates, values });
        return;
      }
      setPrompt(null);
      await patientsChanged(queryClient);
      const saved = outcome.patient;
      setChartNotice(saved.id, editing ? t("patients.form.updated", { name: fullName(saved) }) : t("patients.form.registered", { name: fullName(saved), mrn: saved.mrn }));
      navigate(`/patients/${saved.id}`);
    },
    onError: (error) => {
      setPrompt(null);
      setFormError(showError(error));
    },
  });

  const openExisting = (hit: PatientHit) => {
    setPrompt(null);
    navigate(`/patients/${hit.id}`);
  };
  const cancel = () => {
    navigate(patient ? `/patients/${patient.id}` : "/patients");
  };
  const name = [given, family].filter((s) => s.trim() !== "").join(" ");

  return (
    <>
      <PageHeader
        testId="patient-form-title"
        title={patient ? t("patients.form.editTitle", { name: fullName(patient) }) : t("patients.form.newTitle")}
        lead={patient ? t("patients.form.editLead", { mrn: patient.mrn }) : t("patients.form.newLead")}
      />
      <Form
        beforeSubmit={() => {
          setFormError(null);
        }}
        submit={form.handleSubmit((values) => {
          save.mutate({ values, acknowledge: false });
        })}
      >
        {formError ? (
          <Banner tone="error" testId="form-error" className="mb-4">
            {formError}
          </Banner>
        ) : null}
        <Card className="divide-y divide-ink-100">
          <CardSection title={t("patients.form.sectionIdentity")}>
            <div className="grid gap-4 lg:grid-cols-4">
              <TextField label={t("patients.fields.given_name")} autoComplete="off" autoFocus testId="patient-given-name" error={errors.given_name?.message} {...form.register("given_name")} />
              <TextField label={t("patients.fields.family_name")} autoComplete="off" testId="patient-family-name" error={errors.family_name?.message} {...form.register("family_name")} />
              <TextField label={t("patients.fields.other_names")} optional autoComplete="off" testId="patient-other-names" error={errors.other_names?.message} {...form.register("other_names")} />
              <SelectField label={t("patients.fields.sex")} testId="patient-sex" error={errors.sex?.message} {...form.register("sex")}>
                <option value="" disabled>
                  —
                </option>
                {SEXES.map((s) => (
                  <option key={s} value={s}>
                    {sexLabel(t, s)}
                  </option>
                ))}
              </SelectField>
              <fieldset className="flex flex-col gap-1.5">
                <legend className="mb-1.5 text-sm font-medium text-ink-800">{t("patients.form.birth")}</legend>
                <div className="flex h-[2.625rem] items-center gap-5 text-[0.9375rem] whitespace-nowrap text-ink-800">
                  <label className="flex items-center gap-2">
                    <input type="radio" value="date" className="size-4.5 accent-accent-700" data-testid="patient-dob-mode-date" {...form.register("dob_mode")} />
                    {t("patients.form.dobKnown")}
                  </label>
                  <label className="flex items-center gap-2">
                    <input type="radio" value="estimate" className="size-4.5 accent-accent-700" data-testid="patient-dob-mode-estimate" {...form.register("dob_mode")} />
                    {t("patients.form.dobEstimated")}
                  </label>
                </div>
              </fieldset>
              {mode === "date" ? (
                <TextField
                  key="date"
                  label={t("patients.fields.date_of_birth")}
                  hint={dobHint}
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder={t("patients.form.dobPlaceholder")}
                  testId="patient-date-of-birth"
                  error={errors.date_of_birth?.message}
                  {...form.register("date_of_birth")}
                />
              ) : (
                <TextField
                  key="estimate"
                  label={t("patients.fields.estimated_age_years")}
                  hint={t("patients.form.estimatedHint")}
                  type="number"
                  min={0}
                  max={130}
                  step={1}
                  testId="patient-estimated-age"
                  error={errors.estimated_age_years?.message}
                  {...form.register("estimated_age_years")}
                />
              )}
              <TextField
                label={t("patients.fields.national_id")}
                optional
                hint={idExample ? t("patients.form.nationalIdHint", { example: idExample }) : undefined}
                autoComplete="off"
                spellCheck={false}
                testId="patient-national-id"
                error={errors.national_id?.message}
                {...form.register("national_id")}
              />
            </div>
          </CardSection>
          <CardSection title={t("patients.form.sectionContact")}>
            <div className="grid gap-4 lg:grid-cols-3">
              <TextField label={t("patients.fields.phone")} type="tel" optional autoComplete="off" testId="patient-phone" error={errors.phone?.message} {...form.register("phone")} />
              <TextField label={t("patients.fields.phone_alt")} type="tel" optional autoComplete="off" testId="patient-phone-alt" error={errors.phone_alt?.message} {...form.register("phone_alt")} />
              <TextField label={t("patients.fields.email")} type="email" optional autoComplete="off" spellCheck={false} testId="patient-email" error={errors.email?.message} {...form.register("email")} />
              <TextAreaField label={t("patients.fields.address")} optional rows={2} className="lg:col-span-3" testId="patient-address" error={errors.address?.message} {...form.register("address")} />
            </div>
          </CardSection>
          <CardSection title={t("patients.form.sectionEmergency")}>
            <div className="grid gap-4 lg:grid-cols-3">
              <TextField label={t("patients.fields.emergency_contact_name")} optional autoComplete="off" testId="patient-emergency-name" error={errors.emergency_contact_name?.message} {...form.register("emergency_contact_name")} />
              <TextField label={t("patients.fields.emergency_contact_relation")} optional autoComplete="off" testId="patient-emergency-relation" error={errors.emergency_contact_relation?.message} {...form.register("emergency_contact_relation")} />
              <TextField label={t("patients.fields.emergency_contact_phone")} type="tel" optional autoComplete="off" testId="patient-emergency-phone" error={errors.emergency_contact_phone?.message} {...form.register("emergency_contact_phone")} />
            </div>
          </CardSection>
          <CardSection title={t("patients.form.sectionInsurance")}>
            <div className="grid gap-4 lg:grid-cols-3">
              <TextField label={t("patients.fields.insurance_payer")} optional autoComplete="off" testId="patient-insurance-payer" error={errors.insurance_payer?.message} {...form.register("insurance_payer")} />
              <TextField label={t("patients.fields.insurance_member_number")} optional autoComplete="off" spellCheck={false} testId="patient-insurance-member" error={errors.insurance_member_number?.message} {...form.register("insurance_member_number")} />
            </div>
          </CardSection>
          {editing ? (
            <CardSection title={t("patients.form.sectionAllergies")}>
              <p className="text-[0.9375rem] text-ink-700">{t("patients.form.allergiesOnChart")}</p>
            </CardSection>
          ) : (
            <CardSection title={t("patients.form.sectionAllergies")} description={t("patients.form.allergiesLead")}>
              <div className="flex flex-col gap-3" data-testid="patient-allergies">
                {allergyRows.fields.map((row, i) => (
                  <div key={row.id} className="grid items-start gap-3 rounded-md bg-ink-50 px-3 py-3 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_11rem_auto]">
                    <TextField label={t("allergies.substance")} autoComplete="off" testId={`patient-allergy-substance-${i}`} error={errors.allergies?.[i]?.substance?.message} {...form.register(`allergies.${i}.substance`)} />
                    <TextField label={t("allergies.reaction")} optional autoComplete="off" testId={`patient-allergy-reaction-${i}`} error={errors.allergies?.[i]?.reaction?.message} {...form.register(`allergies.${i}.reaction`)} />
                    <SelectField label={t("allergies.severityLabel")} testId={`patient-allergy-severity-${i}`} error={errors.allergies?.[i]?.severity?.message} {...form.register(`allergies.${i}.severity`)}>
                      {SEVERITIES.map((s) => (
                        <option key={s} value={s}>
                          {severityLabel(t, s)}
                        </option>
                      ))}
                    </SelectField>
                    <Button
                      variant="ghost"
                      className="mt-[1.625rem] text-danger-700 hover:bg-danger-50"
                      icon={<Trash2 aria-hidden="true" className="size-4" />}
                      data-testid={`patient-allergy-remove-${i}`}
                      aria-label={t("patients.form.removeAllergyNamed", { number: i + 1 })}
                      onClick={() => {
                        allergyRows.remove(i);
                      }}
                    >
                      {t("patients.form.removeAllergy")}
                    </Button>
                  </div>
                ))}
                {allergyRows.fields.length === 0 ? <p className="text-sm text-ink-600">{t("patients.form.noAllergiesYet")}</p> : null}
                <div>
                  <Button
                    icon={<Plus aria-hidden="true" className="size-4" />}
                    data-testid="patient-allergy-add"
                    onClick={() => {
                      allergyRows.append({ ...EMPTY_ALLERGY }, { focusName: `allergies.${allergyRows.fields.length}.substance` });
                    }}
                  >
                    {t("patients.form.addAllergy")}
                  </Button>
                </div>
              </div>
            </CardSection>
          )}
          <CardSection title={t("patients.form.sectionNotes")}>
            <div className="grid gap-4 lg:grid-cols-2">
              <TextAreaField
                label={
                  <span className="inline-flex items-center gap-1.5">
                    <TriangleAlert aria-hidden="true" className="size-4 text-warn-700" />
                    {t("patients.fields.alerts")}
                  </span>
                }
                hint={t("patients.form.alertsHint")}
                optional
                rows={3}
                testId="patient-alerts"
                error={errors.alerts?.message}
                {...form.register("alerts")}
              />
              <TextAreaField label={t("patients.fields.notes")} optional rows={3} testId="patient-notes" error={errors.notes?.message} {...form.register("notes")} />
              <ImageField
                className="lg:col-span-2"
                label={t("patients.fields.photo_data_url")}
                name="photo_data_url"
                value={photo}
                hint={t("patients.form.photoHint")}
                previewAlt={t("patients.form.photoPreview")}
                previewClassName="size-24"
                testId="patient-photo"
                error={errors.photo_data_url?.message}
                onChange={(dataUrl) => {
                  form.setValue("photo_data_url", dataUrl, { shouldDirty: true });
                }}
                onProblem={(message) => {
                  if (message) form.setError("photo_data_url", { type: "client", message });
                  else form.clearErrors("photo_data_url");
                }}
              />
            </div>
          </CardSection>
          <div className="sticky -bottom-6 flex items-center justify-end gap-3 rounded-b-lg border-t border-ink-200 bg-ink-50/95 px-6 py-3 backdrop-blur-sm">
            <Button size="lg" onClick={cancel} data-testid="patient-cancel">
              {t("common.cancel")}
            </Button>
            <Button type="submit" variant="primary" size="lg" busy={save.isPending} data-testid="patient-submit">
              {editing ? t("common.save") : t("patients.form.submitNew")}
            </Button>
          </div>
        </Card>
      </Form>
      <DuplicatePrompt
        candidates={prompt?.candidates ?? null}
        name={name}
        editing={editing}
        busy={save.isPending}
        onOpen={openExisting}
        onConfirm={() => {
          if (prompt) save.mutate({ values: prompt.values, acknowledge: true });
        }}
        onClose={() => {
          setPrompt(null);
        }}
      />
    </>
  );
}
