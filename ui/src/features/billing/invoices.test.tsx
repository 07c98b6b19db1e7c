import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Role } from "../../api/generated";
import { DEMO_USERS } from "../../test/fake-backend";
import { todays } from "../../test/flows";
import { as, openAt, patientId, seededInvoice, startClock } from "./test-render";

describe("billing", { timeout: 30_000 }, () => {
  beforeEach(() => {
    startClock();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is in the navigation of admin, reception and accounts only", async () => {
    const shown: Partial<Record<Role, boolean>> = {};
    for (const demo of DEMO_USERS.filter((u) => u.role !== "kiosk")) {
      const { unmount } = await openAt(demo.username, "/", { latency: 0 });
      const nav = within(screen.getByRole("navigation", { name: "Sections" }));
      shown[demo.role] = nav.queryByTestId("nav-invoices") !== null;
      unmount();
    }
    expect(shown).toEqual({ admin: true, doctor: false, nurse: false, receptionist: true, pharmacist: false, accountant: true });
  });

  it("says the invoices are not for a doctor's role", async () => {
    await openAt("dr.rossi", "/billing");
    expect(await screen.findByTestId("not-available")).toBeInTheDocument();
  });

  it("lists invoices newest first, found by number, status or money owed, and opens one", async () => {
    const { user, backend, location } = await openAt("reception", "/");
    await user.click(await screen.findByTestId("nav-invoices"));
    const table = await screen.findByTestId("invoices-table");
    const rows = () => within(screen.getByTestId("invoices-table")).getAllByRole("row").slice(1);
    expect(rows()).toHaveLength(7);
    // The newest: Morgan's draft being prepared.
    const draft = seededInvoice(backend, "Morgan");
    expect(within(table).getByTestId(`invoice-row-${draft.id}`)).toHaveTextContent("Draft");
    const lefevre = seededInvoice(backend, "Lefèvre");
    expect(within(table).getByTestId(`invoice-row-${lefevre.id}`)).toHaveTextContent("Overdue");
    expect(within(table).getByTestId(`invoice-balance-${lefevre.id}`)).toHaveTextContent("€162.18");

    // By the end of its number.
    await user.type(screen.getByTestId("invoices-number"), (lefevre.number_text ?? "").slice(-2));
    await waitFor(() => {
      expect(screen.getByTestId("invoices-table")).toHaveAttribute("data-query", (lefevre.number_text ?? "").slice(-2));
    });
    await waitFor(() => {
      expect(rows()).toHaveLength(1);
    });
    await user.clear(screen.getByTestId("invoices-number"));
    await user.click(screen.getByTestId("invoices-outstanding"));
    await waitFor(() => {
      expect(backend.calls.at(-1)?.input).toMatchObject({ outstanding_only: true, number: "" });
    });
    // Rossi (12.00), Lefèvre, Eze (32.20) and Schmidt owe money; Bianchi and Dupont are settled.
    await waitFor(() => {
      expect(rows()).toHaveLength(4);
    });
    expect(screen.queryByTestId(`invoice-row-${seededInvoice(backend, "Bianchi").id}`)).not.toBeInTheDocument();
    await user.click(screen.getByTestId("invoices-outstanding"));
    await user.selectOptions(screen.getByTestId("invoices-status"), "draft");
    await waitFor(() => {
      expect(rows()).toHaveLength(1);
    });
    await user.click(screen.getByTestId(`invoice-open-${draft.id}`));
    await screen.findByTestId("draft-editor");
    expect(location.history.at(-1)).toBe(`/billing/invoices/${draft.id}`);
    expect(screen.getByTestId("nav-invoices")).toHaveAttribute("aria-current", "page");
  });

  it("starts an invoice from a completed appointment on the Today board, and opens the existing one the second time", async () => {
    const { user, backend, location } = await openAt("reception", "/today");
    await screen.findByTestId("today-board");
    const done = todays(backend, "completed", "dr.rossi");
    await user.click(await screen.findByTestId(`invoice-appointment-${done.id}`));
    await screen.findByTestId("draft-editor");
    const invoice = [...backend.billing.invoices.values()].find((i) => i.appointment_id === done.id);
    expect(location.history.at(-1)).toBe(`/billing/invoices/${invoice?.id ?? ""}`);
    // The consultation, priced from the list for its visit type; the doctor is the appointment's.
    expect(await screen.findByTestId("line-1")).toBeInTheDocument();
    expect(screen.getByTestId("invoice-doctor")).toHaveTextContent("Dr. Giulia Rossi");
    expect(backend.calls.filter((c) => c.name === "create_invoice_from_appointment").map((c) => c.input)).toEqual([{ appointment_id: done.id }]);

    await user.click(screen.getByTestId("nav-today"));
    await user.click(await screen.findByTestId(`invoice-appointment-${done.id}`));
    const dialog = within(await screen.findByTestId("invoice-appointment-dialog"));
    expect(await dialog.findByTestId("invoice-appointment-error")).toHaveTextContent("This appointment is already invoiced (a draft).");
    await user.click(await dialog.findByTestId("invoice-appointment-open"));
    await screen.findByTestId("draft-editor");
    expect(location.history.at(-1)).toBe(`/billing/invoices/${invoice?.id ?? ""}`);
  });

  it("offers no invoice on a visit that is not completed, nor to a doctor", async () => {
    const { backend } = await openAt("dr.rossi", "/today");
    await screen.findByTestId("today-board");
    const done = todays(backend, "completed", "dr.rossi");
    expect(screen.getByTestId(`today-row-${done.id}`)).toBeInTheDocument();
    expect(screen.queryByTestId(`invoice-appointment-${done.id}`)).not.toBeInTheDocument();
  });

  it("shows the patient's invoices in the chart for billing roles, and starts one there", async () => {
    const { user, backend, location } = await openAt("reception", "/");
    location.navigate(`/patients/${patientId(backend, "Eze")}`);
    await screen.findByTestId("chart-name");
    await user.click(screen.getByTestId("chart-tab-invoices"));
    const tab = within(await screen.findByTestId("chart-invoices"));
    await waitFor(() => {
      expect(tab.getByTestId("chart-invoices-owed")).toHaveTextContent("Owes €32.20 on 1 invoice.");
    });
    expect(tab.getByTestId("invoices-table")).toHaveTextContent(seededInvoice(backend, "Eze").number_text ?? "?");
    await user.click(tab.getByTestId("chart-invoice-new"));
    const dialog = within(await screen.findByTestId("new-invoice-dialog"));
    expect(dialog.getByTestId("invoice-patient-chosen")).toHaveTextContent("Chinedu Eze");
    await user.click(dialog.getByTestId("new-invoice-submit"));
    expect(await screen.findByTestId("draft-editor")).toBeInTheDocument();
  });

  it("keeps the chart's Invoices tab from clinical roles", async () => {
    const app = await openAt("dr.rossi", "/");
    app.location.navigate(`/patients/${patientId(app.backend, "Eze")}`);
    await screen.findByTestId("chart-name");
    expect(screen.queryByTestId("chart-tab-invoices")).not.toBeInTheDocument();
    expect(app.backend.calls.some((c) => c.name === "list_invoices")).toBe(false);
    // And Rust refuses the read anyway.
    const doctor = await as(app.backend, "dr.rossi");
    await expect(doctor("list_invoices", { outstanding_only: false, number: "" })).rejects.toMatchObject({ code: "permission_denied" });
  });
});
