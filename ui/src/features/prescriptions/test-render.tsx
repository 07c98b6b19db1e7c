// Tests only: renders one panel signed in as a demo user, against the clinical fake backend
// (clinical-harness.ts), with the providers the app frame gives it (queries, session, format).
import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { memoryLocation } from "wouter/memory-location";
import { setEventSource, setSessionToken, setTransport } from "../../api/gateway";
import type { Encounter, LoginOutput } from "../../api/generated";
import { commandQuery, createQueryClient } from "../../api/queries";
import { ClinicFormatProvider } from "../../lib/format";
import { SessionProvider, type SessionState } from "../auth/session";
import { DEMO_USERS } from "../../test/fake-backend";
import { createClinicalBackend, type ClinicalBackend } from "./clinical-harness";

export { createClinicalBackend };

/** Signs `username` in through the clinical backend and renders `ui` inside the app's providers. */
export async function renderAs(clinic: ClinicalBackend, username: string, ui: ReactNode) {
  setTransport(clinic.transport);
  setEventSource(clinic.backend.onClinicChanged);
  const demo = DEMO_USERS.find((u) => u.username === username);
  const output = (await clinic.transport("login", null, { username, password: demo?.password ?? "" })) as LoginOutput;
  setSessionToken(output.token);
  const initial: SessionState = {
    phase: "active",
    session: { user: output.user, permissions: new Set(output.permissions), idleLockMinutes: output.idle_lock_minutes, location: memoryLocation({ path: "/" }) },
  };
  const user = userEvent.setup();
  const queryClient = createQueryClient();
  const view = render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider initial={initial}>
        <ClinicFormatProvider>{ui}</ClinicFormatProvider>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return { user, queryClient, ...view };
}

/** The encounter as the consultation screen reads it (`get_encounter`), for a panel that takes it. */
export function WithEncounter({ encounterId, children }: { encounterId: string; children: (encounter: Encounter) => ReactNode }) {
  const encounter = useQuery(commandQuery("get_encounter", { encounter_id: encounterId }));
  return encounter.data ? children(encounter.data) : <p>Loading…</p>;
}
