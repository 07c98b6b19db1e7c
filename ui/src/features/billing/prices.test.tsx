import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { clinicClock } from "../../lib/clinic-time";
import { openAs } from "../../test/flows";

const clinicToday = () => clinicClock("Europe/Rome").date;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** As the clinic (en-GB) writes a calendar date. */
const shown = (date: string) => new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));

async function waitForTable(query = "", kind = "") {
  await waitFor(() => {
    const table = screen.getByTestId("prices-table");
    expect(table).toHaveAttribute("data-query", query);
    expect(table).toHaveAttribute("data-kind", kind);
    expect(table).toHaveAttribute("data-current", "true");
  });
}

/** The price list entry's dialog, once its form is there (it loads its choices first). */
async function entryDialog() {
  const dialog = await screen.findByTestId("price-dialog");
  await within(dialog).findByTestId("price-submit");
  return dialog;
}

async function fill(user: UserEvent, scope: HTMLElement, fields: Record<string, string>) {
  for (const [id, value] of Object.entries(fields)) {
    const field = within(scope).getByTestId(id);
    if (field instanceof HTMLSelectElement) await user.selectOptions(field, value);
    else {
      await user.clear(field);
      if (value !== "") await user.type(field, value);
    }
  }
}

describe("the price list", { timeout: 30_000 }, () => {
  it("groups the entries by kind, shows the price on a date, and each entry's price history", async () => {
    const { user } = await openAs("accounts", "prices", { latency: 20 });
    await waitForTable();
    const table = screen.getByTestId("prices-table");
    expect(within(table).getByTestId("prices-group-consultation")).toHaveTextContent("Consultations");
    expect(within(table).getByTestId("prices-group-lab_test")).toHaveTextContent("Lab tests");
    const consultation = screen.getByTestId("price-row-CONS");
    expect(consultation).toHaveTextContent("Consultation");
    expect(screen.getByTestId("price-current-CONS")).toHaveTextContent("€60.00");
    // The price rise entered ahead of time, from the first of next month.
    const [y = 0, m = 0] = clinicToday().split("-").map(Number);
    const nextMonth = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    expect(screen.getByTestId("price-upcoming-CONS")).toHaveTextContent(`€65.00 from ${shown(nextMonth)}`);

    await user.click(screen.getByTestId("price-history-toggle-CONS"));
    expect(screen.getByTestId("price-history-toggle-CONS")).toHaveAttribute("aria-expanded", "true");
    const history = screen.getByTestId("price-history-CONS");
    expect(within(history).getAllByRole("listitem")).toHaveLength(2);
    expect(within(history).getByTestId(`price-history-CONS-${nextMonth}`)).toHaveTextContent("€65.00Later");

    // On the first of next month, the new price applies.
    await user.clear(screen.getByTestId("prices-on-date"));
    await user.type(screen.getByTestId("prices-on-date"), nextMonth);
    await waitFor(() => {
      expect(screen.getByTestId("prices-table")).toHaveAttribute("data-on-date", nextMonth);
      expect(screen.getByTestId("prices-table")).toHaveAttribute("data-current", "true");
    });
    expect(screen.getByTestId("price-current-CONS")).toHaveTextContent("€65.00");
    expect(screen.queryByTestId("price-upcoming-CONS")).not.toBeInTheDocument();

    // Filtered to one kind and searched by code: no group headings then.
    await user.selectOptions(screen.getByTestId("prices-kind"), "lab_test");
    await user.type(screen.getByTestId("prices-search"), "tsh");
    await waitForTable("tsh", "lab_test");
    const rows = within(screen.getByTestId("prices-table")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent("Thyroid test (TSH)");
    expect(screen.queryByTestId("prices-group-lab_test")).not.toBeInTheDocument();
  });

  it("refuses a new price from the past on its field (Rust), then takes it from a later date", async () => {
    const { user, backend } = await openAs("accounts", "prices", { latency: 20 });
    await waitForTable();
    await user.click(screen.getByTestId("price-edit-LAB-CBC"));
    const dialog = await entryDialog();
    expect(within(dialog).getByTestId("price-form-current")).toHaveTextContent("Today's price: €18.50");
    // Consultation-only fields are not offered for a lab test.
    expect(within(dialog).queryByTestId("price-visit-type-id")).not.toBeInTheDocument();
    const yesterday = addDays(clinicToday(), -1);
    await fill(user, dialog, { "price-price": "19.9", "price-price-valid-from": yesterday });
    await user.click(within(dialog).getByTestId("price-submit"));
    expect(await within(dialog).findByTestId("error-price_valid_from")).toHaveTextContent("A new price starts today or later: invoices already made keep their prices.");
    expect(within(dialog).getByTestId("price-price-valid-from")).toHaveAttribute("aria-invalid", "true");
    expect(within(dialog).getByTestId("price-price-valid-from")).toHaveFocus();
    const saves = backend.calls.filter((c) => c.name === "save_price_item");
    expect(saves.at(-1)?.input).toMatchObject({ price: "19.9", price_valid_from: yesterday });

    const later = addDays(clinicToday(), 10);
    await fill(user, dialog, { "price-price-valid-from": later });
    await user.click(within(dialog).getByTestId("price-submit"));
    expect(await screen.findByTestId("prices-notice")).toHaveTextContent(`LAB-CBC Full blood count saved. Price €19.90 from ${shown(later)}.`);
    expect(screen.getByTestId("price-dialog")).not.toHaveAttribute("open");
    await waitFor(() => {
      expect(screen.getByTestId("price-upcoming-LAB-CBC")).toHaveTextContent(`€19.90 from ${shown(later)}`);
    });
    // Today's price is unchanged: invoices made until then keep it.
    expect(screen.getByTestId("price-current-LAB-CBC")).toHaveTextContent("€18.50");
  });

  it("adds a consultation priced for one visit type and doctor, and shows Rust's refusal of a taken code", async () => {
    const { user, backend } = await openAs("accounts", "prices", { latency: 20 });
    await waitForTable();
    await user.click(screen.getByTestId("price-add"));
    const dialog = await entryDialog();
    // The form's own checks first.
    await user.click(within(dialog).getByTestId("price-submit"));
    expect(await within(dialog).findByTestId("error-code")).toHaveTextContent("This is required.");
    expect(within(dialog).getByTestId("error-price")).toHaveTextContent("A new entry needs a price.");
    await fill(user, dialog, { "price-code": "cons", "price-name": "Follow-up, Dr. Rossi", "price-price": "45.555" });
    await user.click(within(dialog).getByTestId("price-submit"));
    expect(await within(dialog).findByTestId("error-price")).toHaveTextContent("At most 2 decimals in this currency.");

    await fill(user, dialog, { "price-price": "45", "price-visit-type-id": "Follow-up" });
    await user.selectOptions(within(dialog).getByTestId("price-doctor-id"), "Dr. Giulia Rossi");
    await user.click(within(dialog).getByTestId("price-submit"));
    expect(await within(dialog).findByTestId("error-code")).toHaveTextContent("The code cons is already used by another entry.");

    await fill(user, dialog, { "price-code": "FOLLOW-ROSSI" });
    await user.click(within(dialog).getByTestId("price-submit"));
    expect(await screen.findByTestId("prices-notice")).toHaveTextContent("FOLLOW-ROSSI Follow-up, Dr. Rossi is on the price list.");
    const saved = [...backend.billing.priceItems.values()].find((p) => p.code === "FOLLOW-ROSSI");
    expect(saved).toMatchObject({ kind: "consultation", doctor_id: backend.users.get("dr.rossi")?.id, tax_category_id: "tax-standard" });
    expect(saved?.visit_type_id).not.toBeNull();
    const row = await screen.findByTestId("price-row-FOLLOW-ROSSI");
    expect(row).toHaveTextContent("Follow-up · Dr. Giulia Rossi");
    expect(within(row).getByTestId("price-current-FOLLOW-ROSSI")).toHaveTextContent("€45.00");

    // Changed to a procedure, it loses the visit type and doctor (Rust prices only consultations by them).
    await user.click(screen.getByTestId("price-edit-FOLLOW-ROSSI"));
    const edit = await entryDialog();
    // The entry's own choices are shown (the form waits for their options), the code field first.
    expect(within(edit).getByTestId("price-visit-type-id")).toHaveValue(saved?.visit_type_id);
    expect(within(edit).getByTestId("price-doctor-id")).toHaveValue(backend.users.get("dr.rossi")?.id);
    expect(within(edit).getByTestId("price-code")).toHaveFocus();
    await fill(user, edit, { "price-kind": "procedure" });
    expect(within(edit).queryByTestId("price-doctor-id")).not.toBeInTheDocument();
    await user.click(within(edit).getByTestId("price-submit"));
    expect(await screen.findByTestId("prices-notice")).toHaveTextContent("FOLLOW-ROSSI Follow-up, Dr. Rossi saved.");
    expect(backend.calls.filter((c) => c.name === "save_price_item").at(-1)?.input).toMatchObject({ kind: "procedure", visit_type_id: null, doctor_id: null, price: null, price_valid_from: null });
  });

  it("edits a tax category and adds one; the Standard rate is the clinic's default tax rate", async () => {
    const { user, backend } = await openAs("admin", "prices", { latency: 20 });
    await user.click(await screen.findByTestId("prices-tab-tax"));
    const standard = await screen.findByTestId("tax-row-Standard");
    expect(standard).toHaveTextContent("22 %");
    await user.click(within(standard).getByTestId("tax-edit-Standard"));
    const dialog = await screen.findByTestId("tax-dialog");
    await fill(user, dialog, { "tax-rate": "101" });
    await user.click(within(dialog).getByTestId("tax-submit"));
    expect(await within(dialog).findByTestId("error-rate")).toHaveTextContent("A number between 0 and 100 with at most 3 decimals.");
    await fill(user, dialog, { "tax-rate": "21.5" });
    await user.click(within(dialog).getByTestId("tax-submit"));
    expect(await screen.findByTestId("tax-notice")).toHaveTextContent("Standard (21.5 %) saved.");
    await waitFor(() => {
      expect(screen.getByTestId("tax-row-Standard")).toHaveTextContent("21.5 %");
    });
    expect(backend.settings?.default_tax_rate).toBe("21.5");

    // A second category of the same name: Rust names the field.
    await user.click(screen.getByTestId("tax-add"));
    const add = await screen.findByTestId("tax-dialog");
    await fill(user, add, { "tax-name": "standard", "tax-rate": "10" });
    await user.click(within(add).getByTestId("tax-submit"));
    expect(await within(add).findByTestId("error-name")).toHaveTextContent("A tax category named standard already exists.");
    await fill(user, add, { "tax-name": "Reduced" });
    await user.click(within(add).getByTestId("tax-submit"));
    expect(await screen.findByTestId("tax-notice")).toHaveTextContent("Reduced (10 %) added.");
    expect(await screen.findByTestId("tax-row-Reduced")).toHaveTextContent("Active");

    // The new category is offered to price list entries.
    await user.click(screen.getByTestId("prices-tab-items"));
    await waitForTable();
    await user.click(screen.getByTestId("price-add"));
    const entry = await entryDialog();
    expect(within(within(entry).getByTestId("price-tax-category-id")).getByRole("option", { name: "Reduced (10 %)" })).toBeInTheDocument();
  });
});
