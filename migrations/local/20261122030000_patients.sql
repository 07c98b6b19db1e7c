-- Patients: the registry, allergies, and the local search index.
-- Demographics sync (per-field newest-wins in the sync issue); the search tables are derived
-- from them on each workstation and never sync.

-- Short code of this workstation inside patient numbers (MRNs): `K7Q-000123-4`. Chosen at
-- random when the store is created (32^3 codes); the sync issue registers it centrally.
INSERT OR IGNORE INTO local_meta (key, value)
SELECT 'mrn_prefix',
       substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 1 + abs(random()) % 32, 1) ||
       substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 1 + abs(random()) % 32, 1) ||
       substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 1 + abs(random()) % 32, 1);
INSERT OR IGNORE INTO local_meta (key, value) VALUES ('mrn_next', '1');

CREATE TABLE patients (
    id                       TEXT PRIMARY KEY,
    mrn                      TEXT NOT NULL UNIQUE,
    given_name               TEXT NOT NULL CHECK (length(trim(given_name)) > 0),
    family_name              TEXT NOT NULL CHECK (length(trim(family_name)) > 0),
    other_names              TEXT NOT NULL DEFAULT '',
    sex                      TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    -- YYYY-MM-DD; for an estimated age, the 1 July of the estimated birth year.
    date_of_birth            TEXT,
    dob_estimated            INTEGER NOT NULL DEFAULT 0 CHECK (dob_estimated IN (0, 1)),
    phone                    TEXT NOT NULL DEFAULT '',
    phone_alt                TEXT NOT NULL DEFAULT '',
    email                    TEXT NOT NULL DEFAULT '',
    address                  TEXT NOT NULL DEFAULT '',
    national_id              TEXT NOT NULL DEFAULT '',
    emergency_contact_name   TEXT NOT NULL DEFAULT '',
    emergency_contact_phone  TEXT NOT NULL DEFAULT '',
    emergency_contact_relation TEXT NOT NULL DEFAULT '',
    insurance_payer          TEXT NOT NULL DEFAULT '',
    insurance_member_number  TEXT NOT NULL DEFAULT '',
    notes                    TEXT NOT NULL DEFAULT '',
    -- Shown as a banner on the chart (e.g. "hard of hearing", "needs interpreter").
    alerts                   TEXT NOT NULL DEFAULT '',
    photo_data_url           TEXT NOT NULL DEFAULT '',
    -- Set when merged into another patient: this row stays as a tombstone pointing there.
    merged_into              TEXT REFERENCES patients(id),
    merged_at                TEXT,
    created_by               TEXT,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);
CREATE INDEX patients_recent ON patients (updated_at) WHERE merged_into IS NULL;
CREATE INDEX patients_merged_into ON patients (merged_into) WHERE merged_into IS NOT NULL;

CREATE TRIGGER patients_never_deleted BEFORE DELETE ON patients
BEGIN
    SELECT RAISE(ABORT, 'patients are merged or kept, never deleted');
END;

-- Allergies are clinical: recorded, later marked entered-in-error or resolved, never deleted.
CREATE TABLE patient_allergies (
    id          TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL REFERENCES patients(id),
    substance   TEXT NOT NULL CHECK (length(trim(substance)) > 0),
    reaction    TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe', 'unknown')),
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resolved', 'entered_in_error')),
    recorded_by TEXT,
    recorded_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX patient_allergies_by_patient ON patient_allergies (patient_id);

CREATE TRIGGER patient_allergies_never_deleted BEFORE DELETE ON patient_allergies
BEGIN
    SELECT RAISE(ABORT, 'allergies are marked entered-in-error, never deleted');
END;

-- Search keys, one row per (key, patient). Key kinds, by prefix:
--   w: a name word            n: a whole name, in given-first and family-first order
--   p: phone digits            r: phone digits reversed (to match the end of a number)
--   m: MRN without dashes      d: date of birth YYYY-MM-DD
-- Every key is normalized (transliterated to ASCII, lower case), so a prefix query is one
-- B-tree range scan.
CREATE TABLE patient_search_terms (
    key        TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    PRIMARY KEY (key, patient_id)
) WITHOUT ROWID;
CREATE INDEX patient_search_terms_by_patient ON patient_search_terms (patient_id);

-- The distinct name words, and for typo tolerance each word prefix (3–12 letters) with and
-- without one letter deleted ("symmetric delete"): one typo in what was typed is found by
-- looking up what was typed and its one-letter deletions here.
CREATE TABLE name_words (
    word     TEXT PRIMARY KEY,
    patients INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE name_word_variants (
    variant TEXT NOT NULL,
    word    TEXT NOT NULL,
    PRIMARY KEY (variant, word)
) WITHOUT ROWID;

-- Patients opened on this workstation, most recent first when the search box is empty.
CREATE TABLE recent_patients (
    patient_id TEXT PRIMARY KEY REFERENCES patients(id),
    opened_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX recent_patients_by_time ON recent_patients (opened_at);

-- How national ids look in this clinic's country: a regular expression (empty: anything)
-- and an example shown in the error message.
ALTER TABLE clinic ADD COLUMN national_id_pattern TEXT NOT NULL DEFAULT '';
ALTER TABLE clinic ADD COLUMN national_id_example TEXT NOT NULL DEFAULT '';
CREATE INDEX patients_national_id ON patients (national_id) WHERE national_id <> '';
