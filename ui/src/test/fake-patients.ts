// The patients part of the fake backend (see fake-backend.ts): the registry with offline MRNs,
// search as you type, duplicate detection, allergies, the chart and merging. It mirrors the
// Rust rules in crates/core/src/patients (field names, messages, error codes) closely enough to
// drive every screen; the search follows the same interpretation of the query (recent, date of
// birth, phone digits, MRN, name words in any order as prefixes, one typo) without the indexes.
import type {
  Allergy,
  AllergyInput,
  ClinicSettings,
  Commands,
  DuplicateCandidate,
  ErrorCode,
  MatchKind,
  Patient,
  PatientChart,
  PatientHit,
  PatientInput,
  Sex,
  TimelineEntry,
} from "../api/generated";
import { chars, textRules } from "./fake-validation";

export interface PatientStoreDeps {
  now: () => Date;
  newId: () => string;
  fail: (code: ErrorCode, message: string, field?: string) => never;
  settings: () => ClinicSettings | null;
  audit: (action: string, detail: string, table: string, id: string) => void;
}

type StoredPatient = Omit<Patient, "age_years"> & { merged_at: string | null };
type StoredAllergy = Allergy & { patient_id: string };
type Clean = Omit<StoredPatient, "id" | "mrn" | "merged_into" | "merged_at" | "created_at" | "updated_at">;

// ---- normalization (crates/core/src/patients/keys.rs) ------------------------------------

/** Lower-case ASCII words of a name, accents stripped ("José-María Müller" → jose, maria, muller). */
export function nameWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/ø/g, "o")
    .replace(/æ/g, "ae")
    .replace(/œ/g, "oe")
    .replace(/ß/g, "ss")
    .replace(/đ/g, "d")
    .replace(/ł/g, "l")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export const phoneDigits = (text: string) => text.replace(/\D/g, "");
const mrnKey = (text: string) => text.replace(/[^A-Za-z0-9]/g, "").toUpperCase();

const MRN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/** Luhn mod N over the MRN body, as in Rust: catches single-character errors and most swaps. */
export function mrnCheckChar(body: string): string {
  const n = MRN_ALPHABET.length;
  let factor = 2;
  let sum = 0;
  for (const c of Array.from(body).reverse()) {
    if (!/[A-Za-z0-9]/.test(c)) continue;
    const cp = Math.max(0, MRN_ALPHABET.indexOf(c.toUpperCase()));
    const addend = factor * cp;
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / n) + (addend % n);
  }
  return MRN_ALPHABET.charAt((n - (sum % n)) % n);
}

export function formatMrn(prefix: string, seq: number): string {
  const body = `${prefix}-${String(seq).padStart(6, "0")}`;
  return `${body}-${mrnCheckChar(body)}`;
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps). */
function osa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = v;
    }
  }
  return at(a.length, b.length);
}

const MIN_TYPO_LEN = 4;

/** `typed` is one edit away from some prefix of `word`. */
function withinOneTypoOfPrefix(typed: string, word: string): boolean {
  for (let len = typed.length - 1; len <= typed.length + 1; len++) {
    if (len < 1 || len > word.length) continue;
    if (osa(typed, word.slice(0, len)) <= 1) return true;
  }
  return false;
}

function parseDate(q: string): string | null {
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(q);
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(q);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dmy) [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

export function ageOn(dob: string, today: Date): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dob);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < mo || (today.getUTCMonth() + 1 === mo && today.getUTCDate() < d)) age -= 1;
  return age < 0 ? null : age;
}

// ---- validation (crates/core/src/patients/record.rs, clinic/mod.rs) ----------------------


export function createPatientStore(deps: PatientStoreDeps) {
  const { now, newId, fail } = deps;
  const iso = () => now().toISOString();
  const patients = new Map<string, StoredPatient>();
  const allergies = new Map<string, StoredAllergy>();
  /** recent_patients: patient id → when the chart was last opened. */
  const opened = new Map<string, string>();
  const mrnPrefix = "K7Q";
  let mrnNext = 1;

  const { required, optionalText: optional } = textRules(fail);
  function phone(value: string | null | undefined, field: string): string {
    const v = (value ?? "").trim();
    if (v === "") return v;
    const digits = phoneDigits(v).length;
    if (!/^[0-9 +().-]+$/.test(v) || digits < 6 || digits > 15) fail("validation", "a phone number has 6 to 15 digits, optionally with + ( ) - . and spaces", field);
    return v;
  }
  function email(value: string | null | undefined): string {
    const v = (value ?? "").trim();
    if (v === "") return v;
    const at = v.indexOf("@");
    const local = v.slice(0, at);
    const domain = v.slice(at + 1);
    const ok = v.length <= 254 && !/\s/.test(v) && at > 0 && local !== "" && !domain.includes("@") && domain.includes(".") && !domain.startsWith(".") && !domain.endsWith(".");
    if (!ok) fail("validation", "Email is an address like name@example.com", "email");
    return v;
  }
  function nationalId(value: string | null | undefined): string {
    const v = (value ?? "").trim();
    if (v === "") return v;
    if (chars(v) > 40) fail("validation", "National id is longer than 40 characters", "national_id");
    const s = deps.settings();
    const pattern = s?.national_id_pattern ?? "";
    if (pattern === "") return v;
    if (new RegExp(`^(?:${pattern})$`, "u").test(v.toUpperCase())) return v.toUpperCase();
    const example = s?.national_id_example ?? "";
    return fail("validation", example === "" ? "National id does not have this clinic's format" : `National id does not have this clinic's format (e.g. ${example})`, "national_id");
  }
  function birthDate(input: PatientInput): { date_of_birth: string; dob_estimated: boolean } {
    const text = (input.date_of_birth ?? "").trim();
    const today = now();
    const age = input.estimated_age_years;
    if (text === "" && (age === null || age === undefined)) return fail("validation", "Date of birth is required (or an estimated age)", "date_of_birth");
    if (text === "") {
      const years = age ?? 0;
      if (years > 130 || years < 0) fail("validation", "Estimated age is between 0 and 130 years", "estimated_age_years");
      // Like Rust: half a year past the birthday that makes them `years` old today.
      const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
      d.setUTCMonth(d.getUTCMonth() - (years * 12 + 6));
      return { date_of_birth: d.toISOString().slice(0, 10), dob_estimated: true };
    }
    const dob = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseDate(text) : null;
    if (!dob) return fail("validation", "Date of birth is a date like 1980-02-29 (YYYY-MM-DD)", "date_of_birth");
    if (dob > iso().slice(0, 10)) fail("validation", "Date of birth cannot be in the future", "date_of_birth");
    if (today.getUTCFullYear() - Number(dob.slice(0, 4)) > 130) fail("validation", "Date of birth is more than 130 years ago", "date_of_birth");
    return { date_of_birth: dob, dob_estimated: false };
  }
  function photo(value: string | null | undefined): string {
    const v = (value ?? "").trim();
    if (v === "") return v;
    if (!v.startsWith("data:image/png;base64,") && !v.startsWith("data:image/jpeg;base64,")) fail("validation", "the photo must be a PNG or JPEG image", "photo_data_url");
    if (((v.length - v.indexOf(",") - 1) * 3) / 4 > 256 * 1024) fail("validation", "the photo is larger than 256 KB", "photo_data_url");
    return v;
  }

  function validate(input: PatientInput): Clean {
    const given_name = required(input.given_name, "given_name", 100);
    const family_name = required(input.family_name, "family_name", 100);
    const other_names = optional(input.other_names, "other_names", 100);
    const sex: Sex = input.sex ?? fail("validation", "Sex is required (female, male, other or unknown)", "sex");
    const { date_of_birth, dob_estimated } = birthDate(input);
    const clean: Clean = {
      given_name,
      family_name,
      other_names,
      sex,
      date_of_birth,
      dob_estimated,
      phone: phone(input.phone, "phone"),
      phone_alt: phone(input.phone_alt, "phone_alt"),
      email: email(input.email),
      address: optional(input.address, "address", 500),
      national_id: nationalId(input.national_id),
      emergency_contact_name: optional(input.emergency_contact_name, "emergency_contact_name", 200),
      emergency_contact_phone: phone(input.emergency_contact_phone, "emergency_contact_phone"),
      emergency_contact_relation: optional(input.emergency_contact_relation, "emergency_contact_relation", 100),
      insurance_payer: optional(input.insurance_payer, "insurance_payer", 200),
      insurance_member_number: optional(input.insurance_member_number, "insurance_member_number", 100),
      notes: "",
      alerts: "",
      photo_data_url: "",
    };
    if (clean.insurance_member_number !== "" && clean.insurance_payer === "") fail("validation", "Insurance payer is required with a member number", "insurance_payer");
    clean.notes = optional(input.notes, "notes", 4000);
    clean.alerts = optional(input.alerts, "alerts", 500);
    clean.photo_data_url = photo(input.photo_data_url);
    return clean;
  }

  // ---- reading -------------------------------------------------------------------------

  const live = () => [...patients.values()].filter((p) => p.merged_into === null);
  const activeAllergy = (patientId: string) => [...allergies.values()].some((a) => a.patient_id === patientId && a.status === "active");
  const wordsOf = (p: StoredPatient) => [...nameWords(p.given_name), ...nameWords(p.family_name), ...nameWords(p.other_names)];
  const mrnsOf = (p: StoredPatient) => [p.mrn, ...[...patients.values()].filter((m) => m.merged_into === p.id).map((m) => m.mrn)];

  function toPatient(p: StoredPatient): Patient {
    const out: Patient & { merged_at?: string | null } = { ...p, age_years: p.date_of_birth ? ageOn(p.date_of_birth, now()) : null };
    delete out.merged_at;
    return out;
  }
  function hit(p: StoredPatient, matched: MatchKind): PatientHit {
    return {
      id: p.id,
      mrn: p.mrn,
      given_name: p.given_name,
      family_name: p.family_name,
      other_names: p.other_names,
      sex: p.sex,
      date_of_birth: p.date_of_birth,
      dob_estimated: p.dob_estimated,
      age_years: p.date_of_birth ? ageOn(p.date_of_birth, now()) : null,
      phone: p.phone,
      has_allergies: activeAllergy(p.id),
      matched,
    };
  }
  function load(id: string, field = "patient_id"): StoredPatient {
    return patients.get(id) ?? fail("not_found", "no such patient", field);
  }
  const byName = (a: StoredPatient, b: StoredPatient) => `${a.family_name} ${a.given_name}`.localeCompare(`${b.family_name} ${b.given_name}`) || a.mrn.localeCompare(b.mrn);

  function search(query: string, limit: number): Commands["search_patients"]["output"] {
    const q = query.trim();
    const page: [StoredPatient, MatchKind][] = [];
    const push = (p: StoredPatient, kind: MatchKind) => {
      if (page.length < limit && !page.some(([x]) => x.id === p.id)) page.push([p, kind]);
    };
    let interpreted_as: string;
    const mrnSearch = () => {
      const key = mrnKey(q);
      if (key.length < 3) return;
      for (const p of live().sort((a, b) => a.mrn.localeCompare(b.mrn))) if (mrnsOf(p).some((m) => mrnKey(m).startsWith(key))) push(p, "mrn");
    };
    const date = parseDate(q);
    if (q === "") {
      interpreted_as = "recent";
      const recent = [...opened.entries()].sort((a, b) => b[1].localeCompare(a[1]));
      for (const [id] of recent) {
        const p = patients.get(id);
        if (p && p.merged_into === null) push(p, "recent");
      }
      for (const p of live().sort((a, b) => b.updated_at.localeCompare(a.updated_at))) push(p, "recent");
    } else if (date) {
      interpreted_as = "date_of_birth";
      for (const p of live().sort(byName)) if (p.date_of_birth === date) push(p, "date_of_birth");
    } else if (/^[0-9 +().-]+$/.test(q) && phoneDigits(q).length >= 3) {
      interpreted_as = "phone";
      const digits = phoneDigits(q);
      const phonesOf = (p: StoredPatient) => [p.phone, p.phone_alt].map(phoneDigits).filter((d) => d.length > 0);
      for (const p of live().sort(byName)) if (phonesOf(p).some((d) => d.startsWith(digits))) push(p, "phone");
      if (digits.length >= 4) {
        const tail = digits.slice(-10);
        for (const p of live().sort(byName)) if (phonesOf(p).some((d) => d.endsWith(tail))) push(p, "phone");
      }
      mrnSearch();
    } else {
      const looksLikeMrn = !q.includes(" ") && /\d/.test(q) && /^[A-Za-z0-9-]+$/.test(q);
      if (looksLikeMrn) mrnSearch();
      interpreted_as = looksLikeMrn && page.length > 0 ? "mrn" : "name";
      const words = nameWords(q);
      if (words.length > 0) {
        const sorted = live().sort(byName);
        for (const p of sorted) {
          const own = wordsOf(p);
          if (words.every((w) => own.some((o) => o.startsWith(w)))) push(p, "name");
        }
        if (page.length < Math.min(limit, 3)) {
          for (const p of sorted) {
            const own = wordsOf(p);
            const exact = (w: string) => own.some((o) => o.startsWith(w));
            const close = (w: string) => w.length >= MIN_TYPO_LEN && own.some((o) => withinOneTypoOfPrefix(w, o));
            if (words.every((w) => exact(w) || close(w)) && !words.every(exact)) push(p, "typo");
          }
        }
      }
    }
    return { hits: page.map(([p, kind]) => hit(p, kind)), interpreted_as };
  }

  function similarNames(aGiven: string, aFamily: string, bGiven: string, bFamily: string): boolean {
    const close = (x0: string, y0: string) => {
      const x = nameWords(x0).join(" ");
      const y = nameWords(y0).join(" ");
      if (x === "" || y === "") return false;
      const allowed = Math.min(x.length, y.length) >= 6 ? 2 : 1;
      return x === y || osa(x, y) <= allowed || x.split(" ")[0] === y.split(" ")[0];
    };
    return (close(aGiven, bGiven) && close(aFamily, bFamily)) || (close(aGiven, bFamily) && close(aFamily, bGiven));
  }

  function candidates(c: Clean, exclude: string | null): DuplicateCandidate[] {
    const found: { id: string; reasons: string[] }[] = [];
    const add = (id: string, reason: string) => {
      if (id === exclude) return;
      const entry = found.find((f) => f.id === id);
      if (!entry) found.push({ id, reasons: [reason] });
      else if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    };
    for (const p of live()) {
      if (c.date_of_birth && p.date_of_birth === c.date_of_birth && similarNames(c.given_name, c.family_name, p.given_name, p.family_name)) add(p.id, "same date of birth and a similar name");
    }
    for (const number of [c.phone, c.phone_alt]) {
      const digits = phoneDigits(number);
      if (digits.length < 6) continue;
      const tail = digits.slice(-9);
      for (const p of live()) if ([p.phone, p.phone_alt].some((x) => phoneDigits(x).length > 0 && phoneDigits(x).endsWith(tail))) add(p.id, "same phone number");
    }
    if (c.national_id !== "") for (const p of live()) if (p.national_id === c.national_id) add(p.id, "same national id");
    return found
      .sort((a, b) => b.reasons.length - a.reasons.length)
      .slice(0, 20)
      .map((f) => ({ patient: hit(load(f.id), "name"), reasons: f.reasons }));
  }

  function insertAllergy(patientId: string, a: AllergyInput, prefix: string, pendingSubstances: string[] = []): StoredAllergy {
    const substance = required(a.substance, `${prefix}substance`, 200);
    const reaction = optional(a.reaction, `${prefix}reaction`, 500);
    const duplicate =
      [...allergies.values()].some((x) => x.patient_id === patientId && x.status === "active" && x.substance.toLowerCase() === substance.toLowerCase()) ||
      pendingSubstances.some((s) => s.toLowerCase() === substance.toLowerCase());
    if (duplicate) fail("validation", `An active allergy to ${substance} is already recorded`, `${prefix}substance`);
    const at = iso();
    return { id: newId(), patient_id: patientId, substance, reaction, severity: a.severity, status: "active", recorded_at: at, updated_at: at };
  }

  function insert(c: Clean, at = iso()): StoredPatient {
    let mrn = formatMrn(mrnPrefix, mrnNext);
    while ([...patients.values()].some((p) => p.mrn === mrn)) mrn = formatMrn(mrnPrefix, ++mrnNext);
    mrnNext += 1;
    const p: StoredPatient = { id: newId(), mrn, ...c, merged_into: null, merged_at: null, created_at: at, updated_at: at };
    patients.set(p.id, p);
    return p;
  }

  function timeline(p: StoredPatient, own: StoredAllergy[]): TimelineEntry[] {
    const out: TimelineEntry[] = [{ at: p.created_at, kind: "registered", title: `Registered as ${p.mrn}`, detail: "" }];
    for (const a of own) out.push({ at: a.recorded_at, kind: "allergy", title: `Allergy recorded: ${a.substance}`, detail: a.reaction });
    for (const m of patients.values()) {
      if (m.merged_into === p.id && m.merged_at) out.push({ at: m.merged_at, kind: "merged", title: `Merged record ${m.mrn} into this chart`, detail: "" });
    }
    return out.sort((a, b) => b.at.localeCompare(a.at));
  }

  const allergyView = (a: StoredAllergy): Allergy => {
    const out: Allergy & { patient_id?: string } = { ...a };
    delete out.patient_id;
    return out;
  };
  const allergiesOf = (patientId: string) =>
    [...allergies.values()]
      .filter((a) => a.patient_id === patientId)
      .sort((a, b) => Number(b.status === "active") - Number(a.status === "active") || a.recorded_at.localeCompare(b.recorded_at));

  const FILLABLE = [
    "other_names",
    "date_of_birth",
    "phone",
    "phone_alt",
    "email",
    "address",
    "national_id",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    "insurance_payer",
    "insurance_member_number",
    "notes",
    "alerts",
    "photo_data_url",
  ] as const;

  const handlers = {
    search_patients: (input: Commands["search_patients"]["input"]) => {
      const limit = input.limit ?? 20;
      if (limit < 1 || limit > 100) fail("validation", "limit is between 1 and 100", "limit");
      if (chars(input.query) > 200) fail("validation", "the search is longer than 200 characters", "query");
      return search(input.query, limit);
    },
    find_patient_duplicates: (input: Commands["find_patient_duplicates"]["input"]) => candidates(validate(input.patient), input.exclude_patient_id ?? null),
    register_patient: (input: Commands["register_patient"]["input"]): Patient => {
      const c = validate(input.patient);
      if (input.acknowledge_duplicates !== true) {
        const found = candidates(c, null);
        const first = found[0];
        if (first) {
          fail(
            "conflict",
            `${found.length} possible duplicate(s), e.g. ${first.patient.given_name} ${first.patient.family_name} (${first.patient.mrn}): open the existing patient, or register anyway`,
            "acknowledge_duplicates",
          );
        }
      }
      // Rust checks the allergies inside the same transaction: nothing is written when one is wrong.
      const pending: StoredAllergy[] = [];
      (input.allergies ?? []).forEach((a, i) => {
        pending.push(insertAllergy("(new)", a, `allergies.${i}.`, pending.map((x) => x.substance)));
      });
      const p = insert(c);
      for (const a of pending) allergies.set(a.id, { ...a, patient_id: p.id });
      deps.audit("register_patient", `registered ${p.mrn}`, "patients", p.id);
      return toPatient(p);
    },
    update_patient: (input: Commands["update_patient"]["input"]): Patient => {
      const before = load(input.patient_id);
      if (before.merged_into !== null) fail("conflict", "this record was merged into another patient; edit the surviving record", "patient_id");
      const c = validate(input.patient);
      const after: StoredPatient = { ...before, ...c, updated_at: iso() };
      patients.set(after.id, after);
      const changed = (Object.keys(c) as (keyof Clean)[]).filter((k) => before[k] !== after[k]);
      deps.audit("update_patient", changed.length > 0 ? `changed: ${changed.join(", ")}` : "no changes", "patients", after.id);
      return toPatient(after);
    },
    open_patient_chart: (input: Commands["open_patient_chart"]["input"]): PatientChart => {
      const asked = load(input.patient_id);
      let p = asked;
      for (let hops = 0; p.merged_into !== null; hops++) {
        if (hops > 16) fail("integrity", "a merge chain loops");
        p = load(p.merged_into);
      }
      const own = allergiesOf(p.id);
      opened.set(p.id, iso());
      deps.audit("open_patient_chart", `opened chart ${p.mrn}`, "patients", p.id);
      return {
        patient: toPatient(p),
        allergies: own.map(allergyView),
        merged_mrns: [...patients.values()].filter((m) => m.merged_into === p.id).map((m) => m.mrn).sort(),
        redirected_from: p.id === asked.id ? null : asked.id,
        redirected_from_mrn: p.id === asked.id ? null : asked.mrn,
        timeline: timeline(p, own),
      };
    },
    record_allergy: (input: Commands["record_allergy"]["input"]): Allergy => {
      const p = load(input.patient_id);
      if (p.merged_into !== null) fail("conflict", "this record was merged; use the surviving record", "patient_id");
      const a = insertAllergy(p.id, input.allergy, "allergy.");
      allergies.set(a.id, a);
      deps.audit("record_allergy", `allergy for ${p.mrn}`, "patient_allergies", a.id);
      return allergyView(a);
    },
    set_allergy_status: (input: Commands["set_allergy_status"]["input"]): Allergy => {
      const reason = required(input.reason, "reason", 500);
      const a = allergies.get(input.allergy_id) ?? fail("not_found", "no such allergy", "allergy_id");
      if (a.status === "entered_in_error") fail("conflict", "an allergy entered in error stays that way; record a new one instead", "status");
      const next: StoredAllergy = { ...a, status: input.status, updated_at: iso() };
      allergies.set(a.id, next);
      deps.audit("set_allergy_status", `${a.status} → ${input.status}: ${reason}`, "patient_allergies", a.id);
      return allergyView(next);
    },
    merge_patients: (input: Commands["merge_patients"]["input"]): Commands["merge_patients"]["output"] => {
      const reason = required(input.reason, "reason", 500);
      if (input.survivor_id === input.duplicate_id) fail("validation", "a patient cannot be merged into itself", "duplicate_id");
      const survivor = load(input.survivor_id, "survivor_id");
      const duplicate = load(input.duplicate_id, "duplicate_id");
      if (survivor.merged_into !== null) fail("conflict", "the surviving record was itself merged away", "survivor_id");
      if (duplicate.merged_into !== null) fail("conflict", "this duplicate was already merged", "duplicate_id");
      let moved = 0;
      for (const a of allergies.values()) {
        if (a.patient_id === duplicate.id) {
          allergies.set(a.id, { ...a, patient_id: survivor.id });
          moved += 1;
        }
      }
      opened.delete(duplicate.id);
      const filled: string[] = [];
      const next: StoredPatient = { ...survivor };
      for (const field of FILLABLE) {
        const mine = next[field] ?? "";
        const theirs = duplicate[field] ?? "";
        if (mine === "" && theirs !== "") {
          Object.assign(next, { [field]: theirs });
          filled.push(field);
        }
      }
      if (filled.includes("date_of_birth")) next.dob_estimated = duplicate.dob_estimated;
      const at = iso();
      next.updated_at = at;
      patients.set(next.id, next);
      patients.set(duplicate.id, { ...duplicate, merged_into: survivor.id, merged_at: at, updated_at: at });
      deps.audit("merge_patients", JSON.stringify({ survivor: survivor.mrn, duplicate: duplicate.mrn, moved: { patient_allergies: moved }, filled, reason }), "patients", survivor.id);
      return { survivor: toPatient(next), duplicate_mrn: duplicate.mrn, moved: [{ table: "patient_allergies", rows: moved }], filled_fields: filled };
    },
  } satisfies { [K in keyof Commands]?: (input: Commands[K]["input"]) => Commands[K]["output"] };

  /** Demo patients: registered at spread-out times, with a few allergies, alerts and one near-duplicate pair. */
  function seedDemo() {
    const base = now().getTime();
    DEMO_PATIENTS.forEach((d, i) => {
      const at = new Date(base - (DEMO_PATIENTS.length - i) * 86_400_000 * 3).toISOString();
      const { allergies: known, ...input } = d;
      const p = insert(validate(input), at);
      for (const a of known ?? []) {
        const stored = insertAllergy(p.id, a, "allergies.0.");
        allergies.set(stored.id, { ...stored, patient_id: p.id, recorded_at: at, updated_at: at });
      }
    });
  }

  /** A patient registered on another workstation (its MRN has that workstation's prefix), arrived by sync. */
  function arriveBySync(input: PatientInput, mrn: string): Patient {
    const at = iso();
    const p: StoredPatient = { id: newId(), mrn, ...validate(input), merged_into: null, merged_at: null, created_at: at, updated_at: at };
    patients.set(p.id, p);
    return toPatient(p);
  }

  return { handlers, seedDemo, arriveBySync, patients, allergies };
}

type DemoPatient = PatientInput & { allergies?: AllergyInput[] };

/** The fake's demo registry (Rust generates 300; these cover accents, typos, phones and a duplicate pair). */
export const DEMO_PATIENTS: DemoPatient[] = [
  {
    given_name: "María",
    family_name: "García López",
    sex: "female",
    date_of_birth: "1984-03-15",
    phone: "+34 612 345 678",
    email: "maria.garcia@example.es",
    address: "Calle Mayor 12, 28013 Madrid",
    national_id: "",
    emergency_contact_name: "Javier García",
    emergency_contact_relation: "Brother",
    emergency_contact_phone: "+34 611 222 333",
    insurance_payer: "Sanitas",
    insurance_member_number: "SAN-448812",
    alerts: "Hard of hearing: face the patient and speak clearly",
    notes: "Prefers morning appointments.",
    allergies: [
      { substance: "Penicillin", reaction: "Anaphylaxis", severity: "severe" },
      { substance: "Latex", reaction: "Contact rash", severity: "moderate" },
    ],
  },
  { given_name: "Maria", family_name: "Garcia", sex: "female", date_of_birth: "1990-11-02", phone: "+39 347 555 0192" },
  { given_name: "Giulia", family_name: "Rossi", sex: "female", date_of_birth: "1972-06-30", phone: "06 5551 2040", insurance_payer: "UniSalute", insurance_member_number: "US-20931" },
  { given_name: "Marco", family_name: "Bianchi", sex: "male", date_of_birth: "1975-04-12", phone: "+39 333 123 4567", address: "Via Garibaldi 8, 00153 Roma", insurance_payer: "Generali", insurance_member_number: "GEN-77120" },
  {
    given_name: "Marco",
    family_name: "Bianci",
    sex: "male",
    date_of_birth: "1975-04-12",
    email: "marco.bianchi@example.it",
    allergies: [{ substance: "Ibuprofen", reaction: "Hives", severity: "mild" }],
  },
  { given_name: "Jana", family_name: "Müller", sex: "female", date_of_birth: "1988-09-21", phone: "+49 151 2345 6789" },
  { given_name: "Søren", family_name: "Ødegaard", sex: "male", date_of_birth: "1961-01-08", phone: "+45 20 12 34 56", allergies: [{ substance: "Sulfonamides", reaction: "", severity: "unknown" }] },
  { given_name: "Zoé", family_name: "Dupont", sex: "female", date_of_birth: "2016-05-17", phone: "+33 6 12 34 56 78", emergency_contact_name: "Amélie Dupont", emergency_contact_relation: "Mother", emergency_contact_phone: "+33 6 98 76 54 32" },
  { given_name: "Chinedu", family_name: "Eze", sex: "male", estimated_age_years: 45, phone: "0803 555 0147", notes: "Date of birth unknown; age estimated at registration." },
  { given_name: "Aiko", family_name: "Tanaka", sex: "female", date_of_birth: "1995-12-03", email: "aiko.t@example.jp" },
  { given_name: "José", family_name: "Fernández", other_names: "Antonio", sex: "male", date_of_birth: "1958-07-25", phone: "+34 622 100 200", alerts: "Uses a wheelchair" },
  { given_name: "Francesca", family_name: "Esposito", sex: "female", date_of_birth: "2001-02-14", phone: "+39 320 888 1234", allergies: [{ substance: "Peanuts", reaction: "Swelling of lips and throat", severity: "severe" }] },
  { given_name: "Luca", family_name: "Romano", sex: "male", date_of_birth: "1980-10-10", phone: "+39 349 111 2233" },
  { given_name: "Hélène", family_name: "Lefèvre", sex: "female", date_of_birth: "1969-08-19", phone: "+33 6 44 55 66 77" },
  { given_name: "Seán", family_name: "O'Brien", sex: "male", date_of_birth: "1992-03-29", phone: "+353 87 123 4567" },
  { given_name: "Åsa", family_name: "Lindström", sex: "female", date_of_birth: "1977-12-24", phone: "+46 70 123 45 67" },
  { given_name: "Anna", family_name: "Schmidt", sex: "female", date_of_birth: "1949-04-02", phone: "+49 160 998 877", alerts: "Fall risk" },
  { given_name: "Alex", family_name: "Morgan", sex: "other", date_of_birth: "1999-09-09", email: "alex.morgan@example.org" },
];
