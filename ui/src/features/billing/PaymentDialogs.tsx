// Taking a payment (`record_payment`) and paying money back after a credit note (`record_refund`),
// made for the desk keyboard: the amount opens prefilled (the balance, or what is owed back) and
// selected, keys 1–4 choose cash, card, transfer or insurance (Alt+1–4 while typing), a transfer or
// an insurance payment asks for its reference, Enter takes it. Rust refuses an overpayment or a
// refund beyond what is owed, in its own words, on the amount. The receipt number is shown after,
// with "Print receipt" (the workstation's default printer) and its preview.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Eye, Printer } from "lucide-react";
import { useEffect, useRef, useState, type KeyboardEvent, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage, formFieldOf, sentence } from "../../api/errors";
import { call, CommandError } from "../../api/gateway";
import type { CreditNote, Invoice, Payment, PaymentMethod, PaymentRecorded } from "../../api/generated";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { SelectField, TextField } from "../../components/Field";
import { useFormat } from "../../lib/format";
import { INVOICE_TABLES, invoiceWritten, minus, NEEDS_REFERENCE, negated, signOf, smaller } from "./model";
import { MethodPicker, methodKey } from "./parts";

type Fields = "amount" | "reference" | "credit_note_id";

interface MoneyFormProps {
  /** What the amount opens with. */
  initialAmount: string;
  submitLabel: string;
  testId: string;
  send: (values: { amount: string; method: PaymentMethod; reference: string }) => Promise<PaymentRecorded>;
  onDone: (recorded: PaymentRecorded) => void;
  onCancel: () => void;
  fieldErrors: Partial<Record<Fields, string>>;
  setFieldErrors: (errors: Partial<Record<Fields, string>>) => void;
}

/** The amount, method and reference of a payment or refund, and what Rust says of them. */
function MoneyForm({ initialAmount, submitLabel, testId, send, onDone, onCancel, fieldErrors, setFieldErrors }: MoneyFormProps) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState(initialAmount);
  const [method, setMethod] = useState<PaymentMethod>("cash");
  const [reference, setReference] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  // A transfer or insurance chosen: its (required) reference takes the keyboard once it is shown.
  const focusReference = useRef(false);
  const referenceRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusReference.current) {
      focusReference.current = false;
      referenceRef.current?.focus();
    }
  });
  const mutation = useMutation({
    mutationFn: () => send({ amount: amount.trim(), method, reference: method === "cash" ? "" : reference }),
    onSuccess: onDone,
    onError: (error) => {
      if (error instanceof CommandError && error.field !== undefined) {
        const field = formFieldOf<Fields>(error.field, ["amount", "reference", "credit_note_id"]);
        if (field) {
          setFieldErrors({ [field]: sentence(error.message) });
          if (field === "reference") referenceRef.current?.focus();
          else document.querySelector<HTMLInputElement>(`[data-testid="${testId}-amount"]`)?.select();
          return;
        }
      }
      setFormError(errorMessage(error));
    },
  });
  const choose = (m: PaymentMethod) => {
    setMethod(m);
    setFieldErrors({});
    if (NEEDS_REFERENCE.has(m)) focusReference.current = true;
  };
  const submit = (e?: SyntheticEvent) => {
    e?.preventDefault();
    if (mutation.isPending) return;
    setFormError(null);
    setFieldErrors({});
    mutation.mutate();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    const m = methodKey(e);
    if (m) {
      e.preventDefault();
      choose(m);
    } else if (e.key === "Enter" && e.target instanceof HTMLInputElement && e.target.type === "radio") {
      e.preventDefault();
      submit();
    }
  };
  const referenceLabel = method === "card" ? t("billing.pay.referenceCard") : method === "transfer" ? t("billing.pay.referenceTransfer") : t("billing.pay.referenceInsurance");
  return (
    // Keys 1–4 choose the method wherever the focus is in the form (see methodKey).
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <form noValidate className="flex flex-col gap-4" onSubmit={submit} onKeyDown={onKeyDown} data-testid={`${testId}-form`}>
      {formError ? (
        <Banner tone="error" testId="form-error">
          {formError}
        </Banner>
      ) : null}
      <TextField
        label={t("billing.pay.amount")}
        name="amount"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        data-autofocus
        testId={`${testId}-amount`}
        value={amount}
        error={fieldErrors.amount}
        onFocus={(e) => {
          e.currentTarget.select();
        }}
        onChange={(e) => {
          setAmount(e.target.value);
          setFieldErrors({});
        }}
      />
      <MethodPicker value={method} onChange={choose} testId={`${testId}-method`} />
      {method !== "cash" ? (
        <TextField
          ref={referenceRef}
          label={referenceLabel}
          name="reference"
          optional={!NEEDS_REFERENCE.has(method)}
          autoComplete="off"
          spellCheck={false}
          testId={`${testId}-reference`}
          value={reference}
          error={fieldErrors.reference}
          onChange={(e) => {
            setReference(e.target.value);
            setFieldErrors({});
          }}
        />
      ) : null}
      <p className="text-[0.8125rem] text-ink-600">{t("billing.pay.keysHint")}</p>
      <DialogActions>
        <Button onClick={onCancel}>{t("common.cancel")}</Button>
        <Button type="submit" variant="primary" busy={mutation.isPending} data-testid={`${testId}-submit`}>
          {submitLabel}
        </Button>
      </DialogActions>
    </form>
  );
}

/** After the payment or refund: its receipt, printed at once or previewed. */
function Recorded({ recorded, testId, onPreview, onClose }: { recorded: PaymentRecorded; testId: string; onPreview: (payment: Payment) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const printRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    printRef.current?.focus();
  }, []);
  const p = recorded.payment;
  const inv = recorded.invoice;
  const print = useMutation({ mutationFn: () => call("print_billing_document", { document: "receipt", id: p.id, printer: null }) });
  const balance = signOf(inv.balance);
  return (
    <div className="flex flex-col gap-4" data-testid={`${testId}-done`}>
      <Banner tone="success" testId={`${testId}-notice`}>
        {p.is_refund
          ? t("billing.refund.done", { amount: format.money(negated(p.amount)), method: t(`billing.methods.${p.method}`) })
          : t("billing.pay.done", { amount: format.money(p.amount), method: t(`billing.methods.${p.method}`) })}
      </Banner>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="text-sm text-ink-700">{t("billing.pay.receipt")}</span>
        <span className="font-mono text-xl font-semibold tracking-wide text-ink-900" data-testid={`${testId}-receipt`}>
          {p.receipt_number}
        </span>
      </div>
      <p className="text-[0.9375rem] text-ink-800" data-testid={`${testId}-balance`}>
        {balance > 0 ? t("billing.pay.balanceNow", { balance: format.money(inv.balance) }) : balance < 0 ? t("billing.pay.owedNow", { amount: format.money(negated(inv.balance)) }) : t("billing.pay.settled")}
      </p>
      {print.isSuccess ? (
        <Banner tone="success" testId="print-result">
          {t("billing.print.sentDefault", { job: print.data.job_id })}
        </Banner>
      ) : null}
      {print.isError ? (
        <Banner tone="error" testId="print-error">
          {errorMessage(print.error)}
        </Banner>
      ) : null}
      <DialogActions>
        <Button onClick={onClose} data-testid={`${testId}-close`}>
          {t("billing.pay.close")}
        </Button>
        <Button
          icon={<Eye aria-hidden="true" className="size-4" />}
          data-testid={`${testId}-preview`}
          onClick={() => {
            onPreview(p);
          }}
        >
          {t("billing.pay.preview")}
        </Button>
        <Button
          ref={printRef}
          variant="primary"
          icon={<Printer aria-hidden="true" className="size-4" />}
          busy={print.isPending}
          data-testid={`${testId}-print`}
          onClick={() => {
            print.mutate();
          }}
        >
          {t("billing.pay.print")}
        </Button>
      </DialogActions>
    </div>
  );
}

export function PaymentDialog({ invoice, open, onClose, onPreview }: { invoice: Invoice; open: boolean; onClose: () => void; onPreview: (payment: Payment) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("billing.pay.title", { number: invoice.number ?? "" })}
      description={t("billing.pay.lead", { name: invoice.patient.name, balance: format.money(invoice.balance) })}
      size="md"
      testId="payment-dialog"
    >
      {open ? <PaymentBody invoice={invoice} onClose={onClose} onPreview={onPreview} /> : null}
    </Dialog>
  );
}

function PaymentBody({ invoice, onClose, onPreview }: { invoice: Invoice; onClose: () => void; onPreview: (payment: Payment) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [recorded, setRecorded] = useState<PaymentRecorded | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Fields, string>>>({});
  if (recorded) return <Recorded recorded={recorded} testId="payment" onPreview={onPreview} onClose={onClose} />;
  return (
    <MoneyForm
      initialAmount={invoice.balance}
      submitLabel={t("billing.pay.submit")}
      testId="payment"
      fieldErrors={fieldErrors}
      setFieldErrors={setFieldErrors}
      send={(v) => call("record_payment", { invoice_id: invoice.id, ...v })}
      onDone={(r) => {
        void invoiceWritten(queryClient, r.invoice, INVOICE_TABLES.payment);
        setRecorded(r);
      }}
      onCancel={onClose}
    />
  );
}

/** What may still be paid back on a credit note: what it credited less its refunds, at most what the invoice owes back. */
export function refundableOn(note: CreditNote, invoice: Invoice): string {
  const owed = negated(invoice.balance);
  const left = minus(note.total, note.refunded) ?? "0";
  return smaller(owed, left);
}

export function RefundDialog({ invoice, open, onClose, onPreview }: { invoice: Invoice; open: boolean; onClose: () => void; onPreview: (payment: Payment) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("billing.refund.title", { number: invoice.number ?? "" })}
      description={t("billing.refund.lead", { name: invoice.patient.name, amount: format.money(negated(invoice.balance)) })}
      size="md"
      testId="refund-dialog"
    >
      {open ? <RefundBody invoice={invoice} onClose={onClose} onPreview={onPreview} /> : null}
    </Dialog>
  );
}

function RefundBody({ invoice, onClose, onPreview }: { invoice: Invoice; onClose: () => void; onPreview: (payment: Payment) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const notes = invoice.credit_notes.filter((n) => signOf(refundableOn(n, invoice)) > 0);
  const [noteId, setNoteId] = useState(notes[0]?.id ?? "");
  const [recorded, setRecorded] = useState<PaymentRecorded | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Fields, string>>>({});
  if (recorded) return <Recorded recorded={recorded} testId="refund" onPreview={onPreview} onClose={onClose} />;
  const note = notes.find((n) => n.id === noteId);
  if (!note) return <p className="text-sm text-ink-700">{t("billing.refund.nothing")}</p>;
  return (
    <div className="flex flex-col gap-4">
      {notes.length > 1 || fieldErrors.credit_note_id ? (
        <SelectField
          label={t("billing.refund.note")}
          name="credit_note_id"
          testId="refund-note"
          value={note.id}
          error={fieldErrors.credit_note_id}
          onChange={(e) => {
            setNoteId(e.target.value);
            setFieldErrors({});
          }}
        >
          {notes.map((n) => (
            <option key={n.id} value={n.id}>
              {t("billing.refund.noteOption", { number: n.number, amount: format.money(refundableOn(n, invoice)) })}
            </option>
          ))}
        </SelectField>
      ) : (
        <p className="text-[0.9375rem] text-ink-800" data-testid="refund-note">
          {t("billing.refund.noteOne", { number: note.number, reason: note.reason })}
        </p>
      )}
      <MoneyForm
        // Another note chosen: the amount opens with what may be paid back on it.
        key={note.id}
        initialAmount={refundableOn(note, invoice)}
        submitLabel={t("billing.refund.submit")}
        testId="refund"
        fieldErrors={fieldErrors}
        setFieldErrors={setFieldErrors}
        send={(v) => call("record_refund", { credit_note_id: note.id, ...v })}
        onDone={(r) => {
          void invoiceWritten(queryClient, r.invoice, INVOICE_TABLES.payment);
          setRecorded(r);
        }}
        onCancel={onClose}
      />
    </div>
  );
}
