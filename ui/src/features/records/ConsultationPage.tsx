// The consultation screen (`/patients/:patientId/encounters/:id`, `get_encounter`, an audited
// read): who the patient is and what must not be missed (allergies, alerts), the SOAP note with
// its signing, amendments and history, vitals, and the files attached. The main column grows
// downwards section by section (the note, the ICD-10 diagnoses, the prescription),
// the side column holds what is recorded alongside (vitals, attachments).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Ban, Paperclip, ShieldAlert } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "wouter";
import { call } from "../../api/gateway";
import { errorMessage } from "../../api/errors";
import type { Encounter, PatientChart } from "../../api/generated";
import { patientChartQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useCan, useSession } from "../auth/session";
import { ageText, fullName, sexLabel } from "../patients/model";
import { AllergyBanner } from "../patients/PatientChartPage";
import { PrescriptionPanel } from "../prescriptions/PrescriptionPanel";
import { AttachmentsPanel } from "./AttachmentsPanel";
import { DiagnosesPanel } from "./diagnoses/DiagnosesPanel";
import { encounterQuery, encounterStatusLabel, encounterWritten, RECORDS_TABLES, statusTone } from "./model";
import { NotePanel } from "./NotePanel";
import { ReasonDialog, type ReasonRequest } from "./ReasonDialog";
import { VitalsPanel } from "./VitalsPanel";

export function ConsultationPage() {
  const { t } = useTranslation();
  const { patientId, id } = useParams<{ patientId: string; id: string }>();
  const encounter = useQuery(encounterQuery(id));
  // The chart follows a merge to the surviving record, as the encounter itself does.
  const chart = useQuery(patientChartQuery(patientId));
  const chartId = chart.data?.patient.id ?? patientId;
  return (
    <>
      <Link href={`/patients/${chartId}`} className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-accent-700 hover:text-accent-900" data-testid="consultation-back">
        <ArrowLeft aria-hidden="true" className="size-4" />
        {chart.data ? t("records.consultation.backTo", { name: fullName(chart.data.patient) }) : t("records.consultation.back")}
      </Link>
      {encounter.isPending ? (
        <Card>
          <LoadingState label={t("records.consultation.loading")} />
        </Card>
      ) : encounter.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(encounter.error)}
        </Banner>
      ) : (
        <Consultation encounter={encounter.data} chart={chart.data} />
      )}
    </>
  );
}

function Consultation({ encounter, chart }: { encounter: Encounter; chart: PatientChart | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const canSign = useCan("clinical.sign");
  const canReadPrescriptions = useCan("prescriptions.read");
  const [notice, setNotice] = useState<string | null>(null);
  const [marking, setMarking] = useState<ReasonRequest | null>(null);
  const { summary } = encounter;
  const patient = chart?.patient;
  const errored = summary.status === "entered_in_error";
  const mine = summary.doctor_id === user.id;

  const markError = () => {
    setNotice(null);
    setMarking({
      title: t("records.consultation.errorTitle"),
      lead: t("records.consultation.errorLead"),
      confirmLabel: t("records.markError"),
      tone: "danger",
      required: true,
      submit: async (reason) => {
        const marked = await call("mark_encounter_entered_in_error", { encounter_id: summary.id, reason });
        encounterWritten(queryClient, marked, RECORDS_TABLES.encounter);
      },
      done: () => {
        setMarking(null);
        setNotice(t("records.consultation.markedError"));
      },
    });
  };

  return (
    <div className="flex flex-col gap-4" data-testid="consultation" data-status={summary.status}>
      <Card className="flex flex-wrap items-start gap-x-6 gap-y-3 px-6 py-4">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <h1 className="text-2xl font-semibold tracking-tight text-ink-900" data-testid="consultation-patient">
              {patient ? fullName(patient) : t("common.loading")}
            </h1>
            {patient ? (
              <span className="rounded-md bg-ink-100 px-2 py-0.5 font-mono text-sm font-medium text-ink-800" data-testid="consultation-mrn">
                <span className="sr-only">{t("chart.mrn")} </span>
                {patient.mrn}
              </span>
            ) : null}
          </div>
          {patient ? (
            <p className="mt-1 text-[0.9375rem] text-ink-700" data-testid="consultation-facts">
              {ageText(t, patient)} · {sexLabel(t, patient.sex)}
              {patient.date_of_birth && !patient.dob_estimated ? <span className="text-ink-600"> · {t("chart.born", { date: format.calendarDate(patient.date_of_birth) })}</span> : null}
            </p>
          ) : null}
        </div>
        <div className="flex min-w-0 flex-col items-start gap-1 text-[0.875rem] text-ink-700 md:items-end">
          <Badge tone={statusTone[summary.status]} className="text-[0.8125rem]">
            <span data-testid="consultation-status">{encounterStatusLabel(t, summary.status)}</span>
          </Badge>
          <span>{t("records.consultation.started", { at: format.dateTime(summary.started_at), doctor: summary.doctor_name })}</span>
          <span className="text-ink-600">{summary.appointment_id ? t("records.consultation.fromAppointment") : t("records.consultation.withoutAppointment")}</span>
        </div>
        {canSign && mine && !errored ? (
          <div className="flex shrink-0 gap-2 self-center">
            <Button variant="ghost" className="text-danger-700! hover:bg-danger-50" icon={<Ban aria-hidden="true" className="size-4" />} data-testid="consultation-mark-error" onClick={markError}>
              {t("records.consultation.markError")}
            </Button>
          </div>
        ) : null}
      </Card>
      {chart ? <AllergyBanner allergies={chart.allergies.filter((a) => a.status === "active")} /> : null}
      {patient && patient.alerts.trim() !== "" ? (
        <p className="flex items-center gap-2.5 rounded-lg border border-warn-700/40 bg-warn-50 px-4 py-2 text-[0.9375rem] text-ink-900" data-testid="consultation-alerts">
          <ShieldAlert aria-hidden="true" className="size-5 shrink-0 text-warn-700" />
          <span className="text-xs font-bold tracking-wide text-warn-700 uppercase">{t("chart.alerts")}</span>
          <span className="font-medium whitespace-pre-line">{patient.alerts}</span>
        </p>
      ) : null}
      {errored ? (
        <Banner tone="warning" testId="consultation-error-banner">
          {t("records.consultation.enteredInError", { reason: summary.error_reason })}
        </Banner>
      ) : null}
      {notice ? (
        <Banner tone="success" testId="consultation-notice">
          {notice}
        </Banner>
      ) : null}
      <div className="grid items-start gap-5 xl:grid-cols-[minmax(0,1fr)_25rem]">
        <div className="flex min-w-0 flex-col gap-4" data-testid="consultation-main">
          <NotePanel encounter={encounter} onNotice={setNotice} />
          <DiagnosesPanel encounter={encounter} />
          {canReadPrescriptions && !errored ? <PrescriptionPanel patientId={summary.patient_id} encounterId={summary.id} /> : null}
        </div>
        <div className="flex min-w-0 flex-col gap-4" data-testid="consultation-side">
          <VitalsPanel encounter={encounter} />
          <Card className="overflow-hidden">
            <section aria-labelledby="attachments-title">
              <header className="flex items-center gap-2 border-b border-ink-100 px-4 py-3">
                <Paperclip aria-hidden="true" className="size-4.5 text-accent-700" />
                <h2 id="attachments-title" className="text-base font-semibold text-ink-900">
                  {t("records.attachments.title")}
                </h2>
              </header>
              <div className="pb-2">
                <AttachmentsPanel patientId={summary.patient_id} encounterId={summary.id} attachments={encounter.attachments} allowAdd={!errored} />
              </div>
            </section>
          </Card>
        </div>
      </div>
      <ReasonDialog
        request={marking}
        testId="encounter-error-dialog"
        onClose={() => {
          setMarking(null);
        }}
      />
    </div>
  );
}
