import type { ReactNode } from "react";

export function PageHeader({ title, lead, actions, testId }: { title: string; lead?: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <header className="mb-5 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 data-testid={testId} className="text-2xl font-semibold tracking-tight text-ink-900">
          {title}
        </h1>
        {lead ? <p className="mt-1 max-w-3xl text-[0.9375rem] text-ink-600">{lead}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </header>
  );
}
