// The diagnoses, ICD-10 and prescriptions part of the fake backend (see fake-backend.ts): an
// encounter's ICD-10-CM diagnoses (records/diagnoses.rs) searched from a few dozen real codes of
// the shipped list (records/icd10.rs, the same ranking), the medication catalog (a part of the
// starter list of migrations/local/20261203090000_prescriptions.sql, with its real ids), and
// prescriptions (prescriptions/mod.rs, catalog.rs, checks.rs, print.rs): drafts filled from the
// catalog's defaults with the quantity worked out, allergy and duplicate-therapy warnings worked
// out at each read of a draft, signing with an override reason per warning, discontinue,
// entered in error, renew, the current medication list, a small real PDF and CUPS-like printers.
// The same checks in the same order, the same messages, codes and fields as Rust. Who may call
// what is the generated COMMAND_ACCESS, checked by the fake's dispatch; "only the prescriber" and
// "only the encounter's doctor" are checked here, as Rust does it in the command. Every handler
// checks everything before it changes anything (Rust runs each command in one transaction).
import type {
  CurrentMedication,
  Commands,
  Diagnosis,
  DiagnosisCertainty,
  DiagnosisRank,
  EncounterStatus,
  ErrorCode,
  Frequency,
  IcdCode,
  ItemStatus,
  Medication,
  MedicationInput,
  Prescription,
  PrescriptionItem,
  PrescriptionPdf,
  PrescriptionStatus,
  PrescriptionWarning,
  Printer,
  Route,
  TimelineEntry,
  WarningKind,
} from "../api/generated";
import { chars, requireActivePatient, textRules } from "./fake-validation";

/** A user as this store reads it (names on records; licence and specialization for the PDF). */
export interface PrescriptionsUser {
  id: string;
  full_name: string;
  licence_number?: string | null;
  specialization?: string | null;
}

/** What the store reads of a patient (the fake patients store's records fit). */
export interface PrescriptionsPatient {
  id: string;
  mrn: string;
  given_name: string;
  family_name: string;
  other_names: string;
  date_of_birth: string | null;
  merged_into: string | null;
}

export interface PrescriptionsStoreDeps {
  now: () => Date;
  newId: () => string;
  fail: (code: ErrorCode, message: string, field?: string) => never;
  /** Who runs the current command (Rust: `ctx.user()`). */
  actor: () => PrescriptionsUser | null;
  users: () => Iterable<PrescriptionsUser>;
  patients: () => ReadonlyMap<string, PrescriptionsPatient>;
  /** Every recorded allergy (the patients store's `allergies.values()`). */
  allergies: () => Iterable<{ patient_id: string; substance: string; reaction: string; severity: string; status: string; recorded_at: string }>;
  /** The records store's encounters. */
  encounters: () => ReadonlyMap<string, { id: string; patient_id: string; doctor_id: string; status: EncounterStatus }>;
  /** The clinic's settings (its time zone decides "today" for the current medications). */
  settings: () => { name: string; time_zone: string; address?: string; phone?: string } | null;
  audit: (action: string, detail: string, table: string, id: string) => void;
}

// ---- the ICD-10-CM list (records/icd10.rs) -----------------------------------------------------

/** Rows of the shipped list (CMS April 2026), exactly as icd10cm-2026-04.tsv has them: code, billable, description. */
const ICD10_ROWS: readonly (readonly [string, boolean, string])[] = [
  ["A09", true, "Infectious gastroenteritis and colitis, unspecified"],
  ["B34.9", true, "Viral infection, unspecified"],
  ["E03.9", true, "Hypothyroidism, unspecified"],
  ["E10", false, "Type 1 diabetes mellitus"],
  ["E10.9", true, "Type 1 diabetes mellitus without complications"],
  ["E11", false, "Type 2 diabetes mellitus"],
  ["E11.0", false, "Type 2 diabetes mellitus with hyperosmolarity"],
  ["E11.00", true, "Type 2 diabetes mellitus with hyperosmolarity without nonketotic hyperglycemic-hyperosmolar coma (NKHHC)"],
  ["E11.2", false, "Type 2 diabetes mellitus with kidney complications"],
  ["E11.21", true, "Type 2 diabetes mellitus with diabetic nephropathy"],
  ["E11.22", true, "Type 2 diabetes mellitus with diabetic chronic kidney disease"],
  ["E11.6", false, "Type 2 diabetes mellitus with other specified complications"],
  ["E11.65", true, "Type 2 diabetes mellitus with hyperglycemia"],
  ["E11.8", true, "Type 2 diabetes mellitus with unspecified complications"],
  ["E11.9", true, "Type 2 diabetes mellitus without complications"],
  ["E66.9", true, "Obesity, unspecified"],
  ["E78.5", true, "Hyperlipidemia, unspecified"],
  ["F32.A", true, "Depression, unspecified"],
  ["F41.1", true, "Generalized anxiety disorder"],
  ["G43.909", true, "Migraine, unspecified, not intractable, without status migrainosus"],
  ["I10", true, "Essential (primary) hypertension"],
  ["I25.10", true, "Atherosclerotic heart disease of native coronary artery without angina pectoris"],
  ["I48.91", true, "Unspecified atrial fibrillation"],
  ["J02.0", true, "Streptococcal pharyngitis"],
  ["J02.9", true, "Acute pharyngitis, unspecified"],
  ["J03", false, "Acute tonsillitis"],
  ["J03.0", false, "Streptococcal tonsillitis"],
  ["J03.00", true, "Acute streptococcal tonsillitis, unspecified"],
  ["J03.9", false, "Acute tonsillitis, unspecified"],
  ["J03.90", true, "Acute tonsillitis, unspecified"],
  ["J06.9", true, "Acute upper respiratory infection, unspecified"],
  ["J18.9", true, "Pneumonia, unspecified organism"],
  ["J20.9", true, "Acute bronchitis, unspecified"],
  ["J45", false, "Asthma"],
  ["J45.2", false, "Mild intermittent asthma"],
  ["J45.20", true, "Mild intermittent asthma, uncomplicated"],
  ["J45.21", true, "Mild intermittent asthma with (acute) exacerbation"],
  ["J45.9", false, "Other and unspecified asthma"],
  ["J45.90", false, "Unspecified asthma"],
  ["J45.901", true, "Unspecified asthma with (acute) exacerbation"],
  ["J45.909", true, "Unspecified asthma, uncomplicated"],
  ["K21.9", true, "Gastro-esophageal reflux disease without esophagitis"],
  ["L03.90", true, "Cellulitis, unspecified"],
  ["M10.9", true, "Gout, unspecified"],
  ["M54.5", false, "Low back pain"],
  ["M54.50", true, "Low back pain, unspecified"],
  ["N30", false, "Cystitis"],
  ["N30.0", false, "Acute cystitis"],
  ["N30.00", true, "Acute cystitis without hematuria"],
  ["N30.01", true, "Acute cystitis with hematuria"],
  ["N39.0", true, "Urinary tract infection, site not specified"],
  ["R50.9", true, "Fever, unspecified"],
  ["R51.9", true, "Headache, unspecified"],
  ["S83.41", false, "Sprain of medial collateral ligament of knee"],
  ["S83.411", false, "Sprain of medial collateral ligament of right knee"],
  ["S83.411A", true, "Sprain of medial collateral ligament of right knee, initial encounter"],
  ["U07", false, "Emergency use of U07"],
  ["U07.1", true, "COVID-19"],
  ["Z00.00", true, "Encounter for general adult medical examination without abnormal findings"],
];

/** icd10::RELEASE. */
export const ICD10_RELEASE = "ICD-10-CM April 2026 (CMS)";

/** deunicode, roughly: accents and marks off (enough for the fake's Latin text). */
const ascii = (text: string) => text.normalize("NFKD").replace(/\p{M}/gu, "");

/** icd10::words_of: lower-case ASCII alphanumeric words. */
const wordsOf = (text: string) => ascii(text).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

/** icd10::compact: upper case without the dot. */
const compact = (code: string) => code.trim().replaceAll(".", "").toUpperCase();

interface IcdEntry {
  compact: string;
  code: IcdCode;
  words: string[];
}

const ICD10: readonly IcdEntry[] = ICD10_ROWS.map(([code, billable, description]) => ({ compact: compact(code), code: { code, description, billable }, words: wordsOf(description) })).sort((a, b) =>
  a.compact < b.compact ? -1 : a.compact > b.compact ? 1 : 0,
);

/** icd10::find: the code as written ("e119", "E11.9"), or undefined. */
export function findIcd10(code: string): IcdCode | undefined {
  const key = compact(code);
  const found = ICD10.find((e) => e.compact === key);
  return found ? { ...found.code } : undefined;
}

/** icd10::looks_like_code: a letter, a digit, then code characters, a dot allowed. */
const looksLikeCode = (q: string) => /^[A-Za-z][0-9][A-Za-z0-9.]*$/.test(q);

/**
 * icd10::search: a code-shaped query lists that code and the codes under it, in code order;
 * words match description words by prefix, all of them, ranked by whole-word matches, then
 * recordable codes, then the shortest description, then code order.
 */
export function searchIcd10(query: string, limit: number): { codes: IcdCode[]; total: number } {
  const q = query.trim();
  if (q === "" || limit === 0) return { codes: [], total: 0 };
  if (looksLikeCode(q)) {
    const key = compact(q);
    const under = ICD10.filter((e) => e.compact.startsWith(key));
    if (under.length > 0) return { codes: under.slice(0, limit).map((e) => ({ ...e.code })), total: under.length };
  }
  const terms = wordsOf(q);
  if (terms.length === 0) return { codes: [], total: 0 };
  const scored: { whole: number; billable: boolean; length: number; index: number }[] = [];
  ICD10.forEach((e, index) => {
    let whole = 0;
    for (const term of terms) {
      if (!e.words.some((w) => w.startsWith(term))) return;
      if (e.words.includes(term)) whole += 1;
    }
    scored.push({ whole, billable: e.code.billable, length: new TextEncoder().encode(e.code.description).length, index });
  });
  scored.sort((a, b) => b.whole - a.whole || Number(!a.billable) - Number(!b.billable) || a.length - b.length || a.index - b.index);
  return { codes: scored.slice(0, limit).map((s) => ({ ...(ICD10[s.index]?.code ?? { code: "", description: "", billable: false }) })), total: scored.length };
}

// ---- the medication catalog (prescriptions/catalog.rs) ----------------------------------------

type CatalogRow = readonly [id: string, generic: string, brands: string, form: string, strength: string, route: Route, atc: string, classes: string, unit: string, dose: string, unitsPerDose: number | null, frequency: Frequency, days: number | null, quantity: number | null, instructions: string];

/** Rows of the starter catalog, as the migration seeds them (the same ids on every workstation). */
const STARTER_CATALOG: readonly CatalogRow[] = [
  ["med-amoxicillin-500-mg-capsule", "Amoxicillin", "Amoxil", "capsule", "500 mg", "oral", "J01CA04", "penicillins,beta-lactams", "capsule", "1 capsule", 1, "three_times_daily", 7, null, "Complete the whole course."],
  ["med-amoxicillin-250-mg-5-ml-oral-suspension", "Amoxicillin", "Amoxil", "oral suspension", "250 mg/5 ml", "oral", "J01CA04", "penicillins,beta-lactams", "bottle (100 ml)", "5 ml", null, "three_times_daily", 7, 1, "Shake well before use. Complete the whole course."],
  ["med-amoxicillin-and-clavulanic-acid-875-mg-125-mg-tablet", "Amoxicillin and clavulanic acid", "Augmentin, Co-amoxiclav", "tablet", "875 mg/125 mg", "oral", "J01CR02", "penicillins,beta-lactams", "tablet", "1 tablet", 1, "twice_daily", 7, null, "Take at the start of a meal. Complete the whole course."],
  ["med-cefalexin-500-mg-capsule", "Cefalexin", "Keflex", "capsule", "500 mg", "oral", "J01DB01", "cephalosporins,beta-lactams", "capsule", "1 capsule", 1, "three_times_daily", 7, null, ""],
  ["med-azithromycin-500-mg-tablet", "Azithromycin", "Zithromax", "tablet", "500 mg", "oral", "J01FA10", "macrolides", "tablet", "1 tablet", 1, "once_daily", 3, null, ""],
  ["med-nitrofurantoin-100-mg-capsule", "Nitrofurantoin", "Macrobid", "capsule", "100 mg", "oral", "J01XE01", "nitrofurans", "capsule", "1 capsule", 1, "twice_daily", 5, null, "Take with food."],
  ["med-fluconazole-150-mg-capsule", "Fluconazole", "Diflucan", "capsule", "150 mg", "oral", "J02AC01", "azole antifungals", "capsule", "1 capsule", 1, "once", null, 1, "Single dose."],
  ["med-paracetamol-500-mg-tablet", "Paracetamol", "Panadol, Tylenol, Acetaminophen", "tablet", "500 mg", "oral", "N02BE01", "analgesics", "tablet", "2 tablets", 2, "four_times_daily", 5, null, "At most 8 tablets in 24 hours. At least 4 hours between doses."],
  ["med-ibuprofen-400-mg-tablet", "Ibuprofen", "Brufen, Advil, Nurofen", "tablet", "400 mg", "oral", "M01AE01", "nsaids", "tablet", "1 tablet", 1, "three_times_daily", 5, null, "Take with or after food."],
  ["med-acetylsalicylic-acid-75-mg-tablet", "Acetylsalicylic acid", "Aspirin", "tablet", "75 mg", "oral", "B01AC06", "salicylates,nsaids", "tablet", "1 tablet", 1, "once_daily", null, null, "Take with food."],
  ["med-sumatriptan-50-mg-tablet", "Sumatriptan", "Imitrex, Imigran", "tablet", "50 mg", "oral", "N02CC01", "triptans", "tablet", "1 tablet", 1, "as_needed", null, 6, "At migraine onset; a second dose after 2 hours at the earliest. At most 300 mg in 24 hours."],
  ["med-amlodipine-5-mg-tablet", "Amlodipine", "Norvasc", "tablet", "5 mg", "oral", "C08CA01", "calcium channel blockers", "tablet", "1 tablet", 1, "once_daily", 30, null, ""],
  ["med-lisinopril-10-mg-tablet", "Lisinopril", "Zestril, Prinivil", "tablet", "10 mg", "oral", "C09AA03", "ace inhibitors", "tablet", "1 tablet", 1, "once_daily", 30, null, ""],
  ["med-ramipril-5-mg-capsule", "Ramipril", "Tritace, Altace", "capsule", "5 mg", "oral", "C09AA05", "ace inhibitors", "capsule", "1 capsule", 1, "once_daily", 30, null, ""],
  ["med-atorvastatin-20-mg-tablet", "Atorvastatin", "Lipitor", "tablet", "20 mg", "oral", "C10AA05", "statins", "tablet", "1 tablet", 1, "once_daily", 30, null, ""],
  ["med-metformin-500-mg-tablet", "Metformin", "Glucophage", "tablet", "500 mg", "oral", "A10BA02", "biguanides", "tablet", "1 tablet", 1, "twice_daily", 30, null, "Take with meals."],
  ["med-metformin-850-mg-tablet", "Metformin", "Glucophage", "tablet", "850 mg", "oral", "A10BA02", "biguanides", "tablet", "1 tablet", 1, "twice_daily", 30, null, "Take with meals."],
  ["med-insulin-glargine-100-units-ml-3-ml-pre-filled-pen", "Insulin glargine", "Lantus, Toujeo", "pre-filled pen", "100 units/ml (3 ml)", "subcutaneous", "A10AE04", "insulins", "pen", "10 units", null, "at_bedtime", null, 5, "Dose as directed. Rotate injection sites."],
  ["med-salbutamol-100-micrograms-dose-inhaler", "Salbutamol", "Ventolin", "inhaler", "100 micrograms/dose", "inhaled", "R03AC02", "beta2 agonists", "inhaler", "2 puffs", null, "as_needed", null, 1, "Use a spacer. See a doctor if needed more than 3 times a week."],
  ["med-omeprazole-20-mg-capsule", "Omeprazole", "Losec, Prilosec", "capsule", "20 mg", "oral", "A02BC01", "proton pump inhibitors", "capsule", "1 capsule", 1, "once_daily", 28, null, "Take before breakfast."],
  ["med-chloramphenicol-0-5-eye-drops", "Chloramphenicol", "Chloromycetin", "eye drops", "0.5%", "ophthalmic", "S01AA01", "amphenicols", "bottle (10 ml)", "1 drop", null, "four_times_daily", 5, 1, "Discard 28 days after opening."],
];

/** Route::label: how a prescription says it. */
export const ROUTE_LABELS: Readonly<Record<Route, string>> = {
  oral: "orally",
  sublingual: "under the tongue",
  topical: "to the skin",
  inhaled: "inhaled",
  nasal: "into the nose",
  ophthalmic: "into the eye",
  otic: "into the ear",
  rectal: "rectally",
  vaginal: "vaginally",
  transdermal: "as a patch",
  subcutaneous: "by subcutaneous injection",
  intramuscular: "by intramuscular injection",
  intravenous: "intravenously",
};

/** Frequency::label. */
export const FREQUENCY_LABELS: Readonly<Record<Frequency, string>> = {
  once: "once (single dose)",
  once_daily: "once daily",
  twice_daily: "twice daily",
  three_times_daily: "three times daily",
  four_times_daily: "four times daily",
  five_times_daily: "five times daily",
  every_4_hours: "every 4 hours",
  every_6_hours: "every 6 hours",
  every_8_hours: "every 8 hours",
  every_12_hours: "every 12 hours",
  at_bedtime: "at bedtime",
  once_weekly: "once weekly",
  as_needed: "when needed",
};

/** Frequency::doses_in: doses over `days` days, when the frequency fixes it (not "when needed"). */
function dosesIn(frequency: Frequency, days: number): number | null {
  switch (frequency) {
    case "once":
      return 1;
    case "once_daily":
    case "at_bedtime":
      return days;
    case "twice_daily":
    case "every_12_hours":
      return 2 * days;
    case "three_times_daily":
    case "every_8_hours":
      return 3 * days;
    case "four_times_daily":
    case "every_6_hours":
      return 4 * days;
    case "five_times_daily":
      return 5 * days;
    case "every_4_hours":
      return 6 * days;
    case "once_weekly":
      return Math.ceil(days / 7);
    case "as_needed":
      return null;
  }
}

/** prescriptions::directions: the line a pharmacist reads. */
export function directionsOf(dose: string, route: Route, frequency: Frequency, durationDays: number | null): string {
  let s = `${dose.trim()} ${ROUTE_LABELS[route]} ${FREQUENCY_LABELS[frequency]}`;
  if (frequency !== "once" && durationDays !== null) s += durationDays === 1 ? " for 1 day" : ` for ${durationDays} days`;
  return s.trim();
}

/** catalog::display_name: "Amoxicillin 500 mg capsule". */
const displayName = (generic: string, strength: string, form: string) => [generic, strength, form].filter((s) => s.trim() !== "").join(" ");

/** catalog::list_of: comma-separated text as a list. */
const listOf = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** catalog::valid_atc: 1, 3, 4, 5 or 7 characters shaped like A10BA02. */
function validAtc(code: string): boolean {
  const shape = [/[A-Z]/, /[0-9]/, /[0-9]/, /[A-Z]/, /[A-Z]/, /[0-9]/, /[0-9]/];
  return [1, 3, 4, 5, 7].includes(code.length) && Array.from(code).every((c, i) => shape[i]?.test(c) === true);
}

// ---- the warnings (prescriptions/checks.rs) -----------------------------------------------------

/** What an allergy may call a class that the catalog names differently. */
/** Classes whose allergies often extend to another (checks.rs CROSS_REACTIVE). */
const CROSS_REACTIVE: readonly (readonly [string, string])[] = [
  ["penicillins", "cephalosporins"],
  ["cephalosporins", "penicillins"],
];

const CLASS_ALIASES: readonly (readonly [string, string])[] = [
  ["sulfa", "sulfonamides"],
  ["sulpha", "sulfonamides"],
  ["sulphonamide", "sulfonamides"],
  ["opiate", "opioids"],
  ["non steroidal anti inflammatory", "nsaids"],
  ["asa", "salicylates"],
  ["aspirin", "nsaids"],
  ["penicillin", "penicillins"],
  ["beta lactam", "beta-lactams"],
  ["quinolone", "fluoroquinolones"],
  ["statin", "statins"],
];

/** checks::normalize: lower-case ASCII alphanumeric words joined by one space. */
const normalize = (text: string) =>
  ascii(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");

/** checks::stem: "penicillins" and "penicillin" meet. */
const stem = (word: string) => (word.endsWith("s") ? word.slice(0, -1) : word);

/** checks::allergy_match: what of the medication an allergy to `substance` names, or null. */
export function allergyMatch(substance: string, generic: string, brands: readonly string[], classes: readonly string[]): string | null {
  const s = normalize(substance);
  if (s.length < 3) return null;
  const contains = (hay: string, needle: string) => needle.length >= 4 && ` ${hay} `.includes(` ${needle}`);
  const g = normalize(generic);
  if (contains(g, stem(s)) || contains(s, g)) return generic;
  for (const brand of brands) {
    const b = normalize(brand);
    if (b === s || contains(s, b)) return `brand ${b}`;
  }
  const named = CLASS_ALIASES.find(([alias]) => s === alias || stem(s) === alias || contains(s, alias))?.[1];
  for (const c of classes) {
    const cn = normalize(c);
    if ((named !== undefined && normalize(named) === cn) || stem(cn) === stem(s) || contains(s, stem(cn))) return `class ${c}`;
  }
  return null;
}

interface OtherMedication {
  name: string;
  generic_name: string;
  atc_code: string;
  group: string;
  /** "on this prescription" / "prescribed 2026-11-02 by Dr …". */
  source: string;
}

/** checks::duplicate_of. */
function duplicateOf(item: PrescriptionItem, other: OtherMedication): string | null {
  const same = item.atc_code.length === 7 && other.atc_code.length === 7 ? item.atc_code === other.atc_code : normalize(item.generic_name) === normalize(other.generic_name);
  if (same) return `${item.generic_name} is already prescribed (${other.name}, ${other.source})`;
  if (item.atc_code.length >= 5 && other.atc_code.length >= 5 && item.atc_code.slice(0, 5) === other.atc_code.slice(0, 5)) {
    const group = other.group === "" ? `ATC group ${item.atc_code.slice(0, 5)}` : other.group;
    return `therapeutic duplicate: ${item.medication_name} and ${other.name} are both ${group} (${other.source})`;
  }
  return null;
}

// ---- the printed document (a real PDF, small) ---------------------------------------------------

/** A one-page PDF 1.4 with Helvetica text lines (WinAnsi): what `prescription_pdf` answers, in miniature. */
export function tinyPdf(lines: readonly { text: string; size?: number; bold?: boolean }[]): string {
  const latin1 = (s: string) => Array.from(s, (c) => (c.charCodeAt(0) <= 0xff ? c : "?")).join("");
  const escape = (s: string) => latin1(s).replace(/[\\()]/g, (c) => `\\${c}`);
  let y = 800;
  const ops = lines
    .map(({ text, size = 11, bold = false }) => {
      y -= size + 8;
      return `BT /${bold ? "F2" : "F1"} ${size} Tf 56 ${y} Td (${escape(text)}) Tj ET`;
    })
    .join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    `<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return btoa(body);
}

// ---- the store -----------------------------------------------------------------------------------

interface StoredDiagnosis {
  id: string;
  encounter_id: string;
  patient_id: string;
  code: string;
  description: string;
  rank: DiagnosisRank;
  certainty: DiagnosisCertainty;
  note: string;
  amendment_reason: string;
  recorded_by: string;
  recorded_at: string;
  status: "recorded" | "entered_in_error";
  error_reason: string;
}

type StoredMedication = Omit<Medication, "display_name"> & { created_at: string; updated_at: string };

interface StoredPrescription {
  id: string;
  patient_id: string;
  encounter_id: string | null;
  prescriber_id: string;
  status: PrescriptionStatus;
  notes: string;
  verification_code: string | null;
  renewed_from_id: string | null;
  created_at: string;
  signed_at: string | null;
  error_reason: string;
  updated_at: string;
}

interface StoredItem {
  id: string;
  prescription_id: string;
  patient_id: string;
  position: number;
  medication_id: string;
  medication_name: string;
  generic_name: string;
  atc_code: string;
  /** Comma-separated, as the column holds them. */
  allergy_classes: string;
  dose: string;
  route: Route;
  frequency: Frequency;
  duration_days: number | null;
  quantity: number;
  dispense_unit: string;
  refills: number;
  instructions: string;
  status: ItemStatus;
  stop_reason: string;
  stopped_by: string | null;
  stopped_at: string | null;
  created_at: string;
  updated_at: string;
}

interface StoredOverride {
  id: string;
  prescription_id: string;
  item_id: string;
  patient_id: string;
  kind: WarningKind;
  warning: string;
  reason: string;
  overridden_by: string;
  overridden_at: string;
}

/** The item fields a prescriber sets (prescriptions::ItemFields); absent keeps the current value or the catalog's. */
type ItemFields = Omit<Commands["add_prescription_item"]["input"], "prescription_id" | "medication_id">;

interface ItemValues {
  dose: string;
  route: Route;
  frequency: Frequency;
  duration_days: number | null;
  quantity: number;
  refills: number;
  instructions: string;
}

/** SQLite's binary collation (Rust's ORDER BY on text). */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** COLLATE NOCASE: ASCII letters folded. */
const nocase = (a: string, b: string) => cmp(a.replace(/[A-Z]/g, (c) => c.toLowerCase()), b.replace(/[A-Z]/g, (c) => c.toLowerCase()));

/**
 * The tables each write command of this store changes (Rust's change-log names), for the fake's
 * `clinic-changed` events: to be spread into fake-backend.ts's TABLES_WRITTEN.
 */
export const PRESCRIPTIONS_TABLES_WRITTEN: Partial<Record<keyof Commands, readonly string[]>> = {
  add_diagnosis: ["encounter_diagnoses"],
  mark_diagnosis_entered_in_error: ["encounter_diagnoses"],
  save_medication: ["medications"],
  create_prescription: ["prescriptions"],
  add_prescription_item: ["prescription_items"],
  update_prescription_item: ["prescription_items"],
  remove_prescription_item: ["prescription_items"],
  sign_prescription: ["prescriptions", "prescription_overrides"],
  discontinue_prescription_item: ["prescription_items"],
  mark_prescription_entered_in_error: ["prescriptions"],
  renew_prescription: ["prescriptions", "prescription_items"],
};

/** The CUPS queues of the fake workstation (`lpstat -e`, `lpstat -d`). */
export const FAKE_PRINTERS: readonly Printer[] = [
  { name: "Reception_Laser", is_default: true },
  { name: "Office_Inkjet", is_default: false },
  { name: "ClinicDeskPDF", is_default: false },
];

export function createPrescriptionsStore(deps: PrescriptionsStoreDeps) {
  const { newId } = deps;
  // `fail` returns `never`; called through a local function so that TypeScript narrows after it.
  function fail(code: ErrorCode, message: string, field?: string): never {
    return deps.fail(code, message, field);
  }
  const nowText = () => deps.now().toISOString();
  const diagnoses = new Map<string, StoredDiagnosis>();
  const medications = new Map<string, StoredMedication>();
  const prescriptions = new Map<string, StoredPrescription>();
  const items = new Map<string, StoredItem>();
  const overrides: StoredOverride[] = [];
  /** Jobs sent to the fake CUPS, in order. */
  const printJobs: { job_id: string; printer: string; prescription_id: string; file_name: string }[] = [];
  let printers: Printer[] | string = [...FAKE_PRINTERS];
  let jobCounter = 0;

  for (const [id, generic, brands, form, strength, route, atc, classes, unit, dose, unitsPerDose, frequency, days, quantity, instructions] of STARTER_CATALOG) {
    medications.set(id, {
      id,
      generic_name: generic,
      brand_names: listOf(brands),
      form,
      strength,
      route,
      atc_code: atc,
      allergy_classes: listOf(classes),
      dispense_unit: unit,
      default_dose: dose,
      units_per_dose: unitsPerDose,
      default_frequency: frequency,
      default_duration_days: days,
      default_quantity: quantity,
      default_instructions: instructions,
      active: true,
      created_at: "2026-12-03T00:00:00.000Z",
      updated_at: "2026-12-03T00:00:00.000Z",
    });
  }

  const userOf = (id: string | null) => (id === null ? undefined : [...deps.users()].find((u) => u.id === id));
  const userName = (id: string | null) => (id === null ? null : (userOf(id)?.full_name ?? ""));
  const me = (): PrescriptionsUser => deps.actor() ?? fail("unauthenticated", "sign in first");

  const requireActive = (patientId: string) => {
    requireActivePatient(deps.patients(), patientId, fail);
  };
  const { required, optionalText } = textRules(fail);

  /** The clinic's date today (`YYYY-MM-DD` in its time zone). */
  function todayInClinic(): string {
    const zone = deps.settings()?.time_zone ?? "UTC";
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(deps.now());
  }

  // ---- diagnoses (records/diagnoses.rs) ----------------------------------------------------------

  function diagnosisView(d: StoredDiagnosis): Diagnosis {
    return {
      id: d.id,
      encounter_id: d.encounter_id,
      patient_id: d.patient_id,
      code: d.code,
      description: d.description,
      rank: d.rank,
      certainty: d.certainty,
      note: d.note,
      amendment_reason: d.amendment_reason,
      recorded_by_name: userName(d.recorded_by) ?? "",
      recorded_at: d.recorded_at,
      entered_in_error: d.status === "entered_in_error",
      error_reason: d.error_reason,
    };
  }

  /** diagnoses::of_encounter: primary first, then in the order recorded. */
  function diagnosesOf(encounterId: string): Diagnosis[] {
    return [...diagnoses.values()]
      .filter((d) => d.encounter_id === encounterId)
      .sort((a, b) => Number(a.rank !== "primary") - Number(b.rank !== "primary") || cmp(a.recorded_at, b.recorded_at) || cmp(a.id, b.id))
      .map(diagnosisView);
  }

  function encounterOf(id: string) {
    return deps.encounters().get(id) ?? fail("not_found", "no such encounter", "encounter_id");
  }

  function addDiagnosis(input: Commands["add_diagnosis"]["input"]): Diagnosis {
    const actor = me();
    const code = input.code.trim();
    if (code === "") fail("validation", "choose an ICD-10 code", "code");
    const coded = findIcd10(code) ?? fail("validation", `${code} is not an ICD-10-CM code; search the code list`, "code");
    if (!coded.billable) {
      const example = searchIcd10(coded.code, 8).codes.find((c) => c.billable);
      fail("validation", `${coded.code} (${coded.description}) is a category: choose one of its specific codes${example ? `, e.g. ${example.code} ${example.description}` : ""}`, "code");
    }
    const note = optionalText(input.note, "note", 2_000);
    const e = encounterOf(input.encounter_id);
    let reason = "";
    if (e.status === "signed") {
      const r = input.reason.trim();
      if (r === "" || chars(r) > 500) fail("validation", "this note is signed: give a reason to add a diagnosis as an amendment", "reason");
      reason = r;
    } else if (e.status === "entered_in_error") {
      fail("conflict", "this encounter was marked entered in error", "encounter_id");
    }
    if (e.doctor_id !== actor.id) fail("permission_denied", `only ${userName(e.doctor_id) ?? ""} (whose encounter this is) may record its diagnoses`);
    const recorded = [...diagnoses.values()].filter((d) => d.encounter_id === e.id && d.status === "recorded");
    if (recorded.some((d) => d.code === coded.code)) fail("validation", `${coded.code} is already a diagnosis of this encounter`, "code");
    // One primary diagnosis: a second one defaults to secondary; asking for a second primary explicitly is refused.
    const hasPrimary = recorded.some((d) => d.rank === "primary");
    const asked = input.rank ?? null;
    if (asked === "primary" && hasPrimary) fail("validation", "this encounter already has a primary diagnosis", "rank");
    const rank: DiagnosisRank = asked ?? (hasPrimary ? "secondary" : "primary");
    const d: StoredDiagnosis = {
      id: newId(),
      encounter_id: e.id,
      patient_id: e.patient_id,
      code: coded.code,
      description: coded.description,
      rank,
      certainty: input.certainty ?? "confirmed",
      note,
      amendment_reason: reason,
      recorded_by: actor.id,
      recorded_at: nowText(),
      status: "recorded",
      error_reason: "",
    };
    diagnoses.set(d.id, d);
    deps.audit("add_diagnosis", reason === "" ? `diagnosis ${coded.code}` : `diagnosis ${coded.code} added as an amendment: ${reason}`, "encounters", e.id);
    return diagnosisView(d);
  }

  function markDiagnosisEnteredInError(input: Commands["mark_diagnosis_entered_in_error"]["input"]): Diagnosis {
    const reason = required(input.reason, "reason", 500);
    const actor = me();
    const before = diagnoses.get(input.diagnosis_id) ?? fail("not_found", "no such diagnosis", "diagnosis_id");
    if (before.status === "entered_in_error") fail("conflict", "this diagnosis is already marked entered in error", "diagnosis_id");
    const e = encounterOf(before.encounter_id);
    if (e.doctor_id !== actor.id) fail("permission_denied", `only ${userName(e.doctor_id) ?? ""} (whose encounter this is) may correct its diagnoses`);
    const after: StoredDiagnosis = { ...before, status: "entered_in_error", error_reason: reason };
    diagnoses.set(after.id, after);
    deps.audit("mark_diagnosis_entered_in_error", `diagnosis ${before.code} entered in error: ${reason}`, "encounters", e.id);
    return diagnosisView(after);
  }

  function searchCommand(input: Commands["search_icd10"]["input"]): Commands["search_icd10"]["output"] {
    const limit = input.limit ?? 25;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) fail("validation", "must be between 1 and 100", "limit");
    if (chars(input.query) > 200) fail("validation", "must be at most 200 characters", "query");
    const { codes, total } = searchIcd10(input.query, limit);
    return { codes, total, release: ICD10_RELEASE };
  }

  // ---- the catalog (prescriptions/catalog.rs) ------------------------------------------------------

  function medicationView(m: StoredMedication): Medication {
    return {
      id: m.id,
      generic_name: m.generic_name,
      brand_names: [...m.brand_names],
      form: m.form,
      strength: m.strength,
      display_name: displayName(m.generic_name, m.strength, m.form),
      route: m.route,
      atc_code: m.atc_code,
      allergy_classes: [...m.allergy_classes],
      dispense_unit: m.dispense_unit,
      default_dose: m.default_dose,
      units_per_dose: m.units_per_dose,
      default_frequency: m.default_frequency,
      default_duration_days: m.default_duration_days,
      default_quantity: m.default_quantity,
      default_instructions: m.default_instructions,
      active: m.active,
    };
  }

  function loadMedication(id: string): StoredMedication {
    return medications.get(id) ?? fail("validation", "no such medication in the catalog", "medication_id");
  }

  function listMedications(input: Commands["list_medications"]["input"]): Medication[] {
    const words = ascii(input.query).toLowerCase().split(/\s+/).filter(Boolean);
    return [...medications.values()]
      .sort((a, b) => nocase(a.generic_name, b.generic_name) || cmp(a.strength, b.strength) || cmp(a.form, b.form))
      .filter((m) => m.active || input.include_inactive)
      .map(medicationView)
      .filter((m) => {
        const haystack = ascii(`${m.display_name} ${m.brand_names.join(" ")} ${m.atc_code}`).toLowerCase();
        return words.every((w) => haystack.includes(w));
      });
  }

  function checkRange(value: number | null | undefined, field: string, max: number): number | null {
    if (value === undefined || value === null) return null;
    if (value === 0 || value > max) fail("validation", `must be between 1 and ${max}`, field);
    return value;
  }

  function saveMedication(input: Commands["save_medication"]["input"]): Medication {
    const m: MedicationInput = input.medication;
    const generic = required(m.generic_name, "medication.generic_name", 120);
    const form = required(m.form, "medication.form", 60);
    const strength = required(m.strength, "medication.strength", 60);
    const unit = required(m.dispense_unit, "medication.dispense_unit", 40);
    const dose = optionalText(m.default_dose, "medication.default_dose", 80);
    const instructions = optionalText(m.default_instructions, "medication.default_instructions", 500);
    const atc = m.atc_code.trim().toUpperCase();
    if (atc !== "" && !validAtc(atc)) fail("validation", "an ATC code looks like J01CA04 (or a group such as J01CA)", "medication.atc_code");
    const join = (list: readonly string[], field: string): string[] => {
      const cleaned = list.map((s) => s.trim()).filter(Boolean);
      if (cleaned.some((s) => s.includes(",") || new TextEncoder().encode(s).length > 80)) fail("validation", "each name is at most 80 characters, without commas", field);
      return cleaned;
    };
    const brands = join(m.brand_names, "medication.brand_names");
    const classes = join(m.allergy_classes, "medication.allergy_classes").map((c) => c.toLowerCase());
    const units = checkRange(m.units_per_dose, "medication.units_per_dose", 100);
    const days = checkRange(m.default_duration_days, "medication.default_duration_days", 365);
    const quantity = checkRange(m.default_quantity, "medication.default_quantity", 1000);
    if (units === null && quantity === null) fail("validation", "give a default quantity, or the units per dose so it can be worked out", "medication.default_quantity");
    const existing = input.id == null ? undefined : (medications.get(input.id) ?? fail("validation", "no such medication in the catalog", "id"));
    const id = existing?.id ?? newId();
    const same = [...medications.values()].find((o) => o.id !== id && o.generic_name.toLowerCase() === generic.toLowerCase() && o.strength.toLowerCase() === strength.toLowerCase() && o.form.toLowerCase() === form.toLowerCase());
    if (same) fail("validation", `${displayName(generic, strength, form)} is already in the catalog`, "medication.generic_name");
    const at = nowText();
    const saved: StoredMedication = {
      id,
      generic_name: generic,
      brand_names: brands,
      form,
      strength,
      route: m.route,
      atc_code: atc,
      allergy_classes: classes,
      dispense_unit: unit,
      default_dose: dose,
      units_per_dose: units,
      default_frequency: m.default_frequency,
      default_duration_days: days,
      default_quantity: quantity,
      default_instructions: instructions,
      active: m.active,
      created_at: existing?.created_at ?? at,
      updated_at: at,
    };
    medications.set(id, saved);
    deps.audit("save_medication", `catalog ${existing ? "edited" : "added"}: ${displayName(generic, strength, form)}`, "medications", id);
    return medicationView(saved);
  }

  // ---- prescriptions (prescriptions/mod.rs) --------------------------------------------------------

  function itemView(i: StoredItem): PrescriptionItem {
    return {
      id: i.id,
      position: i.position,
      medication_id: i.medication_id,
      medication_name: i.medication_name,
      generic_name: i.generic_name,
      atc_code: i.atc_code,
      allergy_classes: listOf(i.allergy_classes),
      dose: i.dose,
      route: i.route,
      frequency: i.frequency,
      duration_days: i.duration_days,
      quantity: i.quantity,
      dispense_unit: i.dispense_unit,
      refills: i.refills,
      instructions: i.instructions,
      directions: directionsOf(i.dose, i.route, i.frequency, i.duration_days),
      status: i.status,
      stop_reason: i.stop_reason,
      stopped_by_name: userName(i.stopped_by),
      stopped_at: i.stopped_at,
    };
  }

  /** Items of a prescription in order; those taken off the draft are left out. */
  const itemsOf = (prescriptionId: string) =>
    [...items.values()]
      .filter((i) => i.prescription_id === prescriptionId && i.status !== "removed")
      .sort((a, b) => a.position - b.position)
      .map(itemView);

  /** The course's last day: signed on (its UTC date) + duration × (1 + refills); null: ongoing. */
  function endsOn(signedAt: string, item: PrescriptionItem): string | null {
    if (item.duration_days === null) return null;
    const day = new Date(`${signedAt.slice(0, 10)}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + item.duration_days * (1 + item.refills));
    return day.toISOString().slice(0, 10);
  }

  /** prescriptions::current_outside: the patient's current medications outside `except`. */
  function currentOutside(patientId: string, except: string): CurrentMedication[] {
    const today = todayInClinic();
    const signed = [...prescriptions.values()].filter((p) => p.patient_id === patientId && p.status === "signed" && p.id !== except);
    const rows: { p: StoredPrescription; item: StoredItem }[] = [];
    for (const p of signed) for (const item of items.values()) if (item.prescription_id === p.id && item.status === "active") rows.push({ p, item });
    rows.sort((a, b) => cmp(b.p.signed_at ?? "", a.p.signed_at ?? "") || a.item.position - b.item.position);
    const out: CurrentMedication[] = [];
    for (const { p, item } of rows) {
      const view = itemView(item);
      const signedAt = p.signed_at ?? "";
      const ends = endsOn(signedAt, view);
      if (ends !== null && ends < today) continue;
      out.push({ item: view, prescription_id: p.id, prescriber_name: userName(p.prescriber_id) ?? "", signed_at: signedAt, ends_on: ends });
    }
    return out;
  }

  /** checks::warnings: a draft's active items against the patient's active allergies and current medications. */
  function warningsOf(p: StoredPrescription, list: PrescriptionItem[]): PrescriptionWarning[] {
    const allergies = [...deps.allergies()].filter((a) => a.patient_id === p.patient_id && a.status === "active").sort((a, b) => cmp(a.recorded_at, b.recorded_at));
    const current: OtherMedication[] = currentOutside(p.patient_id, p.id).map((m) => ({
      name: m.item.medication_name,
      generic_name: m.item.generic_name,
      atc_code: m.item.atc_code,
      group: m.item.allergy_classes[0] ?? "",
      source: `prescribed ${m.signed_at.slice(0, 10)} by ${m.prescriber_name}`,
    }));
    const active = list.filter((i) => i.status === "active");
    const out: PrescriptionWarning[] = [];
    active.forEach((item, n) => {
      // The brands as the catalog holds them now (`split(',')`, empty ones kept: they never match).
      const brands = (medications.get(item.medication_id)?.brand_names ?? []).join(", ").split(",").map((b) => b.trim());
      for (const a of allergies) {
        const matched = allergyMatch(a.substance, item.generic_name, brands, item.allergy_classes);
        if (matched !== null) {
          const reaction = a.reaction.trim() === "" ? "" : `: ${a.reaction.trim()}`;
          out.push({ item_id: item.id, kind: "allergy", message: `recorded allergy to ${a.substance} (${a.severity}${reaction}); ${item.medication_name} matches its ${matched}`, override_reason: null, overridden_by_name: null });
        } else {
          const cross = CROSS_REACTIVE.find(([allergen, cls]) => item.allergy_classes.includes(cls) && allergyMatch(a.substance, "", [], [allergen]) !== null);
          if (cross) {
            out.push({ item_id: item.id, kind: "allergy", message: `recorded allergy to ${a.substance} (${a.severity}); possible cross-reaction: ${item.medication_name} is one of the ${cross[1]}, related to the ${cross[0]}`, override_reason: null, overridden_by_name: null });
          }
        }
      }
      const earlier: OtherMedication[] = active.slice(0, n).map((o) => ({ name: o.medication_name, generic_name: o.generic_name, atc_code: o.atc_code, group: o.allergy_classes[0] ?? "", source: "on this prescription" }));
      for (const other of [...earlier, ...current]) {
        const message = duplicateOf(item, other);
        if (message !== null) out.push({ item_id: item.id, kind: "duplicate", message, override_reason: null, overridden_by_name: null });
      }
    });
    return out;
  }

  function loadPrescription(id: string): Prescription {
    const p = header(id);
    const list = itemsOf(id);
    const warnings =
      p.status === "draft"
        ? warningsOf(p, list)
        : overrides
            .filter((o) => o.prescription_id === id)
            .sort((a, b) => cmp(a.overridden_at, b.overridden_at) || cmp(a.id, b.id))
            .map((o) => ({ item_id: o.item_id, kind: o.kind, message: o.warning, override_reason: o.reason, overridden_by_name: userName(o.overridden_by) ?? "" }));
    return {
      id: p.id,
      patient_id: p.patient_id,
      encounter_id: p.encounter_id,
      prescriber_id: p.prescriber_id,
      prescriber_name: userName(p.prescriber_id) ?? "",
      status: p.status,
      notes: p.notes,
      verification_code: p.verification_code,
      renewed_from_id: p.renewed_from_id,
      created_at: p.created_at,
      signed_at: p.signed_at,
      error_reason: p.error_reason,
      items: list,
      warnings,
    };
  }

  function header(id: string): StoredPrescription {
    return prescriptions.get(id) ?? fail("not_found", "no such prescription", "prescription_id");
  }

  /** prescriptions::own_draft: the draft `id`, written by the signed-in prescriber. */
  function ownDraft(id: string): StoredPrescription {
    const p = header(id);
    if (p.status !== "draft") fail("conflict", "this prescription is signed and locked: discontinue an item, or renew it as a new draft", "prescription_id");
    if (p.prescriber_id !== me().id) fail("permission_denied", `only ${userName(p.prescriber_id) ?? ""} (who is writing it) may change this draft`);
    return p;
  }

  function itemHeader(itemId: string): StoredItem {
    return items.get(itemId) ?? fail("not_found", "no such prescription item", "item_id");
  }

  /** prescriptions::worked_out_quantity: units per dose × doses, else the catalog's. */
  function workedOutQuantity(med: StoredMedication, frequency: Frequency, days: number | null): number | null {
    const doses = days === null ? null : dosesIn(frequency, days);
    if (med.units_per_dose !== null && doses !== null) return med.units_per_dose * doses;
    if (med.units_per_dose !== null && frequency === "once") return med.units_per_dose;
    return med.default_quantity;
  }

  /** prescriptions::resolve: the item's values from what was given, the item so far, the catalog. */
  function resolve(med: StoredMedication, base: StoredItem | null, f: ItemFields): ItemValues {
    const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;
    const dosingChanged = given(f.frequency) || given(f.duration_days) || given(f.dose);
    const dose = given(f.dose) ? required(f.dose, "dose", 80) : (base?.dose ?? med.default_dose);
    if (dose.trim() === "") fail("validation", "give the dose (e.g. 1 tablet, 500 mg)", "dose");
    const route = f.route ?? base?.route ?? med.route;
    const frequency = f.frequency ?? base?.frequency ?? med.default_frequency;
    let duration: number | null;
    if (given(f.duration_days)) {
      if (f.duration_days > 365) fail("validation", "at most 365 days; 0 for ongoing", "duration_days");
      duration = f.duration_days === 0 ? null : f.duration_days;
    } else {
      duration = base ? base.duration_days : med.default_duration_days;
    }
    const quantity = given(f.quantity) ? f.quantity : base && !dosingChanged ? base.quantity : workedOutQuantity(med, frequency, duration);
    if (quantity === null) fail("validation", `give the quantity to dispense (in ${med.dispense_unit})`, "quantity");
    if (quantity < 1 || quantity > 1000) fail("validation", "must be between 1 and 1000", "quantity");
    const refills = f.refills ?? base?.refills ?? 0;
    if (refills > 12) fail("validation", "at most 12 refills", "refills");
    const instructions = given(f.instructions) ? optionalText(f.instructions, "instructions", 500) : (base?.instructions ?? med.default_instructions);
    return { dose, route, frequency, duration_days: duration, quantity, refills, instructions };
  }

  function insertItem(p: StoredPrescription, med: StoredMedication, v: ItemValues): StoredItem {
    const position = Math.max(0, ...[...items.values()].filter((i) => i.prescription_id === p.id).map((i) => i.position)) + 1;
    const at = nowText();
    const item: StoredItem = {
      id: newId(),
      prescription_id: p.id,
      patient_id: p.patient_id,
      position,
      medication_id: med.id,
      medication_name: displayName(med.generic_name, med.strength, med.form),
      generic_name: med.generic_name,
      atc_code: med.atc_code,
      allergy_classes: med.allergy_classes.join(", "),
      ...v,
      dispense_unit: med.dispense_unit,
      status: "active",
      stop_reason: "",
      stopped_by: null,
      stopped_at: null,
      created_at: at,
      updated_at: at,
    };
    items.set(item.id, item);
    return item;
  }

  function createPrescription(input: Commands["create_prescription"]["input"]): Prescription {
    const notes = optionalText(input.notes, "notes", 1_000);
    const actor = me();
    requireActive(input.patient_id);
    const encounterId = input.encounter_id ?? null;
    if (encounterId !== null) {
      const e = deps.encounters().get(encounterId) ?? fail("validation", "no such encounter", "encounter_id");
      if (e.patient_id !== input.patient_id) fail("validation", "that encounter belongs to another patient", "encounter_id");
      if (e.status === "entered_in_error") fail("validation", "that encounter was marked entered in error", "encounter_id");
    }
    const at = nowText();
    const p: StoredPrescription = {
      id: newId(),
      patient_id: input.patient_id,
      encounter_id: encounterId,
      prescriber_id: actor.id,
      status: "draft",
      notes,
      verification_code: null,
      renewed_from_id: null,
      created_at: at,
      signed_at: null,
      error_reason: "",
      updated_at: at,
    };
    prescriptions.set(p.id, p);
    deps.audit("create_prescription", "prescription draft started", "prescriptions", p.id);
    return loadPrescription(p.id);
  }

  function addItem(input: Commands["add_prescription_item"]["input"]): Prescription {
    const p = ownDraft(input.prescription_id);
    const med = loadMedication(input.medication_id);
    const name = displayName(med.generic_name, med.strength, med.form);
    if (!med.active) fail("validation", `${name} was retired from the catalog`, "medication_id");
    insertItem(p, med, resolve(med, null, input));
    deps.audit("add_prescription_item", `item added: ${name}`, "prescriptions", p.id);
    return loadPrescription(p.id);
  }

  function updateItem(input: Commands["update_prescription_item"]["input"]): Prescription {
    const item = itemHeader(input.item_id);
    const p = ownDraft(item.prescription_id);
    if (item.status !== "active") fail("conflict", "this item was taken off the draft", "item_id");
    const med = loadMedication(item.medication_id);
    const v = resolve(med, item, input);
    items.set(item.id, { ...item, ...v, updated_at: nowText() });
    deps.audit("update_prescription_item", `item changed: ${item.medication_name}`, "prescriptions", p.id);
    return loadPrescription(p.id);
  }

  function removeItem(input: Commands["remove_prescription_item"]["input"]): Prescription {
    const item = itemHeader(input.item_id);
    const p = ownDraft(item.prescription_id);
    items.set(item.id, { ...item, status: "removed", updated_at: nowText() });
    deps.audit("remove_prescription_item", `item taken off the draft: ${item.medication_name}`, "prescriptions", p.id);
    return loadPrescription(p.id);
  }

  /** Eight characters a pharmacist can read back on the phone (no 0/O, 1/I/L). */
  function verificationCode(): string {
    const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    const pick = () => alphabet.charAt(Math.floor(Math.random() * alphabet.length));
    const code = Array.from({ length: 8 }, pick).join("");
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  }

  function signPrescription(input: Commands["sign_prescription"]["input"]): Prescription {
    const actor = me();
    const p = ownDraft(input.prescription_id);
    const draft = loadPrescription(p.id);
    if (draft.items.every((i) => i.status !== "active")) fail("validation", "add at least one medication before signing", "items");
    const missing: string[] = [];
    const accepted: { warning: PrescriptionWarning; reason: string }[] = [];
    for (const warning of draft.warnings) {
      const found = input.overrides.find((o) => o.item_id === warning.item_id && o.kind === warning.kind);
      const reason = found?.reason.trim() ?? "";
      if (reason === "") missing.push(warning.message);
      else if (chars(reason) > 500) fail("validation", "a reason is at most 500 characters", "overrides");
      else accepted.push({ warning, reason });
    }
    if (missing.length > 0) fail("validation", `give a reason to override: ${missing.join("; ")}`, "overrides");
    const at = nowText();
    for (const { warning, reason } of accepted) {
      overrides.push({ id: newId(), prescription_id: p.id, item_id: warning.item_id, patient_id: p.patient_id, kind: warning.kind, warning: warning.message, reason, overridden_by: actor.id, overridden_at: at });
      deps.audit("sign_prescription", `warning overridden (${warning.message}): ${reason}`, "prescriptions", p.id);
    }
    let code = verificationCode();
    while ([...prescriptions.values()].some((o) => o.verification_code === code)) code = verificationCode();
    prescriptions.set(p.id, { ...p, status: "signed", signed_at: at, verification_code: code, updated_at: at });
    deps.audit("sign_prescription", `prescription signed: ${draft.items.filter((i) => i.status === "active").map((i) => i.medication_name).join(", ")}`, "prescriptions", p.id);
    return loadPrescription(p.id);
  }

  function discontinueItem(input: Commands["discontinue_prescription_item"]["input"]): Prescription {
    const reason = required(input.reason, "reason", 500);
    const actor = me();
    const item = itemHeader(input.item_id);
    const p = header(item.prescription_id);
    if (p.status !== "signed") fail("conflict", "only a signed prescription's items are discontinued (edit a draft instead)", "item_id");
    if (item.status !== "active") fail("conflict", "this medication was already stopped", "item_id");
    const at = nowText();
    items.set(item.id, { ...item, status: "discontinued", stop_reason: reason, stopped_by: actor.id, stopped_at: at, updated_at: at });
    deps.audit("discontinue_prescription_item", `${item.medication_name} discontinued: ${reason}`, "prescriptions", p.id);
    return loadPrescription(p.id);
  }

  function markPrescriptionEnteredInError(input: Commands["mark_prescription_entered_in_error"]["input"]): Prescription {
    const reason = required(input.reason, "reason", 500);
    const actor = me();
    const p = header(input.prescription_id);
    if (p.status === "entered_in_error") fail("conflict", "this prescription is already marked entered in error", "prescription_id");
    if (p.prescriber_id !== actor.id) fail("permission_denied", `only ${userName(p.prescriber_id) ?? ""} (who wrote it) may mark this prescription entered in error`);
    prescriptions.set(p.id, { ...p, status: "entered_in_error", error_reason: reason, updated_at: nowText() });
    deps.audit("mark_prescription_entered_in_error", `prescription entered in error: ${reason}`, "prescriptions", p.id);
    return loadPrescription(p.id);
  }

  function renewPrescription(input: Commands["renew_prescription"]["input"]): Prescription {
    const actor = me();
    const old = loadPrescription(input.prescription_id);
    if (old.status === "draft") fail("conflict", "a draft is edited, not renewed", "prescription_id");
    if (old.status === "entered_in_error") fail("conflict", "this prescription was entered in error and is not renewed", "prescription_id");
    const encounterId = input.encounter_id ?? null;
    if (encounterId !== null && deps.encounters().get(encounterId)?.patient_id !== old.patient_id) fail("validation", "no such encounter of this patient", "encounter_id");
    requireActive(old.patient_id);
    const at = nowText();
    const draft: StoredPrescription = {
      id: newId(),
      patient_id: old.patient_id,
      encounter_id: encounterId,
      prescriber_id: actor.id,
      status: "draft",
      notes: old.notes,
      verification_code: null,
      renewed_from_id: old.id,
      created_at: at,
      signed_at: null,
      error_reason: "",
      updated_at: at,
    };
    prescriptions.set(draft.id, draft);
    const repeated: string[] = [];
    // What was stopped (a side effect, a mistake) is not repeated.
    for (const item of old.items.filter((i) => i.status === "active")) {
      const med = loadMedication(item.medication_id);
      if (!med.active) continue;
      insertItem(draft, med, { dose: item.dose, route: item.route, frequency: item.frequency, duration_days: item.duration_days, quantity: item.quantity, refills: item.refills, instructions: item.instructions });
      repeated.push(item.medication_name);
    }
    deps.audit("renew_prescription", `renewed from ${old.id}: ${repeated.join(", ")}`, "prescriptions", draft.id);
    return loadPrescription(draft.id);
  }

  // ---- printing (prescriptions/print.rs) -----------------------------------------------------------

  function render(prescriptionId: string): { pdf: PrescriptionPdf; p: Prescription } {
    const p = loadPrescription(prescriptionId);
    if (p.items.every((i) => i.status === "removed")) fail("validation", "this prescription has no items to print", "prescription_id");
    const patient = deps.patients().get(p.patient_id);
    const prescriber = userOf(p.prescriber_id);
    const when = p.signed_at ?? p.created_at;
    const mrn = patient?.mrn ?? "";
    const fullName = patient ? [patient.given_name, patient.other_names, patient.family_name].filter((s) => s.trim() !== "").join(" ") : "";
    const allergies = [...deps.allergies()].filter((a) => a.patient_id === p.patient_id && a.status === "active").map((a) => `${a.substance} (${a.severity})`);
    const lines = [
      { text: deps.settings()?.name ?? "", size: 16, bold: true },
      { text: "Prescription", size: 13, bold: true },
      ...(p.status === "draft" ? [{ text: "DRAFT - NOT VALID FOR DISPENSING", size: 14, bold: true }] : []),
      ...(p.status === "entered_in_error" ? [{ text: `ENTERED IN ERROR: ${p.error_reason}`, size: 12, bold: true }] : []),
      { text: `Patient: ${fullName} (${mrn})` },
      { text: `Allergies: ${allergies.length === 0 ? "none recorded" : allergies.join(", ")}` },
      { text: `Prescriber: ${prescriber?.full_name ?? ""}${prescriber?.licence_number ? `, licence ${prescriber.licence_number}` : ""}` },
      { text: `Issued: ${when.slice(0, 16).replace("T", " ")} UTC` },
      ...p.items
        .filter((i) => i.status === "active" || p.status !== "draft")
        .flatMap((i) => [
          { text: `${i.medication_name}${i.status === "discontinued" ? " - discontinued" : i.status === "entered_in_error" ? " - entered in error" : ""}`, bold: true },
          { text: `   ${i.directions}; dispense ${i.quantity} x ${i.dispense_unit}; refills ${i.refills}` },
          ...(i.instructions ? [{ text: `   ${i.instructions}` }] : []),
        ]),
      ...(p.notes.trim() !== "" ? [{ text: `Notes: ${p.notes}` }] : []),
      ...(p.verification_code ? [{ text: `Verification code: ${p.verification_code}`, bold: true }] : []),
    ];
    return { pdf: { file_name: `prescription-${mrn}-${when.slice(0, 10) || "draft"}.pdf`, content_base64: tinyPdf(lines), draft: p.status === "draft" }, p };
  }

  function printPrescription(input: Commands["print_prescription"]["input"]): Commands["print_prescription"]["output"] {
    const { pdf, p } = render(input.prescription_id);
    if (p.status !== "signed") {
      fail("conflict", p.status === "draft" ? "sign the prescription before printing it (the preview shows the draft)" : "this prescription was marked entered in error and is not printed", "prescription_id");
    }
    const named = input.printer?.trim() ?? "";
    const printer = named === "" ? null : named;
    if (printer !== null && (printer.length > 127 || printer.startsWith("-") || /[\s/\\#'"\p{Cc}]/u.test(printer))) fail("conflict", `${JSON.stringify(printer)} is not a valid printer name`, "printer");
    if (typeof printers === "string") fail("conflict", `printing is not available: ${printers}`, "printer");
    const queue = printer === null ? printers.find((q) => q.is_default) : printers.find((q) => q.name === printer);
    if (!queue) {
      fail("conflict", `the print system refused the job: lp failed (exit status: 1): ${printer === null ? "lp: Error - no default destination available." : "lp: The printer or class does not exist."}`, "printer");
    }
    jobCounter += 1;
    const jobId = `${queue.name}-${jobCounter}`;
    printJobs.push({ job_id: jobId, printer: queue.name, prescription_id: p.id, file_name: pdf.file_name });
    deps.audit("print_prescription", `prescription printed on ${printer ?? "the default printer"} (job ${jobId})`, "prescriptions", p.id);
    return { job_id: jobId };
  }

  const handlers = {
    search_icd10: searchCommand,
    add_diagnosis: addDiagnosis,
    mark_diagnosis_entered_in_error: markDiagnosisEnteredInError,
    list_medications: listMedications,
    save_medication: saveMedication,
    create_prescription: createPrescription,
    add_prescription_item: addItem,
    update_prescription_item: updateItem,
    remove_prescription_item: removeItem,
    sign_prescription: signPrescription,
    discontinue_prescription_item: discontinueItem,
    mark_prescription_entered_in_error: markPrescriptionEnteredInError,
    renew_prescription: renewPrescription,
    get_prescription: (input: Commands["get_prescription"]["input"]): Prescription => {
      const p = loadPrescription(input.prescription_id);
      deps.audit("get_prescription", "prescription read", "prescriptions", p.id);
      return p;
    },
    list_prescriptions: (input: Commands["list_prescriptions"]["input"]): Prescription[] => {
      const list = [...prescriptions.values()]
        .filter((p) => p.patient_id === input.patient_id)
        .sort((a, b) => cmp(b.created_at, a.created_at) || cmp(a.id, b.id))
        .slice(0, 500)
        .map((p) => loadPrescription(p.id));
      deps.audit("list_prescriptions", `prescriptions read (${list.length})`, "patients", input.patient_id);
      return list;
    },
    current_medications: (input: Commands["current_medications"]["input"]): CurrentMedication[] => {
      const list = currentOutside(input.patient_id, "");
      deps.audit("current_medications", `current medications read (${list.length})`, "patients", input.patient_id);
      return list;
    },
    prescription_pdf: (input: Commands["prescription_pdf"]["input"]): PrescriptionPdf => {
      const { pdf, p } = render(input.prescription_id);
      deps.audit("prescription_pdf", "prescription rendered as PDF", "prescriptions", p.id);
      return pdf;
    },
    print_prescription: printPrescription,
    list_printers: (): Printer[] => {
      if (typeof printers === "string") fail("conflict", `printing is not available: ${printers}`);
      return printers.map((q) => ({ ...q }));
    },
  } satisfies { [K in keyof Commands]?: (input: Commands[K]["input"]) => Commands[K]["output"] };

  /** The chart's timeline entries for prescriptions (patients/record.rs clinical_timeline): signed and entered in error ones. */
  function timelineOf(patientId: string): TimelineEntry[] {
    return [...prescriptions.values()]
      .filter((p) => p.patient_id === patientId && p.status !== "draft")
      .reverse()
      .sort((a, b) => cmp(b.created_at, a.created_at))
      .slice(0, 200)
      .map((p) => {
        const doctor = userName(p.prescriber_id) ?? "";
        return {
          at: p.signed_at ?? p.created_at,
          kind: "prescription",
          title: p.status === "entered_in_error" ? `Prescription by ${doctor} (entered in error)` : `Prescription by ${doctor}`,
          detail: itemsOf(p.id)
            .map((i) => i.medication_name)
            .join("; "),
        };
      });
  }

  /** A merge moves the duplicate's records to the survivor (patients/merge.rs PATIENT_LINKED); rows moved per table. */
  function movePatient(fromId: string, toId: string): { table: string; rows: number }[] {
    const move = <T extends { patient_id: string }>(rows: Map<string, T> | T[]) => {
      let n = 0;
      for (const r of rows.values()) {
        if (r.patient_id === fromId) {
          r.patient_id = toId;
          n += 1;
        }
      }
      return n;
    };
    return [
      { table: "encounter_diagnoses", rows: move(diagnoses) },
      { table: "prescriptions", rows: move(prescriptions) },
      { table: "prescription_items", rows: move(items) },
      { table: "prescription_overrides", rows: move(overrides) },
    ];
  }

  return {
    handlers,
    movePatient,
    timelineOf,
    /** Hooks for the records store (`diagnosesOf`, `findDiagnosis`, `findIcd10` of RecordsStoreDeps). */
    diagnosesOf,
    findDiagnosis: (id: string) => {
      const d = diagnoses.get(id);
      return d ? { patient_id: d.patient_id, code: d.code, description: d.description, entered_in_error: d.status === "entered_in_error" } : undefined;
    },
    findIcd10: (code: string) => findIcd10(code),
    /** The workstation's printers now (billing prints on the same queues); a text: printing is unavailable. */
    get printers(): readonly Printer[] | string {
      return printers;
    },
    /** The workstation's printers from now on; a text: printing is unavailable, for that reason. */
    setPrinters(next: readonly Printer[] | string) {
      printers = typeof next === "string" ? next : next.map((q) => ({ ...q }));
    },
    get printJobs(): readonly { job_id: string; printer: string; prescription_id: string; file_name: string }[] {
      return printJobs;
    },
    get diagnoses(): ReadonlyMap<string, StoredDiagnosis> {
      return diagnoses;
    },
    get medications(): ReadonlyMap<string, StoredMedication> {
      return medications;
    },
    get prescriptions(): ReadonlyMap<string, StoredPrescription> {
      return prescriptions;
    },
    get items(): ReadonlyMap<string, StoredItem> {
      return items;
    },
    get overrides(): readonly StoredOverride[] {
      return overrides;
    },
  };
}

export type PrescriptionsStore = ReturnType<typeof createPrescriptionsStore>;
