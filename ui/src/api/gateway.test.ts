import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, CommandError, onClinicChanged, onCommandError, setSessionToken } from "./gateway";
import { readsOf } from "./live";

// The gateway's real Tauri transport (this test file never replaces it), with Tauri's own IPC
// mock in place of the Rust side.
describe("gateway over Tauri IPC", () => {
  afterEach(() => {
    clearMocks();
    setSessionToken(null);
  });

  it("sends one `dispatch` with the command name, the session token and the input", async () => {
    const seen: unknown[] = [];
    mockIPC((cmd, payload) => {
      seen.push({ cmd, payload });
      return { ok: true };
    });
    setSessionToken("t0k3n");
    await expect(call("lock_session", {})).resolves.toEqual({ ok: true });
    expect(seen).toEqual([{ cmd: "dispatch", payload: { name: "lock_session", token: "t0k3n", input: {} } }]);
  });

  it("turns the Rust error object into a CommandError with code and field, and tells listeners", async () => {
    mockIPC(() => {
      // Tauri rejects with the serialized error: a plain object, not an Error.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw { code: "validation", message: "enter your username", field: "username" };
    });
    const heard: string[] = [];
    const off = onCommandError((e, name) => heard.push(`${name}:${e.code}`));
    const failure = await call("login", { username: "", password: "x" }).catch((e: unknown) => e);
    off();
    expect(failure).toBeInstanceOf(CommandError);
    expect(failure).toMatchObject({ code: "validation", field: "username", message: "enter your username" });
    expect(heard).toEqual(["login:validation"]);
  });

  it("wraps anything else as an internal error", async () => {
    mockIPC(() => {
      throw new Error("IPC broke");
    });
    await expect(call("app_status", {})).rejects.toMatchObject({ code: "internal" });
  });
});

describe("clinic-changed events over Tauri", () => {
  afterEach(() => {
    clearMocks();
  });

  it("hands the changed tables to listeners until they unsubscribe", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const heard: string[][] = [];
    const off = onClinicChanged((tables) => heard.push(tables));
    await vi.waitFor(async () => {
      await emit("clinic-changed", { tables: ["appointments", "users"] });
      expect(heard.length).toBeGreaterThan(0);
    });
    expect(heard[0]).toEqual(["appointments", "users"]);
    off();
    await vi.waitFor(async () => {
      const before = heard.length;
      await emit("clinic-changed", { tables: ["patients"] });
      expect(heard.length).toBe(before);
    });
    expect(heard.flat()).not.toContain("patients");
  });

  it("refetches the reads of each changed table, and the sync status after any change", () => {
    expect(readsOf(["appointment_transitions"])).toEqual(new Set(["get_sync_status", "list_day", "waiting_queue", "find_slots", "waiting_room_display", "open_patient_chart"]));
    expect(readsOf(["users"])).toContain("list_staff");
    expect(readsOf(["users"])).toContain("waiting_room_display");
    expect(readsOf(["waitlist_entries"])).toEqual(new Set(["get_sync_status", "list_waitlist"]));
    expect(readsOf(["appointments"])).toContain("list_sync_conflicts");
    // A table no screen reads still changes the count of local changes waiting for the server.
    expect(readsOf(["audit_log"])).toEqual(new Set(["get_sync_status"]));
    expect(readsOf([])).toEqual(new Set());
  });
});
