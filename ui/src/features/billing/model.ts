// What the invoice screens share: their queries, the tables their writes change (Rust's change-log
// names), how a write's answer is shown at once, the statuses' tones, the payment methods with their
// desk keys, and exact decimal helpers for the few things the UI compares or adds up (a sign, a
// prefilled amount, a patient's total balance) — as text and BigInt, never floats. Every amount
// shown is one Rust worked out.
import { useQuery, type QueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import type { Invoice, InvoiceStatus, InvoiceSummary, ListInvoicesInput, PaymentMethod, PaymentStatus } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { clinicSettingsQuery, commandKey, commandQuery } from "../../api/queries";
import type { Tone } from "../../components/Badge";
import { clinicClock } from "../../lib/clinic-time";

export const invoiceQuery = (invoiceId: string) => commandQuery("get_invoice", { invoice_id: invoiceId });
export const invoicesQuery = (input: ListInvoicesInput) => commandQuery("list_invoices", input);

export const invoicePath = (invoiceId: string) => `/billing/invoices/${invoiceId}`;

/** Tables the invoice commands write. */
export const INVOICE_TABLES = {
  draft: ["invoices", "invoice_lines"],
  discarded: ["invoices"],
  payment: ["payments"],
  credit: ["credit_notes", "credit_note_lines"],
} as const;

/**
 * After a write that answered with the whole invoice: show that answer at once, and refetch what
 * reads the same tables (lists, balances, PDFs) without waiting for `clinic-changed`.
 */
export function invoiceWritten(queryClient: QueryClient, invoice: Invoice, tables: readonly string[]): Promise<void> {
  queryClient.setQueryData(commandKey("get_invoice", { invoice_id: invoice.id }), invoice);
  return refreshAfterWrite(queryClient, tables).then(() => undefined);
}

export const statusTone: Record<InvoiceStatus, Tone> = { draft: "info", issued: "neutral", discarded: "warn" };
export const paymentTone: Record<PaymentStatus, Tone> = { not_issued: "neutral", unpaid: "danger", partly_paid: "warn", paid: "ok", credited: "neutral", refund_due: "warn" };

export const statusLabel = (t: TFunction, status: InvoiceStatus) => t(`billing.status.${status}`);
export const paymentLabel = (t: TFunction, status: PaymentStatus) => t(`billing.payment.${status}`);

/** Payment methods in Rust's order (`PaymentMethod::ALL`), each on its desk key 1–4. */
export const METHODS: readonly PaymentMethod[] = ["cash", "card", "transfer", "insurance"];
/** Methods whose payments carry a reference (Rust refuses them without one). */
export const NEEDS_REFERENCE: ReadonlySet<PaymentMethod> = new Set(["transfer", "insurance"]);

/** The clinic's date today (`YYYY-MM-DD` in its own zone); null until the settings are read. */
export function useClinicDate(): string | null {
  const settings = useQuery(clinicSettingsQuery());
  const zone = settings.data?.time_zone;
  return zone === undefined ? null : clinicClock(zone).date;
}

/** `record` without `key` (a field's typed text once Rust has answered it). */
export function without<K extends string, V>(record: Partial<Record<K, V>>, key: K): Partial<Record<K, V>> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key)) as Partial<Record<K, V>>;
}

// ---- exact decimal text ------------------------------------------------------------------------

interface Scaled {
  units: bigint;
  scale: number;
}

function scaled(text: string): Scaled | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || ((m[2] ?? "") === "" && (m[3] ?? "") === "")) return null;
  const fraction = m[3] ?? "";
  const units = BigInt(`${m[2] || "0"}${fraction}`);
  return { units: m[1] === "-" ? -units : units, scale: fraction.length };
}

const at = (v: Scaled, scale: number) => v.units * 10n ** BigInt(scale - v.scale);

function textOf(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

/** The sign of a decimal text (0 for text that is not a number). */
export function signOf(text: string): -1 | 0 | 1 {
  const v = scaled(text);
  if (!v || v.units === 0n) return 0;
  return v.units < 0n ? -1 : 1;
}

/** −a, exactly ("-11.03" → "11.03"). */
export function negated(text: string): string {
  const v = scaled(text);
  return v ? textOf(-v.units, v.scale) : text;
}

/** a − b, exactly; null if either is not a number. */
export function minus(a: string, b: string): string | null {
  const x = scaled(a);
  const y = scaled(b);
  if (!x || !y) return null;
  const s = Math.max(x.scale, y.scale);
  return textOf(at(x, s) - at(y, s), s);
}

/** The smaller of two decimal texts. */
export function smaller(a: string, b: string): string {
  return signOf(minus(a, b) ?? "0") > 0 ? b : a;
}

/** The exact sum of decimal texts (at the largest scale among them). */
export function total(amounts: readonly string[]): string {
  const values = amounts.map(scaled).filter((v): v is Scaled => v !== null);
  const s = Math.max(0, ...values.map((v) => v.scale));
  return textOf(
    values.reduce((acc, v) => acc + at(v, s), 0n),
    s,
  );
}

/** A list row's payment status, as Rust works it out for the invoice (invoices.rs `load`). */
export function paymentStatusOf(s: Pick<InvoiceSummary, "status" | "balance" | "paid" | "credited">): PaymentStatus {
  if (s.status !== "issued") return "not_issued";
  const balance = signOf(s.balance);
  if (balance < 0) return "refund_due";
  if (balance === 0) return signOf(s.paid) === 0 && signOf(s.credited) > 0 ? "credited" : "paid";
  return signOf(s.paid) > 0 ? "partly_paid" : "unpaid";
}

/** Issued, money still owed, and past its due date (clinic dates compare as text). */
export function overdue(s: Pick<InvoiceSummary, "status" | "balance" | "due_date">, today: string | null): boolean {
  return s.status === "issued" && signOf(s.balance) > 0 && s.due_date !== null && today !== null && s.due_date < today;
}
