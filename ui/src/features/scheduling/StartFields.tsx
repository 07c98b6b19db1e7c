// The start of a visit in clinic time: a date and a quarter-hour, sent to Rust as one
// `starts_at` ("YYYY-MM-DDTHH:MM"), whose errors show under both.
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { FieldError } from "../../components/Field";

/** 00:00, 00:15 … 23:45, plus `extra` (a slot the finder proposed at another minute). */
function quarterHours(extra: string): string[] {
  const out: string[] = [];
  for (let m = 0; m < 24 * 60; m += 15) out.push(`${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
  if (/^\d{2}:\d{2}$/.test(extra) && !out.includes(extra)) out.push(extra);
  return out.sort();
}

export function StartFields({
  date,
  time,
  onDate,
  onTime,
  error,
  testId,
  zone,
}: {
  date: string;
  time: string;
  onDate: (value: string) => void;
  onTime: (value: string) => void;
  error?: string | undefined;
  testId: string;
  zone: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const describedBy = error ? `${id}-error` : undefined;
  return (
    <fieldset className="flex flex-col gap-1.5">
      <legend className="mb-1.5 text-sm font-medium text-ink-800">{t("calendar.book.start")}</legend>
      <div className="flex flex-wrap gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-date`} className="text-[0.8125rem] text-ink-600">
            {t("calendar.book.date")}
          </label>
          <input
            id={`${id}-date`}
            type="date"
            className="input w-44"
            value={date}
            required
            data-testid={`${testId}-date`}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            onChange={(e) => {
              onDate(e.target.value);
            }}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-time`} className="text-[0.8125rem] text-ink-600">
            {t("calendar.book.time")}
          </label>
          <select
            id={`${id}-time`}
            className="input w-32"
            value={time}
            data-testid={`${testId}-time`}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            onChange={(e) => {
              onTime(e.target.value);
            }}
          >
            {quarterHours(time).map((hm) => (
              <option key={hm} value={hm}>
                {hm}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="text-[0.8125rem] text-ink-500">{t("calendar.book.clinicTime", { zone })}</p>
      {error ? <FieldError id={`${id}-error`} name="starts_at" message={error} /> : null}
    </fieldset>
  );
}
