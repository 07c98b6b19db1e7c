// Tests only: the whole app signed in as a demo user and opened at a path (an invoice, the list),
// against the demo fake backend with a little IPC latency, and commands run as another demo user at
// another desk to prepare a scene.
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import { memoryLocation } from "wouter/memory-location";
import { setEventSource, setSessionToken, setTransport } from "../../api/gateway";
import type { CommandName, Commands, LoginOutput } from "../../api/generated";
import { createQueryClient } from "../../api/queries";
import { App } from "../../app/App";
import { createFakeBackend, DEMO_USERS, type FakeBackend } from "../../test/fake-backend";

/** Wednesday 4 March 2026, 10:05 in Rome: the demo week has visits done, one running and more to come. */
export const NOW = "2026-03-04T09:05:00Z";

/** Starts the wall clock at NOW (only Date is faked: timers stay real). Undo with `vi.useRealTimers()`. */
export function startClock() {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(NOW));
}

/** Runs commands as a demo user signed in at another desk. */
export async function as(backend: FakeBackend, username: string) {
  const demo = DEMO_USERS.find((u) => u.username === username);
  const { token } = (await backend.transport("login", null, { username, password: demo?.password ?? "" })) as { token: string };
  return <K extends CommandName>(name: K, input: Commands[K]["input"]) => backend.transport(name, token, input) as Promise<Commands[K]["output"]>;
}

/** Renders the app signed in as `username` at `path` (the fake answers after `latency` ms). */
export async function openAt(username: string, path: string, { latency = 25, backend = createFakeBackend({ state: "demo", latency }) }: { latency?: number; backend?: FakeBackend } = {}) {
  setTransport(backend.transport);
  setEventSource(backend.onClinicChanged);
  const demo = DEMO_USERS.find((u) => u.username === username);
  const output = (await backend.transport("login", null, { username, password: demo?.password ?? "" })) as LoginOutput;
  setSessionToken(output.token);
  const location = memoryLocation({ path, record: true });
  const user = userEvent.setup();
  const view = render(<App queryClient={createQueryClient()} initialSession={{ phase: "active", session: { user: output.user, permissions: new Set(output.permissions), idleLockMinutes: output.idle_lock_minutes, location } }} />);
  await screen.findByTestId("app-frame");
  return { backend, user, location, ...view };
}

/** A demo patient's id, by family name. */
export function patientId(backend: FakeBackend, familyName: string): string {
  const found = [...backend.patients.values()].find((p) => p.family_name === familyName);
  if (!found) throw new Error(`no demo patient ${familyName}`);
  return found.id;
}

/** The demo's seeded invoice of a patient (the newest one). */
export function seededInvoice(backend: FakeBackend, familyName: string) {
  const id = patientId(backend, familyName);
  const found = [...backend.billing.invoices.values()].filter((i) => i.patient_id === id).at(-1);
  if (!found) throw new Error(`no demo invoice for ${familyName}`);
  return found;
}

