-- Sync with a central PostgreSQL server (docs/SYNC.md). Every table here is local to the
-- workstation: none of them is in SYNCED_TABLES.

-- Per-field versions for last-writer-wins merging: each change, before it is pushed, is
-- stamped with the HLC of the last change to each of its row's columns (a JSON object).
ALTER TABLE change_log ADD COLUMN field_hlcs TEXT;
CREATE INDEX change_log_unstamped ON change_log (seq) WHERE field_hlcs IS NULL;

-- The merge state of every synced row this workstation knows: the row as last merged and
-- the HLC of each column's value. Stamping a local change diffs it against this; applying
-- a pulled change merges field by field against it.
CREATE TABLE sync_rows (
    table_name  TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    row_data    TEXT,
    field_hlcs  TEXT NOT NULL,
    deleted_hlc TEXT,
    PRIMARY KEY (table_name, row_id)
) WITHOUT ROWID;

-- The server and whether to sync with it. The password (if the server needs one) lives in
-- the OS keychain, never here.
CREATE TABLE sync_settings (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    server_url       TEXT NOT NULL DEFAULT '',
    enabled          INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    workstation_name TEXT NOT NULL DEFAULT '',
    has_password     INTEGER NOT NULL DEFAULT 0 CHECK (has_password IN (0, 1)),
    updated_at       TEXT,
    updated_by       TEXT
);
INSERT INTO sync_settings (id) VALUES (1);

-- Where this workstation stands: the server cursor it has applied up to (moved in the same
-- transaction as the rows it covers), and the outcome of the last attempts.
CREATE TABLE sync_state (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    pull_cursor      INTEGER NOT NULL DEFAULT 0,
    audit_pushed_seq INTEGER NOT NULL DEFAULT 0,
    last_push_at     TEXT,
    last_pull_at     TEXT,
    last_success_at  TEXT,
    last_error       TEXT,
    last_error_at    TEXT
);
INSERT INTO sync_state (id) VALUES (1);

-- What sync found that people must look at: two bookings of one doctor that overlap
-- (made offline on two workstations), a pulled change this store's rules refused, or a
-- patient registered on two workstations.
CREATE TABLE sync_conflicts (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('double_booking', 'refused_change', 'possible_duplicate')),
    table_name   TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    other_row_id TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    change_id    TEXT,
    detected_at  TEXT NOT NULL,
    dismissed_at TEXT,
    dismissed_by TEXT,
    UNIQUE (kind, row_id, other_row_id)
);

-- History of last-writer-wins decisions: the value that lost, so nothing is overwritten
-- without a trace.
CREATE TABLE sync_overwrites (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    field      TEXT NOT NULL,
    kept_value TEXT,
    kept_hlc   TEXT NOT NULL,
    lost_value TEXT,
    lost_hlc   TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX sync_overwrites_by_row ON sync_overwrites (table_name, row_id);

-- Holds one row only inside the transaction that applies pulled changes: the store's
-- double-booking triggers step aside for bookings made elsewhere (the overlap is recorded
-- as a conflict for reception instead of refusing the other workstation's booking).
CREATE TABLE sync_applying (active INTEGER NOT NULL);

DROP TRIGGER appointments_no_overlap_insert;
DROP TRIGGER appointments_no_overlap_update;

CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
 AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    SELECT RAISE(ABORT, 'double booking: the doctor already has an appointment at that time')
    WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.doctor_id = NEW.doctor_id
          AND a.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
          AND a.starts_at < NEW.ends_at
          AND a.starts_at > strftime('%Y-%m-%dT%H:%M:%fZ', NEW.starts_at, '-10 hours')
          AND a.ends_at > NEW.starts_at
    );
END;

-- Checked when the time, the doctor or an inactive → active status changes: a booking in
-- conflict (from sync) can still be checked in and completed while reception rebooks.
CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF starts_at, ends_at, doctor_id, status ON appointments
WHEN NEW.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
 AND (NEW.starts_at <> OLD.starts_at OR NEW.ends_at <> OLD.ends_at
      OR NEW.doctor_id <> OLD.doctor_id
      OR OLD.status NOT IN ('scheduled', 'checked_in', 'in_consultation', 'completed'))
 AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    SELECT RAISE(ABORT, 'double booking: the doctor already has an appointment at that time')
    WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.doctor_id = NEW.doctor_id
          AND a.id <> NEW.id
          AND a.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
          AND a.starts_at < NEW.ends_at
          AND a.starts_at > strftime('%Y-%m-%dT%H:%M:%fZ', NEW.starts_at, '-10 hours')
          AND a.ends_at > NEW.starts_at
    );
END;

-- The two seeded tax categories exist in every store under fixed ids; their timestamps were
-- each store's migration time. Unchanged seeds get one fixed time, so two workstations of a
-- clinic hold the same rows (a changed seed is in the change log and syncs as any row).
UPDATE tax_categories
SET created_at = '2026-12-03T14:00:00.000Z', updated_at = '2026-12-03T14:00:00.000Z'
WHERE id IN ('tax-standard', 'tax-exempt')
  AND NOT EXISTS (SELECT 1 FROM change_log c
                  WHERE c.table_name = 'tax_categories' AND c.row_id = tax_categories.id);
