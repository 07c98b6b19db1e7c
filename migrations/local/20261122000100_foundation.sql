-- ClinicDesk local store (SQLite/SQLCipher): the foundation.
-- Conventions for every table that syncs: `id` is a UUIDv7 minted on this workstation,
-- times are RFC 3339 UTC text with milliseconds, and every write also appends to
-- change_log in the same transaction (see docs/ARCHITECTURE.md).

-- This workstation's own facts (never synced).
CREATE TABLE local_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The clinic's settings: one row.
CREATE TABLE clinic (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    address           TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    time_zone         TEXT NOT NULL DEFAULT 'UTC',
    currency          TEXT NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3),
    locale            TEXT NOT NULL DEFAULT 'en',
    idle_lock_minutes INTEGER NOT NULL DEFAULT 15 CHECK (idle_lock_minutes BETWEEN 1 AND 30),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

-- Staff accounts. Never deleted: a disabled account keeps its audit trail.
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name            TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN
                           ('admin','doctor','nurse','receptionist','pharmacist','accountant','kiosk')),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    specialization       TEXT,
    licence_number       TEXT,
    department           TEXT,
    password_changed_at  TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);

CREATE TRIGGER users_never_deleted BEFORE DELETE ON users
BEGIN
    SELECT RAISE(ABORT, 'users are disabled, never deleted');
END;

-- Sign-in throttling: local security state of this workstation (not synced).
CREATE TABLE auth_failures (
    user_id TEXT NOT NULL REFERENCES users(id),
    at      TEXT NOT NULL
);
CREATE INDEX auth_failures_by_user ON auth_failures (user_id, at);

CREATE TABLE auth_lockouts (
    user_id              TEXT PRIMARY KEY REFERENCES users(id),
    consecutive_failures INTEGER NOT NULL,
    locked_until         TEXT
) WITHOUT ROWID;

-- Every change to a synced table, in commit order, for the sync engine to push.
-- `seq` orders this workstation's own log; `id` is the change's global key.
CREATE TABLE change_log (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    hlc            TEXT NOT NULL,
    workstation_id TEXT NOT NULL,
    table_name     TEXT NOT NULL,
    row_id         TEXT NOT NULL,
    op             TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    row_data       TEXT,
    pushed_at      TEXT
);
CREATE INDEX change_log_unpushed ON change_log (seq) WHERE pushed_at IS NULL;
CREATE INDEX change_log_by_row ON change_log (table_name, row_id);

-- Tamper-evident audit log: each entry carries the HMAC of its content and of the previous
-- entry's HMAC, keyed by a key derived from the database key (never stored here).
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    at             TEXT NOT NULL,
    workstation_id TEXT NOT NULL,
    actor_id       TEXT,
    actor_name     TEXT NOT NULL,
    actor_role     TEXT,
    action         TEXT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    record_table   TEXT,
    record_id      TEXT,
    detail         TEXT NOT NULL DEFAULT '',
    prev_hmac      TEXT NOT NULL,
    hmac           TEXT NOT NULL
);
CREATE INDEX audit_log_by_record ON audit_log (record_table, record_id);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
