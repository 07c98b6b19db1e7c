// The ICD-10-CM code list searched as you type (`search_icd10`: a code such as "E11.9" or "e119",
// or words such as "diab typ 2"). Rust ranks the answer and says how many codes matched in all
// and which release of the list this is. Categories (e.g. "E11") only group codes: they are
// shown greyed and cannot be chosen.
import type { Ref } from "react";
import { useState } from "react";
import { call } from "../../../api/gateway";
import type { IcdCode } from "../../../api/generated";
import { Badge } from "../../../components/Badge";
import { useRxT } from "../../prescriptions/i18n";
import { SearchCombobox, useSearch } from "../../prescriptions/SearchCombobox";

/** How many codes a search shows (Rust answers the best ones and the total). */
export const ICD_LIMIT = 20;

export function Icd10Search({ onPick, inputRef }: { onPick: (code: IcdCode) => void; inputRef?: Ref<HTMLInputElement> }) {
  const rx = useRxT();
  const [text, setText] = useState("");
  const search = useSearch(
    text,
    (query) => ["search_icd10", { query, limit: ICD_LIMIT }],
    (query) => call("search_icd10", { query, limit: ICD_LIMIT }),
  );
  const codes = search.data?.codes ?? [];
  return (
    <SearchCombobox<IcdCode>
      testId="icd"
      label={rx("diagnoses.search")}
      placeholder={rx("diagnoses.searchPlaceholder")}
      hint={rx("diagnoses.searchHint")}
      text={text}
      onText={setText}
      options={codes}
      query={search.query}
      current={search.current}
      fetching={search.fetching}
      error={search.error}
      optionKey={(c) => c.code}
      disabled={(c) => !c.billable}
      inputRef={inputRef}
      resultsLabel={rx("diagnoses.resultsLabel")}
      empty={rx("diagnoses.noMatch", { query: search.query })}
      status={
        search.data && search.current ? (
          <>
            <span className="tabular-nums">{rx("diagnoses.count", { shown: codes.length, total: search.data.total })}</span>
            <span> · {rx("diagnoses.release", { release: search.data.release })}</span>
          </>
        ) : search.fetching ? (
          rx("diagnoses.searching")
        ) : null
      }
      renderOption={(c) => (
        <span className="flex items-baseline gap-3">
          <span className={c.billable ? "w-20 shrink-0 font-mono text-[0.8125rem] font-semibold text-ink-900" : "w-20 shrink-0 font-mono text-[0.8125rem] text-ink-600"}>{c.code}</span>
          <span className="min-w-0 flex-1">{c.description}</span>
          {c.billable ? null : (
            <Badge tone="neutral" className="shrink-0">
              <span title={rx("diagnoses.categoryHint")}>{rx("diagnoses.category")}</span>
              <span className="sr-only">: {rx("diagnoses.categoryHint")}</span>
            </Badge>
          )}
        </span>
      )}
      onPick={(c) => {
        setText("");
        onPick(c);
      }}
    />
  );
}
