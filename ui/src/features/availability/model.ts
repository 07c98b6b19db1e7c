// Availability rules as Rust checks them (crates/core/src/scheduling/availability.rs), so most
// mistakes show before a round trip; Rust stays the judge and its field errors land on the same
// inputs.
import type { TFunction } from "i18next";
import { z } from "zod";
import { optionalText, requiredText } from "../../lib/validation";

/** ISO weekdays: 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Weekday names in the clinic's language, Monday first. */
export function weekdayNames(locale: string): string[] {
  const name = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" });
  // 5 January 2026 was a Monday.
  return WEEKDAYS.map((d) => name.format(new Date(Date.UTC(2026, 0, 4 + d))));
}

/** `HH:MM` (or `24:00`, the end of the day) → minutes since midnight; null when malformed. */
export function minutesOf(text: string): number | null {
  const v = text.trim();
  if (v === "24:00") return 1440;
  const m = /^(\d{1,2}):([0-5]\d)$/.exec(v);
  return m && Number(m[1]) < 24 ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export interface BlockValues {
  weekday: number;
  start: string;
  end: string;
  room: string;
}

/** Rust `set_weekly_availability`: times of day, each block ends after it starts, no overlap within a day. */
export function blocksSchema(t: TFunction) {
  const time = z
    .string()
    .trim()
    .refine((v) => minutesOf(v) !== null, { error: t("availability.timeFormat") })
    .transform((v) => v.padStart(5, "0"));
  return z
    .object({
      blocks: z.array(z.object({ weekday: z.number().int().min(1).max(7), start: time, end: time, room: optionalText(t, 50) })),
    })
    .superRefine((v, ctx) => {
      v.blocks.forEach((b, i) => {
        const start = minutesOf(b.start);
        const end = minutesOf(b.end);
        if (start === null || end === null) return;
        if (end <= start) {
          ctx.addIssue({ code: "custom", path: ["blocks", i, "end"], message: t("availability.endAfterStart") });
          return;
        }
        const other = v.blocks.findIndex((o, j) => {
          if (j >= i || o.weekday !== b.weekday) return false;
          const s = minutesOf(o.start);
          const e = minutesOf(o.end);
          return s !== null && e !== null && start < e && s < end;
        });
        if (other >= 0) ctx.addIssue({ code: "custom", path: ["blocks", i, "start"], message: t("availability.overlaps") });
      });
    });
}

export const EXCEPTION_KINDS = ["unavailable", "extra"] as const;

/** Rust `add_availability_exception`: a kind, two clinic times (`YYYY-MM-DDTHH:MM`), the end after the start. */
export function exceptionSchema(t: TFunction) {
  const when = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: t("availability.whenFormat") });
  return z
    .object({ kind: z.enum(EXCEPTION_KINDS), starts_at: when, ends_at: when, reason: optionalText(t, 200) })
    .refine((v) => v.ends_at > v.starts_at, { path: ["ends_at"], error: t("availability.endAfterStart") });
}

/** Rust `save_visit_type`: a name, 5–480 minutes and a 0–120 minute buffer (steps of 5), a `#rrggbb` colour. */
export function visitTypeSchema(t: TFunction) {
  const steps = (min: number, max: number, message: string) =>
    z
      .number({ error: message })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, { error: message })
      .refine((n) => n % 5 === 0, { error: message });
  return z.object({
    name: requiredText(t, 100),
    minutes: steps(5, 480, t("availability.visitTypes.minutesRule")),
    buffer_minutes: steps(0, 120, t("availability.visitTypes.bufferRule")),
    colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: t("availability.visitTypes.colourRule") }),
    active: z.boolean(),
  });
}
