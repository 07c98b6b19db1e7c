import type { BaseSyntheticEvent, ReactNode } from "react";

/**
 * A form that leaves validation to react-hook-form + zod (and Rust): on submit it first runs
 * `beforeSubmit` (clearing the previous error or "saved" note), then the validated handler,
 * e.g. `submit={form.handleSubmit((v) => { save.mutate(v); })}`.
 */
export function Form({
  submit,
  beforeSubmit,
  className,
  children,
}: {
  submit: (e?: BaseSyntheticEvent) => Promise<void>;
  beforeSubmit?: () => void;
  className?: string;
  children: ReactNode;
}) {
  return (
    <form
      noValidate
      className={className}
      onSubmit={(e) => {
        beforeSubmit?.();
        void submit(e);
      }}
    >
      {children}
    </form>
  );
}
