// Invoices (`/billing`, `list_invoices`): newest first, found by number (or its end: "42"), by
// status, or only those with money still owed; each row opens the invoice. "New invoice" starts a
// draft for a patient (billing.write). Balances are Rust's; overdue ones are marked.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ChevronRight, FilePlus2, Search } from "lucide-react";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "wouter";
import type { InvoiceStatus, InvoiceSummary } from "../../api/generated";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { CheckboxField, SelectField } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { QueryList } from "../../components/QueryList";
import { EmptyState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useCan } from "../auth/session";
import { useDebounced } from "../prescriptions/SearchCombobox";
import { invoicePath, invoicesQuery, overdue, paymentStatusOf, useClinicDate } from "./model";
import { NewInvoiceDialog } from "./NewInvoiceDialog";
import { InvoiceBadges } from "./parts";

const STATUSES: readonly InvoiceStatus[] = ["draft", "issued", "discarded"];
const PAGE = 50;

export function InvoicesPage() {
  const { t } = useTranslation();
  const canWrite = useCan("billing.write");
  const id = useId();
  const [number, setNumber] = useState("");
  const [status, setStatus] = useState<InvoiceStatus | "">("");
  const [outstanding, setOutstanding] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const [creating, setCreating] = useState(false);
  const typed = useDebounced(number.trim(), 150);
  const input = { number: typed, status: status === "" ? null : status, outstanding_only: outstanding, limit };
  const list = useQuery({ ...invoicesQuery(input), placeholderData: keepPreviousData });
  const filtered = typed !== "" || status !== "" || outstanding;
  return (
    <>
      <PageHeader
        title={t("nav.invoices")}
        lead={t("billing.list.lead")}
        testId="invoices-title"
        actions={
          canWrite ? (
            <Button variant="primary" icon={<FilePlus2 aria-hidden="true" className="size-4" />} data-testid="invoices-new" onClick={() => { setCreating(true); }}>
              {t("billing.list.new")}
            </Button>
          ) : null
        }
      />
      <Card className="overflow-hidden">
        <div className="flex flex-wrap items-end gap-x-4 gap-y-3 border-b border-ink-100 px-4 py-3" role="search" aria-label={t("billing.list.filters")}>
          <div className="flex min-w-64 flex-1 flex-col gap-1.5">
            <label htmlFor={`${id}-number`} className="text-sm font-medium text-ink-800">
              {t("billing.list.number")}
            </label>
            <div className="relative">
              <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4.5 -translate-y-1/2 text-ink-500" />
              <input
                id={`${id}-number`}
                type="search"
                className="input pl-9"
                autoComplete="off"
                spellCheck={false}
                placeholder={t("billing.list.numberPlaceholder")}
                value={number}
                data-testid="invoices-number"
                onChange={(e) => {
                  setNumber(e.target.value);
                  setLimit(PAGE);
                }}
              />
            </div>
          </div>
          <SelectField
            label={t("billing.list.status")}
            name="status"
            className="w-48"
            testId="invoices-status"
            value={status}
            onChange={(e) => {
              const v = e.target.value;
              setStatus(v === "draft" || v === "issued" || v === "discarded" ? v : "");
              setLimit(PAGE);
            }}
          >
            <option value="">{t("billing.list.anyStatus")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`billing.status.${s}`)}
              </option>
            ))}
          </SelectField>
          <CheckboxField
            label={t("billing.list.outstanding")}
            name="outstanding_only"
            className="pb-2.5"
            testId="invoices-outstanding"
            checked={outstanding}
            onChange={(e) => {
              setOutstanding(e.target.checked);
              setLimit(PAGE);
            }}
          />
        </div>
        <QueryList
          query={list}
          loadingLabel={t("billing.list.loading")}
          isEmpty={(rows) => rows.length === 0}
          empty={<EmptyState title={filtered ? t("billing.list.noMatch") : t("billing.list.empty")}>{filtered ? null : t("billing.list.emptyHint")}</EmptyState>}
        >
          {(rows) => (
            <>
              <InvoiceTable rows={rows} query={typed} />
              {rows.length >= limit && limit < 200 ? (
                <div className="flex justify-center border-t border-ink-100 px-4 py-3">
                  <Button
                    size="sm"
                    data-testid="invoices-more"
                    onClick={() => {
                      setLimit((l) => Math.min(200, l + PAGE));
                    }}
                  >
                    {t("billing.list.more")}
                  </Button>
                </div>
              ) : null}
            </>
          )}
        </QueryList>
      </Card>
      {canWrite ? (
        <NewInvoiceDialog
          open={creating}
          onClose={() => {
            setCreating(false);
          }}
        />
      ) : null}
    </>
  );
}

/** Invoices as rows (the list page, the chart's tab); each opens the invoice. */
export function InvoiceTable({ rows, query = "", showPatient = true }: { rows: readonly InvoiceSummary[]; query?: string; showPatient?: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const today = useClinicDate();
  const [, navigate] = useLocation();
  return (
    <div className="overflow-x-auto">
      <table className="data-table" data-testid="invoices-table" data-query={query}>
        <caption className="sr-only">{t("billing.list.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("billing.list.colNumber")}</th>
            {showPatient ? <th scope="col">{t("billing.list.colPatient")}</th> : null}
            <th scope="col">{t("billing.list.colDate")}</th>
            <th scope="col">{t("billing.list.colDoctor")}</th>
            <th scope="col">{t("billing.list.colStatus")}</th>
            <th scope="col" className="text-right">
              {t("billing.list.colTotal")}
            </th>
            <th scope="col" className="text-right">
              {t("billing.list.colPaid")}
            </th>
            <th scope="col" className="text-right">
              {t("billing.list.colBalance")}
            </th>
            <th scope="col">
              <span className="sr-only">{t("billing.list.open")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const late = overdue(r, today);
            return (
              // A click anywhere on the row opens it (the number is its link, for the keyboard).
              <tr
                key={r.id}
                className="cursor-pointer"
                data-testid={`invoice-row-${r.id}`}
                data-status={r.status}
                onClick={(e) => {
                  if (!(e.target instanceof Element && e.target.closest("a"))) navigate(invoicePath(r.id));
                }}
              >
                <td>
                  <Link href={invoicePath(r.id)} className="font-mono font-medium text-accent-800 hover:underline" data-testid={`invoice-open-${r.id}`}>
                    {r.number ?? t("billing.list.draftNumber")}
                  </Link>
                </td>
                {showPatient ? (
                  <td className="max-w-64 truncate">
                    <span className="font-medium text-ink-900">{r.patient.name}</span>
                    <span className="ml-2 font-mono text-xs text-ink-600">{r.patient.mrn}</span>
                  </td>
                ) : null}
                <td className="tabular-nums">{format.calendarDate(r.service_date)}</td>
                <td className="max-w-48 truncate">{r.doctor_name ?? <span className="text-ink-500">{t("common.none")}</span>}</td>
                <td>
                  <InvoiceBadges status={r.status} payment={paymentStatusOf(r)} overdue={late} />
                </td>
                <td className="text-right tabular-nums">{format.money(r.total)}</td>
                <td className="text-right tabular-nums">{r.status === "issued" ? format.money(r.paid) : ""}</td>
                <td className="text-right font-semibold tabular-nums" data-testid={`invoice-balance-${r.id}`}>
                  {r.status === "issued" ? format.money(r.balance) : ""}
                </td>
                <td className="text-right">
                  <ChevronRight aria-hidden="true" className="inline size-4 text-ink-500" />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
