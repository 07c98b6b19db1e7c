import { QueryClientProvider, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useCallback } from "react";
import { useTranslation } from "react-i18next";
import { appStatusQuery } from "../api/queries";
import { LoadingState } from "../components/States";
import { ForcePasswordChange } from "../features/auth/ForcePasswordChange";
import { LoginScreen } from "../features/auth/LoginScreen";
import { SessionProvider, useSessionApi, type SessionState } from "../features/auth/session";
import { LockScreen } from "../features/lock/LockScreen";
import { useIdleLock, useLockShortcut } from "../features/lock/useIdleLock";
import { FatalScreen } from "./FatalScreen";

// Loaded on demand: a workstation starting at the sign-in screen parses neither the first-run
// wizard nor the signed-in app until they are needed (start-up time and idle memory).
const FirstRun = lazy(() => import("../features/setup/FirstRun").then((m) => ({ default: m.FirstRun })));
const AppFrame = lazy(() => import("../features/shell/AppFrame").then((m) => ({ default: m.AppFrame })));

export function App({ queryClient, initialSession }: { queryClient: QueryClient; initialSession?: SessionState }) {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider initial={initialSession}>
        <Startup />
      </SessionProvider>
    </QueryClientProvider>
  );
}

/** `app_status` decides: the store failed to open, no clinic yet, or the sign-in flow. */
function Startup() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const status = useQuery(appStatusQuery());
  const finishedFirstRun = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: appStatusQuery().queryKey });
  }, [queryClient]);

  if (status.isPending) return <LoadingState label={t("app.loading")} className="min-h-screen" />;
  if (status.isError) return <FatalScreen error={status.error} />;
  return (
    <Suspense fallback={<LoadingState label={t("app.loading")} className="min-h-screen" />}>
      {status.data.initialized ? (
        <SessionGate clinicName={status.data.clinic_name} />
      ) : (
        <FirstRun onFinished={finishedFirstRun} />
      )}
    </Suspense>
  );
}

function SessionGate({ clinicName }: { clinicName: string | null }) {
  const { state } = useSessionApi();
  switch (state.phase) {
    case "signed-out":
      return <LoginScreen clinicName={clinicName} />;
    case "locked":
      // The app frame is not rendered at all while locked: nothing of it stays in the DOM.
      return <LockScreen />;
    case "active":
      return (
        <>
          {/* The kiosk's display shows no patient data and polls Rust (which keeps its session
              awake): locking it would only blank the waiting room's screen. */}
          {state.session.user.role === "kiosk" ? null : <IdleGuard minutes={state.session.idleLockMinutes} />}
          {state.session.user.must_change_password ? <ForcePasswordChange /> : <AppFrame />}
        </>
      );
  }
}

function IdleGuard({ minutes }: { minutes: number }) {
  const { lockNow } = useSessionApi();
  useIdleLock(minutes, lockNow);
  useLockShortcut(lockNow);
  return null;
}
