// What the sync screens share: the queries (the status is polled, and refetched on every
// `clinic-changed`, see api/live.ts), the indicator's state worked out from Rust's SyncStatus, and
// the progress of a long push or pull.
import type { QueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import type { LiveSync, SyncStatus } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import type { ClinicFormat } from "../../lib/format";

/** How often the frame's indicator asks Rust (the driver's live state is not an event). */
export const STATUS_POLL_MS = 5_000;

export const syncStatusQuery = () => ({ ...commandQuery("get_sync_status", {}), staleTime: 0 });
export const syncSettingsQuery = () => commandQuery("get_sync_settings", {});
export const syncConflictsQuery = (includeClosed: boolean) => commandQuery("list_sync_conflicts", { include_closed: includeClosed });

/** Rust: a workstation's name on the server has 1–60 characters (sync::save_sync_settings, join_clinic_server). */
export const WORKSTATION_NAME_MAX = 60;

/** The conflicts screen (its route, for links). */
export const CONFLICTS_PATH = "/sync/conflicts";
export const SYNC_SETTINGS_PATH = "/settings/sync";

/**
 * What the indicator shows:
 * off — no server set up, or sync disabled; stopped — set up, but this process does not sync;
 * syncing — a push or pull is running; error — the last round failed (Rust clears the error on
 * the next success); online — connected and listening; offline — set up, not connected (yet).
 */
export type SyncState = "off" | "stopped" | "syncing" | "error" | "online" | "offline";

export function syncStateOf(status: SyncStatus): SyncState {
  if (!status.enabled) return "off";
  if (!status.running) return "stopped";
  if (status.live.syncing) return "syncing";
  if (status.last_error) return "error";
  return status.live.online ? "online" : "offline";
}

/** The dot's colour per state (the text says the same: colour is never the only sign). */
export const STATE_DOT: Record<SyncState, string> = {
  off: "bg-ink-400",
  stopped: "bg-warn-700",
  syncing: "bg-accent-600",
  error: "bg-danger-600",
  online: "bg-ok-700",
  offline: "bg-ink-500",
};

/** "Pulling 1,200 / 18,240" while a backlog is on its way ("Pulling 1,200 / …" without a total). */
export function progressText(t: TFunction, format: ClinicFormat, live: LiveSync): string {
  const done = format.count(live.done);
  const total = live.total == null ? t("sync.progress.unknownTotal") : format.count(live.total);
  if (live.phase === "push") return t("sync.progress.push", { done, total });
  if (live.phase === "pull") return t("sync.progress.pull", { done, total });
  return t("sync.progress.working");
}

/** The share done (0–100), when the total is known. */
export function progressPercent(live: LiveSync): number | null {
  if (live.total == null || live.total <= 0) return null;
  return Math.min(100, Math.round((live.done / live.total) * 100));
}

/** After a sync write (settings, a dismissal, "Sync now"): the indicator and the lists read again. */
export async function syncChanged(queryClient: QueryClient): Promise<void> {
  await Promise.all(["get_sync_status", "get_sync_settings", "list_sync_conflicts"].map((name) => queryClient.invalidateQueries({ queryKey: [name] })));
}
