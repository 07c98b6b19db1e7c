// Draws a PDF's pages on canvases with pdf.js (Mozilla's PDF renderer, bundled: it works
// offline). The desktop engine on Linux (WebKitGTK) has no PDF viewer of its own, so the
// preview draws what Rust rendered rather than handing the bytes to a frame. Loaded only when
// a preview opens (its own chunk). Configured for the app's CSP: no eval (`isEvalSupported`),
// glyphs drawn as paths rather than loaded as web fonts, the worker from the app's own origin.
import { getDocument, GlobalWorkerOptions } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";

GlobalWorkerOptions.workerSrc = workerUrl;

export interface RenderedPdf {
  pages: number;
  cancel: () => void;
}

/** Renders every page of `bytes` into `container`, each as wide as the container. */
export async function renderPdfPages(bytes: Uint8Array, container: HTMLElement): Promise<RenderedPdf> {
  const task = getDocument({ data: bytes.slice(), isEvalSupported: false, disableFontFace: true, useSystemFonts: false });
  const state = { cancelled: false };
  const cancel = () => {
    state.cancelled = true;
    void task.destroy();
  };
  const doc = await task.promise;
  const scale = Math.max(window.devicePixelRatio, 1);
  for (let n = 1; n <= doc.numPages && !state.cancelled; n += 1) {
    const page = await doc.getPage(n);
    const width = Math.max(container.clientWidth - 24, 320);
    const unscaled = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / unscaled.width) * scale });
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${String(Math.floor(viewport.width / scale))}px`;
    canvas.className = "mx-auto mb-3 block bg-white shadow-sm";
    canvas.setAttribute("aria-hidden", "true");
    container.appendChild(canvas);
    await page.render({ canvas, viewport }).promise;
  }
  return { pages: doc.numPages, cancel };
}
