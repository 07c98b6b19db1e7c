-- The waitlist: patients who want an earlier slot with a doctor or a specialization. When
-- booked time frees up (a cancellation, a move, a no-show), the first matching entry is
-- offered that slot and reception sees the offer.
CREATE TABLE waitlist_entries (
    id                 TEXT PRIMARY KEY,
    patient_id         TEXT NOT NULL REFERENCES patients(id),
    doctor_id          TEXT REFERENCES users(id),
    specialization     TEXT,
    visit_type_id      TEXT NOT NULL REFERENCES visit_types(id),
    note               TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT 'waiting'
                         CHECK (status IN ('waiting', 'offered', 'booked', 'removed')),
    offered_doctor_id  TEXT REFERENCES users(id),
    offered_starts_at  TEXT,
    offered_at         TEXT,
    appointment_id     TEXT REFERENCES appointments(id),
    removed_reason     TEXT NOT NULL DEFAULT '',
    created_by         TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (doctor_id IS NOT NULL OR specialization IS NOT NULL)
);
CREATE INDEX waitlist_open ON waitlist_entries (status, created_at) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_by_patient ON waitlist_entries (patient_id);

CREATE TRIGGER waitlist_never_deleted BEFORE DELETE ON waitlist_entries
BEGIN
    SELECT RAISE(ABORT, 'waitlist entries are removed with a reason, never deleted');
END;
