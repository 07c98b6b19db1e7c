import { screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CatalogPage } from "./CatalogPage";
import { createClinicalBackend, renderAs } from "./test-render";

async function waitForTable(query: string, includeRetired = false) {
  await waitFor(() => {
    const table = screen.getByTestId("catalog-table");
    expect(table).toHaveAttribute("data-query", query);
    expect(table).toHaveAttribute("data-include-retired", String(includeRetired));
    expect(table).toHaveAttribute("data-current", "true");
  });
}

async function fill(user: UserEvent, fields: Record<string, string>) {
  const dialog = within(screen.getByTestId("medication-dialog"));
  for (const [name, value] of Object.entries(fields)) {
    const field = dialog.getByTestId(`medication-${name}`);
    if (field instanceof HTMLSelectElement) await user.selectOptions(field, value);
    else {
      await user.clear(field);
      if (value !== "") await user.type(field, value);
    }
  }
}

describe("the medication catalog", { timeout: 30_000 }, () => {
  it("lists and searches the catalog by generic or brand name", async () => {
    const clinic = createClinicalBackend({ latency: 30 });
    const { user } = await renderAs(clinic, "admin", <CatalogPage />);
    await waitForTable("");
    expect(screen.getByTestId("catalog-count")).toHaveTextContent(`${String(clinic.prescriptions.medications.size)} medications`);
    await user.type(screen.getByTestId("catalog-search"), "ventolin");
    await waitForTable("ventolin");
    const rows = within(screen.getByTestId("catalog-table")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent("Salbutamol 100 micrograms/dose inhaler");
    expect(rows[0]).toHaveTextContent("R03AC02");
    expect(rows[0]).toHaveTextContent("2 puffs when needed ongoing");
  });

  it("shows Rust's field error for a bad ATC code, adds the medication once fixed, refuses it twice, and retires it", async () => {
    const clinic = createClinicalBackend({ latency: 30 });
    const { user } = await renderAs(clinic, "admin", <CatalogPage />);
    await waitForTable("");
    await user.click(screen.getByTestId("catalog-add"));
    await screen.findByTestId("medication-dialog");
    // The form's own checks first (required fields), Rust's after.
    await user.click(screen.getByTestId("medication-submit"));
    expect(await screen.findByTestId("error-generic_name")).toHaveTextContent("This is required.");
    await fill(user, {
      "generic-name": "Mebendazole",
      "brand-names": "Vermox",
      strength: "100 mg",
      form: "chewable tablet",
      "atc-code": "P02-CA",
      "allergy-classes": "benzimidazoles",
      "dispense-unit": "tablet",
      "default-dose": "1 tablet",
      "default-frequency": "twice_daily",
      "default-duration-days": "3",
      "units-per-dose": "1",
    });
    await user.click(screen.getByTestId("medication-submit"));
    expect(await screen.findByTestId("error-atc_code")).toHaveTextContent("An ATC code looks like J01CA04 (or a group such as J01CA).");
    expect(screen.getByTestId("medication-atc-code")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("medication-atc-code")).toHaveFocus();

    await fill(user, { "atc-code": "P02CA01" });
    await user.click(screen.getByTestId("medication-submit"));
    expect(await screen.findByTestId("catalog-notice")).toHaveTextContent("Mebendazole 100 mg chewable tablet is in the catalog.");
    const saved = [...clinic.prescriptions.medications.values()].find((m) => m.generic_name === "Mebendazole");
    expect(saved).toMatchObject({ brand_names: ["Vermox"], atc_code: "P02CA01", allergy_classes: ["benzimidazoles"], units_per_dose: 1, default_quantity: null, default_duration_days: 3, active: true });
    const id = saved?.id ?? "";
    expect(await screen.findByTestId(`catalog-row-${id}`)).toHaveTextContent("1 tablet twice daily for 3 days");

    // The same medication again: Rust names the field.
    await user.click(screen.getByTestId("catalog-add"));
    await fill(user, { "generic-name": "mebendazole", strength: "100 mg", form: "Chewable tablet", "dispense-unit": "tablet", "default-quantity": "6" });
    await user.click(screen.getByTestId("medication-submit"));
    expect(await screen.findByTestId("error-generic_name")).toHaveTextContent("Mebendazole 100 mg Chewable tablet is already in the catalog.");
    await user.click(within(screen.getByTestId("medication-dialog")).getByRole("button", { name: "Cancel" }));

    // Retired: no longer listed (nor offered), kept and shown on request, reinstated.
    await user.click(screen.getByTestId(`catalog-retire-${id}`));
    await user.click(within(await screen.findByTestId("confirm-dialog")).getByTestId("confirm-submit"));
    expect(await screen.findByTestId("catalog-notice")).toHaveTextContent("Mebendazole 100 mg chewable tablet is retired.");
    await waitFor(() => {
      expect(screen.queryByTestId(`catalog-row-${id}`)).not.toBeInTheDocument();
    });
    expect(clinic.prescriptions.medications.get(id)?.active).toBe(false);
    await user.click(screen.getByTestId("catalog-include-retired"));
    await waitForTable("", true);
    const row = await screen.findByTestId(`catalog-row-${id}`);
    expect(row).toHaveTextContent("Retired");
    await user.click(within(row).getByTestId(`catalog-reinstate-${id}`));
    expect(await screen.findByTestId("catalog-notice")).toHaveTextContent("Mebendazole 100 mg chewable tablet is offered again.");
  });

  it("edits an entry, keeping what is not changed", async () => {
    const clinic = createClinicalBackend({ latency: 30 });
    const { user } = await renderAs(clinic, "admin", <CatalogPage />);
    await waitForTable("");
    await user.click(screen.getByTestId("catalog-edit-med-ibuprofen-400-mg-tablet"));
    expect(await screen.findByTestId("medication-generic-name")).toHaveValue("Ibuprofen");
    expect(screen.getByTestId("medication-brand-names")).toHaveValue("Brufen, Advil, Nurofen");
    await fill(user, { "default-duration-days": "400" });
    await user.click(screen.getByTestId("medication-submit"));
    expect(await screen.findByTestId("error-default_duration_days")).toHaveTextContent("Must be between 1 and 365.");
    await fill(user, { "default-duration-days": "3" });
    await user.click(screen.getByTestId("medication-submit"));
    expect(await screen.findByTestId("catalog-notice")).toHaveTextContent("Ibuprofen 400 mg tablet is saved.");
    expect(clinic.prescriptions.medications.get("med-ibuprofen-400-mg-tablet")).toMatchObject({ default_duration_days: 3, brand_names: ["Brufen", "Advil", "Nurofen"], allergy_classes: ["nsaids"], atc_code: "M01AE01" });
  });
});
