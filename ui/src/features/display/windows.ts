// The waiting-room display's own Tauri window (label "display", its capability in
// src-tauri/capabilities/display.json). It loads `/display`: Tauri serves index.html for a path
// that is no file, and a sign-in in that window lands on the display (see auth/session.tsx).
import { WebviewWindow } from "@tauri-apps/api/webviewWindow";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { DISPLAY_PATH } from "./route";

export const DISPLAY_WINDOW = "display";

/** Opens the display window, or brings the open one forward. Rejects with Tauri's reason. */
export async function openDisplayWindow(title: string): Promise<void> {
  const existing = await WebviewWindow.getByLabel(DISPLAY_WINDOW);
  if (existing) {
    await existing.setFocus();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const win = new WebviewWindow(DISPLAY_WINDOW, { url: DISPLAY_PATH, title, width: 1280, height: 720 });
    void win.once("tauri://created", () => {
      resolve();
    });
    void win.once<unknown>("tauri://error", (event) => {
      reject(new Error(typeof event.payload === "string" ? event.payload : JSON.stringify(event.payload)));
    });
  });
}

/** Full screen on and off: the Tauri window when there is one, else the browser's. */
export async function toggleFullscreen(): Promise<void> {
  try {
    const win = getCurrentWindow();
    await win.setFullscreen(!(await win.isFullscreen()));
  } catch {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
    else await document.documentElement.requestFullscreen().catch(() => undefined);
  }
}
