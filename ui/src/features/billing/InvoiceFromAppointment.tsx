// "Create invoice" on a completed appointment (the Today board, the calendar's appointment panel;
// billing.write): `create_invoice_from_appointment` starts a draft with the consultation priced
// from the list (or the doctor's fee) and the draft opens. When the appointment is invoiced already
// Rust answers a conflict on `appointment_id`: its words are shown, with the existing invoice
// (found among the patient's invoices) to open instead.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileText, ReceiptText } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "wouter";
import { errorMessage } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { Appointment } from "../../api/generated";
import { clinicSettingsQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { clinicClock } from "../../lib/clinic-time";
import { useCan } from "../auth/session";
import { INVOICE_TABLES, invoicePath, invoiceWritten } from "./model";

/** The invoice of an appointment among its patient's (none: null). */
async function invoiceOf(appointment: Appointment, zone: string): Promise<{ id: string; number: string | null } | null> {
  const day = clinicClock(zone, new Date(appointment.starts_at)).date;
  const list = await call("list_invoices", { patient_id: appointment.patient_id, outstanding_only: false, number: "", limit: 200 });
  for (const summary of list.filter((i) => i.status !== "discarded" && i.service_date === day)) {
    const inv = await call("get_invoice", { invoice_id: summary.id });
    if (inv.appointment_id === appointment.id) return { id: inv.id, number: inv.number };
  }
  return null;
}

export function InvoiceFromAppointment({ appointment: a, size = "sm", className }: { appointment: Appointment; size?: "xs" | "sm" | "md"; className?: string }) {
  const { t } = useTranslation();
  const canWrite = useCan("billing.write");
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const settings = useQuery(clinicSettingsQuery());
  const [refusal, setRefusal] = useState<{ message: string; existing: { id: string; number: string | null } | null } | null>(null);
  const create = useMutation({
    mutationFn: () => call("create_invoice_from_appointment", { appointment_id: a.id }),
    onSuccess: async (inv) => {
      await invoiceWritten(queryClient, inv, INVOICE_TABLES.draft);
      navigate(invoicePath(inv.id));
    },
    onError: async (e) => {
      const invoiced = e instanceof CommandError && e.code === "conflict" && e.field === "appointment_id";
      const existing = invoiced && settings.data ? await invoiceOf(a, settings.data.time_zone).catch(() => null) : null;
      setRefusal({ message: errorMessage(e), existing });
    },
  });
  if (!canWrite || a.status !== "completed") return null;
  return (
    <>
      <Button
        size={size}
        className={className}
        icon={<ReceiptText aria-hidden="true" className="size-4" />}
        busy={create.isPending}
        aria-label={t("billing.fromAppointment.createFor", { name: a.patient_name })}
        data-testid={`invoice-appointment-${a.id}`}
        onClick={() => {
          setRefusal(null);
          create.mutate();
        }}
      >
        {t("billing.fromAppointment.create")}
      </Button>
      {/* Mounted when there is something to say: a board has one button per completed visit. */}
      {refusal ? (
        <Dialog
          open
          onClose={() => {
            setRefusal(null);
          }}
          title={refusal.existing ? t("billing.fromAppointment.invoicedTitle") : t("billing.fromAppointment.refusedTitle")}
          size="sm"
          testId="invoice-appointment-dialog"
        >
          <Banner tone={refusal.existing ? "info" : "error"} testId="invoice-appointment-error">
            {refusal.message}
          </Banner>
          <DialogActions>
            <Button
              onClick={() => {
                setRefusal(null);
              }}
              data-autofocus={refusal.existing ? undefined : true}
            >
              {t("common.close")}
            </Button>
            {refusal.existing ? (
              <Button
                variant="primary"
                data-autofocus
                icon={<FileText aria-hidden="true" className="size-4" />}
                data-testid="invoice-appointment-open"
                onClick={() => {
                  const target = refusal.existing;
                  setRefusal(null);
                  if (target) navigate(invoicePath(target.id));
                }}
              >
                {refusal.existing.number ? t("billing.fromAppointment.open", { number: refusal.existing.number }) : t("billing.fromAppointment.openDraft")}
              </Button>
            ) : null}
          </DialogActions>
        </Dialog>
      ) : null}
    </>
  );
}

