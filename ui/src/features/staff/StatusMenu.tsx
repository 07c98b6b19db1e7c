// A doctor's own status in the frame's header: what reception and the waiting-room display see.
// Rust also sets it by itself (busy while a consultation runs, available after), so it is read
// from `list_staff` and follows the `clinic-changed` event like every other list.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, ChevronDown } from "lucide-react";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Availability } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { commandQuery } from "../../api/queries";
import { cn } from "../../components/cn";
import { useFormat } from "../../lib/format";
import { useSession } from "../auth/session";
import { AVAILABILITIES, AVAILABILITY_DOT } from "./StaffPage";

/** The list the header and the staff page share (one cache entry, one refetch). */
export const doctorsQuery = () => commandQuery("list_staff", { role: "doctor" });

export function StatusMenu() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useSession().user;
  const queryClient = useQueryClient();
  const doctors = useQuery(doctorsQuery());
  const mine = doctors.data?.members.find((m) => m.id === me.id);
  const [open, setOpen] = useState(false);
  const change = useMutation({
    mutationFn: (availability: Availability) => call("set_my_availability", { availability }),
    onSuccess: async () => {
      setOpen(false);
      await refreshAfterWrite(queryClient, ["users"]);
    },
  });
  const current = change.isPending ? change.variables : mine?.availability;
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  // The checked item takes focus when the menu opens; a click elsewhere closes it.
  useEffect(() => {
    if (!open) return;
    const items = menu.current;
    (items?.querySelector<HTMLElement>('[aria-checked="true"]') ?? items?.querySelector<HTMLElement>('[role="menuitemradio"]'))?.focus();
    const onPointerDown = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const next = e.key === "ArrowDown" ? (index + 1) % items.length : e.key === "ArrowUp" ? (index - 1 + items.length) % items.length : e.key === "Home" ? 0 : e.key === "End" ? items.length - 1 : null;
    if (next !== null) {
      e.preventDefault();
      items[next]?.focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === "Tab") {
      setOpen(false);
    }
  };

  return (
    <div className="relative">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={current === undefined}
        data-testid="status-menu"
        data-availability={current}
        title={mine?.availability_changed_at ? t("staff.since", { time: format.dateTime(mine.availability_changed_at) }) : undefined}
        onClick={() => {
          change.reset();
          setOpen((o) => !o);
        }}
        className="flex h-10 items-center gap-2 rounded-md border border-ink-200 bg-white px-3 text-sm font-medium text-ink-800 hover:border-ink-300 hover:bg-ink-50 disabled:opacity-60"
      >
        <span className="sr-only">{t("status.label")}: </span>
        <span aria-hidden="true" className={cn("size-2.5 rounded-full", current ? AVAILABILITY_DOT[current] : "bg-ink-300")} />
        {current ? t(`staff.availability.${current}`) : t("common.loading")}
        <ChevronDown aria-hidden="true" className="size-4 text-ink-500" />
      </button>
      {open ? (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          tabIndex={-1}
          aria-label={t("status.label")}
          data-testid="status-options"
          onKeyDown={onMenuKey}
          className="absolute top-full right-0 z-20 mt-1.5 w-64 rounded-lg border border-ink-200 bg-white p-1.5 shadow-lg"
        >
          <p className="px-2.5 pt-1 pb-2 text-xs text-ink-600">{t("status.hint")}</p>
          {AVAILABILITIES.map((a) => (
            <button
              key={a}
              type="button"
              role="menuitemradio"
              aria-checked={a === current}
              tabIndex={-1}
              data-testid={`status-option-${a}`}
              onClick={() => {
                if (a === current) close();
                else change.mutate(a);
              }}
              className="flex h-9 w-full items-center gap-2.5 rounded-md px-2.5 text-left text-sm text-ink-800 hover:bg-ink-100 focus-visible:bg-accent-50 focus-visible:outline-none"
            >
              <span aria-hidden="true" className={cn("size-2.5 rounded-full", AVAILABILITY_DOT[a])} />
              <span className="flex-1">{t(`staff.availability.${a}`)}</span>
              {a === current ? <Check aria-hidden="true" className="size-4 text-accent-700" /> : null}
            </button>
          ))}
          {change.isError ? (
            <p role="alert" data-testid="status-error" className="px-2.5 pt-2 pb-1 text-[0.8125rem] font-medium text-danger-700">
              {errorMessage(change.error)}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
