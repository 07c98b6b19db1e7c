// The end-of-day cash closing of this desk (`/billing/closing`, billing.write: reception and
// accountants): every payment and refund the desk took since its last closing
// (`cash_closing_preview`), totals by method and the cash expected in the drawer; the cash
// counted (focused on open: count, type, Enter), the difference as it is typed, a note (Rust
// requires one when the count differs), and "Close the day" after a confirmation. The closing
// report prints or saves as a PDF (`cash_closing_pdf`, in the shared PDF preview); past closings
// are listed below.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileText, Lock } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { errorMessage, formFieldOf, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { CashClosing, CashClosingPreview, MethodTotal, Payment } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { cn } from "../../components/cn";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { TextAreaField, TextField } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { QueryList } from "../../components/QueryList";
import { EmptyState, LoadingState } from "../../components/States";
import { useFormat, type ClinicFormat } from "../../lib/format";
import { PdfPreview } from "../prescriptions/PdfPreview";
import { clinicClock } from "../../lib/clinic-time";
import { amountProblem, backofficeWritten, currencyDecimals, signOf, subtractDecimal, useClinicToday } from "./backoffice";

export function ClosingPage() {
  const { t } = useTranslation();
  const preview = useQuery({ ...commandQuery("cash_closing_preview", {}), staleTime: 0 });
  const [closed, setClosed] = useState<CashClosing | null>(null);
  const [report, setReport] = useState<CashClosing | null>(null);
  return (
    <>
      <PageHeader title={t("backoffice.closing.title")} lead={t("backoffice.closing.lead")} testId="closing-title" />
      {closed ? (
        <Banner tone="success" testId="closing-done" className="mb-4">
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <p className="min-w-0 flex-1">
              <ClosedSummary closing={closed} />
            </p>
            <Button
              size="sm"
              icon={<FileText aria-hidden="true" className="size-4" />}
              data-testid="closing-done-report"
              onClick={() => {
                setReport(closed);
              }}
            >
              {t("backoffice.closing.report")}
            </Button>
          </div>
        </Banner>
      ) : null}
      {preview.isPending ? (
        <Card>
          <LoadingState label={t("backoffice.closing.loading")} />
        </Card>
      ) : preview.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(preview.error)}
        </Banner>
      ) : (
        <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,1fr)_22rem]">
          <PaymentsCard preview={preview.data} />
          <CountForm
            preview={preview.data}
            onClosed={(closing) => {
              setClosed(closing);
            }}
          />
        </div>
      )}
      <PastClosings workstationId={preview.data?.workstation_id ?? null} onReport={setReport} />
      <Dialog
        open={report !== null}
        onClose={() => {
          setReport(null);
        }}
        title={t("backoffice.report.title")}
        description={report ? <ClosedSummary closing={report} /> : null}
        size="lg"
        testId="closing-report-dialog"
      >
        {report ? <ClosingReport closingId={report.id} /> : null}
      </Dialog>
    </>
  );
}

function ClosedSummary({ closing }: { closing: CashClosing }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      {t("backoffice.closing.closedSummary", {
        at: format.dateTime(closing.closed_at),
        count: closing.payment_count,
        counted: format.money(closing.counted_cash),
        expected: format.money(closing.expected_cash),
      })}{" "}
      <span className="whitespace-nowrap">{signOf(closing.difference) === 0 ? t("backoffice.closing.noDifference") : t("backoffice.closing.withDifference", { difference: signedMoney(format, closing.difference) })}</span>
    </>
  );
}

/** An amount with its sign always shown (+€2.00, −€5.00). */
function signedMoney(format: ClinicFormat, amount: string): string {
  return signOf(amount) > 0 ? `+${format.money(amount)}` : format.money(amount);
}

function PaymentsCard({ preview }: { preview: CashClosingPreview }) {
  const { t } = useTranslation();
  const format = useFormat();
  const today = useClinicToday();
  return (
    <Card>
      <div className="border-b border-ink-100 px-4 py-3">
        <h2 className="text-base font-semibold text-ink-900">{t("backoffice.closing.payments")}</h2>
        <p className="text-sm text-ink-600" data-testid="closing-period">
          {preview.period_start ? t("backoffice.closing.since", { at: format.dateTime(preview.period_start) }) : t("backoffice.closing.firstClosing")}
        </p>
      </div>
      {preview.payments.length === 0 ? (
        <EmptyState title={t("backoffice.closing.noPayments")}>{t("backoffice.closing.noPaymentsHint")}</EmptyState>
      ) : (
        <div className="max-h-[calc(100vh-19rem)] overflow-auto">
          <table className="data-table" data-testid="closing-payments">
            <caption className="sr-only">{t("backoffice.closing.payments")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("backoffice.closing.colTime")}</th>
                <th scope="col">{t("backoffice.closing.colReceipt")}</th>
                <th scope="col">{t("backoffice.closing.colInvoice")}</th>
                <th scope="col">{t("backoffice.closing.colMethod")}</th>
                <th scope="col" className="text-right">
                  {t("backoffice.closing.colAmount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {preview.payments.map((p) => (
                <PaymentRow key={p.id} payment={p} today={today} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function PaymentRow({ payment: p, today }: { payment: Payment; today: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  // Today's payments by their time; older ones (a desk not closed for days) with their day.
  const sameDay = today !== null && clinicClock(format.timeZone, new Date(p.received_at)).date === today;
  return (
    <tr data-testid={`closing-payment-${p.receipt_number}`} data-refund={p.is_refund}>
      <td className="tabular-nums">{sameDay ? format.time(p.received_at) : format.dateTime(p.received_at)}</td>
      <td>
        <span className="font-mono">{p.receipt_number}</span>
        <span className="block max-w-44 truncate text-xs text-ink-600">{t("backoffice.closing.takenBy", { name: p.received_by_name ?? t("common.none") })}</span>
      </td>
      <td>
        <Link href={`/billing/invoices/${p.invoice_id}`} className="font-mono text-accent-800 underline decoration-accent-300 underline-offset-2 hover:decoration-accent-700">
          {p.invoice_number ?? t("backoffice.outstanding.draft")}
        </Link>
      </td>
      <td>
        {t(`backoffice.methods.${p.method}`)}
        {p.is_refund ? (
          <Badge tone="danger" className="ml-2">
            {t("backoffice.closing.refund")}
          </Badge>
        ) : null}
        {p.reference !== "" ? <span className="block max-w-44 truncate text-xs text-ink-600">{p.reference}</span> : null}
      </td>
      <td className={cn("text-right font-medium tabular-nums", p.is_refund ? "text-danger-700" : "text-ink-900")}>{format.money(p.amount)}</td>
    </tr>
  );
}

function MethodTotals({ totals, testId }: { totals: readonly MethodTotal[]; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (totals.length === 0) return <p className="text-sm text-ink-600">{t("backoffice.closing.nothingTaken")}</p>;
  return (
    <dl className="flex flex-col gap-1 text-sm" data-testid={testId}>
      {totals.map((m) => (
        <div key={m.method} className="flex items-baseline justify-between gap-3" data-testid={`${testId}-${m.method}`}>
          <dt className="text-ink-700">
            {t(`backoffice.methods.${m.method}`)} <span className="text-ink-600">({t("backoffice.closing.paymentCount", { count: m.count })})</span>
          </dt>
          <dd className="font-medium text-ink-900 tabular-nums">{format.money(m.amount)}</dd>
        </div>
      ))}
    </dl>
  );
}

type CountErrors = Partial<Record<"counted_cash" | "note", string>>;

function CountForm({ preview, onClosed }: { preview: CashClosingPreview; onClosed: (closing: CashClosing) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const decimals = currencyDecimals(preview.currency);
  const [counted, setCounted] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<CountErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const countedInput = useRef<HTMLInputElement>(null);
  const noteInput = useRef<HTMLTextAreaElement>(null);
  // Keyboard first: the drawer is counted, so the count is where typing starts.
  useEffect(() => {
    countedInput.current?.focus();
  }, []);
  const countedOk = counted.trim() !== "" && amountProblem(counted, decimals) === null;
  const difference = countedOk ? subtractDecimal(counted.trim(), preview.expected_cash) : null;
  const differs = difference !== null && signOf(difference) !== 0;
  const close = useMutation({
    mutationFn: () => call("close_cash", { counted_cash: counted.trim(), note: note.trim() }),
    onSuccess: (closing) => {
      setConfirming(false);
      setCounted("");
      setNote("");
      onClosed(closing);
      void backofficeWritten(queryClient, "closing");
    },
    onError: (error) => {
      setConfirming(false);
      // The drawer may have taken a payment meanwhile (another window of this desk): show what Rust counts now.
      void queryClient.invalidateQueries({ queryKey: ["cash_closing_preview"] });
      const field = error instanceof CommandError && error.field !== undefined ? formFieldOf(error.field, ["counted_cash", "note"] as const) : undefined;
      if (field) {
        setErrors({ [field]: sentence(error.message) });
        (field === "note" ? noteInput : countedInput).current?.focus();
      } else setFormError(errorMessage(error));
    },
  });
  const submit = () => {
    setFormError(null);
    const problem = counted.trim() === "" ? "required" : amountProblem(counted, decimals);
    if (problem) {
      setErrors({ counted_cash: problem === "required" ? t("backoffice.closing.countedRequired") : t(`backoffice.amount.${problem}`, { decimals }) });
      countedInput.current?.focus();
      return;
    }
    if (differs && note.trim() === "") {
      setErrors({ note: t("backoffice.closing.noteRequired") });
      noteInput.current?.focus();
      return;
    }
    setErrors({});
    setConfirming(true);
  };

  return (
    <Card>
      <form
        noValidate
        className="flex flex-col gap-4 px-5 py-4"
        aria-labelledby="closing-count-title"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2 id="closing-count-title" className="text-base font-semibold text-ink-900">
          {t("backoffice.closing.countTitle")}
        </h2>
        <MethodTotals totals={preview.by_method} testId="closing-by-method" />
        <div className="flex items-baseline justify-between gap-3 rounded-md bg-ink-50 px-3 py-2.5">
          <span className="text-sm font-medium text-ink-800">{t("backoffice.closing.expected")}</span>
          <span className="text-xl font-semibold text-ink-900 tabular-nums" data-testid="closing-expected">
            {format.money(preview.expected_cash)}
          </span>
        </div>
        {formError ? (
          <Banner tone="error" testId="form-error">
            {formError}
          </Banner>
        ) : null}
        <TextField
          ref={countedInput}
          label={t("backoffice.closing.counted", { currency: preview.currency })}
          name="counted_cash"
          inputMode="decimal"
          autoComplete="off"
          className="[&_input]:text-lg [&_input]:tabular-nums"
          testId="closing-counted"
          value={counted}
          error={errors.counted_cash}
          onChange={(e) => {
            setCounted(e.target.value);
            setErrors((x) => ({ ...x, counted_cash: undefined }));
          }}
        />
        <p
          aria-live="polite"
          data-testid="closing-difference"
          data-difference={difference ?? ""}
          className={cn(
            "flex items-baseline justify-between gap-3 rounded-md border px-3 py-2 text-sm",
            difference === null ? "border-ink-200 text-ink-600" : !differs ? "border-ok-700/30 bg-ok-50 text-ok-700" : signOf(difference) < 0 ? "border-danger-600/40 bg-danger-50 text-danger-700" : "border-warn-700/30 bg-warn-50 text-warn-700",
          )}
        >
          <span className="font-medium">{t("backoffice.closing.difference")}</span>
          <span className="font-semibold tabular-nums">
            {difference === null
              ? t("backoffice.closing.differencePending")
              : !differs
                ? t("backoffice.closing.matches")
                : signOf(difference) < 0
                  ? t("backoffice.closing.missing", { amount: signedMoney(format, difference) })
                  : t("backoffice.closing.over", { amount: signedMoney(format, difference) })}
          </span>
        </p>
        <TextAreaField
          ref={noteInput}
          label={differs ? t("backoffice.closing.noteRequiredLabel") : t("backoffice.closing.note")}
          name="note"
          optional={!differs}
          hint={t("backoffice.closing.noteHint")}
          rows={2}
          maxLength={1000}
          testId="closing-note"
          value={note}
          error={errors.note}
          onChange={(e) => {
            setNote(e.target.value);
            setErrors((x) => ({ ...x, note: undefined }));
          }}
        />
        <Button type="submit" variant="primary" size="lg" icon={<Lock aria-hidden="true" className="size-4.5" />} busy={close.isPending} data-testid="closing-submit">
          {t("backoffice.closing.submit")}
        </Button>
      </form>
      <ConfirmDialog
        open={confirming}
        title={t("backoffice.closing.confirmTitle")}
        body={
          <div className="flex flex-col gap-2" data-testid="closing-confirm-body">
            <p>{t("backoffice.closing.confirmBody", { count: preview.payments.length })}</p>
            <p className="tabular-nums">
              {t("backoffice.closing.confirmAmounts", { expected: format.money(preview.expected_cash), counted: format.money(counted.trim() === "" ? "0" : counted.trim()) })}{" "}
              <span className="whitespace-nowrap">{differs ? t("backoffice.closing.withDifference", { difference: signedMoney(format, difference) }) : t("backoffice.closing.noDifference")}</span>
            </p>
          </div>
        }
        confirmLabel={t("backoffice.closing.confirm")}
        busy={close.isPending}
        onConfirm={() => {
          close.mutate();
        }}
        onClose={() => {
          setConfirming(false);
          countedInput.current?.focus();
        }}
      />
    </Card>
  );
}

function PastClosings({ workstationId, onReport }: { workstationId: string | null; onReport: (closing: CashClosing) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [thisDeskOnly, setThisDeskOnly] = useState(false);
  const closings = useQuery({ ...commandQuery("list_cash_closings", { this_desk_only: thisDeskOnly, limit: 30 }), staleTime: 0 });
  return (
    <Card className="mt-6">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-ink-100 px-4 py-3">
        <h2 className="text-base font-semibold text-ink-900">{t("backoffice.closing.past")}</h2>
        <label className="flex items-center gap-2.5 text-[0.9375rem] text-ink-800">
          <input
            type="checkbox"
            className="size-5 accent-accent-700"
            data-testid="closing-this-desk-only"
            checked={thisDeskOnly}
            onChange={(e) => {
              setThisDeskOnly(e.target.checked);
            }}
          />
          {t("backoffice.closing.thisDeskOnly")}
        </label>
      </div>
      <QueryList query={closings} loadingLabel={t("backoffice.closing.pastLoading")} isEmpty={(l) => l.length === 0} empty={<EmptyState title={t("backoffice.closing.pastNone")} />}>
        {(list) => (
          <div className="overflow-x-auto">
            <table className="data-table" data-testid="closing-past">
              <caption className="sr-only">{t("backoffice.closing.past")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("backoffice.closing.colClosed")}</th>
                  <th scope="col">{t("backoffice.closing.colDesk")}</th>
                  <th scope="col">{t("backoffice.closing.colBy")}</th>
                  <th scope="col" className="text-right">
                    {t("backoffice.closing.colPayments")}
                  </th>
                  <th scope="col" className="text-right">
                    {t("backoffice.closing.colExpected")}
                  </th>
                  <th scope="col" className="text-right">
                    {t("backoffice.closing.colCounted")}
                  </th>
                  <th scope="col" className="text-right">
                    {t("backoffice.closing.colDifference")}
                  </th>
                  <th scope="col">{t("backoffice.closing.colNote")}</th>
                  <th scope="col" className="text-right">
                    <span className="sr-only">{t("backoffice.closing.report")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => {
                  const sign = signOf(c.difference);
                  return (
                    <tr key={c.id} data-testid={`closing-past-${c.id}`}>
                      <td className="tabular-nums">{format.dateTime(c.closed_at)}</td>
                      <td>{c.workstation_id === workstationId ? t("backoffice.closing.thisDesk") : t("backoffice.closing.otherDesk", { id: c.workstation_id.slice(0, 8) })}</td>
                      <td className="max-w-40 truncate">{c.closed_by_name ?? t("common.none")}</td>
                      <td className="text-right tabular-nums">{c.payment_count}</td>
                      <td className="text-right tabular-nums">{format.money(c.expected_cash)}</td>
                      <td className="text-right tabular-nums">{format.money(c.counted_cash)}</td>
                      <td className={cn("text-right font-medium tabular-nums", sign < 0 ? "text-danger-700" : sign > 0 ? "text-warn-700" : "text-ink-700")}>{sign === 0 ? format.money(c.difference) : signedMoney(format, c.difference)}</td>
                      <td className="max-w-64 truncate" title={c.note}>
                        {c.note || <span className="text-ink-500">{t("common.none")}</span>}
                      </td>
                      <td className="text-right">
                        <Button
                          size="xs"
                          variant="ghost"
                          icon={<FileText aria-hidden="true" className="size-3.5" />}
                          aria-label={t("backoffice.closing.reportFor", { at: format.dateTime(c.closed_at) })}
                          data-testid={`closing-report-${c.id}`}
                          onClick={() => {
                            onReport(c);
                          }}
                        >
                          {t("backoffice.closing.reportShort")}
                        </Button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </QueryList>
    </Card>
  );
}

/** The closing report as it prints (`cash_closing_pdf`, rendered by Rust), in the shared PDF preview. */
function ClosingReport({ closingId }: { closingId: string }) {
  const { t } = useTranslation();
  // Each rendering is an audited read in Rust; the bytes are not kept once the preview closes.
  const pdf = useQuery({ ...commandQuery("cash_closing_pdf", { closing_id: closingId }), staleTime: 0, gcTime: 0 });
  return (
    <PdfPreview
      pdf={pdf}
      draft={false}
      printable
      print={(printer) => call("print_billing_document", { document: "cash_closing", id: closingId, printer })}
      labels={{
        draft: null,
        printer: t("backoffice.report.printer"),
        printerDefault: (name) => t("backoffice.report.printerDefault", { name }),
        print: t("common.print"),
        save: t("backoffice.report.save"),
        sent: (printer, job) => t("backoffice.report.sent", { printer, job }),
        sentDefault: (job) => t("backoffice.report.sentDefault", { job }),
        noPrinters: t("backoffice.report.noPrinters"),
        loading: t("backoffice.report.loading"),
        frameTitle: t("backoffice.report.frameTitle"),
        noViewer: t("backoffice.report.noViewer"),
      }}
    />
  );
}
