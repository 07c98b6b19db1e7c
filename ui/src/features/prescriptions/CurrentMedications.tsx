// The chart's medications: what the patient takes now (`current_medications`, worked out by Rust
// from signed prescriptions: active items whose course has not ended), with directions,
// prescriber, since when and until when (or ongoing); and every prescription of the patient
// (`list_prescriptions`, newest first) with its status, to open, continue or renew. Prescriptions
// open in a dialog with the prescription panel unless the chart handles `onOpenPrescription`.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CopyPlus, FilePlus2 } from "lucide-react";
import { Fragment, useState } from "react";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Prescription } from "../../api/generated";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { cn } from "../../components/cn";
import { Dialog } from "../../components/Dialog";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useCan } from "../auth/session";
import { useRxT } from "./i18n";
import { currentMedicationsQuery, prescriptionDate, prescriptionsQuery, prescriptionWritten, RX_TABLES } from "./model";
import { PrescriptionPanel, prescriptionStatusLabel, statusTone } from "./PrescriptionPanel";

export function CurrentMedications({ patientId, onOpenPrescription }: { patientId: string; onOpenPrescription?: (prescriptionId: string) => void }) {
  const rx = useRxT();
  const format = useFormat();
  const queryClient = useQueryClient();
  const canWrite = useCan("prescriptions.write");
  const current = useQuery(currentMedicationsQuery(patientId));
  const history = useQuery(prescriptionsQuery(patientId));
  // The prescription open in the dialog: an id, or "new" for a draft not started yet.
  const [opened, setOpened] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const open = (id: string) => {
    if (onOpenPrescription) onOpenPrescription(id);
    else setOpened(id);
  };
  const renew = useMutation({
    mutationFn: (p: Prescription) => call("renew_prescription", { prescription_id: p.id }),
    onMutate: () => {
      setFailure(null);
    },
    onSuccess: (next) => {
      prescriptionWritten(queryClient, next, RX_TABLES.renewed);
      open(next.id);
    },
    onError: (error) => {
      setFailure(errorMessage(error));
    },
  });

  return (
    <div className="flex flex-col gap-5" data-testid="medications-tab">
      {failure ? (
        <Banner tone="error" testId="form-error" className="mx-6">
          {failure}
        </Banner>
      ) : null}
      <section aria-labelledby="current-meds-title">
        <div className="flex flex-wrap items-end justify-between gap-3 px-6 pt-4 pb-3">
          <div>
            <h2 id="current-meds-title" className="text-base font-semibold text-ink-900">
              {rx("prescriptions.current.title")}
            </h2>
            <p className="text-sm text-ink-600">{rx("prescriptions.current.lead")}</p>
          </div>
          {canWrite ? (
            <Button
              variant="primary"
              icon={<FilePlus2 aria-hidden="true" className="size-4" />}
              data-testid="rx-chart-new"
              onClick={() => {
                setFailure(null);
                setOpened("new");
              }}
            >
              {rx("prescriptions.new")}
            </Button>
          ) : null}
        </div>
        <QueryList query={current} loadingLabel={rx("prescriptions.current.loading")} isEmpty={(list) => list.length === 0} empty={<EmptyState title={rx("prescriptions.current.none")} />}>
          {(list) => (
            <div className="overflow-x-auto">
              <table className="data-table" data-testid="current-medications">
                <caption className="sr-only">{rx("prescriptions.current.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{rx("prescriptions.current.medication")}</th>
                    <th scope="col">{rx("prescriptions.current.prescriber")}</th>
                    <th scope="col">{rx("prescriptions.current.since")}</th>
                    <th scope="col">{rx("prescriptions.current.ends")}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((m) => (
                    <tr key={m.item.id} data-testid={`current-${m.item.medication_id}`}>
                      <td className="max-w-[28rem] whitespace-normal">
                        <span className="font-semibold text-ink-900">{m.item.medication_name}</span>
                        <span className="block text-ink-800">{m.item.directions}</span>
                        {m.item.instructions ? <span className="block text-ink-600">{m.item.instructions}</span> : null}
                      </td>
                      <td>{m.prescriber_name}</td>
                      <td className="tabular-nums">{format.date(m.signed_at)}</td>
                      <td className="tabular-nums">{m.ends_on === null ? <Badge tone="info">{rx("prescriptions.current.ongoing")}</Badge> : format.calendarDate(m.ends_on)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryList>
      </section>
      <section aria-labelledby="rx-history-title" className="border-t border-ink-100">
        <div className="px-6 pt-4 pb-3">
          <h2 id="rx-history-title" className="text-base font-semibold text-ink-900">
            {rx("prescriptions.history.title")}
          </h2>
          <p className="text-sm text-ink-600">{rx("prescriptions.history.lead")}</p>
        </div>
        <QueryList query={history} loadingLabel={rx("prescriptions.history.loading")} isEmpty={(list) => list.length === 0} empty={<EmptyState title={rx("prescriptions.history.none")} />}>
          {(list) => (
            <div className="overflow-x-auto">
              <table className="data-table" data-testid="rx-history">
                <caption className="sr-only">{rx("prescriptions.history.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{rx("prescriptions.history.date")}</th>
                    <th scope="col">{rx("prescriptions.statusLabel")}</th>
                    <th scope="col">{rx("prescriptions.history.medications")}</th>
                    <th scope="col">{rx("prescriptions.history.prescriber")}</th>
                    <th scope="col">{rx("prescriptions.history.code")}</th>
                    <th scope="col" className="text-right">
                      <span className="sr-only">{rx("medications.colActions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => {
                    const date = format.date(prescriptionDate(p));
                    return (
                      <tr key={p.id} data-testid={`rx-history-${p.id}`} data-status={p.status} className={p.status === "entered_in_error" ? "text-ink-500" : undefined}>
                        <td className="tabular-nums">{date}</td>
                        <td>
                          <Badge tone={statusTone[p.status]}>{prescriptionStatusLabel(rx, p.status)}</Badge>
                        </td>
                        <td className="max-w-[24rem] whitespace-normal">
                          {p.items.map((i, n) => (
                            <Fragment key={i.id}>
                              {n > 0 ? ", " : ""}
                              <span className={cn(i.status !== "active" && "line-through")}>{i.medication_name}</span>
                            </Fragment>
                          ))}
                        </td>
                        <td>{p.prescriber_name}</td>
                        <td className="font-mono text-[0.8125rem]">{p.verification_code ?? ""}</td>
                        <td className="text-right">
                          <div className="flex justify-end gap-1" role="group" aria-label={rx("prescriptions.history.actionsFor", { date })}>
                            <Button
                              size="xs"
                              variant="ghost"
                              aria-label={rx("prescriptions.history.openFor", { date })}
                              data-testid={`rx-history-open-${p.id}`}
                              onClick={() => {
                                open(p.id);
                              }}
                            >
                              {rx("prescriptions.history.open")}
                            </Button>
                            {canWrite && p.status === "signed" ? (
                              <Button
                                size="xs"
                                variant="ghost"
                                icon={<CopyPlus aria-hidden="true" className="size-3.5" />}
                                aria-label={rx("prescriptions.renewFor", { date })}
                                busy={renew.isPending && renew.variables.id === p.id}
                                data-testid={`rx-history-renew-${p.id}`}
                                onClick={() => {
                                  renew.mutate(p);
                                }}
                              >
                                {rx("prescriptions.renew")}
                              </Button>
                            ) : null}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </QueryList>
      </section>
      <Dialog
        open={opened !== null}
        onClose={() => {
          setOpened(null);
        }}
        title={rx("prescriptions.title")}
        size="lg"
        testId="rx-dialog"
      >
        {opened !== null ? (
          <PrescriptionPanel
            framed={false}
            patientId={patientId}
            prescriptionId={opened === "new" ? null : opened}
            onPrescriptionChange={(id) => {
              setOpened(id);
            }}
          />
        ) : null}
      </Dialog>
    </div>
  );
}
