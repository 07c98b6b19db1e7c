// The chart's Invoices tab (roles with billing.read): the patient's invoices, newest first, with
// their balances and what the patient owes in all; "New invoice" starts a draft for them.
import { useQuery } from "@tanstack/react-query";
import { FilePlus2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/Button";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useCan } from "../auth/session";
import { InvoiceTable } from "./InvoicesPage";
import { invoicesQuery, signOf, total } from "./model";
import { NewInvoiceDialog } from "./NewInvoiceDialog";

export function PatientInvoicesTab({ patient }: { patient: { id: string; name: string; mrn: string } }) {
  const { t } = useTranslation();
  const format = useFormat();
  const canWrite = useCan("billing.write");
  const [creating, setCreating] = useState(false);
  const list = useQuery(invoicesQuery({ patient_id: patient.id, outstanding_only: false, number: "", limit: 200 }));
  const owed = (list.data ?? []).filter((i) => i.status === "issued" && signOf(i.balance) > 0);
  return (
    <div className="flex flex-col" data-testid="chart-invoices">
      <div className="flex flex-wrap items-center justify-between gap-3 px-6 pt-4 pb-3">
        <p className="text-sm text-ink-700" data-testid="chart-invoices-owed">
          {list.data === undefined ? t("billing.chart.lead") : owed.length === 0 ? t("billing.chart.nothingOwed") : t("billing.chart.owed", { amount: format.money(total(owed.map((i) => i.balance))), count: owed.length })}
        </p>
        {canWrite ? (
          <Button variant="primary" icon={<FilePlus2 aria-hidden="true" className="size-4" />} data-testid="chart-invoice-new" onClick={() => { setCreating(true); }}>
            {t("billing.list.new")}
          </Button>
        ) : null}
      </div>
      <QueryList query={list} loadingLabel={t("billing.list.loading")} isEmpty={(rows) => rows.length === 0} empty={<EmptyState title={t("billing.chart.empty")} />}>
        {(rows) => <InvoiceTable rows={rows} showPatient={false} />}
      </QueryList>
      {canWrite ? (
        <NewInvoiceDialog
          open={creating}
          patient={patient}
          onClose={() => {
            setCreating(false);
          }}
        />
      ) : null}
    </div>
  );
}
