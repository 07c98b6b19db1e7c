// "This appointment only" or "this and the following ones": asked for every change to an
// appointment of a weekly series (Rust's `scope`).
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { SeriesScope } from "../../api/generated";
import { SCOPES } from "./model";

export function SeriesScopeField({ value, onChange, testId }: { value: SeriesScope; onChange: (scope: SeriesScope) => void; testId: string }) {
  const { t } = useTranslation();
  const name = useId();
  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-ink-200 px-3.5 py-3" data-testid={testId}>
      <legend className="px-1 text-sm font-medium text-ink-800">{t("calendar.scope.legend")}</legend>
      {SCOPES.map((scope) => (
        <label key={scope} className="flex items-center gap-2.5 text-[0.9375rem] text-ink-800">
          <input
            type="radio"
            name={name}
            value={scope}
            checked={value === scope}
            data-testid={`${testId}-${scope}`}
            className="size-4.5 accent-accent-700"
            onChange={() => {
              onChange(scope);
            }}
          />
          {t(`calendar.scope.${scope}`)}
        </label>
      ))}
    </fieldset>
  );
}
