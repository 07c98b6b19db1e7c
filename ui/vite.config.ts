/// <reference types="vitest/config" />
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Tauri serves the built files; the dev server runs on a fixed port that tauri.conf.json knows.
// The CSS is a build output (Tailwind v4 emits a file): the app's CSP has `style-src 'self'`.
export default defineConfig({
  clearScreen: false,
  plugins: [react(), tailwindcss()],
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Vendor code in a few stable chunks (loaded in parallel from disk, cached across app
        // updates that only touch our code).
        manualChunks(id) {
          if (!id.includes("node_modules")) return undefined;
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return "react";
          if (/node_modules\/(zod|react-hook-form|@hookform)\//.test(id)) return "forms";
          // The calendar's libraries load with the calendar screen only (features/scheduling/CalendarRoute.tsx).
          if (/node_modules\/(react-big-calendar|luxon|lodash|lodash-es|dom-helpers|react-overlays|@popperjs|date-arithmetic|memoize-one|uncontrollable|dayjs)\//.test(id)) return "calendar";
          // pdf.js loads with the print preview only (features/prescriptions/pdfRender.ts).
          if (/node_modules\/pdfjs-dist\//.test(id)) return "pdf";
          return "vendor";
        },
      },
      onwarn(warning, warn) {
        // Zod ships a /* @__PURE__ */ comment Rollup cannot place; it only drops the comment.
        if (warning.code === "INVALID_ANNOTATION" && warning.id?.includes("node_modules/zod/")) return;
        warn(warning);
      },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    restoreMocks: true,
  },
});
