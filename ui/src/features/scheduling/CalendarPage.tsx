// The clinic's calendar: a day with every doctor as a column, or one doctor's week. An empty
// slot opens the booking form; dragging an appointment moves it (`reschedule_appointment`, with
// every check of a booking; refused, it snaps back and Rust's reason is shown); clicking one
// opens its details and actions. Everything is in the clinic's time zone.
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarPlus, CalendarSearch, ChevronLeft, ChevronRight, DoorOpen } from "lucide-react";
import { useCallback, useMemo, useState } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { call } from "../../api/gateway";
import type { Appointment, DoctorAvailability, RescheduleAppointmentInput } from "../../api/generated";
import { clinicSettingsQuery, commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { CheckboxField } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { LoadingState } from "../../components/States";
import { useFormat } from "../../lib/format";
import { useCan, useSession } from "../auth/session";
import { BookingDialog, type BookingDraft } from "./BookingDialog";
import { ClinicCalendar } from "./ClinicCalendar";
import { FindSlotDialog } from "./FindSlotDialog";
import { AppointmentPanel } from "./AppointmentPanel";
import { addDays, clinicToday, confirmableOf, fromClinicLocal, mondayOf, nextQuarterHour, schedulingChanged, STATUSES, statusLabel, toClinicLocal, toEvent, type CalendarEvent } from "./model";

type View = "day" | "week";

interface Move {
  input: RescheduleAppointmentInput;
  event: CalendarEvent;
  start: Date;
  doctorId: string;
}

export function CalendarPage() {
  const { t } = useTranslation();
  const settings = useQuery(clinicSettingsQuery());
  if (!settings.data) return <LoadingState label={t("calendar.loading")} />;
  return <CalendarScreen zone={settings.data.time_zone} />;
}

function CalendarScreen({ zone }: { zone: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const queryClient = useQueryClient();
  const canBook = useCan("schedule.write");
  const [view, setView] = useState<View>("day");
  const [date, setDate] = useState(() => clinicToday(zone));
  const [doctorFilter, setDoctorFilter] = useState("");
  const [weekDoctor, setWeekDoctor] = useState<string | null>(session.user.role === "doctor" ? session.user.id : null);
  const [showCancelled, setShowCancelled] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [draft, setDraft] = useState<BookingDraft | null>(null);
  const [finding, setFinding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [alert, setAlert] = useState<{ message: string; retry: RescheduleAppointmentInput | null } | null>(null);
  /** Where a dragged appointment shows while Rust decides (removed on refusal: it snaps back). */
  const [moving, setMoving] = useState<Move | null>(null);
  const [askScope, setAskScope] = useState<Move | null>(null);

  const staff = useQuery(commandQuery("list_staff", { role: "doctor" }));
  const doctors = useMemo(() => (staff.data?.members ?? []).filter((m) => m.active).map((m) => ({ id: m.id, full_name: m.full_name, specialization: m.specialization })), [staff.data]);
  const weekDoctorId = weekDoctor ?? doctors[0]?.id ?? null;
  const visitTypes = useQuery(commandQuery("list_visit_types", {}));

  const first = view === "week" ? mondayOf(date) : date;
  const listInput = {
    date: first,
    ...(view === "week" ? { days: 7 } : {}),
    ...(view === "week" ? (weekDoctorId ? { doctor_id: weekDoctorId } : {}) : doctorFilter ? { doctor_id: doctorFilter } : {}),
    ...(showCancelled ? { include_inactive: true } : {}),
  };
  const day = useQuery({ ...commandQuery("list_day", listInput), enabled: view === "day" || weekDoctorId !== null, placeholderData: keepPreviousData, staleTime: 0 });

  const shownDoctors = view === "day" ? doctors.filter((d) => doctorFilter === "" || d.id === doctorFilter) : doctors.filter((d) => d.id === weekDoctorId);
  // Each shown doctor's hours: time outside them is shaded (bookable after a question).
  const availability = useQueries({
    queries: shownDoctors.map((d) => commandQuery("get_doctor_availability", { doctor_id: d.id })),
    combine: (results) => new Map<string, DoctorAvailability>(results.flatMap((r) => (r.data ? [[r.data.doctor_id, r.data] as const] : []))),
  });

  const appointments = useMemo(() => day.data?.appointments ?? [], [day.data]);
  const events = useMemo(
    () =>
      appointments.map((a) => {
          const event = toEvent(a);
          if (moving?.event.id !== a.id) return event;
          const length = event.end.getTime() - event.start.getTime();
          return { ...event, start: moving.start, end: new Date(moving.start.getTime() + length), resourceId: moving.doctorId };
        }),
    [appointments, moving],
  );
  const selected: Appointment | undefined = appointments.find((a) => a.id === selectedId);

  const move = useMutation({ mutationFn: (input: RescheduleAppointmentInput) => call("reschedule_appointment", input) });
  const sendMove = useCallback(
    (m: Move) => {
      setAlert(null);
      setNotice(null);
      setMoving(m);
      move.mutate(m.input, {
        onSuccess: (after) => {
          // Where it is now comes from Rust before the dragged copy goes.
          void schedulingChanged(queryClient).then(() => {
            setMoving(null);
            setNotice(t("calendar.moved", { name: after.patient_name, time: `${format.date(after.starts_at)}, ${format.time(after.starts_at)}`, doctor: after.doctor_name }));
          });
        },
        onError: (error) => {
          // Refused: the appointment goes back where it was, and Rust says why.
          setMoving(null);
          const field = confirmableOf(error);
          setAlert({ message: errorMessage(error), retry: field ? { ...m.input, [field]: true } : null });
        },
      });
    },
    [format, move, queryClient, t],
  );

  const onMove = useCallback(
    (event: CalendarEvent, start: Date, doctorId: string) => {
      const a = event.appointment;
      if (a.status !== "scheduled") return;
      if (start.getTime() === event.start.getTime() && doctorId === a.doctor_id) return;
      const m: Move = {
        event,
        start,
        doctorId,
        input: { appointment_id: a.id, starts_at: toClinicLocal(start, zone), ...(doctorId === a.doctor_id ? {} : { doctor_id: doctorId }) },
      };
      if (a.series_id) {
        setMoving(m);
        setAskScope(m);
      } else {
        sendMove(m);
      }
    },
    [sendMove, zone],
  );

  const onSelectSlot = useCallback(
    (start: Date, doctorId: string | null) => {
      setNotice(null);
      setDraft({ mode: "book", startsAt: toClinicLocal(start, zone), ...(doctorId ? { doctorId } : {}) });
    },
    [zone],
  );
  const onSelectEvent = useCallback((event: CalendarEvent) => {
    setSelectedId(event.id);
  }, []);

  const step = view === "week" ? 7 : 1;
  const today = clinicToday(zone);
  const heading =
    view === "week"
      ? t("calendar.weekOf", { date: format.longDate(fromClinicLocal(`${first}T12:00`, zone)) })
      : format.longDate(fromClinicLocal(`${date}T12:00`, zone));

  /** A new booking starts with the doctor being looked at. */
  const preferredDoctor = view === "week" && weekDoctorId ? { doctorId: weekDoctorId } : doctorFilter ? { doctorId: doctorFilter } : {};

  const booked = (a: Appointment, count: number) => {
    setDraft(null);
    setFinding(false);
    setSelectedId(a.id);
    setNotice(count > 1 ? t("calendar.bookedSeries", { name: a.patient_name, count }) : t("calendar.booked", { name: a.patient_name, time: `${format.date(a.starts_at)}, ${format.time(a.starts_at)}`, doctor: a.doctor_name }));
    // Show where it went.
    setDate(toClinicLocal(new Date(a.starts_at), zone).slice(0, 10));
  };

  return (
    <div className="flex h-[calc(100vh-6.5rem)] min-h-[30rem] flex-col">
      <PageHeader
        title={t("nav.calendar")}
        lead={
          <span data-testid="calendar-heading" aria-live="polite" className="font-medium text-ink-800">
            {heading}
          </span>
        }
        actions={
          canBook ? (
            <>
              <Button data-testid="calendar-find-slot" icon={<CalendarSearch aria-hidden="true" className="size-4" />} onClick={() => { setNotice(null); setFinding(true); }}>
                {t("calendar.find.open")}
              </Button>
              <Button data-testid="calendar-walk-in" icon={<DoorOpen aria-hidden="true" className="size-4" />} onClick={() => { setNotice(null); setDraft({ mode: "walk_in", ...preferredDoctor }); }}>
                {t("calendar.walkIn.open")}
              </Button>
              <Button variant="primary" data-testid="calendar-book" icon={<CalendarPlus aria-hidden="true" className="size-4" />} onClick={() => { setNotice(null); setDraft({ mode: "book", startsAt: nextQuarterHour(zone), ...preferredDoctor }); }}>
                {t("calendar.book.open")}
              </Button>
            </>
          ) : null
        }
      />
      <div className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-2" role="group" aria-label={t("calendar.toolbar")}>
        <div className="flex items-center gap-1" role="group" aria-label={t("calendar.navigate")}>
          <Button size="sm" data-testid="calendar-today" disabled={date === today} onClick={() => { setDate(today); }}>
            {t("calendar.today")}
          </Button>
          <Button size="sm" variant="ghost" aria-label={view === "week" ? t("calendar.prevWeek") : t("calendar.prevDay")} title={view === "week" ? t("calendar.prevWeek") : t("calendar.prevDay")} data-testid="calendar-prev" icon={<ChevronLeft aria-hidden="true" className="size-4.5" />} onClick={() => { setDate(addDays(date, -step)); }} />
          <Button size="sm" variant="ghost" aria-label={view === "week" ? t("calendar.nextWeek") : t("calendar.nextDay")} title={view === "week" ? t("calendar.nextWeek") : t("calendar.nextDay")} data-testid="calendar-next" icon={<ChevronRight aria-hidden="true" className="size-4.5" />} onClick={() => { setDate(addDays(date, step)); }} />
          <label className="sr-only" htmlFor="calendar-date">
            {t("calendar.date")}
          </label>
          <input
            id="calendar-date"
            type="date"
            className="input h-8 w-40 py-1 text-sm"
            value={date}
            data-testid="calendar-date"
            onChange={(e) => {
              if (/^\d{4}-\d{2}-\d{2}$/.test(e.target.value)) setDate(e.target.value);
            }}
          />
        </div>
        <div className="flex overflow-hidden rounded-md border border-ink-300" role="radiogroup" aria-label={t("calendar.view")}>
          {(["day", "week"] as const).map((v) => (
            <button
              key={v}
              type="button"
              role="radio"
              aria-checked={view === v}
              data-testid={`calendar-view-${v}`}
              className={view === v ? "h-8 bg-accent-700 px-3 text-sm font-medium text-white" : "h-8 bg-white px-3 text-sm font-medium text-ink-800 hover:bg-ink-50"}
              onClick={() => {
                setView(v);
              }}
            >
              {t(`calendar.views.${v}`)}
            </button>
          ))}
        </div>
        {view === "day" ? (
          <>
            <label className="sr-only" htmlFor="calendar-doctor-filter">
              {t("calendar.doctorFilter")}
            </label>
            <select id="calendar-doctor-filter" className="input h-8 w-52 py-1 text-sm" data-testid="calendar-doctor-filter" value={doctorFilter} onChange={(e) => { setDoctorFilter(e.target.value); }}>
              <option value="">{t("calendar.allDoctors")}</option>
              {doctors.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.full_name}
                </option>
              ))}
            </select>
          </>
        ) : (
          <>
            <label className="sr-only" htmlFor="calendar-week-doctor">
              {t("calendar.weekDoctor")}
            </label>
            <select id="calendar-week-doctor" className="input h-8 w-52 py-1 text-sm" data-testid="calendar-week-doctor" value={weekDoctorId ?? ""} onChange={(e) => { setWeekDoctor(e.target.value); }}>
              {doctors.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.full_name}
                </option>
              ))}
            </select>
          </>
        )}
        <CheckboxField className="ml-auto" label={t("calendar.showCancelled")} name="show_cancelled" testId="calendar-show-cancelled" checked={showCancelled} onChange={(e) => { setShowCancelled(e.target.checked); }} />
      </div>
      {alert ? (
        <Banner tone="error" testId="calendar-alert" className="mb-3">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span data-testid="calendar-alert-message">{alert.message}</span>
            <span className="flex gap-2">
              {alert.retry ? (
                <Button size="xs" variant="secondary" data-testid="calendar-alert-retry" onClick={() => { const retry = alert.retry; const event = events.find((e) => e.id === retry?.appointment_id); if (retry && event) sendMove({ input: retry, event, start: fromClinicLocal(retry.starts_at, zone), doctorId: retry.doctor_id ?? event.resourceId }); }}>
                  {retryLabel(t, alert.retry)}
                </Button>
              ) : null}
              <Button size="xs" variant="ghost" data-testid="calendar-alert-dismiss" onClick={() => { setAlert(null); }}>
                {t("common.close")}
              </Button>
            </span>
          </div>
        </Banner>
      ) : null}
      {notice ? (
        <Banner tone="success" testId="calendar-notice" className="mb-3">
          {notice}
        </Banner>
      ) : null}
      {day.isError ? (
        <Banner tone="error" testId="form-error" className="mb-3">
          {errorMessage(day.error)}
        </Banner>
      ) : null}
      <div className="flex min-h-0 flex-1 gap-3">
        <div className="min-w-0 flex-1" aria-busy={day.isFetching || undefined}>
          {staff.isPending || visitTypes.isPending ? (
            <LoadingState label={t("calendar.loading")} />
          ) : (
            <ClinicCalendar
              view={view}
              date={first}
              zone={zone}
              events={events}
              doctors={shownDoctors}
              weekDoctorId={weekDoctorId}
              availability={availability}
              visitTypes={visitTypes.data ?? []}
              selectedId={selectedId}
              canBook={canBook}
              canMove={canBook && !move.isPending}
              onSelectSlot={onSelectSlot}
              onSelectEvent={onSelectEvent}
              onMove={onMove}
            />
          )}
        </div>
        {selected ? (
          <AppointmentPanel
            key={selected.id}
            appointment={selected}
            doctors={doctors}
            zone={zone}
            onClose={() => {
              setSelectedId(null);
            }}
            onChanged={(message) => {
              setNotice(message);
            }}
          />
        ) : null}
      </div>
      <Legend />
      <BookingDialog
        draft={draft}
        doctors={doctors}
        visitTypes={visitTypes.data ?? []}
        zone={zone}
        onClose={() => {
          setDraft(null);
        }}
        onBooked={booked}
      />
      <FindSlotDialog
        open={finding}
        doctors={doctors}
        visitTypes={visitTypes.data ?? []}
        zone={zone}
        onClose={() => {
          setFinding(false);
        }}
        onBooked={(a) => {
          booked(a, 1);
        }}
      />
      <Dialog
        open={askScope !== null}
        onClose={() => {
          // Not moved after all: back where it was.
          setAskScope(null);
          if (!move.isPending) setMoving(null);
        }}
        title={t("calendar.scope.title")}
        description={t("calendar.scope.lead")}
        size="sm"
        testId="scope-dialog"
      >
        <DialogActions>
          <Button
            onClick={() => {
              setAskScope(null);
              setMoving(null);
            }}
          >
            {t("common.cancel")}
          </Button>
          <Button
            data-testid="scope-this"
            onClick={() => {
              if (askScope) sendMove({ ...askScope, input: { ...askScope.input, scope: "this" } });
              setAskScope(null);
            }}
          >
            {t("calendar.scope.this")}
          </Button>
          <Button
            variant="primary"
            data-testid="scope-following"
            onClick={() => {
              if (askScope) sendMove({ ...askScope, input: { ...askScope.input, scope: "following" } });
              setAskScope(null);
            }}
          >
            {t("calendar.scope.following")}
          </Button>
        </DialogActions>
      </Dialog>
    </div>
  );
}

function retryLabel(t: TFunction, retry: RescheduleAppointmentInput): string {
  return retry.outside_availability ? t("calendar.override.outsideMove") : t("calendar.override.overlapMove");
}

/** What the colours mean. */
function Legend() {
  const { t } = useTranslation();
  return (
    <ul className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-ink-700" aria-label={t("calendar.legend")} data-testid="calendar-legend">
      {STATUSES.map((s) => (
        <li key={s} className={`cd-status-${s} flex items-center gap-1.5`}>
          <span aria-hidden="true" className="cd-swatch" />
          {statusLabel(t, s)}
        </li>
      ))}
      <li className="flex items-center gap-1.5 text-ink-600">{t("calendar.legendDot")}</li>
    </ul>
  );
}
