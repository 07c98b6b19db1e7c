// Client-side checks that mirror the Rust validation (crates/core/src/accounts, src/clinic), so
// most mistakes are caught before a round trip. The Rust side stays the authority: its field
// errors are shown next to the same fields (see api/errors.ts).
import type { TFunction } from "i18next";
import { z } from "zod";
import "./zod-config";

/** Characters as Rust counts them (`chars().count()`: Unicode scalar values). */
export const charCount = (value: string) => Array.from(value).length;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{2,31}$/;

export function requiredText(t: TFunction, max: number) {
  return z
    .string()
    .trim()
    .min(1, { error: t("validation.required") })
    .refine((v) => charCount(v) <= max, { error: t("validation.tooLong", { max }) });
}

export function optionalText(t: TFunction, max: number) {
  return z
    .string()
    .trim()
    .refine((v) => charCount(v) <= max, { error: t("validation.tooLong", { max }) });
}

/** Rust: trimmed, lower-cased, 3–32 of [a-z0-9._-], starting with a letter. */
export function usernameSchema(t: TFunction) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .regex(USERNAME_PATTERN, { error: t("validation.username") });
}

/** Rust: 12–128 characters (zxcvbn's guessability check stays on the Rust side). */
export function passwordSchema(t: TFunction) {
  return z
    .string()
    .refine((v) => charCount(v) >= PASSWORD_MIN, { error: t("validation.passwordMin") })
    .refine((v) => charCount(v) <= PASSWORD_MAX, { error: t("validation.passwordMax") });
}

export function passwordContainsUsername(password: string, username: string): boolean {
  const name = username.trim().toLowerCase();
  return name !== "" && password.toLowerCase().includes(name);
}

export function idleLockSchema(t: TFunction) {
  return z.number({ error: t("validation.idleLock") }).int({ error: t("validation.idleLock") }).min(1, { error: t("validation.idleLock") }).max(30, { error: t("validation.idleLock") });
}

export function currencySchema(t: TFunction) {
  return z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, { error: t("validation.currency") });
}

export function localeSchema(t: TFunction) {
  return z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: t("validation.locale") });
}

export function timeZoneSchema(t: TFunction) {
  return z.string().trim().min(1, { error: t("validation.timeZone") });
}

/** Rust: empty, or 6–15 digits with only digits, spaces and + ( ) - . */
export function phoneSchema(t: TFunction) {
  return z
    .string()
    .trim()
    .refine(
      (v) => {
        if (v === "") return true;
        const digits = v.replace(/\D/g, "").length;
        return /^[0-9 +().-]+$/.test(v) && digits >= 6 && digits <= 15;
      },
      { error: t("validation.phone") },
    );
}

/** Rust: an exact decimal 0–100 with at most 3 decimals (kept as text: money never goes through floats). */
export function taxRateSchema(t: TFunction) {
  return z
    .string()
    .trim()
    .refine(
      (v) => {
        const m = /^(\d{1,3})(?:\.(\d{1,3}))?$/.exec(v);
        if (!m) return false;
        const whole = Number(m[1]);
        const fraction = m[2] ?? "";
        return whole < 100 || (whole === 100 && /^0*$/.test(fraction));
      },
      { error: t("validation.taxRate") },
    );
}

export function seriesPrefixSchema(t: TFunction) {
  return z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{1,10}$/, { error: t("validation.seriesPrefix") });
}

/** A random temporary password that passes the Rust policy: 4 groups of 4 from an unambiguous alphabet. */
export function generateTemporaryPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY23456789";
  const bytes = crypto.getRandomValues(new Uint32Array(16));
  const chars = Array.from(bytes, (b) => alphabet.charAt(b % alphabet.length));
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join("")).join("-");
}

/** Images the Rust side accepts (logo, patient photo, signature): PNG or JPEG, at most 256 KB. */
export const MAX_IMAGE_BYTES = 256 * 1024;

/** Rust (patients::record::valid_email): empty, or one @ with a dotted domain and no spaces. */
export function emailSchema(t: TFunction) {
  return z
    .string()
    .trim()
    .refine(
      (v) => {
        if (v === "") return true;
        const at = v.indexOf("@");
        const domain = v.slice(at + 1);
        return v.length <= 254 && !/\s/.test(v) && at > 0 && !domain.includes("@") && domain.includes(".") && !domain.startsWith(".") && !domain.endsWith(".");
      },
      { error: t("validation.email") },
    );
}

/** Today's date in UTC as `YYYY-MM-DD` (Rust judges dates of birth against the UTC date). */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * A date as a receptionist types it — `YYYY-MM-DD`, or day first: `DD/MM/YYYY`, `DD.MM.YYYY`,
 * `DD-MM-YYYY` (as the Rust search reads dates) — as `YYYY-MM-DD`; null when it is no real date.
 */
export function parseCalendarDate(text: string): string | null {
  const v = text.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dmy) [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  date.setUTCFullYear(y);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Whole years from a `YYYY-MM-DD` date of birth to `today` (UTC), as Rust's `age_on`. */
export function ageOn(ymd: string, today: Date = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = today.getUTCFullYear() - y;
  const month = today.getUTCMonth() + 1;
  if (month < mo || (month === mo && today.getUTCDate() < d)) age -= 1;
  return age < 0 ? null : age;
}

/** Rust: a date of birth is not in the future and at most 130 calendar years back. Returns an i18n key or null. */
export function dateOfBirthProblem(ymd: string, today: Date = new Date()): "validation.dateOfBirthFuture" | "validation.dateOfBirthTooOld" | null {
  if (ymd > todayUtc(today)) return "validation.dateOfBirthFuture";
  if (today.getUTCFullYear() - Number(ymd.slice(0, 4)) > 130) return "validation.dateOfBirthTooOld";
  return null;
}

/**
 * The clinic's national id pattern as Rust applies it (anchored, to the upper-cased id). Null when
 * there is none, or when JavaScript cannot read it (Rust's regex dialect differs in corners): the
 * Rust side stays the judge and its field error lands on the same field.
 */
export function nationalIdMatcher(pattern: string): ((value: string) => boolean) | null {
  if (pattern.trim() === "") return null;
  try {
    const re = new RegExp(`^(?:${pattern.trim()})$`, "u");
    return (value) => re.test(value.trim().toUpperCase());
  } catch {
    return null;
  }
}

/** Rust (staff::valid_fee): empty, or an exact decimal ≥ 0 with at most 2 decimals, at most 1,000,000. */
export function feeSchema(t: TFunction) {
  return z
    .string()
    .trim()
    .refine(
      (v) => {
        if (v === "") return true;
        const m = /^\+?(\d+)(?:\.(\d{1,2}))?$|^\+?\.(\d{1,2})$/.exec(v);
        if (!m) return false;
        const whole = Number(m[1] ?? "0");
        const fraction = m[2] ?? m[3] ?? "";
        return whole < 1_000_000 || (whole === 1_000_000 && /^0*$/.test(fraction));
      },
      { error: t("validation.fee") },
    );
}
