// The billing fake against the rules of crates/core/src/billing: money.rs's own tests (exact
// totals, rounding rules, largest-remainder allocation, formatting), then the command flows of
// crates/core/tests/billing.rs with their hand-computed figures. The billing screens' tests lean on
// these answers, so they are checked here once, directly.
import { describe, expect, it } from "vitest";
import type { AppError, CommandName, Commands, Invoice } from "../api/generated";
import { READS_BY_TABLE } from "../api/live";
import { BILLING_TABLES_WRITTEN } from "./fake-billing";
import { createFakeBackend, DEMO_USERS } from "./fake-backend";
import { allocate, computeTotals, dec, formatMoney, round, text, type Discount, type LineInput, type MoneyRules } from "./fake-money";

const EUR: MoneyRules = { exponent: 2, rounding: "half_up", prices_include_tax: false };
const line = (q: string, p: string, discount: Discount, rate: string): LineInput => ({ quantity: dec(q), unit_price: dec(p), discount, tax_key: `r${rate}`, tax_rate: dec(rate) });
const pct = (v: string): Discount => ({ kind: "percent", value: dec(v) });
const amt = (v: string): Discount => ({ kind: "amount", value: dec(v) });
const none: Discount = { kind: "none" };

function totals(rules: MoneyRules, lines: LineInput[], discount: Discount) {
  const result = computeTotals(rules, lines, discount);
  if (!("ok" in result)) throw new Error(JSON.stringify(result.error));
  return result.ok;
}

describe("money.rs, in the fake", () => {
  it("taxes once per group after the discounts (exclusive_tax_per_group_and_discounts)", () => {
    const t = totals(EUR, [line("1", "80", pct("10"), "22"), line("3", "4.99", none, "22"), line("1", "25", amt("5"), "0")], amt("10"));
    expect(text(t.subtotal)).toBe("119.97");
    // 8.00 + 5.00 own; the 10.00 shared 6.73 / 1.40 / 1.87 over 72.00 / 14.97 / 20.00.
    expect(text(t.discount_total)).toBe("23.00");
    expect(t.lines.map((l) => text(l.discount))).toEqual(["14.73", "1.40", "6.87"]);
    expect(t.lines.map((l) => text(l.net))).toEqual(["65.27", "13.57", "18.13"]);
    // 22 % of 78.84 = 17.3448 → 17.34, shared 14.36 / 2.98 by largest remainder.
    expect(t.taxes.map((g) => [text(g.base), text(g.tax)])).toEqual([
      ["78.84", "17.34"],
      ["18.13", "0.00"],
    ]);
    expect(t.lines.map((l) => text(l.tax))).toEqual(["14.36", "2.98", "0"]);
    expect(text(t.tax_total)).toBe("17.34");
    expect(text(t.total)).toBe("114.31");
  });

  it("takes the tax out of prices that include it (inclusive_tax_is_taken_out_of_the_price)", () => {
    const t = totals({ ...EUR, prices_include_tax: true }, [line("1", "122", none, "22")], none);
    expect([text(t.total), text(t.tax_total), text(t.net_total)]).toEqual(["122.00", "22.00", "100.00"]);
    // 65.5738 × 1 = 65.57 without tax, + 22 % = 14.43: 80.00 (outstanding_lists_unpaid_invoices_per_patient).
    const u = totals(EUR, [line("1", "65.5738", none, "22")], none);
    expect([text(u.net_total), text(u.tax_total), text(u.total)]).toEqual(["65.57", "14.43", "80.00"]);
  });

  it("rounds midpoints by the clinic's rule and the currency's unit (rounding_rules_differ_on_midpoints)", () => {
    expect(text(round(EUR, dec("0.125")))).toBe("0.13");
    expect(text(round({ ...EUR, rounding: "half_even" }, dec("0.125")))).toBe("0.12");
    expect(text(round({ ...EUR, rounding: "half_even" }, dec("0.135")))).toBe("0.14");
    expect(text(round(EUR, dec("-0.125")))).toBe("-0.13");
    expect(text(round({ ...EUR, exponent: 0 }, dec("1234.5")))).toBe("1235");
    expect(text(round(EUR, dec("5")))).toBe("5.00");
  });

  it("allocates in whole cents that add up exactly (allocation_adds_up_exactly)", () => {
    expect(allocate(EUR, dec("10.00"), [dec("1"), dec("1"), dec("1")]).map(text)).toEqual(["3.34", "3.33", "3.33"]);
    expect(allocate(EUR, dec("0.01"), [dec("2"), dec("1")]).map(text)).toEqual(["0.01", "0.00"]);
    // Nothing to weigh by: the first line carries it.
    expect(allocate(EUR, dec("1.00"), [dec("0"), dec("0")]).map(text)).toEqual(["1.00", "0"]);
  });

  it("refuses discounts larger than what they take off (too_large_discounts_are_refused)", () => {
    expect(computeTotals(EUR, [line("1", "5", amt("6"), "0")], none)).toEqual({ error: { kind: "line_discount_too_large", line: 0 } });
    expect(computeTotals(EUR, [line("1", "5", none, "0")], amt("5.01"))).toEqual({ error: { kind: "invoice_discount_too_large" } });
  });

  it("formats by locale as the PDFs do (formats_by_locale_and_words)", () => {
    expect(formatMoney(dec("1234.5"), "EUR", "en-IE")).toBe("€1,234.50");
    expect(formatMoney(dec("1234.5"), "EUR", "it-IT")).toBe("1.234,50\u00a0€");
    expect(formatMoney(dec("-3"), "USD", "en-US")).toBe("−$3.00");
    expect(formatMoney(dec("1500"), "JPY", "en")).toBe("¥1,500");
  });
});

/** A Wednesday afternoon in Rome (the demo's week has completed appointments then); the clock ticks a millisecond a read. */
function clock() {
  let t = Date.parse("2026-03-04T14:00:00Z");
  return () => new Date((t += 1));
}

async function setup() {
  const backend = createFakeBackend({ state: "demo", now: clock() });
  const as = async (username: string) => {
    const demo = DEMO_USERS.find((u) => u.username === username);
    const { token } = (await backend.transport("login", null, { username, password: demo?.password ?? "" })) as { token: string };
    const run = <K extends CommandName>(name: K, input: Commands[K]["input"]) => backend.transport(name, token, input) as Promise<Commands[K]["output"]>;
    const refused = async <K extends CommandName>(name: K, input: Commands[K]["input"]): Promise<AppError> => {
      try {
        await run(name, input);
      } catch (e) {
        return e as AppError;
      }
      throw new Error(`${name} was not refused`);
    };
    return { run, refused };
  };
  const patient = [...backend.patients.values()].find((p) => p.family_name === "Romano")?.id ?? "";
  const desk = await as("reception");
  const accountant = await as("accounts");
  const doctor = await as("dr.rossi");
  const item = async (code: string, name: string, kind: Commands["save_price_item"]["input"]["kind"], price: string, tax: string) =>
    (await accountant.run("save_price_item", { code, name, kind, tax_category_id: tax, price, unit: "", active: true })).id;
  const line = (invoice: Invoice, input: Partial<Commands["add_invoice_line"]["input"]>) => desk.run("add_invoice_line", { invoice_id: invoice.id, discount_kind: "none", discount_value: "", ...input });
  /** crates/core/tests/billing.rs sample_invoice: 80.00 (22 %) −10 %, 3 × 4.99 (22 %), 25.00 exempt −5.00, and 10.00 off the invoice. */
  const sample = async () => {
    const consult = await item("T-CONS", "Consultation (test)", "consultation", "80", "tax-standard");
    const gauze = await item("T-GAUZE", "Sterile gauze", "supply", "4.99", "tax-standard");
    const lab = await item("T-CBC", "Full blood count (test)", "lab_test", "25.00", "tax-exempt");
    let inv = await desk.run("create_invoice", { patient_id: patient, notes: "" });
    inv = await line(inv, { price_item_id: consult, discount_kind: "percent", discount_value: "10" });
    inv = await line(inv, { price_item_id: gauze, quantity: "3" });
    inv = await line(inv, { price_item_id: lab, discount_kind: "amount", discount_value: "5" });
    inv = await desk.run("update_invoice", { invoice_id: inv.id, discount_kind: "amount", discount_value: "10" });
    return desk.run("issue_invoice", { invoice_id: inv.id });
  };
  const pay = (inv: Invoice, amount: string, method: Commands["record_payment"]["input"]["method"] = "cash") => desk.run("record_payment", { invoice_id: inv.id, amount, method, reference: "slip 1" });
  return { backend, patient, desk, accountant, doctor, item, line, sample, pay };
}

describe("the billing fake's commands", () => {
  it("works the sample invoice out exactly, once (totals_are_exact_and_worked_out_once)", async () => {
    const { sample } = await setup();
    const inv = await sample();
    expect(inv).toMatchObject({ subtotal: "119.97", discount_total: "23.00", net_total: "96.97", tax_total: "17.34", total: "114.31", balance: "114.31", payment_status: "unpaid", status: "issued" });
    expect(inv.lines.map((l) => l.net)).toEqual(["65.27", "13.57", "18.13"]);
    expect(inv.taxes).toEqual([
      { name: "Standard", rate: "22", base: "78.84", tax: "17.34" },
      { name: "Exempt", rate: "0", base: "18.13", tax: "0.00" },
    ]);
    expect(inv.number).toMatch(/^INV-K7Q-\d{6}$/);
  });

  it("keeps old prices for old dates and names the fields it refuses (the_price_list_keeps_old_prices_for_old_dates)", async () => {
    const { backend, accountant, desk, patient, item } = await setup();
    const consult = await item("T-CONS", "Consultation (test)", "consultation", "80", "tax-standard");
    const today = (await desk.run("list_price_items", { query: "T-CONS", include_inactive: false })).on_date;
    const later = `${String(Number(today.slice(0, 4)) + 1)}-04-01`;
    await accountant.run("save_price_item", { id: consult, code: "T-CONS", name: "Consultation (test)", kind: "consultation", tax_category_id: "tax-standard", price: "90", price_valid_from: later, unit: "", active: true });
    const on = async (d: string) => (await desk.run("list_price_items", { query: "T-CONS", include_inactive: false, on_date: d })).items[0]?.price;
    expect(await on(today)).toBe("80.00");
    expect(await on(later)).toBe("90.00");
    expect(await accountant.refused("save_price_item", { id: consult, code: "T-CONS", name: "X", kind: "consultation", tax_category_id: "tax-standard", price: "70", price_valid_from: "2020-01-01", unit: "", active: true })).toMatchObject({ field: "price_valid_from" });
    const old = await desk.run("create_invoice", { patient_id: patient, service_date: "2020-01-01", notes: "" });
    expect(await desk.refused("add_invoice_line", { invoice_id: old.id, price_item_id: consult, discount_kind: "none", discount_value: "" })).toEqual({ code: "validation", message: "Consultation (test) has no price on 2020-01-01", field: "price_item_id" });
    expect(await accountant.refused("save_price_item", { code: "t-cons", name: "Dup", kind: "procedure", tax_category_id: "tax-standard", price: "1", unit: "", active: true })).toEqual({ code: "validation", message: "the code t-cons is already used by another entry", field: "code" });
    expect(await accountant.refused("save_price_item", { code: "X1", name: "X", kind: "procedure", tax_category_id: "tax-standard", price: "1.234", unit: "", active: true })).toEqual({ code: "validation", message: "Price has at most 2 decimals in this currency", field: "price" });
    expect((await desk.refused("save_price_item", { code: "X2", name: "X", kind: "procedure", tax_category_id: "tax-standard", price: "1", unit: "", active: true })).code).toBe("permission_denied");
    // The Standard category follows the settings' default tax rate, and back.
    await accountant.run("save_tax_category", { id: "tax-standard", name: "Standard", rate: "21", active: true });
    expect(backend.settings?.default_tax_rate).toBe("21");
  });

  it("prices a completed appointment's consultation and refuses a second invoice (an_invoice_from_a_completed_appointment_prices_its_consultation)", async () => {
    const { backend, desk } = await setup();
    const scheduled = [...backend.scheduling.appointments.values()].find((a) => a.status === "scheduled");
    if (!scheduled) throw new Error("no scheduled appointment");
    expect(await desk.refused("create_invoice_from_appointment", { appointment_id: scheduled.id })).toEqual({ code: "validation", message: "only a completed appointment is invoiced (this one is scheduled)", field: "appointment_id" });
    const done = [...backend.scheduling.appointments.values()].find((a) => a.status === "completed");
    if (!done) throw new Error("no completed appointment");
    const inv = await desk.run("create_invoice_from_appointment", { appointment_id: done.id });
    expect(inv).toMatchObject({ status: "draft", appointment_id: done.id, doctor_id: done.doctor_id });
    expect(inv.lines).toHaveLength(1);
    expect(inv.lines[0]?.kind).toBe("consultation");
    expect(await desk.refused("create_invoice_from_appointment", { appointment_id: done.id })).toEqual({ code: "conflict", message: "this appointment is already invoiced (a draft)", field: "appointment_id" });
  });

  it("numbers gap-free and freezes what it issued (issuing_numbers_gap_free_and_freezes_the_invoice)", async () => {
    const { desk, patient, item, line } = await setup();
    const consult = await item("T-CONS", "Consultation (test)", "consultation", "80", "tax-standard");
    const empty = await desk.run("create_invoice", { patient_id: patient, notes: "" });
    expect(empty).toMatchObject({ subtotal: "0", total: "0", balance: "0.00", payment_status: "not_issued" });
    expect(await desk.refused("issue_invoice", { invoice_id: empty.id })).toEqual({ code: "validation", message: "an invoice needs at least one line before it is issued", field: "invoice_id" });
    const numbers: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const inv = await line(await desk.run("create_invoice", { patient_id: patient, notes: "" }), { price_item_id: consult });
      numbers.push((await desk.run("issue_invoice", { invoice_id: inv.id })).number ?? "");
    }
    const first = Number(numbers[0]?.slice(-6));
    expect(numbers).toEqual([0, 1, 2].map((k) => `INV-K7Q-${String(first + k).padStart(6, "0")}`));
    const issued = (await desk.run("list_invoices", { status: "issued", outstanding_only: false, number: numbers[2]?.slice(-6) ?? "" }))[0];
    expect(issued?.number).toBe(numbers[2]);
    expect(await desk.refused("update_invoice", { invoice_id: issued?.id ?? "", notes: "changed" })).toEqual({ code: "conflict", message: `invoice ${numbers[2] ?? ""} is issued and can no longer change: correct it with a credit note`, field: "invoice_id" });
    const discarded = await desk.run("discard_invoice", { invoice_id: empty.id, reason: "opened by mistake" });
    expect(discarded).toMatchObject({ status: "discarded", number: null, discard_reason: "opened by mistake" });
    expect(await desk.refused("discard_invoice", { invoice_id: empty.id, reason: " " })).toEqual({ code: "validation", message: "Reason is required", field: "reason" });
  });

  it("edits a draft's lines and names the field of each refusal", async () => {
    const { desk, patient, item, line } = await setup();
    const gauze = await item("T-GAUZE", "Sterile gauze", "supply", "4.99", "tax-standard");
    let inv = await line(await desk.run("create_invoice", { patient_id: patient, notes: "" }), { price_item_id: gauze, quantity: "2" });
    const id = inv.lines[0]?.id ?? "";
    expect(inv.lines[0]).toMatchObject({ quantity: "2", unit_price: "4.99", gross: "9.98", discount: "0", net: "9.98", tax: "2.20", total: "12.18" });
    inv = await desk.run("update_invoice_line", { line_id: id, quantity: "2.500", discount_kind: "amount", discount_value: "1" });
    expect(inv.lines[0]).toMatchObject({ quantity: "2.5", gross: "12.48", discount: "1.00", net: "11.48", tax: "2.53" });
    inv = await desk.run("update_invoice_line", { line_id: id, tax_category_id: "tax-exempt" });
    expect(inv).toMatchObject({ tax_total: "0.00", total: "11.48" });
    expect(await desk.refused("update_invoice_line", { line_id: id, discount_value: "20" })).toEqual({ code: "validation", message: "the discount on line 1 is more than the line's amount", field: "discount_value" });
    expect(await desk.refused("update_invoice_line", { line_id: id, quantity: "0" })).toEqual({ code: "validation", message: "the quantity must be more than zero", field: "quantity" });
    expect(await desk.refused("update_invoice_line", { line_id: id, quantity: "1.2345" })).toEqual({ code: "validation", message: "the quantity has at most 3 decimals", field: "quantity" });
    expect(await desk.refused("update_invoice_line", { line_id: id, unit_price: "12,50" })).toEqual({ code: "validation", message: "Unit price is an amount like 12.50 (digits and a point)", field: "unit_price" });
    expect(await desk.refused("update_invoice_line", { line_id: id, discount_kind: "percent", discount_value: "120" })).toEqual({ code: "validation", message: "a percent discount is between 0 and 100", field: "discount_value" });
    expect(await desk.refused("add_invoice_line", { invoice_id: inv.id, description: "Copy of records", discount_kind: "none", discount_value: "" })).toEqual({ code: "validation", message: "a line typed by hand needs a unit price", field: "unit_price" });
    inv = await desk.run("add_invoice_line", { invoice_id: inv.id, description: "Copy of records", unit_price: "10", discount_kind: "none", discount_value: "" });
    expect(inv.lines[1]).toMatchObject({ kind: "other", price_item_id: null, unit_price: "10", tax_name: "Standard", total: "12.20" });
    expect(await desk.refused("update_invoice", { invoice_id: inv.id, discount_kind: "amount", discount_value: "30" })).toEqual({ code: "validation", message: "the invoice discount is more than the invoice's amount", field: "discount_value" });
    expect(await desk.refused("update_invoice", { invoice_id: inv.id, due_date: "2020-01-01" })).toEqual({ code: "validation", message: "the due date cannot be before the service date", field: "due_date" });
    expect(await desk.refused("update_invoice", { invoice_id: inv.id, due_date: "3 March" })).toEqual({ code: "validation", message: "the date is written YYYY-MM-DD, e.g. 2026-12-03", field: "due_date" });
    inv = await desk.run("remove_invoice_line", { line_id: id });
    expect(inv.lines.map((l) => l.position)).toEqual([2]);
    expect(inv).toMatchObject({ subtotal: "10.00", total: "12.20" });
  });

  it("never takes more than the balance and numbers receipts (payments_never_exceed_the_balance_and_get_receipts)", async () => {
    const { desk, doctor, sample, pay, patient } = await setup();
    const inv = await sample();
    const first = await pay(inv, "50");
    expect(first.invoice).toMatchObject({ paid: "50.00", balance: "64.31", payment_status: "partly_paid" });
    expect(first.payment).toMatchObject({ amount: "50.00", is_refund: false, method: "cash", invoice_number: inv.number });
    expect(await desk.refused("record_payment", { invoice_id: inv.id, amount: "64.32", method: "card", reference: "" })).toEqual({
      code: "validation",
      message: "the payment is more than the balance of 64.31 EUR: the clinic does not keep overpayments",
      field: "amount",
    });
    expect(await desk.refused("record_payment", { invoice_id: inv.id, amount: "10", method: "transfer", reference: "" })).toEqual({ code: "validation", message: "a bank transfer needs a reference (the bank's transaction reference)", field: "reference" });
    expect(await desk.refused("record_payment", { invoice_id: inv.id, amount: "10", method: "insurance", reference: " " })).toEqual({ code: "validation", message: "an insurance payment needs a reference (the insurer's claim number)", field: "reference" });
    expect(await desk.refused("record_payment", { invoice_id: inv.id, amount: "-5", method: "cash", reference: "" })).toEqual({ code: "validation", message: "Amount must be more than zero", field: "amount" });
    const second = await pay(inv, "64.31", "card");
    expect(second.invoice).toMatchObject({ balance: "0.00", payment_status: "paid" });
    const [r1, r2] = [Number(first.payment.receipt_number.slice(-6)), Number(second.payment.receipt_number.slice(-6))];
    expect(first.payment.receipt_number).toMatch(/^RCT-K7Q-\d{6}$/);
    expect(r2).toBe(r1 + 1);
    expect(await desk.refused("record_payment", { invoice_id: inv.id, amount: "1", method: "cash", reference: "" })).toEqual({ code: "conflict", message: `invoice ${inv.number ?? ""} has nothing left to pay`, field: "amount" });
    const d = await desk.run("create_invoice", { patient_id: patient, notes: "" });
    expect((await desk.refused("record_payment", { invoice_id: d.id, amount: "1", method: "cash", reference: "" })).code).toBe("conflict");
    expect((await doctor.refused("record_payment", { invoice_id: inv.id, amount: "1", method: "cash", reference: "" })).code).toBe("permission_denied");
  });

  it("credits by lines and quantities, to the cent, and refunds what is owed back (credit_notes_correct_issued_invoices_and_refunds_pay_back)", async () => {
    const { desk, accountant, sample, pay } = await setup();
    const inv = await sample();
    await pay(inv, "114.31");
    const gauze = inv.lines[1]?.id ?? "";
    expect((await desk.refused("issue_credit_note", { invoice_id: inv.id, reason: "x" })).code).toBe("permission_denied");
    expect(await accountant.refused("issue_credit_note", { invoice_id: inv.id, reason: "two packs unused", lines: [{ invoice_line_id: gauze, quantity: "4" }] })).toEqual({
      code: "validation",
      message: "only 3 of “Sterile gauze” is left to credit",
      field: "lines[0].quantity",
    });
    const after = await accountant.run("issue_credit_note", { invoice_id: inv.id, reason: "two packs unused", lines: [{ invoice_line_id: gauze, quantity: "2" }] });
    const note = after.credit_notes[0];
    expect(after.lines[1]?.tax).toBe("2.98");
    // The gauze line is 13.57 + 2.98 = 16.55; two thirds of it: 11.03 with 1.99 tax.
    expect(note).toMatchObject({ total: "11.03", tax_total: "1.99", net_total: "9.04", refunded: "0", reason: "two packs unused" });
    expect(note?.number).toMatch(/^CN-K7Q-\d{6}$/);
    expect(after).toMatchObject({ balance: "-11.03", payment_status: "refund_due" });
    expect(after.lines[1]?.credited_quantity).toBe("2");
    const full = await accountant.run("issue_credit_note", { invoice_id: inv.id, reason: "patient complaint" });
    expect(full.credited).toBe("114.31");
    expect(full.credit_notes[1]?.total).toBe("103.28");
    expect(await accountant.refused("issue_credit_note", { invoice_id: inv.id, reason: "again" })).toEqual({ code: "conflict", message: `invoice ${inv.number ?? ""} is already credited in full`, field: "invoice_id" });
    const noteId = full.credit_notes[1]?.id ?? "";
    expect((await desk.refused("record_refund", { credit_note_id: noteId, amount: "10", method: "cash", reference: "" })).code).toBe("permission_denied");
    expect(await accountant.refused("record_refund", { credit_note_id: noteId, amount: "103.29", method: "cash", reference: "" })).toEqual({
      code: "validation",
      message: `the refund is more than the 103.28 EUR owed back on credit note ${full.credit_notes[1]?.number ?? ""}`,
      field: "amount",
    });
    const refunded = await accountant.run("record_refund", { credit_note_id: noteId, amount: "103.28", method: "cash", reference: "" });
    expect(refunded.payment).toMatchObject({ amount: "-103.28", is_refund: true, credit_note_id: noteId });
    expect(refunded.invoice.balance).toBe("-11.03");
    expect(refunded.invoice.credit_notes[1]?.refunded).toBe("103.28");
    const done = await accountant.run("record_refund", { credit_note_id: full.credit_notes[0]?.id ?? "", amount: "11.03", method: "cash", reference: "" });
    expect(done.invoice).toMatchObject({ balance: "0.00", paid: "0.00", payment_status: "credited" });
  });

  it("closes this desk's cash since the last closing (the_cash_closing_counts_this_desks_takings_since_the_last_one)", async () => {
    const { desk, sample, pay } = await setup();
    // The demo desk's takings are closed first, so the figures are this test's.
    const open = await desk.run("cash_closing_preview", {});
    await desk.run("close_cash", { counted_cash: open.expected_cash, note: "" });
    const inv = await sample();
    await pay(inv, "40");
    await pay(inv, "30", "card");
    const preview = await desk.run("cash_closing_preview", {});
    expect(preview.expected_cash).toBe("40.00");
    expect(preview.payments).toHaveLength(2);
    expect(await desk.refused("close_cash", { counted_cash: "35", note: "" })).toEqual({ code: "validation", message: "the counted cash differs from the expected 40.00 by -5.00: say why in a note", field: "note" });
    const closing = await desk.run("close_cash", { counted_cash: "35", note: "5.00 short, change given twice" });
    expect(closing).toMatchObject({ difference: "-5.00", payment_count: 2, expected_cash: "40.00", counted_cash: "35.00" });
    expect(closing.by_method.map((m) => [m.method, m.amount])).toEqual([
      ["cash", "40.00"],
      ["card", "30.00"],
    ]);
    await pay(inv, "10");
    const next = await desk.run("cash_closing_preview", {});
    expect(next.expected_cash).toBe("10.00");
    expect(next.period_start).toBe(closing.closed_at);
    const pdf = await desk.run("cash_closing_pdf", { closing_id: closing.id });
    expect(atob(pdf.content_base64)).toContain("5.00 short");
  });

  it("sums revenue by method, service and day and lists what is outstanding (reports_sum_revenue…, outstanding_lists…)", async () => {
    const { backend, desk, accountant, sample, pay, line, patient } = await setup();
    const inv = await sample();
    await pay(inv, "100");
    await pay(inv, "14.31", "insurance");
    const today = (await desk.run("list_price_items", { query: "", include_inactive: false })).on_date;
    const report = (group_by: Commands["revenue_report"]["input"]["group_by"]) => accountant.run("revenue_report", { from: today, to: today, group_by });
    // Today's demo invoice (Schmidt) is in the day too: 60.00 + 45.00, exempt.
    const byService = await report("service");
    expect(byService.rows.find((r) => r.label === "Consultation (test)")).toMatchObject({ count: 1, gross: "79.63", credited: "0.00", net: "79.63", tax: "14.36" });
    const byDay = await report("day");
    expect(byDay.rows).toHaveLength(1);
    expect(byDay.rows[0]).toMatchObject({ key: today, count: 2, gross: "219.31", tax: "17.34" });
    const byMethod = await report("method");
    expect(byMethod.rows.find((r) => r.key === "insurance")).toMatchObject({ label: "Insurance", count: 1, gross: "14.31" });
    const csv = await accountant.run("export_revenue_csv", { from: today, to: today, group_by: "method" });
    expect(csv.content.startsWith("\uFEFFmethod,count,collected,refunded,net,tax\n")).toBe(true);
    expect(csv.file_name).toBe(`revenue-by-method-${today}-to-${today}.csv`);
    expect((await desk.refused("revenue_report", { from: today, to: today, group_by: "day" })).code).toBe("permission_denied");
    expect(await accountant.refused("revenue_report", { from: "2026-03-31", to: "2026-03-01", group_by: "day" })).toEqual({ code: "validation", message: "the period ends before it starts", field: "to" });

    const before = await desk.run("list_outstanding", {});
    const second = await desk.run("issue_invoice", { invoice_id: (await line(await desk.run("create_invoice", { patient_id: patient, notes: "" }), { description: "Report", unit_price: "65.5738" })).id });
    expect(second.total).toBe("80.00");
    const out = await desk.run("list_outstanding", {});
    expect(out.invoice_count).toBe(before.invoice_count + 1);
    expect(out.patients.find((p) => p.patient.id === patient)?.balance).toBe("80.00");
    expect(backend.billing.invoices.get(second.id)?.status).toBe("issued");
    const outstandingCsv = await accountant.run("export_outstanding_csv", {});
    expect(outstandingCsv.content).toContain(`${second.number ?? ""},`);
    expect(outstandingCsv.content).toContain(",80.00,0.00,0.00,80.00\n");
  });

  it("prints issued documents, previews drafts marked and refuses to print them", async () => {
    const { backend, desk, sample, pay, line, patient } = await setup();
    const inv = await sample();
    const paid = await pay(inv, "50", "card");
    const pdf = await desk.run("invoice_pdf", { invoice_id: inv.id });
    expect(pdf).toMatchObject({ file_name: `invoice-${inv.number ?? ""}.pdf`, draft: false });
    const content = atob(pdf.content_base64);
    expect(content.startsWith("%PDF-")).toBe(true);
    for (const needle of ["Sterile gauze", "119.97 EUR", "17.34 EUR", "114.31 EUR", "64.31 EUR", paid.payment.receipt_number]) expect(content).toContain(needle);
    const receipt = await desk.run("receipt_pdf", { payment_id: paid.payment.id, paper: "roll80" });
    expect(receipt.file_name).toBe(`receipt-${paid.payment.receipt_number}.pdf`);
    expect(atob(receipt.content_base64)).toContain("64.31 EUR");
    expect(await desk.run("print_billing_document", { document: "receipt", id: paid.payment.id, printer: "Office_Inkjet" })).toEqual({ job_id: "Office_Inkjet-1" });
    expect(backend.billing.printJobs.map((j) => [j.document, j.printer])).toEqual([["receipt", "Office_Inkjet"]]);
    const d = await line(await desk.run("create_invoice", { patient_id: patient, notes: "" }), { description: "Report", unit_price: "10" });
    const preview = await desk.run("invoice_pdf", { invoice_id: d.id });
    expect(preview.draft).toBe(true);
    expect(atob(preview.content_base64)).toContain("DRAFT - NOT AN INVOICE");
    expect(await desk.refused("print_billing_document", { document: "invoice", id: d.id })).toEqual({ code: "conflict", message: "issue the invoice before printing it (the preview shows the draft)", field: "id" });
  });

  it("seeds a price list and invoices of every kind for the demo", async () => {
    const { desk } = await setup();
    const list = await desk.run("list_price_items", { query: "", include_inactive: false });
    expect(new Set(list.items.map((i) => i.kind))).toEqual(new Set(["consultation", "procedure", "lab_test", "medicine", "supply", "other"]));
    expect(list.items.find((i) => i.code === "CONS")?.versions).toHaveLength(2);
    expect((await desk.run("list_tax_categories", {})).map((t) => [t.id, t.rate])).toEqual([
      ["tax-exempt", "0"],
      ["tax-standard", "22"],
    ]);
    const invoices = await desk.run("list_invoices", { outstanding_only: false, number: "" });
    expect(new Set(invoices.map((i) => i.status))).toEqual(new Set(["issued", "draft"]));
    const statuses = await Promise.all(invoices.map(async (i) => (await desk.run("get_invoice", { invoice_id: i.id })).payment_status));
    expect(new Set(statuses)).toEqual(new Set(["paid", "partly_paid", "unpaid", "not_issued"]));
  });

  it("announces every table it writes, and each of them refreshes the reads that show it", () => {
    const tables = new Set(Object.values(BILLING_TABLES_WRITTEN).flat());
    expect(tables).toEqual(new Set(["tax_categories", "clinic", "price_items", "price_versions", "invoices", "invoice_lines", "payments", "credit_notes", "credit_note_lines", "cash_closings"]));
    for (const table of tables) expect(READS_BY_TABLE[table]?.length ?? 0).toBeGreaterThan(0);
    expect(READS_BY_TABLE.payments).toEqual(expect.arrayContaining(["get_invoice", "list_invoices", "list_outstanding", "cash_closing_preview", "revenue_report"]));
    expect(READS_BY_TABLE.credit_note_lines).toContain("get_invoice");
    expect(READS_BY_TABLE.price_versions).toEqual(["list_price_items"]);
  });
});
