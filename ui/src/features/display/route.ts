// Kept apart from ./windows.ts so the sign-in screen does not load Tauri's window API.

/** The display's route; also the URL its own window opens (Tauri serves index.html for it). */
export const DISPLAY_PATH = "/display";

/** Whether this page was opened as the display window. */
export function isDisplayWindow(): boolean {
  return window.location.pathname === DISPLAY_PATH;
}
