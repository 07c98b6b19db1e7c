// Search as you type over `search_patients`: a combobox whose results are a listbox (arrow keys
// move, Enter opens, Escape clears). Used by the Patients page and the merge screen's pickers.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { History, Search, TriangleAlert, X } from "lucide-react";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { PatientHit } from "../../api/generated";
import { Badge } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { cn } from "../../components/cn";
import { Spinner } from "../../components/States";
import { useFormat } from "../../lib/format";
import { ageText, birthText, listName, matchHint, sexLabel } from "./model";

/** How long typing pauses before a search runs (the Rust search answers in milliseconds). */
export const SEARCH_DEBOUNCE_MS = 120;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => {
      setDebounced(value);
    }, ms);
    return () => {
      clearTimeout(timer);
    };
  }, [value, ms]);
  return ms === 0 ? value : debounced;
}

/** The results for `text`, searched once typing pauses; the previous results stay while the next arrive. */
export function usePatientSearch(text: string, limit = 20) {
  const trimmed = text.trim();
  // An empty box asks for the recent patients at once.
  const query = useDebounced(trimmed, trimmed === "" ? 0 : SEARCH_DEBOUNCE_MS);
  const result = useQuery({
    queryKey: ["search_patients", { query, limit }],
    queryFn: () => call("search_patients", { query, limit }),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  return {
    hits: result.data?.hits ?? [],
    interpretedAs: result.data?.interpreted_as ?? null,
    /** The shown results answer exactly what is in the box now. */
    current: result.data !== undefined && !result.isPlaceholderData && query === trimmed,
    pending: result.isPending,
    fetching: result.isFetching,
    error: result.error,
    query,
  };
}

export interface PatientSearchProps {
  /** Prefix of the test ids: `<p>-search`, `<p>-results`, `<p>-hit-<mrn>`. */
  testId: string;
  label: string;
  /** The label stays for screen readers only (the page heading says it already). */
  hideLabel?: boolean;
  placeholder: string;
  autoFocus?: boolean;
  onOpen: (hit: PatientHit) => void;
  /** Results never offered (the merge screen's other patient). */
  excludeId?: string | null;
  limit?: number;
  /** Shown under an empty result (e.g. a "register" action). */
  emptyAction?: ReactNode;
  /** A smaller list, for pickers. */
  compact?: boolean;
}

export function PatientSearch({ testId, label, hideLabel = false, placeholder, autoFocus = false, onOpen, excludeId = null, limit = 20, emptyAction, compact = false }: PatientSearchProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const baseId = useId();
  const [text, setText] = useState("");
  const search = usePatientSearch(text, limit);
  const hits = search.hits.filter((h) => h.id !== excludeId);
  const resultKey = `${search.query}|${hits.map((h) => h.id).join(",")}`;
  const [active, setActive] = useState({ key: resultKey, index: 0 });
  const index = active.key === resultKey ? Math.min(active.index, Math.max(0, hits.length - 1)) : 0;
  const setIndex = (i: number) => {
    setActive({ key: resultKey, index: i });
  };
  // Enter pressed before the results for what was typed arrived: open the first one when they do
  // (a receptionist types an MRN and Enter faster than the debounce).
  const pendingEnter = useRef<string | null>(null);
  const trimmed = text.trim();
  const first = hits[0];
  const current = search.current;
  useEffect(() => {
    const pending = pendingEnter.current;
    if (pending === null) return;
    if (pending !== trimmed) {
      pendingEnter.current = null;
    } else if (current) {
      pendingEnter.current = null;
      if (first) onOpen(first);
    }
  }, [trimmed, current, first, onOpen]);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // The one obvious field of the screen: reception starts typing at once.
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  const listId = `${baseId}-results`;
  const optionId = (i: number) => `${baseId}-option-${i}`;
  const activeHit = hits[index];

  const status = search.error
    ? null
    : !search.current && search.fetching
      ? t("patients.searching")
      : search.query === ""
        ? t("patients.recentCount", { count: hits.length })
        : t("patients.resultCount", { count: hits.length });

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${baseId}-input`} className={hideLabel ? "sr-only" : "text-sm font-medium text-ink-800"}>
          {label}
        </label>
        <div className="relative">
          <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-5 -translate-y-1/2 text-ink-500" />
          <input
            ref={input}
            id={`${baseId}-input`}
            type="text"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={activeHit ? optionId(index) : undefined}
            aria-describedby={`${baseId}-status`}
            autoComplete="off"
            spellCheck={false}
            placeholder={placeholder}
            value={text}
            data-testid={`${testId}-search`}
            className={cn("input pr-10 pl-10", compact ? "" : "h-12 text-base")}
            onChange={(e) => {
              setText(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown") {
                e.preventDefault();
                if (hits.length > 0) setIndex(Math.min(index + 1, hits.length - 1));
              } else if (e.key === "ArrowUp") {
                e.preventDefault();
                if (hits.length > 0) setIndex(Math.max(index - 1, 0));
              } else if (e.key === "Enter") {
                e.preventDefault();
                if (search.current && activeHit) onOpen(activeHit);
                else if (!search.current) pendingEnter.current = trimmed;
              } else if (e.key === "Escape" && text !== "") {
                // Clears the box; a second Escape is left to the surrounding dialog, if any.
                e.preventDefault();
                e.stopPropagation();
                setText("");
              }
            }}
          />
          {search.fetching && !search.current ? (
            <Spinner className="absolute top-1/2 right-3 size-5 -translate-y-1/2 text-ink-500" />
          ) : text !== "" ? (
            <button
              type="button"
              aria-label={t("patients.clearSearch")}
              className="absolute top-1/2 right-2 flex size-7 -translate-y-1/2 items-center justify-center rounded text-ink-500 hover:bg-ink-100 hover:text-ink-800"
              onClick={() => {
                setText("");
              }}
            >
              <X aria-hidden="true" className="size-4" />
            </button>
          ) : null}
        </div>
        <p id={`${baseId}-status`} role="status" className="text-[0.8125rem] text-ink-600" data-testid={`${testId}-status`}>
          {status}
          {search.current && search.interpretedAs && search.interpretedAs !== "recent" && search.interpretedAs !== "name" && hits.length > 0 ? (
            <span> · {interpretedLabel(t, search.interpretedAs)}</span>
          ) : null}
        </p>
      </div>
      {search.error ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(search.error)}
        </Banner>
      ) : null}
      {!search.pending && hits.length === 0 && search.current ? (
        <div className="flex flex-col items-center gap-3 rounded-md border border-dashed border-ink-300 px-4 py-8 text-center" data-testid={`${testId}-empty`}>
          <p className="font-medium text-ink-800">{search.query === "" ? t("patients.noRecent") : t("patients.noMatch", { query: search.query })}</p>
          {search.query === "" ? null : <p className="max-w-prose text-sm text-ink-600">{t("patients.noMatchHint")}</p>}
          {emptyAction}
        </div>
      ) : null}
      <div className={cn("overflow-hidden rounded-md border border-ink-200", hits.length === 0 && "hidden")}>
        {compact ? null : (
          <div aria-hidden="true" className={cn(ROW_GRID, "border-b border-ink-200 bg-ink-50 py-2 text-xs font-semibold tracking-wide text-ink-600 uppercase")}>
            <span>{t("patients.colMrn")}</span>
            <span className="flex items-center gap-2">
              {t("patients.colName")}
              {search.query === "" ? (
                <span className="inline-flex items-center gap-1 font-medium tracking-normal text-ink-600 normal-case">
                  <History aria-hidden="true" className="size-3.5" />
                  {t("patients.recentHeading")}
                </span>
              ) : null}
            </span>
            <span>{t("patients.colSex")}</span>
            <span>{t("patients.colAge")}</span>
            <span>{t("patients.colPhone")}</span>
            <span className="sr-only">{t("patients.colFlags")}</span>
          </div>
        )}
        <div
          id={listId}
          role="listbox"
          aria-label={search.query === "" ? t("patients.recentHeading") : t("patients.resultsLabel")}
          data-testid={`${testId}-results`}
          // What the shown rows answer, for tests and the end-to-end suite: wait for the query, not for time.
          data-query={search.query}
          data-current={search.current}
          className={cn("overflow-y-auto", compact ? "max-h-72" : "max-h-[calc(100vh-22rem)] min-h-32")}
        >
          {hits.map((hit, i) => {
            const hint = matchHint(t, hit.matched);
            const allergyBadge = hit.has_allergies ? (
              <Badge tone="danger" className="font-semibold">
                <TriangleAlert aria-hidden="true" className="size-3.5" />
                {t("patients.allergyMarker")}
              </Badge>
            ) : null;
            const hintBadge = hint ? <Badge tone={hit.matched === "typo" ? "info" : "neutral"}>{hint}</Badge> : null;
            return (
              <div
                key={hit.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === index}
                tabIndex={-1}
                data-testid={`${testId}-hit-${hit.mrn}`}
                data-matched={hit.matched}
                className={cn(
                  compact ? "flex items-center justify-between gap-3 px-3" : ROW_GRID,
                  "cursor-pointer border-b border-ink-100 py-2 text-[0.875rem] last:border-b-0",
                  i === index ? "bg-accent-50 text-ink-900" : "hover:bg-ink-50",
                )}
                onMouseMove={() => {
                  if (i !== index) setIndex(i);
                }}
                onClick={() => {
                  onOpen(hit);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter") onOpen(hit);
                }}
              >
                {compact ? (
                  <>
                    <span className="min-w-0">
                      <span className="flex min-w-0 items-center gap-2">
                        <span className="truncate font-medium text-ink-900" title={listName(hit)}>{listName(hit)}</span>
                        {hintBadge}
                      </span>
                      <span className="block truncate text-[0.8125rem] text-ink-600">
                        <span className="font-mono">{hit.mrn}</span> · {sexLabel(t, hit.sex)} · {ageText(t, hit)} · {birthText(t, format, hit)}
                      </span>
                    </span>
                    {allergyBadge}
                  </>
                ) : (
                  <>
                    <span className="font-mono text-[0.8125rem] text-ink-700">{hit.mrn}</span>
                    <span className="flex min-w-0 items-center gap-2">
                      <span className="truncate font-medium text-ink-900" title={listName(hit)}>{listName(hit)}</span>
                      {hintBadge}
                    </span>
                    <span className="text-ink-700">{sexLabel(t, hit.sex)}</span>
                    <span className="text-ink-700 tabular-nums">
                      {ageText(t, hit)}
                      <span className="text-ink-600"> · {birthText(t, format, hit)}</span>
                    </span>
                    <span className="truncate text-ink-700 tabular-nums">{hit.phone || t("common.none")}</span>
                    <span className="flex justify-end">{allergyBadge}</span>
                  </>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

// The name gets the room: the other columns are as narrow as their content allows.
const ROW_GRID = "grid grid-cols-[8.5rem_minmax(12rem,1fr)_4.5rem_10rem_9.5rem_6rem] items-center gap-3 px-3";

function interpretedLabel(t: TFunction, interpretedAs: string): string {
  switch (interpretedAs) {
    case "phone":
      return t("patients.interpreted.phone");
    case "mrn":
      return t("patients.interpreted.mrn");
    case "date_of_birth":
      return t("patients.interpreted.date_of_birth");
    default:
      return interpretedAs;
  }
}
