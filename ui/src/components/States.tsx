import { Inbox, LoaderCircle } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "./cn";

export function Spinner({ className }: { className?: string }) {
  return <LoaderCircle aria-hidden="true" className={cn("animate-spin", className ?? "size-5")} />;
}

/** A list's or page's loading state: announced politely to screen readers. */
export function LoadingState({ label, className }: { label: string; className?: string }) {
  return (
    <div role="status" className={cn("flex items-center justify-center gap-3 py-12 text-ink-600", className)}>
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

export function EmptyState({ title, children, icon }: { title: string; children?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-6 py-12 text-center">
      <div className="text-ink-400">{icon ?? <Inbox aria-hidden="true" className="size-8" />}</div>
      <p className="font-medium text-ink-700">{title}</p>
      {children ? <div className="max-w-prose text-sm text-ink-600">{children}</div> : null}
    </div>
  );
}

/** A centred page for screens without the app frame (first run, sign-in, lock). */
export function CenteredPage({ children, wide = false, testId }: { children: ReactNode; wide?: boolean; testId?: string }) {
  return (
    <main
      data-testid={testId}
      className="flex min-h-screen flex-col items-center justify-center bg-ink-50 px-4 py-10"
    >
      <div className={cn("w-full", wide ? "max-w-4xl" : "max-w-md")}>{children}</div>
    </main>
  );
}
