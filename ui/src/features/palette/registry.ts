// The command palette's extension point. A feature registers a provider once (at import time or
// in an effect); the palette asks every provider for items. Providers with `search` are called
// as the user types (e.g. the patients feature will answer with matching patients), and their
// results are shown as returned, in the provider's order.
import type { LucideIcon } from "lucide-react";
import type { TFunction } from "i18next";
import { useSyncExternalStore } from "react";
import type { Permission } from "../../api/generated";

export interface PaletteItem {
  id: string;
  label: string;
  /** Extra words that should match (e.g. "password" for Change password). */
  keywords?: string[];
  hint?: string;
  icon?: LucideIcon;
  perform: () => void;
}

export interface PaletteContext {
  permissions: ReadonlySet<Permission>;
  navigate: (path: string) => void;
  lockNow: () => void;
  signOut: () => void;
  t: TFunction;
}

export interface PaletteProvider {
  id: string;
  /** Smaller first. */
  order: number;
  heading: (t: TFunction) => string;
  /** Static entries, filtered by the palette as the user types. */
  items?: (ctx: PaletteContext) => PaletteItem[];
  /** Entries computed from the query (at least `minQueryLength` characters); may be a Rust call. */
  search?: (query: string, ctx: PaletteContext, signal: AbortSignal) => Promise<PaletteItem[]>;
  minQueryLength?: number;
}

let providers: readonly PaletteProvider[] = [];
const subscribers = new Set<() => void>();

export function registerPaletteProvider(provider: PaletteProvider): () => void {
  providers = [...providers.filter((p) => p.id !== provider.id), provider].sort((a, b) => a.order - b.order);
  subscribers.forEach((notify) => {
    notify();
  });
  return () => {
    providers = providers.filter((p) => p !== provider);
    subscribers.forEach((notify) => {
      notify();
    });
  };
}

function subscribe(notify: () => void) {
  subscribers.add(notify);
  return () => {
    subscribers.delete(notify);
  };
}

export function usePaletteProviders(): readonly PaletteProvider[] {
  return useSyncExternalStore(subscribe, () => providers);
}

/** Accent- and case-insensitive text for matching ("Müller" matches "muller"). */
export function normalize(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Every word of the query must start a word of the item (label or keywords). Lower is better; null: no match. */
export function matchScore(item: PaletteItem, query: string): number | null {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return 0;
  const label = normalize(item.label);
  const haystack = [label, ...(item.keywords ?? []).map(normalize)].join(" ");
  const tokens = haystack.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  let score = 0;
  for (const word of words) {
    if (tokens.some((tok) => tok.startsWith(word))) continue;
    if (haystack.includes(word)) {
      score += 10;
      continue;
    }
    return null;
  }
  return label.startsWith(words[0] ?? "") ? score : score + 1;
}
