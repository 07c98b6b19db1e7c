// Screenshot harness only: bundled by shoot.mjs and injected before the app loads (Playwright's
// addInitScript). It stands in for Tauri's IPC with the in-memory fake backend, so the real
// production bundle runs unchanged: nothing of this ships in dist/.
import type { AppError, Availability } from "../src/api/generated";
import { createFakeBackend, type FakeBackendOptions } from "../src/test/fake-backend";

interface Scenario extends FakeBackendOptions {
  /** Demo users who must choose a new password at their next sign-in. */
  mustChange?: string[];
  /** Doctors' availability at the start (as if they had set it). */
  availability?: Record<string, Availability>;
  /**
   * Conflicts sync brought: Dr. Rossi's next scheduled visit of today booked again at another desk,
   * and a patient registered there who looks like one registered here.
   */
  syncConflicts?: boolean;
}

declare global {
  interface Window {
    __CLINICDESK_SCENARIO__?: Scenario;
    __TAURI_INTERNALS__?: unknown;
    __cspViolations?: string[];
  }
}

const scenario = window.__CLINICDESK_SCENARIO__ ?? {};
const backend = createFakeBackend(scenario);
for (const name of scenario.mustChange ?? []) {
  const user = backend.users.get(name);
  if (user) user.must_change_password = true;
}
for (const [name, availability] of Object.entries(scenario.availability ?? {})) {
  const user = backend.users.get(name);
  if (user) {
    user.availability = availability;
    user.availability_changed_at = new Date(Date.now() - 25 * 60_000).toISOString();
  }
}

if (scenario.syncConflicts) {
  const family = (name: string) => [...backend.patients.values()].find((p) => p.family_name === name && p.merged_into === null)?.id ?? "";
  const rossi = backend.users.get("dr.rossi")?.id;
  const next = [...backend.scheduling.appointments.values()]
    .filter((a) => a.doctor_id === rossi && a.status === "scheduled" && Date.parse(a.starts_at) > Date.now())
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at))[0];
  if (next) backend.doubleBookingArrives(next.id, { patientId: family("Esposito"), bookedBy: "María López" });
  backend.duplicateArrives(family("Bianchi"));
}

window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations?.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`);
});

// Tauri's callbacks and event listeners: `listen("clinic-changed")` hears the fake's writes.
const callbacks = new Map<number, (data: unknown) => void>();
const unlisteners = new Map<number, () => void>();
let nextCallback = 1;
window.__TAURI_EVENT_PLUGIN_INTERNALS__ = {
  unregisterListener: (_event: string, id: number) => {
    unlisteners.get(id)?.();
    unlisteners.delete(id);
    callbacks.delete(id);
  },
};

window.__TAURI_INTERNALS__ = {
  invoke: async (cmd: string, args: Record<string, unknown>) => {
    if (cmd === "plugin:event|listen" && args.event === "clinic-changed") {
      const id = args.handler as number;
      unlisteners.set(
        id,
        backend.onClinicChanged((tables) => {
          callbacks.get(id)?.({ event: "clinic-changed", id, payload: { tables } });
        }),
      );
      return id;
    }
    if (cmd === "plugin:event|unlisten") return null;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- Tauri rejects with plain objects
    if (cmd !== "dispatch") throw { code: "not_found", message: `no Tauri command ${cmd}` } satisfies AppError;
    const call = args as { name: string; token: string | null; input: unknown };
    return backend.transport(call.name, call.token, call.input);
  },
  transformCallback: (callback: (data: unknown) => void) => {
    const id = nextCallback++;
    callbacks.set(id, callback);
    return id;
  },
  unregisterCallback: (id: number) => callbacks.delete(id),
  convertFileSrc: (path: string) => path,
  metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
};
