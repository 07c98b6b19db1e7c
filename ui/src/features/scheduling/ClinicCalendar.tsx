// The time grid (react-big-calendar with its drag-and-drop addon): a day with the doctors as
// columns, or one doctor's week. Every date is read in the clinic's zone (see zonedDateTime).
// Events are moved, never resized: an appointment's length is its visit type's.
import "react-big-calendar/lib/css/react-big-calendar.css";
import "react-big-calendar/lib/addons/dragAndDrop/styles.css";
import "./calendar.css";
import { Footprints, Repeat } from "lucide-react";
import { useCallback, useMemo } from "react";
import { Calendar, luxonLocalizer, type EventProps, type SlotInfo } from "react-big-calendar";
import withDragAndDrop, { type EventInteractionArgs } from "react-big-calendar/lib/addons/dragAndDrop";
import { useTranslation } from "react-i18next";
import type { DoctorAvailability, VisitType } from "../../api/generated";
import { useFormat } from "../../lib/format";
import { DAY_END_HOUR, DAY_START_HOUR, fromClinicLocal, isAvailableAt, STEP_MINUTES, statusLabel, zonedDateTime, type CalendarEvent } from "./model";

export interface Doctor {
  id: string;
  full_name: string;
}

const DnDCalendar = withDragAndDrop<CalendarEvent, Doctor>(Calendar);

export interface ClinicCalendarProps {
  view: "day" | "week";
  /** The clinic date shown (the week's Monday in week view). */
  date: string;
  zone: string;
  events: CalendarEvent[];
  /** Columns of the day view. */
  doctors: Doctor[];
  /** The doctor of the week view. */
  weekDoctorId: string | null;
  availability: ReadonlyMap<string, DoctorAvailability>;
  visitTypes: readonly VisitType[];
  selectedId: string | null;
  canBook: boolean;
  canMove: boolean;
  onSelectSlot: (start: Date, doctorId: string | null) => void;
  onSelectEvent: (event: CalendarEvent) => void;
  onMove: (event: CalendarEvent, start: Date, doctorId: string) => void;
}

export function ClinicCalendar(props: ClinicCalendarProps) {
  const { view, date, zone, events, doctors, weekDoctorId, availability, visitTypes, selectedId, canBook, canMove, onSelectSlot, onSelectEvent, onMove } = props;
  const { t } = useTranslation();
  const format = useFormat();
  const localizer = useMemo(() => luxonLocalizer(zonedDateTime(zone), { firstDayOfWeek: 1 }), [zone]);
  const colours = useMemo(() => new Map(visitTypes.map((v) => [v.id, v.colour])), [visitTypes]);

  // Working hours, widened to show any appointment outside them.
  const [min, max] = useMemo(() => {
    let first = DAY_START_HOUR * 60;
    let last = DAY_END_HOUR * 60;
    for (const e of events) {
      const start = fromMinutes(e.start, zone);
      const end = fromMinutes(e.end, zone);
      first = Math.min(first, Math.floor(start / 60) * 60);
      last = Math.max(last, end < start ? 24 * 60 - 1 : Math.ceil(end / 60) * 60);
    }
    const at = (minute: number) => fromClinicLocal(`${date}T${hm(Math.min(minute, 24 * 60 - 1))}`, zone);
    return [at(first), at(last)];
  }, [events, date, zone]);

  // Open at the present hour on today, else at the first appointment (or 08:00).
  const scrollTo = useMemo(() => {
    const now = new Date();
    const firstStart = events.reduce<Date | null>((m, e) => (m === null || e.start < m ? e.start : m), null);
    const today = fromClinicLocal(date, zone).getTime() <= now.getTime() && now.getTime() < fromClinicLocal(date, zone).getTime() + (view === "week" ? 7 : 1) * 86_400_000;
    const minute = today ? fromMinutes(now, zone) - 60 : firstStart ? fromMinutes(firstStart, zone) - 30 : 8 * 60;
    return fromClinicLocal(`${date}T${hm(Math.max(0, Math.min(minute, 20 * 60)))}`, zone);
  }, [events, date, zone, view]);

  const slotPropGetter = useCallback(
    (slot: Date, resourceId?: number | string) => {
      const doctorId = typeof resourceId === "string" ? resourceId : weekDoctorId;
      if (doctorId === null) return {};
      return isAvailableAt(availability.get(doctorId), slot, zone) ? {} : { className: "cd-slot-off" };
    },
    [availability, weekDoctorId, zone],
  );

  const eventPropGetter = useCallback(
    (event: CalendarEvent) => ({
      className: [`cd-event`, `cd-status-${event.appointment.status}`, event.id === selectedId ? "cd-selected" : ""].join(" "),
    }),
    [selectedId],
  );

  const EventContent = useCallback(
    ({ event }: EventProps<CalendarEvent>) => {
      const a = event.appointment;
      const colour = colours.get(a.visit_type_id) ?? "#5f6b73";
      return (
        <div className="cd-event-body" data-testid={`event-${a.id}`} data-status={a.status} data-start={event.start.toISOString()} data-doctor={event.resourceId}>
          <div className="cd-event-line">
            <span className="cd-event-time">{format.time(event.start.toISOString())}</span>
            <span className="cd-event-patient">{a.patient_name}</span>
            {a.series_id ? <Repeat aria-label={t("calendar.series")} className="size-3 shrink-0" /> : null}
            {a.walk_in ? <Footprints aria-label={t("calendar.walkInMarker")} className="size-3 shrink-0" /> : null}
          </div>
          <div className="cd-event-type">
            <span aria-hidden="true" className="cd-type-dot" style={{ backgroundColor: colour }} />
            <span className="truncate">{a.visit_type}</span>
            <span className="sr-only">
              , {format.time(event.start.toISOString())}–{format.time(event.end.toISOString())}
            </span>
          </div>
          <span className="sr-only">, {statusLabel(t, a.status)}</span>
        </div>
      );
    },
    [colours, format, t],
  );

  const tooltip = useCallback(
    (event: CalendarEvent) => {
      const a = event.appointment;
      return `${format.time(a.starts_at)}–${format.time(a.ends_at)} ${a.patient_name} · ${a.visit_type} · ${statusLabel(t, a.status)}${a.reason ? ` · ${a.reason}` : ""}`;
    },
    [format, t],
  );

  const handleDrop = useCallback(
    ({ event, start, resourceId }: EventInteractionArgs<CalendarEvent>) => {
      const doctorId = typeof resourceId === "string" ? resourceId : event.resourceId;
      onMove(event, new Date(start), doctorId);
    },
    [onMove],
  );

  const handleSlot = useCallback(
    (slot: SlotInfo) => {
      const doctorId = typeof slot.resourceId === "string" ? slot.resourceId : weekDoctorId;
      onSelectSlot(slot.start, doctorId);
    },
    [onSelectSlot, weekDoctorId],
  );

  const components = useMemo(() => ({ event: EventContent }), [EventContent]);
  const formats = useMemo(
    () => ({
      timeGutterFormat: (d: Date) => format.time(d.toISOString()),
      dayFormat: (d: Date) => new Intl.DateTimeFormat(format.locale, { timeZone: zone, weekday: "short", day: "numeric", month: "short" }).format(d),
    }),
    [format, zone],
  );

  return (
    <div className="cd-calendar h-full min-h-0" data-testid="calendar" data-view={view} data-date={date}>
      <DnDCalendar
        localizer={localizer}
        culture={format.locale}
        formats={formats}
        events={events}
        view={view}
        views={["day", "week"]}
        date={fromClinicLocal(date, zone)}
        onNavigate={() => undefined}
        onView={() => undefined}
        toolbar={false}
        step={STEP_MINUTES}
        timeslots={60 / STEP_MINUTES}
        min={min}
        max={max}
        scrollToTime={scrollTo}
        resources={view === "day" ? doctors : undefined}
        resourceIdAccessor="id"
        resourceTitleAccessor="full_name"
        resourceAccessor="resourceId"
        startAccessor="start"
        endAccessor="end"
        titleAccessor="title"
        tooltipAccessor={tooltip}
        allDayAccessor={() => false}
        components={components}
        eventPropGetter={eventPropGetter}
        slotPropGetter={slotPropGetter}
        selectable={canBook ? "ignoreEvents" : false}
        onSelectSlot={handleSlot}
        onSelectEvent={onSelectEvent}
        onKeyPressEvent={(event, e) => {
          const key = (e as unknown as KeyboardEvent).key;
          if (key === "Enter" || key === " ") onSelectEvent(event);
        }}
        resizable={false}
        draggableAccessor={(event) => canMove && event.appointment.status === "scheduled"}
        onEventDrop={handleDrop}
        dayLayoutAlgorithm="no-overlap"
      />
    </div>
  );
}

function fromMinutes(instant: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get("hour") * 60 + get("minute");
}

const hm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
