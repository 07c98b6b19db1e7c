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

window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations?.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`);
});

window.__TAURI_INTERNALS__ = {
  invoke: async (cmd: string, args: { name: string; token: string | null; input: unknown }) => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- Tauri rejects with plain objects
    if (cmd !== "dispatch") throw { code: "not_found", message: `no Tauri command ${cmd}` } satisfies AppError;
    return backend.transport(args.name, args.token, args.input);
  },
  transformCallback: () => 0,
  unregisterCallback: () => undefined,
  convertFileSrc: (path: string) => path,
  metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
};
