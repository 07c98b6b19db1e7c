// The billing part of the fake backend (see fake-backend.ts), mirroring crates/core/src/billing:
// tax categories and the dated price list (pricelist.rs), invoices from a completed appointment or
// by hand with their totals worked out at every change of a draft (invoices.rs, with the exact
// arithmetic of fake-money.ts = money.rs), issuing with gap-free numbers per workstation series,
// payments that never exceed the balance and refunds against credit notes (payments.rs), credit
// notes by line and quantity (credit.rs), the desk's cash closing (closing.rs), outstanding
// balances and revenue with CSV (reports.rs), and the printed documents as small real PDFs with
// CUPS-like printers (print.rs). The same checks in the same order, the same messages, codes and
// fields as Rust; who may call what is the generated COMMAND_ACCESS, checked by the fake's
// dispatch. Each write is one transaction: a refused command leaves nothing changed.
import type {
  BillingDocument,
  BillingPdf,
  CashClosing,
  CashClosingPreview,
  ClinicSettings,
  Commands,
  CreditNote,
  CsvExport,
  DiscountKind,
  EncounterStatus,
  ErrorCode,
  Invoice,
  InvoiceLine,
  InvoicePatient,
  InvoiceStatus,
  InvoiceSummary,
  MethodTotal,
  Outstanding,
  OutstandingPatient,
  Payment,
  PaymentMethod,
  PaymentRecorded,
  PaymentStatus,
  PriceItem,
  PriceItemKind,
  PriceList,
  Printer,
  ReceiptPaper,
  RevenueGrouping,
  RevenueReport,
  RevenueRow,
  Role,
  Rounding,
  Status,
  TaxCategory,
} from "../api/generated";
import { clinicClock } from "../lib/clinic-time";
import {
  abs,
  add,
  cmp,
  computeTotals,
  currencyExponent,
  dec,
  discountOf,
  isNegative,
  isZero,
  min,
  moneyText,
  mul,
  neg,
  normalize,
  parseDec,
  ratio,
  round,
  rulesFor,
  sub,
  sum,
  text,
  ZERO,
  type Dec,
  type MoneyRules,
} from "./fake-money";
import { tinyPdf } from "./fake-prescriptions";
import { human, requireActivePatient, textRules } from "./fake-validation";

/** A user as this store reads it (the fake's own user objects fit). */
export interface BillingUser {
  id: string;
  full_name: string;
  role: Role;
  consultation_fee: string;
}

/** What the store reads of a patient. */
export interface BillingPatient {
  id: string;
  mrn: string;
  given_name: string;
  family_name: string;
  address: string;
  phone: string;
  merged_into: string | null;
}

export interface BillingStoreDeps {
  now: () => Date;
  newId: () => string;
  fail: (code: ErrorCode, message: string, field?: string) => never;
  /** Who runs the current command (Rust: `ctx.user()`). */
  actor: () => BillingUser | null;
  users: () => Iterable<BillingUser>;
  patients: () => ReadonlyMap<string, BillingPatient>;
  appointments: () => ReadonlyMap<string, { id: string; patient_id: string; doctor_id: string; visit_type_id: string; status: Status; starts_at: string }>;
  visitTypes: () => ReadonlyMap<string, { id: string; name: string }>;
  encounters: () => ReadonlyMap<string, { id: string; appointment_id: string | null; status: EncounterStatus; started_at: string }>;
  medications: () => ReadonlyMap<string, unknown>;
  settings: () => ClinicSettings | null;
  /** The Standard category's rate is the settings' default tax rate (save_tax_category writes it back). */
  setDefaultTaxRate: (rate: string) => void;
  /** This workstation (its desk's payments and closings). */
  workstationId: string;
  /** Its code in document numbers: the prefix of its MRNs ("K7Q"). */
  workstationCode: string;
  /** The workstation's CUPS queues (a text: printing is unavailable, for that reason). */
  printers: () => readonly Printer[] | string;
  audit: (action: string, detail: string, table: string, id: string) => void;
}

/**
 * The tables each billing write changes (Rust's change-log names), for the fake's
 * `clinic-changed` events: spread into fake-backend.ts's TABLES_WRITTEN.
 */
export const BILLING_TABLES_WRITTEN: Partial<Record<keyof Commands, readonly string[]>> = {
  save_tax_category: ["tax_categories", "clinic"],
  save_price_item: ["price_items", "price_versions"],
  create_invoice: ["invoices"],
  create_invoice_from_appointment: ["invoices", "invoice_lines"],
  add_invoice_line: ["invoices", "invoice_lines"],
  update_invoice_line: ["invoices", "invoice_lines"],
  remove_invoice_line: ["invoices", "invoice_lines"],
  update_invoice: ["invoices", "invoice_lines"],
  issue_invoice: ["invoices", "invoice_lines"],
  discard_invoice: ["invoices"],
  record_payment: ["payments"],
  record_refund: ["payments"],
  issue_credit_note: ["credit_notes", "credit_note_lines"],
  close_cash: ["cash_closings", "payments"],
};

interface StoredTax {
  id: string;
  name: string;
  rate: string;
  active: boolean;
  created_at: string;
  updated_at: string;
}

interface StoredItem {
  id: string;
  code: string;
  name: string;
  kind: PriceItemKind;
  tax_category_id: string;
  visit_type_id: string | null;
  doctor_id: string | null;
  medication_id: string | null;
  unit: string;
  active: boolean;
  created_at: string;
  updated_at: string;
}

interface StoredVersion {
  id: string;
  price_item_id: string;
  price: string;
  valid_from: string;
  created_by: string | null;
  created_at: string;
}

interface StoredInvoice {
  id: string;
  patient_id: string;
  status: InvoiceStatus;
  workstation_id: string;
  series: string | null;
  number: number | null;
  number_text: string | null;
  appointment_id: string | null;
  encounter_id: string | null;
  doctor_id: string | null;
  service_date: string;
  currency: string;
  prices_include_tax: boolean;
  rounding: Rounding;
  discount_kind: DiscountKind;
  discount_value: string;
  notes: string;
  subtotal: string;
  discount_total: string;
  tax_total: string;
  total: string;
  due_date: string | null;
  created_by: string | null;
  issued_by: string | null;
  issued_at: string | null;
  discard_reason: string;
  created_at: string;
  updated_at: string;
}

interface StoredLine {
  id: string;
  invoice_id: string;
  position: number;
  price_item_id: string | null;
  kind: PriceItemKind;
  code: string;
  description: string;
  quantity: string;
  unit: string;
  unit_price: string;
  discount_kind: DiscountKind;
  discount_value: string;
  tax_category_id: string;
  tax_name: string;
  tax_rate: string;
  gross: string;
  discount: string;
  net: string;
  tax: string;
  total: string;
  status: "active" | "removed";
  created_at: string;
  updated_at: string;
}

interface StoredNote {
  id: string;
  invoice_id: string;
  patient_id: string;
  workstation_id: string;
  series: string;
  number: number;
  number_text: string;
  reason: string;
  net_total: string;
  tax_total: string;
  total: string;
  issued_by: string | null;
  issued_at: string;
}

interface StoredNoteLine {
  id: string;
  credit_note_id: string;
  invoice_line_id: string;
  quantity: string;
  net: string;
  tax: string;
  total: string;
}

interface StoredPayment {
  id: string;
  invoice_id: string;
  patient_id: string;
  amount: string;
  method: PaymentMethod;
  reference: string;
  credit_note_id: string | null;
  workstation_id: string;
  receipt_series: string;
  receipt_number: number;
  receipt_text: string;
  received_by: string | null;
  received_at: string;
  closing_id: string | null;
}

interface StoredClosing {
  id: string;
  workstation_id: string;
  closed_by: string | null;
  closed_at: string;
  period_start: string | null;
  payment_count: number;
  expected_cash: string;
  counted_cash: string;
  difference: string;
  totals_json: string;
  note: string;
}

interface Db {
  taxes: Map<string, StoredTax>;
  items: Map<string, StoredItem>;
  versions: Map<string, StoredVersion>;
  invoices: Map<string, StoredInvoice>;
  lines: Map<string, StoredLine>;
  notes: Map<string, StoredNote>;
  noteLines: Map<string, StoredNoteLine>;
  payments: Map<string, StoredPayment>;
  closings: Map<string, StoredClosing>;
}

/** PaymentMethod::ALL and its labels. */
const METHODS: readonly PaymentMethod[] = ["cash", "card", "transfer", "insurance"];
const METHOD_LABEL: Record<PaymentMethod, string> = { cash: "Cash", card: "Card", transfer: "Bank transfer", insurance: "Insurance" };

/** SQLite's binary collation (Rust's ORDER BY on text). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** ASCII letters folded (COLLATE NOCASE, and LIKE's case-insensitivity). */
const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** money.rs `label` (as clinic::human): "counted_cash" → "Counted cash". */
const label = human;

/** CSV as the csv crate writes it (fields quoted when they need it, `\n` after each record). */
function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const field = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
  // Rust starts with a byte-order mark so spreadsheets read the names as UTF-8.
  return "\u{feff}" + [header, ...rows].map((r) => `${r.map(field).join(",")}\n`).join("");
}

export function createBillingStore(deps: BillingStoreDeps) {
  const { newId } = deps;
  // `fail` returns `never`; called through a local function so that TypeScript narrows after it.
  function fail(code: ErrorCode, message: string, field?: string): never {
    return deps.fail(code, message, field);
  }
  const { required, optionalText } = textRules(fail);
  /** The seed writes at past times and as other users. */
  let clock: Date | null = null;
  let actorOverride: BillingUser | null = null;
  const nowDate = () => clock ?? deps.now();
  const nowText = () => nowDate().toISOString();
  const me = () => actorOverride ?? deps.actor();
  const zone = () => deps.settings()?.time_zone ?? "UTC";
  const clinicToday = () => clinicClock(zone(), nowDate()).date;
  const localDay = (iso: string) => clinicClock(zone(), new Date(iso)).date;
  const userName = (id: string | null) => (id === null ? null : ([...deps.users()].find((u) => u.id === id)?.full_name ?? null));

  let db: Db = {
    taxes: new Map(),
    items: new Map(),
    versions: new Map(),
    invoices: new Map(),
    lines: new Map(),
    notes: new Map(),
    noteLines: new Map(),
    payments: new Map(),
    closings: new Map(),
  };
  const printJobs: { job_id: string; printer: string; document: BillingDocument; id: string; file_name: string }[] = [];
  let jobCounter = 0;

  /** One write transaction: every change of `body` is kept, or none. */
  function write<T>(body: () => T): T {
    const saved = structuredClone(db);
    try {
      return body();
    } catch (error) {
      db = saved;
      throw error;
    }
  }

  // The migration's two categories: Standard follows the clinic's default tax rate.
  function seedCategories() {
    const at = nowText();
    db.taxes.set("tax-standard", { id: "tax-standard", name: "Standard", rate: deps.settings()?.default_tax_rate ?? "0", active: true, created_at: at, updated_at: at });
    db.taxes.set("tax-exempt", { id: "tax-exempt", name: "Exempt", rate: "0", active: true, created_at: at, updated_at: at });
  }
  seedCategories();

  // ---- settings and numbers (billing/mod.rs) -------------------------------------------------------

  function settings(): { currency: string; locale: string; rules: MoneyRules; invoice_prefix: string; receipt_roll: boolean } {
    const s = deps.settings() ?? fail("conflict", "the clinic is not set up yet");
    return { currency: s.currency, locale: s.locale, rules: rulesFor(s.currency, s.rounding, s.prices_include_tax), invoice_prefix: s.invoice_series_prefix, receipt_roll: s.receipt_paper === "roll80" };
  }

  const numberText = (series: string, number: number) => `${series}-${String(number).padStart(6, "0")}`;

  function nextNumber(table: "invoices" | "credit_notes" | "payments", series: string): number {
    const used =
      table === "invoices"
        ? [...db.invoices.values()].filter((i) => i.series === series).map((i) => i.number ?? 0)
        : table === "credit_notes"
          ? [...db.notes.values()].filter((n) => n.series === series).map((n) => n.number)
          : [...db.payments.values()].filter((p) => p.receipt_series === series).map((p) => p.receipt_number);
    return Math.max(0, ...used) + 1;
  }

  /** billing::parse_date: a real calendar date written YYYY-MM-DD. */
  function parseDate(value: string, field: string): string {
    const v = value.trim();
    const m = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : null;
    if (m === null || Number.isNaN(m.getTime()) || m.toISOString().slice(0, 10) !== v) fail("validation", "the date is written YYYY-MM-DD, e.g. 2026-12-03", field);
    return v;
  }

  /** money::parse_amount: a plain decimal, not negative (nor zero unless allowed), at most `exponent` decimals, at most 10^9. */
  function parseAmount(value: string, field: string, exponent: number, allowZero: boolean): Dec {
    const d = parseDec(value.trim()) ?? fail("validation", `${label(field)} is an amount like 12.50 (digits and a point)`, field);
    if (isNegative(d) || value.trim().startsWith("-") || (!allowZero && isZero(d))) {
      fail("validation", `${label(field)} must be ${allowZero ? "zero or more" : "more than zero"}`, field);
    }
    if (normalize(d).s > exponent) fail("validation", `${label(field)} has at most ${exponent} decimals in this currency`, field);
    if (cmp(d, { n: 1_000_000_000n, s: 0 }) > 0) fail("validation", `${label(field)} is too large`, field);
    return d;
  }

  function parsePercent(value: string, field: string): Dec {
    const p = parseDec(value.trim()) ?? fail("validation", "the discount is a percent, e.g. 10 or 12.5", field);
    if (isNegative(p) || cmp(p, { n: 100n, s: 0 }) > 0) fail("validation", "a percent discount is between 0 and 100", field);
    if (normalize(p).s > 2) fail("validation", "a percent discount has at most 2 decimals", field);
    return p;
  }

  /** parse_discount: the discount as typed, checked; returns the stored value text. */
  function parseDiscount(kind: DiscountKind, value: string, field: string, exponent: number): string {
    if (kind === "percent") return text(normalize(parsePercent(value, field)));
    if (kind === "amount") return text(parseAmount(value, field, exponent, true));
    return "0";
  }

  /** clinic::valid_tax_rate. */
  function validTaxRate(value: string, field: string): string {
    const rate = parseDec(value.trim()) ?? fail("validation", "the tax rate is a number in percent, e.g. 22 or 7.5", field);
    if (isNegative(rate) || cmp(rate, { n: 100n, s: 0 }) > 0) fail("validation", "the tax rate is between 0 and 100 percent", field);
    if (rate.s > 3) fail("validation", "the tax rate has at most 3 decimals", field);
    return text(normalize(rate));
  }

  function parseQuantity(value: string, field: string): Dec {
    const q = parseDec(value.trim()) ?? fail("validation", "the quantity is a number, e.g. 1 or 2.5", field);
    if (cmp(q, ZERO) <= 0) fail("validation", "the quantity must be more than zero", field);
    if (cmp(q, { n: 100_000n, s: 0 }) > 0) fail("validation", "the quantity is too large", field);
    if (normalize(q).s > 3) fail("validation", "the quantity has at most 3 decimals", field);
    return q;
  }

  // Unit prices may be finer than the currency (0.125 per ml); line amounts are rounded.
  const parseUnitPrice = (value: string, field: string) => parseAmount(value, field, 4, true);

  // ---- the price list (pricelist.rs) ----------------------------------------------------------------

  function taxView(t: StoredTax): TaxCategory {
    return { id: t.id, name: t.name, rate: t.rate, active: t.active };
  }

  function priceOn(itemId: string, date: string): string | null {
    const versions = [...db.versions.values()].filter((v) => v.price_item_id === itemId && v.valid_from <= date).sort((a, b) => byText(b.valid_from, a.valid_from));
    return versions[0]?.price ?? null;
  }

  function itemView(p: StoredItem, date: string): PriceItem {
    const tax = db.taxes.get(p.tax_category_id);
    return {
      id: p.id,
      code: p.code,
      name: p.name,
      kind: p.kind,
      tax_category_id: p.tax_category_id,
      tax_category_name: tax?.name ?? "",
      tax_rate: tax?.rate ?? "0",
      visit_type_id: p.visit_type_id,
      visit_type_name: p.visit_type_id === null ? null : (deps.visitTypes().get(p.visit_type_id)?.name ?? null),
      doctor_id: p.doctor_id,
      doctor_name: userName(p.doctor_id),
      medication_id: p.medication_id,
      unit: p.unit,
      active: p.active,
      price: priceOn(p.id, date),
      versions: [...db.versions.values()]
        .filter((v) => v.price_item_id === p.id)
        .sort((a, b) => byText(a.valid_from, b.valid_from))
        .map((v) => ({ price: v.price, valid_from: v.valid_from })),
    };
  }

  function loadItem(id: string, date: string): PriceItem {
    const p = db.items.get(id) ?? fail("not_found", "no such price list entry", "price_item_id");
    return itemView(p, date);
  }

  function listTaxCategories(): TaxCategory[] {
    return [...db.taxes.values()].sort((a, b) => Number(b.active) - Number(a.active) || byText(fold(a.name), fold(b.name))).map(taxView);
  }

  function saveTaxCategory(input: Commands["save_tax_category"]["input"]): TaxCategory {
    const name = required(input.name, "name", 60);
    const rate = validTaxRate(input.rate, "rate");
    return write(() => {
      const taken = [...db.taxes.values()].find((t) => fold(t.name) === fold(name));
      if (taken && taken.id !== (input.id ?? null)) fail("validation", `a tax category named ${name} already exists`, "name");
      const at = nowText();
      let id: string;
      let detail: string;
      if (input.id != null) {
        const before = db.taxes.get(input.id) ?? fail("not_found", "no such tax category", "id");
        db.taxes.set(before.id, { ...before, name, rate, active: input.active, updated_at: at });
        // The settings' default tax rate is this category's rate.
        if (before.id === "tax-standard") deps.setDefaultTaxRate(rate);
        id = before.id;
        detail = `tax category ${before.name} ${before.rate}% → ${name} ${rate}%`;
      } else {
        id = newId();
        db.taxes.set(id, { id, name, rate, active: input.active, created_at: at, updated_at: at });
        detail = `tax category ${name} ${rate}% added`;
      }
      deps.audit("save_tax_category", detail, "tax_categories", id);
      return { id, name, rate, active: input.active };
    });
  }

  function listPriceItems(input: Commands["list_price_items"]["input"]): PriceList {
    const date = input.on_date != null ? parseDate(input.on_date, "on_date") : clinicToday();
    const words = input.query
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => fold(w.replace(/[%_]/g, "")));
    const items = [...db.items.values()]
      .filter((p) => input.kind == null || p.kind === input.kind)
      .filter((p) => input.include_inactive || p.active)
      .filter((p) => words.every((w) => fold(p.name).includes(w) || fold(p.code).includes(w)))
      .sort((a, b) => byText(a.kind, b.kind) || byText(fold(a.name), fold(b.name)))
      .slice(0, 500)
      .map((p) => itemView(p, date));
    return { items, on_date: date };
  }

  function savePriceItem(input: Commands["save_price_item"]["input"]): PriceItem {
    const code = required(input.code, "code", 30);
    const name = required(input.name, "name", 200);
    const unit = optionalText(input.unit, "unit", 30);
    const user = me();
    return write(() => {
      const s = settings();
      const today = clinicToday();
      const taken = [...db.items.values()].find((p) => fold(p.code) === fold(code));
      if (taken && taken.id !== (input.id ?? null)) fail("validation", `the code ${code} is already used by another entry`, "code");
      const tax = db.taxes.get(input.tax_category_id);
      if (!tax) fail("validation", "no such tax category", "tax_category_id");
      if (!tax.active) fail("validation", "that tax category is retired", "tax_category_id");
      if (input.visit_type_id != null && !deps.visitTypes().has(input.visit_type_id)) fail("validation", "no such visit type", "visit_type_id");
      if (input.doctor_id != null && [...deps.users()].find((u) => u.id === input.doctor_id)?.role !== "doctor") fail("validation", "that is not a doctor", "doctor_id");
      if (input.medication_id != null && !deps.medications().has(input.medication_id)) fail("validation", "no such medication", "medication_id");
      if ((input.visit_type_id != null || input.doctor_id != null) && input.kind !== "consultation") {
        fail("validation", "only a consultation is priced by visit type or doctor", "kind");
      }
      const price = input.price != null ? parseAmount(input.price, "price", s.rules.exponent, true) : null;
      let validFrom = today;
      if (input.price_valid_from != null) {
        validFrom = parseDate(input.price_valid_from, "price_valid_from");
        if (validFrom < today) fail("validation", "a new price starts today or later: invoices already made keep their prices", "price_valid_from");
      }
      const at = nowText();
      const fields = {
        code,
        name,
        kind: input.kind,
        tax_category_id: input.tax_category_id,
        visit_type_id: input.visit_type_id ?? null,
        doctor_id: input.doctor_id ?? null,
        medication_id: input.medication_id ?? null,
        unit,
        active: input.active,
        updated_at: at,
      };
      let id: string;
      if (input.id != null) {
        const before = db.items.get(input.id) ?? fail("not_found", "no such price list entry", "id");
        db.items.set(before.id, { ...before, ...fields });
        id = before.id;
      } else {
        if (price === null) fail("validation", "a new entry needs a price", "price");
        id = newId();
        db.items.set(id, { id, ...fields, created_at: at });
      }
      let detail = `price list ${code} ${name}`;
      if (price !== null) {
        const p = text(round(s.rules, price));
        // A version not yet started (or starting today) may be corrected; older ones stay.
        const existing = [...db.versions.values()].find((v) => v.price_item_id === id && v.valid_from === validFrom);
        if (existing) db.versions.set(existing.id, { ...existing, price: p });
        else {
          const vid = newId();
          db.versions.set(vid, { id: vid, price_item_id: id, price: p, valid_from: validFrom, created_by: user?.id ?? null, created_at: at });
        }
        detail += `: price ${p} from ${validFrom}`;
      }
      deps.audit("save_price_item", detail, "price_items", id);
      return loadItem(id, today);
    });
  }

  /** The consultation price for a visit: this visit type and doctor, else this visit type, else this doctor. */
  function consultationItem(visitTypeId: string, doctorId: string): string | null {
    const found = [...db.items.values()]
      .filter(
        (p) =>
          p.active &&
          p.kind === "consultation" &&
          ((p.visit_type_id === visitTypeId && p.doctor_id === doctorId) || (p.visit_type_id === visitTypeId && p.doctor_id === null) || (p.visit_type_id === null && p.doctor_id === doctorId)),
      )
      .sort((a, b) => Number(a.visit_type_id === null) - Number(b.visit_type_id === null) || Number(a.doctor_id === null) - Number(b.doctor_id === null) || byText(a.code, b.code));
    return found[0]?.id ?? null;
  }

  // ---- invoices (invoices.rs) ---------------------------------------------------------------------

  const rulesOf = (h: StoredInvoice) => rulesFor(h.currency, h.rounding, h.prices_include_tax);

  function header(id: string): StoredInvoice {
    return db.invoices.get(id) ?? fail("not_found", "no such invoice", "invoice_id");
  }

  function patientOf(h: { patient_id: string }): InvoicePatient {
    const p = deps.patients().get(h.patient_id);
    return { id: h.patient_id, name: p ? `${p.given_name} ${p.family_name}` : "", mrn: p?.mrn ?? "" };
  }

  const activeLines = (invoiceId: string) => [...db.lines.values()].filter((l) => l.invoice_id === invoiceId && l.status === "active").sort((a, b) => a.position - b.position);

  function lineView(l: StoredLine): InvoiceLine {
    const credited = sum([...db.noteLines.values()].filter((c) => c.invoice_line_id === l.id).map((c) => dec(c.quantity)));
    return {
      id: l.id,
      position: l.position,
      price_item_id: l.price_item_id,
      kind: l.kind,
      code: l.code,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unit_price: l.unit_price,
      discount_kind: l.discount_kind,
      discount_value: l.discount_value,
      tax_category_id: l.tax_category_id,
      tax_name: l.tax_name,
      tax_rate: l.tax_rate,
      gross: l.gross,
      discount: l.discount,
      net: l.net,
      tax: l.tax,
      total: l.total,
      credited_quantity: text(normalize(credited)),
    };
  }

  function paymentView(p: StoredPayment): Payment {
    const note = p.credit_note_id === null ? undefined : db.notes.get(p.credit_note_id);
    return {
      id: p.id,
      invoice_id: p.invoice_id,
      invoice_number: db.invoices.get(p.invoice_id)?.number_text ?? null,
      amount: p.amount,
      is_refund: p.amount.startsWith("-"),
      method: p.method,
      reference: p.reference,
      credit_note_id: p.credit_note_id,
      credit_note_number: note?.number_text ?? null,
      receipt_number: p.receipt_text,
      received_at: p.received_at,
      received_by_name: userName(p.received_by),
      workstation_id: p.workstation_id,
      closing_id: p.closing_id,
    };
  }

  const byReceipt = (a: StoredPayment, b: StoredPayment) => byText(a.received_at, b.received_at) || a.receipt_number - b.receipt_number;

  function paymentsOf(invoiceId: string): Payment[] {
    return [...db.payments.values()].filter((p) => p.invoice_id === invoiceId).sort(byReceipt).map(paymentView);
  }

  function loadPayment(id: string): Payment {
    const p = db.payments.get(id) ?? fail("not_found", "no such payment", "payment_id");
    return paymentView(p);
  }

  function creditNotesOf(invoiceId: string): CreditNote[] {
    return [...db.notes.values()]
      .filter((n) => n.invoice_id === invoiceId)
      .sort((a, b) => byText(a.issued_at, b.issued_at) || a.number - b.number)
      .map((n) => {
        const refunds = [...db.payments.values()].filter((p) => p.credit_note_id === n.id).map((p) => dec(p.amount));
        return {
          id: n.id,
          invoice_id: n.invoice_id,
          number: n.number_text,
          reason: n.reason,
          net_total: n.net_total,
          tax_total: n.tax_total,
          total: n.total,
          refunded: text(abs(sum(refunds))),
          issued_at: n.issued_at,
          issued_by_name: userName(n.issued_by),
          lines: [...db.noteLines.values()]
            .filter((c) => c.credit_note_id === n.id)
            .map((c) => ({ c, l: db.lines.get(c.invoice_line_id) }))
            .sort((x, y) => (x.l?.position ?? 0) - (y.l?.position ?? 0))
            .map(({ c, l }) => ({ invoice_line_id: c.invoice_line_id, description: l?.description ?? "", quantity: c.quantity, net: c.net, tax: c.tax, total: c.total })),
        };
      });
  }

  /** The invoice as the UI and the PDF show it. */
  function load(id: string): Invoice {
    const h = header(id);
    const rules = rulesOf(h);
    const lines = activeLines(id).map(lineView);
    // The tax breakdown, grouped as money.rs grouped it: by category and rate.
    const taxes: { key: string; name: string; rate: string; base: Dec; tax: Dec }[] = [];
    for (const l of lines) {
      const t = taxes.find((x) => x.key === l.tax_category_id && x.rate === l.tax_rate);
      if (t) {
        t.base = add(t.base, dec(l.net));
        t.tax = add(t.tax, dec(l.tax));
      } else taxes.push({ key: l.tax_category_id, name: l.tax_name, rate: l.tax_rate, base: dec(l.net), tax: dec(l.tax) });
    }
    const payments = paymentsOf(id);
    const creditNotes = creditNotesOf(id);
    const total = dec(h.total);
    const credited = sum(creditNotes.map((n) => dec(n.total)));
    const paid = sum(payments.map((p) => dec(p.amount)));
    const balance = sub(sub(total, credited), paid);
    let paymentStatus: PaymentStatus;
    if (h.status !== "issued") paymentStatus = "not_issued";
    else if (isNegative(balance)) paymentStatus = "refund_due";
    else if (isZero(balance)) paymentStatus = isZero(paid) && cmp(credited, ZERO) > 0 ? "credited" : "paid";
    else paymentStatus = cmp(paid, ZERO) > 0 ? "partly_paid" : "unpaid";
    return {
      id,
      patient: patientOf(h),
      status: h.status,
      number: h.number_text,
      appointment_id: h.appointment_id,
      encounter_id: h.encounter_id,
      doctor_id: h.doctor_id,
      doctor_name: userName(h.doctor_id),
      service_date: h.service_date,
      currency: h.currency,
      prices_include_tax: h.prices_include_tax,
      rounding: h.rounding,
      discount_kind: h.discount_kind,
      discount_value: h.discount_value,
      notes: h.notes,
      due_date: h.due_date,
      lines,
      taxes: taxes.map((t) => ({ name: t.name, rate: t.rate, base: moneyText(rules, t.base), tax: moneyText(rules, t.tax) })),
      subtotal: h.subtotal,
      discount_total: h.discount_total,
      net_total: moneyText(rules, sum(lines.map((l) => dec(l.net)))),
      tax_total: h.tax_total,
      total: h.total,
      credited: moneyText(rules, credited),
      paid: moneyText(rules, paid),
      balance: moneyText(rules, balance),
      payment_status: paymentStatus,
      payments,
      credit_notes: creditNotes,
      created_by_name: userName(h.created_by),
      created_at: h.created_at,
      issued_at: h.issued_at,
      issued_by_name: userName(h.issued_by),
      discard_reason: h.discard_reason,
    };
  }

  /** Works the draft's amounts out again and stores them (lines and totals). */
  function recompute(invoiceId: string) {
    const h = header(invoiceId);
    const rules = rulesOf(h);
    const lines = activeLines(invoiceId);
    const result = computeTotals(
      rules,
      lines.map((l) => ({ quantity: dec(l.quantity), unit_price: dec(l.unit_price), discount: discountOf(l.discount_kind, l.discount_value), tax_key: l.tax_category_id, tax_rate: dec(l.tax_rate) })),
      discountOf(h.discount_kind, h.discount_value),
    );
    if ("error" in result) {
      if (result.error.kind === "line_discount_too_large") fail("validation", `the discount on line ${result.error.line + 1} is more than the line's amount`, "discount_value");
      fail("validation", "the invoice discount is more than the invoice's amount", "discount_value");
    }
    const totals = result.ok;
    const at = nowText();
    lines.forEach((l, i) => {
      const a = totals.lines[i];
      if (!a) return;
      const next = { gross: text(a.gross), discount: text(a.discount), net: text(a.net), tax: text(a.tax), total: text(a.total) };
      if (next.gross !== l.gross || next.discount !== l.discount || next.net !== l.net || next.tax !== l.tax || next.total !== l.total) db.lines.set(l.id, { ...l, ...next, updated_at: at });
    });
    db.invoices.set(invoiceId, { ...h, subtotal: text(totals.subtotal), discount_total: text(totals.discount_total), tax_total: text(totals.tax_total), total: text(totals.total), updated_at: at });
  }

  function requireDraft(invoiceId: string): StoredInvoice {
    const h = header(invoiceId);
    if (h.status === "issued") fail("conflict", `invoice ${h.number_text ?? ""} is issued and can no longer change: correct it with a credit note`, "invoice_id");
    if (h.status === "discarded") fail("conflict", "this draft was discarded", "invoice_id");
    return h;
  }

  function insertInvoice(patientId: string, serviceDate: string, doctorId: string | null, appointmentId: string | null, encounterId: string | null, notes: string): string {
    const s = settings();
    const id = newId();
    const at = nowText();
    db.invoices.set(id, {
      id,
      patient_id: patientId,
      status: "draft",
      workstation_id: deps.workstationId,
      series: null,
      number: null,
      number_text: null,
      appointment_id: appointmentId,
      encounter_id: encounterId,
      doctor_id: doctorId,
      service_date: serviceDate,
      currency: s.currency,
      prices_include_tax: s.rules.prices_include_tax,
      rounding: s.rules.rounding,
      discount_kind: "none",
      discount_value: "0",
      notes,
      // The table's defaults until the first line works them out.
      subtotal: "0",
      discount_total: "0",
      tax_total: "0",
      total: "0",
      due_date: null,
      created_by: me()?.id ?? null,
      issued_by: null,
      issued_at: null,
      discard_reason: "",
      created_at: at,
      updated_at: at,
    });
    return id;
  }

  function checkDoctor(doctorId: string) {
    if ([...deps.users()].find((u) => u.id === doctorId)?.role !== "doctor") fail("validation", "that is not a doctor", "doctor_id");
  }

  function createInvoice(input: Commands["create_invoice"]["input"]): Invoice {
    const notes = optionalText(input.notes, "notes", 1_000);
    return write(() => {
      requireActivePatient(deps.patients(), input.patient_id, fail);
      const today = clinicToday();
      let date = today;
      if (input.service_date != null) {
        date = parseDate(input.service_date, "service_date");
        if (date > today) fail("validation", "the service date cannot be in the future", "service_date");
      }
      if (input.doctor_id != null) checkDoctor(input.doctor_id);
      const id = insertInvoice(input.patient_id, date, input.doctor_id ?? null, null, null, notes);
      deps.audit("create_invoice", "draft invoice started", "invoices", id);
      return load(id);
    });
  }

  interface NewLine {
    price_item_id: string | null;
    kind: PriceItemKind;
    code: string;
    description: string;
    quantity: Dec;
    unit: string;
    unit_price: Dec;
    tax_category_id: string;
  }

  function activeTax(id: string): StoredTax {
    const tax = db.taxes.get(id) ?? fail("validation", "no such tax category", "tax_category_id");
    if (!tax.active) fail("validation", "that tax category is retired", "tax_category_id");
    return tax;
  }

  function insertLine(invoiceId: string, line: NewLine): string {
    const tax = activeTax(line.tax_category_id);
    const position = Math.max(0, ...[...db.lines.values()].filter((l) => l.invoice_id === invoiceId).map((l) => l.position)) + 1;
    const id = newId();
    const at = nowText();
    db.lines.set(id, {
      id,
      invoice_id: invoiceId,
      position,
      price_item_id: line.price_item_id,
      kind: line.kind,
      code: line.code,
      description: line.description,
      quantity: text(normalize(line.quantity)),
      unit: line.unit,
      unit_price: text(line.unit_price),
      discount_kind: "none",
      discount_value: "0",
      tax_category_id: tax.id,
      tax_name: tax.name,
      tax_rate: tax.rate,
      gross: "0",
      discount: "0",
      net: "0",
      tax: "0",
      total: "0",
      status: "active",
      created_at: at,
      updated_at: at,
    });
    return id;
  }

  function addLineFromItem(invoiceId: string, serviceDate: string, itemId: string, quantity: Dec, unitPrice: Dec | null, description: string | null): string {
    const item = loadItem(itemId, serviceDate);
    if (!item.active) fail("validation", `${item.name} is no longer on the price list`, "price_item_id");
    const price = unitPrice ?? (item.price === null ? fail("validation", `${item.name} has no price on ${serviceDate}`, "price_item_id") : dec(item.price));
    return insertLine(invoiceId, {
      price_item_id: item.id,
      kind: item.kind,
      code: item.code,
      description: description ?? item.name,
      quantity,
      unit: item.unit,
      unit_price: price,
      tax_category_id: item.tax_category_id,
    });
  }

  function setLineTax(lineId: string, taxCategoryId: string) {
    const tax = activeTax(taxCategoryId);
    const l = db.lines.get(lineId);
    if (l) db.lines.set(lineId, { ...l, tax_category_id: tax.id, tax_name: tax.name, tax_rate: tax.rate });
  }

  function createFromAppointment(input: Commands["create_invoice_from_appointment"]["input"]): Invoice {
    return write(() => {
      const a = deps.appointments().get(input.appointment_id);
      const visit = a ? deps.visitTypes().get(a.visit_type_id) : undefined;
      const doctor = a ? [...deps.users()].find((u) => u.id === a.doctor_id) : undefined;
      if (!a || !visit || !doctor) return fail("validation", "no such appointment", "appointment_id");
      if (a.status !== "completed") fail("validation", `only a completed appointment is invoiced (this one is ${a.status.replaceAll("_", " ")})`, "appointment_id");
      const existing = [...db.invoices.values()].find((i) => i.appointment_id === a.id && i.status !== "discarded");
      if (existing) fail("conflict", `this appointment is already invoiced (${existing.number_text ?? "a draft"})`, "appointment_id");
      requireActivePatient(deps.patients(), a.patient_id, fail);
      const date = localDay(a.starts_at);
      const encounter = [...deps.encounters().values()].filter((e) => e.appointment_id === a.id && e.status !== "entered_in_error").sort((x, y) => byText(x.started_at, y.started_at))[0];
      const id = insertInvoice(a.patient_id, date, a.doctor_id, a.id, encounter?.id ?? null, "");
      // The consultation, priced from the list; else the doctor's own fee.
      const item = consultationItem(a.visit_type_id, a.doctor_id);
      if (item !== null) addLineFromItem(id, date, item, { n: 1n, s: 0 }, null, null);
      else {
        const fee = doctor.consultation_fee;
        if (fee === "") {
          fail("conflict", `the price list has no consultation for ${visit.name} with ${doctor.full_name}, and the doctor has no fee: add one to the price list first`, "appointment_id");
        }
        insertLine(id, { price_item_id: null, kind: "consultation", code: "", description: `${visit.name} — ${doctor.full_name}`, quantity: { n: 1n, s: 0 }, unit: "visit", unit_price: dec(fee), tax_category_id: "tax-standard" });
      }
      recompute(id);
      deps.audit("create_invoice_from_appointment", `draft invoice started from appointment ${a.id}`, "invoices", id);
      return load(id);
    });
  }

  function addInvoiceLine(input: Commands["add_invoice_line"]["input"]): Invoice {
    const quantity = input.quantity != null ? parseQuantity(input.quantity, "quantity") : { n: 1n, s: 0 };
    const unitPrice = input.unit_price != null ? parseUnitPrice(input.unit_price, "unit_price") : null;
    const description = input.description != null ? required(input.description, "description", 200) : null;
    return write(() => {
      const h = requireDraft(input.invoice_id);
      const discount = parseDiscount(input.discount_kind, input.discount_value, "discount_value", rulesOf(h).exponent);
      let lineId: string;
      if (input.price_item_id != null) {
        lineId = addLineFromItem(h.id, h.service_date, input.price_item_id, quantity, unitPrice, description);
        if (input.tax_category_id != null) setLineTax(lineId, input.tax_category_id);
      } else {
        const typed = description ?? fail("validation", "a line typed by hand needs a description", "description");
        const price = unitPrice ?? fail("validation", "a line typed by hand needs a unit price", "unit_price");
        lineId = insertLine(h.id, { price_item_id: null, kind: "other", code: "", description: typed, quantity, unit: "", unit_price: price, tax_category_id: input.tax_category_id ?? "tax-standard" });
      }
      const l = db.lines.get(lineId);
      if (l) db.lines.set(lineId, { ...l, discount_kind: input.discount_kind, discount_value: discount });
      recompute(h.id);
      deps.audit("add_invoice_line", "line added to draft invoice", "invoices", h.id);
      return load(h.id);
    });
  }

  function lineOf(lineId: string): StoredLine {
    const l = db.lines.get(lineId);
    if (!l || l.status !== "active") return fail("not_found", "no such invoice line", "line_id");
    return l;
  }

  function updateInvoiceLine(input: Commands["update_invoice_line"]["input"]): Invoice {
    const quantity = input.quantity != null ? parseQuantity(input.quantity, "quantity") : null;
    const unitPrice = input.unit_price != null ? parseUnitPrice(input.unit_price, "unit_price") : null;
    const description = input.description != null ? required(input.description, "description", 200) : null;
    return write(() => {
      const invoiceId = lineOf(input.line_id).invoice_id;
      const h = requireDraft(invoiceId);
      const patch = (change: Partial<StoredLine>) => {
        db.lines.set(input.line_id, { ...lineOf(input.line_id), ...change });
      };
      if (quantity) patch({ quantity: text(normalize(quantity)) });
      if (unitPrice) patch({ unit_price: text(unitPrice) });
      if (description !== null) patch({ description });
      if (input.tax_category_id != null) setLineTax(input.line_id, input.tax_category_id);
      if (input.discount_kind != null || input.discount_value != null) {
        const l = lineOf(input.line_id);
        const kind = input.discount_kind ?? l.discount_kind;
        const value = parseDiscount(kind, input.discount_value ?? l.discount_value, "discount_value", rulesOf(h).exponent);
        patch({ discount_kind: kind, discount_value: value });
      }
      patch({ updated_at: nowText() });
      recompute(invoiceId);
      deps.audit("update_invoice_line", "line of draft invoice changed", "invoices", invoiceId);
      return load(invoiceId);
    });
  }

  function removeInvoiceLine(input: Commands["remove_invoice_line"]["input"]): Invoice {
    return write(() => {
      const l = lineOf(input.line_id);
      requireDraft(l.invoice_id);
      db.lines.set(l.id, { ...l, status: "removed", updated_at: nowText() });
      recompute(l.invoice_id);
      deps.audit("remove_invoice_line", "line removed from draft invoice", "invoices", l.invoice_id);
      return load(l.invoice_id);
    });
  }

  function updateInvoice(input: Commands["update_invoice"]["input"]): Invoice {
    const notes = input.notes != null ? optionalText(input.notes, "notes", 1_000) : null;
    return write(() => {
      const h = requireDraft(input.invoice_id);
      const kind = input.discount_kind ?? h.discount_kind;
      const value = parseDiscount(kind, input.discount_value ?? h.discount_value, "discount_value", rulesOf(h).exponent);
      let due = h.due_date;
      if (input.due_date != null) {
        const typed = input.due_date.trim();
        if (typed === "") due = null;
        else {
          due = parseDate(typed, "due_date");
          if (due < h.service_date) fail("validation", "the due date cannot be before the service date", "due_date");
        }
      }
      db.invoices.set(h.id, { ...h, discount_kind: kind, discount_value: value, notes: notes ?? h.notes, due_date: due, updated_at: nowText() });
      recompute(h.id);
      deps.audit("update_invoice", "draft invoice changed", "invoices", h.id);
      return load(h.id);
    });
  }

  function issueIn(invoiceId: string): string {
    const h = requireDraft(invoiceId);
    requireActivePatient(deps.patients(), h.patient_id, fail);
    if (activeLines(invoiceId).length === 0) fail("validation", "an invoice needs at least one line before it is issued", "invoice_id");
    recompute(invoiceId);
    const s = settings();
    const series = `${s.invoice_prefix}-${deps.workstationCode}`;
    const number = nextNumber("invoices", series);
    const formatted = numberText(series, number);
    const at = nowText();
    const after = header(invoiceId);
    db.invoices.set(invoiceId, { ...after, status: "issued", series, number, number_text: formatted, issued_by: me()?.id ?? null, issued_at: at, updated_at: at });
    deps.audit("issue_invoice", `invoice ${formatted} issued, total ${after.total} ${s.currency}`, "invoices", invoiceId);
    return formatted;
  }

  function issueInvoice(input: Commands["issue_invoice"]["input"]): Invoice {
    return write(() => {
      issueIn(input.invoice_id);
      return load(input.invoice_id);
    });
  }

  function discardInvoice(input: Commands["discard_invoice"]["input"]): Invoice {
    const reason = required(input.reason, "reason", 500);
    return write(() => {
      const h = requireDraft(input.invoice_id);
      db.invoices.set(h.id, { ...h, status: "discarded", discard_reason: reason, updated_at: nowText() });
      deps.audit("discard_invoice", `draft invoice discarded: ${reason}`, "invoices", h.id);
      return load(h.id);
    });
  }

  function summaryOf(i: StoredInvoice): InvoiceSummary {
    const rules = rulesOf(i);
    const credited = sum([...db.notes.values()].filter((n) => n.invoice_id === i.id).map((n) => dec(n.total)));
    const paid = sum([...db.payments.values()].filter((p) => p.invoice_id === i.id).map((p) => dec(p.amount)));
    return {
      id: i.id,
      number: i.number_text,
      status: i.status,
      patient: patientOf(i),
      doctor_name: userName(i.doctor_id),
      service_date: i.service_date,
      issued_at: i.issued_at,
      due_date: i.due_date,
      currency: i.currency,
      total: i.total,
      credited: moneyText(rules, credited),
      paid: moneyText(rules, paid),
      balance: moneyText(rules, sub(sub(dec(i.total), credited), paid)),
      created_at: i.created_at,
    };
  }

  function listInvoices(input: Commands["list_invoices"]["input"]): InvoiceSummary[] {
    const limit = Math.min(200, Math.max(1, input.limit ?? 50));
    const number = fold(input.number.trim().toUpperCase().replace(/[%_]/g, ""));
    let list = [...db.invoices.values()]
      .filter((i) => input.patient_id == null || i.patient_id === input.patient_id)
      .filter((i) => input.status == null || i.status === input.status)
      .filter((i) => !input.outstanding_only || i.status === "issued")
      .filter((i) => number === "" || (i.number_text !== null && fold(i.number_text).endsWith(number)))
      .sort((a, b) => byText(b.created_at, a.created_at) || byText(b.id, a.id));
    if (!input.outstanding_only) list = list.slice(0, limit);
    let out = list.map(summaryOf);
    if (input.outstanding_only) out = out.filter((s) => cmp(dec(s.balance), ZERO) > 0).slice(0, limit);
    return out;
  }

  // ---- payments and refunds (payments.rs) ----------------------------------------------------------

  function checkReference(method: PaymentMethod, reference: string): string {
    const r = optionalText(reference, "reference", 100);
    if (r === "" && (method === "transfer" || method === "insurance")) {
      fail("validation", method === "transfer" ? "a bank transfer needs a reference (the bank's transaction reference)" : "an insurance payment needs a reference (the insurer's claim number)", "reference");
    }
    return r;
  }

  function insertPayment(invoiceId: string, patientId: string, amount: Dec, method: PaymentMethod, reference: string, creditNoteId: string | null): { id: string; receipt: string } {
    const series = `RCT-${deps.workstationCode}`;
    const number = nextNumber("payments", series);
    const receipt = numberText(series, number);
    const id = newId();
    db.payments.set(id, {
      id,
      invoice_id: invoiceId,
      patient_id: patientId,
      amount: text(amount),
      method,
      reference,
      credit_note_id: creditNoteId,
      workstation_id: deps.workstationId,
      receipt_series: series,
      receipt_number: number,
      receipt_text: receipt,
      received_by: me()?.id ?? null,
      received_at: nowText(),
      closing_id: null,
    });
    return { id, receipt };
  }

  function recordPayment(input: Commands["record_payment"]["input"]): PaymentRecorded {
    const reference = checkReference(input.method, input.reference);
    return write(() => {
      const invoice = load(input.invoice_id);
      if (invoice.status !== "issued") fail("conflict", "only an issued invoice takes payments: issue the draft first", "invoice_id");
      const rules: MoneyRules = { ...settings().rules, exponent: currencyExponent(invoice.currency) };
      const amount = parseAmount(input.amount, "amount", rules.exponent, false);
      const balance = dec(invoice.balance);
      if (cmp(balance, ZERO) <= 0) fail("conflict", `invoice ${invoice.number ?? ""} has nothing left to pay`, "amount");
      if (cmp(amount, balance) > 0) {
        fail("validation", `the payment is more than the balance of ${moneyText(rules, balance)} ${invoice.currency}: the clinic does not keep overpayments`, "amount");
      }
      const rounded = round(rules, amount);
      const { id, receipt } = insertPayment(invoice.id, invoice.patient.id, rounded, input.method, reference, null);
      deps.audit("record_payment", `payment ${text(rounded)} ${invoice.currency} by ${input.method} on invoice ${invoice.number ?? ""} (receipt ${receipt})`, "payments", id);
      return { payment: loadPayment(id), invoice: load(invoice.id) };
    });
  }

  function recordRefund(input: Commands["record_refund"]["input"]): PaymentRecorded {
    const reference = checkReference(input.method, input.reference);
    return write(() => {
      const note = db.notes.get(input.credit_note_id) ?? fail("validation", "no such credit note", "credit_note_id");
      const invoice = load(note.invoice_id);
      const exponent = currencyExponent(invoice.currency);
      const typed = parseAmount(input.amount, "amount", exponent, false);
      const amount = round({ exponent, rounding: "half_up", prices_include_tax: false }, typed); // rescale: at most `exponent` decimals already
      const owed = neg(dec(invoice.balance));
      const refundedOnNote = abs(sum(invoice.payments.filter((p) => p.credit_note_id === note.id).map((p) => dec(p.amount))));
      const leftOnNote = sub(dec(note.total), refundedOnNote);
      const limit = min(owed, leftOnNote);
      if (cmp(limit, ZERO) <= 0) fail("conflict", `nothing is owed back on credit note ${note.number_text}`, "amount");
      if (cmp(amount, limit) > 0) fail("validation", `the refund is more than the ${text(limit)} ${invoice.currency} owed back on credit note ${note.number_text}`, "amount");
      const { id, receipt } = insertPayment(invoice.id, invoice.patient.id, neg(amount), input.method, reference, note.id);
      deps.audit("record_refund", `refund ${text(amount)} ${invoice.currency} by ${input.method} for credit note ${note.number_text} (receipt ${receipt})`, "payments", id);
      return { payment: loadPayment(id), invoice: load(invoice.id) };
    });
  }

  // ---- credit notes (credit.rs) ----------------------------------------------------------------------

  function issueCreditNote(input: Commands["issue_credit_note"]["input"]): Invoice {
    const reason = required(input.reason, "reason", 500);
    return write(() => {
      const invoice = load(input.invoice_id);
      if (invoice.status !== "issued") fail("conflict", "only an issued invoice is credited (a draft is changed or discarded)", "invoice_id");
      const rules = rulesFor(invoice.currency, invoice.rounding, invoice.prices_include_tax);
      const wanted: { i: number; q: Dec }[] = [];
      if (input.lines == null) {
        invoice.lines.forEach((l, i) => {
          const left = sub(dec(l.quantity), dec(l.credited_quantity));
          if (cmp(left, ZERO) > 0) wanted.push({ i, q: left });
        });
      } else {
        if (input.lines.length === 0) fail("validation", "choose at least one line to credit", "lines");
        input.lines.forEach((cl, k) => {
          const field = `lines[${k}].quantity`;
          const i = invoice.lines.findIndex((l) => l.id === cl.invoice_line_id);
          if (i < 0) fail("validation", "that line is not on this invoice", `lines[${k}].invoice_line_id`);
          if (wanted.some((w) => w.i === i)) fail("validation", "that line is listed twice", `lines[${k}].invoice_line_id`);
          const q = parseDec(cl.quantity.trim()) ?? fail("validation", "the quantity is a number, e.g. 1", field);
          if (cmp(q, ZERO) <= 0) fail("validation", "the quantity must be more than zero", field);
          const l = invoice.lines[i];
          if (!l) return;
          const left = sub(dec(l.quantity), dec(l.credited_quantity));
          if (cmp(q, left) > 0) fail("validation", `only ${text(normalize(left))} of “${l.description}” is left to credit`, field);
          wanted.push({ i, q });
        });
      }
      if (wanted.length === 0) fail("conflict", `invoice ${invoice.number ?? ""} is already credited in full`, "invoice_id");
      const parts = wanted.map(({ i, q }) => {
        const l = invoice.lines[i] ?? fail("internal", "no such line");
        const quantity = dec(l.quantity);
        const creditedQ = dec(l.credited_quantity);
        const done = [...db.noteLines.values()].filter((c) => c.invoice_line_id === l.id);
        const doneTax = sum(done.map((c) => dec(c.tax)));
        const doneTotal = sum(done.map((c) => dec(c.total)));
        const lineTax = dec(l.tax);
        const lineTotal = dec(l.total);
        // The last part of a line takes exactly what is left.
        const [tax, total] =
          cmp(add(creditedQ, q), quantity) === 0
            ? [sub(lineTax, doneTax), sub(lineTotal, doneTotal)]
            : [ratio(mul(lineTax, q), quantity, rules.exponent, rules.rounding), ratio(mul(lineTotal, q), quantity, rules.exponent, rules.rounding)];
        return { line_id: l.id, q, net: sub(total, tax), tax, total };
      });
      const series = `CN-${deps.workstationCode}`;
      const number = nextNumber("credit_notes", series);
      const noteNumber = numberText(series, number);
      const id = newId();
      const at = nowText();
      const total = round(rules, sum(parts.map((p) => p.total)));
      db.notes.set(id, {
        id,
        invoice_id: invoice.id,
        patient_id: invoice.patient.id,
        workstation_id: deps.workstationId,
        series,
        number,
        number_text: noteNumber,
        reason,
        net_total: text(round(rules, sum(parts.map((p) => p.net)))),
        tax_total: text(round(rules, sum(parts.map((p) => p.tax)))),
        total: text(total),
        issued_by: me()?.id ?? null,
        issued_at: at,
      });
      for (const p of parts) {
        const cl = newId();
        db.noteLines.set(cl, { id: cl, credit_note_id: id, invoice_line_id: p.line_id, quantity: text(normalize(p.q)), net: text(round(rules, p.net)), tax: text(round(rules, p.tax)), total: text(round(rules, p.total)) });
      }
      deps.audit("issue_credit_note", `credit note ${noteNumber} for invoice ${invoice.number ?? ""}: ${text(total)} ${invoice.currency} — ${reason}`, "credit_notes", id);
      return load(invoice.id);
    });
  }

  // ---- outstanding and revenue (reports.rs) --------------------------------------------------------------

  /** Issued invoices with a balance above zero (a refund due is not "outstanding"), oldest issue first. */
  function outstandingInvoices(): InvoiceSummary[] {
    return [...db.invoices.values()]
      .filter((i) => i.status === "issued")
      .sort((a, b) => byText(a.issued_at ?? "", b.issued_at ?? ""))
      .map(summaryOf)
      .filter((s) => cmp(dec(s.balance), ZERO) > 0);
  }

  function listOutstanding(): Outstanding {
    const s = settings();
    const invoices = outstandingInvoices();
    const byPatient: OutstandingPatient[] = [];
    let total = ZERO;
    for (const inv of invoices) {
      const balance = dec(inv.balance);
      total = add(total, balance);
      const p = byPatient.find((x) => x.patient.id === inv.patient.id);
      if (p) {
        p.balance = moneyText(s.rules, add(dec(p.balance), balance));
        p.invoices.push(inv);
      } else byPatient.push({ patient: inv.patient, invoices: [inv], balance: inv.balance, oldest_issued_at: inv.issued_at ?? "" });
    }
    // Largest balance first.
    byPatient.sort((a, b) => cmp(dec(b.balance), dec(a.balance)) || byText(a.oldest_issued_at, b.oldest_issued_at));
    return { patients: byPatient, total_balance: moneyText(s.rules, total), invoice_count: invoices.length, currency: s.currency };
  }

  function revenueReport(input: Commands["revenue_report"]["input"]): RevenueReport {
    const from = parseDate(input.from, "from");
    const to = parseDate(input.to, "to");
    if (to < from) fail("validation", "the period ends before it starts", "to");
    if ((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 > 366 * 20) fail("validation", "a report covers at most 20 years", "to");
    const s = settings();
    const within = (at: string | null) => at !== null && localDay(at) >= from && localDay(at) <= to;
    interface Acc {
      label: string;
      count: number;
      gross: Dec;
      credited: Dec;
      tax: Dec;
    }
    const acc = new Map<string, Acc>();
    const entry = (key: string) => {
      let a = acc.get(key);
      if (!a) {
        a = { label: "", count: 0, gross: ZERO, credited: ZERO, tax: ZERO };
        acc.set(key, a);
      }
      return a;
    };
    const keyOfTime = (at: string): [string, string] => {
      const day = localDay(at);
      return input.group_by === "month" ? [day.slice(0, 7), day.slice(0, 7)] : [day, day];
    };
    const issued = [...db.invoices.values()].filter((i) => i.status === "issued" && within(i.issued_at));
    const notes = [...db.notes.values()].filter((n) => within(n.issued_at));
    const group: RevenueGrouping = input.group_by;
    if (group === "day" || group === "month" || group === "doctor") {
      const doctorKey = (i: StoredInvoice | undefined): [string, string] => [i?.doctor_id ?? "", userName(i?.doctor_id ?? null) ?? "No doctor"];
      for (const i of issued) {
        const [k, lbl] = group === "doctor" ? doctorKey(i) : keyOfTime(i.issued_at ?? "");
        const a = entry(k);
        a.label = lbl;
        a.count += 1;
        a.gross = add(a.gross, dec(i.total));
        a.tax = add(a.tax, dec(i.tax_total));
      }
      for (const n of notes) {
        const [k, lbl] = group === "doctor" ? doctorKey(db.invoices.get(n.invoice_id)) : keyOfTime(n.issued_at);
        const a = entry(k);
        a.label = lbl;
        a.credited = add(a.credited, dec(n.total));
        a.tax = sub(a.tax, dec(n.tax_total));
      }
    } else if (group === "service") {
      for (const i of issued) {
        for (const l of activeLines(i.id)) {
          const a = entry(l.price_item_id ?? `line:${l.description}`);
          a.label = l.description;
          a.count += 1;
          a.gross = add(a.gross, dec(l.total));
          a.tax = add(a.tax, dec(l.tax));
        }
      }
      for (const n of notes) {
        for (const cl of [...db.noteLines.values()].filter((c) => c.credit_note_id === n.id)) {
          const l = db.lines.get(cl.invoice_line_id);
          if (!l) continue;
          const a = entry(l.price_item_id ?? `line:${l.description}`);
          if (a.label === "") a.label = l.description;
          a.credited = add(a.credited, dec(cl.total));
          a.tax = sub(a.tax, dec(cl.tax));
        }
      }
    } else {
      for (const p of [...db.payments.values()].filter((x) => within(x.received_at))) {
        const a = entry(p.method);
        a.label = METHOD_LABEL[p.method];
        const v = dec(p.amount);
        if (isNegative(v)) a.credited = sub(a.credited, v);
        else {
          a.count += 1;
          a.gross = add(a.gross, v);
        }
      }
    }
    const row = (key: string, a: Acc): RevenueRow => ({
      key,
      label: a.label,
      count: a.count,
      gross: moneyText(s.rules, a.gross),
      credited: moneyText(s.rules, a.credited),
      net: moneyText(s.rules, sub(a.gross, a.credited)),
      tax: moneyText(s.rules, a.tax),
    });
    const total: Acc = { label: "Total", count: 0, gross: ZERO, credited: ZERO, tax: ZERO };
    const rows: RevenueRow[] = [];
    for (const [k, a] of [...acc.entries()].sort(([x], [y]) => byText(x, y))) {
      total.count += a.count;
      total.gross = add(total.gross, a.gross);
      total.credited = add(total.credited, a.credited);
      total.tax = add(total.tax, a.tax);
      rows.push(row(k, a));
    }
    if (group === "service" || group === "doctor") rows.sort((a, b) => cmp(dec(b.net), dec(a.net)) || byText(a.label, b.label));
    return { from, to, group_by: group, rows, total: row("", total), currency: s.currency };
  }

  function exportRevenueCsv(input: Commands["export_revenue_csv"]["input"]): CsvExport {
    const report = revenueReport(input);
    const by = input.group_by;
    const [gross, credited] = by === "method" ? ["collected", "refunded"] : ["invoiced", "credited"];
    const rows = report.rows.map((r) => [r.label, String(r.count), r.gross, r.credited, r.net, r.tax]);
    const t = report.total;
    rows.push(["Total", String(t.count), t.gross, t.credited, t.net, t.tax]);
    return { file_name: `revenue-by-${by}-${report.from}-to-${report.to}.csv`, rows: rows.length, content: csvText([by, "count", gross, credited, "net", "tax"], rows) };
  }

  function exportOutstandingCsv(): CsvExport {
    const today = clinicToday();
    const rows = outstandingInvoices().map((i) => [i.number ?? "", i.issued_at === null ? "" : localDay(i.issued_at), i.due_date ?? "", i.patient.mrn, i.patient.name, i.doctor_name ?? "", i.currency, i.total, i.credited, i.paid, i.balance]);
    return {
      file_name: `outstanding-invoices-${today}.csv`,
      rows: rows.length,
      content: csvText(["invoice", "issued", "due", "mrn", "patient", "doctor", "currency", "total", "credited", "paid", "balance"], rows),
    };
  }

  // ---- cash closing (closing.rs) --------------------------------------------------------------------------

  function openPayments(workstationId: string): Payment[] {
    return [...db.payments.values()].filter((p) => p.workstation_id === workstationId && p.closing_id === null).sort(byReceipt).map(paymentView);
  }

  function methodTotals(rules: MoneyRules, payments: readonly Payment[]): { list: MethodTotal[]; cash: Dec } {
    const by = new Map<PaymentMethod, { count: number; amount: Dec }>();
    for (const p of payments) {
      const e = by.get(p.method) ?? { count: 0, amount: ZERO };
      by.set(p.method, { count: e.count + 1, amount: add(e.amount, dec(p.amount)) });
    }
    const list = METHODS.flatMap((m) => {
      const e = by.get(m);
      return e ? [{ method: m, count: e.count, amount: moneyText(rules, e.amount) }] : [];
    });
    return { list, cash: by.get("cash")?.amount ?? ZERO };
  }

  function lastClosing(workstationId: string): string | null {
    const times = [...db.closings.values()].filter((k) => k.workstation_id === workstationId).map((k) => k.closed_at);
    return times.length === 0 ? null : times.reduce((a, b) => (a > b ? a : b));
  }

  function cashClosingPreview(): CashClosingPreview {
    const s = settings();
    const payments = openPayments(deps.workstationId);
    const { list, cash } = methodTotals(s.rules, payments);
    return { workstation_id: deps.workstationId, period_start: lastClosing(deps.workstationId), payments, by_method: list, expected_cash: moneyText(s.rules, cash), currency: s.currency };
  }

  function loadClosing(id: string): CashClosing {
    const s = settings();
    const k = db.closings.get(id) ?? fail("not_found", "no such cash closing", "closing_id");
    const payments = [...db.payments.values()].filter((p) => p.closing_id === id).sort(byReceipt).map(paymentView);
    return {
      id: k.id,
      workstation_id: k.workstation_id,
      closed_by_name: userName(k.closed_by),
      closed_at: k.closed_at,
      period_start: k.period_start,
      payment_count: k.payment_count,
      by_method: methodTotals(s.rules, payments).list,
      expected_cash: k.expected_cash,
      counted_cash: k.counted_cash,
      difference: k.difference,
      note: k.note,
      currency: s.currency,
      payments,
    };
  }

  function closeCash(input: Commands["close_cash"]["input"]): CashClosing {
    const note = optionalText(input.note, "note", 1_000);
    return write(() => {
      const s = settings();
      const counted = parseAmount(input.counted_cash, "counted_cash", s.rules.exponent, true);
      const payments = openPayments(deps.workstationId);
      const { list, cash: expected } = methodTotals(s.rules, payments);
      const difference = round(s.rules, sub(counted, expected));
      if (!isZero(difference) && note === "") {
        fail("validation", `the counted cash differs from the expected ${moneyText(s.rules, expected)} by ${text(difference)}: say why in a note`, "note");
      }
      const id = newId();
      const at = nowText();
      db.closings.set(id, {
        id,
        workstation_id: deps.workstationId,
        closed_by: me()?.id ?? null,
        closed_at: at,
        period_start: lastClosing(deps.workstationId),
        payment_count: payments.length,
        expected_cash: moneyText(s.rules, expected),
        counted_cash: moneyText(s.rules, counted),
        difference: text(difference),
        totals_json: JSON.stringify(Object.fromEntries([...list].sort((a, b) => byText(a.method, b.method)).map((m) => [m.method, m.amount]))),
        note,
      });
      for (const p of payments) {
        const stored = db.payments.get(p.id);
        if (stored) db.payments.set(p.id, { ...stored, closing_id: id });
      }
      deps.audit("close_cash", `cash closing: ${payments.length} payments, expected ${moneyText(s.rules, expected)} counted ${moneyText(s.rules, counted)} difference ${text(difference)} ${s.currency}`, "cash_closings", id);
      return loadClosing(id);
    });
  }

  function listCashClosings(input: Commands["list_cash_closings"]["input"]): CashClosing[] {
    const limit = Math.min(200, Math.max(1, input.limit ?? 30));
    return [...db.closings.values()]
      .filter((k) => !input.this_desk_only || k.workstation_id === deps.workstationId)
      .sort((a, b) => byText(b.closed_at, a.closed_at))
      .slice(0, limit)
      .map((k) => loadClosing(k.id));
  }

  // ---- the printed documents (print.rs), small real PDFs ---------------------------------------------------

  interface Rendered {
    lines: { text: string; size?: number; bold?: boolean }[];
    file_name: string;
    draft: boolean;
    table: string;
    record: string;
  }

  function render(document: BillingDocument, id: string, paper: ReceiptPaper | null): Rendered {
    const s = settings();
    const clinic = deps.settings()?.name ?? "";
    // tinyPdf writes WinAnsi text: amounts carry the currency code rather than a symbol it may lack.
    const m = (amount: string, currency = s.currency) => `${amount} ${currency}`;
    switch (document) {
      case "invoice": {
        const inv = load(id);
        if (inv.lines.length === 0) fail("validation", "this invoice has no lines to print", "invoice_id");
        const watermark = inv.status === "draft" ? "DRAFT - NOT AN INVOICE" : inv.status === "discarded" ? "DISCARDED - NOT AN INVOICE" : null;
        return {
          lines: [
            { text: clinic, size: 16, bold: true },
            { text: `Invoice ${inv.number ?? ""}`, size: 13, bold: true },
            ...(watermark ? [{ text: watermark, size: 14, bold: true }] : []),
            { text: `Bill to: ${inv.patient.name} (MRN ${inv.patient.mrn})` },
            { text: `Service date: ${inv.service_date}${inv.doctor_name ? `; doctor: ${inv.doctor_name}` : ""}` },
            ...inv.lines.map((l) => ({ text: `${l.description}   ${l.quantity}${l.unit ? ` ${l.unit}` : ""} x ${m(l.unit_price, inv.currency)}   ${l.tax_rate} %   ${m(inv.prices_include_tax ? l.total : l.net, inv.currency)}` })),
            { text: `Subtotal ${m(inv.subtotal, inv.currency)}` },
            ...(isZero(dec(inv.discount_total)) ? [] : [{ text: `Discounts -${m(inv.discount_total, inv.currency)}` }]),
            ...inv.taxes.map((t) => ({ text: `${t.name} ${t.rate} %: base ${m(t.base, inv.currency)}, tax ${m(t.tax, inv.currency)}` })),
            { text: `Total ${m(inv.total, inv.currency)}`, bold: true },
            ...inv.payments.map((p) => ({ text: `${p.is_refund ? "Refund" : "Paid"} ${m(p.amount, inv.currency)} (${METHOD_LABEL[p.method]}, receipt ${p.receipt_number})` })),
            ...(inv.status === "issued" ? [{ text: `Balance ${m(inv.balance, inv.currency)}`, bold: true }] : []),
            ...(inv.notes.trim() !== "" ? [{ text: `Notes: ${inv.notes}` }] : []),
          ],
          file_name: inv.number !== null ? `invoice-${inv.number}.pdf` : `invoice-draft-${inv.patient.mrn}.pdf`,
          draft: inv.status !== "issued",
          table: "invoices",
          record: inv.id,
        };
      }
      case "credit_note": {
        const stored = db.notes.get(id) ?? fail("not_found", "no such credit note", "id");
        const inv = load(stored.invoice_id);
        const note = inv.credit_notes.find((n) => n.id === id) ?? fail("not_found", "no such credit note", "id");
        return {
          lines: [
            { text: clinic, size: 16, bold: true },
            { text: `Credit note ${note.number}`, size: 13, bold: true },
            { text: `Credits invoice ${inv.number ?? ""}; reason: ${note.reason}` },
            { text: `Patient: ${inv.patient.name} (MRN ${inv.patient.mrn})` },
            ...note.lines.map((l) => ({ text: `${l.description}   ${l.quantity}   -${m(inv.prices_include_tax ? l.total : l.net, inv.currency)}` })),
            { text: `Total credited -${m(note.total, inv.currency)}`, bold: true },
            { text: `Invoice balance after credit ${m(inv.balance, inv.currency)}` },
          ],
          file_name: `credit-note-${note.number}.pdf`,
          draft: false,
          table: "credit_notes",
          record: note.id,
        };
      }
      case "receipt": {
        const p = loadPayment(id);
        const inv = load(p.invoice_id);
        const roll = paper === null ? s.receipt_roll : paper === "roll80";
        // The balance right after this payment.
        let after = sub(dec(inv.total), dec(inv.credited));
        for (const q of inv.payments) {
          after = sub(after, dec(q.amount));
          if (q.id === p.id) break;
        }
        return {
          lines: [
            { text: clinic, size: roll ? 12 : 16, bold: true },
            { text: `${p.is_refund ? "Refund receipt" : "Receipt"} ${p.receipt_number}`, size: 13, bold: true },
            { text: `Received from: ${inv.patient.name} (MRN ${inv.patient.mrn})` },
            { text: `Invoice ${inv.number ?? ""}, total ${m(inv.total, inv.currency)}` },
            { text: `${METHOD_LABEL[p.method]}${p.reference ? ` (${p.reference})` : ""}: ${m(text(abs(dec(p.amount))), inv.currency)}`, bold: true },
            { text: `Balance after this payment ${m(text(after), inv.currency)}` },
            { text: `Received by ${p.received_by_name ?? ""} on ${p.received_at.slice(0, 16).replace("T", " ")} UTC` },
            ...(roll ? [{ text: "(80 mm roll)" }] : []),
          ],
          file_name: `receipt-${p.receipt_number}.pdf`,
          draft: false,
          table: "payments",
          record: p.id,
        };
      }
      case "cash_closing": {
        const k = loadClosing(id);
        return {
          lines: [
            { text: clinic, size: 16, bold: true },
            { text: "Cash closing", size: 13, bold: true },
            { text: `Desk ${k.workstation_id === deps.workstationId ? deps.workstationCode : k.workstation_id}, closed by ${k.closed_by_name ?? ""}` },
            ...k.by_method.map((x) => ({ text: `${METHOD_LABEL[x.method]}: ${x.count} - ${m(x.amount, k.currency)}` })),
            { text: `Expected cash ${m(k.expected_cash, k.currency)}; counted ${m(k.counted_cash, k.currency)}; difference ${m(k.difference, k.currency)}`, bold: true },
            ...(k.note.trim() !== "" ? [{ text: `Note: ${k.note}` }] : []),
          ],
          file_name: `cash-closing-${k.closed_at.slice(0, 10)}.pdf`,
          draft: false,
          table: "cash_closings",
          record: k.id,
        };
      }
    }
  }

  function pdfOf(document: BillingDocument, id: string, paper: ReceiptPaper | null): BillingPdf {
    const r = render(document, id, paper);
    deps.audit(`${document}_pdf`, `${r.file_name} rendered`, r.table, r.record);
    return { file_name: r.file_name, content_base64: tinyPdf(r.lines), draft: r.draft };
  }

  function printBillingDocument(input: Commands["print_billing_document"]["input"]): Commands["print_billing_document"]["output"] {
    const r = render(input.document, input.id, input.paper ?? null);
    if (r.draft) fail("conflict", "issue the invoice before printing it (the preview shows the draft)", "id");
    const named = input.printer?.trim() ?? "";
    const printer = named === "" ? null : named;
    if (printer !== null && (printer.length > 127 || printer.startsWith("-") || /[\s/\\#'"\p{Cc}]/u.test(printer))) fail("conflict", `${JSON.stringify(printer)} is not a valid printer name`, "printer");
    const printers = deps.printers();
    if (typeof printers === "string") fail("conflict", `printing is not available: ${printers}`, "printer");
    const queue = printer === null ? printers.find((q) => q.is_default) : printers.find((q) => q.name === printer);
    if (!queue) {
      fail("conflict", `the print system refused the job: lp failed (exit status: 1): ${printer === null ? "lp: Error - no default destination available." : "lp: The printer or class does not exist."}`, "printer");
    }
    jobCounter += 1;
    const jobId = `${queue.name}-${jobCounter}`;
    printJobs.push({ job_id: jobId, printer: queue.name, document: input.document, id: input.id, file_name: r.file_name });
    deps.audit("print_billing_document", `${r.file_name} printed on ${printer ?? "the default printer"} (job ${jobId})`, r.table, r.record);
    return { job_id: jobId };
  }

  const handlers = {
    list_tax_categories: listTaxCategories,
    save_tax_category: saveTaxCategory,
    list_price_items: listPriceItems,
    save_price_item: savePriceItem,
    create_invoice: createInvoice,
    create_invoice_from_appointment: createFromAppointment,
    add_invoice_line: addInvoiceLine,
    update_invoice_line: updateInvoiceLine,
    remove_invoice_line: removeInvoiceLine,
    update_invoice: updateInvoice,
    issue_invoice: issueInvoice,
    discard_invoice: discardInvoice,
    get_invoice: (input: Commands["get_invoice"]["input"]): Invoice => load(input.invoice_id),
    list_invoices: listInvoices,
    record_payment: recordPayment,
    record_refund: recordRefund,
    issue_credit_note: issueCreditNote,
    list_outstanding: listOutstanding,
    cash_closing_preview: cashClosingPreview,
    close_cash: closeCash,
    list_cash_closings: listCashClosings,
    revenue_report: revenueReport,
    export_revenue_csv: exportRevenueCsv,
    export_outstanding_csv: exportOutstandingCsv,
    invoice_pdf: (input: Commands["invoice_pdf"]["input"]): BillingPdf => pdfOf("invoice", input.invoice_id, null),
    credit_note_pdf: (input: Commands["credit_note_pdf"]["input"]): BillingPdf => pdfOf("credit_note", input.credit_note_id, null),
    receipt_pdf: (input: Commands["receipt_pdf"]["input"]): BillingPdf => pdfOf("receipt", input.payment_id, input.paper ?? null),
    cash_closing_pdf: (input: Commands["cash_closing_pdf"]["input"]): BillingPdf => pdfOf("cash_closing", input.closing_id, null),
    print_billing_document: printBillingDocument,
  } satisfies { [K in keyof Commands]?: (input: Commands[K]["input"]) => Commands[K]["output"] };

  // ---- the demo clinic ----------------------------------------------------------------------------------

  /** Runs `body` as `user` at `at` (the seed writes through the commands, at past times). */
  function as<T>(user: BillingUser | undefined, at: Date, body: () => T): T {
    const before = { clock, actorOverride };
    clock = at;
    actorOverride = user ?? null;
    try {
      return body();
    } finally {
      clock = before.clock;
      actorOverride = before.actorOverride;
    }
  }

  /**
   * A small realistic price list (consultations by visit type, one priced per doctor, procedures,
   * lab tests, a medicine, supplies, a certificate; a price rise entered ahead of time) and a few
   * invoices of the last days: paid, partly paid, unpaid and overdue, credited with a refund, and a
   * draft. None is tied to an appointment, so every completed appointment can still be invoiced.
   */
  function seedDemo(seed: { visitType: (name: string) => string | undefined; user: (username: string) => BillingUser | undefined; patient: (familyName: string) => string | undefined }) {
    seedCategories();
    const now = deps.now();
    const day = 86_400_000;
    const today = clinicToday();
    const yearStart = `${String(Number(today.slice(0, 4)) - 1)}-01-01`;
    const nextMonth = (() => {
      const [y = 1970, mo = 1] = today.split("-").map(Number);
      const d = new Date(Date.UTC(y, mo, 1));
      return d.toISOString().slice(0, 10);
    })();
    const accountant = seed.user("accounts");
    const reception = seed.user("reception");
    const okafor = seed.user("dr.okafor");
    const rossi = seed.user("dr.rossi");
    const ids = new Map<string, string>();
    const item = (code: string, name: string, kind: PriceItemKind, price: string, tax: string, extra: { visit?: string; doctor?: string; unit?: string; medication?: string } = {}) => {
      const id = newId();
      const at = new Date(now.getTime() - 400 * day).toISOString();
      db.items.set(id, {
        id,
        code,
        name,
        kind,
        tax_category_id: tax,
        visit_type_id: extra.visit === undefined ? null : (seed.visitType(extra.visit) ?? null),
        doctor_id: extra.doctor ?? null,
        medication_id: extra.medication ?? null,
        unit: extra.unit ?? "",
        active: true,
        created_at: at,
        updated_at: at,
      });
      const vid = newId();
      db.versions.set(vid, { id: vid, price_item_id: id, price, valid_from: yearStart, created_by: accountant?.id ?? null, created_at: at });
      ids.set(code, id);
      return id;
    };
    // Medical care is exempt from VAT; goods and certificates carry the standard rate.
    const consult = item("CONS", "Consultation", "consultation", "60.00", "tax-exempt", { visit: "Consultation", unit: "visit" });
    item("FIRST", "First visit", "consultation", "90.00", "tax-exempt", { visit: "First visit", unit: "visit" });
    item("FIRST-PAED", "First visit, paediatrics (Dr. Okafor)", "consultation", "110.00", "tax-exempt", { visit: "First visit", doctor: okafor?.id, unit: "visit" });
    item("FOLLOW", "Follow-up visit", "consultation", "40.00", "tax-exempt", { visit: "Follow-up", unit: "visit" });
    item("VACC", "Vaccination visit", "consultation", "25.00", "tax-exempt", { visit: "Vaccination", unit: "visit" });
    item("PROC-MOLE", "Mole removal", "procedure", "150.00", "tax-exempt");
    item("PROC-ECG", "Resting ECG", "procedure", "45.00", "tax-exempt");
    item("LAB-CBC", "Full blood count", "lab_test", "18.50", "tax-exempt");
    item("LAB-TSH", "Thyroid test (TSH)", "lab_test", "22.00", "tax-exempt");
    item("LAB-GLU", "Blood glucose", "lab_test", "8.00", "tax-exempt");
    item("MED-PARA", "Paracetamol 500 mg, 20 tablets", "medicine", "3.90", "tax-standard", { unit: "pack", medication: deps.medications().has("med-paracetamol-500-mg-tablet") ? "med-paracetamol-500-mg-tablet" : undefined });
    item("SUP-DRESS", "Sterile dressing pack", "supply", "4.99", "tax-standard", { unit: "pack" });
    item("SUP-SPLINT", "Finger splint", "supply", "12.00", "tax-standard");
    item("CERT", "Medical certificate", "other", "20.00", "tax-standard");
    // A price rise from next month, entered ahead of time.
    const rise = newId();
    db.versions.set(rise, { id: rise, price_item_id: consult, price: "65.00", valid_from: nextMonth, created_by: accountant?.id ?? null, created_at: new Date(now.getTime() - 2 * day).toISOString() });

    // The same time of day, `daysAgo` clinic days ago (today: a few minutes ago).
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day - 5 * 60_000);
    const dateOf = (d: Date) => clinicClock(zone(), d).date;
    const invoice = (family: string, daysAgo: number, doctor: BillingUser | undefined, lines: { code?: string; description?: string; price?: string; quantity?: string; tax?: string; discount?: [DiscountKind, string] }[], then: (id: string, when: Date) => void = () => undefined) => {
      const patientId = seed.patient(family);
      if (!patientId) return;
      const when = at(daysAgo);
      as(reception, when, () => {
        const inv = createInvoice({ patient_id: patientId, service_date: dateOf(when), doctor_id: doctor?.id ?? null, notes: "" });
        for (const l of lines) {
          addInvoiceLine({
            invoice_id: inv.id,
            price_item_id: l.code === undefined ? null : (ids.get(l.code) ?? null),
            description: l.description ?? null,
            unit_price: l.price ?? null,
            quantity: l.quantity ?? null,
            tax_category_id: l.tax ?? null,
            discount_kind: l.discount?.[0] ?? "none",
            discount_value: l.discount?.[1] ?? "",
          });
        }
        then(inv.id, when);
      });
    };
    const issue = (id: string, when: Date, due?: number) => {
      if (due !== undefined) updateInvoice({ invoice_id: id, due_date: dateOf(new Date(when.getTime() + due * day)) });
      issueInvoice({ invoice_id: id });
    };
    const pay = (id: string, when: Date, amount: string | null, method: PaymentMethod, reference = "") => {
      as(reception, when, () => {
        const balance = load(id).balance;
        recordPayment({ invoice_id: id, amount: amount ?? balance, method, reference });
      });
    };
    const later = (when: Date, minutes: number) => new Date(when.getTime() + minutes * 60_000);

    // Overdue and unpaid.
    invoice("Lefèvre", 16, rossi, [{ code: "PROC-MOLE" }, { code: "SUP-DRESS", quantity: "2" }], (id, when) => {
      issue(id, when, 14);
    });
    // Paid in full, at the desk.
    invoice("Bianchi", 9, rossi, [{ code: "CONS" }, { code: "LAB-CBC" }], (id, when) => {
      issue(id, when);
      pay(id, later(when, 20), null, "card", "slip 40211");
    });
    // Insurance pays most; the patient still owes the rest.
    invoice("Rossi", 6, rossi, [{ code: "FOLLOW" }, { code: "LAB-TSH" }], (id, when) => {
      issue(id, when, 30);
      pay(id, later(when, 15), "50.00", "insurance", "UniSalute claim 2291-A");
    });
    // Credited in part (a supply not used), refunded by the accountant.
    invoice("Dupont", 4, okafor, [{ code: "FIRST-PAED" }, { code: "SUP-SPLINT" }, { code: "MED-PARA" }], (id, when) => {
      issue(id, when);
      pay(id, later(when, 10), null, "cash");
      const inv = load(id);
      const splint = inv.lines.find((l) => l.code === "SUP-SPLINT");
      if (!splint) return;
      as(accountant, later(when, 24 * 60), () => {
        const credited = issueCreditNote({ invoice_id: id, reason: "Splint not used: returned unopened", lines: [{ invoice_line_id: splint.id, quantity: "1" }] });
        const note = credited.credit_notes[0];
        if (note) recordRefund({ credit_note_id: note.id, amount: text(neg(dec(credited.balance))), method: "cash", reference: "" });
      });
    });
    // Issued yesterday, partly paid in cash, a certificate with a discount.
    invoice("Eze", 1, okafor, [{ code: "CONS" }, { code: "CERT", discount: ["percent", "50"] }], (id, when) => {
      issue(id, when);
      pay(id, later(when, 5), "40.00", "cash");
    });
    // Unpaid, issued today.
    invoice("Schmidt", 0, rossi, [{ code: "CONS" }, { code: "PROC-ECG" }], (id, when) => {
      issue(id, when);
    });
    // A draft being prepared, with a line typed by hand.
    invoice("Morgan", 0, rossi, [{ code: "CONS" }, { description: "Copy of medical records", price: "10.00", tax: "tax-standard" }]);
  }

  /** A merge moves the duplicate's invoices, credit notes and payments to the survivor (patients/merge.rs). */
  function movePatient(fromId: string, toId: string): { table: string; rows: number }[] {
    const move = <T extends { patient_id: string }>(rows: Map<string, T>) => {
      let n = 0;
      for (const [id, r] of rows) {
        if (r.patient_id === fromId) {
          rows.set(id, { ...r, patient_id: toId });
          n += 1;
        }
      }
      return n;
    };
    return [
      { table: "invoices", rows: move(db.invoices) },
      { table: "credit_notes", rows: move(db.notes) },
      { table: "payments", rows: move(db.payments) },
    ];
  }

  return {
    handlers,
    seedDemo,
    movePatient,
    /** Tests: invoices by id, as stored. */
    get invoices(): ReadonlyMap<string, StoredInvoice> {
      return db.invoices;
    },
    get payments(): ReadonlyMap<string, StoredPayment> {
      return db.payments;
    },
    get priceItems(): ReadonlyMap<string, StoredItem> {
      return db.items;
    },
    get taxCategories(): ReadonlyMap<string, StoredTax> {
      return db.taxes;
    },
    /** The Standard category follows the settings' default tax rate (update_clinic_settings). */
    setStandardRate(rate: string) {
      const t = db.taxes.get("tax-standard");
      if (t && t.rate !== rate) db.taxes.set(t.id, { ...t, rate, updated_at: nowText() });
    },
    get printJobs(): readonly { job_id: string; printer: string; document: BillingDocument; id: string; file_name: string }[] {
      return printJobs;
    },
  };
}

export type BillingStore = ReturnType<typeof createBillingStore>;
