// Tests and the screenshot stories only (never imported by the app): the demo fake backend
// with helpers to prepare a scene (commands as another demo user, a demo patient by name).
import type { CommandName, Commands } from "../../api/generated";
import { createFakeBackend, DEMO_USERS, type FakeBackendOptions } from "../../test/fake-backend";

export function createClinicalBackend(options: FakeBackendOptions = {}) {
  const backend = createFakeBackend({ state: "demo", ...options });
  const { records, prescriptions, transport } = backend;

  /** Runs commands as a demo user signed in at another desk (to prepare a scene). */
  async function as(username: string) {
    const demo = DEMO_USERS.find((u) => u.username === username);
    const { token } = (await transport("login", null, { username, password: demo?.password ?? "" })) as { token: string };
    return <K extends CommandName>(name: K, input: Commands[K]["input"]) => transport(name, token, input) as Promise<Commands[K]["output"]>;
  }

  /** A demo patient by family name. */
  function patient(familyName: string) {
    const found = [...backend.patients.values()].find((p) => p.family_name === familyName);
    if (!found) throw new Error(`no demo patient ${familyName}`);
    return found;
  }

  return { backend, records, prescriptions, transport, as, patient };
}

export type ClinicalBackend = ReturnType<typeof createClinicalBackend>;
