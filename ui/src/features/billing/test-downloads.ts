// Tests only: jsdom has no blob URLs and no downloads, so `saveFile` is given these. Each saved
// file is recorded with its name and its content as text.
import { afterEach, beforeEach, vi } from "vitest";

export interface SavedFile {
  name: string;
  blob: Blob;
}

/** Records every file a test saves (call once at the top of a test file). */
export function recordDownloads(): { files: SavedFile[]; textOf: (n?: number) => Promise<string> } {
  const state = { files: [] as SavedFile[] };
  const blobs = new Map<string, Blob>();
  const originals = { create: Object.getOwnPropertyDescriptor(URL, "createObjectURL"), revoke: Object.getOwnPropertyDescriptor(URL, "revokeObjectURL") };
  beforeEach(() => {
    state.files.length = 0;
    blobs.clear();
    Object.defineProperty(URL, "createObjectURL", {
      configurable: true,
      writable: true,
      value: (blob: Blob) => {
        const url = `blob:fake-${String(blobs.size + 1)}`;
        blobs.set(url, blob);
        return url;
      },
    });
    Object.defineProperty(URL, "revokeObjectURL", { configurable: true, writable: true, value: () => undefined });
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (blob) state.files.push({ name: this.download, blob });
    });
  });
  afterEach(() => {
    for (const [name, descriptor] of [
      ["createObjectURL", originals.create],
      ["revokeObjectURL", originals.revoke],
    ] as const) {
      if (descriptor) Object.defineProperty(URL, name, descriptor);
      else Reflect.deleteProperty(URL, name);
    }
  });
  return {
    files: state.files,
    textOf: async (n = 0) => {
      const file = state.files[n];
      if (!file) throw new Error(`no file ${String(n)} was saved`);
      // jsdom's Blob has no arrayBuffer(); its FileReader reads it.
      return await new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => {
          resolve(typeof reader.result === "string" ? reader.result : "");
        };
        reader.onerror = () => {
          reject(new Error("the saved file could not be read"));
        };
        reader.readAsText(file.blob, "utf-8");
      });
    },
  };
}
