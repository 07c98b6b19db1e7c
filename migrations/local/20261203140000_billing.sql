-- Billing: tax categories, the price list (items with dated price versions, so an old
-- invoice keeps the price of its day), invoices (draft → issued, then frozen by the store),
-- credit notes against issued invoices, payments and refunds with their receipts, and the
-- end-of-day cash closings of each desk. Money is exact decimal text (rust_decimal);
-- numbers are gap-free per series, a series belonging to one workstation.

ALTER TABLE clinic ADD COLUMN prices_include_tax INTEGER NOT NULL DEFAULT 0 CHECK (prices_include_tax IN (0, 1));
-- How amounts are rounded to the currency's minor unit.
ALTER TABLE clinic ADD COLUMN rounding TEXT NOT NULL DEFAULT 'half_up' CHECK (rounding IN ('half_up', 'half_even'));
-- Receipts on the clinic's paper size or on an 80 mm thermal roll.
ALTER TABLE clinic ADD COLUMN receipt_paper TEXT NOT NULL DEFAULT 'page' CHECK (receipt_paper IN ('page', 'roll80'));

CREATE TABLE tax_categories (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 60),
    -- Percent, exact decimal text ("22", "7.5").
    rate       TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- "Standard" follows the clinic's default tax rate (settings); "Exempt" is 0 %.
INSERT INTO tax_categories (id, name, rate, created_at, updated_at)
VALUES ('tax-standard', 'Standard', COALESCE((SELECT default_tax_rate FROM clinic LIMIT 1), '0'),
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
       ('tax-exempt', 'Exempt', '0',
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE price_items (
    id              TEXT PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(code)) BETWEEN 1 AND 30),
    name            TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    kind            TEXT NOT NULL CHECK (kind IN ('consultation', 'procedure', 'lab_test', 'medicine', 'supply', 'other')),
    tax_category_id TEXT NOT NULL REFERENCES tax_categories(id),
    -- A consultation's price may depend on the visit type and on the doctor.
    visit_type_id   TEXT REFERENCES visit_types(id),
    doctor_id       TEXT REFERENCES users(id),
    medication_id   TEXT REFERENCES medications(id),
    unit            TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX price_items_by_name ON price_items (name COLLATE NOCASE);
CREATE INDEX price_items_by_visit_type ON price_items (visit_type_id, doctor_id) WHERE visit_type_id IS NOT NULL;

-- A price applies from its date (the clinic's calendar) until the next version starts.
CREATE TABLE price_versions (
    id            TEXT PRIMARY KEY,
    price_item_id TEXT NOT NULL REFERENCES price_items(id),
    price         TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    created_by    TEXT REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (price_item_id, valid_from)
);
CREATE TRIGGER price_versions_never_deleted BEFORE DELETE ON price_versions
BEGIN
    SELECT RAISE(ABORT, 'a price version is never deleted');
END;

CREATE TABLE invoices (
    id                 TEXT PRIMARY KEY,
    patient_id         TEXT NOT NULL REFERENCES patients(id),
    status             TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'discarded')),
    -- The workstation whose series numbers it (and whose desk took it).
    workstation_id     TEXT NOT NULL,
    series             TEXT,
    number             INTEGER,
    number_text        TEXT UNIQUE,
    appointment_id     TEXT REFERENCES appointments(id),
    encounter_id       TEXT REFERENCES encounters(id),
    doctor_id          TEXT REFERENCES users(id),
    -- The clinic date of the service: prices are those valid that day.
    service_date       TEXT NOT NULL,
    currency           TEXT NOT NULL,
    prices_include_tax INTEGER NOT NULL CHECK (prices_include_tax IN (0, 1)),
    rounding           TEXT NOT NULL,
    discount_kind      TEXT NOT NULL DEFAULT 'none' CHECK (discount_kind IN ('none', 'percent', 'amount')),
    discount_value     TEXT NOT NULL DEFAULT '0',
    notes              TEXT NOT NULL DEFAULT '',
    -- Worked out in Rust at every change of a draft; frozen at issue.
    subtotal           TEXT NOT NULL DEFAULT '0',
    discount_total     TEXT NOT NULL DEFAULT '0',
    tax_total          TEXT NOT NULL DEFAULT '0',
    total              TEXT NOT NULL DEFAULT '0',
    due_date           TEXT,
    created_by         TEXT REFERENCES users(id),
    issued_by          TEXT REFERENCES users(id),
    issued_at          TEXT,
    discard_reason     TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (series, number),
    CHECK ((status = 'issued') = (number IS NOT NULL AND series IS NOT NULL AND number_text IS NOT NULL AND issued_at IS NOT NULL))
);
CREATE INDEX invoices_by_patient ON invoices (patient_id, created_at);
CREATE INDEX invoices_by_issue ON invoices (issued_at) WHERE status = 'issued';
CREATE UNIQUE INDEX invoices_one_per_appointment ON invoices (appointment_id)
    WHERE appointment_id IS NOT NULL AND status <> 'discarded';
-- Issued: frozen (a merge may move it to the surviving patient). Discarded: final.
CREATE TRIGGER invoices_issued_are_frozen BEFORE UPDATE ON invoices
WHEN OLD.status <> 'draft' AND (
     NEW.status <> OLD.status OR NEW.series IS NOT OLD.series OR NEW.number IS NOT OLD.number
  OR NEW.number_text IS NOT OLD.number_text OR NEW.appointment_id IS NOT OLD.appointment_id
  OR NEW.encounter_id IS NOT OLD.encounter_id OR NEW.doctor_id IS NOT OLD.doctor_id
  OR NEW.service_date <> OLD.service_date OR NEW.currency <> OLD.currency
  OR NEW.prices_include_tax <> OLD.prices_include_tax OR NEW.rounding <> OLD.rounding
  OR NEW.discount_kind <> OLD.discount_kind OR NEW.discount_value <> OLD.discount_value
  OR NEW.notes <> OLD.notes OR NEW.subtotal <> OLD.subtotal OR NEW.discount_total <> OLD.discount_total
  OR NEW.tax_total <> OLD.tax_total OR NEW.total <> OLD.total OR NEW.due_date IS NOT OLD.due_date
  OR NEW.issued_by IS NOT OLD.issued_by OR NEW.issued_at IS NOT OLD.issued_at
  OR NEW.workstation_id <> OLD.workstation_id OR NEW.created_at <> OLD.created_at)
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is never changed: correct it with a credit note');
END;
CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'an invoice is never deleted');
END;

CREATE TABLE invoice_lines (
    id              TEXT PRIMARY KEY,
    invoice_id      TEXT NOT NULL REFERENCES invoices(id),
    position        INTEGER NOT NULL,
    price_item_id   TEXT REFERENCES price_items(id),
    kind            TEXT NOT NULL,
    code            TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL CHECK (length(trim(description)) > 0),
    quantity        TEXT NOT NULL,
    unit            TEXT NOT NULL DEFAULT '',
    unit_price      TEXT NOT NULL,
    discount_kind   TEXT NOT NULL DEFAULT 'none' CHECK (discount_kind IN ('none', 'percent', 'amount')),
    discount_value  TEXT NOT NULL DEFAULT '0',
    tax_category_id TEXT NOT NULL REFERENCES tax_categories(id),
    tax_name        TEXT NOT NULL,
    tax_rate        TEXT NOT NULL,
    -- Worked out in Rust (see billing/money.rs): quantity × unit price, the line's own
    -- discount plus its share of the invoice discount, the amount without tax, its tax and
    -- the amount with tax.
    gross           TEXT NOT NULL DEFAULT '0',
    discount        TEXT NOT NULL DEFAULT '0',
    net             TEXT NOT NULL DEFAULT '0',
    tax             TEXT NOT NULL DEFAULT '0',
    total           TEXT NOT NULL DEFAULT '0',
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX invoice_lines_by_invoice ON invoice_lines (invoice_id, position);
CREATE TRIGGER invoice_lines_issued_are_frozen BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is never changed: correct it with a credit note');
END;
CREATE TRIGGER invoice_lines_issued_no_new BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is never changed: correct it with a credit note');
END;
CREATE TRIGGER invoice_lines_never_deleted BEFORE DELETE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'an invoice line is never deleted');
END;

CREATE TABLE credit_notes (
    id             TEXT PRIMARY KEY,
    invoice_id     TEXT NOT NULL REFERENCES invoices(id),
    patient_id     TEXT NOT NULL REFERENCES patients(id),
    workstation_id TEXT NOT NULL,
    series         TEXT NOT NULL,
    number         INTEGER NOT NULL,
    number_text    TEXT NOT NULL UNIQUE,
    reason         TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    net_total      TEXT NOT NULL,
    tax_total      TEXT NOT NULL,
    total          TEXT NOT NULL,
    issued_by      TEXT REFERENCES users(id),
    issued_at      TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (series, number)
);
CREATE INDEX credit_notes_by_invoice ON credit_notes (invoice_id);
CREATE TRIGGER credit_notes_are_frozen BEFORE UPDATE ON credit_notes
WHEN NEW.total <> OLD.total OR NEW.net_total <> OLD.net_total OR NEW.tax_total <> OLD.tax_total
  OR NEW.number_text <> OLD.number_text OR NEW.number <> OLD.number OR NEW.series <> OLD.series
  OR NEW.invoice_id <> OLD.invoice_id OR NEW.reason <> OLD.reason OR NEW.issued_at <> OLD.issued_at
BEGIN
    SELECT RAISE(ABORT, 'a credit note is never changed');
END;
CREATE TRIGGER credit_notes_never_deleted BEFORE DELETE ON credit_notes
BEGIN
    SELECT RAISE(ABORT, 'a credit note is never deleted');
END;

CREATE TABLE credit_note_lines (
    id              TEXT PRIMARY KEY,
    credit_note_id  TEXT NOT NULL REFERENCES credit_notes(id),
    invoice_line_id TEXT NOT NULL REFERENCES invoice_lines(id),
    quantity        TEXT NOT NULL,
    net             TEXT NOT NULL,
    tax             TEXT NOT NULL,
    total           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX credit_note_lines_by_note ON credit_note_lines (credit_note_id);
CREATE INDEX credit_note_lines_by_line ON credit_note_lines (invoice_line_id);
CREATE TRIGGER credit_note_lines_are_frozen BEFORE UPDATE ON credit_note_lines
BEGIN
    SELECT RAISE(ABORT, 'a credit note is never changed');
END;
CREATE TRIGGER credit_note_lines_never_deleted BEFORE DELETE ON credit_note_lines
BEGIN
    SELECT RAISE(ABORT, 'a credit note is never deleted');
END;

CREATE TABLE cash_closings (
    id             TEXT PRIMARY KEY,
    workstation_id TEXT NOT NULL,
    closed_by      TEXT REFERENCES users(id),
    closed_at      TEXT NOT NULL,
    -- The previous closing of this desk (NULL: the first one).
    period_start   TEXT,
    payment_count  INTEGER NOT NULL,
    expected_cash  TEXT NOT NULL,
    counted_cash   TEXT NOT NULL,
    difference     TEXT NOT NULL,
    -- {"cash": "120.00", "card": "80.00", ...}: net takings by method.
    totals_json    TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX cash_closings_by_desk ON cash_closings (workstation_id, closed_at);
CREATE TRIGGER cash_closings_are_frozen BEFORE UPDATE ON cash_closings
BEGIN
    SELECT RAISE(ABORT, 'a cash closing is never changed');
END;
CREATE TRIGGER cash_closings_never_deleted BEFORE DELETE ON cash_closings
BEGIN
    SELECT RAISE(ABORT, 'a cash closing is never deleted');
END;

-- Payments are positive; refunds are negative and name the credit note they pay out.
CREATE TABLE payments (
    id               TEXT PRIMARY KEY,
    invoice_id       TEXT NOT NULL REFERENCES invoices(id),
    patient_id       TEXT NOT NULL REFERENCES patients(id),
    amount           TEXT NOT NULL,
    method           TEXT NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'insurance')),
    reference        TEXT NOT NULL DEFAULT '',
    credit_note_id   TEXT REFERENCES credit_notes(id),
    workstation_id   TEXT NOT NULL,
    receipt_series   TEXT NOT NULL,
    receipt_number   INTEGER NOT NULL,
    receipt_text     TEXT NOT NULL UNIQUE,
    received_by      TEXT REFERENCES users(id),
    received_at      TEXT NOT NULL,
    closing_id       TEXT REFERENCES cash_closings(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (receipt_series, receipt_number)
);
CREATE INDEX payments_by_invoice ON payments (invoice_id);
CREATE INDEX payments_by_patient ON payments (patient_id);
CREATE INDEX payments_by_time ON payments (received_at);
CREATE INDEX payments_open_by_desk ON payments (workstation_id, received_at) WHERE closing_id IS NULL;
-- Only a closing may claim a payment (once), and a merge may move it.
CREATE TRIGGER payments_are_frozen BEFORE UPDATE ON payments
WHEN NEW.amount <> OLD.amount OR NEW.method <> OLD.method OR NEW.reference <> OLD.reference
  OR NEW.invoice_id <> OLD.invoice_id OR NEW.receipt_text <> OLD.receipt_text
  OR NEW.received_at <> OLD.received_at OR NEW.credit_note_id IS NOT OLD.credit_note_id
  OR (OLD.closing_id IS NOT NULL AND NEW.closing_id IS NOT OLD.closing_id)
BEGIN
    SELECT RAISE(ABORT, 'a payment is never changed: record a refund instead');
END;
CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment is never deleted');
END;
