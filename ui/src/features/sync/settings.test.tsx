import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createFakeBackend, type FakeBackend } from "../../test/fake-backend";
import type { FakeSyncOptions } from "../../test/fake-sync";
import { openAt } from "../billing/test-render";

const URL = "postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require";
const PASSWORD = "central server secret 42";

const inputsOf = (backend: FakeBackend, name: string) => backend.calls.filter((c) => c.name === name).map((c) => c.input);

async function openSettings(sync?: FakeSyncOptions) {
  const app = await openAt("admin", "/settings/sync", { backend: createFakeBackend({ state: "demo", latency: 5, ...(sync ? { sync } : {}) }) });
  await screen.findByTestId("sync-server-url");
  return app;
}

describe("the sync settings", { timeout: 30_000 }, () => {
  it("is an administrator's page in the settings area, with this workstation's code and id", async () => {
    const { backend } = await openSettings();
    expect(screen.getByTestId("nav-sync")).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("sync-server-url")).toHaveAttribute("placeholder", URL);
    expect(screen.getByText(/Keep sslmode=require/)).toBeInTheDocument();
    expect(screen.getByTestId("sync-workstation-code")).toHaveTextContent("K7Q");
    expect(screen.getByTestId("sync-workstation-id")).toHaveTextContent("0190b7c2-5e1a-7c3d-9f00-3a2b1c0d4e5f");
    expect(backend.calls.some((c) => c.name === "get_sync_settings")).toBe(true);
    expect(screen.getByLabelText(/^Server password/)).toHaveAttribute("type", "password");
    expect(screen.getByTestId("sync-enabled")).not.toBeChecked();
  });

  it("puts each refusal on the field it is about: the name here, the address from Rust", async () => {
    const { user, backend } = await openSettings();
    await user.click(screen.getByTestId("sync-enabled"));
    await user.click(screen.getByTestId("sync-save"));
    // Enabled without a name: caught before Rust, with Rust's rule.
    expect(await screen.findByTestId("error-workstation_name")).toHaveTextContent("Name this workstation (e.g. Reception 1)");
    expect(inputsOf(backend, "save_sync_settings")).toEqual([]);

    await user.type(screen.getByTestId("sync-workstation-name"), "x".repeat(61));
    await user.click(screen.getByTestId("sync-save"));
    expect(await screen.findByTestId("error-workstation_name")).toHaveTextContent("At most 60 characters.");
    await user.clear(screen.getByTestId("sync-workstation-name"));
    await user.type(screen.getByTestId("sync-workstation-name"), "Reception 1");

    // The address is Rust's to judge; its words land under the address.
    const address = screen.getByTestId("sync-server-url");
    await user.click(screen.getByTestId("sync-save"));
    expect(await screen.findByTestId("error-server_url")).toHaveTextContent("Enter the server address, e.g. postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require");
    expect(address).toHaveAttribute("aria-invalid", "true");
    await user.type(address, "https://db.clinic.local/clinicdesk");
    await user.click(screen.getByTestId("sync-save"));
    await waitFor(() => {
      expect(screen.getByTestId("error-server_url")).toHaveTextContent("The server address must start with postgres:// (a PostgreSQL server).");
    });
    await user.clear(address);
    await user.type(address, "postgres://clinicdesk:secret@db.clinic.local/clinicdesk");
    await user.click(screen.getByTestId("sync-save"));
    await waitFor(() => {
      expect(screen.getByTestId("error-server_url")).toHaveTextContent("Leave the password out of the address: enter it in the password field, it is kept in the OS keychain.");
    });
    await user.clear(address);
    await user.type(address, "postgres://db.clinic.local/clinicdesk?sslmode=required");
    await user.click(screen.getByTestId("sync-save"));
    await waitFor(() => {
      expect(screen.getByTestId("error-server_url")).toHaveTextContent(/^sslmode "required" is not one of disable, prefer, require, verify-ca, verify-full\.$/i);
    });
    expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
    expect(backend.sync.settings.enabled).toBe(false);
  });

  it("tests the address as typed: a refusal lands on the address, an answer shows what the server is", async () => {
    const { user, backend } = await openSettings();
    await user.type(screen.getByTestId("sync-server-url"), URL.replace("db.clinic.local", "db.clinic.lan"));
    await user.click(screen.getByTestId("sync-test"));
    expect(await screen.findByTestId("error-server_url")).toHaveTextContent("Cannot connect to the central server: error communicating with database: failed to lookup address information");

    await user.clear(screen.getByTestId("sync-server-url"));
    await user.type(screen.getByTestId("sync-server-url"), URL);
    await user.click(screen.getByTestId("sync-test"));
    await waitFor(() => {
      expect(screen.getByTestId("error-server_url")).toHaveTextContent('password authentication failed for user "clinicdesk"');
    });

    await user.type(screen.getByTestId("sync-password"), PASSWORD);
    await user.click(screen.getByTestId("sync-test"));
    const result = await screen.findByTestId("sync-test-result");
    expect(result).toHaveTextContent("Connected in 18 ms");
    expect(result).toHaveTextContent("PostgreSQL 16.4, schema 20261204090000, 3 workstations, 18,240 changes stored on the server.");
    expect(screen.queryByTestId("error-server_url")).not.toBeInTheDocument();
    expect(inputsOf(backend, "test_sync_connection").at(-1)).toEqual({ server_url: URL, password: PASSWORD });
    // Testing saves nothing; the password is not kept.
    expect(backend.sync.settings.server_url).toBe("");
    expect(backend.sync.keychain).toBeNull();

    // Another address: the old answer is no longer about it.
    await user.type(screen.getByTestId("sync-server-url"), "x");
    expect(screen.queryByTestId("sync-test-result")).not.toBeInTheDocument();
  });

  it("saves with the password in the keychain, then forgets the password", async () => {
    const { user, backend } = await openSettings();
    await user.type(screen.getByTestId("sync-server-url"), URL);
    await user.type(screen.getByTestId("sync-workstation-name"), "Reception 1");
    await user.type(screen.getByTestId("sync-password"), PASSWORD);
    await user.click(screen.getByTestId("sync-enabled"));
    await user.click(screen.getByTestId("sync-save"));
    expect(await screen.findByTestId("sync-saved")).toHaveTextContent("Sync settings saved.");
    expect(inputsOf(backend, "save_sync_settings")).toEqual([{ server_url: URL, enabled: true, workstation_name: "Reception 1", password: PASSWORD, clear_password: false }]);
    expect(backend.sync.keychain).toBe(PASSWORD);
    expect(backend.sync.settings).toEqual({ server_url: URL, enabled: true, workstation_name: "Reception 1", has_password: true });
    // The password field is empty again: the stored one is never shown.
    expect(screen.getByTestId("sync-password")).toHaveValue("");
    const state = await screen.findByTestId("sync-password-state");
    expect(state).toHaveTextContent("A password is stored in the OS keychain.");
    // Saved and connected: the header says so.
    await waitFor(() => {
      expect(screen.getByTestId("sync-indicator")).toHaveAttribute("data-state", "online");
    });

    await user.click(within(state).getByTestId("sync-password-forget"));
    expect(state).toHaveTextContent("The stored password will be forgotten.");
    // Changed one's mind, then again.
    await user.click(within(state).getByTestId("sync-password-keep"));
    expect(state).toHaveTextContent("A password is stored in the OS keychain.");
    await user.click(within(state).getByTestId("sync-password-forget"));
    await user.click(screen.getByTestId("sync-save"));
    await waitFor(() => {
      expect(screen.queryByTestId("sync-password-state")).not.toBeInTheDocument();
    });
    expect(inputsOf(backend, "save_sync_settings").at(-1)).toEqual({ server_url: URL, enabled: true, workstation_name: "Reception 1", password: null, clear_password: true });
    expect(backend.sync.keychain).toBeNull();
    expect(backend.sync.settings.has_password).toBe(false);
  });

  it("shows Rust's refusal to keep a password on an in-memory workstation under the password", async () => {
    const { user } = await openSettings({ inMemory: true });
    await user.type(screen.getByTestId("sync-server-url"), URL);
    await user.type(screen.getByTestId("sync-password"), PASSWORD);
    await user.click(screen.getByTestId("sync-save"));
    expect(await screen.findByTestId("error-password")).toHaveTextContent("An in-memory workstation cannot keep a password.");
  });

  it("is not offered to other roles", async () => {
    await openAt("reception", "/settings/sync");
    expect(await screen.findByTestId("not-available")).toBeInTheDocument();
    expect(screen.queryByTestId("nav-sync")).not.toBeInTheDocument();
  });
});
