import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";
import "../i18n";

// jsdom has <dialog> but not its modal behaviour: enough of it for the UI's Dialog component.
// (The real one in WebKitGTK and Chromium also makes the page inert and closes on Escape.)
if (typeof HTMLDialogElement.prototype.showModal !== "function") {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.hasAttribute("open")) return;
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
  // Escape closes a modal dialog.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    const open = [...document.querySelectorAll("dialog[open]")].at(-1);
    if (open instanceof HTMLDialogElement) open.close();
  });
}

// cmdk measures its list and scrolls items into view; jsdom has neither.
if (typeof globalThis.ResizeObserver === "undefined") {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
if (typeof (Element.prototype as Partial<Element>).scrollIntoView !== "function") {
  Object.defineProperty(Element.prototype, "scrollIntoView", { value: () => undefined, configurable: true });
}

afterEach(() => {
  cleanup();
});

// The signed-in app is loaded on demand (app/App.tsx): the first sign-in of a test file waits for
// every section's code to load, which takes more than the default second on a busy machine.
configure({ asyncUtilTimeout: 5000 });
