-- Printed documents: the paper the clinic's printers hold, and an email for the letterhead.
ALTER TABLE clinic ADD COLUMN paper_size TEXT NOT NULL DEFAULT 'a4' CHECK (paper_size IN ('a4', 'letter'));
ALTER TABLE clinic ADD COLUMN email TEXT NOT NULL DEFAULT '';
