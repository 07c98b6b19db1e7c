import { useEffect, useRef } from "react";
import { call } from "../../api/gateway";

const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;
/** While the user is active, the Rust session is told so at most this often. */
export const KEEPALIVE_MS = 60_000;

/**
 * Locks after `minutes` without pointer or keyboard activity. Activity also keeps the Rust
 * session alive (a `whoami` at most once a minute): Rust measures idleness by commands, and a
 * user reading a page sends none.
 */
export function useIdleLock(minutes: number, onIdle: () => void): void {
  const onIdleRef = useRef(onIdle);
  useEffect(() => {
    onIdleRef.current = onIdle;
  }, [onIdle]);

  useEffect(() => {
    const limit = Math.max(1, minutes) * 60_000;
    let lastActivity = Date.now();
    let lastKeepalive = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const schedule = (delay: number) => {
      clearTimeout(timer);
      timer = setTimeout(check, delay);
    };
    function check() {
      const idle = Date.now() - lastActivity;
      if (idle >= limit) onIdleRef.current();
      else schedule(limit - idle);
    }
    const activity = () => {
      const now = Date.now();
      lastActivity = now;
      if (now - lastKeepalive >= KEEPALIVE_MS) {
        lastKeepalive = now;
        // A `session_locked` answer here reaches the session layer through the gateway.
        call("whoami", {}).catch(() => undefined);
      }
    };

    schedule(limit);
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, activity, { passive: true, capture: true });
    return () => {
      clearTimeout(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, activity, { capture: true });
    };
  }, [minutes]);
}

/** Ctrl+L locks now (also Cmd+L on macOS). */
export function useLockShortcut(onLock: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "l") {
        e.preventDefault();
        onLock();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [onLock]);
}
