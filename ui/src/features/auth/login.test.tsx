import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { signInAs } from "../../test/flows";
import { renderApp } from "../../test/render";

describe("sign-in", () => {
  it("signs in and shows the app frame with the user and role", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    await signInAs(user, "dr.rossi");
    expect(await screen.findByTestId("app-frame")).toBeInTheDocument();
    expect(screen.getByTestId("current-user")).toHaveTextContent("Dr. Giulia Rossi");
    expect(screen.getByTestId("current-user")).toHaveTextContent("Doctor");
    expect(screen.getByTestId("home-title")).toHaveTextContent("Doctor's office");
    // Later commands carry the session token.
    const login = backend.calls.find((c) => c.name === "login");
    expect(login?.token).toBeNull();
    // The frame asks for the clinic settings once it is shown; under load that call can
    // land a moment after the frame renders, so wait for it rather than race it.
    await waitFor(() => {
      const after = backend.calls.filter((c) => c.name === "get_clinic_settings");
      expect(after.at(-1)?.token).toMatch(/^token-/);
    });
  });

  it("submits with Enter", async () => {
    const { user } = renderApp({ state: "demo" });
    await user.type(await screen.findByTestId("login-username"), "admin");
    await user.type(screen.getByTestId("login-password"), "blue lantern orchid 47{Enter}");
    expect(await screen.findByTestId("app-frame")).toBeInTheDocument();
  });

  it("shows invalid_credentials", async () => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, "admin", "not the password");
    expect(await screen.findByTestId("login-error")).toHaveTextContent("Wrong username or password.");
    expect(screen.getByTestId("login-password")).toHaveValue("");
    expect(screen.queryByTestId("app-frame")).not.toBeInTheDocument();
  });

  it("shows locked_out with its time", async () => {
    const { user } = renderApp({ state: "demo", lockoutAfter: 1 });
    await signInAs(user, "admin", "wrong password one");
    const error = await screen.findByTestId("login-error");
    expect(error).toHaveTextContent(/locked until \d\d:\d\d UTC/);
    expect(error.textContent.startsWith("Too many failed sign-ins")).toBe(true);
  });

  it("shows account_disabled", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    const reception = backend.users.get("reception");
    if (reception) reception.active = false;
    await signInAs(user, "reception");
    expect(await screen.findByTestId("login-error")).toHaveTextContent("This account is disabled. Ask an administrator to enable it.");
  });

  it("puts a Rust field error next to its field", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    backend.failNext("login", { code: "validation", message: "enter your username", field: "username" });
    await signInAs(user, "admin");
    const error = await screen.findByTestId("error-username");
    expect(error).toHaveTextContent("Enter your username.");
    expect(screen.getByTestId("login-username")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("login-username").getAttribute("aria-describedby")).toContain(error.id);
    expect(screen.queryByTestId("login-error")).not.toBeInTheDocument();
  });

  it("requires both fields before calling Rust", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    await user.click(await screen.findByTestId("login-submit"));
    expect(await screen.findByTestId("error-username")).toHaveTextContent("This is required.");
    expect(screen.getByTestId("error-password")).toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "login")).toBe(false);
  });

  it("forces the password change when must_change_password is set, and nothing else is reachable", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    const nurse = backend.users.get("nurse.muller");
    if (nurse) nurse.must_change_password = true;
    await signInAs(user, "nurse.muller");
    expect(await screen.findByTestId("must-change-screen")).toBeInTheDocument();
    expect(screen.queryByTestId("app-frame")).not.toBeInTheDocument();
    expect(screen.queryByTestId("nav-home")).not.toBeInTheDocument();

    await user.type(screen.getByTestId("account-current-password"), "silver compass tide 47");
    await user.type(screen.getByTestId("account-new-password"), "short");
    await user.type(screen.getByTestId("account-new-password-confirm"), "short");
    await user.click(screen.getByTestId("account-submit"));
    expect(await screen.findByTestId("error-new_password")).toHaveTextContent("at least 12 characters");

    await user.clear(screen.getByTestId("account-new-password"));
    await user.clear(screen.getByTestId("account-new-password-confirm"));
    await user.type(screen.getByTestId("account-new-password"), "aaaaaaaaaaaaaaaa");
    await user.type(screen.getByTestId("account-new-password-confirm"), "aaaaaaaaaaaaaaaa");
    await user.click(screen.getByTestId("account-submit"));
    // Rust's guessability check answers with a field error.
    expect(await screen.findByTestId("error-new_password")).toHaveTextContent("too common or guessable");

    await user.clear(screen.getByTestId("account-new-password"));
    await user.clear(screen.getByTestId("account-new-password-confirm"));
    await user.type(screen.getByTestId("account-new-password"), "violet ferry candle 82");
    await user.type(screen.getByTestId("account-new-password-confirm"), "violet ferry candle 82");
    await user.click(screen.getByTestId("account-submit"));
    expect(await screen.findByTestId("app-frame")).toBeInTheDocument();
    expect(within(screen.getByTestId("app-frame")).getByTestId("home-title")).toHaveTextContent("Nurse station");
  });

  it("signs out to the login screen and forgets the token", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    await signInAs(user, "admin");
    await user.click(await screen.findByTestId("logout"));
    expect(await screen.findByTestId("login-username")).toBeInTheDocument();
    expect(screen.getByText("You have signed out.")).toBeInTheDocument();
    expect(backend.sessions.size).toBe(0);
  });
});

describe("password_change_required from Rust", () => {
  it("switches to the forced change screen", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    await signInAs(user, "admin");
    await screen.findByTestId("app-frame");
    backend.failNext("list_users", { code: "password_change_required", message: "choose a new password before continuing" });
    await user.click(screen.getByTestId("nav-users"));
    expect(await screen.findByTestId("must-change-screen")).toBeInTheDocument();
    expect(screen.queryByTestId("app-frame")).not.toBeInTheDocument();
  });
});
