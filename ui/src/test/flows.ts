import { screen, waitFor } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { expect } from "vitest";
import { DEMO_USERS, type FakeBackend, type FakeBackendOptions } from "./fake-backend";
import { renderApp } from "./render";

/** Signs in as one of the demo users from the login screen and waits for the app frame. */
export async function signInAs(user: UserEvent, username: string, password?: string) {
  const demo = DEMO_USERS.find((u) => u.username === username);
  await user.type(await screen.findByTestId("login-username"), username);
  await user.type(screen.getByTestId("login-password"), password ?? demo?.password ?? "");
  await user.click(screen.getByTestId("login-submit"));
}

/** Renders the demo clinic, signs in as `username` and opens the section `navId` (waits for the frame). */
export async function openAs(username: string, navId?: string, options: FakeBackendOptions = {}) {
  const app = renderApp({ state: "demo", ...options });
  await signInAs(app.user, username);
  if (navId) await app.user.click(await screen.findByTestId(`nav-${navId}`));
  else await screen.findByTestId("app-frame");
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
