// The end-to-end harness: drives the REAL built ClinicDesk app (assets embedded) in
// WebKitGTK through tauri-driver → WebKitWebDriver, under Xvfb when there is no display.
//
//   const app = await launchApp({ flow: "story", clinic });   // fresh driver + session
//   await app.shot("01-first-run");                           // artifacts/e2e/story/01-first-run.png
//   await app.close();                                        // always: session, driver, app
//
// WebKitWebDriver allows one session at a time, so every launch gets its own tauri-driver on
// free ports, and close() (also run from exit/signal handlers) deletes the session and ends
// the whole process tree it started.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { remote } from "webdriverio";
import { endTree, installExitHandlers, spawnTracked, descendants, processTable } from "./processes.mjs";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const targetDir =
  process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), ".cache/clinicdesk/target");
export const appBinary = process.env.CLINICDESK_APP ?? path.join(targetDir, "debug/clinicdesk-app");
export const cliBinary = process.env.CLINICDESK_CLI ?? path.join(targetDir, "debug/clinicdesk");
export const artifactsDir = path.join(repoRoot, "artifacts/e2e");

installExitHandlers();

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects after `ms` with a message naming `what` (WebDriver calls can hang). */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

function which(cmd) {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function tauriDriverBinary() {
  const found =
    process.env.TAURI_DRIVER ??
    which("tauri-driver") ??
    path.join(os.homedir(), ".cargo/bin/tauri-driver");
  if (!fs.existsSync(found)) {
    throw new Error(
      "tauri-driver not found: run scripts/e2e.sh (it installs it) or `cargo install tauri-driver --locked`",
    );
  }
  return found;
}

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, timeoutMs, child, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited early (code ${child.exitCode})`);
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on port ${port} within ${timeoutMs} ms`);
}

function readLineFrom(stream, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`${what}: nothing printed in ${timeoutMs} ms`)), timeoutMs);
    stream.on("data", (chunk) => {
      buffer += chunk.toString();
      const nl = buffer.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buffer.slice(0, nl).trim());
      }
    });
    stream.on("end", () => {
      clearTimeout(timer);
      reject(new Error(`${what} ended without printing`));
    });
  });
}

let displayReady = null;
/**
 * Makes sure there is an X display (starts Xvfb when DISPLAY is unset) and a D-Bus session
 * bus (starts one when DBUS_SESSION_BUS_ADDRESS is unset). Both live until this node process
 * exits. Also sets NO_AT_BRIDGE=1 (no accessibility bus).
 */
export function ensureDesktop() {
  displayReady ??= (async () => {
    process.env.NO_AT_BRIDGE = "1";
    if (!process.env.DISPLAY) {
      const xvfb = spawnTracked(
        "Xvfb",
        ["-displayfd", "3", "-screen", "0", "1366x768x24", "-nolisten", "tcp", "-noreset"],
        { stdio: ["ignore", "ignore", "ignore", "pipe"] },
      );
      const display = await readLineFrom(xvfb.stdio[3], 10_000, "Xvfb");
      xvfb.stdio[3].destroy();
      xvfb.unref(); // ended by the exit handler; must not keep node alive
      process.env.DISPLAY = `:${display}`;
    }
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
      const bus = spawnTracked("dbus-daemon", ["--session", "--nofork", "--print-address=1"], {
        stdio: ["ignore", "pipe", "ignore"],
      });
      process.env.DBUS_SESSION_BUS_ADDRESS = await readLineFrom(bus.stdout, 10_000, "dbus-daemon");
      bus.stdout.destroy();
      bus.unref();
    }
  })();
  return displayReady;
}

const tempDirs = new Set();
process.on("exit", () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh, empty folder for one clinic: database and key file paths (not created yet). The
 * folder is removed when node exits (also after SIGINT/SIGTERM), if the test did not already.
 */
export function freshClinic(label = "clinic") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `clinicdesk-e2e-${label}-`));
  tempDirs.add(dir);
  return { dir, db: path.join(dir, "clinic.db"), keyFile: path.join(dir, "clinic.key") };
}

/** Runs the `clinicdesk` CLI against `clinic`; `stdin` feeds passwords. Returns stdout. */
export function cli(clinic, args, stdin = "") {
  return execFileSync(cliBinary, ["--db", clinic.db, "--key-file", clinic.keyFile, ...args], {
    input: stdin,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    timeout: 60_000,
  });
}

const withoutUndefined = (env) => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));

/** Starts tauri-driver on free ports with `env` (the app inherits it). */
export async function startDriver({ env = {}, logFile } = {}) {
  await ensureDesktop();
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  const log = fs.openSync(logFile ?? "/dev/null", "w");
  const child = spawnTracked(
    tauriDriverBinary(),
    ["--port", String(port), "--native-port", String(nativePort)],
    { env: withoutUndefined({ ...process.env, ...env }), stdio: ["ignore", log, log] },
  );
  fs.closeSync(log);
  await waitForPort(port, 15_000, child, "tauri-driver");
  return {
    port,
    pid: child.pid,
    child,
    stop: () => endTree(child.pid),
  };
}

/** Opens a WebDriver session on `driver` for the Tauri app at `application`. */
export async function openSession(driver, application, { timeoutMs = 60_000 } = {}) {
  return withTimeout(
    remote({
      hostname: "127.0.0.1",
      port: driver.port,
      path: "/",
      logLevel: process.env.E2E_WDIO_LOG ?? "error",
      connectionRetryCount: 0,
      connectionRetryTimeout: 60_000,
      waitforTimeout: 15_000,
      waitforInterval: 100,
      capabilities: {
        // no browserName: WebKitWebDriver would reject it for a Tauri app
        "tauri:options": { application },
        // plain W3C WebDriver: WebKitWebDriver here has no BiDi
        "wdio:enforceWebDriverClassic": true,
      },
    }),
    timeoutMs,
    "creating the WebDriver session",
  );
}

/**
 * The app's locale, like a desktop session's: LANG=en_US.UTF-8 (E2E_LANG overrides; the
 * locale need not be installed — WebKit then reports en-US). LC_ALL / LC_MESSAGES / LANGUAGE
 * are cleared so they cannot override it. E2E_LANG=inherit keeps the caller's environment
 * (on this Debian image LANG=C.UTF-8, which WebKit reports as navigator.language "C").
 */
export function localeEnv(lang = process.env.E2E_LANG ?? "en_US.UTF-8") {
  if (lang === "inherit") return {};
  return { LANG: lang, LC_ALL: undefined, LC_MESSAGES: undefined, LANGUAGE: undefined };
}

/** The pid of the process running `binary` under the driver (the app WebKitWebDriver spawned). */
export function findAppPid(driverPid, binary) {
  const real = fs.realpathSync(binary);
  for (const pid of descendants(driverPid)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/exe`) === real) return pid;
    } catch {
      // ended, or not ours to read
    }
  }
  return null;
}

/** A step's screenshot: artifacts/e2e/<flow>/<step>.png. Never hangs the run. */
export async function screenshot(browser, flow, step) {
  const dir = path.join(artifactsDir, flow);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${step}.png`);
  try {
    await withTimeout(browser.saveScreenshot(file), 20_000, `screenshot ${flow}/${step}`);
  } catch (e) {
    console.error(`# screenshot ${flow}/${step} failed: ${e.message}`);
    return null;
  }
  return file;
}

/**
 * Launches the real app on `clinic` (fresh temp database + key file) through a fresh
 * tauri-driver and returns a handle: { browser, driver, appPid, shot(step), $id(testid),
 * close() }. close() is idempotent and also runs at process exit.
 */
export async function launchApp({ flow, clinic, binary = appBinary, extraEnv = {} }) {
  if (!fs.existsSync(binary)) {
    throw new Error(
      `${binary} is missing: build it first with \`ui/node_modules/.bin/tauri build --debug --no-bundle\``,
    );
  }
  const dir = path.join(artifactsDir, flow);
  fs.rmSync(dir, { recursive: true, force: true }); // no stale screenshots from an earlier run
  fs.mkdirSync(dir, { recursive: true });
  const env = { ...localeEnv(), ...extraEnv };
  if (clinic) Object.assign(env, { CLINICDESK_DB: clinic.db, CLINICDESK_KEY_FILE: clinic.keyFile });
  const driver = await startDriver({ env, logFile: path.join(dir, "driver.log") });
  let browser = null;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (browser) {
      try {
        await withTimeout(browser.deleteSession(), 10_000, "deleting the session");
      } catch (e) {
        console.error(`# ${e.message}`);
      }
    }
    await driver.stop();
  };
  try {
    browser = await openSession(driver, binary);
  } catch (e) {
    await close();
    throw e;
  }
  let step = 0;
  return {
    browser,
    driver,
    flow,
    get appPid() {
      return findAppPid(driver.pid, binary);
    },
    /** Screenshot numbered in call order: <nn>-<name>.png */
    shot: (name) => screenshot(browser, flow, `${String(++step).padStart(2, "0")}-${name}`),
    /** Screenshot with exactly this name: <name>.png */
    screenshot: (name) => screenshot(browser, flow, name),
    $id: (testid) => browser.$(`[data-testid="${testid}"]`),
    close,
  };
}

export { processTable, descendants };
