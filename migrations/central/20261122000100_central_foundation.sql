-- ClinicDesk central database, foundation: the shared, append-only change log that
-- workstations push their local changes to and pull each other's changes from.
--
-- Everything lives in the ordinary schema `clinicdesk` (the migration bookkeeping table
-- too, see crates/sync/src/central.rs), so the central side can be inspected, backed up
-- or dropped as one unit and shares a database with other software without clashes.

-- The migrator creates the schema before its bookkeeping table, hence IF NOT EXISTS.
CREATE SCHEMA IF NOT EXISTS clinicdesk;

CREATE TABLE clinicdesk.workstations (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL CHECK (btrim(name) <> ''),
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE clinicdesk.workstations IS
    'Each ClinicDesk installation that syncs; id is minted by the workstation itself.';

CREATE TABLE clinicdesk.changes (
    -- The pull cursor. GENERATED ALWAYS (the modern bigserial) so no client can pick or
    -- reuse a value; gaps are normal (rolled-back pushes).
    server_seq     bigint      GENERATED ALWAYS AS IDENTITY NOT NULL UNIQUE,
    -- Minted by the workstation; the primary key makes re-pushing a batch harmless.
    change_id      uuid        PRIMARY KEY,
    -- Hybrid logical clock, sortable as text: <13-digit unix millis>-<5-digit counter>-<workstation uuid>.
    hlc            text        NOT NULL CHECK (
        hlc ~ '^[0-9]{13}-[0-9]{5}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    ),
    workstation_id uuid        NOT NULL REFERENCES clinicdesk.workstations (id),
    -- Workstations route pulled changes by table name, so only plain identifiers get in.
    table_name     text        NOT NULL CHECK (table_name ~ '^[a-z][a-z0-9_]*$'),
    row_id         uuid        NOT NULL,
    op             text        NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    -- The row after the change; a delete is a tombstone without data.
    row_data       jsonb,
    received_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT changes_row_data_matches_op CHECK (
        (op = 'delete' AND row_data IS NULL)
        OR (op <> 'delete' AND row_data IS NOT NULL AND jsonb_typeof(row_data) = 'object')
    )
);

COMMENT ON TABLE clinicdesk.changes IS
    'Append-only log of every change made on any workstation, in arrival order (server_seq).';

-- Pulling by server_seq uses the UNIQUE index above; this one serves "history of a row".
CREATE INDEX changes_row_history ON clinicdesk.changes (table_name, row_id, hlc);

-- A sequence hands out values when rows are inserted, not when they commit: if push A takes
-- server_seq 5 and push B takes 6 but B commits first, a workstation that pulls in between
-- moves its cursor to 6 and never sees 5. So every writer of the log first takes this
-- transaction-scoped lock, held until commit: server_seq order is then commit order and a
-- cursor never skips a row. Pushes are batches, so serialising them costs little.
CREATE FUNCTION clinicdesk.lock_change_log() RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(4242700100000000001);
$$;

COMMENT ON FUNCTION clinicdesk.lock_change_log() IS
    'Serialises writers of clinicdesk.changes so that server_seq order equals commit order.';

-- The schema enforces the lock itself, so even a hand-written INSERT cannot break cursors.
CREATE FUNCTION clinicdesk.changes_serialize_writers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM clinicdesk.lock_change_log();
    RETURN NULL;
END;
$$;

CREATE TRIGGER changes_serialize_writers
    BEFORE INSERT ON clinicdesk.changes
    FOR EACH STATEMENT EXECUTE FUNCTION clinicdesk.changes_serialize_writers();

-- History is never rewritten: conflict resolution and audit rely on every change surviving.
-- (A future retention/compaction job will come as its own migration.)
CREATE FUNCTION clinicdesk.changes_are_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'clinicdesk.changes is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER changes_are_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON clinicdesk.changes
    FOR EACH STATEMENT EXECUTE FUNCTION clinicdesk.changes_are_append_only();

-- Real-time fan-out: listeners on channel 'clinicdesk_changes' learn that new changes
-- arrived and then pull. One notification per (workstation, table) per statement, not per
-- row, so a 10,000-change backlog does not wake every listener 10,000 times. Payload:
-- {"server_seq": <highest new server_seq>, "workstation_id": "...", "table_name": "...",
--  "count": <rows>}. Duplicates skipped by ON CONFLICT are not in `inserted` and stay silent.
-- Notifications are delivered at commit, so a listener that pulls on receipt sees the rows.
CREATE FUNCTION clinicdesk.notify_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(
        'clinicdesk_changes',
        json_build_object(
            'server_seq', max(inserted.server_seq),
            'workstation_id', inserted.workstation_id,
            'table_name', inserted.table_name,
            'count', count(*)
        )::text
    )
    FROM inserted
    GROUP BY inserted.workstation_id, inserted.table_name
    ORDER BY max(inserted.server_seq);
    RETURN NULL;
END;
$$;

CREATE TRIGGER changes_notify
    AFTER INSERT ON clinicdesk.changes
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION clinicdesk.notify_changes();
