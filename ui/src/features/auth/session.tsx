// The signed-in session as a small state machine:
//   signed-out ──login──▶ active ──lock (idle, Ctrl+L, or `session_locked` from Rust)──▶ locked
//   locked ──unlock (same user's password)──▶ active;   any ──sign out / `unauthenticated`──▶ signed-out
// The bearer token lives only in the gateway (setSessionToken); this context holds what the UI
// needs: the user, their permissions and the idle-lock time. Each sign-in gets its own in-memory
// location, so a new user starts at Home while an unlock returns to where the user was.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, type ReactNode } from "react";
import type { BaseLocationHook } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { call, onCommandError, setSessionToken } from "../../api/gateway";
import type { LoginOutput, Permission, UserView } from "../../api/generated";
import { DISPLAY_PATH, isDisplayWindow } from "../display/route";

export interface Session {
  user: UserView;
  permissions: ReadonlySet<Permission>;
  idleLockMinutes: number;
  /** This sign-in's own in-memory location (no URL: a desktop window has no address bar). */
  location: { hook: BaseLocationHook };
}

export type SignedOutReason = "signed-out" | "session-ended" | null;

export type SessionState =
  | { phase: "signed-out"; reason: SignedOutReason }
  | { phase: "active"; session: Session }
  | { phase: "locked"; session: Session };

type Action =
  | { type: "signed-in"; output: LoginOutput }
  | { type: "locked" }
  | { type: "unlocked"; output: LoginOutput }
  | { type: "signed-out"; reason: SignedOutReason }
  | { type: "password-changed" }
  | { type: "password-change-required" }
  | { type: "idle-lock-changed"; minutes: number };

/**
 * Where a sign-in starts: the waiting-room display for the kiosk account and in the display
 * window (opened at `/display`), Home otherwise.
 */
export function landingPath(user: UserView): string {
  return user.role === "kiosk" || isDisplayWindow() ? DISPLAY_PATH : "/";
}

function fromOutput(output: LoginOutput, location: Session["location"] = memoryLocation({ path: landingPath(output.user) })): Session {
  return {
    user: output.user,
    permissions: new Set(output.permissions),
    idleLockMinutes: output.idle_lock_minutes,
    location,
  };
}

function reducer(state: SessionState, action: Action): SessionState {
  switch (action.type) {
    case "signed-in":
      return { phase: "active", session: fromOutput(action.output) };
    case "locked":
      return state.phase === "active" ? { phase: "locked", session: state.session } : state;
    case "unlocked":
      return state.phase === "signed-out" ? state : { phase: "active", session: fromOutput(action.output, state.session.location) };
    case "signed-out":
      return { phase: "signed-out", reason: action.reason };
    case "password-changed":
      return state.phase === "signed-out"
        ? state
        : { ...state, session: { ...state.session, user: { ...state.session.user, must_change_password: false } } };
    case "password-change-required":
      return state.phase === "signed-out"
        ? state
        : { ...state, session: { ...state.session, user: { ...state.session.user, must_change_password: true } } };
    case "idle-lock-changed":
      return state.phase === "signed-out" ? state : { ...state, session: { ...state.session, idleLockMinutes: action.minutes } };
  }
}

export interface SessionApi {
  state: SessionState;
  signedIn: (output: LoginOutput) => void;
  /** Hides everything at once, then tells Rust (which refuses every command until unlock). */
  lockNow: () => void;
  unlocked: (output: LoginOutput) => void;
  signOut: () => Promise<void>;
  passwordChanged: () => void;
  idleLockChanged: (minutes: number) => void;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children, initial }: { children: ReactNode; initial?: SessionState }) {
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(reducer, initial ?? { phase: "signed-out", reason: null });

  const forget = useCallback(() => {
    setSessionToken(null);
    // The next user must never see the previous user's data, even from the cache.
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "app_status" });
  }, [queryClient]);

  // Rust is the authority on the session: any command may report it locked or gone.
  useEffect(
    () =>
      onCommandError((error, name) => {
        if (error.code === "session_locked") {
          dispatch({ type: "locked" });
        } else if (error.code === "password_change_required") {
          dispatch({ type: "password-change-required" });
        } else if (error.code === "unauthenticated" && name !== "logout") {
          forget();
          dispatch({ type: "signed-out", reason: "session-ended" });
        }
      }),
    [forget],
  );

  const api = useMemo<SessionApi>(
    () => ({
      state,
      signedIn: (output) => {
        forget();
        setSessionToken(output.token);
        dispatch({ type: "signed-in", output });
      },
      lockNow: () => {
        dispatch({ type: "locked" });
        call("lock_session", {}).catch(() => {
          // Already locked or ended on the Rust side: the screen is locked either way.
        });
      },
      unlocked: (output) => {
        setSessionToken(output.token);
        dispatch({ type: "unlocked", output });
      },
      signOut: async () => {
        try {
          await call("logout", {});
        } catch {
          // Signing out locally must always work; the Rust session ends on restart at the latest.
        }
        forget();
        dispatch({ type: "signed-out", reason: "signed-out" });
      },
      passwordChanged: () => {
        dispatch({ type: "password-changed" });
      },
      idleLockChanged: (minutes) => {
        dispatch({ type: "idle-lock-changed", minutes });
      },
    }),
    [state, forget],
  );

  return <SessionContext value={api}>{children}</SessionContext>;
}

export function useSessionApi(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error("useSessionApi outside SessionProvider");
  return api;
}

/** The session of a signed-in screen (the app frame and everything inside it). */
export function useSession(): Session {
  const { state } = useSessionApi();
  if (state.phase === "signed-out") throw new Error("useSession without a session");
  return state.session;
}

export function useCan(permission: Permission | null): boolean {
  const session = useSession();
  return permission === null || session.permissions.has(permission);
}
