-- Diagnoses of an encounter (ICD-10-CM coded), the patient's problem list, and attachments.
-- As with notes and vitals, nothing clinical is changed in place or deleted: a diagnosis
-- added after signing is an amendment with a reason, a mistake is marked entered in error,
-- a problem moves between active and resolved with who and when.

CREATE TABLE encounter_diagnoses (
    id            TEXT PRIMARY KEY,
    encounter_id  TEXT NOT NULL REFERENCES encounters(id),
    patient_id    TEXT NOT NULL REFERENCES patients(id),
    -- ICD-10-CM code with its dot ("E11.9") and the description as coded (a later code list
    -- may word it differently; the record keeps what the doctor chose).
    code          TEXT NOT NULL,
    description   TEXT NOT NULL,
    rank          TEXT NOT NULL CHECK (rank IN ('primary', 'secondary')),
    certainty     TEXT NOT NULL CHECK (certainty IN ('confirmed', 'provisional')),
    note          TEXT NOT NULL DEFAULT '',
    -- Set when the diagnosis was added after the note was signed (an amendment).
    amendment_reason TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL REFERENCES users(id),
    recorded_at   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'recorded' CHECK (status IN ('recorded', 'entered_in_error')),
    error_reason  TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);
CREATE INDEX encounter_diagnoses_by_encounter ON encounter_diagnoses (encounter_id, recorded_at);
CREATE INDEX encounter_diagnoses_by_patient ON encounter_diagnoses (patient_id, recorded_at);
CREATE TRIGGER encounter_diagnoses_values_never_change BEFORE UPDATE ON encounter_diagnoses
WHEN NEW.code <> OLD.code OR NEW.description <> OLD.description OR NEW.rank <> OLD.rank
  OR NEW.certainty <> OLD.certainty OR NEW.note <> OLD.note OR NEW.encounter_id <> OLD.encounter_id
  OR NEW.recorded_by <> OLD.recorded_by OR NEW.recorded_at <> OLD.recorded_at
  OR NEW.amendment_reason <> OLD.amendment_reason
  OR (OLD.status = 'entered_in_error' AND NEW.patient_id = OLD.patient_id)
BEGIN
    SELECT RAISE(ABORT, 'a recorded diagnosis is marked entered in error, never changed');
END;
CREATE TRIGGER encounter_diagnoses_never_deleted BEFORE DELETE ON encounter_diagnoses
BEGIN
    SELECT RAISE(ABORT, 'a recorded diagnosis is marked entered in error, never deleted');
END;

CREATE TABLE patient_problems (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patients(id),
    code          TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL,
    -- Clinic-local date (YYYY-MM-DD) or empty when unknown.
    onset_date    TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    from_diagnosis_id TEXT REFERENCES encounter_diagnoses(id),
    status        TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'resolved', 'entered_in_error')),
    noted_by      TEXT NOT NULL REFERENCES users(id),
    noted_at      TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX patient_problems_by_patient ON patient_problems (patient_id, noted_at);
CREATE TRIGGER patient_problems_values_never_change BEFORE UPDATE ON patient_problems
WHEN NEW.code <> OLD.code OR NEW.description <> OLD.description OR NEW.onset_date <> OLD.onset_date
  OR NEW.note <> OLD.note OR NEW.noted_by <> OLD.noted_by OR NEW.noted_at <> OLD.noted_at
  OR NEW.from_diagnosis_id IS NOT OLD.from_diagnosis_id
  OR (OLD.status = 'entered_in_error' AND NEW.patient_id = OLD.patient_id)
BEGIN
    SELECT RAISE(ABORT, 'a problem changes only its status (active, resolved, entered in error)');
END;
CREATE TRIGGER patient_problems_never_deleted BEFORE DELETE ON patient_problems
BEGIN
    SELECT RAISE(ABORT, 'problems are resolved or marked entered in error, never deleted');
END;

-- Every status change of a problem, append-only: who, when, from what to what, why.
CREATE TABLE patient_problem_changes (
    id          TEXT PRIMARY KEY,
    problem_id  TEXT NOT NULL REFERENCES patient_problems(id),
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    changed_by  TEXT NOT NULL REFERENCES users(id),
    changed_at  TEXT NOT NULL
);
CREATE INDEX patient_problem_changes_by_problem ON patient_problem_changes (problem_id, changed_at);
CREATE TRIGGER patient_problem_changes_append_only BEFORE UPDATE ON patient_problem_changes
BEGIN
    SELECT RAISE(ABORT, 'problem history is append-only');
END;
CREATE TRIGGER patient_problem_changes_never_deleted BEFORE DELETE ON patient_problem_changes
BEGIN
    SELECT RAISE(ABORT, 'problem history is append-only');
END;

-- Attachments: the metadata (synced) and the content, inside the encrypted store (so a file
-- is encrypted at rest with the database key and in every backup). The content is its own
-- table so that listing never reads the bytes, and so that the change log (JSON rows) does
-- not carry megabytes: the sync issue ships content separately, by its SHA-256.
CREATE TABLE attachments (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patients(id),
    encounter_id  TEXT REFERENCES encounters(id),
    file_name     TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256        TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    added_by      TEXT NOT NULL REFERENCES users(id),
    added_at      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'stored' CHECK (status IN ('stored', 'entered_in_error')),
    error_reason  TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);
CREATE INDEX attachments_by_patient ON attachments (patient_id, added_at);
CREATE INDEX attachments_by_encounter ON attachments (encounter_id) WHERE encounter_id IS NOT NULL;
CREATE TRIGGER attachments_values_never_change BEFORE UPDATE ON attachments
WHEN NEW.file_name <> OLD.file_name OR NEW.media_type <> OLD.media_type
  OR NEW.size_bytes <> OLD.size_bytes OR NEW.sha256 <> OLD.sha256
  OR NEW.encounter_id IS NOT OLD.encounter_id OR NEW.added_by <> OLD.added_by
  OR NEW.added_at <> OLD.added_at
  OR (OLD.status = 'entered_in_error' AND NEW.patient_id = OLD.patient_id)
BEGIN
    SELECT RAISE(ABORT, 'attachments are marked entered in error, never changed');
END;
CREATE TRIGGER attachments_never_deleted BEFORE DELETE ON attachments
BEGIN
    SELECT RAISE(ABORT, 'attachments are marked entered in error, never deleted');
END;

CREATE TABLE attachment_contents (
    sha256   TEXT PRIMARY KEY,
    content  BLOB NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER attachment_contents_never_change BEFORE UPDATE ON attachment_contents
BEGIN
    SELECT RAISE(ABORT, 'attachment contents never change');
END;
CREATE TRIGGER attachment_contents_never_deleted BEFORE DELETE ON attachment_contents
BEGIN
    SELECT RAISE(ABORT, 'attachment contents are never deleted');
END;
