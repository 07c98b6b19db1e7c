// Tabs after the WAI-ARIA pattern: one tab stop, arrow keys (and Home/End) move between tabs and
// show them at once (automatic activation), each panel is labelled by its tab.
import { useRef, type KeyboardEvent, type ReactNode } from "react";
import { cn } from "./cn";

export interface TabItem<Id extends string> {
  id: Id;
  label: ReactNode;
  /** A count shown after the label (e.g. allergies). */
  count?: number;
}

export function TabList<Id extends string>({ tabs, active, onChange, label, idBase }: { tabs: readonly TabItem<Id>[]; active: Id; onChange: (id: Id) => void; label: string; idBase: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = tabs.length - 1;
    const next = e.key === "ArrowRight" ? (index === last ? 0 : index + 1) : e.key === "ArrowLeft" ? (index === 0 ? last : index - 1) : e.key === "Home" ? 0 : e.key === "End" ? last : null;
    if (next === null) return;
    e.preventDefault();
    const tab = tabs[next];
    if (!tab) return;
    onChange(tab.id);
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="flex gap-1 border-b border-ink-200">
      {tabs.map((tab, i) => {
        const selected = tab.id === active;
        return (
          <button
            key={tab.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${idBase}-tab-${tab.id}`}
            aria-selected={selected}
            aria-controls={`${idBase}-panel-${tab.id}`}
            tabIndex={selected ? 0 : -1}
            data-testid={`${idBase}-tab-${tab.id}`}
            onClick={() => {
              onChange(tab.id);
            }}
            onKeyDown={(e) => {
              onKeyDown(e, i);
            }}
            className={cn(
              "-mb-px flex h-10 items-center gap-2 border-b-2 px-3 text-[0.9375rem] font-medium whitespace-nowrap",
              selected ? "border-accent-700 text-accent-800" : "border-transparent text-ink-600 hover:border-ink-300 hover:text-ink-900",
            )}
          >
            {tab.label}
            {tab.count !== undefined ? (
              <span className={cn("rounded-full px-1.5 text-xs tabular-nums", selected ? "bg-accent-100 text-accent-800" : "bg-ink-100 text-ink-700")}>{tab.count}</span>
            ) : null}
          </button>
        );
      })}
    </div>
  );
}

export function TabPanel({ idBase, id, children, className }: { idBase: string; id: string; children: ReactNode; className?: string }) {
  return (
    <div role="tabpanel" id={`${idBase}-panel-${id}`} aria-labelledby={`${idBase}-tab-${id}`} data-testid={`${idBase}-panel-${id}`} className={className}>
      {children}
    </div>
  );
}
