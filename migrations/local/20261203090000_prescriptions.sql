-- Prescriptions: the medication catalog (a starter list of common generics, extendable by
-- admin), prescriptions (draft → signed, locked by the store), their items (discontinued or
-- entered in error, never changed or deleted after signing) and the warnings overridden at
-- signing with their reasons (append-only).

CREATE TABLE medications (
    id                    TEXT PRIMARY KEY,
    generic_name          TEXT NOT NULL CHECK (length(trim(generic_name)) > 0),
    -- Comma-separated brand names, as printed on packs.
    brand_names           TEXT NOT NULL DEFAULT '',
    form                  TEXT NOT NULL,
    strength              TEXT NOT NULL,
    route                 TEXT NOT NULL,
    -- WHO ATC code: the same substance shares all 7 characters, a therapeutic group the
    -- first 5 (level 4), which is what the duplicate-therapy check compares.
    atc_code              TEXT NOT NULL DEFAULT '',
    -- Comma-separated classes an allergy may name ("penicillins", "nsaids", …).
    allergy_classes       TEXT NOT NULL DEFAULT '',
    dispense_unit         TEXT NOT NULL,
    default_dose          TEXT NOT NULL DEFAULT '',
    -- How many dispense units one dose is, when countable (1 tablet); NULL otherwise.
    units_per_dose        INTEGER,
    default_frequency     TEXT NOT NULL,
    default_duration_days INTEGER,
    default_quantity      INTEGER,
    default_instructions  TEXT NOT NULL DEFAULT '',
    active                INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX medications_by_name ON medications (generic_name COLLATE NOCASE, strength);

CREATE TABLE prescriptions (
    id                TEXT PRIMARY KEY,
    patient_id        TEXT NOT NULL REFERENCES patients(id),
    encounter_id      TEXT REFERENCES encounters(id),
    prescriber_id     TEXT NOT NULL REFERENCES users(id),
    status            TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'signed', 'entered_in_error')),
    notes             TEXT NOT NULL DEFAULT '',
    -- Printed on the prescription so a pharmacy can check it (set at signing).
    verification_code TEXT UNIQUE,
    renewed_from_id   TEXT REFERENCES prescriptions(id),
    created_at        TEXT NOT NULL,
    signed_at         TEXT,
    error_reason      TEXT NOT NULL DEFAULT '',
    updated_at        TEXT NOT NULL
);
CREATE INDEX prescriptions_by_patient ON prescriptions (patient_id, created_at);
CREATE INDEX prescriptions_by_encounter ON prescriptions (encounter_id);
CREATE TRIGGER prescriptions_signed_are_locked BEFORE UPDATE ON prescriptions
WHEN OLD.status <> 'draft' AND (
     NEW.prescriber_id <> OLD.prescriber_id OR NEW.notes <> OLD.notes
  OR NEW.verification_code IS NOT OLD.verification_code OR NEW.signed_at IS NOT OLD.signed_at
  OR NEW.encounter_id IS NOT OLD.encounter_id OR NEW.created_at <> OLD.created_at
  OR NEW.renewed_from_id IS NOT OLD.renewed_from_id
  OR (OLD.status = 'entered_in_error' AND (NEW.status <> OLD.status OR NEW.patient_id = OLD.patient_id))
  OR (OLD.status = 'signed' AND NEW.status = 'draft'))
BEGIN
    SELECT RAISE(ABORT, 'a signed prescription is locked: discontinue items or mark it entered in error');
END;
CREATE TRIGGER prescriptions_never_deleted BEFORE DELETE ON prescriptions
BEGIN
    SELECT RAISE(ABORT, 'a prescription is never deleted');
END;

CREATE TABLE prescription_items (
    id              TEXT PRIMARY KEY,
    prescription_id TEXT NOT NULL REFERENCES prescriptions(id),
    patient_id      TEXT NOT NULL REFERENCES patients(id),
    position        INTEGER NOT NULL,
    medication_id   TEXT NOT NULL REFERENCES medications(id),
    -- What was prescribed, as it was named then ("Amoxicillin 500 mg capsule").
    medication_name TEXT NOT NULL,
    generic_name    TEXT NOT NULL,
    atc_code        TEXT NOT NULL,
    allergy_classes TEXT NOT NULL,
    dose            TEXT NOT NULL,
    route           TEXT NOT NULL,
    frequency       TEXT NOT NULL,
    duration_days   INTEGER,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    dispense_unit   TEXT NOT NULL,
    refills         INTEGER NOT NULL DEFAULT 0 CHECK (refills BETWEEN 0 AND 12),
    instructions    TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active'
                      CHECK (status IN ('active', 'removed', 'discontinued', 'entered_in_error')),
    stop_reason     TEXT NOT NULL DEFAULT '',
    stopped_by      TEXT REFERENCES users(id),
    stopped_at      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX prescription_items_by_prescription ON prescription_items (prescription_id, position);
CREATE INDEX prescription_items_by_patient ON prescription_items (patient_id, status);
-- Once its prescription is signed an item only stops (discontinued / entered in error).
CREATE TRIGGER prescription_items_signed_are_locked BEFORE UPDATE ON prescription_items
WHEN (SELECT status FROM prescriptions WHERE id = OLD.prescription_id) <> 'draft' AND (
     NEW.medication_id <> OLD.medication_id OR NEW.medication_name <> OLD.medication_name
  OR NEW.dose <> OLD.dose OR NEW.route <> OLD.route OR NEW.frequency <> OLD.frequency
  OR NEW.duration_days IS NOT OLD.duration_days OR NEW.quantity <> OLD.quantity
  OR NEW.refills <> OLD.refills OR NEW.instructions <> OLD.instructions
  OR NEW.position <> OLD.position OR NEW.prescription_id <> OLD.prescription_id
  OR (OLD.status <> 'active' AND (NEW.status <> OLD.status OR NEW.stop_reason <> OLD.stop_reason))
  OR (NEW.status = 'removed' AND OLD.status <> 'removed')
  OR (NEW.status = 'active' AND OLD.status <> 'active'))
BEGIN
    SELECT RAISE(ABORT, 'a signed prescription item is discontinued or entered in error, never changed');
END;
CREATE TRIGGER prescription_items_never_deleted BEFORE DELETE ON prescription_items
BEGIN
    SELECT RAISE(ABORT, 'a prescription item is never deleted');
END;

-- A warning shown before signing (recorded allergy, duplicate therapy) that the prescriber
-- overrode, with the reason.
CREATE TABLE prescription_overrides (
    id              TEXT PRIMARY KEY,
    prescription_id TEXT NOT NULL REFERENCES prescriptions(id),
    item_id         TEXT NOT NULL REFERENCES prescription_items(id),
    patient_id      TEXT NOT NULL REFERENCES patients(id),
    kind            TEXT NOT NULL CHECK (kind IN ('allergy', 'duplicate')),
    warning         TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    overridden_by   TEXT NOT NULL REFERENCES users(id),
    overridden_at   TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX prescription_overrides_by_prescription ON prescription_overrides (prescription_id);
CREATE TRIGGER prescription_overrides_never_change BEFORE UPDATE ON prescription_overrides
WHEN NEW.patient_id = OLD.patient_id
BEGIN
    SELECT RAISE(ABORT, 'an override is kept as recorded');
END;
CREATE TRIGGER prescription_overrides_never_deleted BEFORE DELETE ON prescription_overrides
BEGIN
    SELECT RAISE(ABORT, 'an override is never deleted');
END;

-- The starter catalog: common generic medicines with WHO ATC codes and usual adult dosing.
-- Fixed ids, so every workstation holds the same rows.
INSERT INTO medications (id, generic_name, brand_names, form, strength, route, atc_code,
    allergy_classes, dispense_unit, default_dose, units_per_dose, default_frequency,
    default_duration_days, default_quantity, default_instructions, created_at, updated_at)
SELECT column1, column2, column3, column4, column5, column6, column7, column8, column9,
       column10, column11, column12, column13, column14, column15,
       '2026-12-03T00:00:00.000Z', '2026-12-03T00:00:00.000Z'
FROM (VALUES
('med-amoxicillin-500-mg-capsule', 'Amoxicillin', 'Amoxil', 'capsule', '500 mg', 'oral', 'J01CA04', 'penicillins,beta-lactams', 'capsule', '1 capsule', 1, 'three_times_daily', 7, NULL, 'Complete the whole course.'),
('med-amoxicillin-250-mg-5-ml-oral-suspension', 'Amoxicillin', 'Amoxil', 'oral suspension', '250 mg/5 ml', 'oral', 'J01CA04', 'penicillins,beta-lactams', 'bottle (100 ml)', '5 ml', NULL, 'three_times_daily', 7, 1, 'Shake well before use. Complete the whole course.'),
('med-amoxicillin-and-clavulanic-acid-875-mg-125-mg-tablet', 'Amoxicillin and clavulanic acid', 'Augmentin, Co-amoxiclav', 'tablet', '875 mg/125 mg', 'oral', 'J01CR02', 'penicillins,beta-lactams', 'tablet', '1 tablet', 1, 'twice_daily', 7, NULL, 'Take at the start of a meal. Complete the whole course.'),
('med-phenoxymethylpenicillin-250-mg-tablet', 'Phenoxymethylpenicillin', 'Penicillin V', 'tablet', '250 mg', 'oral', 'J01CE02', 'penicillins,beta-lactams', 'tablet', '2 tablets', 2, 'four_times_daily', 10, NULL, 'Take on an empty stomach.'),
('med-flucloxacillin-500-mg-capsule', 'Flucloxacillin', '', 'capsule', '500 mg', 'oral', 'J01CF05', 'penicillins,beta-lactams', 'capsule', '1 capsule', 1, 'four_times_daily', 7, NULL, 'Take on an empty stomach, an hour before food.'),
('med-cefalexin-500-mg-capsule', 'Cefalexin', 'Keflex', 'capsule', '500 mg', 'oral', 'J01DB01', 'cephalosporins,beta-lactams', 'capsule', '1 capsule', 1, 'three_times_daily', 7, NULL, ''),
('med-cefuroxime-500-mg-tablet', 'Cefuroxime', 'Zinnat', 'tablet', '500 mg', 'oral', 'J01DC02', 'cephalosporins,beta-lactams', 'tablet', '1 tablet', 1, 'twice_daily', 7, NULL, 'Take after food.'),
('med-azithromycin-500-mg-tablet', 'Azithromycin', 'Zithromax', 'tablet', '500 mg', 'oral', 'J01FA10', 'macrolides', 'tablet', '1 tablet', 1, 'once_daily', 3, NULL, ''),
('med-clarithromycin-500-mg-tablet', 'Clarithromycin', 'Klacid, Biaxin', 'tablet', '500 mg', 'oral', 'J01FA09', 'macrolides', 'tablet', '1 tablet', 1, 'twice_daily', 7, NULL, ''),
('med-doxycycline-100-mg-capsule', 'Doxycycline', 'Vibramycin', 'capsule', '100 mg', 'oral', 'J01AA02', 'tetracyclines', 'capsule', '1 capsule', 1, 'once_daily', 7, NULL, 'Swallow with a full glass of water, sitting upright. Avoid strong sunlight.'),
('med-ciprofloxacin-500-mg-tablet', 'Ciprofloxacin', 'Cipro, Ciproxin', 'tablet', '500 mg', 'oral', 'J01MA02', 'fluoroquinolones', 'tablet', '1 tablet', 1, 'twice_daily', 7, NULL, 'Do not take with milk or antacids.'),
('med-levofloxacin-500-mg-tablet', 'Levofloxacin', 'Levaquin, Tavanic', 'tablet', '500 mg', 'oral', 'J01MA12', 'fluoroquinolones', 'tablet', '1 tablet', 1, 'once_daily', 7, NULL, ''),
('med-nitrofurantoin-100-mg-capsule', 'Nitrofurantoin', 'Macrobid', 'capsule', '100 mg', 'oral', 'J01XE01', 'nitrofurans', 'capsule', '1 capsule', 1, 'twice_daily', 5, NULL, 'Take with food.'),
('med-trimethoprim-and-sulfamethoxazole-160-mg-800-mg-tablet', 'Trimethoprim and sulfamethoxazole', 'Bactrim, Co-trimoxazole', 'tablet', '160 mg/800 mg', 'oral', 'J01EE01', 'sulfonamides', 'tablet', '1 tablet', 1, 'twice_daily', 7, NULL, 'Drink plenty of fluids.'),
('med-metronidazole-500-mg-tablet', 'Metronidazole', 'Flagyl', 'tablet', '500 mg', 'oral', 'P01AB01', 'nitroimidazoles', 'tablet', '1 tablet', 1, 'three_times_daily', 7, NULL, 'Do not drink alcohol during the course and for 48 hours after.'),
('med-clindamycin-300-mg-capsule', 'Clindamycin', 'Dalacin, Cleocin', 'capsule', '300 mg', 'oral', 'J01FF01', 'lincosamides', 'capsule', '1 capsule', 1, 'four_times_daily', 7, NULL, ''),
('med-fluconazole-150-mg-capsule', 'Fluconazole', 'Diflucan', 'capsule', '150 mg', 'oral', 'J02AC01', 'azole antifungals', 'capsule', '1 capsule', 1, 'once', NULL, 1, 'Single dose.'),
('med-aciclovir-400-mg-tablet', 'Aciclovir', 'Zovirax', 'tablet', '400 mg', 'oral', 'J05AB01', 'antivirals', 'tablet', '1 tablet', 1, 'five_times_daily', 5, NULL, ''),
('med-oseltamivir-75-mg-capsule', 'Oseltamivir', 'Tamiflu', 'capsule', '75 mg', 'oral', 'J05AH02', 'antivirals', 'capsule', '1 capsule', 1, 'twice_daily', 5, NULL, ''),
('med-paracetamol-500-mg-tablet', 'Paracetamol', 'Panadol, Tylenol, Acetaminophen', 'tablet', '500 mg', 'oral', 'N02BE01', 'analgesics', 'tablet', '2 tablets', 2, 'four_times_daily', 5, NULL, 'At most 8 tablets in 24 hours. At least 4 hours between doses.'),
('med-ibuprofen-400-mg-tablet', 'Ibuprofen', 'Brufen, Advil, Nurofen', 'tablet', '400 mg', 'oral', 'M01AE01', 'nsaids', 'tablet', '1 tablet', 1, 'three_times_daily', 5, NULL, 'Take with or after food.'),
('med-naproxen-500-mg-tablet', 'Naproxen', 'Naprosyn, Aleve', 'tablet', '500 mg', 'oral', 'M01AE02', 'nsaids', 'tablet', '1 tablet', 1, 'twice_daily', 5, NULL, 'Take with or after food.'),
('med-diclofenac-50-mg-tablet', 'Diclofenac', 'Voltaren', 'tablet', '50 mg', 'oral', 'M01AB05', 'nsaids', 'tablet', '1 tablet', 1, 'three_times_daily', 5, NULL, 'Take with or after food.'),
('med-acetylsalicylic-acid-75-mg-tablet', 'Acetylsalicylic acid', 'Aspirin', 'tablet', '75 mg', 'oral', 'B01AC06', 'salicylates,nsaids', 'tablet', '1 tablet', 1, 'once_daily', NULL, NULL, 'Take with food.'),
('med-tramadol-50-mg-capsule', 'Tramadol', 'Tramal, Ultram', 'capsule', '50 mg', 'oral', 'N02AX02', 'opioids', 'capsule', '1 capsule', 1, 'four_times_daily', 5, NULL, 'May cause drowsiness: do not drive. At most 8 capsules in 24 hours.'),
('med-codeine-phosphate-30-mg-tablet', 'Codeine phosphate', '', 'tablet', '30 mg', 'oral', 'N02AJ06', 'opioids', 'tablet', '1 tablet', 1, 'four_times_daily', 3, NULL, 'May cause drowsiness and constipation.'),
('med-sumatriptan-50-mg-tablet', 'Sumatriptan', 'Imitrex, Imigran', 'tablet', '50 mg', 'oral', 'N02CC01', 'triptans', 'tablet', '1 tablet', 1, 'as_needed', NULL, 6, 'At migraine onset; a second dose after 2 hours at the earliest. At most 300 mg in 24 hours.'),
('med-amlodipine-5-mg-tablet', 'Amlodipine', 'Norvasc', 'tablet', '5 mg', 'oral', 'C08CA01', 'calcium channel blockers', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-lisinopril-10-mg-tablet', 'Lisinopril', 'Zestril, Prinivil', 'tablet', '10 mg', 'oral', 'C09AA03', 'ace inhibitors', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-ramipril-5-mg-capsule', 'Ramipril', 'Tritace, Altace', 'capsule', '5 mg', 'oral', 'C09AA05', 'ace inhibitors', 'capsule', '1 capsule', 1, 'once_daily', 30, NULL, ''),
('med-enalapril-10-mg-tablet', 'Enalapril', 'Vasotec, Renitec', 'tablet', '10 mg', 'oral', 'C09AA02', 'ace inhibitors', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-losartan-50-mg-tablet', 'Losartan', 'Cozaar', 'tablet', '50 mg', 'oral', 'C09CA01', 'angiotensin receptor blockers', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-valsartan-80-mg-tablet', 'Valsartan', 'Diovan', 'tablet', '80 mg', 'oral', 'C09CA03', 'angiotensin receptor blockers', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-bisoprolol-5-mg-tablet', 'Bisoprolol', 'Concor', 'tablet', '5 mg', 'oral', 'C07AB07', 'beta blockers', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-metoprolol-succinate-50-mg-prolonged-release-tablet', 'Metoprolol succinate', 'Toprol-XL, Betaloc ZOK', 'prolonged-release tablet', '50 mg', 'oral', 'C07AB02', 'beta blockers', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Swallow whole.'),
('med-atenolol-50-mg-tablet', 'Atenolol', 'Tenormin', 'tablet', '50 mg', 'oral', 'C07AB03', 'beta blockers', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-hydrochlorothiazide-25-mg-tablet', 'Hydrochlorothiazide', '', 'tablet', '25 mg', 'oral', 'C03AA03', 'thiazides', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Take in the morning.'),
('med-indapamide-1-5-mg-prolonged-release-tablet', 'Indapamide', 'Natrilix', 'prolonged-release tablet', '1.5 mg', 'oral', 'C03BA11', 'thiazides', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Take in the morning.'),
('med-furosemide-40-mg-tablet', 'Furosemide', 'Lasix', 'tablet', '40 mg', 'oral', 'C03CA01', 'loop diuretics', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Take in the morning.'),
('med-spironolactone-25-mg-tablet', 'Spironolactone', 'Aldactone', 'tablet', '25 mg', 'oral', 'C03DA01', 'potassium-sparing diuretics', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-atorvastatin-20-mg-tablet', 'Atorvastatin', 'Lipitor', 'tablet', '20 mg', 'oral', 'C10AA05', 'statins', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-simvastatin-20-mg-tablet', 'Simvastatin', 'Zocor', 'tablet', '20 mg', 'oral', 'C10AA01', 'statins', 'tablet', '1 tablet', 1, 'at_bedtime', 30, NULL, ''),
('med-rosuvastatin-10-mg-tablet', 'Rosuvastatin', 'Crestor', 'tablet', '10 mg', 'oral', 'C10AA07', 'statins', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-clopidogrel-75-mg-tablet', 'Clopidogrel', 'Plavix', 'tablet', '75 mg', 'oral', 'B01AC04', 'antiplatelets', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-warfarin-5-mg-tablet', 'Warfarin', 'Coumadin, Marevan', 'tablet', '5 mg', 'oral', 'B01AA03', 'coumarins', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Dose as directed by INR results. Take at the same time each day.'),
('med-apixaban-5-mg-tablet', 'Apixaban', 'Eliquis', 'tablet', '5 mg', 'oral', 'B01AF02', 'anticoagulants', 'tablet', '1 tablet', 1, 'twice_daily', 30, NULL, ''),
('med-rivaroxaban-20-mg-tablet', 'Rivaroxaban', 'Xarelto', 'tablet', '20 mg', 'oral', 'B01AF01', 'anticoagulants', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Take with food.'),
('med-glyceryl-trinitrate-400-micrograms-dose-sublingual-spray', 'Glyceryl trinitrate', 'Nitrolingual, Nitroglycerin', 'sublingual spray', '400 micrograms/dose', 'sublingual', 'C01DA02', 'nitrates', 'spray', '1-2 sprays', NULL, 'as_needed', NULL, 1, 'Sit down before use. Call an ambulance if chest pain lasts more than 5 minutes after the second dose.'),
('med-metformin-500-mg-tablet', 'Metformin', 'Glucophage', 'tablet', '500 mg', 'oral', 'A10BA02', 'biguanides', 'tablet', '1 tablet', 1, 'twice_daily', 30, NULL, 'Take with meals.'),
('med-metformin-850-mg-tablet', 'Metformin', 'Glucophage', 'tablet', '850 mg', 'oral', 'A10BA02', 'biguanides', 'tablet', '1 tablet', 1, 'twice_daily', 30, NULL, 'Take with meals.'),
('med-gliclazide-80-mg-tablet', 'Gliclazide', 'Diamicron', 'tablet', '80 mg', 'oral', 'A10BB09', 'sulfonylureas', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Take with breakfast.'),
('med-sitagliptin-100-mg-tablet', 'Sitagliptin', 'Januvia', 'tablet', '100 mg', 'oral', 'A10BH01', 'dpp-4 inhibitors', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-empagliflozin-10-mg-tablet', 'Empagliflozin', 'Jardiance', 'tablet', '10 mg', 'oral', 'A10BK03', 'sglt2 inhibitors', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-insulin-glargine-100-units-ml-3-ml-pre-filled-pen', 'Insulin glargine', 'Lantus, Toujeo', 'pre-filled pen', '100 units/ml (3 ml)', 'subcutaneous', 'A10AE04', 'insulins', 'pen', '10 units', NULL, 'at_bedtime', NULL, 5, 'Dose as directed. Rotate injection sites.'),
('med-levothyroxine-50-micrograms-tablet', 'Levothyroxine', 'Synthroid, Euthyrox', 'tablet', '50 micrograms', 'oral', 'H03AA01', 'thyroid hormones', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Take on an empty stomach, 30 minutes before breakfast.'),
('med-prednisolone-5-mg-tablet', 'Prednisolone', '', 'tablet', '5 mg', 'oral', 'H02AB06', 'corticosteroids', 'tablet', '8 tablets', 8, 'once_daily', 5, NULL, 'Take in the morning with food.'),
('med-salbutamol-100-micrograms-dose-inhaler', 'Salbutamol', 'Ventolin', 'inhaler', '100 micrograms/dose', 'inhaled', 'R03AC02', 'beta2 agonists', 'inhaler', '2 puffs', NULL, 'as_needed', NULL, 1, 'Use a spacer. See a doctor if needed more than 3 times a week.'),
('med-budesonide-and-formoterol-160-4-5-micrograms-dose-inhaler', 'Budesonide and formoterol', 'Symbicort', 'inhaler', '160/4.5 micrograms/dose', 'inhaled', 'R03AK07', 'inhaled corticosteroids', 'inhaler', '1 puff', NULL, 'twice_daily', NULL, 1, 'Rinse the mouth after use.'),
('med-fluticasone-propionate-50-micrograms-dose-nasal-spray', 'Fluticasone propionate', 'Flonase, Flixonase', 'nasal spray', '50 micrograms/dose', 'nasal', 'R01AD08', 'corticosteroids', 'bottle', '2 sprays in each nostril', NULL, 'once_daily', NULL, 1, ''),
('med-montelukast-10-mg-tablet', 'Montelukast', 'Singulair', 'tablet', '10 mg', 'oral', 'R03DC03', 'leukotriene antagonists', 'tablet', '1 tablet', 1, 'at_bedtime', 30, NULL, ''),
('med-cetirizine-10-mg-tablet', 'Cetirizine', 'Zyrtec', 'tablet', '10 mg', 'oral', 'R06AE07', 'antihistamines', 'tablet', '1 tablet', 1, 'once_daily', 14, NULL, 'May cause drowsiness.'),
('med-loratadine-10-mg-tablet', 'Loratadine', 'Claritin', 'tablet', '10 mg', 'oral', 'R06AX13', 'antihistamines', 'tablet', '1 tablet', 1, 'once_daily', 14, NULL, ''),
('med-omeprazole-20-mg-capsule', 'Omeprazole', 'Losec, Prilosec', 'capsule', '20 mg', 'oral', 'A02BC01', 'proton pump inhibitors', 'capsule', '1 capsule', 1, 'once_daily', 28, NULL, 'Take before breakfast.'),
('med-pantoprazole-40-mg-tablet', 'Pantoprazole', 'Protonix, Controloc', 'tablet', '40 mg', 'oral', 'A02BC02', 'proton pump inhibitors', 'tablet', '1 tablet', 1, 'once_daily', 28, NULL, 'Take before breakfast.'),
('med-esomeprazole-40-mg-tablet', 'Esomeprazole', 'Nexium', 'tablet', '40 mg', 'oral', 'A02BC05', 'proton pump inhibitors', 'tablet', '1 tablet', 1, 'once_daily', 28, NULL, 'Take before breakfast.'),
('med-ondansetron-4-mg-tablet', 'Ondansetron', 'Zofran', 'tablet', '4 mg', 'oral', 'A04AA01', 'antiemetics', 'tablet', '1 tablet', 1, 'three_times_daily', 3, NULL, ''),
('med-metoclopramide-10-mg-tablet', 'Metoclopramide', 'Maxolon, Reglan', 'tablet', '10 mg', 'oral', 'A03FA01', 'antiemetics', 'tablet', '1 tablet', 1, 'three_times_daily', 5, NULL, 'At most 5 days.'),
('med-loperamide-2-mg-capsule', 'Loperamide', 'Imodium', 'capsule', '2 mg', 'oral', 'A07DA03', 'antidiarrhoeals', 'capsule', '1 capsule', 1, 'as_needed', NULL, 12, '2 capsules at first, then 1 after each loose stool; at most 8 in 24 hours.'),
('med-lactulose-10-g-15-ml-oral-solution', 'Lactulose', 'Duphalac', 'oral solution', '10 g/15 ml', 'oral', 'A06AD11', 'laxatives', 'bottle (300 ml)', '15 ml', NULL, 'twice_daily', NULL, 1, ''),
('med-sertraline-50-mg-tablet', 'Sertraline', 'Zoloft', 'tablet', '50 mg', 'oral', 'N06AB06', 'ssris', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Do not stop suddenly.'),
('med-fluoxetine-20-mg-capsule', 'Fluoxetine', 'Prozac', 'capsule', '20 mg', 'oral', 'N06AB03', 'ssris', 'capsule', '1 capsule', 1, 'once_daily', 30, NULL, 'Do not stop suddenly.'),
('med-escitalopram-10-mg-tablet', 'Escitalopram', 'Cipralex, Lexapro', 'tablet', '10 mg', 'oral', 'N06AB10', 'ssris', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Do not stop suddenly.'),
('med-amitriptyline-10-mg-tablet', 'Amitriptyline', '', 'tablet', '10 mg', 'oral', 'N06AA09', 'tricyclic antidepressants', 'tablet', '1 tablet', 1, 'at_bedtime', 30, NULL, 'May cause drowsiness.'),
('med-diazepam-5-mg-tablet', 'Diazepam', 'Valium', 'tablet', '5 mg', 'oral', 'N05BA01', 'benzodiazepines', 'tablet', '1 tablet', 1, 'twice_daily', 5, NULL, 'May cause drowsiness: do not drive. Do not drink alcohol.'),
('med-zolpidem-10-mg-tablet', 'Zolpidem', 'Stilnox, Ambien', 'tablet', '10 mg', 'oral', 'N05CF02', 'hypnotics', 'tablet', '1 tablet', 1, 'at_bedtime', 7, NULL, 'Take immediately before bed. Do not drink alcohol.'),
('med-gabapentin-300-mg-capsule', 'Gabapentin', 'Neurontin', 'capsule', '300 mg', 'oral', 'N03AX12', 'gabapentinoids', 'capsule', '1 capsule', 1, 'three_times_daily', 30, NULL, ''),
('med-levetiracetam-500-mg-tablet', 'Levetiracetam', 'Keppra', 'tablet', '500 mg', 'oral', 'N03AX14', 'antiepileptics', 'tablet', '1 tablet', 1, 'twice_daily', 30, NULL, 'Do not stop suddenly.'),
('med-allopurinol-100-mg-tablet', 'Allopurinol', 'Zyloprim', 'tablet', '100 mg', 'oral', 'M04AA01', 'xanthine oxidase inhibitors', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, 'Take after food with plenty of water.'),
('med-colchicine-500-micrograms-tablet', 'Colchicine', '', 'tablet', '500 micrograms', 'oral', 'M04AC01', 'antigout', 'tablet', '1 tablet', 1, 'twice_daily', 7, NULL, 'Stop and call the clinic if diarrhoea occurs.'),
('med-alendronic-acid-70-mg-tablet', 'Alendronic acid', 'Fosamax', 'tablet', '70 mg', 'oral', 'M05BA04', 'bisphosphonates', 'tablet', '1 tablet', 1, 'once_weekly', 28, NULL, 'Take on an empty stomach with a full glass of water; stay upright for 30 minutes.'),
('med-tamsulosin-400-micrograms-prolonged-release-capsule', 'Tamsulosin', 'Flomax, Omnic', 'prolonged-release capsule', '400 micrograms', 'oral', 'G04CA02', 'alpha blockers', 'capsule', '1 capsule', 1, 'once_daily', 30, NULL, 'Take after the same meal each day.'),
('med-folic-acid-5-mg-tablet', 'Folic acid', '', 'tablet', '5 mg', 'oral', 'B03BB01', 'vitamins', 'tablet', '1 tablet', 1, 'once_daily', 30, NULL, ''),
('med-ferrous-sulfate-200-mg-tablet', 'Ferrous sulfate', '', 'tablet', '200 mg', 'oral', 'B03AA07', 'iron preparations', 'tablet', '1 tablet', 1, 'twice_daily', 30, NULL, 'May darken stools.'),
('med-colecalciferol-1000-iu-capsule', 'Colecalciferol', 'Vitamin D3', 'capsule', '1000 IU', 'oral', 'A11CC05', 'vitamins', 'capsule', '1 capsule', 1, 'once_daily', 30, NULL, ''),
('med-hydrocortisone-1-cream', 'Hydrocortisone', 'Hydrocortisone cream', 'cream', '1%', 'topical', 'D07AA02', 'corticosteroids', 'tube (30 g)', 'apply thinly', NULL, 'twice_daily', 7, 1, 'Apply to the affected skin only.'),
('med-clotrimazole-1-cream', 'Clotrimazole', 'Canesten', 'cream', '1%', 'topical', 'D01AC01', 'azole antifungals', 'tube (20 g)', 'apply thinly', NULL, 'twice_daily', 14, 1, 'Continue for 2 weeks after the rash clears.'),
('med-chloramphenicol-0-5-eye-drops', 'Chloramphenicol', 'Chloromycetin', 'eye drops', '0.5%', 'ophthalmic', 'S01AA01', 'amphenicols', 'bottle (10 ml)', '1 drop', NULL, 'four_times_daily', 5, 1, 'Discard 28 days after opening.'));
