// The waiting queue per doctor (`waiting_queue`): tickets in calling order, who is with the
// doctor now, and "Call next" (`call_next_patient`: the first waiting patient's consultation
// starts and the doctor turns busy).
import type { UseQueryResult } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { BellRing, Stethoscope } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { Appointment, QueueEntry, StaffMember } from "../../api/generated";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { AvailabilityBadge } from "../staff/StaffPage";
import { doctorsQuery } from "../staff/StatusMenu";
import type { Consult } from "./board";

export function QueuePanel({
  queue,
  appointments,
  tickets,
  canCall,
  calling,
  onCallNext,
  consultOf,
  consulting,
  onConsult,
}: {
  queue: UseQueryResult<QueueEntry[]>;
  appointments: readonly Appointment[];
  tickets: ReadonlyMap<string, number>;
  canCall: boolean;
  /** The doctor whose next patient is being called. */
  calling: string | null;
  onCallNext: (doctor: StaffMember, next: QueueEntry | undefined) => void;
  /** Whether the signed-in clinician may start or open this appointment's consultation. */
  consultOf: (a: Appointment) => Consult;
  /** The appointment whose consultation is opening. */
  consulting: string | null;
  onConsult: (a: Appointment) => void;
}) {
  const { t } = useTranslation();
  const doctors = useQuery(doctorsQuery());
  const entries = queue.data ?? [];
  // Doctors with something today (or who are in): an absent doctor without patients is noise.
  const shown = (doctors.data?.members ?? []).filter(
    (d) => d.availability !== "offline" || entries.some((e) => e.appointment.doctor_id === d.id) || appointments.some((a) => a.doctor_id === d.id && a.status !== "cancelled"),
  );

  return (
    <Card className="overflow-hidden">
      <section aria-labelledby="queue-title" data-testid="queue-panel">
        <header className="border-b border-ink-100 px-4 py-3">
          <h2 id="queue-title" className="text-base font-semibold text-ink-900">
            {t("today.queue.title")}
          </h2>
        </header>
        <QueryList query={queue} loadingLabel={t("today.queue.loading")} isEmpty={() => shown.length === 0} empty={<EmptyState title={t("today.queue.noDoctors")} />}>
          {() => (
            <ul className="divide-y divide-ink-100">
              {shown.map((d) => {
                const waiting = entries.filter((e) => e.appointment.doctor_id === d.id);
                const withDoctor = appointments.filter((a) => a.doctor_id === d.id && a.status === "in_consultation");
                return (
                  <li key={d.id} className="px-4 py-3" data-testid={`queue-doctor-${d.username}`}>
                    <div className="flex items-start justify-between gap-3">
                      <div className="min-w-0">
                        <div className="truncate font-medium text-ink-900">{d.full_name}</div>
                        <div className="mt-0.5 flex flex-wrap items-center gap-2 text-[0.8125rem] text-ink-600">
                          <AvailabilityBadge availability={d.availability} />
                          <span>{t("today.queue.waitingCount", { count: waiting.length })}</span>
                        </div>
                      </div>
                      {canCall ? (
                        <Button
                          size="sm"
                          variant={waiting.length > 0 ? "primary" : "secondary"}
                          disabled={waiting.length === 0}
                          busy={calling === d.id}
                          data-testid={`call-next-${d.username}`}
                          icon={<BellRing aria-hidden="true" className="size-4" />}
                          onClick={() => {
                            onCallNext(d, waiting[0]);
                          }}
                        >
                          {t("today.queue.callNext")}
                        </Button>
                      ) : null}
                    </div>
                    {withDoctor.map((a) => (
                      <div key={a.id} className="mt-2 flex items-center justify-between gap-2">
                        <p className="min-w-0 truncate text-[0.8125rem] text-ink-700" data-testid={`queue-with-${d.username}`}>
                          <span className="font-semibold text-ok-700">{t("today.queue.withDoctor")}</span>{" "}
                          {tickets.has(a.id) ? <span className="font-mono font-semibold">#{tickets.get(a.id)} </span> : null}
                          {a.patient_name}
                        </p>
                        {consultOf(a) === "open" ? (
                          <Button size="xs" busy={consulting === a.id} disabled={consulting !== null} aria-label={t("records.consultation.openFor", { name: a.patient_name })} data-testid={`queue-open-${a.id}`} onClick={() => { onConsult(a); }}>
                            {t("records.consultation.open")}
                          </Button>
                        ) : null}
                      </div>
                    ))}
                    {waiting.length > 0 ? (
                      <ol className="mt-2 flex flex-col gap-1" aria-label={t("today.queue.listLabel", { name: d.full_name })}>
                        {waiting.map((e) => (
                          <li key={e.appointment.id} className="flex items-center gap-2.5 text-sm" data-testid={`queue-entry-${e.appointment.id}`}>
                            <span className="inline-flex h-6 min-w-9 items-center justify-center rounded bg-accent-50 px-1.5 font-mono text-[0.8125rem] font-semibold text-accent-800 ring-1 ring-accent-700/20" data-testid={`queue-ticket-${e.appointment.id}`}>
                              #{e.ticket}
                            </span>
                            <span className="min-w-0 flex-1 truncate text-ink-800">{e.appointment.patient_name}</span>
                            <span className="text-xs text-ink-500 tabular-nums">{t("today.queue.position", { position: e.position })}</span>
                            {consultOf(e.appointment) === "start" ? (
                              <Button
                                size="xs"
                                icon={<Stethoscope aria-hidden="true" className="size-3.5" />}
                                busy={consulting === e.appointment.id}
                                disabled={consulting !== null}
                                aria-label={t("records.consultation.startFor", { name: e.appointment.patient_name })}
                                data-testid={`queue-start-${e.appointment.id}`}
                                onClick={() => {
                                  onConsult(e.appointment);
                                }}
                              >
                                {t("records.consultation.start")}
                              </Button>
                            ) : null}
                          </li>
                        ))}
                      </ol>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </QueryList>
      </section>
    </Card>
  );
}
