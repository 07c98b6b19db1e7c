// Dates, times and money shown with the clinic's locale, time zone and currency
// (get_clinic_settings). Times arrive as UTC RFC 3339 strings; money as exact decimal strings.
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { clinicSettingsQuery } from "../api/queries";

export interface ClinicFormat {
  locale: string;
  timeZone: string;
  currency: string;
  dateTime(iso: string): string;
  /** With seconds, for logs. */
  dateTimeSeconds(iso: string): string;
  date(iso: string | Date): string;
  time(iso: string): string;
  longDate(date: Date): string;
  /** A calendar date without a time (`YYYY-MM-DD`, e.g. a date of birth): never shifted by a time zone. */
  calendarDate(ymd: string): string;
  /** `amount` is an exact decimal string such as "12.50"; it is never turned into a float. */
  money(amount: string): string;
  /** A count with the locale's grouping ("1,200"). */
  count(value: number): string;
  /** How long before (or after) `now` an instant is, in words ("5 minutes ago", "now"). */
  relative(iso: string, now?: Date): string;
}

function supportedLocale(locale: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale])[0] ?? "en";
  } catch {
    return "en";
  }
}

function supportedTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

export function makeFormat(locale: string, timeZone: string, currency: string): ClinicFormat {
  const loc = supportedLocale(locale);
  const tz = supportedTimeZone(timeZone);
  const dateTime = new Intl.DateTimeFormat(loc, { timeZone: tz, dateStyle: "medium", timeStyle: "short" });
  const dateTimeSeconds = new Intl.DateTimeFormat(loc, { timeZone: tz, dateStyle: "medium", timeStyle: "medium" });
  const date = new Intl.DateTimeFormat(loc, { timeZone: tz, dateStyle: "medium" });
  const longDate = new Intl.DateTimeFormat(loc, { timeZone: tz, dateStyle: "full" });
  const time = new Intl.DateTimeFormat(loc, { timeZone: tz, timeStyle: "short" });
  const calendar = new Intl.DateTimeFormat(loc, { timeZone: "UTC", dateStyle: "medium" });
  let money: Intl.NumberFormat;
  try {
    money = new Intl.NumberFormat(loc, { style: "currency", currency });
  } catch {
    money = new Intl.NumberFormat(loc, { minimumFractionDigits: 2 });
  }
  const count = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
  const relative = new Intl.RelativeTimeFormat(loc, { numeric: "auto" });
  const toDate = (value: string | Date) => (typeof value === "string" ? new Date(value) : value);
  return {
    locale: loc,
    timeZone: tz,
    currency,
    dateTime: (iso) => dateTime.format(toDate(iso)),
    dateTimeSeconds: (iso) => dateTimeSeconds.format(toDate(iso)),
    date: (iso) => date.format(toDate(iso)),
    time: (iso) => time.format(toDate(iso)),
    longDate: (d) => longDate.format(d),
    calendarDate: (ymd) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
      return m ? calendar.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))) : ymd;
    },
    // Intl formats decimal strings exactly (no binary floating point in between).
    money: (amount) => money.format(amount as `${number}`),
    count: (value) => count.format(value),
    relative: (iso, now = new Date()) => {
      const seconds = (toDate(iso).getTime() - now.getTime()) / 1000;
      const size = Math.abs(seconds);
      if (size < 45) return relative.format(0, "second");
      if (size < 45 * 60) return relative.format(Math.round(seconds / 60), "minute");
      if (size < 22 * 3600) return relative.format(Math.round(seconds / 3600), "hour");
      if (size < 26 * 86_400) return relative.format(Math.round(seconds / 86_400), "day");
      return date.format(toDate(iso));
    },
  };
}

const systemTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const fallback = makeFormat("en", systemTimeZone(), "EUR");
const FormatContext = createContext<ClinicFormat>(fallback);

/** Formats with the clinic's settings once they are loaded (the system's until then). */
export function ClinicFormatProvider({ children }: { children: ReactNode }) {
  const settings = useQuery(clinicSettingsQuery());
  const data = settings.data;
  const value = useMemo(
    () => (data ? makeFormat(data.locale, data.time_zone, data.currency) : fallback),
    [data],
  );
  return <FormatContext value={value}>{children}</FormatContext>;
}

export function useFormat(): ClinicFormat {
  return useContext(FormatContext);
}
