// Choosing a line from the price list (`list_price_items`: words of the code or name, priced on the
// invoice's service date), as you type: ↑ ↓ move, Enter adds, Escape clears. Each option shows
// what the invoice will say, its code and kind, and the price of that day with its tax; an entry
// not priced yet on that date is shown greyed and cannot be chosen.
import { useState, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { call } from "../../api/gateway";
import type { PriceItem } from "../../api/generated";
import { useFormat } from "../../lib/format";
import { SearchCombobox, useSearch } from "../prescriptions/SearchCombobox";

export function PriceItemPicker({ serviceDate, onPick, inputRef }: { serviceDate: string; onPick: (item: PriceItem) => void; inputRef?: Ref<HTMLInputElement> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [text, setText] = useState("");
  const search = useSearch(
    text,
    (query) => ["list_price_items", { query, include_inactive: false, on_date: serviceDate }],
    async (query) => (await call("list_price_items", { query, include_inactive: false, on_date: serviceDate })).items,
    { debounceMs: 120 },
  );
  const list = search.data ?? [];
  return (
    <SearchCombobox<PriceItem>
      testId="price"
      label={t("billing.add.search")}
      placeholder={t("billing.add.searchPlaceholder")}
      hint={t("billing.add.searchHint")}
      inputRef={inputRef}
      text={text}
      onText={setText}
      options={list}
      query={search.query}
      current={search.current}
      fetching={search.fetching}
      error={search.error}
      optionKey={(i) => i.id}
      disabled={(i) => i.price === null}
      resultsLabel={t("billing.add.resultsLabel")}
      empty={t("billing.add.none", { query: search.query })}
      status={search.current ? t("billing.add.count", { count: list.length }) : null}
      renderOption={(i) => (
        <span className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-0.5">
          <span className="min-w-0">
            <span className="font-semibold">{i.name}</span>
            <span className="ml-2 font-mono text-xs text-ink-600">{i.code}</span>
            <span className="block text-[0.8125rem] text-ink-600">
              {t(`billing.kinds.${i.kind}`)}
              {i.doctor_name ? ` · ${i.doctor_name}` : ""}
            </span>
          </span>
          <span className="text-right text-[0.8125rem] text-ink-700">
            {i.price === null ? (
              t("billing.add.notPriced", { date: format.calendarDate(serviceDate) })
            ) : (
              <>
                <span className="text-[0.9375rem] font-semibold text-ink-900 tabular-nums">{format.money(i.price)}</span>
                {i.unit ? ` ${t("billing.add.perUnit", { unit: i.unit })}` : ""}
                <span className="block">{t("billing.add.tax", { name: i.tax_category_name, rate: i.tax_rate })}</span>
              </>
            )}
          </span>
        </span>
      )}
      onPick={(i) => {
        setText("");
        onPick(i);
      }}
    />
  );
}
