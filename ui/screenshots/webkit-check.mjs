// Runs the built UI in WebKitGTK (the Tauri window's engine on Linux) under the app's CSP:
//   npm run build && node screenshots/webkit-check.mjs
// Needs xvfb-run and the Debian packages python3-gi, gir1.2-webkit2-4.1. PNGs go to
// ../artifacts/ui/webkit/. Exits 1 on any CSP violation or console error.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, preview } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const ui = join(here, "..");
const conf = JSON.parse(await readFile(join(ui, "..", "tauri.conf.json"), "utf8"));
const csp = Object.entries(conf.app.security.csp)
  .map(([directive, value]) => `${directive} ${value}`)
  .join("; ");

const bundled = await build({
  configFile: false,
  logLevel: "warn",
  build: { write: false, lib: { entry: join(here, "mock-tauri.ts"), formats: ["iife"], name: "ClinicDeskMock", fileName: "mock" }, minify: false },
});
const mockFile = join(await mkdtemp(join(tmpdir(), "clinicdesk-")), "mock.js");
await writeFile(mockFile, (Array.isArray(bundled) ? bundled[0] : bundled).output[0].code);

const server = await preview({ root: ui, logLevel: "warn", preview: { port: 4174, strictPort: false, headers: { "Content-Security-Policy": csp } } });
const url = server.resolvedUrls.local[0];
const out = join(ui, "..", "artifacts", "ui", "webkit");

const child = spawn("xvfb-run", ["-a", "/usr/bin/python3", join(here, "webkit_csp.py"), url, mockFile, out], { stdio: ["ignore", "pipe", "pipe"] });
// WebKit writes console messages to stdout or stderr depending on their level: keep both, in order.
let stdout = "";
child.stdout.on("data", (d) => (stdout += d));
child.stderr.on("data", (d) => (stdout += d));
const code = await new Promise((resolve) => child.on("close", resolve));
await server.close();

const lines = stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("WEBKIT_RESULT"));
const controlAt = lines.findIndex((l) => l.includes("--- control ---"));
const consoleLines = controlAt >= 0 ? lines.slice(0, controlAt) : lines;
const resultLine = stdout.split("\n").find((l) => l.startsWith("WEBKIT_RESULT "));
const result = resultLine ? JSON.parse(resultLine.slice("WEBKIT_RESULT ".length)) : { errors: [`no result (exit ${code})`] };
console.log("WebKitGTK console:", consoleLines.length ? `\n  ${consoleLines.join("\n  ")}` : "(nothing)");
console.log("CSP violations:", result.csp?.length ? result.csp : "none");
console.log("Harness errors:", result.errors?.length ? result.errors : "none");
console.log(`CSP enforced (control: injected <style> and style attribute refused): ${(result.control_violations ?? 0) >= 2} (${result.control_violations ?? 0} violations)`);
console.log(`Ended on the lock screen: ${result.lock}; app frame in DOM: ${result.frame}`);
console.log("Fonts loaded:", [...new Set(result.fonts ?? [])].join(", "));
console.log(`Snapshots in ${out}`);
const bad = ((result.control_violations ?? 0) >= 2 ? 0 : 1) + (result.csp?.length ?? 0) + (result.errors?.length ?? 0) + consoleLines.filter((l) => /error|refused|violat/i.test(l)).length;
process.exitCode = bad > 0 ? 1 : 0;
