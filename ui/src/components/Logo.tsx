import { cn } from "./cn";

/** The app icon's mark (teal rounded square, white cross), drawn as SVG so it scales. */
export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={cn("shrink-0", className ?? "size-8")}>
      <rect width="32" height="32" rx="7" fill="#0b5f59" />
      <path d="M13 7h6v6h6v6h-6v6h-6v-6H7v-6h6z" fill="#fff" />
    </svg>
  );
}
