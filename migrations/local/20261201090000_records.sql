-- Medical records: encounters, their SOAP note as append-only versions (drafts, the signed
-- text, amendments), and vitals. Nothing clinical is updated in place or deleted: a signed
-- note changes only by an amendment that keeps the original, and a mistake is marked
-- "entered in error" with a reason.

CREATE TABLE encounters (
    id              TEXT PRIMARY KEY,
    patient_id      TEXT NOT NULL REFERENCES patients(id),
    doctor_id       TEXT NOT NULL REFERENCES users(id),
    appointment_id  TEXT REFERENCES appointments(id),
    started_at      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'signed', 'entered_in_error')),
    signed_at       TEXT,
    signed_by       TEXT REFERENCES users(id),
    error_reason    TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX encounters_by_patient ON encounters (patient_id, started_at);
CREATE UNIQUE INDEX encounters_by_appointment ON encounters (appointment_id)
    WHERE appointment_id IS NOT NULL AND status <> 'entered_in_error';

-- A signed encounter never goes back to open, and nobody changes who signed it or when.
-- (Its patient may change: a merge of duplicate patients moves every record to the survivor.)
CREATE TRIGGER encounters_signed_stay_signed BEFORE UPDATE ON encounters
WHEN OLD.status <> 'open' AND (NEW.status = 'open' OR NEW.signed_at IS NOT OLD.signed_at
                               OR NEW.signed_by IS NOT OLD.signed_by
                               OR NEW.started_at <> OLD.started_at)
BEGIN
    SELECT RAISE(ABORT, 'a signed encounter is locked');
END;
CREATE TRIGGER encounters_never_deleted BEFORE DELETE ON encounters
BEGIN
    SELECT RAISE(ABORT, 'encounters are marked entered in error, never deleted');
END;

CREATE TABLE encounter_notes (
    id            TEXT PRIMARY KEY,
    encounter_id  TEXT NOT NULL REFERENCES encounters(id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    kind          TEXT NOT NULL CHECK (kind IN ('draft', 'signed', 'amendment')),
    subjective    TEXT NOT NULL DEFAULT '',
    objective     TEXT NOT NULL DEFAULT '',
    assessment    TEXT NOT NULL DEFAULT '',
    plan          TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    author_id     TEXT NOT NULL REFERENCES users(id),
    written_at    TEXT NOT NULL,
    UNIQUE (encounter_id, version)
);
CREATE TRIGGER encounter_notes_append_only BEFORE UPDATE ON encounter_notes
BEGIN
    SELECT RAISE(ABORT, 'note versions are append-only');
END;
CREATE TRIGGER encounter_notes_never_deleted BEFORE DELETE ON encounter_notes
BEGIN
    SELECT RAISE(ABORT, 'note versions are append-only');
END;
-- Once signed, only amendments (with a reason) may follow.
CREATE TRIGGER encounter_notes_locked_after_signing BEFORE INSERT ON encounter_notes
WHEN NEW.kind <> 'amendment'
 AND (SELECT status FROM encounters WHERE id = NEW.encounter_id) <> 'open'
BEGIN
    SELECT RAISE(ABORT, 'a signed note changes only by an amendment');
END;

CREATE TABLE vitals (
    id               TEXT PRIMARY KEY,
    patient_id       TEXT NOT NULL REFERENCES patients(id),
    encounter_id     TEXT REFERENCES encounters(id),
    recorded_by      TEXT NOT NULL REFERENCES users(id),
    recorded_at      TEXT NOT NULL,
    temperature_c    TEXT,
    pulse_bpm        INTEGER,
    systolic_mmhg    INTEGER,
    diastolic_mmhg   INTEGER,
    respiratory_rate INTEGER,
    spo2_percent     INTEGER,
    weight_kg        TEXT,
    height_cm        TEXT,
    -- Names of the values outside their normal range, comma-separated (e.g. 'pulse_bpm').
    abnormal         TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'recorded' CHECK (status IN ('recorded', 'entered_in_error')),
    error_reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vitals_by_patient ON vitals (patient_id, recorded_at);
CREATE TRIGGER vitals_values_never_change BEFORE UPDATE ON vitals
WHEN NEW.temperature_c IS NOT OLD.temperature_c OR NEW.pulse_bpm IS NOT OLD.pulse_bpm
  OR NEW.systolic_mmhg IS NOT OLD.systolic_mmhg OR NEW.diastolic_mmhg IS NOT OLD.diastolic_mmhg
  OR NEW.respiratory_rate IS NOT OLD.respiratory_rate OR NEW.spo2_percent IS NOT OLD.spo2_percent
  OR NEW.weight_kg IS NOT OLD.weight_kg OR NEW.height_cm IS NOT OLD.height_cm
  OR NEW.recorded_at <> OLD.recorded_at
  OR (OLD.status = 'entered_in_error' AND NEW.patient_id = OLD.patient_id)
BEGIN
    SELECT RAISE(ABORT, 'recorded vitals are marked entered in error, never changed');
END;
CREATE TRIGGER vitals_never_deleted BEFORE DELETE ON vitals
BEGIN
    SELECT RAISE(ABORT, 'recorded vitals are marked entered in error, never deleted');
END;
