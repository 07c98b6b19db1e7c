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
