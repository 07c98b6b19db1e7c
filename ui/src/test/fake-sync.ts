// The sync part of the fake backend (see fake-backend.ts), mirroring crates/core/src/sync (mod.rs,
// conflicts.rs) and the background driver of crates/sync (driver.rs, engine.rs): the settings with
// the password "in the keychain", the status indicator's answer, "Test connection" against a fake
// central server, joining a clinic's server from the first run (the first pull brings the clinic),
// and the conflicts sync finds — a double booking stays open while both bookings are active and
// overlap, a possible duplicate while both patients are unmerged, a refused change until dismissed.
// The same checks in the same order, the same messages, codes and fields as Rust; who may call
// what is the generated COMMAND_ACCESS, checked by the fake's dispatch. Test hooks set the
// connection's live state and bring rows "from another workstation".
import type { Commands, ConflictBooking, ConflictKind, ConflictPatient, ErrorCode, LiveSync, Permission, Role, ServerCheck, Status, SyncConflict, SyncStatus } from "../api/generated";

/** A user as this store reads it. */
export interface SyncUser {
  id: string;
  username: string;
  full_name: string;
  role: Role;
}

/** What the store reads of an appointment (the scheduling store's own objects fit). */
export interface SyncAppointment {
  id: string;
  patient_id: string;
  doctor_id: string;
  starts_at: string;
  ends_at: string;
  status: Status;
  created_at: string;
}

/** What the store reads of a patient. */
export interface SyncPatient {
  id: string;
  mrn: string;
  given_name: string;
  family_name: string;
  date_of_birth: string | null;
  phone: string;
  merged_into: string | null;
}

/** The central server the fake connects to. */
export interface FakeSyncServer {
  /** The host name it answers on (any other host is not found). */
  host: string;
  /** The password it asks for (null: none, e.g. trust authentication). */
  password: string | null;
  /** false: the host is known but refuses connections (the server is down). */
  reachable: boolean;
  server_version: string;
  schema_version: number;
  workstations: number;
  changes: number;
}

export interface SyncStoreDeps {
  now: () => Date;
  newId: () => string;
  fail: (code: ErrorCode, message: string, field?: string) => never;
  /** Who runs the current command (null: anonymous, e.g. the first-run screen). */
  actor: () => SyncUser | null;
  permissionsOf: (role: Role) => readonly Permission[];
  /** Whether this workstation holds a clinic (`SELECT EXISTS (SELECT 1 FROM clinic)`). */
  hasClinic: () => boolean;
  users: () => Iterable<SyncUser>;
  patients: () => ReadonlyMap<string, SyncPatient>;
  appointments: () => ReadonlyMap<string, SyncAppointment>;
  /** The workstation's id and its code (the MRN prefix). */
  workstationId: string;
  workstationCode: string;
  audit: (action: string, detail: string, table: string, id: string) => void;
  /** The first pull of a joining workstation brought the clinic (the fake: its demo clinic). */
  clinicArrives: () => void;
  /** Rust's `clinic-changed` for rows that arrived by sync. */
  emitClinicChanged: (tables: readonly string[]) => void;
}

export interface FakeSyncOptions {
  /** The central server (defaults: db.clinic.local, password "central server secret 42"). */
  server?: Partial<FakeSyncServer>;
  /** Sync set up already (as saved by an administrator). */
  settings?: { server_url: string; enabled: boolean; workstation_name: string; has_password?: boolean };
  /** The connection's state at the start (an enabled sync connects by itself otherwise). */
  live?: Partial<LiveSync>;
  /** Local changes not yet on the server at the start. */
  pending?: number;
  /** The last successful sync, minutes ago. */
  lastSyncMinutesAgo?: number;
  lastError?: string;
  /** false: this process has no sync driver (e.g. the CLI without `sync watch`). */
  running?: boolean;
  /** An in-memory workstation: no keychain, so no password can be kept. */
  inMemory?: boolean;
  /**
   * A joining workstation's first pull runs by itself in `steps` of `stepMs` (the screenshot
   * harness); without it, tests drive the pull with `pullProgress` and `finishFirstPull`.
   */
  autoPull?: { steps: number; stepMs: number };
}

export const DEFAULT_SYNC_SERVER: FakeSyncServer = {
  host: "db.clinic.local",
  password: "central server secret 42",
  reachable: true,
  server_version: "PostgreSQL 16.4",
  schema_version: 20261204090000,
  workstations: 3,
  changes: 18_240,
};

/** Tables whose rows are local to the workstation (never counted as pending changes). */
const LOCAL_TABLES = new Set(["sync_settings", "sync_conflicts"]);

interface StoredConflict {
  id: string;
  kind: ConflictKind;
  table_name: string;
  row_id: string;
  other_row_id: string;
  detail: string;
  detected_at: string;
  dismissed_at: string | null;
  dismissed_by: string | null;
}

const ACTIVE: readonly Status[] = ["scheduled", "checked_in", "in_consultation", "completed"];
const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

/** Rust `to_db_time`: RFC 3339 with milliseconds. */
const dbTime = (d: Date) => d.toISOString();

/** url::ParseError's wording for the addresses WHATWG's parser refuses too (an approximation). */
function parseErrorText(text: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text)) return "relative URL without a base";
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(text)?.[1] ?? "";
  const port = /:([^:\]@]*)$/.exec(authority.slice(authority.lastIndexOf("@") + 1))?.[1];
  if (port !== undefined && (!/^\d*$/.test(port) || Number(port) > 65535)) return "invalid port number";
  return "invalid domain character";
}

/**
 * sync::validate_server_url: the scheme, a host, no password inside it (that goes to the
 * keychain), a known sslmode. Returns the trimmed address.
 */
export function validateServerUrl(text: string, fail: SyncStoreDeps["fail"]): string {
  const field = "server_url";
  const trimmed = text.trim();
  if (trimmed === "") fail("validation", "Enter the server address, e.g. postgres://clinicdesk@db.clinic.local/clinicdesk?sslmode=require", field);
  let url: URL;
  try {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(trimmed)) throw new TypeError("relative");
    url = new URL(trimmed);
  } catch {
    return fail("validation", `The server address is not a valid URL (${parseErrorText(trimmed)})`, field);
  }
  const scheme = url.protocol.replace(/:$/, "").toLowerCase();
  if (scheme !== "postgres" && scheme !== "postgresql") fail("validation", "The server address must start with postgres:// (a PostgreSQL server)", field);
  if (url.hostname === "") fail("validation", "The server address needs a host name", field);
  if (url.password !== "") fail("validation", "Leave the password out of the address: enter it in the password field, it is kept in the OS keychain", field);
  for (const [key, value] of url.searchParams) {
    if (key === "sslmode" && !SSL_MODES.includes(value)) fail("validation", `sslmode ${JSON.stringify(value)} is not one of disable, prefer, require, verify-ca, verify-full`, field);
  }
  return trimmed;
}

export function createSyncStore(deps: SyncStoreDeps, options: FakeSyncOptions = {}) {
  const { fail, newId } = deps;
  const nowText = () => dbTime(deps.now());
  const server: FakeSyncServer = { ...DEFAULT_SYNC_SERVER, ...options.server };
  const settings = {
    server_url: options.settings?.server_url ?? "",
    enabled: options.settings?.enabled ?? false,
    workstation_name: options.settings?.workstation_name ?? "",
    has_password: options.settings?.has_password ?? false,
  };
  /** The OS keychain's entry for this database file. */
  let keychain: string | null = settings.has_password ? server.password : null;
  const state: { last_sync_at: string | null; last_error: string | null; last_error_at: string | null } = { last_sync_at: null, last_error: null, last_error_at: null };
  let pending = options.pending ?? 0;
  let running = options.running ?? true;
  let live: LiveSync = { online: false, syncing: false, phase: null, done: 0, total: null };
  const conflicts = new Map<string, StoredConflict>();
  /** Who booked an appointment that arrived by sync ("booked_by", the creator's name on its workstation). */
  const bookedBy = new Map<string, string>();
  let pullTimer: ReturnType<typeof setInterval> | undefined;

  const configured = () => settings.enabled && settings.server_url !== "";

  // ---- the driver (crates/sync/src/driver.rs) ------------------------------------------------

  /** SyncDriver::test_connection against the fake central server. */
  function testConnection(serverUrl: string, password: string | null): ServerCheck {
    const url = new URL(serverUrl);
    const user = decodeURIComponent(url.username) || "postgres";
    if (url.hostname.toLowerCase() !== server.host.toLowerCase()) {
      fail("io", "cannot connect to the central server: error communicating with database: failed to lookup address information: Name or service not known");
    }
    if (!server.reachable) fail("io", "cannot connect to the central server: error communicating with database: Connection refused (os error 111)");
    if (server.password !== null && password !== server.password) {
      fail("io", `cannot connect to the central server: error returned from database: password authentication failed for user ${JSON.stringify(user)}`);
    }
    return {
      server_version: server.server_version,
      schema_version: server.schema_version,
      workstations: server.workstations,
      changes: server.changes,
      round_trip_ms: 18.4,
    };
  }

  /** What the background task does after the settings change: connect (or stop). */
  function reconfigure() {
    if (!running) return;
    if (!configured()) {
      live = { online: false, syncing: false, phase: null, done: 0, total: null };
      return;
    }
    try {
      testConnection(settings.server_url, keychain);
    } catch (error) {
      live = { online: false, syncing: false, phase: null, done: 0, total: null };
      state.last_error = error instanceof Error ? error.message : String(error);
      state.last_error_at = nowText();
      return;
    }
    live = { ...live, online: true };
    if (deps.hasClinic()) push();
  }

  /** A successful round: the pending changes are on the server (record_outcome(None)). */
  function push() {
    pending = 0;
    state.last_sync_at = nowText();
    state.last_error = null;
    state.last_error_at = null;
  }

  /** The state a scenario starts in (after the connection made at start-up). */
  function start() {
    if (options.settings && running) reconfigure();
    if (options.live) live = { ...live, ...options.live };
    if (options.pending !== undefined) pending = options.pending;
    if (options.lastSyncMinutesAgo !== undefined) state.last_sync_at = dbTime(new Date(deps.now().getTime() - options.lastSyncMinutesAgo * 60_000));
    if (options.lastError !== undefined) {
      state.last_error = options.lastError;
      state.last_error_at = nowText();
    }
  }

  // ---- conflicts (conflicts.rs) --------------------------------------------------------------

  /** sync::kinds_for: which conflicts the actor may see. */
  function kindsFor(): ConflictKind[] {
    const me = deps.actor();
    const may = (p: Permission) => (me ? deps.permissionsOf(me.role).includes(p) : false);
    const kinds: ConflictKind[] = [];
    if (may("schedule.read")) kinds.push("double_booking");
    if (may("patients.read") && may("schedule.read")) kinds.push("possible_duplicate");
    if (may("sync.manage")) kinds.push("refused_change");
    return kinds;
  }

  function booking(id: string): ConflictBooking | null {
    const a = deps.appointments().get(id);
    if (!a) return null;
    const p = deps.patients().get(a.patient_id);
    const doctor = [...deps.users()].find((u) => u.id === a.doctor_id);
    return {
      appointment_id: a.id,
      patient_id: a.patient_id,
      patient_name: p ? `${p.given_name} ${p.family_name}` : "",
      doctor_id: a.doctor_id,
      doctor_name: doctor?.full_name ?? "",
      starts_at: a.starts_at,
      ends_at: a.ends_at,
      status: a.status,
      booked_by: bookedBy.get(a.id) ?? "",
      booked_at: a.created_at,
    };
  }

  function patient(id: string): ConflictPatient | null {
    const p = deps.patients().get(id);
    if (!p) return null;
    return { patient_id: p.id, mrn: p.mrn, name: `${p.given_name} ${p.family_name}`, date_of_birth: p.date_of_birth, phone: p.phone, merged_into: p.merged_into };
  }

  const overlapping = (a: ConflictBooking, b: ConflictBooking) =>
    ACTIVE.includes(a.status as Status) && ACTIVE.includes(b.status as Status) && a.doctor_id === b.doctor_id && a.starts_at < b.ends_at && b.starts_at < a.ends_at;

  /** conflicts::list: newest first; `kinds` limits them. */
  function list(kinds: readonly ConflictKind[], includeClosed: boolean, limit: number): SyncConflict[] {
    const rows = [...conflicts.values()].sort((a, b) => (a.detected_at > b.detected_at ? -1 : a.detected_at < b.detected_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const out: SyncConflict[] = [];
    for (const row of rows) {
      if (!kinds.includes(row.kind)) continue;
      const conflict: SyncConflict = {
        id: row.id,
        kind: row.kind,
        detected_at: row.detected_at,
        open: row.dismissed_at === null,
        detail: row.detail,
        bookings: [],
        patients: [],
        table_name: row.table_name,
        row_id: row.row_id,
        dismissed_at: row.dismissed_at,
        dismissed_by: row.dismissed_by ?? "",
      };
      if (row.kind === "double_booking") {
        conflict.bookings = [booking(row.row_id), booking(row.other_row_id)].filter((b): b is ConflictBooking => b !== null);
        const [a, b] = conflict.bookings;
        conflict.open &&= a !== undefined && b !== undefined && overlapping(a, b);
      } else if (row.kind === "possible_duplicate") {
        conflict.patients = [patient(row.row_id), patient(row.other_row_id)].filter((p): p is ConflictPatient => p !== null);
        conflict.open &&= conflict.patients.length === 2 && conflict.patients.every((p) => p.merged_into == null);
      }
      if (conflict.open || includeClosed) out.push(conflict);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** One row per pair, whichever side found it (`ON CONFLICT (kind, row_id, other_row_id) DO NOTHING`). */
  function insertConflict(kind: ConflictKind, tableName: string, first: string, second: string, detail: string): boolean {
    const [row, other] = first < second ? [first, second] : [second, first];
    if ([...conflicts.values()].some((c) => c.kind === kind && c.row_id === row && c.other_row_id === other)) return false;
    const id = newId();
    conflicts.set(id, { id, kind, table_name: tableName, row_id: row, other_row_id: other, detail, detected_at: nowText(), dismissed_at: null, dismissed_by: null });
    return true;
  }

  /** conflicts::detect_double_bookings: overlaps of the given appointments with any other active booking of the doctor. */
  function detectDoubleBookings(ids: readonly string[]): number {
    let found = 0;
    const all = [...deps.appointments().values()];
    for (const id of ids) {
      const a = deps.appointments().get(id);
      if (!a || !ACTIVE.includes(a.status)) continue;
      const tenHoursBefore = dbTime(new Date(Date.parse(a.starts_at) - 10 * 3_600_000));
      for (const b of all) {
        if (b.id === a.id || b.doctor_id !== a.doctor_id || !ACTIVE.includes(b.status)) continue;
        if (b.starts_at < a.ends_at && b.ends_at > a.starts_at && b.starts_at > tenHoursBefore) {
          if (insertConflict("double_booking", "appointments", a.id, b.id, "two workstations booked the doctor at overlapping times")) found += 1;
        }
      }
    }
    return found;
  }

  // ---- the commands (mod.rs) -----------------------------------------------------------------

  function getSyncStatus(): SyncStatus {
    return {
      enabled: configured(),
      running,
      live: running ? { ...live } : { online: false, syncing: false, phase: null, done: 0, total: null },
      pending,
      last_sync_at: state.last_sync_at,
      last_error: state.last_error,
      last_error_at: state.last_error_at,
      conflicts: list(kindsFor(), false, Number.MAX_SAFE_INTEGER).length,
    };
  }

  function noDriver(): never {
    return fail("conflict", "sync runs in the ClinicDesk app or in `clinicdesk sync watch`, not in this process");
  }

  function saveSyncSettings(input: Commands["save_sync_settings"]["input"]) {
    const serverUrl = input.server_url.trim() === "" && !input.enabled ? "" : validateServerUrl(input.server_url, fail);
    const name = input.workstation_name.trim();
    if (input.enabled && name === "") fail("validation", "Name this workstation (e.g. Reception 1): the server lists workstations by name", "workstation_name");
    if (Array.from(name).length > 60) fail("validation", "The workstation name is at most 60 characters", "workstation_name");
    const password = input.password == null || input.password === "" ? null : input.password;
    if ((password !== null || input.clear_password) && options.inMemory) fail("validation", "an in-memory workstation cannot keep a password", "password");
    if (password !== null) keychain = password;
    else if (input.clear_password) keychain = null;
    const before = { ...settings };
    const hasPassword = password !== null ? true : input.clear_password ? false : before.has_password;
    Object.assign(settings, { server_url: serverUrl, enabled: input.enabled, workstation_name: name, has_password: hasPassword });
    const passwordText = password !== null ? "replaced" : before.has_password && !hasPassword ? "forgotten" : "unchanged";
    deps.audit(
      "save_sync_settings",
      `sync settings: server ${JSON.stringify(before.server_url)} → ${JSON.stringify(serverUrl)}, enabled ${String(before.enabled)} → ${String(input.enabled)}, name ${JSON.stringify(before.workstation_name)} → ${JSON.stringify(name)}, password ${passwordText}`,
      "sync_settings",
      "1",
    );
    reconfigure();
    return { ok: true };
  }

  function testSyncConnection(input: Commands["test_sync_connection"]["input"]): ServerCheck {
    const serverUrl = validateServerUrl(input.server_url, fail);
    if (!running) noDriver();
    const password = input.password == null || input.password === "" ? (settings.has_password ? keychain : null) : input.password;
    try {
      return testConnection(serverUrl, password);
    } catch (error) {
      // The driver's failures are about the address (Rust: `field: Some("server_url")`).
      if (error instanceof Error && "appError" in error) {
        const e = (error as Error & { appError: { code: ErrorCode; message: string } }).appError;
        return fail(e.code, e.message, "server_url");
      }
      throw error;
    }
  }

  function joinClinicServer(input: Commands["join_clinic_server"]["input"]) {
    if (deps.hasClinic()) fail("conflict", "this workstation already holds a clinic; sync is set up in Settings → Sync");
    if (!running) noDriver();
    const serverUrl = validateServerUrl(input.server_url, fail);
    const name = input.workstation_name.trim();
    if (name === "" || Array.from(name).length > 60) fail("validation", "Name this workstation (1–60 characters, e.g. Reception 2)", "workstation_name");
    const password = input.password == null || input.password === "" ? null : input.password;
    // Refuse an address that does not answer now rather than leave a workstation waiting.
    try {
      testConnection(serverUrl, password);
    } catch (error) {
      if (error instanceof Error && "appError" in error) {
        const e = (error as Error & { appError: { code: ErrorCode; message: string } }).appError;
        return fail(e.code, e.message, "server_url");
      }
      throw error;
    }
    if (password !== null) keychain = password;
    Object.assign(settings, { server_url: serverUrl, enabled: true, workstation_name: name, has_password: password !== null });
    deps.audit("join_clinic_server", `joined the clinic server ${JSON.stringify(serverUrl)} as ${JSON.stringify(name)}`, "sync_settings", "1");
    // The driver connects and starts the first pull: the clinic, its users and its data.
    live = { online: true, syncing: true, phase: "pull", done: 0, total: server.changes };
    if (options.autoPull) {
      const { steps, stepMs } = options.autoPull;
      let step = 0;
      pullTimer = setInterval(() => {
        step += 1;
        if (step >= steps) finishFirstPull();
        else pullProgress(Math.round((server.changes * step) / steps));
      }, stepMs);
    }
    return { ok: true };
  }

  function syncNow() {
    if (!configured()) fail("conflict", "sync is not set up on this workstation (an administrator sets it up in Settings → Sync)");
    if (!running) noDriver();
    // The driver is woken; the round's outcome shows in the status.
    reconfigure();
    return { ok: true };
  }

  function listSyncConflicts(input: Commands["list_sync_conflicts"]["input"]): SyncConflict[] {
    return list(kindsFor(), input.include_closed, 500);
  }

  function dismissSyncConflict(input: Commands["dismiss_sync_conflict"]["input"]) {
    const reason = input.reason.trim();
    if (reason === "") fail("validation", "Say why the conflict is dismissed", "reason");
    const row = conflicts.get(input.conflict_id) ?? fail("not_found", "no such sync conflict", "conflict_id");
    if (row.kind === "double_booking") fail("conflict", "a double booking is resolved by rebooking or cancelling one of the appointments");
    const me = deps.actor();
    if (row.kind === "refused_change" && !(me && deps.permissionsOf(me.role).includes("sync.manage"))) {
      fail("permission_denied", "only an administrator may dismiss a refused change (needs sync.manage)");
    }
    if (row.dismissed_at !== null) fail("conflict", "this conflict was already dismissed");
    row.dismissed_at = nowText();
    row.dismissed_by = me?.username ?? "anonymous";
    deps.audit("dismiss_sync_conflict", `dismissed ${row.kind} conflict ${row.id}: ${reason}`, "sync_conflicts", row.id);
    return { ok: true };
  }

  start();

  const handlers = {
    get_sync_status: getSyncStatus,
    get_sync_settings: () => ({ ...settings, workstation_id: deps.workstationId, workstation_code: deps.workstationCode }),
    save_sync_settings: saveSyncSettings,
    test_sync_connection: testSyncConnection,
    join_clinic_server: joinClinicServer,
    sync_now: syncNow,
    list_sync_conflicts: listSyncConflicts,
    dismiss_sync_conflict: dismissSyncConflict,
  } satisfies { [K in keyof Commands]?: (input: Commands[K]["input"]) => Commands[K]["output"] };

  // ---- test hooks ----------------------------------------------------------------------------

  /** The joining workstation's first pull has received `done` of the server's changes. */
  function pullProgress(done: number, total: number | null = server.changes) {
    live = { ...live, online: true, syncing: true, phase: "pull", done, total };
  }

  /** The first pull is complete: the clinic is here (app_status reports it), sync goes on idle. */
  function finishFirstPull() {
    clearInterval(pullTimer);
    pullTimer = undefined;
    deps.clinicArrives();
    live = { online: true, syncing: false, phase: null, done: 0, total: null };
    push();
    deps.emitClinicChanged(["clinic", "users", "patients", "appointments"]);
  }

  return {
    handlers,
    server,
    /** The connection's live state, as the driver reports it. */
    setLive(next: Partial<LiveSync>) {
      live = { ...live, ...next };
    },
    get live(): LiveSync {
      return live;
    },
    setPending(count: number) {
      pending = count;
    },
    get pending() {
      return pending;
    },
    setRunning(value: boolean) {
      running = value;
    },
    /** The outcome of the driver's last round (record_outcome): null is a success. */
    recordOutcome(error: string | null) {
      if (error === null) push();
      else {
        state.last_error = error;
        state.last_error_at = nowText();
      }
    },
    get settings() {
      return { ...settings };
    },
    /** The password in the OS keychain (tests only: the UI never reads it). */
    get keychain() {
      return keychain;
    },
    /** A write committed here: its changes wait for the server while offline, go at once online. */
    localWrite(tables: readonly string[]) {
      const synced = tables.filter((t) => !LOCAL_TABLES.has(t));
      if (synced.length === 0) return;
      if (configured() && running && live.online) push();
      else pending += synced.length;
    },
    pullProgress,
    finishFirstPull,
    /**
     * Appointments that arrived by sync (already applied): finds the double bookings they make,
     * like the merge does, and announces the rows. `booked_by` is the name its workstation knows.
     */
    appointmentsArrived(arrived: readonly { id: string; booked_by?: string }[]) {
      for (const a of arrived) if (a.booked_by !== undefined) bookedBy.set(a.id, a.booked_by);
      const found = detectDoubleBookings(arrived.map((a) => a.id));
      deps.emitClinicChanged(["appointments", "sync_conflicts"]);
      return found;
    },
    /** Who booked an appointment, as the conflicts screen shows it. */
    setBookedBy(appointmentId: string, name: string) {
      bookedBy.set(appointmentId, name);
    },
    /** A patient who arrived by sync looks like one registered here (conflicts::detect_duplicates found the pair). */
    duplicateFound(firstId: string, secondId: string, reasons: readonly string[]) {
      insertConflict("possible_duplicate", "patients", firstId, secondId, reasons.join("; "));
      deps.emitClinicChanged(["patients", "sync_conflicts"]);
    },
    /** A pulled change this store's rules refused (conflicts::record_refused). */
    changeRefused(change: { table_name: string; row_id: string; reason: string; op?: string; workstation_id?: string }) {
      const changeId = newId();
      const id = newId();
      conflicts.set(id, {
        id,
        kind: "refused_change",
        table_name: change.table_name,
        row_id: change.row_id,
        other_row_id: changeId,
        detail: `${change.reason} (change ${changeId} from workstation ${change.workstation_id ?? "0190b7c2-0000-7000-8000-00000000b2b2"}, ${change.op ?? "update"})`,
        detected_at: nowText(),
        dismissed_at: null,
        dismissed_by: null,
      });
      deps.emitClinicChanged(["sync_conflicts"]);
      return id;
    },
    get conflicts(): ReadonlyMap<string, Readonly<StoredConflict>> {
      return conflicts;
    },
    /** Ends the automatic first pull's timer (a closed page). */
    stop() {
      clearInterval(pullTimer);
    },
  };
}

export type SyncStore = ReturnType<typeof createSyncStore>;
