import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeBackend } from "../../test/fake-backend";
import type { FakeSyncOptions } from "../../test/fake-sync";
import { todays } from "../../test/flows";
import { openAt, patientId, startClock } from "../billing/test-render";

const SET_UP = { server_url: "postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require", enabled: true, workstation_name: "Reception 1", has_password: true } satisfies FakeSyncOptions["settings"];

function open(username: string, sync?: FakeSyncOptions, path = "/") {
  return openAt(username, path, { backend: createFakeBackend({ state: "demo", latency: 5, ...(sync ? { sync } : {}) }) });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the sync indicator in the header", { timeout: 30_000 }, () => {
  it("is a quiet 'Sync off' without a server; an administrator's opens the sync settings", async () => {
    await open("reception");
    const off = await screen.findByTestId("sync-indicator");
    expect(off).toHaveAttribute("data-state", "off");
    expect(off).toHaveTextContent("Sync off");
    expect(off.tagName).toBe("SPAN");
    expect(screen.queryByTestId("sync-conflicts-badge")).not.toBeInTheDocument();
  });

  it("takes an administrator from 'Sync off' to the settings", async () => {
    const { user } = await open("admin");
    const off = await screen.findByTestId("sync-indicator");
    expect(off.tagName).toBe("A");
    await user.click(off);
    expect(await screen.findByTestId("sync-server-url")).toBeInTheDocument();
  });

  it("shows online, the changes waiting and the last sync; Sync now sends them", async () => {
    const { user, backend } = await open("reception", { settings: SET_UP, pending: 12, lastSyncMinutesAgo: 5 });
    const indicator = await screen.findByTestId("sync-indicator");
    expect(indicator).toHaveAttribute("data-state", "online");
    expect(within(indicator).getByTestId("sync-indicator-state")).toHaveTextContent("Online");
    expect(within(indicator).getByTestId("sync-indicator-detail")).toHaveTextContent("12 pending · Last sync 5 minutes ago");
    // The visible words are its name: state, pending and last sync for a screen reader too.
    expect(indicator).toHaveAccessibleName(/Sync: Online 12 pending · Last sync 5 minutes ago/);

    await user.click(indicator);
    expect(indicator).toHaveAttribute("aria-expanded", "true");
    const details = screen.getByTestId("sync-details");
    expect(within(details).getByTestId("sync-details-pending")).toHaveTextContent("12");
    expect(within(details).getByTestId("sync-details-last-sync")).toHaveTextContent("5 minutes ago");
    expect(within(details).getByTestId("sync-details-conflicts")).toHaveTextContent("0 open conflicts");
    // Reception may not change the settings: no link to them.
    expect(within(details).queryByText("Sync settings")).not.toBeInTheDocument();

    await user.click(within(details).getByTestId("sync-now"));
    expect(await within(details).findByTestId("sync-now-done")).toBeInTheDocument();
    await waitFor(() => {
      expect(within(indicator).getByTestId("sync-indicator-detail")).toHaveTextContent(/^Last sync now$/);
    });
    expect(backend.sync.pending).toBe(0);
    expect(backend.calls.filter((c) => c.name === "sync_now")).toHaveLength(1);

    // Escape closes the details and gives the focus back.
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("sync-details")).not.toBeInTheDocument();
    expect(indicator).toHaveFocus();
  });

  it("follows the status on every clinic-changed, without waiting for the next poll", async () => {
    const { backend } = await open("nurse.muller", { settings: SET_UP, lastSyncMinutesAgo: 1 });
    const indicator = await screen.findByTestId("sync-indicator");
    expect(indicator).toHaveAttribute("data-state", "online");
    backend.sync.setLive({ online: false });
    backend.sync.setPending(3);
    backend.emitClinicChanged(["audit_log"]);
    await waitFor(() => {
      expect(indicator).toHaveAttribute("data-state", "offline");
    });
    expect(within(indicator).getByTestId("sync-indicator-detail")).toHaveTextContent("3 pending · Last sync 1 minute ago");

    // A backlog on its way: the progress, in the clinic's number format.
    backend.sync.setLive({ online: true, syncing: true, phase: "pull", done: 1200, total: 18240 });
    backend.emitClinicChanged(["appointments"]);
    await waitFor(() => {
      expect(within(indicator).getByTestId("sync-indicator-state")).toHaveTextContent("Pulling 1,200 / 18,240");
    });
    backend.sync.setLive({ phase: "push", done: 7, total: null });
    backend.emitClinicChanged(["appointments"]);
    await waitFor(() => {
      expect(within(indicator).getByTestId("sync-indicator-state")).toHaveTextContent("Pushing 7 / …");
    });
  });

  it("polls the status every 5 seconds", async () => {
    const { backend } = await open("reception", { settings: SET_UP, lastSyncMinutesAgo: 1 });
    const indicator = await screen.findByTestId("sync-indicator");
    const polls = () => backend.calls.filter((c) => c.name === "get_sync_status").length;
    const before = polls();
    backend.sync.setLive({ online: false });
    await waitFor(
      () => {
        expect(indicator).toHaveAttribute("data-state", "offline");
      },
      { timeout: 7_000 },
    );
    expect(polls()).toBeGreaterThan(before);
  });

  it("shows a failed sync and Rust's reason", async () => {
    const reason = "cannot connect to the central server: error communicating with database: Connection refused (os error 111)";
    const { user } = await open("admin", { settings: SET_UP, server: { reachable: false }, lastSyncMinutesAgo: 90, lastError: reason });
    const indicator = await screen.findByTestId("sync-indicator");
    expect(indicator).toHaveAttribute("data-state", "error");
    expect(within(indicator).getByTestId("sync-indicator-state")).toHaveTextContent("Sync error");
    expect(within(indicator).getByTestId("sync-indicator-detail")).toHaveTextContent("Last sync 2 hours ago");
    await user.click(indicator);
    const details = screen.getByTestId("sync-details");
    expect(within(details).getByTestId("sync-details-error")).toHaveTextContent(reason);
    // An administrator goes to the settings from here.
    await user.click(within(details).getByText("Sync settings"));
    expect(await screen.findByTestId("sync-server-url")).toHaveValue(SET_UP.server_url);
  });

  it("counts the open conflicts in a badge that opens them, for the roles that see them", async () => {
    startClock();
    const backend = createFakeBackend({ state: "demo", latency: 5, sync: { settings: SET_UP, lastSyncMinutesAgo: 1 } });
    const { user } = await openAt("reception", "/", { backend });
    await screen.findByTestId("sync-indicator");
    expect(screen.queryByTestId("sync-conflicts-badge")).not.toBeInTheDocument();

    const existing = todays(backend, "scheduled", "dr.rossi");
    backend.doubleBookingArrives(existing.id, { patientId: patientId(backend, "Esposito") });
    const badge = await screen.findByTestId("sync-conflicts-badge");
    expect(badge).toHaveTextContent("1");
    expect(badge).toHaveAccessibleName("1 sync conflict to look at");
    await user.click(badge);
    expect(await screen.findByTestId("conflicts-list")).toBeInTheDocument();
  });

  it("shows no conflicts badge to a role that cannot act on them", async () => {
    startClock();
    const backend = createFakeBackend({ state: "demo", latency: 5, sync: { settings: SET_UP, lastSyncMinutesAgo: 1 } });
    const existing = todays(backend, "scheduled", "dr.rossi");
    backend.doubleBookingArrives(existing.id, { patientId: patientId(backend, "Esposito") });
    const { user } = await openAt("pharmacy", "/", { backend });
    const indicator = await screen.findByTestId("sync-indicator");
    expect(indicator).toHaveAttribute("data-state", "online");
    expect(screen.queryByTestId("sync-conflicts-badge")).not.toBeInTheDocument();
    await user.click(indicator);
    expect(screen.queryByTestId("sync-details-conflicts")).not.toBeInTheDocument();
  });
});
