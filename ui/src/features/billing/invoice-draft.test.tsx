import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandName } from "../../api/generated";
import type { FakeBackend } from "../../test/fake-backend";
import { searchPatients } from "../../test/flows";
import { as, openAt, patientId, startClock } from "./test-render";

// jsdom has no canvas: the pages pdf.js would draw are not drawn.
vi.mock("../prescriptions/pdfRender", () => ({ renderPdfPages: () => Promise.resolve({ pages: 1, cancel: () => undefined }) }));

const callsOf = (backend: FakeBackend, name: CommandName) => backend.calls.filter((c) => c.name === name).map((c) => c.input);

/** A fresh draft for a demo patient, opened as `username`. */
async function openDraft(username = "reception", family = "Romano") {
  const app = await openAt(username, "/billing");
  const desk = await as(app.backend, "reception");
  const draft = await desk("create_invoice", { patient_id: patientId(app.backend, family), notes: "" });
  app.location.navigate(`/billing/invoices/${draft.id}`);
  await screen.findByTestId("draft-editor");
  return { ...app, draft, desk };
}

/** Picks a price list entry by typing and Enter (the keyboard way). */
async function addFromList(user: Awaited<ReturnType<typeof openDraft>>["user"], text: string) {
  const box = screen.getByTestId("price-search");
  await user.clear(box);
  await user.type(box, text);
  await waitFor(() => {
    const list = screen.getByTestId("price-results");
    expect(list).toHaveAttribute("data-query", text);
    expect(list).toHaveAttribute("data-current", "true");
  });
  await user.keyboard("{Enter}");
}

describe("a draft invoice", { timeout: 30_000 }, () => {
  beforeEach(() => {
    startClock();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("adds lines from the price list by keyboard and shows Rust's totals as they change", async () => {
    const { user, backend, draft } = await openDraft();
    expect(screen.getByTestId("draft-no-lines")).toBeInTheDocument();
    expect(screen.getByTestId("draft-issue")).toBeDisabled();
    await addFromList(user, "blood count");
    await screen.findByTestId("line-1");
    expect(await screen.findByTestId("invoice-notice")).toHaveTextContent("Full blood count is on the draft.");
    expect(screen.getByTestId("totals-total")).toHaveTextContent("€18.50");
    // The search keeps the keyboard for the next line.
    expect(screen.getByTestId("price-search")).toHaveFocus();
    await addFromList(user, "certificate");
    await screen.findByTestId("line-2");
    // 20.00 at 22 % (Standard) beside 18.50 exempt: tax per rate, as Rust grouped it.
    await waitFor(() => {
      expect(screen.getByTestId("totals-total")).toHaveTextContent("€42.90");
    });
    expect(screen.getByTestId("totals-tax-0").closest("div")).toHaveTextContent("Exempt 0 %on €18.50€0.00");
    expect(screen.getByTestId("totals-tax-1").closest("div")).toHaveTextContent("Standard 22 %on €20.00€4.40");

    // Two blood counts, and 10 % off the certificate: Rust works it all out again.
    const qty = screen.getByTestId("line-quantity-1");
    await user.clear(qty);
    await user.type(qty, "2{Enter}");
    await waitFor(() => {
      expect(screen.getByTestId("totals-subtotal")).toHaveTextContent("€57.00");
    });
    await user.selectOptions(screen.getByTestId("line-discount-kind-2"), "percent");
    const off = await screen.findByTestId("line-discount-value-2");
    await user.clear(off);
    await user.type(off, "10");
    await user.tab();
    await waitFor(() => {
      expect(screen.getByTestId("totals-total")).toHaveTextContent("€58.96");
    });
    const stored = await (await as(backend, "accounts"))("get_invoice", { invoice_id: draft.id });
    expect(stored).toMatchObject({ subtotal: "57.00", discount_total: "2.00", tax_total: "3.96", total: "58.96" });
    expect(screen.getByTestId("totals-discount")).toHaveTextContent("-€2.00");
    expect(screen.getByTestId("line-amount-2")).toHaveTextContent("€18.00");
    expect(screen.getByTestId("line-discount-2")).toHaveTextContent("incl. -€2.00 discount");
    expect(callsOf(backend, "update_invoice_line").at(-1)).toEqual({ line_id: stored.lines[1]?.id, discount_kind: "percent", discount_value: "10" });
  });

  it("shows each refusal on the field Rust names, in its line", async () => {
    const { user, desk, draft } = await openDraft();
    await desk("add_invoice_line", { invoice_id: draft.id, description: "Copy of records", unit_price: "10", discount_kind: "none", discount_value: "" });
    const qty = await screen.findByTestId("line-quantity-1");
    await user.clear(qty);
    await user.type(qty, "0{Enter}");
    expect(await screen.findByTestId("error-lines.0.quantity")).toHaveTextContent("The quantity must be more than zero.");
    expect(qty).toHaveAttribute("aria-invalid", "true");
    // Escape puts back what Rust has.
    await user.keyboard("{Escape}");
    expect(qty).toHaveValue("1");
    expect(screen.queryByTestId("error-lines.0.quantity")).not.toBeInTheDocument();
    const price = screen.getByTestId("line-unit-price-1");
    await user.clear(price);
    await user.type(price, "12,50{Enter}");
    expect(await screen.findByTestId("error-lines.0.unit_price")).toHaveTextContent("Unit price is an amount like 12.50 (digits and a point).");
    await user.clear(price);
    await user.type(price, "12.50{Enter}");
    await waitFor(() => {
      expect(screen.getByTestId("totals-total")).toHaveTextContent("€15.25");
    });
    expect(screen.queryByTestId("error-lines.0.unit_price")).not.toBeInTheDocument();
    // The invoice's own discount: more than the invoice is refused on that field.
    await user.selectOptions(screen.getByTestId("invoice-discount-kind"), "amount");
    const value = await screen.findByTestId("invoice-discount-value");
    await user.clear(value);
    await user.type(value, "100{Enter}");
    expect(await screen.findByTestId("error-discount_value")).toHaveTextContent("The invoice discount is more than the invoice's amount.");
    const due = screen.getByTestId("invoice-due-date");
    await user.type(due, "2026-03-01");
    await user.tab();
    expect(await screen.findByTestId("error-due_date")).toHaveTextContent("The due date cannot be before the service date.");
  });

  it("adds a line typed by hand, takes one off, and issues after asking (numbers are final)", async () => {
    const { user, backend, draft } = await openDraft();
    await user.click(screen.getByTestId("add-mode-hand"));
    await user.type(screen.getByTestId("hand-description"), "Travel vaccination advice");
    await user.click(screen.getByTestId("hand-add"));
    expect(await screen.findByTestId("error-unit_price")).toHaveTextContent("A line typed by hand needs a unit price.");
    await user.type(screen.getByTestId("hand-unit-price"), "35");
    await user.selectOptions(screen.getByTestId("hand-tax"), "tax-exempt");
    await user.click(screen.getByTestId("hand-add"));
    await screen.findByTestId("line-1");
    expect(screen.getByTestId("line-description-1")).toHaveValue("Travel vaccination advice");
    expect(screen.getByTestId("hand-description")).toHaveValue("");
    await user.click(screen.getByTestId("add-mode-list"));
    await addFromList(user, "dressing");
    await screen.findByTestId("line-2");
    await user.click(screen.getByTestId("line-remove-2"));
    await waitFor(() => {
      expect(within(screen.getByTestId("invoice-lines")).queryByTestId("line-2")).not.toBeInTheDocument();
    });
    expect(screen.getByTestId("totals-total")).toHaveTextContent("€35.00");

    await user.click(screen.getByTestId("draft-issue"));
    const confirm = within(await screen.findByTestId("confirm-dialog"));
    expect(confirm.getByTestId("issue-final")).toHaveTextContent("Numbers and amounts are final once issued: corrections need a credit note.");
    expect(confirm.getByText("Luca Romano is invoiced €35.00. The invoice gets the next number of this desk's series.")).toBeInTheDocument();
    await user.click(confirm.getByTestId("confirm-submit"));
    const title = await screen.findByTestId("invoice-title");
    await waitFor(() => {
      expect(title).toHaveTextContent(/^Invoice INV-K7Q-\d{6}$/);
    });
    const number = backend.billing.invoices.get(draft.id)?.number_text ?? "";
    expect(screen.getByTestId("invoice-notice")).toHaveTextContent(`Invoice ${number} is issued.`);
    expect(screen.getByTestId("invoice-payment-status")).toHaveTextContent("Unpaid");
    expect(screen.getByTestId("invoice-balance")).toHaveTextContent("€35.00");
    // Frozen: no inputs any more.
    expect(screen.queryByTestId("line-quantity-1")).not.toBeInTheDocument();
    expect(screen.queryByTestId("draft-editor")).not.toBeInTheDocument();
  });

  it("discards a draft with a reason, and previews a draft marked as not an invoice", async () => {
    const { user, desk, draft, backend } = await openDraft();
    await desk("add_invoice_line", { invoice_id: draft.id, description: "Report", unit_price: "10", discount_kind: "none", discount_value: "" });
    await screen.findByTestId("line-1");
    await user.click(screen.getByTestId("draft-preview"));
    const preview = within(await screen.findByTestId("billing-preview-dialog"));
    expect(await preview.findByTestId("pdf-draft")).toHaveTextContent("Draft: not an invoice until it is issued.");
    expect(await preview.findByTestId("pdf-frame")).toHaveAttribute("data-file-name", `invoice-draft-${backend.patients.get(draft.patient.id)?.mrn ?? ""}.pdf`);
    expect(preview.getByTestId("print-submit")).toBeDisabled();
    await user.keyboard("{Escape}");
    await user.click(screen.getByTestId("draft-discard"));
    const dialog = within(await screen.findByTestId("discard-dialog"));
    await user.click(dialog.getByTestId("reason-submit"));
    expect(await dialog.findByTestId("error-reason")).toBeInTheDocument();
    await user.type(dialog.getByTestId("reason-input"), "Opened by mistake");
    await user.click(dialog.getByTestId("reason-submit"));
    expect(await screen.findByTestId("invoice-discarded")).toHaveTextContent("Discarded: Opened by mistake");
    expect(screen.getByTestId("invoice-title")).toHaveTextContent("Discarded draft");
    expect(callsOf(backend, "discard_invoice")).toEqual([{ invoice_id: draft.id, reason: "Opened by mistake" }]);
  });

  it("is read only for an administrator (billing.read)", async () => {
    const app = await openAt("admin", "/billing");
    const desk = await as(app.backend, "reception");
    const draft = await desk("create_invoice", { patient_id: patientId(app.backend, "Romano"), notes: "" });
    await desk("add_invoice_line", { invoice_id: draft.id, description: "Report", unit_price: "10", discount_kind: "none", discount_value: "" });
    app.location.navigate(`/billing/invoices/${draft.id}`);
    expect(await screen.findByTestId("invoice-read-only")).toBeInTheDocument();
    expect(await screen.findByTestId("line-1")).toHaveTextContent("Report");
    expect(screen.queryByTestId("line-quantity-1")).not.toBeInTheDocument();
    expect(screen.queryByTestId("add-line")).not.toBeInTheDocument();
    expect(screen.queryByTestId("draft-issue")).not.toBeInTheDocument();
  });

  it("starts from the list with the patient chosen by search, and opens the new draft", async () => {
    const { user, backend, location } = await openAt("reception", "/billing");
    await user.click(await screen.findByTestId("invoices-new"));
    const dialog = within(await screen.findByTestId("new-invoice-dialog"));
    await user.click(dialog.getByTestId("new-invoice-submit"));
    expect(await dialog.findByTestId("error-patient_id")).toHaveTextContent("Choose the patient first.");
    await searchPatients(user, "Romano", "invoice-patient");
    await user.keyboard("{Enter}");
    expect(await dialog.findByTestId("invoice-patient-chosen")).toHaveTextContent("Romano, Luca");
    expect(dialog.getByTestId("invoice-service-date-input")).toHaveValue("2026-03-04");
    await user.selectOptions(dialog.getByTestId("invoice-doctor-input"), "Dr. Giulia Rossi");
    await user.click(dialog.getByTestId("new-invoice-submit"));
    await screen.findByTestId("draft-editor");
    const created = callsOf(backend, "create_invoice");
    expect(created).toEqual([{ patient_id: patientId(backend, "Romano"), service_date: "2026-03-04", doctor_id: backend.users.get("dr.rossi")?.id, notes: "" }]);
    const id = [...backend.billing.invoices.values()].at(-1)?.id ?? "";
    expect(location.history.at(-1)).toBe(`/billing/invoices/${id}`);
    expect(screen.getByTestId("invoice-doctor")).toHaveTextContent("Dr. Giulia Rossi");
  });
});
