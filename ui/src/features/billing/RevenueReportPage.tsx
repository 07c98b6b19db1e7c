// The revenue report (`/billing/reports`, reports.finance: accountants and administrators): over
// a period of clinic days (this month unless chosen), grouped by day, month, service, doctor or
// payment method: what was invoiced less what was credited (by method: collected less refunded),
// the tax in it, and a total; each row's net drawn as a bar beside it. "Export CSV" saves the
// same report as Rust writes it (`export_revenue_csv`).
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage, formFieldOf, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { RevenueGrouping, RevenueReport, RevenueReportInput, RevenueRow } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { cn } from "../../components/cn";
import { TextField } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState, LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { monthOf, PAYMENT_METHODS, saveCsv, useClinicToday } from "./backoffice";

const GROUPINGS: readonly RevenueGrouping[] = ["day", "month", "service", "doctor", "method"];

interface Period {
  from: string;
  to: string;
}

export function RevenueReportPage() {
  const { t } = useTranslation();
  const today = useClinicToday();
  const [chosen, setChosen] = useState<Period | null>(null);
  const period = chosen ?? (today === null ? null : monthOf(today));
  const [group, setGroup] = useState<RevenueGrouping>("day");
  const [notice, setNotice] = useState<string | null>(null);
  const input: RevenueReportInput | null = period && period.from !== "" && period.to !== "" ? { from: period.from, to: period.to, group_by: group } : null;
  const report = useQuery({
    ...commandQuery("revenue_report", input ?? { from: "", to: "", group_by: group }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const exportCsv = useMutation({
    mutationFn: (i: RevenueReportInput) => call("export_revenue_csv", i),
    onMutate: () => {
      setNotice(null);
    },
    onSuccess: (csv) => {
      setNotice(saveCsv(csv) ? t("backoffice.csvSaved", { name: csv.file_name, count: csv.rows }) : t("backoffice.csvNotSaved"));
    },
  });
  const error = report.error;
  const fieldOfError = error instanceof CommandError && error.field !== undefined ? formFieldOf(error.field, ["from", "to"] as const) : undefined;
  const setDate = (key: keyof Period, value: string) => {
    setNotice(null);
    setChosen({ ...(period ?? { from: "", to: "" }), [key]: value });
  };
  const presets = today === null ? [] : ([
    ["thisMonth", monthOf(today)],
    ["lastMonth", monthOf(today, -1)],
    ["thisYear", { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` }],
  ] as const);

  return (
    <>
      <PageHeader
        title={t("backoffice.revenue.title")}
        lead={t("backoffice.revenue.lead")}
        testId="revenue-title"
        actions={
          <Button
            icon={<Download aria-hidden="true" className="size-4" />}
            disabled={input === null || report.isError}
            busy={exportCsv.isPending}
            data-testid="revenue-export"
            onClick={() => {
              if (input) exportCsv.mutate(input);
            }}
          >
            {t("backoffice.exportCsv")}
          </Button>
        }
      />
      {notice ? (
        <Banner tone="success" testId="revenue-notice" className="mb-4">
          {notice}
        </Banner>
      ) : null}
      {exportCsv.isError ? (
        <Banner tone="error" testId="export-error" className="mb-4">
          {errorMessage(exportCsv.error)}
        </Banner>
      ) : null}
      <Card>
        <div className="flex flex-wrap items-end gap-x-3 gap-y-3 border-b border-ink-100 px-4 py-3">
          <TextField
            label={t("backoffice.revenue.from")}
            name="from"
            type="date"
            className="w-40"
            testId="revenue-from"
            value={period?.from ?? ""}
            max={period?.to}
            error={input === null && period?.from === "" ? t("backoffice.revenue.dateRequired") : fieldOfError === "from" && error ? sentence(error.message) : undefined}
            onChange={(e) => {
              setDate("from", e.target.value);
            }}
          />
          <TextField
            label={t("backoffice.revenue.to")}
            name="to"
            type="date"
            className="w-40"
            testId="revenue-to"
            value={period?.to ?? ""}
            min={period?.from}
            error={input === null && period?.to === "" ? t("backoffice.revenue.dateRequired") : fieldOfError === "to" && error ? sentence(error.message) : undefined}
            onChange={(e) => {
              setDate("to", e.target.value);
            }}
          />
          <div className="flex gap-1 pb-0.5" role="group" aria-label={t("backoffice.revenue.presets")}>
            {presets.map(([key, p]) => (
              <Button
                key={key}
                size="sm"
                variant="ghost"
                aria-pressed={period?.from === p.from && period.to === p.to}
                className="aria-pressed:bg-accent-50 aria-pressed:text-accent-800"
                data-testid={`revenue-preset-${key}`}
                onClick={() => {
                  setNotice(null);
                  setChosen(p);
                }}
              >
                {t(`backoffice.revenue.${key}`)}
              </Button>
            ))}
          </div>
          <fieldset className="ml-auto flex flex-col gap-1.5">
            <legend className="mb-1.5 text-sm font-medium text-ink-800">{t("backoffice.revenue.groupBy")}</legend>
            <div className="flex overflow-hidden rounded-md border border-ink-400" data-testid="revenue-group">
              {GROUPINGS.map((g) => (
                <label
                  key={g}
                  className={cn(
                    "relative flex h-9 cursor-pointer items-center border-l border-ink-300 px-3 text-sm font-medium first:border-l-0 has-[:focus-visible]:outline-3 has-[:focus-visible]:-outline-offset-3 has-[:focus-visible]:outline-accent-600",
                    g === group ? "bg-accent-700 text-white" : "bg-white text-ink-700 hover:bg-ink-50",
                  )}
                >
                  <input
                    type="radio"
                    name="group_by"
                    value={g}
                    className="sr-only"
                    checked={g === group}
                    data-testid={`revenue-group-${g}`}
                    onChange={() => {
                      setNotice(null);
                      setGroup(g);
                    }}
                  />
                  {t(`backoffice.revenue.by.${g}`)}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        {report.isError && fieldOfError === undefined ? (
          <div className="p-4">
            <Banner tone="error" testId="form-error">
              {errorMessage(report.error)}
            </Banner>
          </div>
        ) : report.data === undefined ? (
          input === null || report.isError ? null : <LoadingState label={t("backoffice.revenue.loading")} />
        ) : (
          <RevenueTable report={report.data} current={!report.isPlaceholderData && !report.isFetching && input !== null && report.data.group_by === input.group_by && report.data.from === input.from && report.data.to === input.to} />
        )}
      </Card>
      {report.data && report.data.rows.length > 0 ? (
        <p className="mt-2 text-sm text-ink-600">{t(report.data.group_by === "method" ? "backoffice.revenue.explainMethod" : "backoffice.revenue.explain")}</p>
      ) : null}
    </>
  );
}

function RevenueTable({ report, current }: { report: RevenueReport; current: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const month = useMemo(() => new Intl.DateTimeFormat(format.locale, { year: "numeric", month: "long", timeZone: "UTC" }), [format.locale]);
  const byMethod = report.group_by === "method";
  const labelOf = (row: RevenueRow): string => {
    switch (report.group_by) {
      case "day":
        return format.calendarDate(row.key);
      case "month": {
        const m = /^(\d{4})-(\d{2})$/.exec(row.key);
        return m ? month.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))) : row.label;
      }
      case "doctor":
        return row.key === "" ? t("backoffice.revenue.noDoctor") : row.label;
      case "method":
        return (PAYMENT_METHODS as readonly string[]).includes(row.key) ? t(`backoffice.methods.${row.key as (typeof PAYMENT_METHODS)[number]}`) : row.label;
      case "service":
        return row.label;
    }
  };
  // The bars are a picture of the net column (its exact amounts are in the table).
  const largest = Math.max(0, ...report.rows.map((r) => Number(r.net)));
  if (report.rows.length === 0) {
    return (
      <div data-testid="revenue-table" data-group={report.group_by} data-current={current}>
        <EmptyState title={t("backoffice.revenue.empty")}>{t("backoffice.revenue.emptyHint", { from: format.calendarDate(report.from), to: format.calendarDate(report.to) })}</EmptyState>
      </div>
    );
  }
  return (
    <div className="max-h-[calc(100vh-20rem)] overflow-auto">
      <table className="data-table" data-testid="revenue-table" data-group={report.group_by} data-current={current}>
        <caption className="sr-only">{t("backoffice.revenue.caption", { by: t(`backoffice.revenue.by.${report.group_by}`), from: format.calendarDate(report.from), to: format.calendarDate(report.to) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t(`backoffice.revenue.col.${report.group_by}`)}</th>
            <th scope="col" className="text-right">
              {t(report.group_by === "service" ? "backoffice.revenue.colLines" : byMethod ? "backoffice.revenue.colPayments" : "backoffice.revenue.colInvoices")}
            </th>
            <th scope="col" className="text-right">
              {t(byMethod ? "backoffice.revenue.colCollected" : "backoffice.revenue.colInvoiced")}
            </th>
            <th scope="col" className="text-right">
              {t(byMethod ? "backoffice.revenue.colRefunded" : "backoffice.revenue.colCredited")}
            </th>
            <th scope="col" className="text-right">
              {t("backoffice.revenue.colNet")}
            </th>
            {byMethod ? null : (
              <th scope="col" className="text-right">
                {t("backoffice.revenue.colTax")}
              </th>
            )}
            <th scope="col" className="w-[22%]">
              <span className="sr-only">{t("backoffice.revenue.colChart")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => {
            const share = largest > 0 ? Math.max(0, Number(row.net)) / largest : 0;
            return (
              <tr key={row.key} data-testid={`revenue-row-${row.key}`}>
                <th scope="row" className="static! max-w-[20rem] truncate border-b border-ink-100 bg-transparent px-2.5 py-1.5 text-[0.8125rem] font-medium tracking-normal text-ink-900 normal-case" title={labelOf(row)}>
                  {labelOf(row)}
                </th>
                <td className="text-right tabular-nums">{row.count}</td>
                <td className="text-right tabular-nums">{format.money(row.gross)}</td>
                <td className="text-right tabular-nums">{format.money(row.credited)}</td>
                <td className="text-right font-semibold text-ink-900 tabular-nums">{format.money(row.net)}</td>
                {byMethod ? null : <td className="text-right tabular-nums">{format.money(row.tax)}</td>}
                <td aria-hidden="true">
                  <div className="h-3 w-full rounded-sm bg-ink-100">
                    <div className="h-3 rounded-sm bg-accent-600" style={{ width: `${(share * 100).toFixed(1)}%` }} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr data-testid="revenue-total">
            <th scope="row" className="static! border-t-2 border-ink-300 bg-white px-2.5 py-2 text-sm font-semibold tracking-normal text-ink-900 normal-case">
              {t("backoffice.revenue.total")}
            </th>
            <td className="border-t-2 border-ink-300 py-2 text-right font-semibold tabular-nums">{report.total.count}</td>
            <td className="border-t-2 border-ink-300 py-2 text-right font-semibold tabular-nums">{format.money(report.total.gross)}</td>
            <td className="border-t-2 border-ink-300 py-2 text-right font-semibold tabular-nums">{format.money(report.total.credited)}</td>
            <td className="border-t-2 border-ink-300 py-2 text-right text-base font-semibold text-ink-900 tabular-nums" data-testid="revenue-total-net">
              {format.money(report.total.net)}
            </td>
            {byMethod ? null : <td className="border-t-2 border-ink-300 py-2 text-right font-semibold tabular-nums">{format.money(report.total.tax)}</td>}
            <td className="border-t-2 border-ink-300" />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
