// The chart's consultations (`list_encounters`, an audited read; no note text): newest first,
// with their status, the assessment's first line and amendments; each opens the consultation.
import { useQuery } from "@tanstack/react-query";
import { ChevronRight, Stethoscope } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import type { EncounterSummary } from "../../api/generated";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { encounterPath, encountersQuery, encounterStatusLabel, statusTone } from "./model";

export function EncountersTab({ patientId, onNew }: { patientId: string; onNew: (() => void) | null }) {
  const { t } = useTranslation();
  const encounters = useQuery(encountersQuery(patientId));
  return (
    <div className="flex flex-col" data-testid="encounters-tab">
      <div className="flex flex-wrap items-center justify-between gap-3 px-6 pt-4 pb-3">
        <p className="text-sm text-ink-600">{t("records.encounters.lead")}</p>
        {onNew ? (
          <Button variant="primary" icon={<Stethoscope aria-hidden="true" className="size-4" />} data-testid="encounters-new" onClick={onNew}>
            {t("records.consultation.new")}
          </Button>
        ) : null}
      </div>
      <QueryList query={encounters} loadingLabel={t("records.encounters.loading")} isEmpty={(list) => list.length === 0} empty={<EmptyState title={t("records.encounters.empty")} />}>
        {(list) => <EncounterTable patientId={patientId} encounters={list} />}
      </QueryList>
    </div>
  );
}

function EncounterTable({ patientId, encounters }: { patientId: string; encounters: EncounterSummary[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="overflow-x-auto">
      <table className="data-table" data-testid="encounters-table">
        <caption className="sr-only">{t("records.encounters.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("records.encounters.started")}</th>
            <th scope="col">{t("records.encounters.doctor")}</th>
            <th scope="col">{t("records.encounters.status")}</th>
            <th scope="col">{t("records.encounters.assessment")}</th>
            <th scope="col">
              <span className="sr-only">{t("records.encounters.open")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {encounters.map((e) => {
            const error = e.status === "entered_in_error";
            return (
              <tr key={e.id} data-testid={`encounter-row-${e.id}`} data-status={e.status} className={error ? "text-ink-500" : undefined}>
                <td className="tabular-nums">
                  <Link href={encounterPath(patientId, e.id)} className="font-medium text-accent-800 hover:underline" data-testid={`encounter-open-${e.id}`}>
                    {format.dateTime(e.started_at)}
                  </Link>
                  {e.appointment_id === null ? <span className="ml-2 text-ink-600">{t("records.encounters.withoutAppointment")}</span> : null}
                </td>
                <td>{e.doctor_name}</td>
                <td>
                  <span className="flex items-center gap-1.5">
                    <Badge tone={statusTone[e.status]}>{encounterStatusLabel(t, e.status)}</Badge>
                    {e.amendments > 0 ? <Badge tone="neutral">{t("records.note.amendedCount", { count: e.amendments })}</Badge> : null}
                  </span>
                </td>
                <td className="max-w-[26rem] truncate" title={e.headline}>
                  {error ? (
                    <>
                      {e.headline ? <span className="mr-2 line-through">{e.headline}</span> : null}
                      <span className="font-medium text-warn-700">{t("records.enteredInErrorBecause", { reason: e.error_reason })}</span>
                    </>
                  ) : (
                    e.headline || <span className="text-ink-500">{t("records.encounters.noAssessment")}</span>
                  )}
                </td>
                <td className="text-right">
                  <Link href={encounterPath(patientId, e.id)} aria-label={t("records.encounters.openAt", { at: format.dateTime(e.started_at) })} className="inline-flex size-7 items-center justify-center rounded text-ink-600 hover:bg-ink-100 hover:text-ink-900">
                    <ChevronRight aria-hidden="true" className="size-4" />
                  </Link>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
