-- Scheduling: visit types, doctors' weekly availability and its exceptions, appointments
-- with their state machine, and the guarantee that a doctor is never double-booked.

CREATE TABLE visit_types (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 100),
    minutes        INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),
    -- Kept free after the visit (cleaning, notes); part of the doctor's busy time.
    buffer_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 120),
    colour         TEXT NOT NULL DEFAULT '#0f766e',
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- A doctor's weekly template, in the clinic's local time: several blocks a day.
CREATE TABLE availability_blocks (
    id           TEXT PRIMARY KEY,
    doctor_id    TEXT NOT NULL REFERENCES users(id),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7), -- ISO: 1 = Monday
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    room         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (end_minute > start_minute)
);
CREATE INDEX availability_blocks_by_doctor ON availability_blocks (doctor_id, weekday);

-- Leave, holidays (unavailable) and one-off extra hours (extra), as UTC instants.
CREATE TABLE availability_exceptions (
    id         TEXT PRIMARY KEY,
    doctor_id  TEXT NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL CHECK (kind IN ('unavailable', 'extra')),
    starts_at  TEXT NOT NULL,
    ends_at    TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX availability_exceptions_by_doctor ON availability_exceptions (doctor_id, starts_at);

CREATE TABLE appointments (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patients(id),
    doctor_id     TEXT NOT NULL REFERENCES users(id),
    visit_type_id TEXT NOT NULL REFERENCES visit_types(id),
    starts_at     TEXT NOT NULL,
    -- End of the visit plus its buffer: the doctor's busy time.
    ends_at       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN
                    ('scheduled', 'checked_in', 'in_consultation', 'completed', 'cancelled', 'no_show')),
    reason        TEXT NOT NULL DEFAULT '',
    room          TEXT NOT NULL DEFAULT '',
    walk_in       INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1)),
    series_id     TEXT,
    cancel_reason TEXT NOT NULL DEFAULT '',
    checked_in_at TEXT,
    created_by    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX appointments_by_doctor ON appointments (doctor_id, starts_at);
CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at);
CREATE INDEX appointments_by_day ON appointments (starts_at);
CREATE INDEX appointments_by_series ON appointments (series_id) WHERE series_id IS NOT NULL;

-- No double booking, in the store itself: an appointment that holds the doctor's time may
-- not overlap another one of the same doctor. Checked on every insert and every change of
-- time, doctor or status, inside the writing transaction (SQLite serializes writers, so two
-- workstations' processes on one file cannot both pass). Visits last at most 8 hours plus
-- buffer, which bounds the index range scanned.
CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
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

CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF starts_at, ends_at, doctor_id, status ON appointments
WHEN NEW.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
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

CREATE TRIGGER appointments_never_deleted BEFORE DELETE ON appointments
BEGIN
    SELECT RAISE(ABORT, 'appointments are cancelled, never deleted');
END;

-- Every transition of the state machine: who, when, from what to what.
CREATE TABLE appointment_transitions (
    id             TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    at             TEXT NOT NULL,
    by_user        TEXT,
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointment_transitions_by_appointment ON appointment_transitions (appointment_id, at);

CREATE TRIGGER appointment_transitions_append_only BEFORE UPDATE ON appointment_transitions
BEGIN
    SELECT RAISE(ABORT, 'transitions are append-only');
END;
CREATE TRIGGER appointment_transitions_never_deleted BEFORE DELETE ON appointment_transitions
BEGIN
    SELECT RAISE(ABORT, 'transitions are append-only');
END;

-- After how many minutes past its start an appointment nobody checked in for may be
-- marked no-show.
ALTER TABLE clinic ADD COLUMN no_show_grace_minutes INTEGER NOT NULL DEFAULT 15
    CHECK (no_show_grace_minutes BETWEEN 0 AND 240);
