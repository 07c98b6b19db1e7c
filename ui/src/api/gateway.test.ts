import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { call, CommandError, onCommandError, setSessionToken } from "./gateway";

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
