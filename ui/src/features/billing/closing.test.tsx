import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CashClosingPreview, CommandName, Commands } from "../../api/generated";
import type { FakeBackend } from "../../test/fake-backend";
import { openAs, tokenOf } from "../../test/flows";
import { signOf, subtractDecimal } from "./backoffice";
import { recordDownloads } from "./test-downloads";

/** jsdom has no canvas: the report's pages are not drawn, only counted. */
vi.mock("../prescriptions/pdfRender", () => ({
  renderPdfPages: () => Promise.resolve({ pages: 1, cancel: () => undefined }),
}));

const downloads = recordDownloads();

/** Runs a command as `username` at this desk (another window of the same workstation). */
async function as<K extends CommandName>(backend: FakeBackend, username: string, name: K, input: Commands[K]["input"]): Promise<Commands[K]["output"]> {
  return (await backend.transport(name, await tokenOf(backend, username), input)) as Commands[K]["output"];
}

async function openClosing() {
  const app = await openAs("reception", "closing", { latency: 20 });
  const preview = await as(app.backend, "reception", "cash_closing_preview", {});
  await screen.findByTestId("closing-counted");
  return { ...app, preview };
}

const euro = (amount: string) => `€${amount}`;

describe("the cash closing", { timeout: 30_000 }, () => {
  it("lists the desk's payments and totals, starts on the count, and closes a day that matches", async () => {
    const { user, backend, preview } = await openClosing();
    const counted = screen.getByTestId("closing-counted");
    await waitFor(() => {
      expect(counted).toHaveFocus();
    });
    expect(screen.getByTestId("closing-expected")).toHaveTextContent(euro(preview.expected_cash));
    expect(screen.getByTestId("closing-period")).toHaveTextContent("This desk has not been closed before.");
    const table = screen.getByTestId("closing-payments");
    expect(within(table).getAllByRole("row").slice(1)).toHaveLength(preview.payments.length);
    // A refund is negative and marked.
    const refund = preview.payments.find((p) => p.is_refund);
    expect(refund).toBeDefined();
    const refundRow = screen.getByTestId(`closing-payment-${refund?.receipt_number ?? ""}`);
    expect(refundRow).toHaveAttribute("data-refund", "true");
    expect(refundRow).toHaveTextContent("Refund");
    expect(refundRow).toHaveTextContent(`-€${(refund?.amount ?? "").replace("-", "")}`);
    for (const m of preview.by_method) expect(screen.getByTestId(`closing-by-method-${m.method}`)).toHaveTextContent(euro(m.amount));

    // The difference follows the count as it is typed.
    expect(screen.getByTestId("closing-difference")).toHaveTextContent("Enter the count");
    await user.type(counted, preview.expected_cash);
    expect(screen.getByTestId("closing-difference")).toHaveTextContent("Matches the expected cash");
    await user.keyboard("{Enter}");
    const confirm = await screen.findByTestId("confirm-dialog");
    expect(within(confirm).getByTestId("closing-confirm-body")).toHaveTextContent(`The closing takes the ${String(preview.payments.length)} payments listed.`);
    expect(within(confirm).getByTestId("closing-confirm-body")).toHaveTextContent("No difference.");
    await user.click(within(confirm).getByTestId("confirm-submit"));

    expect(await screen.findByTestId("closing-done")).toHaveTextContent(`counted ${euro(preview.expected_cash)} against ${euro(preview.expected_cash)} expected. No difference.`);
    const closing = (await as(backend, "reception", "list_cash_closings", { this_desk_only: true }))[0];
    expect(closing).toMatchObject({ payment_count: preview.payments.length, counted_cash: preview.expected_cash, difference: "0.00", note: "" });
    // The next period starts empty; the closing is listed below.
    expect(await screen.findByText("No payments since the last closing.")).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getByTestId("closing-expected")).toHaveTextContent("€0.00");
    });
    expect(screen.getByTestId("closing-period")).toHaveTextContent("Since the last closing");
    expect(await screen.findByTestId(`closing-past-${closing?.id ?? ""}`)).toHaveTextContent("This desk");

    // Its report previews as a PDF and saves.
    await user.click(screen.getByTestId("closing-done-report"));
    const report = await screen.findByTestId("closing-report-dialog");
    await waitFor(() => {
      expect(within(report).getByTestId("pdf-frame")).toHaveAttribute("data-pages", "1");
    });
    await user.click(within(report).getByTestId("pdf-save"));
    expect(downloads.files.map((f) => f.name)).toEqual([within(report).getByTestId("pdf-frame").getAttribute("data-file-name")]);
    expect(backend.calls.some((c) => c.name === "cash_closing_pdf" && (c.input as { closing_id: string }).closing_id === closing?.id)).toBe(true);
  });

  it("asks for a note when the count differs, and records the difference with it", async () => {
    const { user, backend, preview } = await openClosing();
    const counted = screen.getByTestId("closing-counted");
    await user.type(counted, "12.345");
    await user.click(screen.getByTestId("closing-submit"));
    expect(await screen.findByTestId("error-counted_cash")).toHaveTextContent("At most 2 decimals in this currency.");
    expect(counted).toHaveFocus();

    await user.clear(counted);
    await user.type(counted, "100");
    // The demo desk took more than €100 in cash.
    const missing = subtractDecimal(preview.expected_cash, "100.00") ?? "";
    expect(signOf(missing)).toBe(1);
    expect(screen.getByTestId("closing-difference")).toHaveTextContent(`-€${missing} missing`);
    expect(screen.getByLabelText(/Note \(required: the count differs\)/)).toBe(screen.getByTestId("closing-note"));
    await user.click(screen.getByTestId("closing-submit"));
    expect(await screen.findByTestId("error-note")).toHaveTextContent("The counted cash differs from the expected: say why in a note.");
    expect(screen.getByTestId("closing-note")).toHaveFocus();
    expect(screen.queryByTestId("confirm-dialog")).not.toHaveAttribute("open");

    await user.type(screen.getByTestId("closing-note"), "A €20 note was given back twice");
    await user.click(screen.getByTestId("closing-submit"));
    const confirm = await screen.findByTestId("confirm-dialog");
    expect(confirm).toHaveTextContent(`Difference -€${missing}.`);
    await user.click(within(confirm).getByTestId("confirm-submit"));
    expect(await screen.findByTestId("closing-done")).toHaveTextContent(`Difference -€${missing}.`);
    const closing = (await as(backend, "reception", "list_cash_closings", { this_desk_only: true }))[0];
    expect(closing).toMatchObject({ counted_cash: "100.00", difference: `-${missing}`, note: "A €20 note was given back twice" });
    expect(await screen.findByTestId(`closing-past-${closing?.id ?? ""}`)).toHaveTextContent(`-€${missing}`);
  });

  it("shows Rust's refusal when a payment arrived after the count, and the desk's new expected cash", async () => {
    const { user, backend, preview } = await openClosing();
    await user.type(screen.getByTestId("closing-counted"), preview.expected_cash);
    await user.click(screen.getByTestId("closing-submit"));
    const confirm = await screen.findByTestId("confirm-dialog");
    // Meanwhile another window of this desk takes €5.00 in cash on an unpaid invoice.
    const outstanding = await as(backend, "reception", "list_outstanding", {});
    const unpaid = outstanding.patients[0]?.invoices[0];
    if (!unpaid) throw new Error("no unpaid invoice in the demo");
    await as(backend, "reception", "record_payment", { invoice_id: unpaid.id, amount: "5.00", method: "cash", reference: "" });
    await user.click(within(confirm).getByTestId("confirm-submit"));

    const after: CashClosingPreview = await as(backend, "reception", "cash_closing_preview", {});
    expect(await screen.findByTestId("error-note")).toHaveTextContent(`The counted cash differs from the expected ${after.expected_cash} by -5.00: say why in a note.`);
    await waitFor(() => {
      expect(screen.getByTestId("closing-expected")).toHaveTextContent(euro(after.expected_cash));
    });
    expect(screen.getByTestId("closing-difference")).toHaveTextContent("-€5.00 missing");
    expect(await as(backend, "reception", "list_cash_closings", { this_desk_only: true })).toHaveLength(0);
  });
});
