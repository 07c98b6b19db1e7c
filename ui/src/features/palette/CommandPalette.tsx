import { useQueries } from "@tanstack/react-query";
import { Command } from "cmdk";
import { CornerDownLeft } from "lucide-react";
import { useDeferredValue, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "wouter";
import { Dialog } from "../../components/Dialog";
import { useSession, useSessionApi } from "../auth/session";
import { matchScore, usePaletteProviders, type PaletteContext, type PaletteItem } from "./registry";

/** Ctrl+K: jump to any section the user may see, or run an action; extended by providers. */
export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t("palette.title")} size="md" testId="command-palette">
      {open ? <PaletteBody onClose={onClose} /> : null}
    </Dialog>
  );
}

function PaletteBody({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const api = useSessionApi();
  const [, navigate] = useLocation();
  const [query, setQuery] = useState("");
  const deferredQuery = useDeferredValue(query);
  const providers = usePaletteProviders();

  const ctx = useMemo<PaletteContext>(
    () => ({
      permissions: session.permissions,
      navigate: (path) => {
        navigate(path);
      },
      lockNow: api.lockNow,
      signOut: () => void api.signOut(),
      t,
    }),
    [session.permissions, navigate, api, t],
  );

  const searches = useQueries({
    queries: providers.map((p) => ({
      queryKey: ["palette", p.id, deferredQuery],
      enabled: p.search !== undefined && deferredQuery.trim().length >= (p.minQueryLength ?? 2),
      queryFn: ({ signal }: { signal: AbortSignal }) => p.search?.(deferredQuery.trim(), ctx, signal) ?? Promise.resolve([]),
      staleTime: 5_000,
    })),
  });

  const groups = providers
    .map((p, i) => {
      const fixed = (p.items?.(ctx) ?? [])
        .map((item) => ({ item, score: matchScore(item, query) }))
        .filter((x): x is { item: PaletteItem; score: number } => x.score !== null)
        .sort((a, b) => a.score - b.score)
        .map((x) => x.item);
      const found = searches[i]?.data ?? [];
      return { provider: p, items: [...fixed, ...found] };
    })
    .filter((g) => g.items.length > 0);

  const run = (item: PaletteItem) => {
    onClose();
    item.perform();
  };

  return (
    <Command label={t("palette.title")} shouldFilter={false} loop className="-mx-6 -my-5">
      <div className="border-b border-ink-100 px-4 py-3">
        <Command.Input
          autoFocus
          value={query}
          onValueChange={setQuery}
          placeholder={t("palette.placeholder")}
          aria-label={t("palette.placeholder")}
          data-testid="palette-input"
          className="input"
        />
      </div>
      <Command.List className="max-h-[min(60vh,26rem)] overflow-y-auto px-2 py-2">
        <Command.Empty className="px-3 py-6 text-center text-sm text-ink-600">{t("palette.empty")}</Command.Empty>
        {groups.map(({ provider, items }) => (
          <Command.Group key={provider.id} heading={provider.heading(t)}>
            {items.map((item) => (
              <Command.Item
                key={item.id}
                value={item.id}
                onSelect={() => {
                  run(item);
                }}
                data-testid={`palette-${item.id.replace(":", "-")}`}
                className="flex h-11 cursor-pointer items-center gap-3 rounded-md px-3 text-[0.9375rem] text-ink-800"
              >
                {item.icon ? <item.icon aria-hidden="true" className="size-4.5 text-ink-500" /> : null}
                <span className="flex-1 truncate">{item.label}</span>
                {item.hint ? <span className="text-xs text-ink-500">{item.hint}</span> : null}
                <CornerDownLeft aria-hidden="true" className="size-4 text-ink-400 opacity-0 [[data-selected=true]_&]:opacity-100" />
              </Command.Item>
            ))}
          </Command.Group>
        ))}
      </Command.List>
    </Command>
  );
}
