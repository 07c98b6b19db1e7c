// Reception's "Today" board: the day's appointments by stage (`list_day` for the clinic's today),
// check-in, no-show and completion, the per-doctor queue with tickets and "Call next", walk-ins,
// and the waitlist with its offers. Everything follows `clinic-changed`, so two desks (and the
// doctors' own screens) see the same board. Actions the role lacks are not shown; Rust refuses
// them anyway, and its refusals (e.g. a no-show before the grace time) are shown as it words them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Footprints, MonitorPlay, Search } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Appointment, QueueEntry, StaffMember } from "../../api/generated";
import { refreshAfterWrite } from "../../api/live";
import { commandQuery } from "../../api/queries";
import { Badge, type Tone } from "../../components/Badge";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { cn } from "../../components/cn";
import { PageHeader } from "../../components/PageHeader";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useCan, useSession } from "../auth/session";
import { InvoiceFromAppointment } from "../billing/InvoiceFromAppointment";
import { useOpenConsultation } from "../records/useConsultation";
import { openDisplayWindow } from "../display/windows";
import { BOARD_TABLES, GROUPS, grouped, matches, ticketsOf, useClinicClock, useToday, type Consult, type GroupId } from "./board";
import { QueuePanel } from "./QueuePanel";
import { WaitlistPanel, type Feedback } from "./WaitlistPanel";
import { WalkInDialog } from "./WalkInDialog";

type Action =
  | { kind: "check_in" | "complete" | "no_show"; appointment: Appointment }
  | { kind: "call_next"; doctor: StaffMember; next: QueueEntry | undefined };

const groupTone: Record<GroupId, Tone> = { upcoming: "neutral", waiting: "warn", in_consultation: "info", done: "ok", no_show: "danger" };

/** Whether a key press belongs to a text field (shortcuts leave typing alone). */
function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export function TodayPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  // Reception checks patients in (queue.manage); doctors and nurses call them in and complete (queue.call).
  const canQueue = useCan("queue.manage");
  const canCall = useCan("queue.call");
  const canWrite = useCan("schedule.write");
  const canSearchPatients = useCan("patients.read");
  const canBook = canWrite && canSearchPatients;
  const canDisplay = useCan("display.view");
  // Doctors start (or open) their own patients' consultations; nurses open a running one for vitals.
  const canReadClinical = useCan("clinical.read");
  const canStartEncounter = useCan("clinical.write");
  const { user } = useSession();
  const consultation = useOpenConsultation();
  const consultOf = (a: Appointment): Consult => {
    if (!canReadClinical) return null;
    if (canStartEncounter) return a.doctor_id !== user.id ? null : a.status === "checked_in" ? "start" : a.status === "in_consultation" ? "open" : null;
    return a.status === "in_consultation" ? "open" : null;
  };
  const consult = (a: Appointment) => {
    setFeedback(null);
    consultation.mutate(
      { patientId: a.patient_id, appointment: a },
      {
        onError: (error) => {
          setFeedback({ tone: "error", message: errorMessage(error) });
        },
      },
    );
  };
  const consulting = consultation.isPending ? (consultation.variables.appointment?.id ?? null) : null;
  const clock = useClinicClock();
  const day = useToday(clock?.date ?? null);
  const queue = useQuery({ ...commandQuery("waiting_queue", {}), enabled: canQueue, refetchInterval: 60_000 });
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [walkIn, setWalkIn] = useState(false);
  const [addingToWaitlist, setAddingToWaitlist] = useState(false);
  const [search, setSearch] = useState("");
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const listId = useId();

  const appointments = useMemo(() => (day.data?.appointments ?? []).filter((a) => a.status !== "cancelled"), [day.data]);
  const tickets = useMemo(() => {
    const fromDay = ticketsOf(appointments);
    for (const e of queue.data ?? []) fromDay.set(e.appointment.id, e.ticket);
    return fromDay;
  }, [appointments, queue.data]);
  const groups = useMemo(() => grouped(appointments.filter((a) => matches(a, search)), tickets), [appointments, search, tickets]);
  const visible = GROUPS.flatMap((g) => groups.get(g.id) ?? []);
  const searching = search.trim() !== "";
  const selected = visible.find((a) => a.id === selectedId) ?? (searching ? (visible.find((a) => a.status === "scheduled") ?? visible[0]) : undefined);

  const act = useMutation({
    mutationFn: async (action: Action): Promise<string> => {
      switch (action.kind) {
        case "check_in": {
          const a = await call("check_in_appointment", { appointment_id: action.appointment.id });
          return t("today.checkedIn", { name: a.patient_name, doctor: a.doctor_name });
        }
        case "complete": {
          const a = await call("complete_appointment", { appointment_id: action.appointment.id });
          return t("today.completed", { name: a.patient_name });
        }
        case "no_show": {
          const a = await call("mark_no_show", { appointment_id: action.appointment.id });
          return t("today.markedNoShow", { name: a.patient_name });
        }
        case "call_next": {
          const a = await call("call_next_patient", { doctor_id: action.doctor.id });
          const ticket = action.next?.appointment.id === a.id ? action.next.ticket : null;
          return ticket === null ? t("today.calledIn", { name: a.patient_name, doctor: a.doctor_name }) : t("today.calledInTicket", { ticket, name: a.patient_name, doctor: a.doctor_name });
        }
      }
    },
    onMutate: () => {
      setFeedback(null);
    },
    onSuccess: async (message) => {
      setFeedback({ tone: "success", message });
      await refreshAfterWrite(queryClient, BOARD_TABLES);
    },
    onError: (error) => {
      setFeedback({ tone: "error", message: errorMessage(error) });
    },
  });
  const pendingFor = (kind: Action["kind"], id: string) => act.isPending && act.variables.kind === kind && (act.variables.kind === "call_next" ? act.variables.doctor.id : act.variables.appointment.id) === id;

  const openDisplay = useMutation({
    mutationFn: () => openDisplayWindow(t("display.windowTitle")),
    onError: (error) => {
      setFeedback({ tone: "error", message: t("today.displayFailed", { reason: errorMessage(error) }) });
    },
  });

  // Shortcuts: "/" searches, Alt+W starts a walk-in (not while typing, not under a dialog).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector("dialog[open]")) return;
      if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
        e.preventDefault();
        searchBox.current?.focus();
      } else if (e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === "w" && canBook) {
        e.preventDefault();
        setWalkIn(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [canBook]);

  const rowRefs = useRef(new Map<string, HTMLLIElement>());

  const onSearchKey = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (visible.length === 0) return;
      const index = selected ? visible.indexOf(selected) : -1;
      const next = visible[e.key === "ArrowDown" ? Math.min(index + 1, visible.length - 1) : Math.max(index - 1, 0)];
      setSelectedId(next?.id ?? null);
      if (next) rowRefs.current.get(next.id)?.scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (selected?.status === "scheduled" && canQueue && !act.isPending) act.mutate({ kind: "check_in", appointment: selected });
    } else if (e.key === "Escape" && search !== "") {
      e.preventDefault();
      setSearch("");
      setSelectedId(null);
    }
  };

  return (
    <>
      <PageHeader
        title={t("nav.today")}
        lead={format.longDate(new Date())}
        actions={
          <>
            {canDisplay ? (
              <Button data-testid="open-display" busy={openDisplay.isPending} icon={<MonitorPlay aria-hidden="true" className="size-4" />} onClick={() => { openDisplay.mutate(); }}>
                {t("today.openDisplay")}
              </Button>
            ) : null}
            {canBook ? (
              <Button variant="primary" data-testid="walk-in" icon={<Footprints aria-hidden="true" className="size-4" />} onClick={() => { setWalkIn(true); }}>
                {t("today.walkIn")}
              </Button>
            ) : null}
          </>
        }
      />
      {feedback ? (
        <Banner tone={feedback.tone} testId={feedback.tone === "error" ? "today-error" : "today-notice"} className="mb-4">
          {feedback.message}
        </Banner>
      ) : null}
      <div className="grid items-start gap-5 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="flex min-w-0 flex-col gap-4">
          <Card className="px-4 py-3">
            <label htmlFor={`${listId}-search`} className="sr-only">
              {t("today.searchLabel")}
            </label>
            <div className="relative">
              <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4.5 -translate-y-1/2 text-ink-500" />
              <input
                ref={searchBox}
                id={`${listId}-search`}
                type="search"
                autoComplete="off"
                spellCheck={false}
                className="input pl-10"
                placeholder={t("today.searchPlaceholder")}
                value={search}
                aria-controls={listId}
                aria-describedby={`${listId}-shortcuts ${listId}-selected`}
                data-testid="today-search"
                onChange={(e) => {
                  setSearch(e.target.value);
                  setSelectedId(null);
                }}
                onKeyDown={onSearchKey}
              />
            </div>
            <p id={`${listId}-shortcuts`} className="mt-2 flex flex-wrap items-center gap-x-5 gap-y-1 text-[0.8125rem] text-ink-600" data-testid="today-shortcuts">
              <span className="font-medium text-ink-700">{t("today.shortcuts.title")}</span>
              <span>
                <kbd className="kbd">/</kbd> {t("today.shortcuts.search")}
              </span>
              <span>
                <kbd className="kbd">↑</kbd> <kbd className="kbd">↓</kbd> {t("today.shortcuts.choose")}
              </span>
              {canQueue ? (
                <span>
                  <kbd className="kbd">Enter</kbd> {t("today.shortcuts.checkIn")}
                </span>
              ) : null}
              {canBook ? (
                <span>
                  <kbd className="kbd">Alt</kbd> + <kbd className="kbd">W</kbd> {t("today.shortcuts.walkIn")}
                </span>
              ) : null}
            </p>
            <p id={`${listId}-selected`} className="sr-only" aria-live="polite">
              {selected ? t("today.selected", { time: format.time(selected.starts_at), name: selected.patient_name }) : ""}
            </p>
          </Card>

          {day.isPending ? (
            <Card>
              <LoadingState label={t("today.loading")} />
            </Card>
          ) : day.isError ? (
            <Banner tone="error" testId="form-error">
              {errorMessage(day.error)}
            </Banner>
          ) : (
            <div id={listId} className="flex flex-col gap-4" data-testid="today-board">
              {searching && visible.length === 0 ? (
                <Card>
                  <p className="px-4 py-6 text-center text-sm text-ink-600" data-testid="today-no-match">
                    {t("today.noMatch")}
                  </p>
                </Card>
              ) : null}
              {GROUPS.map((g) => {
                const list = groups.get(g.id) ?? [];
                // While searching, only the stages with a match.
                if (searching && list.length === 0) return null;
                return (
                  <Card key={g.id} className="overflow-hidden">
                    <section aria-labelledby={`${listId}-${g.id}`} data-testid={`today-group-${g.id}`}>
                      <h2 id={`${listId}-${g.id}`} className="flex items-center gap-2 border-b border-ink-100 bg-ink-50/60 px-4 py-2 text-sm font-semibold text-ink-800">
                        {t(`today.groups.${g.id}`)}
                        <Badge tone={groupTone[g.id]}>{list.length}</Badge>
                      </h2>
                      {list.length === 0 ? (
                        <p className="px-4 py-3 text-sm text-ink-500">{t(`today.groupsEmpty.${g.id}`)}</p>
                      ) : (
                        <ul className="divide-y divide-ink-100">
                          {list.map((a) => (
                            <AppointmentRow
                              key={a.id}
                              appointment={a}
                              ticket={tickets.get(a.id)}
                              selected={a.id === selected?.id}
                              canQueue={canQueue}
                              canCall={canCall}
                              consult={consultOf(a)}
                              consultBusy={consulting === a.id}
                              onConsult={() => {
                                consult(a);
                              }}
                              busy={(kind) => pendingFor(kind, a.id)}
                              disabled={act.isPending || consultation.isPending}
                              rowRef={(el) => {
                                if (el) rowRefs.current.set(a.id, el);
                                else rowRefs.current.delete(a.id);
                              }}
                              onSelect={() => {
                                setSelectedId(a.id);
                              }}
                              onAction={(kind) => {
                                act.mutate({ kind, appointment: a });
                              }}
                            />
                          ))}
                        </ul>
                      )}
                    </section>
                  </Card>
                );
              })}
            </div>
          )}
        </div>

        <div className="flex min-w-0 flex-col gap-4">
          {canQueue ? (
            <QueuePanel
              queue={queue}
              appointments={appointments}
              tickets={tickets}
              canCall={canCall}
              calling={act.isPending && act.variables.kind === "call_next" ? act.variables.doctor.id : null}
              consultOf={consultOf}
              consulting={consulting}
              onConsult={consult}
              onCallNext={(doctor, next) => {
                act.mutate({ kind: "call_next", doctor, next });
              }}
            />
          ) : null}
          <WaitlistPanel onFeedback={setFeedback} adding={addingToWaitlist} onAddingChange={setAddingToWaitlist} />
        </div>
      </div>
      {canBook ? (
        <WalkInDialog
          open={walkIn}
          onClose={() => {
            setWalkIn(false);
          }}
          onDone={(a) => {
            setWalkIn(false);
            setFeedback({ tone: "success", message: t("today.walkInDone", { name: a.patient_name, doctor: a.doctor_name }) });
          }}
        />
      ) : null}
    </>
  );
}

function AppointmentRow({
  appointment: a,
  ticket,
  selected,
  canQueue,
  canCall,
  consult,
  consultBusy,
  onConsult,
  busy,
  disabled,
  rowRef,
  onSelect,
  onAction,
}: {
  appointment: Appointment;
  ticket: number | undefined;
  selected: boolean;
  canQueue: boolean;
  canCall: boolean;
  consult: Consult;
  consultBusy: boolean;
  onConsult: () => void;
  busy: (kind: "check_in" | "complete" | "no_show") => boolean;
  disabled: boolean;
  rowRef: (el: HTMLLIElement | null) => void;
  onSelect: () => void;
  onAction: (kind: "check_in" | "complete" | "no_show") => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const showTicket = ticket !== undefined && (a.status === "checked_in" || a.status === "in_consultation");
  return (
    // A click on the row chooses it (as the arrow keys do); its buttons act on it.
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions
    <li
      ref={rowRef}
      data-testid={`today-row-${a.id}`}
      data-status={a.status}
      aria-current={selected || undefined}
      onClick={(e) => {
        // Its buttons act on the row without choosing it.
        if (!(e.target instanceof Element && e.target.closest("button"))) onSelect();
      }}
      className={cn(
        // A fixed actions column keeps the columns aligned across the stages.
        "grid grid-cols-[4rem_minmax(0,1fr)_auto] items-center gap-x-4 px-4 py-2.5 sm:grid-cols-[4rem_minmax(0,1.3fr)_minmax(0,1fr)_14rem]",
        selected ? "bg-accent-50 ring-2 ring-accent-600 ring-inset" : "hover:bg-ink-50",
      )}
    >
      <span className="text-sm font-semibold text-ink-900 tabular-nums">{format.time(a.starts_at)}</span>
      <span className="min-w-0">
        <span className="flex items-center gap-2">
          <span className="truncate font-medium text-ink-900">{a.patient_name}</span>
          {a.walk_in ? <Badge tone="info">{t("today.walkInBadge")}</Badge> : null}
        </span>
        <span className="block truncate text-[0.8125rem] text-ink-600">
          <span className="font-mono">{a.patient_mrn}</span>
          {a.reason ? ` · ${a.reason}` : ""}
        </span>
      </span>
      <span className="hidden min-w-0 text-[0.8125rem] text-ink-700 sm:block">
        <span className="block truncate">{a.doctor_name}</span>
        <span className="block truncate text-ink-600">
          {a.visit_type}
          {a.room ? ` · ${a.room}` : ""}
        </span>
      </span>
      <span className="flex items-center justify-end gap-2">
        {showTicket ? (
          <span className="inline-flex h-7 items-center rounded bg-accent-50 px-2 font-mono text-sm font-semibold text-accent-800 ring-1 ring-accent-700/20" data-testid={`ticket-${a.id}`}>
            {t("today.ticket", { ticket })}
          </span>
        ) : null}
        {consult ? (
          <Button
            size="sm"
            variant={consult === "start" ? "primary" : "secondary"}
            busy={consultBusy}
            disabled={disabled}
            aria-label={t(consult === "start" ? "records.consultation.startFor" : "records.consultation.openFor", { name: a.patient_name })}
            data-testid={`${consult === "start" ? "start" : "open"}-consultation-${a.id}`}
            onClick={onConsult}
          >
            {t(consult === "start" ? "records.consultation.start" : "records.consultation.open")}
          </Button>
        ) : null}
        {canQueue && a.status === "scheduled" ? (
          <Button size="sm" variant="primary" busy={busy("check_in")} disabled={disabled} data-testid={`check-in-${a.id}`} onClick={() => { onAction("check_in"); }}>
            {t("today.checkIn")}
          </Button>
        ) : null}
        {canCall && a.status === "in_consultation" ? (
          <Button size="sm" variant="primary" busy={busy("complete")} disabled={disabled} data-testid={`complete-${a.id}`} onClick={() => { onAction("complete"); }}>
            {t("today.complete")}
          </Button>
        ) : null}
        {/* A completed visit is invoiced from here (billing.write; the button checks it). */}
        {a.status === "completed" ? <InvoiceFromAppointment appointment={a} /> : null}
        {canQueue && (a.status === "scheduled" || a.status === "checked_in") ? (
          <Button size="sm" variant="ghost" busy={busy("no_show")} disabled={disabled} data-testid={`no-show-${a.id}`} onClick={() => { onAction("no_show"); }}>
            {t("today.noShow")}
          </Button>
        ) : null}
      </span>
    </li>
  );
}
