-- ClinicDesk central database: roles and privileges (docs/SYNC.md, "Setting up the server").
--
-- Run as a superuser, connected to the clinic's central database, BEFORE and again AFTER
-- `clinicdesk sync migrate` (it is idempotent; the second run grants on the new tables):
--
--   createdb clinicdesk
--   psql -d clinicdesk -f scripts/central-setup.sql
--   psql -d clinicdesk -c "\password clinicdesk_owner"
--   clinicdesk sync migrate --url 'postgres://clinicdesk_owner@db.clinic.local/clinicdesk?sslmode=require' --password-stdin
--   psql -d clinicdesk -f scripts/central-setup.sql
--
-- Then one login role per workstation (or one for the whole clinic), member of
-- clinicdesk_ws, e.g.:
--
--   CREATE ROLE reception1 LOGIN PASSWORD '…' IN ROLE clinicdesk_ws;

DO $$
BEGIN
    -- Owns the schema and runs the migrations; nothing else logs in as it.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clinicdesk_owner') THEN
        CREATE ROLE clinicdesk_owner LOGIN;
    END IF;
    -- What every workstation's role is a member of: the minimum to sync.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clinicdesk_ws') THEN
        CREATE ROLE clinicdesk_ws NOLOGIN;
    END IF;
    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO clinicdesk_owner', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO clinicdesk_ws', current_database());
    EXECUTE format('REVOKE CREATE ON DATABASE %I FROM PUBLIC', current_database());
END
$$;

-- The exclusion constraint on bookings needs it; only a superuser may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA IF NOT EXISTS clinicdesk AUTHORIZATION clinicdesk_owner;
REVOKE ALL ON SCHEMA clinicdesk FROM PUBLIC;
GRANT USAGE ON SCHEMA clinicdesk TO clinicdesk_ws;

-- Tables the owner creates later (migrations): workstations read and append. The change
-- log and the audit trail refuse UPDATE and DELETE by trigger whoever asks; the booking
-- projection is written by the change log's trigger in the pushing workstation's name.
ALTER DEFAULT PRIVILEGES FOR ROLE clinicdesk_owner IN SCHEMA clinicdesk
    GRANT SELECT, INSERT, UPDATE ON TABLES TO clinicdesk_ws;
ALTER DEFAULT PRIVILEGES FOR ROLE clinicdesk_owner IN SCHEMA clinicdesk
    GRANT USAGE, SELECT ON SEQUENCES TO clinicdesk_ws;
ALTER DEFAULT PRIVILEGES FOR ROLE clinicdesk_owner IN SCHEMA clinicdesk
    GRANT EXECUTE ON FUNCTIONS TO clinicdesk_ws;

-- The same on what exists already (the second run, after `sync migrate`), except the
-- migrations' bookkeeping, which workstations only read (the schema-version guard).
DO $$
BEGIN
    IF to_regclass('clinicdesk._sqlx_migrations') IS NOT NULL THEN
        GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA clinicdesk TO clinicdesk_ws;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA clinicdesk TO clinicdesk_ws;
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA clinicdesk TO clinicdesk_ws;
        REVOKE INSERT, UPDATE ON clinicdesk._sqlx_migrations FROM clinicdesk_ws;
    END IF;
END
$$;
