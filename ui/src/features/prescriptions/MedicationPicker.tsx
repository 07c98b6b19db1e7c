// Choosing a medication from the catalog (`list_medications`: words of the generic or a brand
// name, "amox", "ventolin"), as you type: each option shows what is prescribed (generic, strength,
// form), its brands and the catalog's usual dosing. Retired medications are not offered.
import { useState } from "react";
import { call } from "../../api/gateway";
import type { Medication } from "../../api/generated";
import { useRxT } from "./i18n";
import { SearchCombobox, useSearch } from "./SearchCombobox";

export function MedicationPicker({ onPick, autoFocus = false }: { onPick: (m: Medication) => void; autoFocus?: boolean }) {
  const rx = useRxT();
  const [text, setText] = useState("");
  const search = useSearch(
    text,
    (query) => ["list_medications", { query, include_inactive: false }],
    (query) => call("list_medications", { query, include_inactive: false }),
    { debounceMs: 120 },
  );
  const list = search.data ?? [];
  return (
    <SearchCombobox<Medication>
      testId="rx-med"
      label={rx("prescriptions.medSearch")}
      placeholder={rx("prescriptions.medSearchPlaceholder")}
      hint={rx("prescriptions.medSearchHint")}
      autoFocus={autoFocus}
      text={text}
      onText={setText}
      options={list}
      query={search.query}
      current={search.current}
      fetching={search.fetching}
      error={search.error}
      optionKey={(m) => m.id}
      resultsLabel={rx("prescriptions.medResultsLabel")}
      empty={rx("prescriptions.medNone", { query: search.query })}
      status={search.current ? rx("prescriptions.medCount", { count: list.length }) : null}
      renderOption={(m) => (
        <span className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5">
          <span className="min-w-0">
            <span className="font-semibold text-ink-900">{m.generic_name}</span>
            <span className="text-ink-800">
              {" "}
              {m.strength} · {m.form}
            </span>
            {m.brand_names.length > 0 ? <span className="block text-[0.8125rem] text-ink-600">{m.brand_names.join(", ")}</span> : null}
          </span>
          <span className="text-[0.8125rem] text-ink-600">
            {rx("prescriptions.medDefaults", { dose: m.default_dose, frequency: rx(`prescriptions.frequencies.${m.default_frequency}`) })}
            {m.atc_code ? <span className="ml-2 font-mono text-xs text-ink-600">{m.atc_code}</span> : null}
          </span>
        </span>
      )}
      onPick={(m) => {
        setText("");
        onPick(m);
      }}
    />
  );
}
