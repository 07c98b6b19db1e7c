import { CircleAlert, CircleCheck, Info, TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "./cn";

type Tone = "error" | "success" | "info" | "warning";

const tones: Record<Tone, { box: string; icon: ReactNode }> = {
  error: { box: "border-danger-600/40 bg-danger-50 text-danger-700", icon: <CircleAlert aria-hidden="true" className="mt-0.5 size-5 shrink-0" /> },
  success: { box: "border-ok-700/30 bg-ok-50 text-ok-700", icon: <CircleCheck aria-hidden="true" className="mt-0.5 size-5 shrink-0" /> },
  info: { box: "border-accent-700/25 bg-info-50 text-info-700", icon: <Info aria-hidden="true" className="mt-0.5 size-5 shrink-0" /> },
  warning: { box: "border-warn-700/30 bg-warn-50 text-warn-700", icon: <TriangleAlert aria-hidden="true" className="mt-0.5 size-5 shrink-0" /> },
};

/** A message above a form or list. Errors are announced at once (role="alert"), others politely. */
export function Banner({ tone, children, testId, className }: { tone: Tone; children: ReactNode; testId?: string; className?: string }) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      data-testid={testId}
      className={cn("flex gap-2.5 rounded-md border px-3.5 py-2.5 text-sm", tones[tone].box, className)}
    >
      {tones[tone].icon}
      <div className="min-w-0 flex-1">{children}</div>
    </div>
  );
}
