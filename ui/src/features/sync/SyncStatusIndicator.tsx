// Sync in the frame's header, for every signed-in user: online / offline / off as a dot and a word,
// the local changes not yet on the server, when the last sync was, the progress of a long push or
// pull, and the open conflicts as a badge that opens their screen. The button opens the details
// and "Sync now". `get_sync_status` is polled (the connection's live state is not an event) and
// refetched on every `clinic-changed` (api/live.ts).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronDown, RefreshCw, Settings, TriangleAlert } from "lucide-react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "wouter";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { SyncStatus } from "../../api/generated";
import { Button } from "../../components/Button";
import { cn } from "../../components/cn";
import { Spinner } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useSession } from "../auth/session";
import { CONFLICTS_PATH, progressPercent, progressText, STATE_DOT, STATUS_POLL_MS, SYNC_SETTINGS_PATH, syncChanged, syncStateOf, syncStatusQuery, type SyncState } from "./model";

/** The current time, renewed every `everyMs` (relative times such as "5 minutes ago" move on). */
function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(new Date());
    }, everyMs);
    return () => {
      clearInterval(timer);
    };
  }, [everyMs]);
  return now;
}

export function SyncStatusIndicator() {
  const { t } = useTranslation();
  const session = useSession();
  const status = useQuery({ ...syncStatusQuery(), refetchInterval: STATUS_POLL_MS });
  if (!status.data) return null;
  const state = syncStateOf(status.data);
  if (state === "off") {
    const body = (
      <>
        <span aria-hidden="true" className={cn("size-2 rounded-full", STATE_DOT.off)} />
        {t("sync.indicator.off")}
      </>
    );
    // Quiet: a workstation without a server is normal. Administrators may set it up from here.
    return session.permissions.has("sync.manage") ? (
      <Link href={SYNC_SETTINGS_PATH} data-testid="sync-indicator" data-state="off" title={t("sync.indicator.offHint")} className="flex h-10 items-center gap-2 rounded-md px-2 text-sm text-ink-600 hover:bg-ink-100 hover:text-ink-900">
        {body}
      </Link>
    ) : (
      <span data-testid="sync-indicator" data-state="off" className="flex h-10 items-center gap-2 px-2 text-sm text-ink-600">
        {body}
      </span>
    );
  }
  return <ActiveIndicator status={status.data} state={state} />;
}

function ActiveIndicator({ status, state }: { status: SyncStatus; state: SyncState }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const syncNow = useMutation({
    mutationFn: () => call("sync_now", {}),
    onSettled: () => syncChanged(queryClient),
  });
  const canSeeConflicts = session.permissions.has("schedule.read");

  // A click elsewhere closes the details.
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
    };
  }, [open]);

  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      button.current?.focus();
    }
  };

  const label = state === "syncing" ? progressText(t, format, status.live) : t(`sync.indicator.state.${state}`);
  const lastSync = status.last_sync_at ? t("sync.indicator.lastSync", { when: format.relative(status.last_sync_at, now) }) : t("sync.indicator.neverSynced");
  const percent = progressPercent(status.live);

  return (
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions -- Escape inside the details closes them (keyboard only, no role of its own)
    <div className="flex min-w-0 items-center gap-1.5" onKeyDown={onKey}>
      <div className="relative min-w-0">
        <button
          ref={button}
          type="button"
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          data-testid="sync-indicator"
          data-state={state}
          onClick={() => {
            syncNow.reset();
            setOpen((o) => !o);
          }}
          className="flex h-10 w-full max-w-[19rem] min-w-0 items-center gap-2 rounded-md border border-ink-200 bg-white px-2.5 text-left hover:border-ink-300 hover:bg-ink-50"
        >
          <span className="sr-only">{t("sync.indicator.label")}: </span>
          {state === "syncing" ? <Spinner className="size-3.5 shrink-0 text-accent-700" /> : <span aria-hidden="true" className={cn("size-2.5 shrink-0 rounded-full", STATE_DOT[state])} />}
          <span className="min-w-0 leading-tight">
            <span className="block truncate text-sm font-medium text-ink-900 tabular-nums" data-testid="sync-indicator-state">
              {label}
            </span>
            <span className="block truncate text-xs text-ink-600 tabular-nums" data-testid="sync-indicator-detail">
              {status.pending > 0 ? `${t("sync.indicator.pending", { count: status.pending, formatted: format.count(status.pending) })} · ` : ""}
              {lastSync}
            </span>
          </span>
          <ChevronDown aria-hidden="true" className="size-4 shrink-0 text-ink-500" />
        </button>
        {open ? (
          <div ref={panel} id={panelId} role="group" aria-label={t("sync.indicator.details")} data-testid="sync-details" className="absolute top-full right-0 z-20 mt-1.5 w-96 rounded-lg border border-ink-200 bg-white p-4 text-sm shadow-lg">
            <p className="flex items-center gap-2 font-semibold text-ink-900">
              <span aria-hidden="true" className={cn("size-2.5 rounded-full", STATE_DOT[state])} />
              {t(`sync.indicator.state.${state}`)}
            </p>
            <p className="mt-1 text-[0.8125rem] text-ink-600">{t(`sync.indicator.explain.${state}`)}</p>
            {state === "syncing" ? (
              <div className="mt-3">
                <p className="text-ink-800 tabular-nums">{progressText(t, format, status.live)}</p>
                {percent !== null ? (
                  <div role="progressbar" aria-label={t("sync.indicator.progress")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-ink-100">
                    <div className="h-full rounded-full bg-accent-600" style={{ width: `${String(percent)}%` }} />
                  </div>
                ) : null}
              </div>
            ) : null}
            <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5">
              <dt className="text-ink-600">{t("sync.indicator.pendingLabel")}</dt>
              <dd className="text-ink-900 tabular-nums" data-testid="sync-details-pending">
                {format.count(status.pending)}
              </dd>
              <dt className="text-ink-600">{t("sync.indicator.lastSyncLabel")}</dt>
              <dd className="text-ink-900" data-testid="sync-details-last-sync">
                {status.last_sync_at ? (
                  <time dateTime={status.last_sync_at} title={format.dateTime(status.last_sync_at)}>
                    {format.relative(status.last_sync_at, now)}
                  </time>
                ) : (
                  t("sync.indicator.never")
                )}
              </dd>
              {canSeeConflicts ? (
                <>
                  <dt className="text-ink-600">{t("sync.indicator.conflictsLabel")}</dt>
                  <dd className="text-ink-900 tabular-nums">
                    <Link
                      href={CONFLICTS_PATH}
                      className="font-medium text-accent-700 underline underline-offset-2 hover:text-accent-900"
                      data-testid="sync-details-conflicts"
                      onClick={() => {
                        setOpen(false);
                      }}
                    >
                      {t("sync.indicator.conflictsLink", { count: status.conflicts, formatted: format.count(status.conflicts) })}
                    </Link>
                  </dd>
                </>
              ) : null}
            </dl>
            {status.last_error ? (
              <div role="alert" className="mt-3 rounded-md border border-danger-600/40 bg-danger-50 px-3 py-2 text-[0.8125rem] text-danger-700" data-testid="sync-details-error">
                <p className="font-medium">{status.last_error_at ? t("sync.indicator.errorAt", { time: format.dateTime(status.last_error_at) }) : t("sync.indicator.error")}</p>
                <p className="mt-0.5 break-words">{status.last_error}</p>
              </div>
            ) : null}
            {syncNow.isError ? (
              <p role="alert" className="mt-3 text-[0.8125rem] font-medium text-danger-700" data-testid="sync-now-error">
                {errorMessage(syncNow.error)}
              </p>
            ) : null}
            {syncNow.isSuccess ? (
              <p role="status" className="mt-3 text-[0.8125rem] text-ok-700" data-testid="sync-now-done">
                {t("sync.indicator.requested")}
              </p>
            ) : null}
            <div className="mt-4 flex items-center justify-between gap-2 border-t border-ink-100 pt-3">
              {session.permissions.has("sync.manage") ? (
                <Link
                  href={SYNC_SETTINGS_PATH}
                  className="inline-flex items-center gap-1.5 text-[0.8125rem] font-medium text-accent-700 underline underline-offset-2 hover:text-accent-900"
                  onClick={() => {
                    setOpen(false);
                  }}
                >
                  <Settings aria-hidden="true" className="size-3.5" />
                  {t("sync.indicator.settings")}
                </Link>
              ) : (
                <span />
              )}
              <Button size="sm" variant="primary" data-testid="sync-now" busy={syncNow.isPending} disabled={state === "stopped"} icon={<RefreshCw aria-hidden="true" className="size-4" />} onClick={() => { syncNow.mutate(); }}>
                {t("sync.indicator.syncNow")}
              </Button>
            </div>
          </div>
        ) : null}
      </div>
      {canSeeConflicts && status.conflicts > 0 ? (
        <Link
          href={CONFLICTS_PATH}
          data-testid="sync-conflicts-badge"
          aria-label={t("sync.indicator.conflictsBadge", { count: status.conflicts, formatted: format.count(status.conflicts) })}
          title={t("sync.indicator.conflictsBadge", { count: status.conflicts, formatted: format.count(status.conflicts) })}
          className="flex h-8 shrink-0 items-center gap-1 rounded-full border border-warn-700/30 bg-warn-50 px-2.5 text-sm font-semibold text-warn-700 tabular-nums hover:bg-warn-700 hover:text-white"
        >
          <TriangleAlert aria-hidden="true" className="size-4" />
          {format.count(status.conflicts)}
        </Link>
      ) : null}
    </div>
  );
}
