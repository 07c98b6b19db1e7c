// Cold start and idle memory of the real built ClinicDesk app against an empty Tauri window
// built the same way (bench/empty-window), measured in one run, alternating the two apps.
//
//   cold start  = from the app process's start (its /proc start time) to the moment WebDriver
//                 first sees the login form interactive (ClinicDesk) or the document ready
//                 (empty window); polled with a tiny script every few milliseconds
//   idle memory = after E2E_IDLE_SECONDS (5) without input, the sum of PSS
//                 (/proc/<pid>/smaps_rollup) of the app process and all its descendants
//                 (WebKitWebProcess, WebKitNetworkProcess, …)
//
// Prints a table and writes docs/BENCHMARKS.md (under CI=true: artifacts/e2e/measure/
// BENCHMARKS.md, so CI never changes the work tree; E2E_BENCH_OUT overrides). Exit status is
// 0 even when a budget is missed, unless E2E_ENFORCE_BUDGETS=1.
//
// Env: E2E_MEASURE_ROUNDS (5), E2E_IDLE_SECONDS (5), CLINICDESK_APP, CLINICDESK_EMPTY_APP.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  appBinary,
  artifactsDir,
  cli,
  descendants,
  findAppPid,
  freshClinic,
  localeEnv,
  openSession,
  processTable,
  repoRoot,
  screenshot,
  sleep,
  startDriver,
  targetDir,
  withTimeout,
} from "./lib/harness.mjs";

const ROUNDS = Number(process.env.E2E_MEASURE_ROUNDS ?? 5);
const IDLE_SECONDS = Number(process.env.E2E_IDLE_SECONDS ?? 5);
const START_BUDGET_S = 1.5;
const MEMORY_BUDGET_RATIO = 1.3;
const emptyBinary =
  process.env.CLINICDESK_EMPTY_APP ?? path.join(targetDir, "debug/clinicdesk-empty-window");
const outDir = path.join(artifactsDir, "measure");
const docPath =
  process.env.E2E_BENCH_OUT ??
  (process.env.CI === "true" ? path.join(outDir, "BENCHMARKS.md") : path.join(repoRoot, "docs/BENCHMARKS.md"));
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
const CLINIC_NAME = "Benchmark Clinic";

/** Seconds since boot, the clock of /proc/<pid>/stat's start time (10 ms resolution). */
function uptime() {
  return Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]);
}

function pssKiB(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const m = text.match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

// Ready predicates, run in the page. They return a marker string once ready, else false.
function clinicDeskReady() {
  const field = document.querySelector('[data-testid="login-username"]');
  if (field) {
    const box = field.getBoundingClientRect();
    const style = getComputedStyle(field);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && !field.disabled
      ? "login form (login-username displayed and enabled)"
      : false;
  }
  // Before the UI issue: the status page shows the clinic once the database is open.
  const status = document.getElementById("status");
  return status && status.textContent.startsWith("Clinic:") ? 'status page ("Clinic: <name>" shown)' : false;
}

function emptyReady() {
  return document.readyState === "complete" && document.getElementById("empty")
    ? "document ready (#empty present, readyState complete)"
    : false;
}

const APPS = [
  { key: "clinicdesk", name: "ClinicDesk", binary: appBinary, ready: clinicDeskReady },
  { key: "empty", name: "Empty Tauri window", binary: emptyBinary, ready: emptyReady },
];

async function measureOnce(app, env, { shot = false } = {}) {
  const driver = await startDriver({ env, logFile: path.join(outDir, `driver-${app.key}.log`) });
  let browser = null;
  try {
    browser = await openSession(driver, app.binary);
    const pid = findAppPid(driver.pid, app.binary);
    if (!pid) throw new Error(`no ${app.binary} process under tauri-driver`);
    const started = processTable().get(pid).starttime / CLK_TCK;
    let marker = false;
    const deadline = Date.now() + 30_000;
    while (!marker) {
      if (Date.now() > deadline) throw new Error(`${app.name} never became ready`);
      marker = await withTimeout(browser.execute(app.ready), 10_000, "ready check");
      if (!marker) await sleep(5);
    }
    const coldStart = uptime() - started;
    await sleep(IDLE_SECONDS * 1000);
    const table = processTable();
    const processes = descendants(pid, table).map((p) => ({
      pid: p,
      comm: table.get(p)?.comm ?? "?",
      pssKiB: pssKiB(p),
    }));
    const pss = processes.reduce((sum, p) => sum + p.pssKiB, 0);
    if (shot) await screenshot(browser, "measure", app.key);
    return { coldStart, pssKiB: pss, processes, marker };
  } finally {
    if (browser) await withTimeout(browser.deleteSession(), 10_000, "delete session").catch(() => {});
    await driver.stop();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mib = (kib) => kib / 1024;
const fmtS = (s) => `${s.toFixed(2)} s`;
const fmtMiB = (kib) => `${mib(kib).toFixed(1)} MiB`;

function machine() {
  const cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? "?";
  const osName = (fs.readFileSync("/etc/os-release", "utf8").match(/^PRETTY_NAME="?(.*?)"?$/m) ?? [])[1] ?? "?";
  const pkg = (name) => {
    try {
      return execFileSync("dpkg-query", ["-W", "-f=${Version}", name], { encoding: "utf8" });
    } catch {
      return "?";
    }
  };
  let commit = "?";
  try {
    commit = execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["-C", repoRoot, "status", "--porcelain", "--", "ui", "src-tauri", "crates", "Cargo.toml", "tauri.conf.json"], {
      encoding: "utf8",
    }).trim();
    if (dirty) commit += " (with uncommitted changes)";
  } catch {
    // not a git checkout
  }
  return {
    cpu,
    cores: os.cpus().length,
    ramGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    os: osName,
    kernel: os.release(),
    webkit: pkg("libwebkit2gtk-4.1-0"),
    display: process.env.E2E_DISPLAY_KIND ?? "Xvfb 1366x768x24",
    commit,
  };
}

const loadAvg = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
let loadBefore = "?";

async function main() {
  loadBefore = loadAvg();
  for (const app of APPS) {
    if (!fs.existsSync(app.binary)) {
      console.error(`measure: ${app.binary} is missing (scripts/e2e.sh measure builds both apps' prerequisites)`);
      process.exit(1);
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  const clinic = freshClinic("measure");
  try {
    cli(
      clinic,
      ["init", "--clinic-name", CLINIC_NAME, "--admin-username", "admin", "--admin-password-stdin"],
      "violet tractor umbrella\n",
    );
    const envs = {
      clinicdesk: { ...localeEnv(), CLINICDESK_DB: clinic.db, CLINICDESK_KEY_FILE: clinic.keyFile },
      empty: localeEnv(),
    };
    // One discarded warm-up launch each: the first start of a 200 MB debug binary reads it
    // from disk; every measured round then starts with the files in the page cache.
    for (const app of APPS) {
      process.stdout.write(`measure: warm-up ${app.name}… `);
      const r = await measureOnce(app, envs[app.key]);
      console.log(`${fmtS(r.coldStart)}, ${fmtMiB(r.pssKiB)}`);
    }
    const samples = { clinicdesk: [], empty: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? APPS : [...APPS].reverse();
      for (const app of order) {
        const r = await measureOnce(app, envs[app.key], { shot: round === ROUNDS });
        samples[app.key].push(r);
        console.log(
          `measure: round ${round}/${ROUNDS} ${app.name.padEnd(18)} start ${fmtS(r.coldStart)}  idle PSS ${fmtMiB(r.pssKiB)}`,
        );
      }
    }
    report(samples);
  } finally {
    fs.rmSync(clinic.dir, { recursive: true, force: true });
  }
}

function summary(list) {
  const starts = list.map((r) => r.coldStart);
  const pss = list.map((r) => r.pssKiB);
  return {
    start: { median: median(starts), min: Math.min(...starts), max: Math.max(...starts) },
    pss: { median: median(pss), min: Math.min(...pss), max: Math.max(...pss) },
  };
}

function breakdown(result) {
  const byComm = new Map();
  for (const p of result.processes) {
    const entry = byComm.get(p.comm) ?? { count: 0, kib: 0 };
    entry.count += 1;
    entry.kib += p.pssKiB;
    byComm.set(p.comm, entry);
  }
  return [...byComm].map(([comm, e]) => `${comm}${e.count > 1 ? ` ×${e.count}` : ""} ${fmtMiB(e.kib)}`).join(", ");
}

function report(samples) {
  const cd = summary(samples.clinicdesk);
  const empty = summary(samples.empty);
  const ratio = cd.pss.median / empty.pss.median;
  const startOk = cd.start.median < START_BUDGET_S;
  const memOk = ratio <= MEMORY_BUDGET_RATIO;
  const m = machine();
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const range = (s, f) => `${f(s.median)} (${f(s.min)} – ${f(s.max)})`;

  const rows = [
    ["metric", "ClinicDesk", "empty Tauri window", "ClinicDesk ÷ empty", "budget", "verdict"],
    [
      "cold start to ready, median (min – max)",
      range(cd.start, fmtS),
      range(empty.start, fmtS),
      `${(cd.start.median / empty.start.median).toFixed(2)}×`,
      `ClinicDesk < ${START_BUDGET_S} s`,
      startOk ? "PASS" : "FAIL",
    ],
    [
      `idle PSS after ${IDLE_SECONDS} s, all processes, median (min – max)`,
      range(cd.pss, fmtMiB),
      range(empty.pss, fmtMiB),
      `${ratio.toFixed(2)}×`,
      `≤ ${MEMORY_BUDGET_RATIO}× empty`,
      memOk ? "PASS" : "FAIL",
    ],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log();
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
  console.log();

  const last = (list) => list[list.length - 1];
  const md = `## Start-up and idle memory

Cold start to the login screen and idle memory of the desktop app, against an empty Tauri
window built the same way, measured in one run (the two apps alternate, round by round).
This section is written by \`scripts/e2e.sh measure\`; do not edit the figures by hand.

**Budgets:** cold start under ${START_BUDGET_S} s; idle memory within ${MEMORY_BUDGET_RATIO}× of the empty window.

### Latest run — ${date}

| metric | ClinicDesk | empty Tauri window | ClinicDesk ÷ empty | budget | verdict |
|---|---|---|---|---|---|
${rows
  .slice(1)
  .map((r) => `| ${r.join(" | ")} |`)
  .join("\n")}

${ROUNDS} measured rounds per app after one discarded warm-up launch each.

- ClinicDesk ready marker: ${last(samples.clinicdesk).marker}.
- Empty window ready marker: ${last(samples.empty).marker}.
- Processes in the last round — ClinicDesk: ${breakdown(last(samples.clinicdesk))}; empty window: ${breakdown(last(samples.empty))}.

Raw figures (round by round):

| round | ClinicDesk start | ClinicDesk PSS | empty start | empty PSS |
|---|---|---|---|---|
${samples.clinicdesk
  .map(
    (r, i) =>
      `| ${i + 1} | ${fmtS(r.coldStart)} | ${fmtMiB(r.pssKiB)} | ${fmtS(samples.empty[i].coldStart)} | ${fmtMiB(samples.empty[i].pssKiB)} |`,
  )
  .join("\n")}

**Machine:** ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM; ${m.os}, Linux ${m.kernel};
WebKitGTK ${m.webkit}; ${m.display}, no GPU (software rendering). Commit ${m.commit}.${
    process.env.CLINICDESK_APP ? `\nClinicDesk binary: \`${process.env.CLINICDESK_APP}\`.` : ""
  }${process.env.E2E_BUILD_NOTE ? `\n**Build measured:** ${process.env.E2E_BUILD_NOTE}` : ""}
Load average (1, 5, 15 min) before the run: ${loadBefore}; after: ${loadAvg()} — on ${m.cores} cores,
anything else running (a build) shows up mostly in the start times.

### What is measured, and how

- **Builds.** Both apps are **debug builds with their assets embedded**, exactly what CI
  builds: \`ui/node_modules/.bin/tauri build --debug --no-bundle\` at the repository root for
  ClinicDesk, and the same command run in \`bench/empty-window/\` (same tauri =2.12.5 /
  tauri-build =2.7.4 pins, a one-line \`index.html\`, its own \`[workspace]\`, so it is never
  part of the ClinicDesk workspace). Release builds would start faster and use less memory;
  they are not measured here. The *ratio* to the empty window is the meaningful figure: the
  WebKitGTK processes dominate both.
- **Cold start.** A new process each round (no state kept between launches; the binaries and
  libraries are in the OS page cache after the warm-up). The app is spawned by
  WebKitWebDriver (through \`tauri-driver\`); the clock starts at the app process's own start
  time (\`/proc/<pid>/stat\`, 10 ms resolution) and stops when a script polled over WebDriver
  every few milliseconds first sees ClinicDesk's login form displayed and enabled
  (\`data-testid="login-username"\`) on a database prepared with \`clinicdesk init\` — or, for
  the empty window, its document loaded. The database open (SQLCipher key check,
  \`quick_check\`, migrations) and the UI's first \`app_status\` call are inside this time.
- **Idle memory.** ${IDLE_SECONDS} s after ready, without input: the sum of \`Pss\` from
  \`/proc/<pid>/smaps_rollup\` over the app process and all its descendants (WebKitWebProcess,
  WebKitNetworkProcess, …). PSS shares pages between processes fairly, so the sum does not
  count the shared WebKit libraries twice. Both apps run under WebDriver automation the
  same way.
- **Display.** Xvfb (started by the harness when there is no \`DISPLAY\`), no GPU: WebKit
  renders in software, as on CI.

### Reproduce

\`\`\`sh
scripts/test.sh                 # or just: ui/node_modules/.bin/tauri build --debug --no-bundle
scripts/e2e.sh measure          # builds bench/empty-window, runs the rounds, rewrites this file
E2E_MEASURE_ROUNDS=10 scripts/e2e.sh measure   # more rounds
\`\`\`

With \`CI=true\` the report goes to \`artifacts/e2e/measure/BENCHMARKS.md\` instead of this file;
\`E2E_ENFORCE_BUDGETS=1\` makes a missed budget fail the command. Screenshots of both apps as
measured: \`artifacts/e2e/measure/\`.
`;
  fs.mkdirSync(path.dirname(docPath), { recursive: true });
  // Only this section of the file is ours: other benchmarks write their own sections.
  const BEGIN = "<!-- measure:begin -->";
  const END = "<!-- measure:end -->";
  const section = `${BEGIN}\n${md.trimEnd()}\n${END}`;
  const existing = fs.existsSync(docPath) ? fs.readFileSync(docPath, "utf8") : "# Benchmarks\n";
  const at = existing.indexOf(BEGIN);
  const end = existing.indexOf(END);
  const updated =
    at >= 0 && end > at
      ? existing.slice(0, at) + section + existing.slice(end + END.length)
      : `${existing.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(docPath, updated);
  fs.writeFileSync(path.join(outDir, "results.json"), JSON.stringify({ date, machine: m, samples }, null, 2));
  console.log(`measure: wrote ${path.relative(repoRoot, docPath)}`);
  if (process.env.E2E_ENFORCE_BUDGETS === "1" && !(startOk && memOk)) {
    console.error("measure: a budget was missed");
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(`measure: ${e.stack ?? e}`);
  process.exitCode = 1;
});
