import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandName } from "../../api/generated";
import type { FakeBackend } from "../../test/fake-backend";
import { as, openAt, seededInvoice, startClock } from "./test-render";

// jsdom has no canvas: the pages pdf.js would draw are not drawn.
vi.mock("../prescriptions/pdfRender", () => ({ renderPdfPages: () => Promise.resolve({ pages: 1, cancel: () => undefined }) }));

const callsOf = (backend: FakeBackend, name: CommandName) => backend.calls.filter((c) => c.name === name).map((c) => c.input);

/** Opens a demo patient's seeded invoice as `username`. */
async function openInvoice(username: string, family: string) {
  const app = await openAt(username, "/billing");
  const invoice = seededInvoice(app.backend, family);
  app.location.navigate(`/billing/invoices/${invoice.id}`);
  await screen.findByTestId("invoice-page");
  return { ...app, invoice };
}

describe("an issued invoice", { timeout: 30_000 }, () => {
  beforeEach(() => {
    startClock();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("takes a partial payment from the keyboard: amount, method key, Enter; then the receipt", async () => {
    // Eze: 60.00 consultation + 10.00 certificate (50 % off) + 2.20 tax = 72.20, 40.00 paid in cash.
    const { user, backend, invoice } = await openInvoice("reception", "Eze");
    expect(screen.getByTestId("invoice-balance")).toHaveTextContent("€32.20");
    expect(screen.getByTestId("invoice-payment-status")).toHaveTextContent("Partly paid");
    await user.click(screen.getByTestId("invoice-pay"));
    const dialog = within(await screen.findByTestId("payment-dialog"));
    const amount = dialog.getByTestId("payment-amount");
    // Prefilled with the balance and selected: typing replaces it.
    await waitFor(() => {
      expect(amount).toHaveFocus();
    });
    expect(amount).toHaveValue("32.20");
    expect([(amount as HTMLInputElement).selectionStart, (amount as HTMLInputElement).selectionEnd]).toEqual([0, 5]);
    await user.keyboard("20");
    expect(amount).toHaveValue("20");
    // Digits type the amount; out of the field (Tab), key 2 is Card; Enter takes it.
    await user.tab();
    await user.keyboard("2");
    expect(dialog.getByTestId("payment-method-card")).toBeChecked();
    expect(dialog.getByTestId("payment-reference")).toBeInTheDocument();
    await user.keyboard("{Enter}");
    const receipt = await dialog.findByTestId("payment-receipt");
    expect(callsOf(backend, "record_payment")).toEqual([{ invoice_id: invoice.id, amount: "20", method: "card", reference: "" }]);
    const paid = [...backend.billing.payments.values()].at(-1);
    expect(receipt).toHaveTextContent(paid?.receipt_text ?? "?");
    expect(dialog.getByTestId("payment-notice")).toHaveTextContent("€20.00 taken by Card.");
    expect(dialog.getByTestId("payment-balance")).toHaveTextContent("Still owed: €12.20.");
    // Print receipt has the keyboard: Enter sends it to the default printer.
    expect(dialog.getByTestId("payment-print")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(await dialog.findByTestId("print-result")).toHaveTextContent("Sent to the default printer: job Reception_Laser-1.");
    expect(backend.billing.printJobs.map((j) => [j.document, j.id])).toEqual([["receipt", paid?.id]]);
    await user.click(dialog.getByTestId("payment-close"));
    await waitFor(() => {
      expect(screen.getByTestId("invoice-balance")).toHaveTextContent("€12.20");
    });
    expect(within(screen.getByTestId("invoice-payments")).getByTestId(`payment-row-${paid?.receipt_text ?? ""}`)).toHaveTextContent("€20.00");
  });

  it("refuses an overpayment with Rust's words on the amount, and asks a transfer for its reference", async () => {
    const { user, backend } = await openInvoice("reception", "Eze");
    await user.click(screen.getByTestId("invoice-pay"));
    const dialog = within(await screen.findByTestId("payment-dialog"));
    await waitFor(() => {
      expect(dialog.getByTestId("payment-amount")).toHaveFocus();
    });
    const before = backend.billing.payments.size;
    await user.keyboard("50{Enter}");
    expect(await dialog.findByTestId("error-amount")).toHaveTextContent("The payment is more than the balance of 32.20 EUR: the clinic does not keep overpayments.");
    expect(backend.billing.payments.size).toBe(before);
    // Alt+3 while typing: a bank transfer, whose reference takes the keyboard.
    const amount = dialog.getByTestId("payment-amount");
    await user.clear(amount);
    await user.type(amount, "32.20");
    await user.keyboard("{Alt>}3{/Alt}");
    expect(dialog.getByTestId("payment-method-transfer")).toBeChecked();
    await waitFor(() => {
      expect(dialog.getByTestId("payment-reference")).toHaveFocus();
    });
    await user.keyboard("{Enter}");
    expect(await dialog.findByTestId("error-reference")).toHaveTextContent("A bank transfer needs a reference (the bank's transaction reference).");
    await user.keyboard("TRX-88120{Enter}");
    expect(await dialog.findByTestId("payment-balance")).toHaveTextContent("The invoice is settled.");
    await user.click(dialog.getByTestId("payment-close"));
    expect(await screen.findByTestId("invoice-payment-status")).toHaveTextContent("Paid");
    expect(screen.queryByTestId("invoice-pay")).not.toBeInTheDocument();
  });

  it("offers reception no credit note or refund", async () => {
    await openInvoice("reception", "Bianchi");
    expect(screen.getByTestId("invoice-print")).toBeInTheDocument();
    expect(screen.queryByTestId("invoice-credit")).not.toBeInTheDocument();
    expect(screen.queryByTestId("invoice-refund")).not.toBeInTheDocument();
  });

  it("lets the accountant credit chosen lines and quantities, with Rust's refusal on the line", async () => {
    // Eze: consultation 60.00 (exempt) and a certificate 10.00 after 50 % off (+ 2.20 tax at 22 %).
    const { user, backend, invoice } = await openInvoice("accounts", "Eze");
    await user.click(screen.getByTestId("invoice-credit"));
    const dialog = within(await screen.findByTestId("credit-dialog"));
    await user.click(dialog.getByTestId("credit-mode-lines"));
    await user.click(dialog.getByTestId("credit-choose-2"));
    const qty = dialog.getByTestId("credit-quantity-2");
    expect(qty).toHaveValue("1");
    await user.clear(qty);
    await user.type(qty, "2");
    await user.type(dialog.getByTestId("credit-reason"), "Certificate issued twice");
    await user.click(dialog.getByTestId("credit-submit"));
    expect(await dialog.findByTestId("error-lines[0].quantity")).toHaveTextContent("Only 1 of “Medical certificate” is left to credit.");
    await user.clear(qty);
    await user.type(qty, "1");
    await user.click(dialog.getByTestId("credit-submit"));
    // The certificate line: 10.00 + 2.20 tax; 40.00 was paid of 72.20, so 20.00 stays owed.
    const notice = await screen.findByTestId("invoice-notice");
    const note = (await (await as(backend, "accounts"))("get_invoice", { invoice_id: invoice.id })).credit_notes[0];
    expect(note).toMatchObject({ total: "12.20", reason: "Certificate issued twice" });
    expect(notice).toHaveTextContent(`Credit note ${note?.number ?? ""} is issued: €12.20 credited.`);
    expect(callsOf(backend, "issue_credit_note")).toEqual([
      { invoice_id: invoice.id, reason: "Certificate issued twice", lines: [{ invoice_line_id: note?.lines[0]?.invoice_line_id, quantity: "2" }] },
      { invoice_id: invoice.id, reason: "Certificate issued twice", lines: [{ invoice_line_id: note?.lines[0]?.invoice_line_id, quantity: "1" }] },
    ]);
    expect(within(screen.getByTestId("invoice-credit-notes")).getByTestId(`credit-note-total-${note?.number ?? ""}`)).toHaveTextContent("-€12.20");
    expect(screen.getByTestId("totals-credited")).toHaveTextContent("-€12.20");
    expect(screen.getByTestId("invoice-balance")).toHaveTextContent("€20.00");
    expect(screen.getByTestId("line-credited-2")).toHaveTextContent("1 credited");
  });

  it("credits a paid invoice in full and pays the patient back with a refund receipt", async () => {
    // Bianchi: 60.00 + 18.50, exempt, paid by card.
    const { user, backend, invoice } = await openInvoice("accounts", "Bianchi");
    expect(screen.queryByTestId("invoice-refund")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("invoice-credit"));
    const credit = within(await screen.findByTestId("credit-dialog"));
    expect(credit.getByTestId("credit-mode-full")).toBeChecked();
    await user.click(credit.getByTestId("credit-submit"));
    expect(await credit.findByTestId("error-reason")).toHaveTextContent("Reason is required.");
    await user.type(credit.getByTestId("credit-reason"), "Visit cancelled by the clinic");
    await user.click(credit.getByTestId("credit-submit"));
    expect(await screen.findByTestId("invoice-notice")).toHaveTextContent("The clinic owes the patient €78.50: pay it back with “Refund”.");
    expect(screen.getByTestId("invoice-payment-status")).toHaveTextContent("Refund due");
    expect(screen.queryByTestId("invoice-credit")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("invoice-refund"));
    const refund = within(await screen.findByTestId("refund-dialog"));
    const amount = refund.getByTestId("refund-amount");
    await waitFor(() => {
      expect(amount).toHaveFocus();
    });
    expect(amount).toHaveValue("78.50");
    await user.keyboard("{Alt>}2{/Alt}{Enter}");
    expect(await refund.findByTestId("refund-notice")).toHaveTextContent("€78.50 paid back by Card.");
    const note = (await (await as(backend, "accounts"))("get_invoice", { invoice_id: invoice.id })).credit_notes[0];
    expect(callsOf(backend, "record_refund")).toEqual([{ credit_note_id: note?.id, amount: "78.50", method: "card", reference: "" }]);
    await user.click(refund.getByTestId("refund-preview"));
    const preview = within(await screen.findByTestId("billing-preview-dialog"));
    expect(await preview.findByTestId("pdf-frame")).toHaveAttribute("data-file-name", `receipt-${[...backend.billing.payments.values()].at(-1)?.receipt_text ?? ""}.pdf`);
    await user.selectOptions(preview.getByTestId("print-paper"), "roll80");
    await waitFor(() => {
      expect(callsOf(backend, "receipt_pdf").at(-1)).toMatchObject({ paper: "roll80" });
    });
    await user.keyboard("{Escape}");
    expect(await screen.findByTestId("invoice-payment-status")).toHaveTextContent("Credited");
    expect(screen.getByTestId("totals-balance")).toHaveTextContent("€0.00");
  });

  it("prints the invoice on a chosen printer, and shows the print system's refusal", async () => {
    const { user, backend, invoice } = await openInvoice("reception", "Lefèvre");
    expect(screen.getByText("Overdue")).toBeInTheDocument();
    await user.click(screen.getByTestId("invoice-print"));
    const preview = within(await screen.findByTestId("billing-preview-dialog"));
    expect(await preview.findByTestId("pdf-frame")).toHaveAttribute("data-file-name", `invoice-${invoice.number_text ?? ""}.pdf`);
    expect(preview.queryByTestId("pdf-draft")).not.toBeInTheDocument();
    await waitFor(() => {
      expect(preview.getByTestId("print-printer")).toHaveValue("Reception_Laser");
    });
    await user.selectOptions(preview.getByTestId("print-printer"), "Office_Inkjet");
    await user.click(preview.getByTestId("print-submit"));
    expect(await preview.findByTestId("print-result")).toHaveTextContent("Sent to Office_Inkjet: job Office_Inkjet-1.");
    expect(callsOf(backend, "print_billing_document")).toEqual([{ document: "invoice", id: invoice.id, printer: "Office_Inkjet", paper: null }]);
    backend.prescriptions.setPrinters([{ name: "Reception_Laser", is_default: true }]);
    await user.click(preview.getByTestId("print-submit"));
    expect(await preview.findByTestId("print-error")).toHaveTextContent("The print system refused the job: lp failed (exit status: 1): lp: The printer or class does not exist.");
  });
});
