import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FAKE_PASSPHRASE } from "../../test/fake-backend";
import { renderApp } from "../../test/render";

describe("first-run wizard", () => {
  it("creates the clinic, shows the passphrase once and requires the checkbox", async () => {
    const { user, backend } = renderApp({ state: "empty" });
    await user.click(await screen.findByTestId("first-run-setup"));

    // Step 1 validates before moving on.
    await user.click(screen.getByTestId("wizard-next"));
    expect(await screen.findByTestId("error-clinic_name")).toHaveTextContent("This is required.");
    await user.type(screen.getByTestId("wizard-clinic-name"), "Riverside Family Practice");
    await user.selectOptions(screen.getByTestId("wizard-time-zone"), "Europe/Rome");
    await user.selectOptions(screen.getByTestId("wizard-currency"), "EUR");
    await user.click(screen.getByTestId("wizard-next"));

    // Step 2: the first admin. Client-side checks mirror Rust's.
    await user.type(await screen.findByTestId("wizard-admin-username"), "1admin");
    await user.type(screen.getByTestId("wizard-admin-full-name"), "Rita Owusu");
    await user.type(screen.getByTestId("wizard-admin-password"), "copper kettle morning 19");
    await user.type(screen.getByTestId("wizard-admin-password-confirm"), "copper kettle morning 91");
    await user.click(screen.getByTestId("wizard-submit"));
    expect(await screen.findByTestId("error-admin_username")).toHaveTextContent("starting with a letter");
    expect(screen.getByTestId("error-admin_password_confirm")).toHaveTextContent("The two passwords differ.");
    expect(backend.calls.some((c) => c.name === "setup_clinic")).toBe(false);

    await user.clear(screen.getByTestId("wizard-admin-username"));
    await user.type(screen.getByTestId("wizard-admin-username"), "rita");
    await user.clear(screen.getByTestId("wizard-admin-password-confirm"));
    await user.type(screen.getByTestId("wizard-admin-password-confirm"), "copper kettle morning 19{Enter}");

    const passphrase = await screen.findByTestId("recovery-passphrase");
    expect(passphrase).toHaveTextContent(FAKE_PASSPHRASE);
    const setup = backend.calls.find((c) => c.name === "setup_clinic");
    expect(setup?.input).toEqual({
      clinic_name: "Riverside Family Practice",
      time_zone: "Europe/Rome",
      currency: "EUR",
      admin_username: "rita",
      admin_full_name: "Rita Owusu",
      admin_password: "copper kettle morning 19",
    });

    const next = screen.getByTestId("recovery-continue");
    expect(next).toBeDisabled();
    await user.click(screen.getByTestId("recovery-stored"));
    expect(next).toBeEnabled();
    await user.click(next);

    // Once: after continuing, the passphrase is gone and cannot come back.
    expect(await screen.findByTestId("login-username")).toBeInTheDocument();
    expect(screen.queryByTestId("recovery-passphrase")).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain(FAKE_PASSPHRASE);
    expect(screen.getByText("Sign in to Riverside Family Practice")).toBeInTheDocument();
  });

  it("takes a Rust field error of step 1 back to step 1, next to its field", async () => {
    const { user, backend } = renderApp({ state: "empty" });
    backend.failNext("setup_clinic", { code: "validation", message: "\"Mars/Base\" is not a known time zone (e.g. Europe/Rome, America/New_York, UTC)", field: "time_zone" });
    await user.click(await screen.findByTestId("first-run-setup"));
    await user.type(screen.getByTestId("wizard-clinic-name"), "Clinic");
    await user.click(screen.getByTestId("wizard-next"));
    await user.type(await screen.findByTestId("wizard-admin-username"), "rita");
    await user.type(screen.getByTestId("wizard-admin-full-name"), "Rita Owusu");
    await user.type(screen.getByTestId("wizard-admin-password"), "copper kettle morning 19");
    await user.type(screen.getByTestId("wizard-admin-password-confirm"), "copper kettle morning 19");
    await user.click(screen.getByTestId("wizard-submit"));
    expect(await screen.findByTestId("error-time_zone")).toHaveTextContent("is not a known time zone");
    expect(screen.getByTestId("wizard-time-zone")).toBeVisible();
    expect(screen.getByTestId("wizard-next")).toBeInTheDocument();
  });

  it("shows Rust's password policy error next to the admin password", async () => {
    const { user } = renderApp({ state: "empty" });
    await user.click(await screen.findByTestId("first-run-setup"));
    await user.type(screen.getByTestId("wizard-clinic-name"), "Clinic");
    await user.click(screen.getByTestId("wizard-next"));
    await user.type(await screen.findByTestId("wizard-admin-username"), "rita");
    await user.type(screen.getByTestId("wizard-admin-full-name"), "Rita Owusu");
    await user.type(screen.getByTestId("wizard-admin-password"), "password1234");
    await user.type(screen.getByTestId("wizard-admin-password-confirm"), "password1234");
    await user.click(screen.getByTestId("wizard-submit"));
    expect(await screen.findByTestId("error-admin_password")).toHaveTextContent("too common or guessable");
  });

  it("creates the demo clinic and lists its users and passwords", async () => {
    const { user } = renderApp({ state: "empty" });
    await user.click(await screen.findByTestId("first-run-demo"));
    const table = await screen.findByTestId("demo-users-table");
    expect(within(table).getAllByRole("row")).toHaveLength(9);
    expect(within(table).getByText("reception")).toBeInTheDocument();
    expect(within(table).getByText("warm garden ribbon 47")).toBeInTheDocument();
    await user.click(screen.getByTestId("demo-continue"));
    expect(await screen.findByTestId("login-username")).toBeInTheDocument();
  });
});
