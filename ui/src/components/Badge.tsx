import type { ReactNode } from "react";
import { cn } from "./cn";

export type Tone = "ok" | "warn" | "danger" | "neutral" | "info";

const tones: Record<Tone, string> = {
  ok: "bg-ok-50 text-ok-700 ring-ok-700/20",
  warn: "bg-warn-50 text-warn-700 ring-warn-700/25",
  danger: "bg-danger-50 text-danger-700 ring-danger-700/20",
  neutral: "bg-ink-100 text-ink-700 ring-ink-400/30",
  info: "bg-info-50 text-info-700 ring-accent-700/20",
};

/** Status colours mean the same everywhere: ok = working, warn = needs attention, danger = blocked. */
export function Badge({ tone, children, className }: { tone: Tone; children: ReactNode; className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", tones[tone], className)}>
      {children}
    </span>
  );
}
