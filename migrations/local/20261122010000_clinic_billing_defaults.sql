-- Clinic settings that printed documents and billing need: the letterhead logo, the default
-- tax rate (exact decimal, as text) and the invoice number prefix.
ALTER TABLE clinic ADD COLUMN logo_data_url TEXT NOT NULL DEFAULT '';
ALTER TABLE clinic ADD COLUMN default_tax_rate TEXT NOT NULL DEFAULT '0';
ALTER TABLE clinic ADD COLUMN invoice_series_prefix TEXT NOT NULL DEFAULT 'INV';
