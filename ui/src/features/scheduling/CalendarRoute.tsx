// The calendar's route: react-big-calendar, luxon and the screens load on first visit (their own
// chunk, see vite.config.ts), not with every sign-in.
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { LoadingState } from "../../components/States";

const CalendarPage = lazy(() => import("./CalendarPage").then((m) => ({ default: m.CalendarPage })));

export function CalendarRoute() {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<LoadingState label={t("calendar.loading")} />}>
      <CalendarPage />
    </Suspense>
  );
}
