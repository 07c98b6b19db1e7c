// The patient chart (`open_patient_chart`, an audited read): who the patient is, what must not
// be missed (allergies, alerts), and the timeline. Later capabilities add their entries to the
// timeline on the Rust side; unknown kinds are shown generically.
import { useQuery } from "@tanstack/react-query";
import type { LucideIcon } from "lucide-react";
import { ArrowLeft, CircleCheck, CircleDot, FilePlus2, GitMerge, Pencil, ShieldAlert, Stethoscope, TriangleAlert, UserRound } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "wouter";
import { errorMessage } from "../../api/errors";
import type { Allergy, AllergySeverity, AllergyStatus, Patient, PatientChart, TimelineEntry } from "../../api/generated";
import { patientChartQuery } from "../../api/queries";
import { Badge, type Tone } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { cn } from "../../components/cn";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState, LoadingState } from "../../components/States";
import { TabList, TabPanel } from "../../components/Tabs";
import { useFormat } from "../../lib/format";
import { useCan } from "../auth/session";
import { PatientInvoicesTab } from "../billing/PatientInvoicesTab";
import { CurrentMedications } from "../prescriptions/CurrentMedications";
import { PatientAttachmentsTab } from "../records/AttachmentsPanel";
import { EncountersTab } from "../records/EncountersTab";
import { ProblemsTab } from "../records/ProblemsTab";
import { useOpenConsultation } from "../records/useConsultation";
import { AllergyStatusDialog, RecordAllergyDialog, type StatusChange } from "./AllergyDialogs";
import { ageText, birthText, clearChartNotice, fullName, peekChartNotice, severityLabel, sexLabel, statusLabel } from "./model";

// The clinical tabs are offered to clinical roles only (clinical.read); Rust refuses their reads to anyone else.
// Invoices are offered to billing roles (billing.read).
type TabId = "overview" | "allergies" | "problems" | "encounters" | "medications" | "attachments" | "invoices" | "timeline";

export function PatientChartPage() {
  const { t } = useTranslation();
  const { id } = useParams<{ id: string }>();
  const chart = useQuery(patientChartQuery(id));
  return (
    <>
      <Link href="/patients" className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-accent-700 hover:text-accent-900" data-testid="chart-back">
        <ArrowLeft aria-hidden="true" className="size-4" />
        {t("chart.back")}
      </Link>
      {chart.isPending ? (
        <Card>
          <LoadingState label={t("chart.loading")} />
        </Card>
      ) : chart.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(chart.error)}
        </Banner>
      ) : (
        <Chart key={chart.data.patient.id} askedId={id} chart={chart.data} />
      )}
    </>
  );
}

function Chart({ askedId, chart }: { askedId: string; chart: PatientChart }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [, navigate] = useLocation();
  const canWrite = useCan("patients.write");
  const canReadClinical = useCan("clinical.read");
  // Pharmacists read prescriptions (to dispense) without the rest of the clinical record.
  const canReadPrescriptions = useCan("prescriptions.read");
  const canConsult = useCan("clinical.write");
  const canReadBilling = useCan("billing.read");
  const { patient, allergies, timeline } = chart;
  const [askingConsultation, setAskingConsultation] = useState(false);
  const consultation = useOpenConsultation();
  const newConsultation = () => {
    setNotice(null);
    consultation.reset();
    setAskingConsultation(true);
  };
  const [tab, setTab] = useState<TabId>("overview");
  const [notice, setNotice] = useState<string | null>(() => peekChartNotice(askedId));
  const [recording, setRecording] = useState(false);
  const [change, setChange] = useState<StatusChange | null>(null);
  useEffect(() => {
    clearChartNotice(askedId);
  }, [askedId]);

  const active = allergies.filter((a) => a.status === "active");
  const done = (message: string) => {
    setRecording(false);
    setChange(null);
    setNotice(message);
  };

  return (
    <div className="flex flex-col gap-4">
      {notice ? (
        <Banner tone="success" testId="chart-notice">
          {notice}
        </Banner>
      ) : null}
      {chart.redirected_from ? (
        <Banner tone="info" testId="chart-redirected">
          {t("chart.redirected", { mrn: chart.redirected_from_mrn ?? "", mrns: chart.merged_mrns.join(", ") })}
        </Banner>
      ) : null}
      <ChartHeader
        patient={patient}
        actions={
          canWrite || canConsult ? (
            <>
              {canWrite ? (
                <>
                  <Button icon={<Pencil aria-hidden="true" className="size-4" />} data-testid="patient-edit" onClick={() => { navigate(`/patients/${patient.id}/edit`); }}>
                    {t("chart.edit")}
                  </Button>
                  <Button variant={canConsult ? "secondary" : "primary"} icon={<FilePlus2 aria-hidden="true" className="size-4" />} data-testid="allergy-record" onClick={() => { setNotice(null); setRecording(true); }}>
                    {t("allergies.record")}
                  </Button>
                </>
              ) : null}
              {canConsult ? (
                <Button variant="primary" icon={<Stethoscope aria-hidden="true" className="size-4" />} data-testid="consultation-new" onClick={newConsultation}>
                  {t("records.consultation.new")}
                </Button>
              ) : null}
            </>
          ) : null
        }
      />
      <AllergyBanner allergies={active} />
      {patient.alerts.trim() !== "" ? (
        <section aria-labelledby="chart-alerts-title" data-testid="chart-alerts" className="flex gap-3 rounded-lg border border-warn-700/40 bg-warn-50 px-4 py-3 text-warn-700">
          <ShieldAlert aria-hidden="true" className="mt-0.5 size-5 shrink-0" />
          <div className="min-w-0">
            <h2 id="chart-alerts-title" className="text-xs font-bold tracking-wide uppercase">
              {t("chart.alerts")}
            </h2>
            <p className="mt-0.5 text-[0.9375rem] font-medium whitespace-pre-line text-ink-900">{patient.alerts}</p>
          </div>
        </section>
      ) : null}
      <Card>
        <div className="px-4 pt-2">
          <TabList<TabId>
            idBase="chart"
            label={t("chart.tabsLabel")}
            active={tab}
            onChange={setTab}
            tabs={[
              { id: "overview", label: t("chart.tabOverview") },
              { id: "allergies", label: t("chart.tabAllergies"), count: active.length },
              ...(canReadClinical
                ? ([
                    { id: "problems", label: t("chart.tabProblems") },
                    { id: "encounters", label: t("chart.tabEncounters") },
                  ] as const)
                : []),
              ...(canReadPrescriptions ? ([{ id: "medications", label: t("chart.tabMedications") }] as const) : []),
              ...(canReadClinical ? ([{ id: "attachments", label: t("chart.tabAttachments") }] as const) : []),
              ...(canReadBilling ? ([{ id: "invoices", label: t("chart.tabInvoices") }] as const) : []),
              { id: "timeline", label: t("chart.tabTimeline"), count: timeline.length },
            ]}
          />
        </div>
        {tab === "overview" ? (
          <TabPanel idBase="chart" id="overview">
            <Overview chart={chart} />
          </TabPanel>
        ) : tab === "allergies" ? (
          <TabPanel idBase="chart" id="allergies">
            <AllergyList
              allergies={allergies}
              canWrite={canWrite}
              onChange={(c) => {
                setNotice(null);
                setChange(c);
              }}
            />
          </TabPanel>
        ) : tab === "problems" && canReadClinical ? (
          <TabPanel idBase="chart" id="problems">
            <ProblemsTab patientId={patient.id} patientName={fullName(patient)} />
          </TabPanel>
        ) : tab === "encounters" && canReadClinical ? (
          <TabPanel idBase="chart" id="encounters">
            <EncountersTab patientId={patient.id} onNew={canConsult ? newConsultation : null} />
          </TabPanel>
        ) : tab === "medications" && canReadPrescriptions ? (
          <TabPanel idBase="chart" id="medications">
            <CurrentMedications patientId={patient.id} />
          </TabPanel>
        ) : tab === "attachments" && canReadClinical ? (
          <TabPanel idBase="chart" id="attachments">
            <PatientAttachmentsTab patientId={patient.id} />
          </TabPanel>
        ) : tab === "invoices" && canReadBilling ? (
          <TabPanel idBase="chart" id="invoices">
            <PatientInvoicesTab patient={{ id: patient.id, name: fullName(patient), mrn: patient.mrn }} />
          </TabPanel>
        ) : (
          <TabPanel idBase="chart" id="timeline">
            <Timeline entries={timeline} />
          </TabPanel>
        )}
      </Card>
      <p className="text-xs text-ink-500">
        {t("chart.footer", { created: format.dateTime(patient.created_at), updated: format.dateTime(patient.updated_at) })}
      </p>
      <RecordAllergyDialog
        patientId={patient.id}
        patientName={fullName(patient)}
        open={recording}
        onClose={() => {
          setRecording(false);
        }}
        onDone={done}
      />
      <AllergyStatusDialog
        change={change}
        onClose={() => {
          setChange(null);
        }}
        onDone={done}
      />
      {canConsult ? (
        <ConfirmDialog
          open={askingConsultation}
          title={t("records.consultation.newTitle")}
          body={t("records.consultation.newBody", { name: fullName(patient) })}
          confirmLabel={t("records.consultation.newConfirm")}
          busy={consultation.isPending}
          error={consultation.isError ? errorMessage(consultation.error) : null}
          onConfirm={() => {
            consultation.mutate({ patientId: patient.id });
          }}
          onClose={() => {
            setAskingConsultation(false);
          }}
        />
      ) : null}
    </div>
  );
}

function ChartHeader({ patient, actions }: { patient: Patient; actions: ReactNode }) {
  const { t } = useTranslation();
  const format = useFormat();
  const facts: { label: string; value: ReactNode; testId: string }[] = [
    { label: t("patients.fields.sex"), value: sexLabel(t, patient.sex), testId: "chart-sex" },
    {
      label: t("chart.age"),
      value: (
        <>
          {ageText(t, patient)}
          <span className="text-ink-600"> · {patient.dob_estimated ? t("chart.bornEstimated", { year: patient.date_of_birth?.slice(0, 4) ?? "" }) : t("chart.born", { date: birthText(t, format, patient) })}</span>
        </>
      ),
      testId: "chart-age",
    },
    { label: t("patients.fields.phone"), value: patient.phone || t("common.none"), testId: "chart-phone" },
    {
      label: t("chart.insurance"),
      value: patient.insurance_payer ? [patient.insurance_payer, patient.insurance_member_number].filter(Boolean).join(" · ") : t("chart.noInsurance"),
      testId: "chart-insurance",
    },
  ];
  return (
    <Card className="flex flex-wrap items-start gap-x-6 gap-y-4 px-6 py-5">
      <div className="flex size-16 shrink-0 items-center justify-center overflow-hidden rounded-full bg-accent-100 text-accent-800">
        {patient.photo_data_url ? (
          <img src={patient.photo_data_url} alt={t("chart.photoOf", { name: fullName(patient) })} className="size-full object-cover" />
        ) : (
          <UserRound aria-hidden="true" className="size-8" />
        )}
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <h1 className="text-2xl font-semibold tracking-tight text-ink-900" data-testid="chart-name">
            {fullName(patient)}
          </h1>
          <span className="rounded-md bg-ink-100 px-2 py-0.5 font-mono text-sm font-medium text-ink-800" data-testid="chart-mrn">
            <span className="sr-only">{t("chart.mrn")} </span>
            {patient.mrn}
          </span>
        </div>
        <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-[0.9375rem]">
          {facts.map((f) => (
            <div key={f.testId} className="flex gap-1.5">
              <dt className="text-ink-600">{f.label}:</dt>
              <dd className="font-medium text-ink-900" data-testid={f.testId}>
                {f.value}
              </dd>
            </div>
          ))}
        </dl>
      </div>
      {actions ? <div className="flex shrink-0 gap-2">{actions}</div> : null}
    </Card>
  );
}

/** Severity colours (text on its background ≥ 4.5:1): severe stands out most. */
const severityStyle: Record<AllergySeverity, string> = {
  severe: "bg-danger-700 text-white ring-danger-700",
  moderate: "bg-danger-50 text-danger-700 ring-danger-700/40",
  mild: "bg-warn-50 text-warn-700 ring-warn-700/40",
  unknown: "bg-white text-ink-800 ring-ink-400",
};

export function AllergyBanner({ allergies }: { allergies: Allergy[] }) {
  const { t } = useTranslation();
  if (allergies.length === 0) {
    return (
      <section aria-label={t("chart.allergiesTitle")} data-testid="chart-allergies" className="flex items-center gap-2.5 rounded-lg border border-ok-700/30 bg-ok-50 px-4 py-2.5 text-ok-700">
        <CircleCheck aria-hidden="true" className="size-5 shrink-0" />
        <p className="text-[0.9375rem] font-semibold" data-testid="chart-no-allergies">
          {t("chart.noKnownAllergies")}
        </p>
      </section>
    );
  }
  const order: AllergySeverity[] = ["severe", "moderate", "mild", "unknown"];
  const sorted = [...allergies].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  return (
    <section aria-labelledby="chart-allergies-title" data-testid="chart-allergies" className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border-2 border-danger-600 bg-danger-50 px-4 py-3">
      <h2 id="chart-allergies-title" className="flex items-center gap-2 text-sm font-bold tracking-wide text-danger-700 uppercase">
        <TriangleAlert aria-hidden="true" className="size-5" />
        {t("chart.allergiesTitle")}
      </h2>
      <ul className="flex flex-wrap gap-2">
        {sorted.map((a) => (
          <li key={a.id} data-testid={`allergy-chip-${a.substance}`} className={cn("flex items-center gap-1.5 rounded-md px-2.5 py-1 text-[0.9375rem] ring-1 ring-inset", severityStyle[a.severity])}>
            <span className="font-bold">{a.substance}</span>
            <span className="text-[0.8125rem] font-semibold uppercase">{severityLabel(t, a.severity)}</span>
            {a.reaction ? <span className="text-[0.8125rem]">· {a.reaction}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Overview({ chart }: { chart: PatientChart }) {
  const { t } = useTranslation();
  const format = useFormat();
  const p = chart.patient;
  const none = t("common.none");
  const groups: { title: string; rows: [string, ReactNode][] }[] = [
    {
      title: t("patients.form.sectionIdentity"),
      rows: [
        [t("patients.fields.given_name"), p.given_name],
        [t("patients.fields.family_name"), p.family_name],
        [t("patients.fields.other_names"), p.other_names || none],
        [t("patients.fields.sex"), sexLabel(t, p.sex)],
        [t("patients.fields.date_of_birth"), p.date_of_birth ? `${birthText(t, format, p)}${p.dob_estimated ? ` (${t("chart.estimated")})` : ""}` : none],
        [t("patients.fields.national_id"), p.national_id || none],
      ],
    },
    {
      title: t("patients.form.sectionContact"),
      rows: [
        [t("patients.fields.phone"), p.phone || none],
        [t("patients.fields.phone_alt"), p.phone_alt || none],
        [t("patients.fields.email"), p.email || none],
        [t("patients.fields.address"), p.address ? <span className="whitespace-pre-line">{p.address}</span> : none],
      ],
    },
    {
      title: t("patients.form.sectionEmergency"),
      rows: [
        [t("patients.fields.emergency_contact_name"), p.emergency_contact_name || none],
        [t("patients.fields.emergency_contact_relation"), p.emergency_contact_relation || none],
        [t("patients.fields.emergency_contact_phone"), p.emergency_contact_phone || none],
      ],
    },
    {
      title: t("patients.form.sectionInsurance"),
      rows: [
        [t("patients.fields.insurance_payer"), p.insurance_payer || none],
        [t("patients.fields.insurance_member_number"), p.insurance_member_number || none],
      ],
    },
    {
      title: t("chart.recordTitle"),
      rows: [
        [t("chart.mrn"), <span className="font-mono">{p.mrn}</span>],
        [t("chart.mergedMrns"), chart.merged_mrns.length > 0 ? <span className="font-mono">{chart.merged_mrns.join(", ")}</span> : none],
      ],
    },
  ];
  return (
    <div className="grid gap-x-8 gap-y-2 px-6 py-5 md:grid-cols-2 xl:grid-cols-3" data-testid="chart-overview">
      {groups.map((g) => (
        <section key={g.title} className="py-2">
          <h2 className="mb-2 text-sm font-semibold text-ink-900">{g.title}</h2>
          <dl className="grid grid-cols-[minmax(8rem,auto)_minmax(0,1fr)] gap-x-4 gap-y-1.5 text-[0.9375rem]">
            {g.rows.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-ink-600">{label}</dt>
                <dd className="min-w-0 break-words text-ink-900">{value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <section className="py-2 md:col-span-2 xl:col-span-3">
        <h2 className="mb-2 text-sm font-semibold text-ink-900">{t("patients.fields.notes")}</h2>
        <p className="text-[0.9375rem] whitespace-pre-line text-ink-800" data-testid="chart-notes">
          {p.notes || <span className="text-ink-500">{t("chart.noNotes")}</span>}
        </p>
      </section>
    </div>
  );
}

const statusTone: Record<AllergyStatus, Tone> = { active: "danger", resolved: "neutral", entered_in_error: "warn" };

function AllergyList({ allergies, canWrite, onChange }: { allergies: Allergy[]; canWrite: boolean; onChange: (c: StatusChange) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="flex flex-col">
      <p className="px-6 pt-4 pb-3 text-sm text-ink-600">{t("allergies.lead")}</p>
      {allergies.length === 0 ? (
        <EmptyState title={t("chart.noKnownAllergies")}>{t("allergies.empty")}</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="data-table" data-testid="allergies-table">
            <caption className="sr-only">{t("chart.allergiesTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("allergies.substance")}</th>
                <th scope="col">{t("allergies.reaction")}</th>
                <th scope="col">{t("allergies.severityLabel")}</th>
                <th scope="col">{t("allergies.statusLabel")}</th>
                <th scope="col">{t("allergies.recordedAt")}</th>
                <th scope="col">{t("allergies.updatedAt")}</th>
                <th scope="col" className="text-right">
                  <span className="sr-only">{t("users.colActions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {allergies.map((a) => {
                const error = a.status === "entered_in_error";
                return (
                  <tr key={a.id} data-testid={`allergy-row-${a.substance}`} className={error ? "text-ink-500" : undefined}>
                    <td className={cn("font-semibold", error ? "line-through" : "text-ink-900")}>{a.substance}</td>
                    <td className="max-w-xs truncate" title={a.reaction}>{a.reaction || t("common.none")}</td>
                    <td>
                      <span className={cn("inline-flex rounded-md px-2 py-0.5 text-xs font-semibold ring-1 ring-inset", severityStyle[a.severity])}>{severityLabel(t, a.severity)}</span>
                    </td>
                    <td>
                      <Badge tone={statusTone[a.status]}>{statusLabel(t, a.status)}</Badge>
                    </td>
                    <td className="tabular-nums">{format.dateTime(a.recorded_at)}</td>
                    <td className="tabular-nums">{a.updated_at === a.recorded_at ? t("common.none") : format.dateTime(a.updated_at)}</td>
                    <td className="text-right">
                      {canWrite && !error ? (
                        <div className="flex justify-end gap-1" role="group" aria-label={t("allergies.actionsFor", { substance: a.substance })}>
                          {a.status === "active" ? (
                            <Button size="xs" variant="ghost" data-testid={`allergy-resolve-${a.substance}`} onClick={() => { onChange({ allergy: a, status: "resolved" }); }}>
                              {t("allergies.actionResolve")}
                            </Button>
                          ) : (
                            <Button size="xs" variant="ghost" data-testid={`allergy-reactivate-${a.substance}`} onClick={() => { onChange({ allergy: a, status: "active" }); }}>
                              {t("allergies.actionReactivate")}
                            </Button>
                          )}
                          <Button size="xs" variant="ghost" className="text-danger-700! hover:bg-danger-50" data-testid={`allergy-mark-error-${a.substance}`} onClick={() => { onChange({ allergy: a, status: "entered_in_error" }); }}>
                            {t("allergies.actionError")}
                          </Button>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

const KIND_ICONS: Record<string, LucideIcon> = { registered: FilePlus2, allergy: TriangleAlert, merged: GitMerge, encounter: Stethoscope };
const KNOWN_KINDS = ["registered", "allergy", "merged", "encounter"] as const;
const isKnownKind = (kind: string): kind is (typeof KNOWN_KINDS)[number] => (KNOWN_KINDS as readonly string[]).includes(kind);

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (entries.length === 0) return <EmptyState title={t("chart.timelineEmpty")} />;
  return (
    <ol className="flex flex-col px-6 py-5" data-testid="chart-timeline">
      {entries.map((e, i) => {
        const Icon = KIND_ICONS[e.kind] ?? CircleDot;
        return (
          <li key={`${e.at}-${String(i)}`} data-testid="timeline-entry" data-kind={e.kind} className="relative flex gap-4 pb-5 last:pb-0">
            {i < entries.length - 1 ? <span aria-hidden="true" className="absolute top-9 bottom-0 left-[1.0625rem] w-px bg-ink-200" /> : null}
            <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-ink-100 text-ink-700">
              <Icon aria-hidden="true" className="size-4.5" />
            </span>
            <div className="min-w-0 pt-1">
              <div className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
                <span className="font-medium text-ink-900">{e.title}</span>
                <Badge tone="neutral">{isKnownKind(e.kind) ? t(`chart.kinds.${e.kind}`) : e.kind.replaceAll("_", " ")}</Badge>
              </div>
              {e.detail ? <p className="mt-0.5 text-sm text-ink-700">{e.detail}</p> : null}
              <p className="mt-0.5 text-[0.8125rem] text-ink-600 tabular-nums">
                <time dateTime={e.at}>{format.dateTime(e.at)}</time>
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
