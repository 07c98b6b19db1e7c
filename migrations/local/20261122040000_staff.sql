-- Departments, and the staff side of user accounts: consultation fee, prescription
-- signature and the doctor's availability status.

CREATE TABLE departments (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 100),
    description TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TRIGGER departments_never_deleted BEFORE DELETE ON departments
BEGIN
    SELECT RAISE(ABORT, 'departments are deactivated, never deleted');
END;

-- Free-text departments of existing accounts become department rows (users.department
-- keeps naming one; renaming a department renames it on its staff in the same transaction).
INSERT INTO departments (id, name, created_at, updated_at)
SELECT lower(hex(randomblob(16))), d, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (SELECT DISTINCT trim(department) AS d FROM users
      WHERE department IS NOT NULL AND trim(department) <> '');

-- The default fee of a consultation with this doctor, an exact decimal as text ('' = none).
ALTER TABLE users ADD COLUMN consultation_fee TEXT NOT NULL DEFAULT '';
-- The doctor's signature for printed prescriptions: a PNG/JPEG data URL ('' = none).
ALTER TABLE users ADD COLUMN signature_data_url TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN availability TEXT NOT NULL DEFAULT 'offline'
    CHECK (availability IN ('available', 'busy', 'away', 'offline'));
ALTER TABLE users ADD COLUMN availability_changed_at TEXT;
CREATE INDEX users_by_department ON users (department);
