// The medical-records part of the fake backend (see fake-backend.ts): encounters with their SOAP
// note as append-only versions (drafts while open, the signed text, amendments with a reason),
// "entered in error", vitals, the problem list with its status history, and attachments. It
// mirrors crates/core/src/records (mod.rs, vitals.rs, problems.rs, attachments.rs): the same checks
// in the same order, the same messages, codes and fields. Who may call what is the generated
// COMMAND_ACCESS, checked by the fake's dispatch; "only the encounter's doctor" is checked here, as
// Rust does it in the command. Every handler checks everything before it changes anything (Rust
// runs each command in one transaction), so a refusal leaves the store as it was.
import type {
  Attachment,
  AttachmentContent,
  Commands,
  Diagnosis,
  Encounter,
  EncounterStatus,
  EncounterSummary,
  ErrorCode,
  NoteKind,
  NoteVersion,
  Problem,
  ProblemChange,
  ProblemStatus,
  TimelineEntry,
  Vitals,
} from "../api/generated";
import { requireActivePatient, textRules } from "./fake-validation";

/** The users the records store reads (names of doctors and authors). */
export interface RecordsUser {
  id: string;
  full_name: string;
}

export interface RecordsStoreDeps {
  now: () => Date;
  newId: () => string;
  fail: (code: ErrorCode, message: string, field?: string) => never;
  /** Who runs the current command (Rust: `ctx.user()`). */
  actor: () => RecordsUser | null;
  users: () => Iterable<RecordsUser>;
  patients: () => ReadonlyMap<string, { merged_into: string | null }>;
  appointments: () => ReadonlyMap<string, { patient_id: string; doctor_id: string; status: string }>;
  audit: (action: string, detail: string, table: string, id: string) => void;
  /** Hooks for the diagnoses and ICD-10 fakes (records/diagnoses.rs, icd10.rs), once they exist. */
  diagnosesOf?: (encounterId: string) => Diagnosis[];
  /** A diagnosis by id (for a problem taken from it). */
  findDiagnosis?: (id: string) => { patient_id: string; code: string; description: string; entered_in_error: boolean } | undefined;
  /** `icd10::find`: a code of the list (with or without its dot). */
  findIcd10?: (code: string) => { code: string; description: string } | undefined;
}

interface StoredEncounter {
  id: string;
  patient_id: string;
  doctor_id: string;
  appointment_id: string | null;
  started_at: string;
  status: EncounterStatus;
  signed_at: string | null;
  signed_by: string | null;
  error_reason: string;
  updated_at: string;
}

interface StoredNote {
  encounter_id: string;
  version: number;
  kind: NoteKind;
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  reason: string;
  author_id: string;
  written_at: string;
}

interface StoredVitals {
  id: string;
  patient_id: string;
  encounter_id: string | null;
  recorded_by: string;
  recorded_at: string;
  temperature_c: string | null;
  pulse_bpm: number | null;
  systolic_mmhg: number | null;
  diastolic_mmhg: number | null;
  respiratory_rate: number | null;
  spo2_percent: number | null;
  weight_kg: string | null;
  height_cm: string | null;
  abnormal: string[];
  note: string;
  entered_in_error: boolean;
  error_reason: string;
}

interface StoredProblem {
  id: string;
  patient_id: string;
  code: string;
  description: string;
  onset_date: string;
  note: string;
  from_diagnosis_id: string | null;
  status: ProblemStatus;
  noted_by: string;
  noted_at: string;
  updated_at: string;
}

interface StoredProblemChange {
  id: string;
  problem_id: string;
  from_status: ProblemStatus;
  to_status: ProblemStatus;
  reason: string;
  changed_by: string;
  changed_at: string;
}

interface StoredAttachment {
  id: string;
  patient_id: string;
  encounter_id: string | null;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  description: string;
  added_by: string;
  added_at: string;
  entered_in_error: boolean;
  error_reason: string;
}

type Soap = Pick<StoredNote, "subjective" | "objective" | "assessment" | "plan">;

/** vitals.rs RANGES: (field, plausible low, high — refused outside, normal low, high — flagged outside, unit). */
export const VITALS_RANGES: readonly (readonly [string, number, number, number, number, string])[] = [
  ["temperature_c", 30.0, 45.0, 36.0, 37.9, "°C"],
  ["pulse_bpm", 20.0, 250.0, 60.0, 100.0, "beats/min"],
  ["systolic_mmhg", 50.0, 300.0, 90.0, 139.0, "mmHg"],
  ["diastolic_mmhg", 20.0, 200.0, 60.0, 89.0, "mmHg"],
  ["respiratory_rate", 4.0, 80.0, 12.0, 20.0, "breaths/min"],
  ["spo2_percent", 50.0, 100.0, 95.0, 100.0, "%"],
  ["weight_kg", 0.3, 500.0, -Number.MAX_VALUE, Number.MAX_VALUE, "kg"],
  ["height_cm", 20.0, 272.0, -Number.MAX_VALUE, Number.MAX_VALUE, "cm"],
  ["bmi", 0.0, Number.MAX_VALUE, 18.5, 29.9, "kg/m²"],
];

/** attachments.rs MEDIA_TYPES: what a clinic attaches, with the extensions each may carry. */
const MEDIA_TYPES: readonly (readonly [string, readonly string[]])[] = [
  ["application/pdf", ["pdf"]],
  ["image/png", ["png"]],
  ["image/jpeg", ["jpg", "jpeg"]],
  ["image/tiff", ["tif", "tiff"]],
  ["text/plain", ["txt"]],
  ["application/dicom", ["dcm"]],
];

/** attachments.rs MAX_ATTACHMENT_BYTES. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** SQLite's binary collation (Rust's ORDER BY on text). */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A decimal as rust_decimal reads it (`from_str` after `,` → `.`): sign, digits, optional fraction. */
interface Dec {
  /** The value in units of 10^-scale. */
  units: bigint;
  scale: number;
}

function parseDecimal(text: string): Dec | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim().replaceAll(",", "."));
  if (!m || ((m[2] ?? "") === "" && (m[3] ?? "") === "")) return null;
  const fraction = m[3] ?? "";
  const units = BigInt(`${m[2] ?? ""}${fraction}` || "0");
  return { units: m[1] === "-" ? -units : units, scale: fraction.length };
}

/** Decimal's Display: the digits with its scale ("38,4" → "38.4", "070.0" → "70.0"). */
function decimalText(d: Dec): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, "0");
  const whole = digits.slice(0, digits.length - d.scale);
  const body = d.scale === 0 ? whole : `${whole}.${digits.slice(digits.length - d.scale)}`;
  return negative ? `-${body}` : body;
}

const toNumber = (d: Dec) => Number(d.units) / 10 ** d.scale;

/** vitals.rs `bmi`: kg / m², `round_dp(1)` (banker's rounding), exactly. */
function bmiOf(weight: Dec, height: Dec): Dec | null {
  // weight = W / 10^ws kg, height = H / 10^hs cm → BMI × 10 = W × 10^(5 + 2hs − ws) / H².
  if (height.units <= 0n) return null;
  const exponent = 5 + 2 * height.scale - weight.scale;
  let num = weight.units * 10n ** BigInt(Math.max(exponent, 0));
  let den = height.units * height.units;
  if (exponent < 0) den *= 10n ** BigInt(-exponent);
  const negative = num < 0n;
  if (negative) num = -num;
  let q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  return { units: negative ? -q : q, scale: 1 };
}

/** Rust's `{:?}` of a string (quoted, escaped), as in "\"application/zip\" cannot be attached". */
const debugString = (s: string) => JSON.stringify(s);

/** base64 STANDARD with canonical padding (what Rust's `general_purpose::STANDARD` decodes), as bytes; null if damaged. */
function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  // Non-zero trailing bits are refused too: only the canonical encoding round-trips.
  if (btoa(binary) !== text) return null;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const SHA256_K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
  0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 as lower-case hex (Rust: `hex::encode(Sha256::digest(..))`); synchronous, as the fake's dispatch is. */
export function sha256Hex(bytes: Uint8Array): string {
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const length = bytes.length;
  const padded = new Uint8Array(Math.ceil((length + 9) / 64) * 64);
  padded.set(bytes);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
  view.setUint32(padded.length - 4, (length * 8) >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i += 1) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i += 1) {
      const a = w[i - 15] ?? 0;
      const b = w[i - 2] ?? 0;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[i] = ((w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = [h[0] ?? 0, h[1] ?? 0, h[2] ?? 0, h[3] ?? 0, h[4] ?? 0, h[5] ?? 0, h[6] ?? 0, h[7] ?? 0];
    for (let i = 0; i < 64; i += 1) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (SHA256_K[i] ?? 0) + (w[i] ?? 0)) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      [hh, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => {
      h[i] = ((h[i] ?? 0) + v) >>> 0;
    });
  }
  return Array.from(h, (v) => v.toString(16).padStart(8, "0")).join("");
}

export function createRecordsStore(deps: RecordsStoreDeps) {
  const { newId } = deps;
  // `fail` returns `never`; called through a local function so that TypeScript narrows after it.
  function fail(code: ErrorCode, message: string, field?: string): never {
    return deps.fail(code, message, field);
  }
  const nowText = () => deps.now().toISOString();
  const encounters = new Map<string, StoredEncounter>();
  const notes: StoredNote[] = [];
  const vitals = new Map<string, StoredVitals>();
  const problems = new Map<string, StoredProblem>();
  const problemChanges: StoredProblemChange[] = [];
  const attachments = new Map<string, StoredAttachment>();
  /** `attachment_contents`: base64 (canonical) by SHA-256, written once. */
  const contents = new Map<string, string>();

  const userName = (id: string | null) => (id === null ? null : ([...deps.users()].find((u) => u.id === id)?.full_name ?? ""));
  const me = (): RecordsUser => deps.actor() ?? fail("unauthenticated", "sign in first");

  const requireActive = (patientId: string) => {
    requireActivePatient(deps.patients(), patientId, fail);
  };
  const { required, optionalText } = textRules(fail);

  // ---- encounters (records/mod.rs) ---------------------------------------------------------

  const versionsOf = (encounterId: string) => notes.filter((n) => n.encounter_id === encounterId).sort((a, b) => a.version - b.version);

  function summary(e: StoredEncounter): EncounterSummary {
    const versions = versionsOf(e.id);
    const assessment = versions.at(-1)?.assessment ?? "";
    return {
      id: e.id,
      patient_id: e.patient_id,
      doctor_id: e.doctor_id,
      doctor_name: userName(e.doctor_id) ?? "",
      appointment_id: e.appointment_id,
      started_at: e.started_at,
      status: e.status,
      signed_at: e.signed_at,
      signed_by_name: userName(e.signed_by),
      error_reason: e.error_reason,
      // `lines().next()`, at most 120 characters.
      headline: Array.from((assessment.split("\n")[0] ?? "").replace(/\r$/, ""))
        .slice(0, 120)
        .join(""),
      amendments: versions.filter((n) => n.kind === "amendment").length,
    };
  }

  function loadEncounter(id: string): StoredEncounter {
    return encounters.get(id) ?? fail("not_found", "no such encounter", "encounter_id");
  }

  function version(n: StoredNote): NoteVersion {
    return {
      version: n.version,
      kind: n.kind,
      subjective: n.subjective,
      objective: n.objective,
      assessment: n.assessment,
      plan: n.plan,
      reason: n.reason,
      author_name: userName(n.author_id) ?? "",
      written_at: n.written_at,
    };
  }

  function readEncounter(id: string): Encounter {
    const e = loadEncounter(id);
    const history = versionsOf(id).map(version);
    return {
      summary: summary(e),
      note: history.at(-1) ?? null,
      history,
      vitals: [...vitals.values()]
        .filter((v) => v.encounter_id === id)
        .sort((a, b) => cmp(a.recorded_at, b.recorded_at))
        .map(vitalsView),
      diagnoses: deps.diagnosesOf?.(id) ?? [],
      attachments: [...attachments.values()]
        .filter((a) => a.encounter_id === id)
        .sort((a, b) => cmp(a.added_at, b.added_at))
        .map(attachmentView),
    };
  }

  function soapFrom(input: Commands["save_encounter_note"]["input"]): Soap {
    return {
      subjective: optionalText(input.subjective, "subjective", 20_000),
      objective: optionalText(input.objective, "objective", 20_000),
      assessment: optionalText(input.assessment, "assessment", 20_000),
      plan: optionalText(input.plan, "plan", 20_000),
    };
  }

  /** `editable`: refused unless the encounter is `want` and the caller is its doctor. */
  function editable(encounterId: string, want: EncounterStatus): StoredEncounter {
    const e = loadEncounter(encounterId);
    if (e.status !== want) {
      const message =
        e.status === "signed" && want === "open"
          ? "this note is signed: change it with an amendment and a reason"
          : e.status === "open" && want === "signed"
            ? "this note is not signed yet: edit it directly"
            : "this encounter was marked entered in error";
      fail("conflict", message, "encounter_id");
    }
    if (e.doctor_id !== me().id) fail("permission_denied", `only ${userName(e.doctor_id) ?? ""} (whose encounter this is) may write its note`);
    return e;
  }

  /** `append_version`: the next version of the note (the store refuses all but amendments once signed). */
  function appendVersion(e: StoredEncounter, kind: NoteKind, soap: Soap, reason: string): number {
    const next = versionsOf(e.id).length + 1;
    const at = nowText();
    notes.push({ encounter_id: e.id, version: next, kind, ...soap, reason, author_id: me().id, written_at: at });
    e.updated_at = at;
    return next;
  }

  function startEncounter(input: Commands["start_encounter"]["input"]): EncounterSummary {
    const doctor = me();
    requireActive(input.patient_id);
    const appointmentId = input.appointment_id ?? null;
    if (appointmentId !== null) {
      const appointment = deps.appointments().get(appointmentId);
      if (!appointment) return fail("validation", "no such appointment", "appointment_id");
      if (appointment.patient_id !== input.patient_id) fail("validation", "this appointment is another patient's", "appointment_id");
      // The consultation belongs to the doctor the patient was booked with.
      if (appointment.doctor_id !== doctor.id) {
        const name = [...deps.users()].find((u) => u.id === appointment.doctor_id)?.full_name ?? "another doctor";
        fail("validation", `this appointment is with ${name}; start a walk-in consultation instead`, "appointment_id");
      }
      if (appointment.status === "cancelled" || appointment.status === "no_show") fail("validation", `this appointment was ${appointment.status.replace("_", " ")}`, "appointment_id");
      // One encounter per appointment: a second start opens the existing one.
      const existing = [...encounters.values()].find((e) => e.appointment_id === appointmentId && e.status !== "entered_in_error");
      if (existing) return summary(existing);
    }
    const at = nowText();
    const e: StoredEncounter = { id: newId(), patient_id: input.patient_id, doctor_id: doctor.id, appointment_id: appointmentId, started_at: at, status: "open", signed_at: null, signed_by: null, error_reason: "", updated_at: at };
    encounters.set(e.id, e);
    deps.audit("start_encounter", "encounter started", "encounters", e.id);
    return summary(e);
  }

  function saveEncounterNote(input: Commands["save_encounter_note"]["input"]): Encounter {
    const soap = soapFrom(input);
    const e = editable(input.encounter_id, "open");
    appendVersion(e, "draft", soap, "");
    return readEncounter(e.id);
  }

  function signEncounter(input: Commands["sign_encounter"]["input"]): Encounter {
    const signer = me();
    const e = editable(input.encounter_id, "open");
    const last = versionsOf(e.id).at(-1);
    if (!last || last.assessment.trim() === "") return fail("validation", "write at least the assessment before signing", "assessment");
    // The signed text is its own version: what was signed can always be shown as signed.
    appendVersion(e, "signed", { subjective: last.subjective, objective: last.objective, assessment: last.assessment, plan: last.plan }, "");
    e.status = "signed";
    e.signed_at = nowText();
    e.signed_by = signer.id;
    e.updated_at = e.signed_at;
    deps.audit("sign_encounter", "signed", "encounters", e.id);
    return readEncounter(e.id);
  }

  function amendEncounterNote(input: Commands["amend_encounter_note"]["input"]): Encounter {
    const soap = soapFrom(input.note);
    const reason = required(input.reason, "reason", 500);
    const e = editable(input.note.encounter_id, "signed");
    const last = versionsOf(e.id).at(-1);
    if (last && last.subjective === soap.subjective && last.objective === soap.objective && last.assessment === soap.assessment && last.plan === soap.plan) {
      fail("validation", "the amendment changes nothing: edit the note before saving it", "note");
    }
    const n = appendVersion(e, "amendment", soap, reason);
    deps.audit("amend_encounter_note", `amendment ${n}: ${reason}`, "encounters", e.id);
    return readEncounter(e.id);
  }

  function markEncounterEnteredInError(input: Commands["mark_encounter_entered_in_error"]["input"]): Encounter {
    const reason = required(input.reason, "reason", 500);
    const e = loadEncounter(input.encounter_id);
    if (e.status === "entered_in_error") fail("conflict", "this encounter is already marked entered in error", "encounter_id");
    if (e.doctor_id !== me().id) fail("permission_denied", `only ${userName(e.doctor_id) ?? ""} (whose encounter this is) may mark it`);
    e.status = "entered_in_error";
    e.error_reason = reason;
    e.updated_at = nowText();
    deps.audit("mark_encounter_entered_in_error", `entered in error: ${reason}`, "encounters", e.id);
    return readEncounter(e.id);
  }

  // ---- vitals (records/vitals.rs) ----------------------------------------------------------

  function vitalsView(v: StoredVitals): Vitals {
    const weight = v.weight_kg === null ? null : parseDecimal(v.weight_kg);
    const height = v.height_cm === null ? null : parseDecimal(v.height_cm);
    const bmi = weight && height ? bmiOf(weight, height) : null;
    return {
      id: v.id,
      patient_id: v.patient_id,
      encounter_id: v.encounter_id,
      recorded_by_name: userName(v.recorded_by) ?? "",
      recorded_at: v.recorded_at,
      temperature_c: v.temperature_c,
      pulse_bpm: v.pulse_bpm,
      systolic_mmhg: v.systolic_mmhg,
      diastolic_mmhg: v.diastolic_mmhg,
      respiratory_rate: v.respiratory_rate,
      spo2_percent: v.spo2_percent,
      weight_kg: v.weight_kg,
      height_cm: v.height_cm,
      bmi: bmi ? decimalText(bmi) : null,
      abnormal: [...v.abnormal],
      note: v.note,
      entered_in_error: v.entered_in_error,
      error_reason: v.error_reason,
    };
  }

  /** `check`: refuses an implausible value by name; says whether it is outside the normal range. */
  function check(field: string, value: number): boolean {
    const range = VITALS_RANGES.find((r) => r[0] === field) ?? VITALS_RANGES[0];
    if (!range) return false;
    const [, low, high, normalLow, normalHigh, unit] = range;
    if (!(value >= low && value <= high)) fail("validation", `${String(value)} ${unit} is not plausible (expected ${String(low)}–${String(high)} ${unit})`, field);
    return !(value >= normalLow && value <= normalHigh);
  }

  function decimal(field: string, text: string): Dec {
    const d = parseDecimal(text) ?? fail("validation", "write a number, e.g. 37.2", field);
    if (d.scale > 1) fail("validation", "one decimal place at most", field);
    return d;
  }

  const U32_FIELDS = ["pulse_bpm", "systolic_mmhg", "diastolic_mmhg", "respiratory_rate", "spo2_percent"] as const;

  function recordVitals(input: Commands["record_vitals"]["input"]): Vitals {
    // serde refuses what is not a u32 before the command runs (registry::parse_input names the field).
    for (const field of U32_FIELDS) {
      const v = input[field];
      if (v === undefined || v === null) continue;
      if (!Number.isInteger(v)) fail("validation", `${field}: invalid type: floating point \`${String(v)}\`, expected u32`, field);
      if (v < 0 || v > 4_294_967_295) fail("validation", `${field}: invalid value: integer \`${String(v)}\`, expected u32`, field);
    }
    const actor = me();
    const note = optionalText(input.note ?? "", "note", 1000);
    const abnormal: string[] = [];
    const flag = (field: string, value: number) => {
      if (check(field, value)) abnormal.push(field);
    };
    const measured = (field: "temperature_c" | "weight_kg" | "height_cm") => {
      const text = input[field];
      if (text === undefined || text === null) return null;
      const d = decimal(field, text);
      flag(field, toNumber(d));
      return d;
    };
    const temperature = measured("temperature_c");
    for (const field of U32_FIELDS) {
      const v = input[field];
      if (v !== undefined && v !== null) flag(field, v);
    }
    const systolic = input.systolic_mmhg ?? null;
    const diastolic = input.diastolic_mmhg ?? null;
    if (systolic !== null && diastolic !== null && diastolic >= systolic) fail("validation", "the diastolic pressure must be lower than the systolic", "diastolic_mmhg");
    if ((systolic === null) !== (diastolic === null)) fail("validation", "blood pressure needs both the systolic and the diastolic value", systolic === null ? "systolic_mmhg" : "diastolic_mmhg");
    const weight = measured("weight_kg");
    const height = measured("height_cm");
    if (weight && height) {
      const b = bmiOf(weight, height);
      if (b) flag("bmi", toNumber(b));
    }
    const nothing = temperature === null && weight === null && height === null && [input.pulse_bpm, input.systolic_mmhg, input.respiratory_rate, input.spo2_percent].every((v) => v === undefined || v === null);
    if (nothing) fail("validation", "record at least one value", "temperature_c");
    requireActive(input.patient_id);
    const encounterId = input.encounter_id ?? null;
    if (encounterId !== null && loadEncounter(encounterId).patient_id !== input.patient_id) fail("validation", "this encounter is another patient's", "encounter_id");
    if (encounterId !== null && loadEncounter(encounterId).status !== "open") {
      fail("validation", "this encounter is closed (signed or entered in error): record the vitals on the patient or a new encounter", "encounter_id");
    }
    const v: StoredVitals = {
      id: newId(),
      patient_id: input.patient_id,
      encounter_id: encounterId,
      recorded_by: actor.id,
      recorded_at: nowText(),
      temperature_c: temperature ? decimalText(temperature) : null,
      pulse_bpm: input.pulse_bpm ?? null,
      systolic_mmhg: systolic,
      diastolic_mmhg: diastolic,
      respiratory_rate: input.respiratory_rate ?? null,
      spo2_percent: input.spo2_percent ?? null,
      weight_kg: weight ? decimalText(weight) : null,
      height_cm: height ? decimalText(height) : null,
      abnormal,
      note,
      entered_in_error: false,
      error_reason: "",
    };
    vitals.set(v.id, v);
    deps.audit("record_vitals", abnormal.length === 0 ? "vitals recorded" : `vitals recorded; abnormal: ${abnormal.join(", ")}`, "vitals", v.id);
    return vitalsView(v);
  }

  function markVitalsEnteredInError(input: Commands["mark_vitals_entered_in_error"]["input"]): Vitals {
    const reason = required(input.reason, "reason", 500);
    const before = vitals.get(input.vitals_id) ?? fail("not_found", "no such vitals", "vitals_id");
    if (before.entered_in_error) fail("conflict", "these vitals are already marked entered in error", "vitals_id");
    const after = { ...before, entered_in_error: true, error_reason: reason };
    vitals.set(after.id, after);
    deps.audit("mark_vitals_entered_in_error", `entered in error: ${reason}`, "vitals", after.id);
    return vitalsView(after);
  }

  // ---- the problem list (records/problems.rs) ----------------------------------------------

  function problemView(p: StoredProblem): Problem {
    const changes: ProblemChange[] = problemChanges
      .filter((c) => c.problem_id === p.id)
      .sort((a, b) => cmp(a.changed_at, b.changed_at) || cmp(a.id, b.id))
      .map((c) => ({ from_status: c.from_status, to_status: c.to_status, reason: c.reason, changed_by_name: userName(c.changed_by) ?? "", changed_at: c.changed_at }));
    return {
      id: p.id,
      patient_id: p.patient_id,
      code: p.code,
      description: p.description,
      onset_date: p.onset_date,
      note: p.note,
      from_diagnosis_id: p.from_diagnosis_id,
      status: p.status,
      noted_by_name: userName(p.noted_by) ?? "",
      noted_at: p.noted_at,
      updated_at: p.updated_at,
      changes,
    };
  }

  const STATUS_ORDER: Record<ProblemStatus, number> = { active: 0, resolved: 1, entered_in_error: 2 };

  /** chrono's `%Y-%m-%d`: a real calendar date; null otherwise. */
  function calendarDate(text: string): Date | null {
    const m = /^([+-]?\d{4,})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (!m) return null;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(2000, mo - 1, d));
    date.setUTCFullYear(y);
    return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null;
  }

  function addProblem(input: Commands["add_problem"]["input"]): Problem {
    const actor = me();
    const note = optionalText(input.note, "note", 2_000);
    const onset = input.onset_date.trim();
    if (onset !== "") {
      const date = calendarDate(onset) ?? fail("validation", "onset date must be a date (YYYY-MM-DD)", "onset_date");
      // `ctx.now.date_naive() + 1 day`: the UTC date, with a day's grace for time zones.
      const today = new Date(`${nowText().slice(0, 10)}T00:00:00Z`);
      if (date.getTime() > today.getTime() + 86_400_000) fail("validation", "onset date cannot be in the future", "onset_date");
    }
    requireActive(input.patient_id);
    // A problem is coded from a diagnosis of this patient, from the ICD-10-CM list, or left as
    // free text (the `code` stays empty).
    let code = "";
    let codedDescription = "";
    const fromDiagnosis = input.from_diagnosis_id ?? null;
    const rawCode = input.code ?? "";
    if (fromDiagnosis !== null) {
      const dx = deps.findDiagnosis?.(fromDiagnosis) ?? fail("validation", "no such diagnosis", "from_diagnosis_id");
      if (dx.patient_id !== input.patient_id) fail("validation", "that diagnosis belongs to another patient", "from_diagnosis_id");
      if (dx.entered_in_error) fail("validation", "that diagnosis was marked entered in error", "from_diagnosis_id");
      code = dx.code;
      codedDescription = dx.description;
    } else if (rawCode.trim() !== "") {
      const icd = deps.findIcd10?.(rawCode) ?? fail("validation", `${rawCode.trim()} is not an ICD-10-CM code; search the code list`, "code");
      code = icd.code;
      codedDescription = icd.description;
    }
    const description = input.description.trim() === "" && code !== "" ? codedDescription : required(input.description, "description", 500);
    const already = [...problems.values()].find((p) => p.patient_id === input.patient_id && p.status === "active" && p.description.toLowerCase() === description.toLowerCase());
    if (already) fail("validation", `${already.description} is already on the active problem list`, "description");
    const at = nowText();
    const p: StoredProblem = { id: newId(), patient_id: input.patient_id, code, description, onset_date: onset, note, from_diagnosis_id: fromDiagnosis, status: "active", noted_by: actor.id, noted_at: at, updated_at: at };
    problems.set(p.id, p);
    deps.audit("add_problem", code === "" ? `problem added: ${description}` : `problem added: ${code} ${description}`, "patients", input.patient_id);
    return problemView(p);
  }

  function setProblemStatus(input: Commands["set_problem_status"]["input"]): Problem {
    const actor = me();
    const reason = input.status === "entered_in_error" ? required(input.reason, "reason", 500) : optionalText(input.reason, "reason", 500);
    const before = problems.get(input.problem_id) ?? fail("not_found", "no such problem", "problem_id");
    if (before.status === "entered_in_error") fail("conflict", "this problem was marked entered in error", "problem_id");
    if (before.status === input.status) fail("validation", `this problem is already ${input.status}`, "status");
    const at = nowText();
    const after: StoredProblem = { ...before, status: input.status, updated_at: at };
    problems.set(after.id, after);
    problemChanges.push({ id: newId(), problem_id: after.id, from_status: before.status, to_status: input.status, reason, changed_by: actor.id, changed_at: at });
    deps.audit("set_problem_status", `problem ${before.description} → ${input.status}${reason === "" ? "" : `: ${reason}`}`, "patients", before.patient_id);
    return problemView(after);
  }

  function listProblems(input: Commands["list_problems"]["input"]): Problem[] {
    // Active first, then resolved, then entered in error; newest first (the later of a tie first).
    const list = [...problems.values()]
      .filter((p) => p.patient_id === input.patient_id)
      .reverse()
      .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || cmp(b.noted_at, a.noted_at))
      .map(problemView);
    deps.audit("list_problems", `problem list read (${list.length} problems)`, "patients", input.patient_id);
    return list;
  }

  // ---- attachments (records/attachments.rs) ------------------------------------------------

  function attachmentView(a: StoredAttachment): Attachment {
    return {
      id: a.id,
      patient_id: a.patient_id,
      encounter_id: a.encounter_id,
      file_name: a.file_name,
      media_type: a.media_type,
      size_bytes: a.size_bytes,
      sha256: a.sha256,
      description: a.description,
      added_by_name: userName(a.added_by) ?? "",
      added_at: a.added_at,
      entered_in_error: a.entered_in_error,
      error_reason: a.error_reason,
    };
  }

  function loadAttachment(id: string): StoredAttachment {
    return attachments.get(id) ?? fail("not_found", "no such attachment", "attachment_id");
  }

  function addAttachment(input: Commands["add_attachment"]["input"]): Attachment {
    const actor = me();
    const fileName = required(input.file_name, "file_name", 255);
    if (/[/\\\0]/.test(fileName)) fail("validation", "the file name must not contain a path", "file_name");
    const mediaType = input.media_type.trim().toLowerCase();
    const known = MEDIA_TYPES.find(([m]) => m === mediaType);
    if (!known) return fail("validation", `${debugString(mediaType)} cannot be attached; allowed: PDF, PNG, JPEG, TIFF, text, DICOM`, "media_type");
    const dot = fileName.lastIndexOf(".");
    const extension = dot < 0 ? "" : fileName.slice(dot + 1).toLowerCase();
    const extensions = known[1];
    if (!extensions.includes(extension)) fail("validation", `a ${mediaType} file should end in .${extensions[0] ?? ""}`, "file_name");
    const description = optionalText(input.description, "description", 500);
    const content = decodeBase64(input.content_base64.trim()) ?? fail("validation", "the file is damaged (bad base64)", "content_base64");
    if (content.length === 0) fail("validation", "the file is empty", "content_base64");
    if (content.length > MAX_ATTACHMENT_BYTES) fail("validation", `the file is ${(content.length / 1_048_576).toFixed(1)} MB; at most ${MAX_ATTACHMENT_BYTES / 1_048_576} MB`, "content_base64");
    const sha256 = sha256Hex(content);
    requireActive(input.patient_id);
    const encounterId = input.encounter_id ?? null;
    if (encounterId !== null && loadEncounter(encounterId).patient_id !== input.patient_id) fail("validation", "this encounter is another patient's", "encounter_id");
    if (!contents.has(sha256)) contents.set(sha256, input.content_base64.trim());
    const a: StoredAttachment = {
      id: newId(),
      patient_id: input.patient_id,
      encounter_id: encounterId,
      file_name: fileName,
      media_type: mediaType,
      size_bytes: content.length,
      sha256,
      description,
      added_by: actor.id,
      added_at: nowText(),
      entered_in_error: false,
      error_reason: "",
    };
    attachments.set(a.id, a);
    deps.audit("add_attachment", `attached ${fileName} (${content.length} bytes)`, "attachments", a.id);
    return attachmentView(a);
  }

  function listAttachments(input: Commands["list_attachments"]["input"]): Attachment[] {
    const list = [...attachments.values()]
      .filter((a) => a.patient_id === input.patient_id)
      .reverse()
      .sort((a, b) => cmp(b.added_at, a.added_at))
      .map(attachmentView);
    deps.audit("list_attachments", `attachment list read (${list.length} files)`, "patients", input.patient_id);
    return list;
  }

  function openAttachment(input: Commands["open_attachment"]["input"]): AttachmentContent {
    const a = loadAttachment(input.attachment_id);
    const content = contents.get(a.sha256) ?? fail("integrity", `the content of ${a.file_name} is missing from this workstation`);
    const bytes = decodeBase64(content);
    if (!bytes || sha256Hex(bytes) !== a.sha256) fail("integrity", `the content of ${a.file_name} does not match its checksum`);
    deps.audit("open_attachment", `opened ${a.file_name}`, "attachments", a.id);
    return { attachment: attachmentView(a), content_base64: content };
  }

  function markAttachmentEnteredInError(input: Commands["mark_attachment_entered_in_error"]["input"]): Attachment {
    const reason = required(input.reason, "reason", 500);
    const before = loadAttachment(input.attachment_id);
    if (before.entered_in_error) fail("conflict", "this attachment is already marked entered in error", "attachment_id");
    const after: StoredAttachment = { ...before, entered_in_error: true, error_reason: reason };
    attachments.set(after.id, after);
    deps.audit("mark_attachment_entered_in_error", `entered in error: ${reason}`, "attachments", after.id);
    return attachmentView(after);
  }

  const handlers = {
    start_encounter: startEncounter,
    save_encounter_note: saveEncounterNote,
    sign_encounter: signEncounter,
    amend_encounter_note: amendEncounterNote,
    mark_encounter_entered_in_error: markEncounterEnteredInError,
    get_encounter: (input: Commands["get_encounter"]["input"]): Encounter => {
      const encounter = readEncounter(input.encounter_id);
      // The read itself is audited (who read which note, when).
      deps.audit("get_encounter", "note read", "encounters", input.encounter_id);
      return encounter;
    },
    list_encounters: (input: Commands["list_encounters"]["input"]): EncounterSummary[] => {
      const list = [...encounters.values()]
        .filter((e) => e.patient_id === input.patient_id)
        .reverse()
        .sort((a, b) => cmp(b.started_at, a.started_at))
        .map(summary);
      deps.audit("list_encounters", `encounter list read (${list.length} encounters)`, "patients", input.patient_id);
      return list;
    },
    record_vitals: recordVitals,
    mark_vitals_entered_in_error: markVitalsEnteredInError,
    add_problem: addProblem,
    set_problem_status: setProblemStatus,
    list_problems: listProblems,
    add_attachment: addAttachment,
    list_attachments: listAttachments,
    open_attachment: openAttachment,
    mark_attachment_entered_in_error: markAttachmentEnteredInError,
  } satisfies { [K in keyof Commands]?: (input: Commands[K]["input"]) => Commands[K]["output"] };

  /**
   * The chart timeline's consultations (patients/record.rs `clinical_timeline`, for roles that
   * read clinical records): newest first, the diagnoses' codes before the assessment's first line.
   */
  function timelineOf(patientId: string): TimelineEntry[] {
    return [...encounters.values()]
      .filter((e) => e.patient_id === patientId)
      .reverse()
      .sort((a, b) => cmp(b.started_at, a.started_at))
      .slice(0, 200)
      .map((e) => {
        const s = summary(e);
        const codes = (deps.diagnosesOf?.(e.id) ?? []).filter((d) => !d.entered_in_error).map((d) => d.code).join(", ");
        return { at: e.started_at, kind: "encounter", title: `Consultation with ${s.doctor_name} (${e.status.replaceAll("_", " ")})`, detail: codes === "" ? s.headline : `${codes} — ${s.headline}` };
      });
  }

  /** A merge moves the duplicate's records to the survivor (patients/merge.rs PATIENT_LINKED); rows moved per table. */
  function movePatient(fromId: string, toId: string): { table: string; rows: number }[] {
    const move = <T extends { patient_id: string }>(rows: Iterable<T>) => {
      let n = 0;
      for (const r of rows) {
        if (r.patient_id === fromId) {
          r.patient_id = toId;
          n += 1;
        }
      }
      return n;
    };
    return [
      { table: "encounters", rows: move(encounters.values()) },
      { table: "vitals", rows: move(vitals.values()) },
      { table: "patient_problems", rows: move(problems.values()) },
      { table: "attachments", rows: move(attachments.values()) },
    ];
  }

  return {
    handlers,
    movePatient,
    timelineOf,
    get encounters(): ReadonlyMap<string, StoredEncounter> {
      return encounters;
    },
    get notes(): readonly StoredNote[] {
      return notes;
    },
    get vitals(): ReadonlyMap<string, StoredVitals> {
      return vitals;
    },
    get problems(): ReadonlyMap<string, StoredProblem> {
      return problems;
    },
    get attachments(): ReadonlyMap<string, StoredAttachment> {
      return attachments;
    },
  };
}

export type RecordsStore = ReturnType<typeof createRecordsStore>;
