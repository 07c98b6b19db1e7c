// Test support for the calendar: jsdom has no layout, so react-big-calendar's pointer gestures
// (dragging an event, selecting an empty slot) cannot be performed in a test. The tests replace
// the drag-and-drop addon by a pass-through that records the calendar's props, and call the
// same handlers a gesture would (`onEventDrop`, `onSelectSlot`) through `gesture`.
import { act } from "@testing-library/react";
import type { SlotInfo } from "react-big-calendar";
import type { EventInteractionArgs } from "react-big-calendar/lib/addons/dragAndDrop";
import type { CalendarEvent } from "./model";

export interface CapturedCalendarProps {
  events: CalendarEvent[];
  onSelectSlot?: (slot: SlotInfo) => void;
  onEventDrop?: (args: EventInteractionArgs<CalendarEvent>) => void;
  draggableAccessor?: (event: CalendarEvent) => boolean;
  selectable?: boolean | "ignoreEvents";
}

export const captured: { props: CapturedCalendarProps | null } = { props: null };

function props(): CapturedCalendarProps {
  if (!captured.props) throw new Error("the calendar has not rendered");
  return captured.props;
}

export const gesture = {
  /** Clicks an empty slot at `start` in the column of `doctorId` (day view). */
  async selectSlot(start: Date, doctorId?: string) {
    const handler = props().onSelectSlot;
    if (!handler) throw new Error("slots are not selectable for this role");
    const end = new Date(start.getTime() + 15 * 60_000);
    await act(async () => {
      handler({ start, end, slots: [start, end], action: "click", ...(doctorId ? { resourceId: doctorId } : {}) });
      await Promise.resolve();
    });
  },
  /** Drops the appointment `id` at `start` (in the column of `doctorId`, day view). */
  async drop(id: string, start: Date, doctorId?: string) {
    const p = props();
    const event = p.events.find((e) => e.id === id);
    if (!event) throw new Error(`no event ${id} on the calendar`);
    if (!p.onEventDrop || p.draggableAccessor?.(event) === false) throw new Error(`event ${id} cannot be dragged`);
    const handler = p.onEventDrop;
    await act(async () => {
      handler({ event, start, end: new Date(start.getTime() + (event.end.getTime() - event.start.getTime())), ...(doctorId ? { resourceId: doctorId } : {}) });
      await Promise.resolve();
    });
  },
  canDrag(id: string): boolean {
    const p = props();
    const event = p.events.find((e) => e.id === id);
    return event !== undefined && p.onEventDrop !== undefined && p.draggableAccessor?.(event) !== false;
  },
};
