import type { ButtonHTMLAttributes, ReactNode, Ref } from "react";
import { cn } from "./cn";
import { Spinner } from "./States";

type Variant = "primary" | "secondary" | "ghost" | "danger";
type Size = "xs" | "sm" | "md" | "lg";

const variants: Record<Variant, string> = {
  primary: "bg-accent-700 text-white hover:bg-accent-800 active:bg-accent-900 border border-accent-700",
  secondary: "bg-white text-ink-800 border border-ink-300 hover:bg-ink-50 hover:border-ink-400 active:bg-ink-100",
  ghost: "bg-transparent text-ink-700 border border-transparent hover:bg-ink-100 active:bg-ink-200",
  danger: "bg-danger-600 text-white border border-danger-600 hover:bg-danger-700 active:bg-danger-700",
};

const sizes: Record<Size, string> = {
  xs: "h-7 px-2 text-[0.8125rem] gap-1.5",
  sm: "h-8 px-2.5 text-sm gap-1.5",
  md: "h-10 px-4 text-[0.9375rem] gap-2",
  lg: "h-12 px-6 text-base gap-2",
};

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: Size;
  busy?: boolean;
  icon?: ReactNode;
  /** An icon after the label (e.g. an arrow on "Next"). */
  iconEnd?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({ variant = "secondary", size = "md", busy = false, icon, iconEnd, className, children, disabled, type = "button", ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled === true || busy}
      aria-busy={busy || undefined}
      className={cn(
        "inline-flex shrink-0 items-center justify-center rounded-md font-medium whitespace-nowrap transition-colors select-none",
        "disabled:cursor-not-allowed disabled:opacity-60",
        variants[variant],
        sizes[size],
        className,
      )}
      {...rest}
    >
      {busy ? <Spinner className="size-4" /> : icon}
      {children}
      {busy ? null : iconEnd}
    </button>
  );
}
