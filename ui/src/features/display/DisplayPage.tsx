// The waiting-room display (`waiting_room_display`, display.view): which ticket each doctor is
// seeing, who waits next (ticket numbers and initials only) and which doctors are in. Full
// screen, large type, no navigation. It follows `clinic-changed` (mounted with the app frame)
// and refetches every 15 s in case an event was missed.
import { useQuery } from "@tanstack/react-query";
import { LogOut, Maximize } from "lucide-react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import type { DisplayDoctor, DisplayTicket } from "../../api/generated";
import { commandQuery } from "../../api/queries";
import { cn } from "../../components/cn";
import { Logo } from "../../components/Logo";
import { Spinner } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useSessionApi } from "../auth/session";
import { toggleFullscreen } from "./windows";

export const DISPLAY_REFETCH_MS = 15_000;

export const displayQuery = () => ({
  ...commandQuery("waiting_room_display", {}),
  refetchInterval: DISPLAY_REFETCH_MS,
  refetchIntervalInBackground: true,
  staleTime: 0,
});

interface DoctorColumn {
  doctor: DisplayDoctor | null;
  name: string;
  waiting: DisplayTicket[];
}

/** One column per doctor (in Rust's order) with their waiting tickets in calling order. */
function columns(doctors: readonly DisplayDoctor[], queue: readonly DisplayTicket[]): DoctorColumn[] {
  // By the doctor's place in the list, not the name: two doctors may share a name.
  const byDoctor = new Map<number, DisplayTicket[]>();
  for (const ticket of queue) byDoctor.set(ticket.doctor_index, [...(byDoctor.get(ticket.doctor_index) ?? []), ticket]);
  const out: DoctorColumn[] = doctors.map((doctor, index) => ({ doctor, name: doctor.name, waiting: byDoctor.get(index) ?? [] }));
  // Tickets of a doctor no longer listed (e.g. disabled today) are still called: keep them visible.
  for (const [index, waiting] of byDoctor) {
    const first = waiting[0];
    if (index >= doctors.length && first) out.push({ doctor: null, name: first.doctor_name, waiting });
  }
  for (const column of out) column.waiting.sort((a, b) => a.position - b.position);
  return out;
}

function useClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(new Date());
    }, 10_000);
    return () => {
      clearInterval(timer);
    };
  }, []);
  return now;
}

export function DisplayPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const api = useSessionApi();
  const display = useQuery(displayQuery());
  const now = useClock();
  const data = display.data;
  const board = data ? columns(data.doctors, data.queue) : [];

  return (
    <div data-testid="display-page" className="flex h-screen min-h-0 flex-col bg-ink-900 text-white">
      <header className="flex shrink-0 items-center justify-between gap-8 border-b border-white/10 px-[3vw] py-[2.2vh]">
        <div className="flex min-w-0 items-center gap-4">
          <Logo className="size-[5vh] shrink-0" />
          <h1 className="truncate text-[4.2vh] font-semibold tracking-tight" data-testid="display-clinic">
            {data?.clinic_name ?? t("app.name")}
          </h1>
        </div>
        <div className="text-[5.5vh] leading-none font-semibold tabular-nums" data-testid="display-clock">
          {format.time(now.toISOString())}
        </div>
      </header>

      <main className="flex min-h-0 flex-1 flex-col px-[3vw] py-[3vh]">
        {display.isPending ? (
          <div role="status" className="flex flex-1 items-center justify-center gap-4 text-[3vh] text-white/80">
            <Spinner className="size-[4vh]" />
            {t("display.loading")}
          </div>
        ) : display.isError && !data ? (
          <div role="alert" data-testid="display-error" className="flex flex-1 items-center justify-center text-center text-[3vh] text-white/85">
            {errorMessage(display.error)}
          </div>
        ) : board.length === 0 ? (
          <div className="flex flex-1 items-center justify-center text-[3.5vh] text-white/85">{t("display.noDoctors")}</div>
        ) : (
          <div className="grid min-h-0 flex-1 auto-rows-fr grid-cols-[repeat(auto-fit,minmax(min(100%,24rem),1fr))] gap-[2vw]">
            {board.map((column, i) => (
              <DoctorCard key={column.name} column={column} index={i} />
            ))}
          </div>
        )}
      </main>

      <footer className="group flex shrink-0 items-center justify-between gap-6 border-t border-white/10 px-[3vw] py-[1.6vh] text-[2vh] text-white/75">
        <p>{t("display.footer")}</p>
        <div className="flex items-center gap-5">
          {data ? (
            <span className="tabular-nums" data-testid="display-updated">
              {t("display.updated", { time: format.time(data.generated_at) })}
            </span>
          ) : null}
          {/* Barely visible until pointed at or focused: staff need them, the waiting room does not. */}
          <div className="flex items-center gap-1 opacity-40 transition-opacity group-hover:opacity-100 focus-within:opacity-100">
            <button
              type="button"
              className="flex h-9 items-center gap-2 rounded-md px-3 text-[0.9375rem] hover:bg-white/10"
              data-testid="display-fullscreen"
              onClick={() => {
                void toggleFullscreen();
              }}
            >
              <Maximize aria-hidden="true" className="size-4" />
              {t("display.fullscreen")}
            </button>
            <button type="button" className="flex h-9 items-center gap-2 rounded-md px-3 text-[0.9375rem] hover:bg-white/10" data-testid="display-sign-out" onClick={() => void api.signOut()}>
              <LogOut aria-hidden="true" className="size-4" />
              {t("frame.logout")}
            </button>
          </div>
        </div>
      </footer>
    </div>
  );
}

// The staff list's colours, lighter for the dark screen.
const availabilityText: Record<DisplayDoctor["availability"], string> = {
  available: "text-ok-300",
  busy: "text-warn-300",
  away: "text-accent-200",
  offline: "text-white/60",
};
const availabilityDot: Record<DisplayDoctor["availability"], string> = {
  available: "bg-ok-300",
  busy: "bg-warn-300",
  away: "bg-accent-200",
  offline: "bg-white/40",
};

function DoctorCard({ column, index }: { column: DoctorColumn; index: number }) {
  const { t } = useTranslation();
  const { doctor, waiting } = column;
  const offline = doctor?.availability === "offline";
  const serving = doctor?.now_serving ?? null;
  const details = [doctor?.specialization, doctor?.room ? t("display.room", { room: doctor.room }) : null].filter(Boolean).join(" · ");
  return (
    <section
      aria-labelledby={`display-doctor-${index}`}
      data-testid={`display-doctor-${index}`}
      className={cn("@container flex min-h-0 flex-col overflow-hidden rounded-2xl bg-white/[0.06] ring-1 ring-white/10", offline && "opacity-60")}
    >
      <div className="border-b border-white/10 px-[1.6vw] pt-[2vh] pb-[1.6vh]">
        <h2 id={`display-doctor-${index}`} className="truncate text-[3.6vh] leading-tight font-semibold">
          {column.name}
        </h2>
        <div className="mt-[0.6vh] flex flex-wrap items-center gap-x-4 gap-y-1 text-[2.3vh] text-white/75">
          {details ? <span className="truncate">{details}</span> : null}
          {doctor ? (
            <span className={cn("flex items-center gap-2 font-medium", availabilityText[doctor.availability])} data-testid={`display-availability-${index}`}>
              <span aria-hidden="true" className={cn("size-[1.4vh] rounded-full", availabilityDot[doctor.availability])} />
              {t(`staff.availability.${doctor.availability}`)}
            </span>
          ) : null}
        </div>
      </div>
      {/* Side by side in a wide card, one above the other in a narrow one. */}
      <div className="grid min-h-0 flex-1 grid-rows-[auto_minmax(0,1fr)] @2xl:grid-cols-[minmax(0,1fr)_minmax(0,1.15fr)] @2xl:grid-rows-1">
        <div className="border-b border-white/10 px-[1.6vw] py-[2vh] @2xl:border-r @2xl:border-b-0" aria-live="polite">
          <div className="text-[2.1vh] font-semibold tracking-widest text-white/70 uppercase">{t("display.nowServing")}</div>
          {serving === null ? (
            <div className="pt-[3vh] text-[3vh] text-white/55" data-testid={`display-serving-${index}`}>
              {t("display.nobodyServed")}
            </div>
          ) : (
            <div className="text-[15vh] leading-none font-bold text-ok-300 tabular-nums" data-testid={`display-serving-${index}`}>
              {serving}
            </div>
          )}
        </div>
        <div className="min-h-0 overflow-hidden px-[1.6vw] py-[2vh]">
          <div className="mb-[1.2vh] text-[2.1vh] font-semibold tracking-widest text-white/70 uppercase">
            {t("display.next")} <span className="tabular-nums">({waiting.length})</span>
          </div>
          {waiting.length === 0 ? (
            <p className="text-[2.6vh] text-white/60">{t("display.nobodyWaiting")}</p>
          ) : (
            <ol className="flex flex-col gap-[1vh]">
              {waiting.slice(0, 5).map((ticket) => (
                <li key={ticket.ticket} data-testid={`display-ticket-${ticket.ticket}`} className="flex items-baseline gap-[1.4vw] text-[4.8vh] leading-tight">
                  <span className="min-w-[2.5ch] text-right font-bold tabular-nums">{ticket.ticket}</span>
                  <span className="text-white/80">{ticket.initials}</span>
                </li>
              ))}
              {waiting.length > 5 ? <li className="text-[2.4vh] text-white/60">{t("display.more", { count: waiting.length - 5 })}</li> : null}
            </ol>
          )}
        </div>
      </div>
    </section>
  );
}
