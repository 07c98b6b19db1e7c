import type { ReactNode } from "react";
import { cn } from "./cn";

export function Card({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={cn("rounded-lg border border-ink-200 bg-white shadow-xs", className)}>{children}</div>;
}

export function CardSection({ title, description, children, className }: { title?: string; description?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={cn("px-6 py-5", className)}>
      {title ? <h2 className="text-base font-semibold text-ink-900">{title}</h2> : null}
      {description ? <p className="mt-1 text-sm text-ink-600">{description}</p> : null}
      <div className={title || description ? "mt-4" : undefined}>{children}</div>
    </section>
  );
}
