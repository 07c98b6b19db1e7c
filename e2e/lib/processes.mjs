// Process bookkeeping for the end-to-end harness: every process the harness starts is
// spawned in its own process group and recorded here, so teardown (normal, on failure, on
// SIGINT/SIGTERM, or at process exit) ends exactly those processes and their descendants —
// never anything found by name.
import { spawn } from "node:child_process";
import fs from "node:fs";

/** @type {Set<number>} pids of process-group leaders we started and have not ended yet */
const groups = new Set();

/** Reads /proc once: pid → { ppid, pgid, comm }. */
export function processTable() {
  const table = new Map();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      // comm may contain spaces and parentheses: split after the last ")".
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      table.set(Number(name), {
        ppid: Number(fields[1]),
        pgid: Number(fields[2]),
        comm,
        starttime: Number(fields[19]),
      });
    } catch {
      // the process ended while we were reading
    }
  }
  return table;
}

/** `pid` and all its descendants (from one snapshot of /proc), parents first. */
export function descendants(pid, table = processTable()) {
  const children = new Map();
  for (const [p, info] of table) {
    if (!children.has(info.ppid)) children.set(info.ppid, []);
    children.get(info.ppid).push(p);
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    if (!table.has(p) && p !== pid) continue;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out.filter((p) => table.has(p));
}

/** Running (a zombie counts as gone: only its parent can reap it). */
function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return false;
  }
}

/** Blocks the thread for `ms` (exit handlers cannot await). */
function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Spawns `cmd` in a new process group (detached) and records it for teardown.
 * Returns the ChildProcess.
 */
export function spawnTracked(cmd, args, options = {}) {
  const child = spawn(cmd, args, { ...options, detached: true });
  if (child.pid) {
    groups.add(child.pid);
    // scripts/e2e.sh's safety net: it ends these groups if node itself was killed.
    if (process.env.E2E_PGID_FILE) fs.appendFileSync(process.env.E2E_PGID_FILE, `${child.pid}\n`);
  }
  return child;
}

/** The pids to end for a group leader: its descendants plus any member of its group. */
function targets(leader, table) {
  const set = new Set(descendants(leader, table));
  for (const [p, info] of table) if (info.pgid === leader) set.add(p);
  return [...set];
}

function signalAll(pids, signal) {
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Ends the process tree and process group started as `leader`: SIGTERM, up to `graceMs`
 * to exit, then SIGKILL. Only pids we started (or their descendants / group) are touched.
 */
export async function endTree(leader, graceMs = 3000) {
  if (!leader) return;
  const pids = targets(leader, processTable());
  signalAll(pids, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // Anything new that appeared in the group meanwhile is ended too.
  const rest = [...new Set([...pids.filter(alive), ...targets(leader, processTable())])];
  signalAll(rest, "SIGKILL");
  groups.delete(leader);
}

/**
 * Synchronous last resort (exit handlers cannot await): SIGTERM every tracked tree (so Xvfb
 * removes its lock file), up to 2 s to exit, then SIGKILL what is left.
 */
export function endAllSync() {
  const table = processTable();
  const pids = [...groups].flatMap((leader) => targets(leader, table));
  groups.clear();
  signalAll(pids, "SIGTERM");
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && pids.some(alive)) sleepSync(25);
  signalAll(pids.filter(alive), "SIGKILL");
}

let installed = false;
/** Ends every tracked process when node exits or is interrupted. Idempotent. */
export function installExitHandlers() {
  if (installed) return;
  installed = true;
  process.on("exit", endAllSync);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      endAllSync();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 0));
    });
  }
}
