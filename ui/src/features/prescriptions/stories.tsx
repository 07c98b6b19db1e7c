// Screenshot stories only (screenshots/rx-stories.html, driven by screenshots/rx-shoot.mjs; never
// part of the app's bundle): the diagnoses and prescription panels, the chart's medications and
// the catalog page, each in a stand-in of the app frame at its real width, against the clinical
// fake backend with a scene prepared through the commands. `#story=<name>` picks the scene.
import "@fontsource-variable/inter";
import "@fontsource-variable/jetbrains-mono";
import "../../styles.css";
import "../../lib/zod-config";
import "../../i18n";
import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { StrictMode, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { memoryLocation } from "wouter/memory-location";
import { setEventSource, setSessionToken, setTransport } from "../../api/gateway";
import type { Encounter, LoginOutput } from "../../api/generated";
import { commandQuery, createQueryClient } from "../../api/queries";
import { Card } from "../../components/Card";
import { Logo } from "../../components/Logo";
import { ClinicFormatProvider } from "../../lib/format";
import { DEMO_USERS } from "../../test/fake-backend";
import { SessionProvider, type SessionState } from "../auth/session";
import { DiagnosesPanel } from "../records/diagnoses/DiagnosesPanel";
import { CatalogPage } from "./CatalogPage";
import { createClinicalBackend, type ClinicalBackend } from "./clinical-harness";
import { CurrentMedications } from "./CurrentMedications";
import { PrescriptionPanel } from "./PrescriptionPanel";

interface Scene {
  as: string;
  title: string;
  view: ReactNode;
}

function WithEncounter({ encounterId, children }: { encounterId: string; children: (encounter: Encounter) => ReactNode }) {
  const encounter = useQuery(commandQuery("get_encounter", { encounter_id: encounterId }));
  return encounter.data ? children(encounter.data) : null;
}

/** The consultation's two columns: the note's column with these panels, and the side column. */
function ConsultationColumns({ encounterId, patientId, prescriptionId }: { encounterId: string; patientId: string; prescriptionId?: string }) {
  return (
    <div className="grid items-start gap-5 xl:grid-cols-[minmax(0,1fr)_25rem]">
      <div className="flex min-w-0 flex-col gap-4">
        <p className="rounded-lg border border-dashed border-ink-300 px-4 py-3 text-sm text-ink-600">Consultation note (the records screen) sits here, above these panels.</p>
        <WithEncounter encounterId={encounterId}>{(e) => <DiagnosesPanel encounter={e} />}</WithEncounter>
        <PrescriptionPanel patientId={patientId} encounterId={encounterId} prescriptionId={prescriptionId ?? null} />
      </div>
      <p className="rounded-lg border border-dashed border-ink-300 px-4 py-3 text-sm text-ink-600">Vitals and attachments (the side column).</p>
    </div>
  );
}

async function consultation(clinic: ClinicalBackend, sign: boolean) {
  const rossi = await clinic.as("dr.rossi");
  const patient = clinic.patient("García López");
  const e = await rossi("start_encounter", { patient_id: patient.id });
  await rossi("save_encounter_note", {
    encounter_id: e.id,
    subjective: "Sore throat and fever for two days.",
    objective: "Tonsils enlarged with exudate.",
    assessment: "Acute streptococcal tonsillitis.",
    plan: "Antibiotic; paracetamol.",
  });
  await rossi("add_diagnosis", { encounter_id: e.id, code: "J03.00", note: "Centor score 4", reason: "" });
  const wrong = await rossi("add_diagnosis", { encounter_id: e.id, code: "J02.9", certainty: "provisional", note: "", reason: "" });
  let p = await rossi("create_prescription", { patient_id: patient.id, encounter_id: e.id, notes: "" });
  p = await rossi("add_prescription_item", { prescription_id: p.id, medication_id: "med-amoxicillin-500-mg-capsule" });
  p = await rossi("add_prescription_item", { prescription_id: p.id, medication_id: "med-paracetamol-500-mg-tablet" });
  if (sign) {
    await rossi("mark_diagnosis_entered_in_error", { diagnosis_id: wrong.id, reason: "Duplicate of the tonsillitis" });
    p = await rossi("add_prescription_item", { prescription_id: p.id, medication_id: "med-ibuprofen-400-mg-tablet" });
    p = await rossi("sign_prescription", {
      prescription_id: p.id,
      overrides: p.warnings.map((w) => ({ item_id: w.item_id, kind: w.kind, reason: "Tolerated amoxicillin in 2024 under observation; the reaction was to flucloxacillin" })),
    });
    const ibuprofen = p.items.find((i) => i.medication_id === "med-ibuprofen-400-mg-tablet");
    if (ibuprofen) await rossi("discontinue_prescription_item", { item_id: ibuprofen.id, reason: "Stomach upset; paracetamol alone" });
    await rossi("sign_encounter", { encounter_id: e.id });
    await rossi("add_diagnosis", { encounter_id: e.id, code: "R50.9", certainty: "provisional", note: "", reason: "Fever persisted at the phone follow-up" });
  }
  return { e, patient, p };
}

const SCENES: Record<string, (clinic: ClinicalBackend) => Promise<Scene>> = {
  async consultation(clinic) {
    const { e, patient } = await consultation(clinic, false);
    return { as: "dr.rossi", title: "Consultation — diagnoses and a draft prescription", view: <ConsultationColumns encounterId={e.id} patientId={patient.id} /> };
  },
  async signed(clinic) {
    const { e, patient } = await consultation(clinic, true);
    return { as: "dr.rossi", title: "Consultation — signed, with an amendment", view: <ConsultationColumns encounterId={e.id} patientId={patient.id} /> };
  },
  async nurse(clinic) {
    const { e, patient } = await consultation(clinic, true);
    return { as: "nurse.muller", title: "Consultation — as the nurse (read only)", view: <ConsultationColumns encounterId={e.id} patientId={patient.id} /> };
  },
  async renewal(clinic) {
    const rossi = await clinic.as("dr.rossi");
    const patient = clinic.patient("Rossi");
    let p = await rossi("create_prescription", { patient_id: patient.id, notes: "Repeat every month." });
    p = await rossi("add_prescription_item", { prescription_id: p.id, medication_id: "med-atorvastatin-20-mg-tablet", refills: 2, instructions: "Take in the evening." });
    p = await rossi("add_prescription_item", { prescription_id: p.id, medication_id: "med-metformin-500-mg-tablet" });
    p = await rossi("sign_prescription", { prescription_id: p.id, overrides: [] });
    const renewed = await rossi("renew_prescription", { prescription_id: p.id });
    const e = await rossi("start_encounter", { patient_id: patient.id });
    return { as: "dr.rossi", title: "A renewal: duplicate-therapy warnings", view: <ConsultationColumns encounterId={e.id} patientId={patient.id} prescriptionId={renewed.id} /> };
  },
  async chart(clinic) {
    const { patient } = await consultation(clinic, true);
    const rossi = await clinic.as("dr.rossi");
    let old = await rossi("create_prescription", { patient_id: patient.id, notes: "" });
    old = await rossi("add_prescription_item", { prescription_id: old.id, medication_id: "med-omeprazole-20-mg-capsule" });
    old = await rossi("add_prescription_item", { prescription_id: old.id, medication_id: "med-salbutamol-100-micrograms-dose-inhaler" });
    await rossi("sign_prescription", { prescription_id: old.id, overrides: [] });
    let wrong = await rossi("create_prescription", { patient_id: patient.id, notes: "" });
    wrong = await rossi("add_prescription_item", { prescription_id: wrong.id, medication_id: "med-lisinopril-10-mg-tablet" });
    await rossi("mark_prescription_entered_in_error", { prescription_id: wrong.id, reason: "Written for the wrong patient" });
    const draft = await rossi("create_prescription", { patient_id: patient.id, notes: "" });
    await rossi("add_prescription_item", { prescription_id: draft.id, medication_id: "med-cefalexin-500-mg-capsule" });
    return {
      as: "dr.rossi",
      title: "Patient chart — medications tab",
      view: (
        <Card>
          <CurrentMedications patientId={patient.id} />
        </Card>
      ),
    };
  },
  // eslint-disable-next-line @typescript-eslint/require-await
  async catalog() {
    return { as: "admin", title: "Administration — medication catalog", view: <CatalogPage /> };
  },
};

function Frame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex h-screen min-h-0 flex-col">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-ink-200 bg-white px-4">
        <Logo className="size-7" />
        <span className="font-semibold text-ink-900">Demo Clinic (sample data)</span>
        <span className="ml-6 text-sm text-ink-600">Story: {title}</span>
      </header>
      <div className="flex min-h-0 flex-1">
        <nav aria-label="App navigation (stand-in)" className="w-56 shrink-0 border-r border-ink-200 bg-white" />
        <main className="min-w-0 flex-1 overflow-y-auto px-6 py-6 2xl:px-10" data-testid="story-main">
          <div className="mx-auto max-w-screen-2xl">{children}</div>
        </main>
      </div>
    </div>
  );
}

async function start() {
  const story = new URLSearchParams(location.hash.slice(1)).get("story") ?? "consultation";
  const clinic = createClinicalBackend();
  const scene = await (SCENES[story] ?? SCENES.consultation)?.(clinic);
  if (!scene) return;
  setTransport(clinic.transport);
  setEventSource(clinic.backend.onClinicChanged);
  const demo = DEMO_USERS.find((u) => u.username === scene.as);
  const output = (await clinic.transport("login", null, { username: scene.as, password: demo?.password ?? "" })) as LoginOutput;
  setSessionToken(output.token);
  const initial: SessionState = {
    phase: "active",
    session: { user: output.user, permissions: new Set(output.permissions), idleLockMinutes: output.idle_lock_minutes, location: memoryLocation({ path: "/" }) },
  };
  const root = document.getElementById("root");
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={createQueryClient()}>
        <SessionProvider initial={initial}>
          <ClinicFormatProvider>
            <Frame title={scene.title}>{scene.view}</Frame>
          </ClinicFormatProvider>
        </SessionProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

void start();
