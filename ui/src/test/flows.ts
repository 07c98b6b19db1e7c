import { screen, waitFor } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { expect, vi } from "vitest";
import { DEMO_USERS, type FakeBackend, type FakeBackendOptions } from "./fake-backend";
import { renderApp } from "./render";

/** Signs in as one of the demo users from the login screen and waits for the app frame. */
export async function signInAs(user: UserEvent, username: string, password?: string) {
  const demo = DEMO_USERS.find((u) => u.username === username);
  await user.type(await screen.findByTestId("login-username"), username);
  await user.type(screen.getByTestId("login-password"), password ?? demo?.password ?? "");
  await user.click(screen.getByTestId("login-submit"));
}

/**
 * Renders the demo clinic, signs in as `username` and opens the section `navId` (waits for the
 * frame; the kiosk account lands on the waiting-room display instead).
 */
export async function openAs(username: string, navId?: string, options: FakeBackendOptions = {}) {
  const app = renderApp({ state: "demo", ...options });
  await signInAs(app.user, username);
  if (navId) await app.user.click(await screen.findByTestId(`nav-${navId}`));
  else await screen.findByTestId(DEMO_USERS.find((u) => u.username === username)?.role === "kiosk" ? "display-page" : "app-frame");
  return app;
}

/** A demo patient of the fake backend, by family name (MRNs are issued when the demo is made). */
export function demoPatient(backend: FakeBackend, familyName: string) {
  const found = [...backend.patients.values()].find((p) => p.family_name === familyName);
  if (!found) throw new Error(`no demo patient ${familyName}`);
  return found;
}

/**
 * Types `text` into a patient search box and waits until the rows answer exactly it (the empty
 * box lists recent patients, which may include the patient searched for: never race them).
 */
export async function searchPatients(user: UserEvent, text: string, testId = "patient") {
  const input = await screen.findByTestId(`${testId}-search`);
  await user.clear(input);
  await user.type(input, text);
  await waitFor(() => {
    const list = screen.getByTestId(`${testId}-results`);
    expect(list).toHaveAttribute("data-query", text.trim());
    expect(list).toHaveAttribute("data-current", "true");
  });
}

/**
 * Starts the wall clock at `iso` (only Date is faked: timers stay real and time moves on), so
 * the fake's demo day and the UI's "today" agree. Undo with `vi.useRealTimers()`.
 */
export function startClockAt(iso: string) {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(iso));
}

/** Signs in through the fake's transport (another desk or window) and returns its token. */
export async function tokenOf(backend: FakeBackend, username: string): Promise<string> {
  const demo = DEMO_USERS.find((u) => u.username === username);
  const output = (await backend.transport("login", null, { username, password: demo?.password ?? "" })) as { token: string };
  return output.token;
}

/** The fake's appointments of the clinic's today (Europe/Rome in the demo), by start time. */
export function todaysAppointments(backend: FakeBackend, now = new Date()) {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: backend.settings?.time_zone ?? "UTC" });
  return [...backend.scheduling.appointments.values()]
    .filter((a) => day.format(new Date(a.starts_at)) === day.format(now))
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
}

/** Today's first appointment in `status` (of one doctor, by username), e.g. the next to check in. */
export function todays(backend: FakeBackend, status: string, doctor?: string) {
  const doctorId = doctor === undefined ? undefined : backend.users.get(doctor)?.id;
  const found = todaysAppointments(backend).find((a) => a.status === status && (doctorId === undefined || a.doctor_id === doctorId));
  if (!found) throw new Error(`no ${status} appointment today${doctor ? ` for ${doctor}` : ""}`);
  return found;
}

/** The patient's name as appointments show it ("Given Family"). */
export function patientName(backend: FakeBackend, patientId: string): string {
  const p = backend.patients.get(patientId);
  return p ? `${p.given_name} ${p.family_name}` : "";
}

/** The ticket the next check-in gets (today's check-ins so far, plus one). */
export function nextTicket(backend: FakeBackend): number {
  return todaysAppointments(backend).filter((a) => a.checked_in_at !== null).length + 1;
}

/** `HH:MM` in the clinic's zone. */
export function clinicTime(backend: FakeBackend, iso: string | number): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: backend.settings?.time_zone ?? "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}
