// Search as you type over a Rust read (the ICD-10-CM list, the medication catalog): a combobox
// whose results are a listbox under it. Arrow keys move over the options that can be chosen
// (others are shown greyed and skipped), Enter chooses, Escape clears. The listbox carries
// `data-query` and `data-current` (its rows answer exactly what is in the box) so that tests wait
// for answers, never for time; Enter typed before the answer arrives chooses its first option.
import { keepPreviousData, useQuery, type QueryKey } from "@tanstack/react-query";
import { Search, X } from "lucide-react";
import { useEffect, useId, useRef, useState, type ReactNode, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { Banner } from "../../components/Banner";
import { cn } from "../../components/cn";
import { Spinner } from "../../components/States";

export function useDebounced<T>(value: T, ms: number): T {
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

/** The answer for `text` once typing pauses; the previous answer stays while the next arrives. */
export function useSearch<T>(text: string, key: (query: string) => QueryKey, run: (query: string) => Promise<T>, { debounceMs = 150, enabled = true, searchEmpty = false } = {}) {
  const trimmed = text.trim();
  const query = useDebounced(trimmed, trimmed === "" ? 0 : debounceMs);
  const active = enabled && (searchEmpty || query !== "");
  const result = useQuery({ queryKey: key(query), queryFn: () => run(query), placeholderData: keepPreviousData, staleTime: 30_000, enabled: active });
  return {
    data: active ? result.data : undefined,
    query,
    /** The shown answer is for exactly what is in the box now. */
    current: active && result.data !== undefined && !result.isPlaceholderData && query === trimmed,
    fetching: active && (result.isFetching || query !== trimmed),
    error: result.error,
  };
}

export interface SearchComboboxProps<T> {
  /** Test ids: `<p>-search`, `<p>-results`, `<p>-option-<key>`, `<p>-status`. */
  testId: string;
  label: string;
  placeholder: string;
  hint?: ReactNode;
  text: string;
  onText: (text: string) => void;
  options: readonly T[];
  /** What the shown options answer, and whether that is what is typed now. */
  query: string;
  current: boolean;
  fetching: boolean;
  error: unknown;
  optionKey: (option: T) => string;
  /** Shown greyed, announced as unavailable, skipped by the arrow keys and never chosen. */
  disabled?: (option: T) => boolean;
  renderOption: (option: T, active: boolean) => ReactNode;
  onPick: (option: T) => void;
  /** The line under the box ("12 of 340 codes · release"). */
  status: ReactNode;
  resultsLabel: string;
  /** Shown when the answer for a query is empty. */
  empty: ReactNode;
  inputRef?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
  listClassName?: string;
}

export function SearchCombobox<T>(props: SearchComboboxProps<T>) {
  const { testId, label, placeholder, hint, text, onText, options, query, current, fetching, error, optionKey, disabled, renderOption, onPick, status, resultsLabel, empty, inputRef, autoFocus = false, listClassName } = props;
  const { t } = useTranslation();
  const baseId = useId();
  const can = (o: T | undefined): o is T => o !== undefined && !(disabled?.(o) ?? false);
  const resultKey = `${query}|${options.map(optionKey).join(",")}`;
  const firstEnabled = Math.max(0, options.findIndex((o) => can(o)));
  const [active, setActive] = useState({ key: resultKey, index: firstEnabled });
  const index = active.key === resultKey ? Math.min(active.index, Math.max(0, options.length - 1)) : firstEnabled;
  const setIndex = (i: number) => {
    setActive({ key: resultKey, index: i });
  };
  const move = (step: 1 | -1) => {
    for (let i = index + step; i >= 0 && i < options.length; i += step) {
      if (can(options[i])) {
        setIndex(i);
        return;
      }
    }
  };
  // Enter pressed before the answer for what was typed arrived: choose its first option when it does.
  const pendingEnter = useRef<string | null>(null);
  const trimmed = text.trim();
  const first = options.find((o) => can(o));
  useEffect(() => {
    const pending = pendingEnter.current;
    if (pending === null) return;
    if (pending !== trimmed) pendingEnter.current = null;
    else if (current) {
      pendingEnter.current = null;
      if (first !== undefined) onPick(first);
    }
  }, [trimmed, current, first, onPick]);

  const listId = `${baseId}-results`;
  const optionId = (i: number) => `${baseId}-option-${String(i)}`;
  const activeOption = options[index];
  const shown = options.length > 0 && trimmed !== "";

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${baseId}-input`} className="text-sm font-medium text-ink-800">
          {label}
        </label>
        <div className="relative">
          <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4.5 -translate-y-1/2 text-ink-500" />
          <input
            ref={inputRef}
            id={`${baseId}-input`}
            type="text"
            role="combobox"
            aria-expanded={shown}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={shown && can(activeOption) ? optionId(index) : undefined}
            aria-describedby={`${baseId}-status${hint ? ` ${baseId}-hint` : ""}`}
            autoComplete="off"
            spellCheck={false}
            // The one field of a picker that has just been opened.
            // eslint-disable-next-line jsx-a11y/no-autofocus
            autoFocus={autoFocus}
            placeholder={placeholder}
            value={text}
            data-testid={`${testId}-search`}
            className="input pr-10 pl-9"
            onChange={(e) => {
              onText(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown") {
                e.preventDefault();
                move(1);
              } else if (e.key === "ArrowUp") {
                e.preventDefault();
                move(-1);
              } else if (e.key === "Enter") {
                e.preventDefault();
                if (current && can(activeOption)) onPick(activeOption);
                else if (!current && trimmed !== "") pendingEnter.current = trimmed;
              } else if (e.key === "Escape" && text !== "") {
                // Clears the box; a second Escape is left to the surrounding dialog, if any.
                e.preventDefault();
                e.stopPropagation();
                onText("");
              }
            }}
          />
          {fetching && !current && trimmed !== "" ? (
            <Spinner className="absolute top-1/2 right-3 size-4.5 -translate-y-1/2 text-ink-500" />
          ) : text !== "" ? (
            <button
              type="button"
              aria-label={t("patients.clearSearch")}
              className="absolute top-1/2 right-2 flex size-7 -translate-y-1/2 items-center justify-center rounded text-ink-500 hover:bg-ink-100 hover:text-ink-800"
              onClick={() => {
                onText("");
              }}
            >
              <X aria-hidden="true" className="size-4" />
            </button>
          ) : null}
        </div>
        {hint ? (
          <p id={`${baseId}-hint`} className="text-[0.8125rem] text-ink-600">
            {hint}
          </p>
        ) : null}
        <p id={`${baseId}-status`} role="status" className="text-[0.8125rem] text-ink-600" data-testid={`${testId}-status`}>
          {trimmed === "" ? null : status}
        </p>
      </div>
      {error ? (
        <Banner tone="error" testId="form-error">
          {errorMessage(error)}
        </Banner>
      ) : null}
      {current && options.length === 0 && trimmed !== "" ? (
        <p className="rounded-md border border-dashed border-ink-300 px-3 py-4 text-center text-sm text-ink-700" data-testid={`${testId}-empty`}>
          {empty}
        </p>
      ) : null}
      <div
        id={listId}
        role="listbox"
        aria-label={resultsLabel}
        data-testid={`${testId}-results`}
        data-query={query}
        data-current={current}
        className={cn("overflow-y-auto rounded-md border border-ink-200", !shown && "hidden", listClassName ?? "max-h-72")}
      >
        {shown
          ? options.map((option, i) => {
              const off = !can(option);
              return (
                <div
                  key={optionKey(option)}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === index && !off}
                  aria-disabled={off || undefined}
                  tabIndex={-1}
                  data-testid={`${testId}-option-${optionKey(option)}`}
                  className={cn(
                    "border-b border-ink-100 px-3 py-2 text-[0.875rem] last:border-b-0",
                    off ? "cursor-not-allowed bg-ink-50 text-ink-500" : "cursor-pointer",
                    !off && i === index ? "bg-accent-50 text-ink-900 shadow-[inset_3px_0_0_var(--color-accent-700)]" : !off && "hover:bg-ink-50",
                  )}
                  onMouseDown={(e) => {
                    // The typing stays in the box (a click on a category must not take the keyboard away).
                    e.preventDefault();
                  }}
                  onMouseMove={() => {
                    if (!off && i !== index) setIndex(i);
                  }}
                  onClick={() => {
                    if (!off) onPick(option);
                  }}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" && !off) onPick(option);
                  }}
                >
                  {renderOption(option, i === index && !off)}
                </div>
              );
            })
          : null}
      </div>
    </div>
  );
}
