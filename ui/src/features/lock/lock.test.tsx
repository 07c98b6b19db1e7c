import { act, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signInAs } from "../../test/flows";
import { renderApp } from "../../test/render";

describe("workstation lock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a session_locked answer shows the lock screen and removes the app from the DOM", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    await signInAs(user, "admin");
    await user.click(await screen.findByTestId("nav-users"));
    expect(await screen.findByTestId("users-table")).toBeInTheDocument();

    backend.lockAllSessions(); // Rust locked the session (idle on its clock)
    await user.click(screen.getByTestId("nav-audit")); // list_audit → session_locked
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    expect(screen.queryByTestId("app-frame")).not.toBeInTheDocument();
    expect(screen.queryByTestId("users-table")).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain("dr.okafor");
    expect(screen.getByTestId("lock-user")).toHaveTextContent("Alex Admin");
  });

  it("unlocks with the same user's password and returns to the same page", async () => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, "admin");
    await user.click(await screen.findByTestId("nav-about"));
    await screen.findByTestId("about-version");
    await user.click(screen.getByTestId("lock-now"));
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    expect(screen.getByTestId("lock-password")).toHaveFocus();

    await user.type(screen.getByTestId("lock-password"), "wrong password!{Enter}");
    expect(await screen.findByTestId("lock-error")).toHaveTextContent("Wrong password.");
    await user.type(screen.getByTestId("lock-password"), "blue lantern orchid 47{Enter}");
    expect(await screen.findByTestId("app-frame")).toBeInTheDocument();
    expect(await screen.findByTestId("about-version")).toBeInTheDocument();
  });

  it("Ctrl+L locks now, and Rust is told", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    await signInAs(user, "reception");
    await screen.findByTestId("app-frame");
    await user.keyboard("{Control>}l{/Control}");
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    // Rust is told after the screen locks; wait for the call rather than race it.
    await waitFor(() => {
      expect(backend.calls.some((c) => c.name === "lock_session")).toBe(true);
      expect([...backend.sessions.values()].every((s) => s.locked)).toBe(true);
    });
  });

  it("'Sign in as someone else' signs out to the login screen", async () => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, "reception");
    await user.click(await screen.findByTestId("lock-now"));
    await user.click(await screen.findByTestId("lock-switch-user"));
    expect(await screen.findByTestId("login-username")).toHaveValue("");
    await signInAs(user, "dr.rossi");
    expect(await screen.findByTestId("home-title")).toHaveTextContent("Doctor's office");
  });

  it("an unauthenticated answer goes back to sign-in", async () => {
    const { user, backend } = renderApp({ state: "demo" });
    await signInAs(user, "admin");
    await screen.findByTestId("app-frame");
    backend.sessions.clear(); // e.g. the app restarted, or the account was disabled
    await user.click(screen.getByTestId("nav-users"));
    expect(await screen.findByTestId("login-username")).toBeInTheDocument();
    expect(screen.getByText("Your session has ended. Sign in again.")).toBeInTheDocument();
  });

  it("locks after idle_lock_minutes without activity (fake timers)", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { user, backend } = renderApp({ state: "demo", fakeTimers: true });
    if (backend.settings) backend.settings.idle_lock_minutes = 2;
    await signInAs(user, "admin");
    await screen.findByTestId("app-frame");

    // Activity at 90 s pushes the deadline out: no lock at 2 minutes after sign-in.
    act(() => {
      vi.advanceTimersByTime(90_000);
    });
    await user.pointer({ target: screen.getByTestId("home-title"), coords: { x: 5, y: 5 } });
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(screen.getByTestId("app-frame")).toBeInTheDocument();

    act(() => {
      vi.advanceTimersByTime(61_000);
    });
    expect(await screen.findByTestId("lock-screen")).toBeInTheDocument();
    expect(screen.queryByTestId("app-frame")).not.toBeInTheDocument();
    await waitFor(() => {
      expect(backend.calls.some((c) => c.name === "lock_session")).toBe(true);
    });
  });
});
