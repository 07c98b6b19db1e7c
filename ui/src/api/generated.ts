// Generated from the Rust types by clinicdesk-core (ts-rs). Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p clinicdesk-core --test bindings

export type AppError = { code: ErrorCode, message: string, field?: string, };

export type AppStatus = { initialized: boolean, clinic_name: string | null, version: string, workstation_id: string, schema_version: number, };

export type AuditRecord = { seq: number, id: string, at: string, workstation_id: string, actor_id: string | null, actor_name: string, actor_role: string | null, action: string, outcome: string, record_table: string | null, record_id: string | null, detail: string, };

export type BackupInput = { 
/**
 * Where to write the backup file (its folder must exist).
 */
path: string, };

export type BackupReport = { path: string, bytes: number, 
/**
 * The recovery envelope written beside it, when the clinic has one.
 */
recovery_file: string | null, };

export type ChainReport = { entries: number, problems: Array<string>, };

export type ChangePasswordInput = { current_password: string, new_password: string, };

export type ClinicSettings = { name: string, address: string, phone: string, 
/**
 * IANA time zone, e.g. `Europe/Rome`; times are stored in UTC and shown in this zone.
 */
time_zone: string, 
/**
 * ISO 4217 code, e.g. `EUR`.
 */
currency: string, 
/**
 * BCP 47 language tag for dates and numbers, e.g. `en` or `it-IT`.
 */
locale: string, 
/**
 * Minutes of inactivity before a workstation locks (1–30).
 */
idle_lock_minutes: number, 
/**
 * The letterhead logo as a `data:image/png;base64,…` (or JPEG) URL, at most 256 KB;
 * empty for none.
 */
logo_data_url: string, 
/**
 * Default tax rate in percent, an exact decimal such as `22` or `7.5` (0–100).
 */
default_tax_rate: string, 
/**
 * Prefix of invoice numbers, e.g. `INV` (1–10 of A–Z, 0–9, `-`).
 */
invoice_series_prefix: string, };

export type CreateUserInput = { username: string, full_name: string, role: Role, password: string, specialization?: string | null, licence_number?: string | null, department?: string | null, 
/**
 * Ask the user to choose their own password at first sign-in (default: yes).
 */
must_change_password: boolean, };

export type DemoClinic = { clinic_name: string, users: Array<DemoUser>, 
/**
 * Shown once, like a real clinic's (absent for in-memory stores).
 */
recovery_passphrase: string | null, };

export type DemoUser = { username: string, full_name: string, role: Role, password: string, };

export type Done = { ok: boolean, };

export type ErrorCode = "validation" | "not_found" | "conflict" | "unauthenticated" | "session_locked" | "permission_denied" | "invalid_credentials" | "locked_out" | "account_disabled" | "password_change_required" | "wrong_key" | "schema_too_new" | "not_initialized" | "keychain" | "io" | "storage" | "integrity" | "internal";

export type ListAuditInput = { 
/**
 * Page backwards: entries older than this position.
 */
before_seq?: number | null, 
/**
 * At most this many entries (1–500, default 100).
 */
limit?: number | null, };

export type LoginInput = { username: string, password: string, };

export type LoginOutput = { 
/**
 * Bearer token for this session; send it with every command.
 */
token: string, user: UserView, permissions: Array<Permission>, idle_lock_minutes: number, };

export type NoInput = Record<symbol, never>;

export type Permission = "users.manage" | "settings.manage" | "audit.view" | "backup.manage" | "sync.manage" | "patients.read" | "patients.write" | "patients.merge" | "schedule.read" | "schedule.write" | "queue.manage" | "availability.set_own" | "display.view" | "clinical.read" | "clinical.write" | "clinical.sign" | "vitals.write" | "prescriptions.write" | "prescriptions.dispense" | "billing.read" | "billing.write" | "billing.refund" | "pricelist.manage" | "reports.finance" | "inventory.read" | "inventory.write" | "messages.use" | "notices.post";

export type ResetPasswordInput = { username: string, new_password: string, 
/**
 * Make the user choose a new password at next sign-in (default: yes).
 */
must_change_password: boolean, };

export type Role = "admin" | "doctor" | "nurse" | "receptionist" | "pharmacist" | "accountant" | "kiosk";

export type SetupClinicInput = { clinic_name: string, admin_username: string, admin_full_name: string, admin_password: string, time_zone?: string | null, currency?: string | null, };

export type SetupClinicOutput = { clinic_id: string, admin: UserView, 
/**
 * Shown once: it opens a backup of this clinic on a new machine. Absent for in-memory
 * stores, which have no backups.
 */
recovery_passphrase: string | null, };

export type UnlockInput = { password: string, };

export type UpdateUserInput = { 
/**
 * The account to edit (usernames never change: the audit trail refers to them).
 */
username: string, full_name?: string | null, role?: Role | null, 
/**
 * Doctors only; an empty string clears it.
 */
specialization?: string | null, 
/**
 * Doctors only; an empty string clears it.
 */
licence_number?: string | null, 
/**
 * An empty string clears it.
 */
department?: string | null, };

export type UserView = { id: string, username: string, full_name: string, role: Role, active: boolean, must_change_password: boolean, specialization: string | null, licence_number: string | null, department: string | null, 
/**
 * Set while the account is locked after failed sign-ins (UTC).
 */
locked_until: string | null, created_at: string, updated_at: string, };

export type UsernameInput = { username: string, };

export type VerifyReport = { 
/**
 * Problems of `integrity_check` and `foreign_key_check`; empty when clean.
 */
database_problems: Array<string>, audit: ChainReport, clean: boolean, };

export type WhoAmI = { user: UserView, permissions: Array<Permission>, idle_lock_minutes: number, };

/** Every registry command: its input and output types. */
export interface Commands {
  app_status: { input: NoInput; output: AppStatus };
  change_password: { input: ChangePasswordInput; output: Done };
  create_backup: { input: BackupInput; output: BackupReport };
  create_demo_clinic: { input: NoInput; output: DemoClinic };
  create_user: { input: CreateUserInput; output: UserView };
  disable_user: { input: UsernameInput; output: UserView };
  enable_user: { input: UsernameInput; output: UserView };
  get_clinic_settings: { input: NoInput; output: ClinicSettings };
  list_audit: { input: ListAuditInput; output: Array<AuditRecord> };
  list_users: { input: NoInput; output: Array<UserView> };
  lock_session: { input: NoInput; output: Done };
  login: { input: LoginInput; output: LoginOutput };
  logout: { input: NoInput; output: Done };
  reset_password: { input: ResetPasswordInput; output: UserView };
  setup_clinic: { input: SetupClinicInput; output: SetupClinicOutput };
  unlock_session: { input: UnlockInput; output: LoginOutput };
  update_clinic_settings: { input: ClinicSettings; output: ClinicSettings };
  update_user: { input: UpdateUserInput; output: UserView };
  verify_database: { input: NoInput; output: VerifyReport };
  whoami: { input: NoInput; output: WhoAmI };
}

export type CommandName = keyof Commands;

export const COMMAND_NAMES: readonly CommandName[] = [
  "app_status",
  "change_password",
  "create_backup",
  "create_demo_clinic",
  "create_user",
  "disable_user",
  "enable_user",
  "get_clinic_settings",
  "list_audit",
  "list_users",
  "lock_session",
  "login",
  "logout",
  "reset_password",
  "setup_clinic",
  "unlock_session",
  "update_clinic_settings",
  "update_user",
  "verify_database",
  "whoami",
];

/** Who may run each command: "public", "signed-in" or a permission. */
export const COMMAND_ACCESS: Readonly<Record<CommandName, "public" | "signed-in" | Permission>> = {
  app_status: "public",
  change_password: "signed-in",
  create_backup: "backup.manage",
  create_demo_clinic: "public",
  create_user: "users.manage",
  disable_user: "users.manage",
  enable_user: "users.manage",
  get_clinic_settings: "signed-in",
  list_audit: "audit.view",
  list_users: "users.manage",
  lock_session: "signed-in",
  login: "public",
  logout: "public",
  reset_password: "users.manage",
  setup_clinic: "public",
  unlock_session: "public",
  update_clinic_settings: "settings.manage",
  update_user: "users.manage",
  verify_database: "audit.view",
  whoami: "signed-in",
};

/** The permission matrix (crates/core/src/access): each role's permissions. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ["users.manage", "settings.manage", "audit.view", "backup.manage", "sync.manage", "patients.read", "patients.write", "patients.merge", "schedule.read", "schedule.write", "display.view", "billing.read", "pricelist.manage", "reports.finance", "inventory.read", "messages.use", "notices.post"],
  doctor: ["patients.read", "patients.write", "schedule.read", "queue.manage", "availability.set_own", "display.view", "clinical.read", "clinical.write", "clinical.sign", "vitals.write", "prescriptions.write", "inventory.read", "messages.use"],
  nurse: ["patients.read", "patients.write", "schedule.read", "queue.manage", "display.view", "clinical.read", "vitals.write", "inventory.read", "messages.use"],
  receptionist: ["patients.read", "patients.write", "schedule.read", "schedule.write", "queue.manage", "display.view", "billing.read", "billing.write", "messages.use"],
  pharmacist: ["patients.read", "prescriptions.dispense", "inventory.read", "inventory.write", "messages.use"],
  accountant: ["patients.read", "billing.read", "billing.write", "billing.refund", "pricelist.manage", "reports.finance", "messages.use"],
  kiosk: ["display.view"],
};
