-- ClinicDesk central database: what the workstation sync engine needs beyond the change
-- log (docs/SYNC.md).

-- Row ids are the workstations' text ids: UUIDv7 for minted rows, a few fixed seed ids
-- (e.g. the tax category `tax-standard` every store starts with).
ALTER TABLE clinicdesk.changes ALTER COLUMN row_id TYPE text;
ALTER TABLE clinicdesk.changes ADD CONSTRAINT changes_row_id_length
    CHECK (length(row_id) BETWEEN 1 AND 100);

-- Per-field versions of each change (column -> HLC of its last change), for merging
-- field by field (last writer wins per field).
ALTER TABLE clinicdesk.changes ADD COLUMN field_hlcs jsonb
    CHECK (field_hlcs IS NULL OR jsonb_typeof(field_hlcs) = 'object');

-- A workstation's code prefixes its patient numbers and invoice series: unique clinic-wide.
ALTER TABLE clinicdesk.workstations ADD COLUMN code text UNIQUE
    CHECK (code IS NULL OR code ~ '^[A-Z0-9]{1,10}$');

-- Every workstation's audit entries, append-only, keyed by workstation and its chain seq:
-- nothing a workstation audited is lost with the workstation.
CREATE TABLE clinicdesk.audit_entries (
    workstation_id uuid        NOT NULL REFERENCES clinicdesk.workstations (id),
    seq            bigint      NOT NULL,
    id             text        NOT NULL,
    at             text        NOT NULL,
    actor_id       text,
    actor_name     text        NOT NULL,
    actor_role     text,
    action         text        NOT NULL,
    outcome        text        NOT NULL,
    record_table   text,
    record_id      text,
    detail         text        NOT NULL,
    prev_hmac      text        NOT NULL,
    hmac           text        NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workstation_id, seq)
);

CREATE TRIGGER audit_entries_are_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON clinicdesk.audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION clinicdesk.changes_are_append_only();

-- No double booking, enforced centrally: every appointment as last changed, in a plain
-- table whose exclusion constraint refuses two active bookings of one doctor that overlap.
-- A booking made offline that collides is kept (nothing is lost) but marked in_conflict,
-- with a row in booking_conflicts per booking it overlaps, until one of them moves.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE clinicdesk.appointment_bookings (
    appointment_id uuid        PRIMARY KEY,
    doctor_id      uuid        NOT NULL,
    patient_id     uuid,
    during         tstzrange   NOT NULL,
    status         text        NOT NULL,
    hlc            text        NOT NULL,
    workstation_id uuid        NOT NULL,
    in_conflict    boolean     NOT NULL DEFAULT false,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT no_double_booking EXCLUDE USING gist (doctor_id WITH =, during WITH &&)
        WHERE (status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
               AND NOT in_conflict)
);

CREATE TABLE clinicdesk.booking_conflicts (
    appointment_id uuid        NOT NULL,
    conflicts_with uuid        NOT NULL,
    detected_at    timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz,
    PRIMARY KEY (appointment_id, conflicts_with)
);

CREATE FUNCTION clinicdesk.project_appointment(
    p_id uuid, p_data jsonb, p_hlc text, p_workstation uuid
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_during tstzrange;
    v_doctor uuid;
    v_status text := p_data->>'status';
BEGIN
    -- Only rows shaped like a workstation's appointment are projected; the change itself
    -- is stored whatever it holds.
    IF p_data->>'doctor_id' IS NULL OR p_data->>'starts_at' IS NULL
       OR p_data->>'ends_at' IS NULL OR v_status IS NULL THEN
        RETURN;
    END IF;
    BEGIN
        v_doctor := (p_data->>'doctor_id')::uuid;
        v_during := tstzrange((p_data->>'starts_at')::timestamptz,
                              (p_data->>'ends_at')::timestamptz, '[)');
    EXCEPTION WHEN invalid_text_representation OR datetime_field_overflow
                   OR invalid_datetime_format OR data_exception THEN
        RETURN;
    END;
    IF EXISTS (SELECT 1 FROM clinicdesk.appointment_bookings
               WHERE appointment_id = p_id AND hlc >= p_hlc) THEN
        RETURN; -- an older change than the one already projected
    END IF;
    BEGIN
        INSERT INTO clinicdesk.appointment_bookings AS b
            (appointment_id, doctor_id, patient_id, during, status, hlc, workstation_id, in_conflict)
        VALUES (p_id, v_doctor, (p_data->>'patient_id')::uuid, v_during, v_status, p_hlc,
                p_workstation, false)
        ON CONFLICT (appointment_id) DO UPDATE SET doctor_id = EXCLUDED.doctor_id,
            patient_id = EXCLUDED.patient_id, during = EXCLUDED.during,
            status = EXCLUDED.status, hlc = EXCLUDED.hlc,
            workstation_id = EXCLUDED.workstation_id, in_conflict = false, updated_at = now();
    EXCEPTION WHEN exclusion_violation THEN
        INSERT INTO clinicdesk.appointment_bookings AS b
            (appointment_id, doctor_id, patient_id, during, status, hlc, workstation_id, in_conflict)
        VALUES (p_id, v_doctor, (p_data->>'patient_id')::uuid, v_during, v_status, p_hlc,
                p_workstation, true)
        ON CONFLICT (appointment_id) DO UPDATE SET doctor_id = EXCLUDED.doctor_id,
            patient_id = EXCLUDED.patient_id, during = EXCLUDED.during,
            status = EXCLUDED.status, hlc = EXCLUDED.hlc,
            workstation_id = EXCLUDED.workstation_id, in_conflict = true, updated_at = now();
        INSERT INTO clinicdesk.booking_conflicts (appointment_id, conflicts_with)
        SELECT p_id, o.appointment_id FROM clinicdesk.appointment_bookings o
        WHERE o.doctor_id = v_doctor AND o.appointment_id <> p_id AND o.during && v_during
          AND o.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
        ON CONFLICT (appointment_id, conflicts_with) DO UPDATE SET resolved_at = NULL;
    END;
    -- Conflicts this booking was part of that no longer overlap are resolved.
    UPDATE clinicdesk.booking_conflicts c SET resolved_at = now()
    WHERE c.resolved_at IS NULL AND (c.appointment_id = p_id OR c.conflicts_with = p_id)
      AND NOT EXISTS (
          SELECT 1 FROM clinicdesk.appointment_bookings x
          JOIN clinicdesk.appointment_bookings y ON y.appointment_id = c.conflicts_with
          WHERE x.appointment_id = c.appointment_id AND x.doctor_id = y.doctor_id
            AND x.during && y.during
            AND x.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed')
            AND y.status IN ('scheduled', 'checked_in', 'in_consultation', 'completed'));
    -- A booking left without open conflicts rejoins the constraint when it can.
    BEGIN
        UPDATE clinicdesk.appointment_bookings b SET in_conflict = false
        WHERE b.in_conflict AND NOT EXISTS (
            SELECT 1 FROM clinicdesk.booking_conflicts c
            WHERE c.resolved_at IS NULL
              AND (c.appointment_id = b.appointment_id OR c.conflicts_with = b.appointment_id));
    EXCEPTION WHEN exclusion_violation THEN
        NULL;
    END;
END;
$$;

CREATE FUNCTION clinicdesk.project_appointments() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT row_id, row_data, hlc, workstation_id FROM inserted
        WHERE table_name = 'appointments' AND op <> 'delete'
        ORDER BY hlc
    LOOP
        PERFORM clinicdesk.project_appointment(r.row_id::uuid, r.row_data, r.hlc, r.workstation_id);
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE TRIGGER changes_project_appointments
    AFTER INSERT ON clinicdesk.changes
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION clinicdesk.project_appointments();
