import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { signInAs } from "../../test/flows";
import { renderApp } from "../../test/render";

async function openSettings() {
  const app = renderApp({ state: "demo" });
  await signInAs(app.user, "admin");
  await app.user.click(await screen.findByTestId("nav-settings"));
  await screen.findByTestId("settings-name");
  return app;
}

describe("clinic settings", () => {
  it("loads the settings into the form", async () => {
    await openSettings();
    expect(screen.getByTestId("settings-name")).toHaveValue("Demo Clinic (sample data)");
    expect(screen.getByTestId("settings-idle-lock-minutes")).toHaveValue(15);
    expect(screen.getByTestId("settings-time-zone")).toHaveValue("Europe/Rome");
    expect(screen.getByTestId("settings-default-tax-rate")).toHaveValue("22");
  });

  it("checks the idle lock range (1–30) before saving", async () => {
    const { user, backend } = await openSettings();
    await user.clear(screen.getByTestId("settings-idle-lock-minutes"));
    await user.type(screen.getByTestId("settings-idle-lock-minutes"), "45");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("error-idle_lock_minutes")).toHaveTextContent("Between 1 and 30 minutes.");
    expect(backend.calls.some((c) => c.name === "update_clinic_settings")).toBe(false);
  });

  it("saves, confirms, and the clinic name in the top bar follows", async () => {
    const { user, backend } = await openSettings();
    await user.clear(screen.getByTestId("settings-name"));
    await user.type(screen.getByTestId("settings-name"), "Riverside Clinic");
    await user.clear(screen.getByTestId("settings-idle-lock-minutes"));
    await user.type(screen.getByTestId("settings-idle-lock-minutes"), "5");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("settings-saved")).toHaveTextContent("Settings saved.");
    expect(backend.settings).toMatchObject({ name: "Riverside Clinic", idle_lock_minutes: 5 });
    // The top bar follows once app_status is read again: wait for it, the element is there already.
    await waitFor(() => {
      expect(screen.getByTestId("clinic-name")).toHaveTextContent("Riverside Clinic");
    });
  });

  it("saves the billing settings: prices with or without tax, rounding, receipt paper", async () => {
    const { user, backend } = await openSettings();
    const before = backend.settings;
    if (!before) throw new Error("no clinic");
    const includeTax = screen.getByTestId("settings-prices-include-tax");
    expect(includeTax).toHaveProperty("checked", before.prices_include_tax);
    expect(includeTax).toHaveAccessibleDescription(/On: a price of 122.00 at 22 % is 100.00 plus 22.00 tax/);
    expect(screen.getByTestId("settings-rounding")).toHaveValue(before.rounding);
    expect(screen.getByTestId("settings-rounding")).toHaveAccessibleDescription(/banker's rounding/);
    expect(screen.getByTestId("settings-receipt-paper")).toHaveValue(before.receipt_paper);
    await user.click(includeTax);
    await user.selectOptions(screen.getByTestId("settings-rounding"), "Half even: 2.345 → 2.34, 2.355 → 2.36");
    await user.selectOptions(screen.getByTestId("settings-receipt-paper"), "80 mm thermal roll");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("settings-saved")).toHaveTextContent("Settings saved.");
    expect(backend.settings).toMatchObject({ prices_include_tax: !before.prices_include_tax, rounding: "half_even", receipt_paper: "roll80", name: before.name });
    expect(backend.calls.filter((c) => c.name === "update_clinic_settings").at(-1)?.input).toMatchObject({ prices_include_tax: !before.prices_include_tax, rounding: "half_even", receipt_paper: "roll80" });
  });

  it("shows a Rust field error next to its field", async () => {
    const { user, backend } = await openSettings();
    backend.failNext("update_clinic_settings", { code: "validation", message: "the locale is a language tag such as en, en-GB or it-IT", field: "locale" });
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("error-locale")).toHaveTextContent("The locale is a language tag such as en, en-GB or it-IT.");
  });

  it("refuses a logo that is not PNG or JPEG, or bigger than 256 KB", async () => {
    await openSettings();
    // The picker offers only PNG and JPEG, but a file can still arrive another way.
    const user = userEvent.setup({ applyAccept: false });
    const input = screen.getByTestId("settings-logo-file");
    await user.upload(input, new File(["gif"], "logo.gif", { type: "image/gif" }));
    expect(await screen.findByTestId("error-logo_data_url")).toHaveTextContent("Choose a PNG or JPEG image.");
    await user.upload(input, new File([new Uint8Array(300 * 1024)], "logo.png", { type: "image/png" }));
    await waitFor(() => {
      expect(screen.getByTestId("error-logo_data_url")).toHaveTextContent("The image is 300 KB; at most 256 KB.");
    });
    await user.upload(input, new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "logo.png", { type: "image/png" }));
    expect(await screen.findByTestId("settings-logo-preview")).toHaveAttribute("src", expect.stringMatching(/^data:image\/png;base64,/));
  });

  it("saves the national id pattern and example; the example must match it", async () => {
    const { user, backend } = await openSettings();
    expect(screen.getByTestId("settings-national-id-pattern")).toHaveValue("");
    await user.type(screen.getByTestId("settings-national-id-pattern"), "[[A-Z]{{6}[[0-9]{{2}");
    await user.type(screen.getByTestId("settings-national-id-example"), "RSSMRA8");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("error-national_id_example")).toHaveTextContent("The example does not match the pattern.");
    expect(backend.calls.some((c) => c.name === "update_clinic_settings")).toBe(false);

    await user.type(screen.getByTestId("settings-national-id-example"), "0");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("settings-saved")).toBeInTheDocument();
    expect(backend.settings).toMatchObject({ national_id_pattern: "[A-Z]{6}[0-9]{2}", national_id_example: "RSSMRA80" });
  });

  it("catches a broken pattern, and shows Rust's verdict on one only Rust reads", async () => {
    const { user, backend } = await openSettings();
    await user.type(screen.getByTestId("settings-national-id-pattern"), "[[A-Z");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("error-national_id_pattern")).toHaveTextContent("Not a valid regular expression.");

    await user.clear(screen.getByTestId("settings-national-id-pattern"));
    await user.type(screen.getByTestId("settings-national-id-pattern"), "(?i)[[a-z]{{6}");
    backend.failNext("update_clinic_settings", { code: "validation", message: "not a valid pattern (a regular expression such as [A-Z]{6}[0-9]{2})", field: "national_id_pattern" });
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("error-national_id_pattern")).toHaveTextContent("Not a valid pattern (a regular expression such as [A-Z]{6}[0-9]{2}).");
  });
});
