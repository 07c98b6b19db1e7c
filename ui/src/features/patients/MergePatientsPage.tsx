// Merging a duplicate record into the surviving one (`merge_patients`, administrators only): pick
// both with a search, compare them side by side, give a reason, confirm, see what moved.
import type { TFunction } from "i18next";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeftRight, ArrowRight, CircleCheck, GitMerge, RotateCcw } from "lucide-react";
import { useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "wouter";
import { z } from "zod";
import { applyCommandError, errorMessage, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { MergeResult, Patient, PatientHit } from "../../api/generated";
import { patientChartQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card, CardSection } from "../../components/Card";
import { cn } from "../../components/cn";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { FieldError, TextAreaField } from "../../components/Field";
import { Form } from "../../components/Form";
import { PageHeader } from "../../components/PageHeader";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { requiredText } from "../../lib/validation";
import { PatientSearch } from "./PatientSearch";
import { birthText, fieldLabel, fullName, listName, patientsChanged, sexLabel } from "./model";

type Side = "survivor" | "duplicate";

export function MergePatientsPage() {
  const { t } = useTranslation();
  // `/patients/merge/:survivor/:duplicate` (a possible duplicate found by sync) starts with both chosen.
  const params = useParams<{ survivor?: string; duplicate?: string }>();
  const [survivorId, setSurvivorId] = useState<string | null>(params.survivor ?? null);
  const [duplicateId, setDuplicateId] = useState<string | null>(params.duplicate ?? null);
  const [result, setResult] = useState<MergeResult | null>(null);

  const reset = () => {
    setSurvivorId(null);
    setDuplicateId(null);
    setResult(null);
  };

  return (
    <>
      <PageHeader title={t("merge.title")} lead={t("merge.lead")} />
      {result ? (
        <MergeDone result={result} onAgain={reset} />
      ) : (
        <MergeSetup
          survivorId={survivorId}
          duplicateId={duplicateId}
          onPick={(side, id) => {
            if (side === "survivor") setSurvivorId(id);
            else setDuplicateId(id);
          }}
          onSwap={() => {
            setSurvivorId(duplicateId);
            setDuplicateId(survivorId);
          }}
          onMerged={setResult}
        />
      )}
    </>
  );
}

function MergeSetup({
  survivorId,
  duplicateId,
  onPick,
  onSwap,
  onMerged,
}: {
  survivorId: string | null;
  duplicateId: string | null;
  onPick: (side: Side, id: string | null) => void;
  onSwap: () => void;
  onMerged: (result: MergeResult) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  // Full records for the comparison: opening them is an audited read, as it should be.
  const survivor = useQuery({ ...patientChartQuery(survivorId ?? ""), enabled: survivorId !== null });
  const duplicate = useQuery({ ...patientChartQuery(duplicateId ?? ""), enabled: duplicateId !== null });
  const [confirming, setConfirming] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const schema = useMemo(() => z.object({ reason: requiredText(t, 500) }), [t]);
  const form = useForm({ resolver: zodResolver(schema), defaultValues: { reason: "" } });
  const [pickError, setPickError] = useState<{ survivor_id?: string; duplicate_id?: string }>({});

  const s = survivorId ? survivor.data?.patient : undefined;
  const d = duplicateId ? duplicate.data?.patient : undefined;

  const merge = useMutation({
    mutationFn: (reason: string) => call("merge_patients", { survivor_id: survivorId ?? "", duplicate_id: duplicateId ?? "", reason }),
    onSuccess: async (result) => {
      setConfirming(false);
      await patientsChanged(queryClient);
      onMerged(result);
    },
    onError: (error) => {
      setConfirming(false);
      // The two pickers are not form fields: their errors sit under them.
      if (error instanceof CommandError && error.field === "survivor_id") {
        setPickError({ survivor_id: sentence(error.message) });
        setFormError(null);
      } else if (error instanceof CommandError && error.field === "duplicate_id") {
        setPickError({ duplicate_id: sentence(error.message) });
        setFormError(null);
      } else {
        setFormError(applyCommandError(error, form.setError, ["reason"]));
      }
    },
  });

  const pick = (side: Side) => (hit: PatientHit | null) => {
    setPickError({});
    merge.reset();
    onPick(side, hit?.id ?? null);
  };

  const ready = s !== undefined && d !== undefined;

  return (
    <Form
      beforeSubmit={() => {
        setFormError(null);
      }}
      submit={form.handleSubmit(() => {
        setConfirming(true);
      })}
    >
      {formError ? (
        <Banner tone="error" testId="form-error" className="mb-4">
          {formError}
        </Banner>
      ) : null}
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_auto_minmax(0,1fr)]">
        <Picker
          side="survivor"
          title={t("merge.survivor")}
          lead={t("merge.survivorLead")}
          patient={s}
          loading={survivorId !== null && survivor.isPending}
          loadError={survivor.isError ? errorMessage(survivor.error) : null}
          error={pickError.survivor_id}
          excludeId={duplicateId}
          onPick={pick("survivor")}
        />
        <div className="flex justify-center lg:pt-16">
          <Button
            variant="ghost"
            icon={<ArrowLeftRight aria-hidden="true" className="size-4" />}
            disabled={survivorId === null && duplicateId === null}
            onClick={() => {
              setPickError({});
              onSwap();
            }}
            data-testid="merge-swap"
            title={t("merge.swap")}
          >
            <span className="lg:sr-only">{t("merge.swap")}</span>
          </Button>
        </div>
        <Picker
          side="duplicate"
          title={t("merge.duplicate")}
          lead={t("merge.duplicateLead")}
          patient={d}
          loading={duplicateId !== null && duplicate.isPending}
          loadError={duplicate.isError ? errorMessage(duplicate.error) : null}
          error={pickError.duplicate_id}
          excludeId={survivorId}
          onPick={pick("duplicate")}
        />
      </div>
      {ready ? (
        <Card className="mt-4 divide-y divide-ink-100">
          <CardSection title={t("merge.compareTitle")} description={t("merge.compareLead")}>
            <Comparison survivor={s} duplicate={d} survivorAllergies={survivor.data?.allergies.length ?? 0} duplicateAllergies={duplicate.data?.allergies.length ?? 0} />
          </CardSection>
          <CardSection>
            <TextAreaField label={t("merge.reason")} hint={t("merge.reasonHint")} rows={2} testId="merge-reason" error={form.formState.errors.reason?.message} {...form.register("reason")} />
          </CardSection>
          <div className="flex items-center justify-end gap-3 rounded-b-lg bg-ink-50 px-6 py-3">
            <Button type="submit" variant="danger" size="lg" icon={<GitMerge aria-hidden="true" className="size-5" />} data-testid="merge-submit">
              {t("merge.submit")}
            </Button>
          </div>
        </Card>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={t("merge.confirmTitle")}
        body={
          s && d ? (
            <div className="flex flex-col gap-3">
              <p>{t("merge.confirmBody", { duplicate: `${fullName(d)} (${d.mrn})`, survivor: `${fullName(s)} (${s.mrn})` })}</p>
              <p className="font-medium text-danger-700">{t("merge.confirmWarning")}</p>
            </div>
          ) : null
        }
        confirmLabel={t("merge.confirm")}
        tone="danger"
        busy={merge.isPending}
        onConfirm={() => {
          merge.mutate(form.getValues("reason"));
        }}
        onClose={() => {
          setConfirming(false);
        }}
      />
    </Form>
  );
}

function Picker({
  side,
  title,
  lead,
  patient,
  loading,
  loadError,
  error,
  excludeId,
  onPick,
}: {
  side: Side;
  title: string;
  lead: string;
  patient: Patient | undefined;
  loading: boolean;
  loadError: string | null;
  error: string | undefined;
  excludeId: string | null;
  onPick: (hit: PatientHit | null) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Card className={cn("min-w-0", side === "survivor" ? "border-t-4 border-t-ok-700" : "border-t-4 border-t-danger-600")}>
      <CardSection title={title} description={lead}>
        {loading ? (
          <LoadingState label={t("chart.loading")} className="py-6" />
        ) : patient ? (
          <div data-testid={`merge-${side}-card`} className="flex flex-wrap items-start justify-between gap-3 rounded-md bg-ink-50 px-4 py-3">
            <div className="min-w-0">
              <p className="text-base font-semibold text-ink-900">{listName(patient)}</p>
              <p className="font-mono text-sm text-ink-700">{patient.mrn}</p>
              <p className="mt-1 text-sm text-ink-700">{[sexLabel(t, patient.sex), birthText(t, format, patient), patient.phone].filter(Boolean).join(" · ")}</p>
            </div>
            <Button
              size="sm"
              icon={<RotateCcw aria-hidden="true" className="size-4" />}
              data-testid={`merge-${side}-change`}
              onClick={() => {
                onPick(null);
              }}
            >
              {t("merge.change")}
            </Button>
          </div>
        ) : (
          <PatientSearch testId={`merge-${side}`} label={t("merge.searchLabel", { side: title })} placeholder={t("patients.searchPlaceholder")} compact limit={8} excludeId={excludeId} onOpen={onPick} />
        )}
        {loadError ? (
          <Banner tone="error" className="mt-3">
            {loadError}
          </Banner>
        ) : null}
        {error ? (
          <div className="mt-2">
            <FieldError name={`${side}_id`} message={error} />
          </div>
        ) : null}
      </CardSection>
    </Card>
  );
}

type Row = { field: string; survivor: string; duplicate: string };

function Comparison({ survivor, duplicate, survivorAllergies, duplicateAllergies }: { survivor: Patient; duplicate: Patient; survivorAllergies: number; duplicateAllergies: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const dob = (p: Patient) => (p.date_of_birth ? `${birthText(t, format, p)}${p.dob_estimated ? ` (${t("chart.estimated")})` : ""}` : "");
  const rows: Row[] = [
    { field: "given_name", survivor: survivor.given_name, duplicate: duplicate.given_name },
    { field: "family_name", survivor: survivor.family_name, duplicate: duplicate.family_name },
    ...(
      [
        "other_names",
        "phone",
        "phone_alt",
        "email",
        "address",
        "national_id",
        "emergency_contact_name",
        "emergency_contact_relation",
        "emergency_contact_phone",
        "insurance_payer",
        "insurance_member_number",
        "alerts",
        "notes",
      ] as const
    ).map((f) => ({ field: f, survivor: survivor[f], duplicate: duplicate[f] })),
  ];
  rows.splice(3, 0, { field: "sex", survivor: sexLabel(t, survivor.sex), duplicate: sexLabel(t, duplicate.sex) }, { field: "date_of_birth", survivor: dob(survivor), duplicate: dob(duplicate) });
  const fillable = (r: Row) => r.field !== "given_name" && r.field !== "family_name" && r.field !== "sex" && r.survivor.trim() === "" && r.duplicate.trim() !== "";
  return (
    <div className="overflow-x-auto">
      <table className="data-table table-fixed" data-testid="merge-compare">
        <caption className="sr-only">{t("merge.compareTitle")}</caption>
        <colgroup>
          <col className="w-48" />
          <col />
          <col />
          <col className="w-44" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">{t("merge.colField")}</th>
            <th scope="col">
              {t("merge.survivor")} · <span className="font-mono normal-case">{survivor.mrn}</span>
            </th>
            <th scope="col">
              {t("merge.duplicate")} · <span className="font-mono normal-case">{duplicate.mrn}</span>
            </th>
            <th scope="col">{t("merge.colOutcome")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const differs = r.survivor.trim() !== "" && r.duplicate.trim() !== "" && r.survivor !== r.duplicate;
            return (
              <tr key={r.field} data-testid={`merge-row-${r.field}`}>
                <th scope="row" className="static border-ink-100 bg-transparent py-1.5 text-[0.8125rem] font-medium tracking-normal text-ink-700 normal-case">
                  {fieldLabel(t, r.field)}
                </th>
                <Cell value={r.survivor} />
                <Cell value={r.duplicate} muted={!fillable(r)} />
                <td>{fillable(r) ? <Badge tone="info">{t("merge.willFill")}</Badge> : differs ? <Badge tone="warn">{t("merge.differs")}</Badge> : null}</td>
              </tr>
            );
          })}
          <tr data-testid="merge-row-allergies">
            <th scope="row" className="static border-ink-100 bg-transparent py-1.5 text-[0.8125rem] font-medium tracking-normal text-ink-700 normal-case">
              {t("chart.allergiesTitle")}
            </th>
            <Cell value={t("merge.recordCount", { count: survivorAllergies })} />
            <Cell value={t("merge.recordCount", { count: duplicateAllergies })} />
            <td>{duplicateAllergies > 0 ? <Badge tone="info">{t("merge.willMove")}</Badge> : null}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function Cell({ value, muted = false }: { value: string; muted?: boolean }): ReactNode {
  const { t } = useTranslation();
  return (
    <td className={cn("truncate", muted ? "text-ink-600" : "text-ink-900")} title={value}>
      {value.trim() === "" ? <span className="text-ink-500">{t("common.none")}</span> : value}
    </td>
  );
}

function MergeDone({ result, onAgain }: { result: MergeResult; onAgain: () => void }) {
  const { t } = useTranslation();
  const moved = result.moved.filter((m) => m.rows > 0);
  return (
    <Card className="px-6 py-6" >
      <div data-testid="merge-result" className="flex flex-col gap-4">
        <div className="flex items-start gap-3">
          <CircleCheck aria-hidden="true" className="mt-0.5 size-6 shrink-0 text-ok-700" />
          <div>
            <h2 className="text-lg font-semibold text-ink-900" role="status">
              {t("merge.doneTitle", { duplicate: result.duplicate_mrn, survivor: result.survivor.mrn })}
            </h2>
            <p className="mt-1 text-[0.9375rem] text-ink-700">{t("merge.doneLead", { duplicate: result.duplicate_mrn, name: fullName(result.survivor) })}</p>
          </div>
        </div>
        <div className="grid gap-4 md:grid-cols-2">
          <section className="rounded-md bg-ink-50 px-4 py-3">
            <h3 className="text-sm font-semibold text-ink-900">{t("merge.movedTitle")}</h3>
            {moved.length === 0 ? (
              <p className="mt-1 text-sm text-ink-700">{t("merge.movedNone")}</p>
            ) : (
              <ul className="mt-1 flex flex-col gap-0.5 text-sm text-ink-800" data-testid="merge-moved">
                {moved.map((m) => (
                  <li key={m.table}>{t("merge.movedRow", { count: m.rows, what: tableLabel(t, m.table) })}</li>
                ))}
              </ul>
            )}
          </section>
          <section className="rounded-md bg-ink-50 px-4 py-3">
            <h3 className="text-sm font-semibold text-ink-900">{t("merge.filledTitle")}</h3>
            {result.filled_fields.length === 0 ? (
              <p className="mt-1 text-sm text-ink-700">{t("merge.filledNone")}</p>
            ) : (
              <ul className="mt-1 flex flex-wrap gap-1.5" data-testid="merge-filled">
                {result.filled_fields.map((f) => (
                  <li key={f}>
                    <Badge tone="info">{fieldLabel(t, f)}</Badge>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link
            href={`/patients/${result.survivor.id}`}
            data-testid="merge-open-survivor"
            className="inline-flex h-10 items-center gap-2 rounded-md border border-accent-700 bg-accent-700 px-4 text-[0.9375rem] font-medium text-white hover:bg-accent-800"
          >
            {t("merge.openSurvivor", { name: fullName(result.survivor) })}
            <ArrowRight aria-hidden="true" className="size-4" />
          </Link>
          <Button onClick={onAgain} data-testid="merge-again">
            {t("merge.again")}
          </Button>
        </div>
      </div>
    </Card>
  );
}

function tableLabel(t: TFunction, table: string): string {
  return table === "patient_allergies" ? t("merge.tables.patient_allergies") : table.replaceAll("_", " ");
}
