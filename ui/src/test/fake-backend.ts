// An in-memory stand-in for the Rust command registry, for UI tests and the screenshot harness.
// It follows the Rust contract (crates/core) closely enough to drive every screen: the same
// command names, inputs, outputs, error codes and field names. It is NOT imported by the app:
// tests install it with `setTransport`, the screenshot harness as a fake `__TAURI_INTERNALS__`.
import type {
  AppError,
  AppStatus,
  AuditRecord,
  Availability,
  ClinicSettings,
  CommandName,
  Commands,
  Department,
  ErrorCode,
  LoginOutput,
  Permission,
  Role,
  StaffMember,
  UserView,
} from "../api/generated";
import { COMMAND_ACCESS, ROLE_PERMISSIONS } from "../api/generated";
import { BILLING_TABLES_WRITTEN, createBillingStore } from "./fake-billing";
import { createPatientStore, formatMrn } from "./fake-patients";
import { createPrescriptionsStore, PRESCRIPTIONS_TABLES_WRITTEN } from "./fake-prescriptions";
import { createRecordsStore } from "./fake-records";
import { createSchedulingStore } from "./fake-scheduling";
import { createSyncStore, type FakeSyncOptions } from "./fake-sync";

/** The real permission matrix, generated from crates/core/src/access. */
export function permissionsOf(role: Role): Permission[] {
  return [...ROLE_PERMISSIONS[role]];
}

/** Which permission each command needs, generated from the Rust registry. */
const ACCESS = COMMAND_ACCESS;

export const DEMO_USERS: { username: string; full_name: string; role: Role; password: string; specialization?: string; licence_number?: string; department?: string }[] = [
  { username: "admin", full_name: "Alex Admin", role: "admin", password: "blue lantern orchid 47" },
  { username: "dr.rossi", full_name: "Dr. Giulia Rossi", role: "doctor", password: "quiet harbour maple 47", specialization: "General practice", licence_number: "MED-IT-20417", department: "General Medicine" },
  { username: "dr.okafor", full_name: "Dr. Chinedu Okafor", role: "doctor", password: "bright meadow pebble 47", specialization: "Paediatrics", licence_number: "MED-NG-88213", department: "Paediatrics" },
  { username: "nurse.muller", full_name: "Jana Müller", role: "nurse", password: "silver compass tide 47", department: "General Medicine" },
  { username: "reception", full_name: "María López", role: "receptionist", password: "warm garden ribbon 47" },
  { username: "pharmacy", full_name: "Søren Nielsen", role: "pharmacist", password: "clear window saffron 47" },
  { username: "accounts", full_name: "Aiko Tanaka", role: "accountant", password: "steady ledger violet 47" },
  { username: "display", full_name: "Waiting Room Display", role: "kiosk", password: "calm screen willow 47" },
];

export const FAKE_PASSPHRASE = "7KQ2M-9XD4R-T1HVB-C8N3F-W5PZJ-6GAE0";

/** The departments of the demo clinic (crates/core/src/demo.rs). */
export const DEMO_DEPARTMENTS: { name: string; description: string }[] = [
  { name: "General Medicine", description: "Family and general practice" },
  { name: "Paediatrics", description: "Children and adolescents" },
  { name: "Cardiology", description: "Heart and vessels" },
];

/** Doctors' default consultation fees in the demo clinic. */
const DEMO_FEES: Record<string, string> = { "dr.rossi": "60.00", "dr.okafor": "75.00" };

interface FakeUser extends UserView {
  password: string;
  failures: number;
  consultation_fee: string;
  signature_data_url: string;
  availability: Availability;
  availability_changed_at: string | null;
}

interface FakeDepartment {
  id: string;
  name: string;
  description: string;
  active: boolean;
  created_at: string;
  updated_at: string;
}

interface Session {
  userId: string;
  locked: boolean;
}

export interface FakeBackendOptions {
  /** "empty": no clinic yet; "demo": the demo clinic exists. */
  state?: "empty" | "demo";
  /** Make `app_status` (and every command) fail, as when the store cannot be opened. */
  storeError?: AppError;
  /** Wrong sign-ins before an account locks (Rust: 5). */
  lockoutAfter?: number;
  /** Milliseconds each answer takes (screenshots of loading states; 0 in tests). */
  latency?: number;
  now?: () => Date;
  /** Sync with a central server: the settings, the connection's state, the fake server (fake-sync.ts). */
  sync?: FakeSyncOptions;
}

export class FakeError extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
  }
}

const SCHEDULE_TABLES = ["appointments", "appointment_transitions"] as const;

/**
 * The tables each write command changes (Rust's change log names), for the `clinic-changed`
 * event the Rust shell emits after every committed write.
 */
export const TABLES_WRITTEN: Partial<Record<CommandName, readonly string[]>> = {
  setup_clinic: ["clinic", "users"],
  create_demo_clinic: ["clinic", "users", "departments", "patients", "patient_allergies", "visit_types", "availability_blocks", ...SCHEDULE_TABLES, "waitlist_entries"],
  // The Standard tax category follows the default tax rate.
  update_clinic_settings: ["clinic", "tax_categories"],
  change_password: ["users"],
  create_user: ["users"],
  update_user: ["users"],
  reset_password: ["users"],
  disable_user: ["users"],
  enable_user: ["users"],
  update_staff_profile: ["users"],
  set_my_availability: ["users"],
  create_department: ["departments"],
  update_department: ["departments", "users"],
  register_patient: ["patients", "patient_allergies"],
  update_patient: ["patients"],
  record_allergy: ["patient_allergies"],
  set_allergy_status: ["patient_allergies"],
  merge_patients: ["patients", "patient_allergies", ...SCHEDULE_TABLES, "waitlist_entries", "encounters", "vitals", "patient_problems", "attachments", "encounter_diagnoses", "prescriptions", "prescription_items", "prescription_overrides", "invoices", "credit_notes", "payments"],
  save_visit_type: ["visit_types"],
  set_weekly_availability: ["availability_blocks"],
  add_availability_exception: ["availability_exceptions"],
  remove_availability_exception: ["availability_exceptions"],
  book_appointment: SCHEDULE_TABLES,
  reschedule_appointment: [...SCHEDULE_TABLES, "waitlist_entries"],
  cancel_appointment: [...SCHEDULE_TABLES, "waitlist_entries"],
  mark_no_show: [...SCHEDULE_TABLES, "waitlist_entries"],
  check_in_appointment: SCHEDULE_TABLES,
  // The doctor turns busy during a consultation, and available again after it.
  start_consultation: [...SCHEDULE_TABLES, "users"],
  call_next_patient: [...SCHEDULE_TABLES, "users"],
  complete_appointment: [...SCHEDULE_TABLES, "users"],
  add_to_waitlist: ["waitlist_entries"],
  accept_waitlist_offer: ["waitlist_entries", ...SCHEDULE_TABLES],
  decline_waitlist_offer: ["waitlist_entries"],
  remove_from_waitlist: ["waitlist_entries"],
  start_encounter: ["encounters"],
  save_encounter_note: ["encounter_notes", "encounters"],
  sign_encounter: ["encounter_notes", "encounters"],
  amend_encounter_note: ["encounter_notes", "encounters"],
  mark_encounter_entered_in_error: ["encounters"],
  record_vitals: ["vitals"],
  mark_vitals_entered_in_error: ["vitals"],
  add_problem: ["patient_problems"],
  set_problem_status: ["patient_problems", "patient_problem_changes"],
  add_attachment: ["attachments"],
  mark_attachment_entered_in_error: ["attachments"],
  ...PRESCRIPTIONS_TABLES_WRITTEN,
  ...BILLING_TABLES_WRITTEN,
  save_sync_settings: ["sync_settings"],
  join_clinic_server: ["sync_settings"],
  dismiss_sync_conflict: ["sync_conflicts"],
};

function fail(code: ErrorCode, message: string, field?: string): never {
  throw new FakeError(field === undefined ? { code, message } : { code, message, field });
}

let counter = 0;
/** This fake workstation (its desk takes the payments and closes the cash). */
const WORKSTATION_ID = "0190b7c2-5e1a-7c3d-9f00-3a2b1c0d4e5f";
const newId = () => `0190c0de-0000-7000-8000-${(++counter).toString(16).padStart(12, "0")}`;

export function createFakeBackend(options: FakeBackendOptions = {}) {
  const now = options.now ?? (() => new Date());
  const iso = () => now().toISOString();
  const lockoutAfter = options.lockoutAfter ?? 5;
  const users = new Map<string, FakeUser>();
  const sessions = new Map<string, Session>();
  const audit: AuditRecord[] = [];
  const departments = new Map<string, FakeDepartment>();
  let settings: ClinicSettings | null = null;
  const calls: { name: string; input: unknown; token: string | null }[] = [];
  /** Answers to force for the next call of a command (tests of error display). */
  const forced = new Map<string, AppError[]>();
  /** Who is running the current command (for the patients store's audit entries). */
  let currentActor: FakeUser | null = null;
  const patientStore = createPatientStore({
    now,
    newId,
    fail,
    settings: () => settings,
    audit: (action, detail, table, id) => {
      record(currentActor, action, "ok", detail, { table, id });
    },
  });

  const schedulingStore = createSchedulingStore({
    now,
    newId,
    fail,
    settings: () => settings,
    users: () => users.values(),
    patients: () => patientStore.patients,
    audit: (action, detail, table, id) => {
      record(currentActor, action, "ok", detail, { table, id });
    },
  });

  const recordsStore = createRecordsStore({
    now,
    newId,
    fail,
    actor: () => currentActor,
    users: () => users.values(),
    patients: () => patientStore.patients,
    appointments: () => schedulingStore.appointments,
    audit: (action, detail, table, id) => {
      record(currentActor, action, "ok", detail, { table, id });
    },
    diagnosesOf: (id) => prescriptionsStore.diagnosesOf(id),
    findDiagnosis: (id) => prescriptionsStore.findDiagnosis(id),
    findIcd10: (code) => prescriptionsStore.findIcd10(code),
  });

  const prescriptionsStore = createPrescriptionsStore({
    now,
    newId,
    fail,
    actor: () => currentActor,
    users: () => users.values(),
    patients: () => patientStore.patients,
    allergies: () => patientStore.allergies.values(),
    encounters: () => recordsStore.encounters,
    settings: () => settings,
    audit: (action, detail, table, id) => {
      record(currentActor, action, "ok", detail, { table, id });
    },
  });

  const billingStore = createBillingStore({
    now,
    newId,
    fail,
    actor: () => currentActor,
    users: () => users.values(),
    patients: () => patientStore.patients,
    appointments: () => schedulingStore.appointments,
    visitTypes: () => schedulingStore.visitTypes,
    encounters: () => recordsStore.encounters,
    medications: () => prescriptionsStore.medications,
    settings: () => settings,
    setDefaultTaxRate: (rate) => {
      if (settings) settings = { ...settings, default_tax_rate: rate };
    },
    workstationId: WORKSTATION_ID,
    // The workstation's MRN prefix (fake-patients.ts).
    workstationCode: "K7Q",
    printers: () => prescriptionsStore.printers,
    audit: (action, detail, table, id) => {
      record(currentActor, action, "ok", detail, { table, id });
    },
  });

  const status: AppStatus = {
    initialized: false,
    clinic_name: null,
    version: "0.1.0",
    workstation_id: WORKSTATION_ID,
    schema_version: 20260301120000,
  };

  function record(actor: FakeUser | null, action: string, outcome: "ok" | "denied" | "failed", detail = "", target?: FakeUser | { table: string; id: string }) {
    const table = target ? ("table" in target ? target.table : "users") : null;
    audit.push({
      seq: audit.length + 1,
      id: newId(),
      at: iso(),
      workstation_id: status.workstation_id,
      actor_id: actor?.id ?? null,
      actor_name: actor?.username ?? "anonymous",
      actor_role: actor?.role ?? null,
      action,
      outcome,
      record_table: table,
      record_id: target?.id ?? null,
      detail,
    });
  }

  function view(u: FakeUser): UserView {
    return {
      id: u.id,
      username: u.username,
      full_name: u.full_name,
      role: u.role,
      active: u.active,
      must_change_password: u.must_change_password,
      specialization: u.specialization,
      licence_number: u.licence_number,
      department: u.department,
      locked_until: u.locked_until,
      created_at: u.created_at,
      updated_at: u.updated_at,
    };
  }

  function checkPasswordPolicy(password: string, username: string, field: string) {
    const length = Array.from(password).length;
    if (length < 12) fail("validation", "the password must have at least 12 characters", field);
    if (length > 128) fail("validation", "the password must have at most 128 characters", field);
    if (username && password.toLowerCase().includes(username.toLowerCase())) fail("validation", "the password must not contain the username", field);
    if (/^(.)\1+$/.test(password) || /^(password|123456|qwerty)/i.test(password)) {
      fail("validation", "this password is too common or guessable (This is a very common password); try a few unrelated words", field);
    }
  }

  function validUsername(value: string, field: string): string {
    const v = value.trim().toLowerCase();
    if (!/^[a-z][a-z0-9._-]{2,31}$/.test(v)) {
      fail("validation", "a username has 3 to 32 characters: letters, digits, dot, dash or underscore, starting with a letter", field);
    }
    return v;
  }

  function required(value: string, field: string): string {
    const v = value.trim();
    if (v === "") fail("validation", `${field.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase())} is required`, field);
    return v;
  }

  function addUser(input: { username: string; full_name: string; role: Role; password: string; specialization?: string | null; licence_number?: string | null; department?: string | null; must_change_password: boolean }, fields = { username: "username", full_name: "full_name", password: "password" }): FakeUser {
    const username = validUsername(input.username, fields.username);
    const full_name = required(input.full_name, fields.full_name);
    checkPasswordPolicy(input.password, username, fields.password);
    if (input.role !== "doctor" && (input.specialization || input.licence_number)) {
      fail("validation", "only doctors carry a specialization and licence number", input.specialization ? "specialization" : "licence_number");
    }
    if (users.has(username)) fail("conflict", `the username "${username}" is taken`, fields.username);
    const department = resolveDepartment(input.department, "department");
    const at = iso();
    const user: FakeUser = {
      id: newId(),
      username,
      full_name,
      role: input.role,
      active: true,
      must_change_password: input.must_change_password,
      specialization: input.specialization || null,
      licence_number: input.licence_number || null,
      department,
      locked_until: null,
      created_at: at,
      updated_at: at,
      password: input.password,
      failures: 0,
      consultation_fee: "",
      signature_data_url: "",
      availability: "offline",
      availability_changed_at: null,
    };
    users.set(username, user);
    return user;
  }

  /** Rust (staff::resolve_department): the stored spelling of an active department, or a field error. */
  function resolveDepartment(name: string | null | undefined, field: string): string | null {
    const wanted = (name ?? "").trim();
    if (wanted === "") return null;
    const found = [...departments.values()].find((d) => d.name.toLowerCase() === wanted.toLowerCase());
    if (!found) return fail("validation", `there is no department ${JSON.stringify(wanted)}; add it under Departments first`, field);
    if (!found.active) fail("validation", `the department ${JSON.stringify(found.name)} is inactive`, field);
    return found.name;
  }

  function departmentView(d: FakeDepartment): Department {
    const staff_count = [...users.values()].filter((u) => u.active && u.department?.toLowerCase() === d.name.toLowerCase()).length;
    return { id: d.id, name: d.name, description: d.description, active: d.active, staff_count };
  }

  function departmentName(input: { name: string; description?: string | null }, except: string | null) {
    const name = required(input.name, "name");
    if (Array.from(name).length > 100) fail("validation", "Name is longer than 100 characters", "name");
    const description = (input.description ?? "").trim();
    if (Array.from(description).length > 500) fail("validation", "Description is longer than 500 characters", "description");
    if ([...departments.values()].some((d) => d.id !== except && d.name.toLowerCase() === name.toLowerCase())) {
      fail("conflict", `a department ${JSON.stringify(name)} exists already`, "name");
    }
    return { name, description };
  }

  function staffView(u: FakeUser): StaffMember {
    return {
      id: u.id,
      username: u.username,
      full_name: u.full_name,
      role: u.role,
      active: u.active,
      specialization: u.specialization,
      licence_number: u.licence_number,
      department: u.department,
      consultation_fee: u.consultation_fee,
      signature_data_url: u.signature_data_url,
      availability: u.availability,
      availability_changed_at: u.availability_changed_at,
    };
  }

  /** Rust (staff::valid_fee): an exact decimal, not negative, at most 2 decimals, at most 1,000,000. */
  function validFee(value: string): string {
    const v = value.trim();
    if (v === "") return "";
    const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(v);
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) return fail("validation", "the fee is an amount such as 60 or 45.50", "consultation_fee");
    const whole = (m[2] ?? "").replace(/^0+(?=\d)/, "") || "0";
    const fraction = m[3] ?? "";
    if (m[1] === "-" && /[1-9]/.test(whole + fraction)) fail("validation", "the fee cannot be negative", "consultation_fee");
    if (fraction.length > 2) fail("validation", "the fee has at most 2 decimals", "consultation_fee");
    if (Number(whole) > 1_000_000 || (Number(whole) === 1_000_000 && /[1-9]/.test(fraction))) fail("validation", "the fee is larger than 1,000,000", "consultation_fee");
    return fraction === "" ? whole : `${whole}.${fraction}`;
  }

  function validImage(value: string, field: string, what: string): string {
    const v = value.trim();
    if (v === "") return "";
    if (!v.startsWith("data:image/png;base64,") && !v.startsWith("data:image/jpeg;base64,")) fail("validation", `the ${what} must be a PNG or JPEG image`, field);
    if (((v.length - v.indexOf(",") - 1) * 3) / 4 > 256 * 1024) fail("validation", `the ${what} is larger than 256 KB`, field);
    return v;
  }

  function initClinic(name: string, timeZone: string, currency: string) {
    settings = {
      name,
      address: "",
      phone: "",
      time_zone: timeZone,
      currency,
      locale: "en",
      email: "",
      paper_size: "a4",
      idle_lock_minutes: 15,
      logo_data_url: "",
      default_tax_rate: "0",
      invoice_series_prefix: "INV",
      national_id_pattern: "",
      national_id_example: "",
      prices_include_tax: false,
      rounding: "half_up",
      receipt_paper: "page",
    };
    status.initialized = true;
    status.clinic_name = name;
  }

  function seedDemo() {
    initClinic("Demo Clinic (sample data)", "Europe/Rome", "EUR");
    if (settings) settings = { ...settings, address: "Via Roma 1, 00100 Roma", phone: "+39 06 1234 5678", locale: "en-GB", default_tax_rate: "22" };
    const at = iso();
    for (const d of DEMO_DEPARTMENTS) {
      const id = newId();
      departments.set(id, { id, name: d.name, description: d.description, active: true, created_at: at, updated_at: at });
    }
    for (const d of DEMO_USERS) addUser({ ...d, must_change_password: false });
    for (const u of users.values()) record(null, "create_user", "ok", `demo user ${u.username}`, u);
    for (const [username, fee] of Object.entries(DEMO_FEES)) {
      const u = users.get(username);
      if (u) u.consultation_fee = fee;
    }
    patientStore.seedDemo();
    schedulingStore.seedDemo();
    billingStore.seedDemo({
      visitType: (name) => [...schedulingStore.visitTypes.values()].find((v) => v.name === name)?.id,
      user: (username) => users.get(username),
      patient: (family) => [...patientStore.patients.values()].find((p) => p.family_name === family && p.merged_into === null)?.id,
    });
  }

  if (options.state === "demo") seedDemo();

  const syncStore = createSyncStore(
    {
      now,
      newId,
      fail,
      actor: () => currentActor,
      permissionsOf,
      hasClinic: () => status.initialized,
      users: () => users.values(),
      patients: () => patientStore.patients,
      appointments: () => schedulingStore.appointments,
      workstationId: WORKSTATION_ID,
      workstationCode: "K7Q",
      audit: (action, detail, table, id) => {
        record(currentActor, action, "ok", detail, { table, id });
      },
      // The clinic on the fake central server is the demo clinic: the first pull brings it.
      clinicArrives: () => {
        if (!status.initialized) seedDemo();
      },
      emitClinicChanged: (tables) => {
        emitClinicChanged(tables);
      },
    },
    options.sync,
  );

  function loginOutput(token: string, user: FakeUser): LoginOutput {
    return { token, user: view(user), permissions: permissionsOf(user.role), idle_lock_minutes: settings?.idle_lock_minutes ?? 15 };
  }

  function checkPassword(user: FakeUser, password: string, action: string) {
    if (user.locked_until && new Date(user.locked_until) > now()) {
      record(user, action, "failed", "refused: locked out");
      fail("locked_out", `too many failed sign-ins: this account is locked until ${user.locked_until.slice(11, 16)} UTC (about 1 minute)`);
    }
    if (user.password !== password) {
      user.failures += 1;
      record(user, action, "failed", "wrong password");
      if (user.failures >= lockoutAfter) {
        user.locked_until = new Date(now().getTime() + 60_000).toISOString();
        fail("locked_out", `too many failed sign-ins: this account is locked until ${user.locked_until.slice(11, 16)} UTC (about 1 minute)`);
      }
      fail("invalid_credentials", "wrong username or password");
    }
    user.failures = 0;
    user.locked_until = null;
  }

  function userById(id: string): FakeUser {
    for (const u of users.values()) if (u.id === id) return u;
    return fail("not_found", "no such user");
  }

  function requireUser(username: string): FakeUser {
    return users.get(username.trim().toLowerCase()) ?? fail("not_found", `there is no user "${username.trim()}"`, "username");
  }

  type Handler = (input: never, ctx: { token: string | null; me: FakeUser | null }) => unknown;
  type Handlers = { [K in CommandName]: (input: Commands[K]["input"], ctx: { token: string | null; me: FakeUser | null }) => Commands[K]["output"] };
  const handlers: Handlers = {
    app_status: () => ({ ...status }),
    setup_clinic: (input) => {
      if (status.initialized) fail("conflict", "the clinic is already set up");
      const name = required(input.clinic_name, "clinic_name");
      addUser(
        { username: input.admin_username, full_name: input.admin_full_name, role: "admin", password: input.admin_password, must_change_password: false },
        { username: "admin_username", full_name: "admin_full_name", password: "admin_password" },
      );
      initClinic(name, input.time_zone ?? "UTC", input.currency ?? "EUR");
      const admin = [...users.values()][0];
      if (!admin) return fail("internal", "no admin");
      record(null, "setup_clinic", "ok", `clinic "${name}", first admin ${admin.username}`);
      return { clinic_id: newId(), admin: view(admin), recovery_passphrase: FAKE_PASSPHRASE };
    },
    create_demo_clinic: () => {
      if (status.initialized) fail("conflict", "the clinic is already set up");
      seedDemo();
      return { clinic_name: status.clinic_name ?? "", users: DEMO_USERS.map(({ username, full_name, role, password }) => ({ username, full_name, role, password })), recovery_passphrase: FAKE_PASSPHRASE };
    },
    login: (input) => {
      if (input.username.trim() === "") fail("validation", "enter your username", "username");
      if (input.password === "") fail("validation", "enter your password", "password");
      const user = users.get(input.username.trim().toLowerCase());
      if (!user) {
        record(null, "login", "failed", `unknown username "${input.username}"`);
        return fail("invalid_credentials", "wrong username or password");
      }
      checkPassword(user, input.password, "login");
      if (!user.active) {
        record(user, "login", "failed", "refused: account disabled");
        fail("account_disabled", "this account is disabled; ask an administrator");
      }
      const token = `token-${newId()}`;
      sessions.set(token, { userId: user.id, locked: false });
      record(user, "login", "ok");
      return loginOutput(token, user);
    },
    logout: (_input, { token }) => {
      if (token) sessions.delete(token);
      return { ok: true };
    },
    lock_session: (_input, { token }) => {
      const s = token ? sessions.get(token) : undefined;
      if (s) s.locked = true;
      return { ok: true };
    },
    unlock_session: (input, { token }) => {
      const s = token ? sessions.get(token) : undefined;
      if (!token || !s) return fail("unauthenticated", "there is no session to unlock; sign in");
      if (input.password === "") fail("validation", "enter your password", "password");
      const user = userById(s.userId);
      checkPassword(user, input.password, "unlock_session");
      s.locked = false;
      record(user, "unlock_session", "ok");
      return loginOutput(token, user);
    },
    whoami: (_input, { me }) => {
      if (!me) return fail("unauthenticated", "sign in first");
      return { user: view(me), permissions: permissionsOf(me.role), idle_lock_minutes: settings?.idle_lock_minutes ?? 15 };
    },
    change_password: (input, { me }) => {
      if (!me) return fail("unauthenticated", "sign in first");
      if (input.current_password === "") fail("validation", "enter your current password", "current_password");
      checkPasswordPolicy(input.new_password, me.username, "new_password");
      if (input.new_password === input.current_password) fail("validation", "the new password must differ from the current one", "new_password");
      if (me.password !== input.current_password) fail("invalid_credentials", "the current password is wrong", "current_password");
      me.password = input.new_password;
      me.must_change_password = false;
      record(me, "change_password", "ok", "", me);
      return { ok: true };
    },
    get_clinic_settings: () => settings ?? fail("not_initialized", "the clinic has not been set up yet"),
    update_clinic_settings: (input, { me }) => {
      required(input.name, "name");
      const pattern = input.national_id_pattern.trim();
      const example = input.national_id_example.trim();
      if (pattern.length > 200) fail("validation", "the pattern is longer than 200 characters", "national_id_pattern");
      let compiled: RegExp | null = null;
      if (pattern !== "") {
        try {
          compiled = new RegExp(`^(?:${pattern})$`, "u");
        } catch {
          fail("validation", "not a valid pattern (a regular expression such as [A-Z]{6}[0-9]{2})", "national_id_pattern");
        }
      }
      if (Array.from(example).length > 40) fail("validation", "National id example is longer than 40 characters", "national_id_example");
      if (compiled && example !== "" && !compiled.test(example.toUpperCase())) fail("validation", "the example does not match the national id pattern", "national_id_example");
      if (!(input.idle_lock_minutes >= 1 && input.idle_lock_minutes <= 30)) fail("validation", "the idle lock must be between 1 and 30 minutes", "idle_lock_minutes");
      settings = {
        ...input,
        name: input.name.trim(),
        currency: input.currency.toUpperCase(),
        invoice_series_prefix: input.invoice_series_prefix.toUpperCase(),
        national_id_pattern: pattern,
        national_id_example: example,
      };
      status.clinic_name = settings.name;
      billingStore.setStandardRate(settings.default_tax_rate);
      record(me, "update_clinic_settings", "ok", "settings changed");
      return settings;
    },
    list_users: () => [...users.values()].sort((a, b) => a.username.localeCompare(b.username)).map(view),
    create_user: (input, { me }) => {
      const user = addUser(input);
      record(me, "create_user", "ok", user.username, user);
      return view(user);
    },
    update_user: (input, { me }) => {
      const user = requireUser(input.username);
      if (input.full_name != null) user.full_name = required(input.full_name, "full_name");
      if (input.role != null) user.role = input.role;
      if (input.specialization != null) user.specialization = input.specialization || null;
      if (input.licence_number != null) user.licence_number = input.licence_number || null;
      if (input.department != null) user.department = resolveDepartment(input.department, "department");
      if (user.role !== "doctor" && (user.specialization || user.licence_number)) fail("validation", "only doctors carry a specialization and licence number", "specialization");
      user.updated_at = iso();
      record(me, "update_user", "ok", user.username, user);
      return view(user);
    },
    reset_password: (input, { me }) => {
      const user = requireUser(input.username);
      checkPasswordPolicy(input.new_password, user.username, "new_password");
      user.password = input.new_password;
      user.must_change_password = input.must_change_password;
      user.failures = 0;
      user.locked_until = null;
      for (const [token, s] of sessions) if (s.userId === user.id) sessions.delete(token);
      record(me, "reset_password", "ok", `reset password of ${user.username}`, user);
      return view(user);
    },
    disable_user: (input, { me }) => {
      const user = requireUser(input.username);
      if (me && me.id === user.id) fail("validation", "you cannot disable your own account", "username");
      user.active = false;
      for (const [token, s] of sessions) if (s.userId === user.id) sessions.delete(token);
      record(me, "disable_user", "ok", user.username, user);
      return view(user);
    },
    enable_user: (input, { me }) => {
      const user = requireUser(input.username);
      user.active = true;
      record(me, "enable_user", "ok", user.username, user);
      return view(user);
    },
    list_audit: (input) => {
      const limit = input.limit ?? 100;
      const before = input.before_seq ?? Number.MAX_SAFE_INTEGER;
      return audit.filter((a) => a.seq < before).reverse().slice(0, limit);
    },
    verify_database: () => ({ database_problems: [], audit: { entries: audit.length, problems: [] }, clean: true }),
    create_backup: () => fail("internal", "backups are not part of the fake backend"),
    ...schedulingStore.handlers,
    ...patientStore.handlers,
    ...recordsStore.handlers,
    ...prescriptionsStore.handlers,
    ...billingStore.handlers,
    ...syncStore.handlers,
    open_patient_chart: (input, { me }) => {
      const chart = patientStore.handlers.open_patient_chart(input);
      // Consultations and prescriptions join the timeline only for roles that read them
      // (reception sees visits, not notes).
      const permissions = me ? permissionsOf(me.role) : [];
      const extra = [
        ...(permissions.includes("clinical.read") ? recordsStore.timelineOf(chart.patient.id) : []),
        ...(permissions.includes("prescriptions.read") ? prescriptionsStore.timelineOf(chart.patient.id) : []),
      ];
      if (extra.length === 0) return chart;
      const timeline = [...chart.timeline, ...extra].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : Number(a.kind === "registered") - Number(b.kind === "registered")));
      return { ...chart, timeline };
    },
    merge_patients: (input) => {
      const merged = patientStore.handlers.merge_patients(input);
      // The duplicate's clinical records move with it (patients/merge.rs PATIENT_LINKED).
      return {
        ...merged,
        moved: [...merged.moved, ...recordsStore.movePatient(input.duplicate_id, input.survivor_id), ...prescriptionsStore.movePatient(input.duplicate_id, input.survivor_id), ...billingStore.movePatient(input.duplicate_id, input.survivor_id)],
      };
    },
    list_departments: (input) =>
      [...departments.values()]
        .filter((d) => d.active || input.include_inactive === true)
        .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: "base" }))
        .map(departmentView),
    create_department: (input, { me }) => {
      const { name, description } = departmentName(input, null);
      const at = iso();
      const d: FakeDepartment = { id: newId(), name, description, active: true, created_at: at, updated_at: at };
      departments.set(d.id, d);
      record(me, "create_department", "ok", `created ${JSON.stringify(name)}`, { table: "departments", id: d.id });
      return departmentView(d);
    },
    update_department: (input, { me }) => {
      const before = departments.get(input.id) ?? fail("not_found", "no such department", "id");
      const { name, description } = departmentName(input, before.id);
      const after: FakeDepartment = { ...before, name, description, active: input.active, updated_at: iso() };
      departments.set(after.id, after);
      if (before.name !== name) {
        // Staff follow the rename in the same transaction.
        for (const u of users.values()) if (u.department?.toLowerCase() === before.name.toLowerCase()) u.department = name;
      }
      record(me, "update_department", "ok", JSON.stringify({ before: { name: before.name, active: before.active }, after: { name, active: input.active } }), { table: "departments", id: after.id });
      return departmentView(after);
    },
    list_staff: (input) => {
      const same = (a: string | null, b: string | null | undefined) => b == null || b === "" || (a ?? "").toLowerCase() === b.toLowerCase();
      const members = [...users.values()]
        .filter((u) => u.role !== "kiosk")
        .filter((u) => input.role == null || u.role === input.role)
        .filter((u) => (input.specialization == null || input.specialization === "" ? true : u.specialization !== null && same(u.specialization, input.specialization)))
        .filter((u) => (input.department == null || input.department === "" ? true : u.department !== null && same(u.department, input.department)))
        .filter((u) => input.availability == null || u.availability === input.availability)
        .filter((u) => u.active || input.include_inactive === true)
        .sort((a, b) => Number(b.role === "doctor") - Number(a.role === "doctor") || a.full_name.localeCompare(b.full_name, undefined, { sensitivity: "base" }))
        .map(staffView);
      const specializations = [
        ...new Set([...users.values()].filter((u) => u.role === "doctor" && u.active && u.specialization !== null).map((u) => u.specialization ?? "")),
      ].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" }));
      return { members, specializations };
    },
    update_staff_profile: (input, { me }) => {
      const fee = validFee(input.consultation_fee);
      const signature = validImage(input.signature_data_url, "signature_data_url", "signature");
      const user = users.get(input.username.trim().toLowerCase()) ?? fail("not_found", `no user ${JSON.stringify(input.username)}`, "username");
      if ((fee !== "" || signature !== "") && user.role !== "doctor") {
        fail("validation", "only doctors carry a consultation fee and prescription signature", fee === "" ? "signature_data_url" : "consultation_fee");
      }
      user.consultation_fee = fee;
      user.signature_data_url = signature;
      user.updated_at = iso();
      record(me, "update_staff_profile", "ok", JSON.stringify({ consultation_fee: fee }), user);
      return staffView(user);
    },
    set_my_availability: (input, { me }) => {
      if (!me) return fail("unauthenticated", "sign in first");
      me.availability = input.availability;
      me.availability_changed_at = iso();
      record(me, "set_my_availability", "ok", `availability ${input.availability}`, me);
      return staffView(me);
    },
  };

  function dispatch(name: string, token: string | null, input: unknown): unknown {
    calls.push({ name, input, token });
    if (options.storeError) throw new FakeError(options.storeError);
    const queue = forced.get(name);
    const next = queue?.shift();
    if (next) throw new FakeError(next);
    if (!(name in handlers)) fail("not_found", `no command "${name}"`);
    const command = name as CommandName;
    const access = ACCESS[command];
    let me: FakeUser | null = null;
    const session = token ? sessions.get(token) : undefined;
    // Like Rust: a token that no longer names a session is refused even for public commands.
    if (token && !session) fail("unauthenticated", "your session has ended; sign in again");
    if (session) me = userById(session.userId);
    if (access !== "public") {
      if (!session || !me) fail("unauthenticated", "sign in first");
      if (session.locked) fail("session_locked", "the session is locked; unlock it with your password");
      if (me.must_change_password && !["change_password", "whoami", "lock_session", "get_clinic_settings"].includes(command)) {
        fail("password_change_required", "choose a new password first");
      }
      if (access !== "signed-in" && !permissionsOf(me.role).includes(access)) {
        record(me, command, "denied");
        fail("permission_denied", "your role does not allow this");
      }
    }
    const handler = handlers[command] as Handler;
    currentActor = me;
    try {
      return handler(input as never, { token, me });
    } finally {
      currentActor = null;
    }
  }

  /** Listeners of `clinic-changed` (the gateway's event source in tests and screenshots). */
  const changeListeners = new Set<(tables: string[]) => void>();
  function emitClinicChanged(tables: readonly string[]) {
    for (const listener of [...changeListeners]) listener([...tables]);
  }
  /** Writes made "on another workstation": this one hears of them only once sync brings them. */
  let elsewhere = 0;

  return {
    calls,
    users,
    sessions,
    departments,
    patients: patientStore.patients,
    allergies: patientStore.allergies,
    scheduling: schedulingStore,
    records: recordsStore,
    prescriptions: prescriptionsStore,
    billing: billingStore,
    sync: syncStore,
    /**
     * Sync brings a booking made on another workstation for the doctor of `existingId`, at the
     * same time (or `offsetMinutes` later): a double booking. Returns the new appointment's id.
     */
    doubleBookingArrives(existingId: string, { patientId, bookedBy = "María López", offsetMinutes = 0 }: { patientId: string; bookedBy?: string; offsetMinutes?: number }): string {
      const existing = schedulingStore.appointments.get(existingId);
      if (!existing) throw new Error(`no appointment ${existingId}`);
      const shift = offsetMinutes * 60_000;
      const arrived = schedulingStore.arriveBySync({
        patient_id: patientId,
        doctor_id: existing.doctor_id,
        visit_type_id: existing.visit_type_id,
        starts_at: new Date(Date.parse(existing.starts_at) + shift).toISOString(),
        ends_at: new Date(Date.parse(existing.ends_at) + shift).toISOString(),
        reason: "Booked by phone at the other desk",
      });
      syncStore.appointmentsArrived([{ id: arrived.id, booked_by: bookedBy }]);
      return arrived.id;
    },
    /** Sync brings a patient registered on another workstation (MRN prefix B2B) who looks like `patientId`. */
    duplicateArrives(patientId: string, reasons: readonly string[] = ["same date of birth and a similar name"]): string {
      const p = patientStore.patients.get(patientId);
      if (!p) throw new Error(`no patient ${patientId}`);
      const arrived = patientStore.arriveBySync(
        { given_name: p.given_name, family_name: p.family_name, sex: p.sex, date_of_birth: p.date_of_birth, phone: p.phone === "" ? "+39 06 5550 1177" : p.phone },
        formatMrn("B2B", 41 + syncStore.conflicts.size),
      );
      syncStore.duplicateFound(p.id, arrived.id, reasons);
      return arrived.id;
    },
    get settings() {
      return settings;
    },
    /** The next call of `name` fails with `error` (once per queued error). */
    failNext(name: CommandName, error: AppError) {
      const queue = forced.get(name) ?? [];
      queue.push(error);
      forced.set(name, queue);
    },
    /** Subscribes to `clinic-changed` like the gateway's `onClinicChanged` (pass it to `setEventSource`). */
    onClinicChanged: (listener: (tables: string[]) => void): (() => void) => {
      changeListeners.add(listener);
      return () => {
        changeListeners.delete(listener);
      };
    },
    /** Emits `clinic-changed` as Rust does for rows that arrive by sync. */
    emitClinicChanged,
    /** Runs `write` as if on another workstation: no `clinic-changed` here (sync has not run yet). */
    asAnotherWorkstation: async <T>(write: () => Promise<T>): Promise<T> => {
      elsewhere += 1;
      try {
        return await write();
      } finally {
        elsewhere -= 1;
      }
    },
    /** Simulates Rust's idle lock of every open session. */
    lockAllSessions() {
      for (const s of sessions.values()) s.locked = true;
    },
    /** A transport for the gateway (`setTransport`): answers or rejects with the AppError object. */
    transport: async (name: string, token: string | null, input: unknown): Promise<unknown> => {
      if (options.latency) await new Promise((r) => setTimeout(r, options.latency));
      else await Promise.resolve();
      try {
        const output = structuredClone(dispatch(name, token, input));
        // Like the Rust shell: after the write committed, every window hears which tables changed
        // (the event travels beside the command's answer, so it arrives just after it).
        const tables = TABLES_WRITTEN[name as CommandName];
        if (tables && elsewhere === 0) {
          syncStore.localWrite(tables);
          setTimeout(() => {
            emitClinicChanged(tables);
          }, 0);
        }
        return output;
      } catch (error) {
        // Like Tauri: the rejection is the serialized AppError, a plain object.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        if (error instanceof FakeError) throw error.appError;
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw { code: "internal", message: String(error) } satisfies AppError;
      }
    },
  };
}

export type FakeBackend = ReturnType<typeof createFakeBackend>;
