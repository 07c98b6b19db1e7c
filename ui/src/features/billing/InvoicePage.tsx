// One invoice (`/billing/invoices/:id`, `get_invoice`). A draft is an editor (DraftEditor.tsx). An
// issued invoice is frozen: its number, lines, totals, the payments with their receipt numbers,
// the credit notes, its balance and payment status; the desk takes payments (billing.write),
// accountants issue credit notes and pay money back (billing.refund); the invoice, each receipt and
// each credit note previews and prints. A discarded draft shows why. Everything follows
// `clinic-changed`, so another desk's payment shows here too.
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Banknote, Eye, FileMinus2, Printer, Undo2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "wouter";
import { errorMessage } from "../../api/errors";
import type { Invoice, Payment } from "../../api/generated";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useCan } from "../auth/session";
import { BillingPreviewDialog, type PreviewRequest } from "./BillingPreview";
import { CreditNoteDialog } from "./CreditNoteDialog";
import { DraftEditor, ReadOnlyLine } from "./DraftEditor";
import { invoiceQuery, minus, negated, overdue, signOf, useClinicDate } from "./model";
import { InvoiceBadges, TotalsPanel } from "./parts";
import { PaymentDialog, RefundDialog } from "./PaymentDialogs";

export function InvoicePage() {
  const { t } = useTranslation();
  const { id } = useParams<{ id: string }>();
  const invoice = useQuery(invoiceQuery(id));
  return (
    <>
      <Link href="/billing" className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-accent-700 hover:text-accent-900" data-testid="invoice-back">
        <ArrowLeft aria-hidden="true" className="size-4" />
        {t("billing.invoice.back")}
      </Link>
      {invoice.isPending ? (
        <Card>
          <LoadingState label={t("billing.invoice.loading")} />
        </Card>
      ) : invoice.isError ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(invoice.error)}
        </Banner>
      ) : (
        <InvoiceView key={invoice.data.id} invoice={invoice.data} />
      )}
    </>
  );
}

function InvoiceView({ invoice: inv }: { invoice: Invoice }) {
  const { t } = useTranslation();
  const canWrite = useCan("billing.write");
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <div className="flex flex-col gap-4" data-testid="invoice-page" data-status={inv.status} data-payment-status={inv.payment_status}>
      <InvoiceHeader invoice={inv} />
      {notice ? (
        <Banner tone="success" testId="invoice-notice">
          {notice}
        </Banner>
      ) : null}
      {inv.status === "draft" ? (
        <>
          {!canWrite ? (
            <Banner tone="info" testId="invoice-read-only">
              {t("billing.invoice.readOnlyDraft")}
            </Banner>
          ) : null}
          <DraftEditor invoice={inv} editable={canWrite} onNotice={setNotice} />
        </>
      ) : (
        <FrozenInvoice invoice={inv} onNotice={setNotice} />
      )}
    </div>
  );
}

function InvoiceHeader({ invoice: inv }: { invoice: Invoice }) {
  const { t } = useTranslation();
  const format = useFormat();
  const today = useClinicDate();
  const facts: { label: string; value: string; testId: string }[] = [
    { label: t("billing.invoice.serviceDate"), value: format.calendarDate(inv.service_date), testId: "invoice-service-date" },
    ...(inv.doctor_name ? [{ label: t("billing.invoice.doctor"), value: inv.doctor_name, testId: "invoice-doctor" }] : []),
    ...(inv.issued_at ? [{ label: t("billing.invoice.issued"), value: t("billing.invoice.byAt", { name: inv.issued_by_name ?? "", at: format.dateTime(inv.issued_at) }), testId: "invoice-issued" }] : []),
    ...(inv.status === "draft" ? [{ label: t("billing.invoice.started"), value: t("billing.invoice.byAt", { name: inv.created_by_name ?? "", at: format.dateTime(inv.created_at) }), testId: "invoice-started" }] : []),
    ...(inv.due_date && inv.status === "issued" ? [{ label: t("billing.invoice.due"), value: format.calendarDate(inv.due_date), testId: "invoice-due" }] : []),
  ];
  return (
    <Card className="px-5 py-4">
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-3">
        <div className="min-w-0">
          <h1 className="flex flex-wrap items-center gap-x-3 gap-y-1 text-2xl font-semibold tracking-tight text-ink-900">
            <span data-testid="invoice-title">{inv.number ? t("billing.invoice.title", { number: inv.number }) : inv.status === "discarded" ? t("billing.invoice.titleDiscarded") : t("billing.invoice.titleDraft")}</span>
            <InvoiceBadges status={inv.status} payment={inv.payment_status} overdue={overdue(inv, today)} />
          </h1>
          <p className="mt-1 text-[0.9375rem] text-ink-700">
            <Link href={`/patients/${inv.patient.id}`} className="font-medium text-accent-800 underline decoration-accent-300 underline-offset-2 hover:decoration-accent-700" data-testid="invoice-patient">
              {inv.patient.name}
            </Link>
            <span className="ml-2 font-mono text-[0.8125rem] text-ink-600">{inv.patient.mrn}</span>
          </p>
        </div>
        {inv.status === "issued" ? (
          <div className="text-right">
            <p className="text-xs font-semibold tracking-wide text-ink-600 uppercase">{signOf(inv.balance) < 0 ? t("billing.totals.owedBack") : t("billing.totals.balance")}</p>
            <p className="text-2xl font-semibold text-ink-900 tabular-nums" data-testid="invoice-balance">
              {format.money(signOf(inv.balance) < 0 ? negated(inv.balance) : inv.balance)}
            </p>
          </div>
        ) : null}
      </div>
      <dl className="mt-3 flex flex-wrap gap-x-8 gap-y-2 text-sm">
        {facts.map((f) => (
          <div key={f.testId}>
            <dt className="text-xs font-semibold tracking-wide text-ink-600 uppercase">{f.label}</dt>
            <dd className="text-ink-900" data-testid={f.testId}>
              {f.value}
            </dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

type Dialogs = "pay" | "credit" | "refund" | null;

function FrozenInvoice({ invoice: inv, onNotice }: { invoice: Invoice; onNotice: (message: string | null) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const canWrite = useCan("billing.write");
  const canRefund = useCan("billing.refund");
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [preview, setPreview] = useState<PreviewRequest | null>(null);
  const issued = inv.status === "issued";
  const canPay = issued && canWrite && signOf(inv.balance) > 0;
  // Something is left to credit: a line not credited in full.
  const canCredit = issued && canRefund && inv.lines.some((l) => signOf(minus(l.quantity, l.credited_quantity) ?? "0") > 0);
  const canPayBack = issued && canRefund && signOf(inv.balance) < 0;
  const previewReceipt = (p: Payment) => {
    setDialog(null);
    setPreview({ document: "receipt", id: p.id, title: t(p.is_refund ? "billing.payments.refundReceiptTitle" : "billing.payments.receiptTitle", { number: p.receipt_number }) });
  };
  return (
    <>
      {inv.status === "discarded" ? (
        <Banner tone="warning" testId="invoice-discarded">
          {t("billing.invoice.discarded", { reason: inv.discard_reason })}
        </Banner>
      ) : null}
      {issued ? (
        <div className="flex flex-wrap items-center gap-2 rounded-lg border border-ink-200 bg-white px-4 py-3" role="group" aria-label={t("billing.invoice.actions")}>
          {canPay ? (
            <Button variant="primary" icon={<Banknote aria-hidden="true" className="size-4" />} data-testid="invoice-pay" onClick={() => { onNotice(null); setDialog("pay"); }}>
              {t("billing.invoice.pay")}
            </Button>
          ) : null}
          {canPayBack ? (
            <Button variant="primary" icon={<Undo2 aria-hidden="true" className="size-4" />} data-testid="invoice-refund" onClick={() => { onNotice(null); setDialog("refund"); }}>
              {t("billing.invoice.refund")}
            </Button>
          ) : null}
          {canCredit ? (
            <Button icon={<FileMinus2 aria-hidden="true" className="size-4" />} data-testid="invoice-credit" onClick={() => { onNotice(null); setDialog("credit"); }}>
              {t("billing.invoice.credit")}
            </Button>
          ) : null}
          <Button
            className="ml-auto"
            icon={<Printer aria-hidden="true" className="size-4" />}
            data-testid="invoice-print"
            onClick={() => {
              setPreview({ document: "invoice", id: inv.id, title: t("billing.invoice.printTitle", { number: inv.number ?? "" }) });
            }}
          >
            {t("billing.invoice.print")}
          </Button>
        </div>
      ) : null}
      <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="flex min-w-0 flex-col gap-4">
          <Card className="overflow-hidden">
            <section aria-labelledby="invoice-lines-title">
              <h2 id="invoice-lines-title" className="border-b border-ink-100 px-4 py-2.5 text-sm font-semibold text-ink-800">
                {t("billing.lines.title")}
              </h2>
              <div className="overflow-x-auto">
                <table className="data-table" data-testid="invoice-lines">
                  <caption className="sr-only">{t("billing.lines.caption")}</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="w-8">
                        #
                      </th>
                      <th scope="col">{t("billing.lines.description")}</th>
                      <th scope="col">{t("billing.lines.quantity")}</th>
                      <th scope="col">{t("billing.lines.unitPrice")}</th>
                      <th scope="col">{t("billing.lines.discount")}</th>
                      <th scope="col">{t("billing.lines.tax")}</th>
                      <th scope="col" className="text-right">
                        {inv.prices_include_tax ? t("billing.lines.amountWithTax") : t("billing.lines.amount")}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {inv.lines.map((l) => (
                      <ReadOnlyLine key={l.id} line={l} invoice={inv} />
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          </Card>
          {issued ? <Payments invoice={inv} onPreview={previewReceipt} /> : null}
          {inv.credit_notes.length > 0 ? (
            <CreditNotes
              invoice={inv}
              onPreview={(id, number) => {
                setPreview({ document: "credit_note", id, title: t("billing.credits.printTitle", { number }) });
              }}
            />
          ) : null}
          {inv.notes ? (
            <p className="text-sm text-ink-700">
              <span className="font-medium text-ink-800">{t("billing.fields.notes")}: </span>
              {inv.notes}
            </p>
          ) : null}
        </div>
        <TotalsPanel invoice={inv} />
      </div>
      {issued ? (
        <>
          <PaymentDialog
            invoice={inv}
            open={dialog === "pay"}
            onClose={() => {
              setDialog(null);
            }}
            onPreview={previewReceipt}
          />
          <RefundDialog
            invoice={inv}
            open={dialog === "refund"}
            onClose={() => {
              setDialog(null);
            }}
            onPreview={previewReceipt}
          />
          <CreditNoteDialog
            invoice={inv}
            open={dialog === "credit"}
            onClose={() => {
              setDialog(null);
            }}
            onDone={(after) => {
              setDialog(null);
              const note = after.credit_notes.at(-1);
              onNotice(
                signOf(after.balance) < 0
                  ? t("billing.credit.doneOwed", { number: note?.number ?? "", amount: format.money(note?.total ?? "0"), owed: format.money(negated(after.balance)) })
                  : t("billing.credit.done", { number: note?.number ?? "", amount: format.money(note?.total ?? "0") }),
              );
            }}
          />
        </>
      ) : null}
      <BillingPreviewDialog
        request={preview}
        onClose={() => {
          setPreview(null);
        }}
      />
    </>
  );
}

function Payments({ invoice: inv, onPreview }: { invoice: Invoice; onPreview: (p: Payment) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Card className="overflow-hidden">
      <section aria-labelledby="invoice-payments-title" data-testid="invoice-payments">
        <h2 id="invoice-payments-title" className="border-b border-ink-100 px-4 py-2.5 text-sm font-semibold text-ink-800">
          {t("billing.payments.title")}
        </h2>
        {inv.payments.length === 0 ? (
          <p className="px-4 py-3 text-sm text-ink-600" data-testid="invoice-no-payments">
            {t("billing.payments.none")}
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="data-table">
              <caption className="sr-only">{t("billing.payments.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("billing.payments.receipt")}</th>
                  <th scope="col">{t("billing.payments.when")}</th>
                  <th scope="col">{t("billing.payments.method")}</th>
                  <th scope="col" className="text-right">
                    {t("billing.payments.amount")}
                  </th>
                  <th scope="col">
                    <span className="sr-only">{t("billing.payments.print")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {inv.payments.map((p) => (
                  <tr key={p.id} data-testid={`payment-row-${p.receipt_number}`}>
                    <td className="font-mono">{p.receipt_number}</td>
                    <td className="tabular-nums">
                      {format.dateTime(p.received_at)}
                      <span className="block text-xs text-ink-600">{p.received_by_name ?? ""}</span>
                    </td>
                    <td className="whitespace-normal">
                      <span className="flex flex-wrap items-center gap-1.5">
                        {t(`billing.methods.${p.method}`)}
                        {p.is_refund ? <Badge tone="warn">{t("billing.payments.refund", { number: p.credit_note_number ?? "" })}</Badge> : null}
                      </span>
                      {p.reference ? <span className="block max-w-56 truncate text-xs text-ink-600">{t("billing.payments.referenceIs", { reference: p.reference })}</span> : null}
                    </td>
                    <td className="text-right font-medium tabular-nums">{format.money(p.amount)}</td>
                    <td className="text-right">
                      <Button
                        size="xs"
                        variant="ghost"
                        icon={<Eye aria-hidden="true" className="size-3.5" />}
                        aria-label={t("billing.payments.printOf", { number: p.receipt_number })}
                        data-testid={`payment-preview-${p.receipt_number}`}
                        onClick={() => {
                          onPreview(p);
                        }}
                      >
                        {t("billing.payments.print")}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Card>
  );
}

function CreditNotes({ invoice: inv, onPreview }: { invoice: Invoice; onPreview: (id: string, number: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Card className="overflow-hidden">
      <section aria-labelledby="invoice-credits-title" data-testid="invoice-credit-notes">
        <h2 id="invoice-credits-title" className="border-b border-ink-100 px-4 py-2.5 text-sm font-semibold text-ink-800">
          {t("billing.credits.title")}
        </h2>
        <ul className="divide-y divide-ink-100">
          {inv.credit_notes.map((n) => (
            <li key={n.id} className="flex flex-wrap items-start gap-x-4 gap-y-1 px-4 py-2.5" data-testid={`credit-note-${n.number}`}>
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-baseline gap-x-3">
                  <span className="font-mono text-sm font-semibold text-ink-900">{n.number}</span>
                  <span className="text-[0.8125rem] text-ink-600">{t("billing.invoice.byAt", { name: n.issued_by_name ?? "", at: format.dateTime(n.issued_at) })}</span>
                </p>
                <p className="text-sm text-ink-800">{t("billing.credits.reason", { reason: n.reason })}</p>
                <p className="text-[0.8125rem] text-ink-600">{n.lines.map((l) => t("billing.credits.line", { quantity: l.quantity, description: l.description })).join("; ")}</p>
              </div>
              <div className="text-right">
                <p className="font-semibold text-ink-900 tabular-nums" data-testid={`credit-note-total-${n.number}`}>
                  {format.money(negated(n.total))}
                </p>
                {signOf(n.refunded) > 0 ? <p className="text-[0.8125rem] text-ink-600">{t("billing.credits.refunded", { amount: format.money(n.refunded) })}</p> : null}
              </div>
              <Button
                size="xs"
                variant="ghost"
                icon={<Eye aria-hidden="true" className="size-3.5" />}
                aria-label={t("billing.credits.printOf", { number: n.number })}
                data-testid={`credit-note-preview-${n.number}`}
                onClick={() => {
                  onPreview(n.id, n.number);
                }}
              >
                {t("billing.credits.print")}
              </Button>
            </li>
          ))}
        </ul>
      </section>
    </Card>
  );
}
