// Rebook or cancel one booking of a double booking, with the scheduling feature's own dialogs
// (features/scheduling/AppointmentPanel.tsx): the same form, checks and Rust refusals as from the
// calendar. Loaded on demand with the calendar's chunk (luxon), not with the conflicts screen.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { ConflictBooking } from "../../api/generated";
import { clinicSettingsQuery, commandQuery } from "../../api/queries";
import { Banner } from "../../components/Banner";
import { Dialog } from "../../components/Dialog";
import { LoadingState } from "../../components/States";
import { errorMessage } from "../../api/errors";
import { CancelDialog, RescheduleDialog } from "../scheduling/AppointmentPanel";
import { clinicDateOf } from "../scheduling/model";
import { doctorsQuery } from "../staff/StatusMenu";

export type BookingAction = "reschedule" | "cancel";

export default function BookingFix({ action, booking, onClose, onDone }: { action: BookingAction; booking: ConflictBooking; onClose: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const settings = useQuery(clinicSettingsQuery());
  const zone = settings.data?.time_zone ?? null;
  // The full appointment, as the calendar has it: the day's list of the booking's doctor.
  const day = useQuery({
    ...commandQuery("list_day", { date: zone ? clinicDateOf(new Date(booking.starts_at), zone) : "", doctor_id: booking.doctor_id, include_inactive: true }),
    enabled: zone !== null,
    staleTime: 0,
  });
  const staff = useQuery(doctorsQuery());
  const appointment = day.data?.appointments.find((a) => a.id === booking.appointment_id);
  const doctors = (staff.data?.members ?? []).filter((m) => m.active).map((m) => ({ id: m.id, full_name: m.full_name, specialization: m.specialization }));

  const failed = day.error ?? staff.error ?? settings.error;
  if (failed || (day.isSuccess && !appointment)) {
    return (
      <Dialog open onClose={onClose} title={action === "reschedule" ? t("calendar.reschedule.title") : t("calendar.cancel.title")} size="sm" testId="booking-fix-error">
        <Banner tone="error">{failed ? errorMessage(failed) : t("sync.conflicts.bookingGone")}</Banner>
      </Dialog>
    );
  }
  if (!appointment || !zone || !staff.data) {
    return (
      <Dialog open onClose={onClose} title={action === "reschedule" ? t("calendar.reschedule.title") : t("calendar.cancel.title")} size="sm" testId="booking-fix-loading">
        <LoadingState label={t("common.loading")} />
      </Dialog>
    );
  }
  return action === "reschedule" ? (
    <RescheduleDialog appointment={appointment} doctors={doctors} zone={zone} onClose={onClose} onDone={onDone} />
  ) : (
    <CancelDialog appointment={appointment} onClose={onClose} onDone={onDone} />
  );
}
