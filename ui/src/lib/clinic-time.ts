// The clinic's wall clock: Rust takes times as `YYYY-MM-DDTHH:MM` in the clinic's zone and days
// as `YYYY-MM-DD` (ListDayInput, BookAppointmentInput), whatever the workstation's own zone is.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface ClinicClock {
  /** `YYYY-MM-DD`, the clinic's date now. */
  date: string;
  /** `HH:MM`, the clinic's time now. */
  time: string;
  /** `YYYY-MM-DDTHH:MM`, as booking commands take it. */
  local: string;
}

/** What the clinic's wall clock shows at `now` (an unknown zone reads as UTC). */
export function clinicClock(timeZone: string, now: Date = new Date()): ClinicClock {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatterFor(timeZone).formatToParts(now);
  } catch {
    parts = formatterFor("UTC").formatToParts(now);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  const date = `${part("year")}-${part("month")}-${part("day")}`;
  const time = `${part("hour")}:${part("minute")}`;
  return { date, time, local: `${date}T${time}` };
}
