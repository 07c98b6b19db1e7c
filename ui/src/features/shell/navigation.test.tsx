import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { memoryLocation } from "wouter/memory-location";
import { setSessionToken, setTransport } from "../../api/gateway";
import type { LoginOutput } from "../../api/generated";
import { createQueryClient } from "../../api/queries";
import { App } from "../../app/App";
import { createFakeBackend } from "../../test/fake-backend";
import { signInAs } from "../../test/flows";
import { renderApp } from "../../test/render";

describe("navigation from permissions", () => {
  it("hides Users, Settings and Audit from a receptionist", async () => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, "reception");
    const nav = within(await screen.findByRole("navigation", { name: "Sections" }));
    expect(nav.getByTestId("nav-home")).toBeInTheDocument();
    expect(nav.getByTestId("nav-account")).toBeInTheDocument();
    expect(nav.getByTestId("nav-about")).toBeInTheDocument();
    expect(nav.queryByTestId("nav-users")).not.toBeInTheDocument();
    expect(nav.queryByTestId("nav-settings")).not.toBeInTheDocument();
    expect(nav.queryByTestId("nav-audit")).not.toBeInTheDocument();
    expect(screen.getByTestId("home-title")).toHaveTextContent("Reception desk");
  });

  it("shows the admin sections to an admin", async () => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, "admin");
    await screen.findByTestId("app-frame");
    for (const id of ["nav-home", "nav-users", "nav-settings", "nav-audit", "nav-account", "nav-about"]) {
      expect(screen.getByTestId(id)).toBeInTheDocument();
    }
    expect(screen.getByTestId("home-title")).toHaveTextContent("Administration");
    await user.click(screen.getByTestId("nav-about"));
    expect(await screen.findByTestId("about-version")).toHaveTextContent("0.1.0");
    expect(screen.getByTestId("nav-about")).toHaveAttribute("aria-current", "page");
  });

  it.each([
    ["dr.okafor", "Doctor's office"],
    ["nurse.muller", "Nurse station"],
    ["pharmacy", "Dispensary"],
    ["accounts", "Back office"],
  ])("gives %s a home of their own", async (username, title) => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, username);
    expect(await screen.findByTestId("home-title")).toHaveTextContent(title);
    expect(screen.getByText("Coming in later releases")).toBeInTheDocument();
  });

  it("lands the kiosk account on the waiting-room display, without the app frame", async () => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, "display");
    expect(await screen.findByTestId("display-page")).toBeInTheDocument();
    expect(screen.queryByTestId("app-frame")).not.toBeInTheDocument();
    expect(screen.queryByRole("navigation")).not.toBeInTheDocument();
  });

  it("answers 'not available' on a route the role lacks", async () => {
    const backend = createFakeBackend({ state: "demo" });
    setTransport(backend.transport);
    const output = (await backend.transport("login", null, { username: "reception", password: "warm garden ribbon 47" })) as LoginOutput;
    setSessionToken(output.token);
    const session = {
      user: output.user,
      permissions: new Set(output.permissions),
      idleLockMinutes: output.idle_lock_minutes,
      location: memoryLocation({ path: "/settings" }),
    };
    render(<App queryClient={createQueryClient()} initialSession={{ phase: "active", session }} />);
    expect(await screen.findByTestId("not-available")).toHaveTextContent("Not available for your role");
    expect(screen.queryByTestId("settings-name")).not.toBeInTheDocument();
    expect(backend.calls.some((c) => c.name === "update_clinic_settings")).toBe(false);
  });

  it("opens the command palette with Ctrl+K and navigates with Enter", async () => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, "admin");
    await screen.findByTestId("app-frame");
    await user.keyboard("{Control>}k{/Control}");
    const input = await screen.findByTestId("palette-input");
    expect(input).toHaveFocus();
    await user.type(input, "clinic set");
    const palette = within(screen.getByTestId("command-palette"));
    expect(palette.getByText("Clinic settings")).toBeInTheDocument();
    expect(palette.queryByText("Users")).not.toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("settings-name")).toBeInTheDocument();
  });

  it("offers only permitted sections in the palette", async () => {
    const { user } = renderApp({ state: "demo" });
    await signInAs(user, "reception");
    await screen.findByTestId("app-frame");
    await user.keyboard("{Control>}k{/Control}");
    const palette = within(await screen.findByTestId("command-palette"));
    expect(palette.getByText("Home")).toBeInTheDocument();
    expect(palette.queryByText("Users")).not.toBeInTheDocument();
    expect(palette.queryByText("Clinic settings")).not.toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("palette-input")).not.toBeInTheDocument();
  });
});
