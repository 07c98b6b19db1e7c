// Outstanding balances (`/billing/outstanding`, billing.read): every patient who owes money,
// largest balance first, with their unpaid issued invoices (overdue ones marked against the
// clinic's today), the total owed, links to each invoice and to the chart, and the list as CSV
// for the accountant (`export_outstanding_csv`, reports.finance).
import { useMutation, useQuery } from "@tanstack/react-query";
import { Download, Search } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { InvoiceSummary, OutstandingPatient } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { PageHeader } from "../../components/PageHeader";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { cn } from "../../components/cn";
import { useFormat } from "../../lib/format";
import { useCan } from "../auth/session";
import { daysBetween, saveCsv, sumDecimals, useClinicToday } from "./backoffice";

const linkClass = "font-medium text-accent-800 underline decoration-accent-300 underline-offset-2 hover:decoration-accent-700";

export function OutstandingPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const today = useClinicToday();
  const canExport = useCan("reports.finance");
  const outstanding = useQuery({ ...commandQuery("list_outstanding", {}), staleTime: 0 });
  const [text, setText] = useState("");
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const exportCsv = useMutation({
    mutationFn: () => call("export_outstanding_csv", {}),
    onMutate: () => {
      setNotice(null);
    },
    onSuccess: (csv) => {
      setNotice(saveCsv(csv) ? t("backoffice.csvSaved", { name: csv.file_name, count: csv.rows }) : t("backoffice.csvNotSaved"));
    },
  });
  const isOverdue = (i: InvoiceSummary) => today !== null && i.due_date !== null && i.due_date < today;
  const needle = text.trim().toLowerCase();
  const matches = (p: OutstandingPatient) =>
    (needle === "" || p.patient.name.toLowerCase().includes(needle) || p.patient.mrn.toLowerCase().includes(needle) || p.invoices.some((i) => (i.number ?? "").toLowerCase().includes(needle))) &&
    (!overdueOnly || p.invoices.some(isOverdue));

  return (
    <>
      <PageHeader
        title={t("backoffice.outstanding.title")}
        lead={t("backoffice.outstanding.lead")}
        testId="outstanding-title"
        actions={
          canExport ? (
            <Button
              icon={<Download aria-hidden="true" className="size-4" />}
              busy={exportCsv.isPending}
              data-testid="outstanding-export"
              onClick={() => {
                exportCsv.mutate();
              }}
            >
              {t("backoffice.exportCsv")}
            </Button>
          ) : null
        }
      />
      {notice ? (
        <Banner tone="success" testId="outstanding-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      {exportCsv.isError ? (
        <Banner tone="error" testId="form-error" className="mb-4">
          {errorMessage(exportCsv.error)}
        </Banner>
      ) : null}
      {outstanding.data ? (
        <dl className="mb-4 grid grid-cols-3 gap-3" data-testid="outstanding-summary">
          <SummaryTile label={t("backoffice.outstanding.totalOwed")} value={format.money(outstanding.data.total_balance)} testId="outstanding-total" strong />
          <SummaryTile label={t("backoffice.outstanding.patients")} value={String(outstanding.data.patients.length)} testId="outstanding-patient-count" />
          <SummaryTile label={t("backoffice.outstanding.invoices")} value={String(outstanding.data.invoice_count)} testId="outstanding-invoice-count" />
        </dl>
      ) : null}
      <Card>
        <div className="flex flex-wrap items-end gap-4 border-b border-ink-100 px-4 py-3">
          <div className="flex min-w-72 flex-1 flex-col gap-1.5">
            <label htmlFor="outstanding-search" className="text-sm font-medium text-ink-800">
              {t("backoffice.outstanding.search")}
            </label>
            <div className="relative">
              <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4.5 -translate-y-1/2 text-ink-500" />
              <input
                id="outstanding-search"
                type="search"
                className="input pl-9"
                autoComplete="off"
                spellCheck={false}
                placeholder={t("backoffice.outstanding.searchPlaceholder")}
                value={text}
                data-testid="outstanding-search"
                onChange={(e) => {
                  setText(e.target.value);
                }}
              />
            </div>
          </div>
          <label className="flex items-center gap-2.5 pb-2.5 text-[0.9375rem] text-ink-800">
            <input
              type="checkbox"
              className="size-5 accent-accent-700"
              data-testid="outstanding-overdue-only"
              checked={overdueOnly}
              onChange={(e) => {
                setOverdueOnly(e.target.checked);
              }}
            />
            {t("backoffice.outstanding.overdueOnly")}
          </label>
        </div>
        <QueryList
          query={outstanding}
          loadingLabel={t("backoffice.outstanding.loading")}
          isEmpty={(o) => o.patients.length === 0}
          empty={<EmptyState title={t("backoffice.outstanding.none")}>{t("backoffice.outstanding.noneHint")}</EmptyState>}
        >
          {(data) => {
            const shown = data.patients.filter(matches);
            if (shown.length === 0) return <EmptyState title={t("backoffice.outstanding.noMatch")} />;
            return (
              <div className="max-h-[calc(100vh-22rem)] overflow-auto">
                <table className="data-table" data-testid="outstanding-table">
                  <caption className="sr-only">{t("backoffice.outstanding.title")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("backoffice.outstanding.colInvoice")}</th>
                      <th scope="col">{t("backoffice.outstanding.colIssued")}</th>
                      <th scope="col">{t("backoffice.outstanding.colDue")}</th>
                      <th scope="col" className="text-right">
                        {t("backoffice.outstanding.colTotal")}
                      </th>
                      <th scope="col" className="text-right">
                        {t("backoffice.outstanding.colPaid")}
                      </th>
                      <th scope="col" className="text-right">
                        {t("backoffice.outstanding.colCredited")}
                      </th>
                      <th scope="col" className="text-right">
                        {t("backoffice.outstanding.colBalance")}
                      </th>
                    </tr>
                  </thead>
                  {shown.map((p) => (
                    <tbody key={p.patient.id} data-testid={`outstanding-patient-${p.patient.mrn}`}>
                      <tr className="bg-ink-50/70 hover:bg-ink-50/70!">
                        <th scope="rowgroup" colSpan={6} className="static! border-b border-ink-200 bg-transparent pt-3 text-left text-sm font-normal tracking-normal normal-case">
                          <Link href={`/patients/${p.patient.id}`} className={cn(linkClass, "text-[0.9375rem]")} data-testid={`outstanding-chart-${p.patient.mrn}`}>
                            {p.patient.name}
                          </Link>
                          <span className="ml-2 font-mono text-ink-600">{p.patient.mrn}</span>
                          <span className="ml-3 text-ink-600">{t("backoffice.outstanding.invoiceCount", { count: p.invoices.length })}</span>
                        </th>
                        <td className="border-b border-ink-200 pt-3 text-right font-semibold text-ink-900 tabular-nums" data-testid={`outstanding-balance-${p.patient.mrn}`}>
                          {format.money(p.balance)}
                        </td>
                      </tr>
                      {p.invoices.map((i) => {
                        const overdue = isOverdue(i);
                        return (
                          <tr key={i.id} data-testid={`outstanding-invoice-${i.number ?? i.id}`} data-overdue={overdue}>
                            <td className="pl-6">
                              <Link href={`/billing/invoices/${i.id}`} className={cn(linkClass, "font-mono")}>
                                {i.number ?? t("backoffice.outstanding.draft")}
                              </Link>
                            </td>
                            <td className="tabular-nums">{i.issued_at ? format.date(i.issued_at) : t("common.none")}</td>
                            <td className="tabular-nums">
                              {i.due_date ? (
                                <span className={overdue ? "font-semibold text-danger-700" : undefined}>{format.calendarDate(i.due_date)}</span>
                              ) : (
                                t("common.none")
                              )}
                              {overdue && today !== null && i.due_date !== null ? (
                                <Badge tone="danger" className="ml-2">
                                  {t("backoffice.outstanding.overdue", { count: daysBetween(i.due_date, today) })}
                                </Badge>
                              ) : null}
                            </td>
                            <td className="text-right tabular-nums">{format.money(i.total)}</td>
                            <td className="text-right tabular-nums">{format.money(i.paid)}</td>
                            <td className="text-right tabular-nums">{format.money(i.credited)}</td>
                            <td className="text-right font-medium text-ink-900 tabular-nums">{format.money(i.balance)}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  ))}
                  <tfoot>
                    <tr className="bg-white">
                      <th scope="row" colSpan={6} className="static! border-t-2 border-ink-300 bg-white py-2.5 text-left text-sm text-ink-900 normal-case">
                        {shown.length === data.patients.length ? t("backoffice.outstanding.total") : t("backoffice.outstanding.totalShown", { count: shown.length })}
                      </th>
                      <td className="border-t-2 border-ink-300 py-2.5 text-right text-base font-semibold text-ink-900 tabular-nums" data-testid="outstanding-table-total">
                        {shown.length === data.patients.length ? format.money(data.total_balance) : format.money(sumDecimals(shown.map((p) => p.balance)))}
                      </td>
                    </tr>
                  </tfoot>
                </table>
              </div>
            );
          }}
        </QueryList>
      </Card>
    </>
  );
}

function SummaryTile({ label, value, testId, strong = false }: { label: string; value: string; testId: string; strong?: boolean }) {
  return (
    <div className="rounded-lg border border-ink-200 bg-white px-4 py-3 shadow-xs">
      <dt className="text-sm text-ink-600">{label}</dt>
      <dd className={cn("mt-0.5 tabular-nums", strong ? "text-2xl font-semibold text-ink-900" : "text-xl font-medium text-ink-800")} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
