// The sync fake against the rules of crates/core/src/sync (mod.rs, conflicts.rs): the address
// check's words, the settings' rules, who may dismiss what, and when a double booking is open.
// The sync screens' tests lean on these answers, so they are checked here once, directly.
import { describe, expect, it } from "vitest";
import type { AppError, CommandName, Commands, SyncStatus } from "../api/generated";
import { createFakeBackend, DEMO_USERS, type FakeBackend } from "./fake-backend";
import { validateServerUrl } from "./fake-sync";

const fail = (code: string, message: string, field?: string): never => {
  throw Object.assign(new Error(message), { appError: { code, message, field } });
};
const refusal = (text: string) => {
  try {
    validateServerUrl(text, fail);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

async function as(backend: FakeBackend, username: string | null) {
  const demo = DEMO_USERS.find((u) => u.username === username);
  const token = username ? ((await backend.transport("login", null, { username, password: demo?.password ?? "" })) as { token: string }).token : null;
  return async <K extends CommandName>(name: K, input: Commands[K]["input"]): Promise<Commands[K]["output"]> => (await backend.transport(name, token, input)) as Commands[K]["output"];
}
async function refused(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error("not refused");
}

const URL = "postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require";

describe("sync in the fake, as in Rust", () => {
  it("checks a server address with validate_server_url's words", () => {
    expect(refusal("  ")).toBe("Enter the server address, e.g. postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require");
    expect(refusal("db.clinic.local")).toBe("The server address is not a valid URL (relative URL without a base)");
    expect(refusal("postgres://db.clinic.local:99999/x")).toBe("The server address is not a valid URL (invalid port number)");
    expect(refusal("mysql://db.clinic.local/clinicdesk")).toBe("The server address must start with postgres:// (a PostgreSQL server)");
    expect(refusal("postgres:///clinicdesk")).toBe("The server address needs a host name");
    expect(refusal("postgresql://u:p@db.clinic.local/clinicdesk")).toBe("Leave the password out of the address: enter it in the password field, it is kept in the OS keychain");
    expect(refusal("postgres://db.clinic.local/clinicdesk?sslmode=on")).toBe('sslmode "on" is not one of disable, prefer, require, verify-ca, verify-full');
    expect(refusal(` ${URL} `)).toBeNull();
    expect(refusal("postgresql://db.clinic.local:5433/clinicdesk?sslmode=verify-full")).toBeNull();
  });

  it("saves settings by Rust's rules: an empty address only while off, a name when on, at most 60 characters", async () => {
    const backend = createFakeBackend({ state: "demo" });
    const admin = await as(backend, "admin");
    expect(await admin("save_sync_settings", { server_url: "", enabled: false, workstation_name: "", clear_password: false })).toEqual({ ok: true });
    expect((await refused(admin("save_sync_settings", { server_url: "", enabled: true, workstation_name: "Desk", clear_password: false }))).field).toBe("server_url");
    expect(await refused(admin("save_sync_settings", { server_url: URL, enabled: true, workstation_name: " ", clear_password: false }))).toMatchObject({ code: "validation", field: "workstation_name" });
    expect(await refused(admin("save_sync_settings", { server_url: URL, enabled: false, workstation_name: "x".repeat(61), clear_password: false }))).toMatchObject({ message: "The workstation name is at most 60 characters" });
    await admin("save_sync_settings", { server_url: ` ${URL}`, enabled: true, workstation_name: " Desk 1 ", password: "central server secret 42", clear_password: false });
    expect(await admin("get_sync_settings", {})).toMatchObject({ server_url: URL, enabled: true, workstation_name: "Desk 1", has_password: true, workstation_code: "K7Q" });
    // Connected with the stored password.
    expect((await admin("get_sync_status", {})).live.online).toBe(true);
    // Reception may not.
    const reception = await as(backend, "reception");
    expect((await refused(reception("get_sync_settings", {}))).code).toBe("permission_denied");
    expect((await refused(reception("save_sync_settings", { server_url: "", enabled: false, workstation_name: "", clear_password: false }))).code).toBe("permission_denied");
  });

  it("refuses Sync now before sync is set up, and joining once a clinic exists", async () => {
    const backend = createFakeBackend({ state: "demo" });
    const reception = await as(backend, "reception");
    expect(await refused(reception("sync_now", {}))).toMatchObject({ code: "conflict", message: "sync is not set up on this workstation (an administrator sets it up in Settings → Sync)" });
    const anonymous = await as(backend, null);
    expect(await refused(anonymous("join_clinic_server", { server_url: URL, workstation_name: "Desk 2" }))).toMatchObject({ code: "conflict" });
    // Public, and without a user it counts no conflicts.
    const status: SyncStatus = await anonymous("get_sync_status", {});
    expect(status).toMatchObject({ enabled: false, running: true, pending: 0, conflicts: 0 });
  });

  it("keeps local writes pending while offline and sends them once online", async () => {
    const backend = createFakeBackend({ state: "demo", sync: { settings: { server_url: URL, enabled: true, workstation_name: "Desk", has_password: true }, server: { reachable: false } } });
    const admin = await as(backend, "admin");
    expect((await admin("get_sync_status", {})).last_error).toMatch(/Connection refused/);
    await admin("create_department", { name: "Dermatology", description: "" });
    expect((await admin("get_sync_status", {})).pending).toBe(1);
    backend.sync.server.reachable = true;
    await admin("sync_now", {});
    const after = await admin("get_sync_status", {});
    expect(after).toMatchObject({ pending: 0, last_error: null, live: { online: true } });
    expect(after.last_sync_at).not.toBeNull();
  });

  it("keeps a double booking open while both bookings are active and overlap, and never dismisses it", async () => {
    const backend = createFakeBackend({ state: "demo", sync: { settings: { server_url: URL, enabled: true, workstation_name: "Desk" } } });
    const existing = [...backend.scheduling.appointments.values()].find((a) => a.status === "scheduled");
    if (!existing) throw new Error("no scheduled appointment");
    const other = [...backend.patients.values()].find((p) => p.id !== existing.patient_id)?.id ?? "";
    const arrived = backend.doubleBookingArrives(existing.id, { patientId: other, offsetMinutes: 5 });
    // The same pair found again is one conflict.
    expect(backend.sync.appointmentsArrived([{ id: existing.id }])).toBe(0);
    const reception = await as(backend, "reception");
    const [conflict] = await reception("list_sync_conflicts", { include_closed: false });
    expect(conflict).toMatchObject({ kind: "double_booking", open: true, table_name: "appointments" });
    expect(conflict?.bookings.map((b) => b.appointment_id).sort()).toEqual([existing.id, arrived].sort());
    expect((await reception("get_sync_status", {})).conflicts).toBe(1);
    expect(await refused(reception("dismiss_sync_conflict", { conflict_id: conflict?.id ?? "", reason: "twins" }))).toMatchObject({
      code: "conflict",
      message: "a double booking is resolved by rebooking or cancelling one of the appointments",
    });
    expect(await refused(reception("dismiss_sync_conflict", { conflict_id: conflict?.id ?? "", reason: " " }))).toMatchObject({ field: "reason" });

    await reception("cancel_appointment", { appointment_id: arrived, reason: "booked twice" });
    expect(await reception("list_sync_conflicts", { include_closed: false })).toEqual([]);
    const [closed] = await reception("list_sync_conflicts", { include_closed: true });
    expect(closed).toMatchObject({ id: conflict?.id, open: false, dismissed_at: null });
    expect((await reception("get_sync_status", {})).conflicts).toBe(0);
  });

  it("lets patients.write dismiss a duplicate and only sync.manage a refused change", async () => {
    const backend = createFakeBackend({ state: "demo" });
    const patient = [...backend.patients.values()][0];
    backend.duplicateArrives(patient?.id ?? "");
    const refusedId = backend.sync.changeRefused({ table_name: "invoices", row_id: "r1", reason: "issued invoices do not change" });
    const reception = await as(backend, "reception");
    const pharmacy = await as(backend, "pharmacy");
    const admin = await as(backend, "admin");

    // What each role sees (sync::kinds_for).
    expect((await reception("list_sync_conflicts", { include_closed: false })).map((c) => c.kind)).toEqual(["possible_duplicate"]);
    expect((await admin("list_sync_conflicts", { include_closed: false })).map((c) => c.kind).sort()).toEqual(["possible_duplicate", "refused_change"]);
    expect((await refused(pharmacy("list_sync_conflicts", { include_closed: false }))).code).toBe("permission_denied");

    expect(await refused(reception("dismiss_sync_conflict", { conflict_id: refusedId, reason: "seen" }))).toMatchObject({ code: "permission_denied", message: "only an administrator may dismiss a refused change (needs sync.manage)" });
    expect(await refused(reception("dismiss_sync_conflict", { conflict_id: "nope", reason: "seen" }))).toMatchObject({ code: "not_found", field: "conflict_id" });
    const [duplicate] = await reception("list_sync_conflicts", { include_closed: false });
    await reception("dismiss_sync_conflict", { conflict_id: duplicate?.id ?? "", reason: "different people" });
    expect(await refused(reception("dismiss_sync_conflict", { conflict_id: duplicate?.id ?? "", reason: "again" }))).toMatchObject({ code: "conflict", message: "this conflict was already dismissed" });
    await admin("dismiss_sync_conflict", { conflict_id: refusedId, reason: "seen" });
    expect(await admin("list_sync_conflicts", { include_closed: false })).toEqual([]);
    const all = await admin("list_sync_conflicts", { include_closed: true });
    expect(all.map((c) => [c.kind, c.open, c.dismissed_by])).toEqual(expect.arrayContaining([["possible_duplicate", false, "reception"], ["refused_change", false, "admin"]]));
  });
});
