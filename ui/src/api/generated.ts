// Generated from the Rust types by clinicdesk-core (ts-rs). Do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p clinicdesk-core --test bindings

export type AddAttachmentInput = { patient_id: string, encounter_id?: string | null, file_name: string, media_type: string, 
/**
 * The file, base64 (standard alphabet).
 */
content_base64: string, description: string, };

export type AddAvailabilityExceptionInput = { doctor_id: string, 
/**
 * `unavailable` (leave, holiday) or `extra` (one-off hours).
 */
kind: string, 
/**
 * Clinic time, `YYYY-MM-DDTHH:MM`.
 */
starts_at: string, ends_at: string, reason?: string | null, };

export type AddDiagnosisInput = { encounter_id: string, 
/**
 * An ICD-10-CM code, with or without its dot.
 */
code: string, rank?: DiagnosisRank | null, certainty?: DiagnosisCertainty | null, note: string, 
/**
 * Required once the encounter is signed: the diagnosis is then an amendment.
 */
reason: string, };

export type AddInvoiceLineInput = { invoice_id: string, 
/**
 * From the price list; absent: a line typed by hand (description, unit price required).
 */
price_item_id?: string | null, description?: string | null, 
/**
 * Default "1".
 */
quantity?: string | null, 
/**
 * Default: the price list's price on the service date.
 */
unit_price?: string | null, 
/**
 * For a line typed by hand; default: Standard.
 */
tax_category_id?: string | null, discount_kind: DiscountKind, discount_value: string, };

export type AddPrescriptionItemInput = { prescription_id: string, medication_id: string, dose?: string | null, route?: Route | null, frequency?: Frequency | null, 
/**
 * Days; 0 means ongoing (no end date).
 */
duration_days?: number | null, 
/**
 * Dispense units; absent: worked out from dose, frequency and duration when it can be.
 */
quantity?: number | null, refills?: number | null, instructions?: string | null, };

export type AddProblemInput = { patient_id: string, 
/**
 * Free text; may be left empty when a code or a diagnosis names the problem.
 */
description: string, 
/**
 * An ICD-10-CM code (with or without its dot) to code the problem with.
 */
code?: string | null, 
/**
 * A diagnosis of this patient that the problem comes from (its code is taken).
 */
from_diagnosis_id?: string | null, 
/**
 * YYYY-MM-DD, or empty when unknown.
 */
onset_date: string, note: string, };

export type AddToWaitlistInput = { patient_id: string, visit_type_id: string, 
/**
 * A doctor; or a specialization (any of its doctors).
 */
doctor_id?: string | null, specialization?: string | null, note?: string | null, };

export type Allergy = { id: string, substance: string, reaction: string, severity: AllergySeverity, status: AllergyStatus, recorded_at: string, updated_at: string, };

export type AllergyInput = { substance: string, reaction?: string | null, severity: AllergySeverity, };

export type AllergySeverity = "mild" | "moderate" | "severe" | "unknown";

export type AllergyStatus = "active" | "resolved" | "entered_in_error";

export type AmendNoteInput = { note: EncounterNoteInput, 
/**
 * Why the signed note changes (kept with the amendment).
 */
reason: string, };

export type AppError = { code: ErrorCode, message: string, field?: string, };

export type AppStatus = { initialized: boolean, clinic_name: string | null, version: string, workstation_id: string, schema_version: number, };

export type Appointment = { id: string, patient_id: string, patient_name: string, patient_mrn: string, doctor_id: string, doctor_name: string, visit_type_id: string, visit_type: string, 
/**
 * UTC, RFC 3339.
 */
starts_at: string, 
/**
 * End of the visit plus its buffer (the doctor's busy time), UTC.
 */
ends_at: string, status: Status, reason: string, room: string, walk_in: boolean, series_id: string | null, cancel_reason: string, checked_in_at: string | null, };

export type AppointmentRef = { appointment_id: string, };

export type Attachment = { id: string, patient_id: string, encounter_id: string | null, file_name: string, media_type: string, size_bytes: number, sha256: string, description: string, added_by_name: string, added_at: string, entered_in_error: boolean, error_reason: string, };

export type AttachmentContent = { attachment: Attachment, content_base64: string, };

export type AttachmentErrorInput = { attachment_id: string, reason: string, };

export type AttachmentRef = { attachment_id: string, };

export type AuditRecord = { seq: number, id: string, at: string, workstation_id: string, actor_id: string | null, actor_name: string, actor_role: string | null, action: string, outcome: string, record_table: string | null, record_id: string | null, detail: string, };

export type Availability = "available" | "busy" | "away" | "offline";

export type AvailabilityBlock = { 
/**
 * ISO weekday: 1 = Monday … 7 = Sunday.
 */
weekday: number, 
/**
 * `HH:MM`, clinic time.
 */
start: string, end: string, room: string, };

export type AvailabilityException = { id: string, 
/**
 * `unavailable` (leave, holiday) or `extra` (one-off hours).
 */
kind: string, starts_at: string, ends_at: string, reason: string, };

export type BackupInput = { 
/**
 * Where to write the backup file (its folder must exist).
 */
path: string, };

export type BackupReport = { path: string, bytes: number, 
/**
 * The recovery envelope written beside it, when the clinic has one.
 */
recovery_file: string | null, };

export type BillingDocument = "invoice" | "credit_note" | "receipt" | "cash_closing";

export type BillingPdf = { 
/**
 * e.g. "invoice-INV-K7Q-000042.pdf"
 */
file_name: string, content_base64: string, 
/**
 * A draft invoice prints marked "not an invoice".
 */
draft: boolean, };

export type BlockInput = { weekday: number, start: string, end: string, room?: string | null, };

export type BookAppointmentInput = { patient_id: string, doctor_id: string, visit_type_id: string, 
/**
 * Clinic time, `YYYY-MM-DDTHH:MM`.
 */
starts_at: string, reason?: string | null, 
/**
 * A walk-in: booked now, already checked in.
 */
walk_in?: boolean | null, 
/**
 * Book outside the doctor's availability anyway (reception decides).
 */
outside_availability?: boolean | null, 
/**
 * Book although the patient has another appointment at that time.
 */
acknowledge_patient_overlap?: boolean | null, 
/**
 * Repeat the booking (e.g. weekly for 8 weeks): every occurrence is checked, all are
 * booked or none.
 */
repeat?: RepeatInput | null, };

export type CallNextInput = { doctor_id: string, };

export type CancelAppointmentInput = { appointment_id: string, reason: string, 
/**
 * For an appointment of a series: this one only (default) or this and the following ones.
 */
scope?: SeriesScope | null, };

export type CashClosing = { id: string, workstation_id: string, closed_by_name: string | null, closed_at: string, period_start: string | null, payment_count: number, by_method: Array<MethodTotal>, expected_cash: string, counted_cash: string, 
/**
 * counted − expected: negative means cash is missing.
 */
difference: string, note: string, currency: string, payments: Array<Payment>, };

export type CashClosingPdfInput = { closing_id: string, };

export type CashClosingPreview = { workstation_id: string, 
/**
 * The previous closing of this desk (None: the first one).
 */
period_start: string | null, payments: Array<Payment>, by_method: Array<MethodTotal>, expected_cash: string, currency: string, };

export type ChainReport = { entries: number, problems: Array<string>, };

export type ChangePasswordInput = { current_password: string, new_password: string, };

export type ClinicSettings = { name: string, address: string, phone: string, 
/**
 * IANA time zone, e.g. `Europe/Rome`; times are stored in UTC and shown in this zone.
 */
time_zone: string, 
/**
 * ISO 4217 code, e.g. `EUR`.
 */
currency: string, 
/**
 * BCP 47 language tag for dates and numbers, e.g. `en` or `it-IT`.
 */
locale: string, 
/**
 * Minutes of inactivity before a workstation locks (1–30).
 */
idle_lock_minutes: number, 
/**
 * The letterhead logo as a `data:image/png;base64,…` (or JPEG) URL, at most 256 KB;
 * empty for none.
 */
logo_data_url: string, 
/**
 * Default tax rate in percent, an exact decimal such as `22` or `7.5` (0–100).
 */
default_tax_rate: string, 
/**
 * Prefix of invoice numbers, e.g. `INV` (1–10 of A–Z, 0–9, `-`).
 */
invoice_series_prefix: string, 
/**
 * How a national id looks here, as a regular expression (empty: any text).
 */
national_id_pattern: string, 
/**
 * An example national id, shown when one does not match the pattern.
 */
national_id_example: string, 
/**
 * The clinic's email address for the letterhead (empty for none).
 */
email: string, 
/**
 * Paper of printed documents (prescriptions, invoices).
 */
paper_size: PaperSize, 
/**
 * Price list prices include tax (tax is taken out of them) or not (tax is added).
 */
prices_include_tax: boolean, 
/**
 * How amounts are rounded to the currency's minor unit.
 */
rounding: Rounding, 
/**
 * Receipts on the paper size above or on an 80 mm thermal roll.
 */
receipt_paper: ReceiptPaper, };

export type CloseCashInput = { counted_cash: string, 
/**
 * Required when counted and expected cash differ.
 */
note: string, };

export type ConflictBooking = { appointment_id: string, patient_id: string, patient_name: string, doctor_id: string, doctor_name: string, starts_at: string, ends_at: string, status: string, 
/**
 * Who booked it (the user's name), when known on this workstation.
 */
booked_by: string, booked_at: string, };

export type ConflictKind = "double_booking" | "refused_change" | "possible_duplicate";

export type ConflictPatient = { patient_id: string, mrn: string, name: string, date_of_birth?: string | null, phone: string, merged_into?: string | null, };

export type CreateInvoiceInput = { patient_id: string, 
/**
 * The date of the service (YYYY-MM-DD, prices of that day); absent: today.
 */
service_date?: string | null, doctor_id?: string | null, notes: string, };

export type CreatePrescriptionInput = { patient_id: string, encounter_id?: string | null, notes: string, };

export type CreateUserInput = { username: string, full_name: string, role: Role, password: string, specialization?: string | null, licence_number?: string | null, department?: string | null, 
/**
 * Ask the user to choose their own password at first sign-in (default: yes).
 */
must_change_password: boolean, };

export type CreditLineInput = { invoice_line_id: string, quantity: string, };

export type CreditNote = { id: string, invoice_id: string, 
/**
 * "CN-K7Q-000003".
 */
number: string, reason: string, net_total: string, tax_total: string, total: string, 
/**
 * Paid back against this note so far (positive).
 */
refunded: string, issued_at: string, issued_by_name: string | null, lines: Array<CreditNoteLine>, };

export type CreditNoteLine = { invoice_line_id: string, description: string, quantity: string, net: string, tax: string, total: string, };

export type CreditNotePdfInput = { credit_note_id: string, };

export type CsvExport = { file_name: string, content: string, rows: number, };

export type CurrentMedication = { item: PrescriptionItem, prescription_id: string, prescriber_name: string, signed_at: string, 
/**
 * The last day of the course (with its refills); None: ongoing.
 */
ends_on: string | null, };

export type DayList = { date: string, time_zone: string, 
/**
 * UTC bounds of the local day (23 or 25 hours long on daylight-saving days).
 */
day_starts_at: string, day_ends_at: string, appointments: Array<Appointment>, };

export type DemoClinic = { clinic_name: string, users: Array<DemoUser>, 
/**
 * Shown once, like a real clinic's (absent for in-memory stores).
 */
recovery_passphrase: string | null, };

export type DemoUser = { username: string, full_name: string, role: Role, password: string, };

export type Department = { id: string, name: string, description: string, active: boolean, 
/**
 * Active accounts in this department.
 */
staff_count: number, };

export type DepartmentInput = { name: string, description?: string | null, };

export type Diagnosis = { id: string, encounter_id: string, patient_id: string, 
/**
 * ICD-10-CM code with its dot, e.g. "E11.9".
 */
code: string, description: string, rank: DiagnosisRank, certainty: DiagnosisCertainty, note: string, 
/**
 * Why it was added after signing (empty when added to the open encounter).
 */
amendment_reason: string, recorded_by_name: string, recorded_at: string, entered_in_error: boolean, error_reason: string, };

export type DiagnosisCertainty = "confirmed" | "provisional";

export type DiagnosisErrorInput = { diagnosis_id: string, reason: string, };

export type DiagnosisRank = "primary" | "secondary";

export type DiscardInvoiceInput = { invoice_id: string, reason: string, };

export type DiscountKind = "none" | "percent" | "amount";

export type DismissSyncConflictInput = { conflict_id: string, 
/**
 * Why (e.g. "different people: twins"); kept in the audit log.
 */
reason: string, };

export type DisplayDoctor = { name: string, specialization: string | null, availability: Availability, room: string, 
/**
 * The ticket in consultation with this doctor now.
 */
now_serving: number | null, };

export type DisplayTicket = { ticket: number, initials: string, doctor_name: string, 
/**
 * The doctor's place in `doctors` (two doctors may share a name).
 */
doctor_index: number, position: number, };

export type DoctorAvailability = { doctor_id: string, blocks: Array<AvailabilityBlock>, 
/**
 * Exceptions that end after now.
 */
exceptions: Array<AvailabilityException>, };

export type DoctorRef = { doctor_id: string, };

export type Done = { ok: boolean, };

export type DuplicateCandidate = { patient: PatientHit, 
/**
 * Why it was proposed, e.g. "same date of birth and a similar name".
 */
reasons: Array<string>, };

export type DuplicateQuery = { patient: PatientInput, 
/**
 * When editing: the patient being edited is not its own duplicate.
 */
exclude_patient_id?: string | null, };

export type Encounter = { summary: EncounterSummary, 
/**
 * The note as it reads now (the last version), if any was written.
 */
note: NoteVersion | null, 
/**
 * Every version, oldest first: drafts, the signed text, amendments.
 */
history: Array<NoteVersion>, vitals: Array<Vitals>, 
/**
 * ICD-10-CM diagnoses, primary first (entered-in-error ones included, marked).
 */
diagnoses: Array<Diagnosis>, attachments: Array<Attachment>, };

export type EncounterNoteInput = { encounter_id: string, subjective: string, objective: string, assessment: string, plan: string, };

export type EncounterRef = { encounter_id: string, };

export type EncounterStatus = "open" | "signed" | "entered_in_error";

export type EncounterSummary = { id: string, patient_id: string, doctor_id: string, doctor_name: string, appointment_id: string | null, 
/**
 * UTC, RFC 3339.
 */
started_at: string, status: EncounterStatus, signed_at: string | null, signed_by_name: string | null, error_reason: string, 
/**
 * The assessment's first line (for lists and the chart timeline).
 */
headline: string, amendments: number, };

export type EnteredInErrorInput = { encounter_id: string, reason: string, };

export type ErrorCode = "validation" | "not_found" | "conflict" | "unauthenticated" | "session_locked" | "permission_denied" | "invalid_credentials" | "locked_out" | "account_disabled" | "password_change_required" | "wrong_key" | "schema_too_new" | "not_initialized" | "keychain" | "io" | "storage" | "integrity" | "internal";

export type FindSlotsInput = { visit_type_id: string, 
/**
 * One doctor; or leave out for a specialization or the whole clinic.
 */
doctor_id?: string | null, specialization?: string | null, 
/**
 * First clinic date to look at (default: today).
 */
from_date?: string | null, 
/**
 * 1–50, default 10.
 */
count?: number | null, };

export type Frequency = "once" | "once_daily" | "twice_daily" | "three_times_daily" | "four_times_daily" | "five_times_daily" | "every_4_hours" | "every_6_hours" | "every_8_hours" | "every_12_hours" | "at_bedtime" | "once_weekly" | "as_needed";

export type FromAppointmentInput = { appointment_id: string, };

export type Icd10SearchResult = { codes: Array<IcdCode>, 
/**
 * How many codes matched in all (the list shows the best `limit` of them).
 */
total: number, release: string, };

export type IcdCode = { 
/**
 * The code with its dot, e.g. "E11.9".
 */
code: string, description: string, 
/**
 * A leaf code that can be recorded; categories (e.g. "E11") only group codes.
 */
billable: boolean, };

export type Invoice = { id: string, patient: InvoicePatient, status: InvoiceStatus, 
/**
 * "INV-K7Q-000042" once issued.
 */
number: string | null, appointment_id: string | null, encounter_id: string | null, doctor_id: string | null, doctor_name: string | null, service_date: string, currency: string, prices_include_tax: boolean, 
/**
 * The rounding rule the invoice was made with.
 */
rounding: Rounding, discount_kind: DiscountKind, discount_value: string, notes: string, due_date: string | null, lines: Array<InvoiceLine>, taxes: Array<TaxLine>, subtotal: string, discount_total: string, net_total: string, tax_total: string, total: string, 
/**
 * Σ credit notes.
 */
credited: string, 
/**
 * Σ payments − Σ refunds.
 */
paid: string, 
/**
 * total − credited − paid; negative: money owed back to the patient.
 */
balance: string, payment_status: PaymentStatus, payments: Array<Payment>, credit_notes: Array<CreditNote>, created_by_name: string | null, created_at: string, issued_at: string | null, issued_by_name: string | null, discard_reason: string, };

export type InvoiceLine = { id: string, position: number, price_item_id: string | null, kind: PriceItemKind, code: string, description: string, 
/**
 * Exact decimal text ("1", "2.5").
 */
quantity: string, unit: string, unit_price: string, discount_kind: DiscountKind, discount_value: string, tax_category_id: string, tax_name: string, tax_rate: string, 
/**
 * quantity × unit price.
 */
gross: string, 
/**
 * The line's own discount plus its share of the invoice's.
 */
discount: string, 
/**
 * Without tax.
 */
net: string, tax: string, 
/**
 * With tax.
 */
total: string, 
/**
 * How much of the quantity credit notes have taken back.
 */
credited_quantity: string, };

export type InvoicePatient = { id: string, name: string, mrn: string, };

export type InvoicePdfInput = { invoice_id: string, };

export type InvoiceRef = { invoice_id: string, };

export type InvoiceStatus = "draft" | "issued" | "discarded";

export type InvoiceSummary = { id: string, number: string | null, status: InvoiceStatus, patient: InvoicePatient, doctor_name: string | null, service_date: string, issued_at: string | null, due_date: string | null, currency: string, total: string, credited: string, paid: string, balance: string, created_at: string, };

export type IssueCreditNoteInput = { invoice_id: string, reason: string, 
/**
 * The lines and quantities taken back; absent: everything not yet credited.
 */
lines?: Array<CreditLineInput> | null, };

export type ItemStatus = "active" | "removed" | "discontinued" | "entered_in_error";

export type JoinClinicServerInput = { server_url: string, workstation_name: string, password?: string | null, };

export type ListAuditInput = { 
/**
 * Page backwards: entries older than this position.
 */
before_seq?: number | null, 
/**
 * At most this many entries (1–500, default 100).
 */
limit?: number | null, };

export type ListCashClosingsInput = { 
/**
 * Absent: every desk.
 */
this_desk_only: boolean, limit?: number | null, };

export type ListDayInput = { 
/**
 * The clinic's local date, `YYYY-MM-DD`.
 */
date: string, doctor_id?: string | null, 
/**
 * Include cancelled and no-show appointments.
 */
include_inactive?: boolean | null, 
/**
 * How many days from `date` (1–7, default 1): 7 for a week view.
 */
days?: number | null, };

export type ListDepartmentsInput = { include_inactive?: boolean | null, };

export type ListInvoicesInput = { patient_id?: string | null, status?: InvoiceStatus | null, 
/**
 * Only issued invoices with a balance above zero.
 */
outstanding_only: boolean, 
/**
 * An invoice number (or its end: "42", "000042").
 */
number: string, 
/**
 * At most 200; default 50.
 */
limit?: number | null, };

export type ListMedicationsInput = { 
/**
 * Words of the generic or a brand name ("amox", "ventolin"); empty lists all.
 */
query: string, include_inactive: boolean, };

export type ListPriceItemsInput = { 
/**
 * Words of the code or name.
 */
query: string, kind?: PriceItemKind | null, include_inactive: boolean, 
/**
 * The date prices are shown for (YYYY-MM-DD); absent: today.
 */
on_date?: string | null, };

export type ListStaffInput = { role?: Role | null, specialization?: string | null, department?: string | null, availability?: Availability | null, include_inactive?: boolean | null, };

export type ListSyncConflictsInput = { 
/**
 * Also the resolved and dismissed ones.
 */
include_closed: boolean, };

export type ListWaitlistInput = { 
/**
 * Only entries with an offer waiting for reception.
 */
offers_only?: boolean | null, };

export type LiveSync = { 
/**
 * Connected to the server (listening for other workstations' changes).
 */
online: boolean, 
/**
 * A push or pull is running.
 */
syncing: boolean, 
/**
 * "push" or "pull" while a backlog is on its way.
 */
phase?: string | null, done: number, total?: number | null, };

export type LoginInput = { username: string, password: string, };

export type LoginOutput = { 
/**
 * Bearer token for this session; send it with every command.
 */
token: string, user: UserView, permissions: Array<Permission>, idle_lock_minutes: number, };

export type MatchKind = "mrn" | "phone" | "date_of_birth" | "name" | "typo" | "recent";

export type Medication = { id: string, generic_name: string, brand_names: Array<string>, form: string, strength: string, 
/**
 * "Amoxicillin 500 mg capsule": how the medication is named on a prescription.
 */
display_name: string, route: Route, 
/**
 * WHO ATC code (e.g. "J01CA04"); empty when unknown.
 */
atc_code: string, 
/**
 * Classes an allergy may name ("penicillins", "nsaids").
 */
allergy_classes: Array<string>, 
/**
 * What is counted when dispensing ("tablet", "bottle (100 ml)").
 */
dispense_unit: string, default_dose: string, 
/**
 * Dispense units per dose when countable (used to work out the quantity).
 */
units_per_dose: number | null, default_frequency: Frequency, 
/**
 * None: ongoing, until stopped.
 */
default_duration_days: number | null, default_quantity: number | null, default_instructions: string, active: boolean, };

export type MedicationInput = { generic_name: string, brand_names: Array<string>, form: string, strength: string, route: Route, atc_code: string, allergy_classes: Array<string>, dispense_unit: string, default_dose: string, units_per_dose?: number | null, default_frequency: Frequency, default_duration_days?: number | null, default_quantity?: number | null, default_instructions: string, 
/**
 * False retires the medication: kept for old prescriptions, no longer offered.
 */
active: boolean, };

export type MergePatientsInput = { 
/**
 * The record that stays.
 */
survivor_id: string, 
/**
 * The duplicate: its records move to the survivor and it becomes a tombstone.
 */
duplicate_id: string, 
/**
 * Why (kept in the audit log).
 */
reason: string, };

export type MergeResult = { survivor: Patient, duplicate_mrn: string, moved: Array<MovedRecords>, 
/**
 * Survivor fields that were blank and now hold the duplicate's value.
 */
filled_fields: Array<string>, };

export type MethodTotal = { method: PaymentMethod, count: number, 
/**
 * Net of refunds.
 */
amount: string, };

export type MovedRecords = { table: string, rows: number, };

export type NoInput = Record<symbol, never>;

export type NoteKind = "draft" | "signed" | "amendment";

export type NoteVersion = { version: number, kind: NoteKind, subjective: string, objective: string, assessment: string, plan: string, 
/**
 * Why an amendment was made (empty for drafts and the signed text).
 */
reason: string, author_name: string, written_at: string, };

export type OpenPatientChartInput = { patient_id: string, };

export type Outstanding = { patients: Array<OutstandingPatient>, total_balance: string, invoice_count: number, currency: string, };

export type OutstandingPatient = { patient: InvoicePatient, invoices: Array<InvoiceSummary>, balance: string, 
/**
 * The oldest unpaid invoice's issue time.
 */
oldest_issued_at: string, };

export type PaperSize = "a4" | "letter";

export type Patient = { id: string, mrn: string, given_name: string, family_name: string, other_names: string, sex: Sex, date_of_birth: string | null, dob_estimated: boolean, 
/**
 * Whole years at the time of the request (in UTC).
 */
age_years: number | null, phone: string, phone_alt: string, email: string, address: string, national_id: string, emergency_contact_name: string, emergency_contact_phone: string, emergency_contact_relation: string, insurance_payer: string, insurance_member_number: string, notes: string, alerts: string, photo_data_url: string, 
/**
 * The surviving patient's id when this record was merged into another.
 */
merged_into: string | null, created_at: string, updated_at: string, };

export type PatientAttachmentsInput = { patient_id: string, };

export type PatientChart = { patient: Patient, 
/**
 * Every allergy ever recorded (entered-in-error ones included, marked).
 */
allergies: Array<Allergy>, 
/**
 * MRNs of records merged into this one.
 */
merged_mrns: Array<string>, 
/**
 * Set when the chart asked for was merged: the id that was asked for…
 */
redirected_from: string | null, 
/**
 * … and its MRN.
 */
redirected_from_mrn: string | null, timeline: Array<TimelineEntry>, };

export type PatientEncountersInput = { patient_id: string, };

export type PatientHit = { id: string, mrn: string, given_name: string, family_name: string, other_names: string, sex: Sex, date_of_birth: string | null, dob_estimated: boolean, age_years: number | null, phone: string, 
/**
 * An active allergy is recorded (shown as a marker in lists).
 */
has_allergies: boolean, matched: MatchKind, };

export type PatientInput = { given_name: string, family_name: string, other_names?: string | null, sex: Sex | null, 
/**
 * `YYYY-MM-DD`; or give `estimated_age_years` when the date is not known.
 */
date_of_birth?: string | null, estimated_age_years?: number | null, phone?: string | null, phone_alt?: string | null, email?: string | null, address?: string | null, national_id?: string | null, emergency_contact_name?: string | null, emergency_contact_phone?: string | null, emergency_contact_relation?: string | null, insurance_payer?: string | null, insurance_member_number?: string | null, notes?: string | null, alerts?: string | null, 
/**
 * A PNG or JPEG `data:` URL, at most 256 KB; empty for none.
 */
photo_data_url?: string | null, };

export type PatientPrescriptionsInput = { patient_id: string, };

export type PatientProblemsInput = { patient_id: string, };

export type Payment = { id: string, invoice_id: string, invoice_number: string | null, 
/**
 * Positive for a payment, negative for a refund.
 */
amount: string, is_refund: boolean, method: PaymentMethod, reference: string, credit_note_id: string | null, credit_note_number: string | null, 
/**
 * "RCT-K7Q-000007".
 */
receipt_number: string, received_at: string, received_by_name: string | null, workstation_id: string, 
/**
 * Set once the desk's cash closing took it.
 */
closing_id: string | null, };

export type PaymentMethod = "cash" | "card" | "transfer" | "insurance";

export type PaymentRecorded = { payment: Payment, invoice: Invoice, };

export type PaymentStatus = "not_issued" | "unpaid" | "partly_paid" | "paid" | "credited" | "refund_due";

export type Permission = "users.manage" | "settings.manage" | "audit.view" | "backup.manage" | "sync.manage" | "patients.read" | "patients.write" | "patients.merge" | "schedule.read" | "schedule.write" | "queue.manage" | "queue.call" | "availability.set_own" | "display.view" | "clinical.read" | "clinical.write" | "clinical.sign" | "vitals.write" | "prescriptions.read" | "prescriptions.write" | "prescriptions.dispense" | "billing.read" | "billing.write" | "billing.refund" | "pricelist.manage" | "reports.finance" | "inventory.read" | "inventory.write" | "messages.use" | "notices.post";

export type Prescription = { id: string, patient_id: string, encounter_id: string | null, prescriber_id: string, prescriber_name: string, status: PrescriptionStatus, notes: string, verification_code: string | null, renewed_from_id: string | null, created_at: string, signed_at: string | null, error_reason: string, 
/**
 * In order; items taken off the draft are left out.
 */
items: Array<PrescriptionItem>, 
/**
 * A draft's current warnings (each needs an override reason to sign); a signed
 * prescription's overridden ones with their reasons.
 */
warnings: Array<PrescriptionWarning>, };

export type PrescriptionErrorInput = { prescription_id: string, reason: string, };

export type PrescriptionItem = { id: string, position: number, medication_id: string, 
/**
 * As prescribed: "Amoxicillin 500 mg capsule".
 */
medication_name: string, generic_name: string, atc_code: string, allergy_classes: Array<string>, dose: string, route: Route, frequency: Frequency, 
/**
 * None: ongoing until stopped.
 */
duration_days: number | null, quantity: number, dispense_unit: string, refills: number, instructions: string, 
/**
 * The line a pharmacist reads: "1 capsule orally three times daily for 7 days".
 */
directions: string, status: ItemStatus, stop_reason: string, stopped_by_name: string | null, stopped_at: string | null, };

export type PrescriptionItemRef = { item_id: string, };

export type PrescriptionPdf = { 
/**
 * e.g. "prescription-K7Q-000123-X-2026-12-03.pdf"
 */
file_name: string, content_base64: string, 
/**
 * A draft prints marked "not valid for dispensing".
 */
draft: boolean, };

export type PrescriptionRef = { prescription_id: string, };

export type PrescriptionStatus = "draft" | "signed" | "entered_in_error";

export type PrescriptionWarning = { item_id: string, kind: WarningKind, message: string, 
/**
 * Set once overridden at signing.
 */
override_reason: string | null, overridden_by_name: string | null, };

export type PriceItem = { id: string, code: string, name: string, kind: PriceItemKind, tax_category_id: string, tax_category_name: string, tax_rate: string, visit_type_id: string | null, visit_type_name: string | null, doctor_id: string | null, doctor_name: string | null, medication_id: string | null, unit: string, active: boolean, 
/**
 * The price on the date asked for (None: not priced yet on that date).
 */
price: string | null, 
/**
 * Every version, oldest first.
 */
versions: Array<PriceVersion>, };

export type PriceItemKind = "consultation" | "procedure" | "lab_test" | "medicine" | "supply" | "other";

export type PriceList = { items: Array<PriceItem>, 
/**
 * The date the prices are for.
 */
on_date: string, };

export type PriceVersion = { price: string, 
/**
 * YYYY-MM-DD, clinic calendar.
 */
valid_from: string, };

export type PrintBillingDocumentInput = { document: BillingDocument, 
/**
 * The invoice, credit note, payment (for a receipt) or closing id.
 */
id: string, 
/**
 * A CUPS queue; absent: the system's default printer.
 */
printer?: string | null, 
/**
 * Receipts only; absent: the clinic's setting.
 */
paper?: ReceiptPaper | null, };

export type PrintPrescriptionInput = { prescription_id: string, 
/**
 * A CUPS queue; absent: the system's default printer.
 */
printer?: string | null, };

export type PrintResult = { 
/**
 * The print system's job id (e.g. "ClinicDeskPDF-12").
 */
job_id: string, };

export type Printer = { name: string, is_default: boolean, };

export type Problem = { id: string, patient_id: string, 
/**
 * ICD-10-CM code with its dot, or empty for an uncoded problem.
 */
code: string, description: string, 
/**
 * Clinic-local date (YYYY-MM-DD), or empty when unknown.
 */
onset_date: string, note: string, from_diagnosis_id: string | null, status: ProblemStatus, noted_by_name: string, noted_at: string, updated_at: string, 
/**
 * Every status change, oldest first.
 */
changes: Array<ProblemChange>, };

export type ProblemChange = { from_status: ProblemStatus, to_status: ProblemStatus, reason: string, changed_by_name: string, changed_at: string, };

export type ProblemStatus = "active" | "resolved" | "entered_in_error";

export type ProblemStatusInput = { problem_id: string, status: ProblemStatus, 
/**
 * Optional when resolving or re-activating; required for entered in error.
 */
reason: string, };

export type QueueEntry = { 
/**
 * 1, 2, 3 … in the order patients will be called.
 */
position: number, 
/**
 * The day's check-in number (the ticket shown on the waiting-room display).
 */
ticket: number, appointment: Appointment, };

export type QueueInput = { 
/**
 * One doctor's queue; all doctors when left out.
 */
doctor_id?: string | null, };

export type ReceiptPaper = "page" | "roll80";

export type ReceiptPdfInput = { payment_id: string, 
/**
 * Absent: the clinic's receipt setting.
 */
paper?: ReceiptPaper | null, };

export type RecordAllergyInput = { patient_id: string, allergy: AllergyInput, };

export type RecordPaymentInput = { invoice_id: string, amount: string, method: PaymentMethod, 
/**
 * Card slip / transfer reference / insurance claim number (required for transfer and
 * insurance).
 */
reference: string, };

export type RecordRefundInput = { credit_note_id: string, 
/**
 * Positive: the money paid back.
 */
amount: string, method: PaymentMethod, reference: string, };

export type RegisterPatientInput = { patient: PatientInput, 
/**
 * Allergies known at registration.
 */
allergies?: Array<AllergyInput> | null, 
/**
 * Set once the user has seen the possible duplicates and registers anyway.
 */
acknowledge_duplicates?: boolean | null, };

export type RemoveAvailabilityExceptionInput = { exception_id: string, };

export type RemoveFromWaitlistInput = { entry_id: string, reason: string, };

export type RemoveInvoiceLineInput = { line_id: string, };

export type RenewPrescriptionInput = { prescription_id: string, 
/**
 * The consultation the renewal is written in, if any.
 */
encounter_id?: string | null, };

export type RepeatInput = { 
/**
 * Weeks between occurrences (1–4).
 */
every_weeks: number, 
/**
 * Occurrences in all, the first included (2–52).
 */
count: number, };

export type RescheduleAppointmentInput = { appointment_id: string, 
/**
 * Clinic time, `YYYY-MM-DDTHH:MM`.
 */
starts_at: string, 
/**
 * Another doctor (default: the same).
 */
doctor_id?: string | null, outside_availability?: boolean | null, acknowledge_patient_overlap?: boolean | null, 
/**
 * For an appointment of a series: this one only (default) or this and the following ones
 * (each moved by the same amount of clinic time, to the same doctor).
 */
scope?: SeriesScope | null, };

export type ResetPasswordInput = { username: string, new_password: string, 
/**
 * Make the user choose a new password at next sign-in (default: yes).
 */
must_change_password: boolean, };

export type RevenueGrouping = "day" | "month" | "service" | "doctor" | "method";

export type RevenueReport = { from: string, to: string, group_by: RevenueGrouping, rows: Array<RevenueRow>, total: RevenueRow, currency: string, };

export type RevenueReportInput = { 
/**
 * First day, YYYY-MM-DD (clinic calendar).
 */
from: string, 
/**
 * Last day, included.
 */
to: string, group_by: RevenueGrouping, };

export type RevenueRow = { key: string, label: string, 
/**
 * Invoices (or lines, by service; payments, by method).
 */
count: number, 
/**
 * Invoiced (by method: collected).
 */
gross: string, 
/**
 * Credited (by method: refunded).
 */
credited: string, net: string, 
/**
 * Tax in the net amount (not by method).
 */
tax: string, };

export type Role = "admin" | "doctor" | "nurse" | "receptionist" | "pharmacist" | "accountant" | "kiosk";

export type Rounding = "half_up" | "half_even";

export type Route = "oral" | "sublingual" | "topical" | "inhaled" | "nasal" | "ophthalmic" | "otic" | "rectal" | "vaginal" | "transdermal" | "subcutaneous" | "intramuscular" | "intravenous";

export type SaveMedicationInput = { 
/**
 * Absent: a new catalog entry.
 */
id?: string | null, medication: MedicationInput, };

export type SavePriceItemInput = { 
/**
 * Absent: a new entry (then `price` is required).
 */
id?: string | null, code: string, name: string, kind: PriceItemKind, tax_category_id: string, visit_type_id?: string | null, doctor_id?: string | null, medication_id?: string | null, unit: string, active: boolean, 
/**
 * A new price; absent: prices stay as they are.
 */
price?: string | null, 
/**
 * The day the new price starts (YYYY-MM-DD); absent: today. Not in the past.
 */
price_valid_from?: string | null, };

export type SaveSyncSettingsInput = { server_url: string, enabled: boolean, workstation_name: string, 
/**
 * A new password for the server (kept in the OS keychain); absent keeps the stored one.
 */
password?: string | null, 
/**
 * Forget the stored password.
 */
clear_password: boolean, };

export type SaveTaxCategoryInput = { 
/**
 * Absent: a new category.
 */
id?: string | null, name: string, rate: string, active: boolean, };

export type SaveVisitTypeInput = { 
/**
 * Absent to add a new one.
 */
id?: string | null, name: string, minutes: number, buffer_minutes?: number | null, colour?: string | null, active?: boolean | null, };

export type SearchIcd10Input = { query: string, 
/**
 * At most this many codes (default 25, at most 100).
 */
limit?: number, };

export type SearchPatientsInput = { 
/**
 * Name words (any order, prefixes, one typo), phone digits in any format, an MRN, or a
 * date of birth (YYYY-MM-DD or DD/MM/YYYY). Empty: recent patients.
 */
query: string, 
/**
 * 1–100, default 20.
 */
limit?: number | null, };

export type SearchResult = { hits: Array<PatientHit>, 
/**
 * The query as understood (`name`, `phone`, `mrn`, `date_of_birth`, `recent`).
 */
interpreted_as: string, };

export type SeriesScope = "this" | "following";

export type ServerCheck = { 
/**
 * e.g. "PostgreSQL 15.19".
 */
server_version: string, 
/**
 * The newest central migration applied on the server.
 */
schema_version: number, 
/**
 * Workstations registered with the server.
 */
workstations: number, 
/**
 * Changes stored on the server.
 */
changes: number, round_trip_ms: number, };

export type SetAllergyStatusInput = { allergy_id: string, status: AllergyStatus, 
/**
 * Why (kept in the audit log); required.
 */
reason: string, };

export type SetMyAvailabilityInput = { availability: Availability, };

export type SetWeeklyAvailabilityInput = { doctor_id: string, blocks: Array<BlockInput>, };

export type SetupClinicInput = { clinic_name: string, admin_username: string, admin_full_name: string, admin_password: string, time_zone?: string | null, currency?: string | null, };

export type SetupClinicOutput = { clinic_id: string, admin: UserView, 
/**
 * Shown once: it opens a backup of this clinic on a new machine. Absent for in-memory
 * stores, which have no backups.
 */
recovery_passphrase: string | null, };

export type Sex = "female" | "male" | "other" | "unknown";

export type SignPrescriptionInput = { prescription_id: string, 
/**
 * A reason for each warning the draft shows (allergy, duplicate), per item and kind.
 */
overrides: Array<WarningOverride>, };

export type Slot = { doctor_id: string, doctor_name: string, 
/**
 * UTC, RFC 3339.
 */
starts_at: string, ends_at: string, 
/**
 * Clinic time, `YYYY-MM-DDTHH:MM`, ready to book.
 */
local_start: string, room: string, };

export type StaffList = { members: Array<StaffMember>, 
/**
 * Every doctor specialization in use (for the filter).
 */
specializations: Array<string>, };

export type StaffMember = { id: string, username: string, full_name: string, role: Role, active: boolean, specialization: string | null, licence_number: string | null, department: string | null, 
/**
 * Default consultation fee, exact decimal text (empty: none).
 */
consultation_fee: string, signature_data_url: string, availability: Availability, availability_changed_at: string | null, };

export type StartEncounterInput = { patient_id: string, 
/**
 * The appointment this consultation is for (none for a walk-in without one).
 */
appointment_id?: string | null, };

export type Status = "scheduled" | "checked_in" | "in_consultation" | "completed" | "cancelled" | "no_show";

export type StopItemInput = { item_id: string, reason: string, };

export type SyncConflict = { id: string, kind: ConflictKind, detected_at: string, 
/**
 * Still needs someone: both bookings active and overlapping, both patients unmerged,
 * a refusal not yet dismissed.
 */
open: boolean, detail: string, 
/**
 * Double booking: the two bookings.
 */
bookings: Array<ConflictBooking>, 
/**
 * Possible duplicate: the two patients.
 */
patients: Array<ConflictPatient>, 
/**
 * Refused change: what it was about.
 */
table_name: string, row_id: string, dismissed_at?: string | null, dismissed_by: string, };

export type SyncSettings = { server_url: string, enabled: boolean, workstation_name: string, 
/**
 * A password for the server is kept in the OS keychain.
 */
has_password: boolean, 
/**
 * This workstation's id (the one its changes carry).
 */
workstation_id: string, 
/**
 * The prefix of this workstation's patient numbers and invoice series.
 */
workstation_code: string, };

export type SyncStatus = { 
/**
 * A server is set up and sync is enabled.
 */
enabled: boolean, 
/**
 * This process can sync (the app or `clinicdesk sync watch` runs the connection).
 */
running: boolean, live: LiveSync, 
/**
 * Local changes not yet on the server.
 */
pending: number, last_sync_at?: string | null, last_error?: string | null, last_error_at?: string | null, 
/**
 * Open conflicts this user can act on.
 */
conflicts: number, };

export type TaxCategory = { id: string, name: string, 
/**
 * Percent, exact decimal ("22", "7.5").
 */
rate: string, active: boolean, };

export type TaxLine = { name: string, rate: string, base: string, tax: string, };

export type TestSyncConnectionInput = { server_url: string, 
/**
 * Absent: the password stored in the keychain, if any.
 */
password?: string | null, };

export type TimelineEntry = { at: string, 
/**
 * `registered`, `merged`, `allergy`, …
 */
kind: string, title: string, detail: string, };

export type UnlockInput = { password: string, };

export type UpdateDepartmentInput = { id: string, name: string, description?: string | null, active: boolean, };

export type UpdateInvoiceInput = { invoice_id: string, discount_kind?: DiscountKind | null, discount_value?: string | null, notes?: string | null, 
/**
 * YYYY-MM-DD; an empty text clears it.
 */
due_date?: string | null, };

export type UpdateInvoiceLineInput = { line_id: string, description?: string | null, quantity?: string | null, unit_price?: string | null, tax_category_id?: string | null, discount_kind?: DiscountKind | null, discount_value?: string | null, };

export type UpdatePatientInput = { patient_id: string, patient: PatientInput, };

export type UpdatePrescriptionItemInput = { item_id: string, dose?: string | null, route?: Route | null, frequency?: Frequency | null, 
/**
 * Days; 0 means ongoing (no end date).
 */
duration_days?: number | null, 
/**
 * Dispense units; absent: worked out from dose, frequency and duration when it can be.
 */
quantity?: number | null, refills?: number | null, instructions?: string | null, };

export type UpdateStaffProfileInput = { username: string, 
/**
 * An exact decimal such as `60` or `45.50`; empty for none.
 */
consultation_fee: string, 
/**
 * A PNG or JPEG data URL of the signature, at most 256 KB; empty for none.
 */
signature_data_url: string, };

export type UpdateUserInput = { 
/**
 * The account to edit (usernames never change: the audit trail refers to them).
 */
username: string, full_name?: string | null, role?: Role | null, 
/**
 * Doctors only; an empty string clears it.
 */
specialization?: string | null, 
/**
 * Doctors only; an empty string clears it.
 */
licence_number?: string | null, 
/**
 * An empty string clears it.
 */
department?: string | null, };

export type UserView = { id: string, username: string, full_name: string, role: Role, active: boolean, must_change_password: boolean, specialization: string | null, licence_number: string | null, department: string | null, 
/**
 * Set while the account is locked after failed sign-ins (UTC).
 */
locked_until: string | null, created_at: string, updated_at: string, };

export type UsernameInput = { username: string, };

export type VerifyReport = { 
/**
 * Problems of `integrity_check` and `foreign_key_check`; empty when clean.
 */
database_problems: Array<string>, audit: ChainReport, clean: boolean, };

export type VisitType = { id: string, name: string, minutes: number, buffer_minutes: number, 
/**
 * `#rrggbb`, for the calendar.
 */
colour: string, active: boolean, };

export type Vitals = { id: string, patient_id: string, encounter_id: string | null, recorded_by_name: string, recorded_at: string, temperature_c: string | null, pulse_bpm: number | null, systolic_mmhg: number | null, diastolic_mmhg: number | null, respiratory_rate: number | null, spo2_percent: number | null, weight_kg: string | null, height_cm: string | null, 
/**
 * Derived from weight and height (kg/m², one decimal).
 */
bmi: string | null, 
/**
 * The fields outside their normal range, e.g. `["pulse_bpm", "spo2_percent"]`.
 */
abnormal: Array<string>, note: string, entered_in_error: boolean, error_reason: string, };

export type VitalsErrorInput = { vitals_id: string, reason: string, };

export type VitalsInput = { patient_id: string, 
/**
 * The encounter they belong to (none for triage before a consultation).
 */
encounter_id?: string | null, 
/**
 * °C, decimal text, e.g. "37.2".
 */
temperature_c?: string | null, pulse_bpm?: number | null, systolic_mmhg?: number | null, diastolic_mmhg?: number | null, respiratory_rate?: number | null, spo2_percent?: number | null, 
/**
 * kg, decimal text.
 */
weight_kg?: string | null, 
/**
 * cm, decimal text.
 */
height_cm?: string | null, note?: string | null, };

export type WaitingRoomDisplay = { clinic_name: string, 
/**
 * UTC, RFC 3339.
 */
generated_at: string, doctors: Array<DisplayDoctor>, 
/**
 * Waiting patients in calling order per doctor: ticket numbers and initials only.
 */
queue: Array<DisplayTicket>, };

export type WaitlistEntry = { id: string, patient_id: string, patient_name: string, doctor_id: string | null, specialization: string | null, visit_type_id: string, note: string, 
/**
 * `waiting`, `offered`, `booked` or `removed`.
 */
status: string, offered_doctor_id: string | null, 
/**
 * The offered slot, UTC.
 */
offered_starts_at: string | null, 
/**
 * The offered slot in clinic time, ready to show ("Tue 03 Mar 10:00").
 */
offered_label: string | null, appointment_id: string | null, created_at: string, };

export type WaitlistOfferInput = { entry_id: string, };

export type WarningKind = "allergy" | "duplicate";

export type WarningOverride = { item_id: string, kind: WarningKind, reason: string, };

export type WhoAmI = { user: UserView, permissions: Array<Permission>, idle_lock_minutes: number, };

/** Every registry command: its input and output types. */
export interface Commands {
  accept_waitlist_offer: { input: WaitlistOfferInput; output: Appointment };
  add_attachment: { input: AddAttachmentInput; output: Attachment };
  add_availability_exception: { input: AddAvailabilityExceptionInput; output: DoctorAvailability };
  add_diagnosis: { input: AddDiagnosisInput; output: Diagnosis };
  add_invoice_line: { input: AddInvoiceLineInput; output: Invoice };
  add_prescription_item: { input: AddPrescriptionItemInput; output: Prescription };
  add_problem: { input: AddProblemInput; output: Problem };
  add_to_waitlist: { input: AddToWaitlistInput; output: WaitlistEntry };
  amend_encounter_note: { input: AmendNoteInput; output: Encounter };
  app_status: { input: NoInput; output: AppStatus };
  book_appointment: { input: BookAppointmentInput; output: Appointment };
  call_next_patient: { input: CallNextInput; output: Appointment };
  cancel_appointment: { input: CancelAppointmentInput; output: Appointment };
  cash_closing_pdf: { input: CashClosingPdfInput; output: BillingPdf };
  cash_closing_preview: { input: NoInput; output: CashClosingPreview };
  change_password: { input: ChangePasswordInput; output: Done };
  check_in_appointment: { input: AppointmentRef; output: Appointment };
  close_cash: { input: CloseCashInput; output: CashClosing };
  complete_appointment: { input: AppointmentRef; output: Appointment };
  create_backup: { input: BackupInput; output: BackupReport };
  create_demo_clinic: { input: NoInput; output: DemoClinic };
  create_department: { input: DepartmentInput; output: Department };
  create_invoice: { input: CreateInvoiceInput; output: Invoice };
  create_invoice_from_appointment: { input: FromAppointmentInput; output: Invoice };
  create_prescription: { input: CreatePrescriptionInput; output: Prescription };
  create_user: { input: CreateUserInput; output: UserView };
  credit_note_pdf: { input: CreditNotePdfInput; output: BillingPdf };
  current_medications: { input: PatientPrescriptionsInput; output: Array<CurrentMedication> };
  decline_waitlist_offer: { input: WaitlistOfferInput; output: WaitlistEntry };
  disable_user: { input: UsernameInput; output: UserView };
  discard_invoice: { input: DiscardInvoiceInput; output: Invoice };
  discontinue_prescription_item: { input: StopItemInput; output: Prescription };
  dismiss_sync_conflict: { input: DismissSyncConflictInput; output: Done };
  enable_user: { input: UsernameInput; output: UserView };
  export_outstanding_csv: { input: NoInput; output: CsvExport };
  export_revenue_csv: { input: RevenueReportInput; output: CsvExport };
  find_patient_duplicates: { input: DuplicateQuery; output: Array<DuplicateCandidate> };
  find_slots: { input: FindSlotsInput; output: Array<Slot> };
  get_clinic_settings: { input: NoInput; output: ClinicSettings };
  get_doctor_availability: { input: DoctorRef; output: DoctorAvailability };
  get_encounter: { input: EncounterRef; output: Encounter };
  get_invoice: { input: InvoiceRef; output: Invoice };
  get_prescription: { input: PrescriptionRef; output: Prescription };
  get_sync_settings: { input: NoInput; output: SyncSettings };
  get_sync_status: { input: NoInput; output: SyncStatus };
  invoice_pdf: { input: InvoicePdfInput; output: BillingPdf };
  issue_credit_note: { input: IssueCreditNoteInput; output: Invoice };
  issue_invoice: { input: InvoiceRef; output: Invoice };
  join_clinic_server: { input: JoinClinicServerInput; output: Done };
  list_attachments: { input: PatientAttachmentsInput; output: Array<Attachment> };
  list_audit: { input: ListAuditInput; output: Array<AuditRecord> };
  list_cash_closings: { input: ListCashClosingsInput; output: Array<CashClosing> };
  list_day: { input: ListDayInput; output: DayList };
  list_departments: { input: ListDepartmentsInput; output: Array<Department> };
  list_encounters: { input: PatientEncountersInput; output: Array<EncounterSummary> };
  list_invoices: { input: ListInvoicesInput; output: Array<InvoiceSummary> };
  list_medications: { input: ListMedicationsInput; output: Array<Medication> };
  list_outstanding: { input: NoInput; output: Outstanding };
  list_prescriptions: { input: PatientPrescriptionsInput; output: Array<Prescription> };
  list_price_items: { input: ListPriceItemsInput; output: PriceList };
  list_printers: { input: NoInput; output: Array<Printer> };
  list_problems: { input: PatientProblemsInput; output: Array<Problem> };
  list_staff: { input: ListStaffInput; output: StaffList };
  list_sync_conflicts: { input: ListSyncConflictsInput; output: Array<SyncConflict> };
  list_tax_categories: { input: NoInput; output: Array<TaxCategory> };
  list_users: { input: NoInput; output: Array<UserView> };
  list_visit_types: { input: NoInput; output: Array<VisitType> };
  list_waitlist: { input: ListWaitlistInput; output: Array<WaitlistEntry> };
  lock_session: { input: NoInput; output: Done };
  login: { input: LoginInput; output: LoginOutput };
  logout: { input: NoInput; output: Done };
  mark_attachment_entered_in_error: { input: AttachmentErrorInput; output: Attachment };
  mark_diagnosis_entered_in_error: { input: DiagnosisErrorInput; output: Diagnosis };
  mark_encounter_entered_in_error: { input: EnteredInErrorInput; output: Encounter };
  mark_no_show: { input: AppointmentRef; output: Appointment };
  mark_prescription_entered_in_error: { input: PrescriptionErrorInput; output: Prescription };
  mark_vitals_entered_in_error: { input: VitalsErrorInput; output: Vitals };
  merge_patients: { input: MergePatientsInput; output: MergeResult };
  open_attachment: { input: AttachmentRef; output: AttachmentContent };
  open_patient_chart: { input: OpenPatientChartInput; output: PatientChart };
  prescription_pdf: { input: PrescriptionRef; output: PrescriptionPdf };
  print_billing_document: { input: PrintBillingDocumentInput; output: PrintResult };
  print_prescription: { input: PrintPrescriptionInput; output: PrintResult };
  receipt_pdf: { input: ReceiptPdfInput; output: BillingPdf };
  record_allergy: { input: RecordAllergyInput; output: Allergy };
  record_payment: { input: RecordPaymentInput; output: PaymentRecorded };
  record_refund: { input: RecordRefundInput; output: PaymentRecorded };
  record_vitals: { input: VitalsInput; output: Vitals };
  register_patient: { input: RegisterPatientInput; output: Patient };
  remove_availability_exception: { input: RemoveAvailabilityExceptionInput; output: DoctorAvailability };
  remove_from_waitlist: { input: RemoveFromWaitlistInput; output: WaitlistEntry };
  remove_invoice_line: { input: RemoveInvoiceLineInput; output: Invoice };
  remove_prescription_item: { input: PrescriptionItemRef; output: Prescription };
  renew_prescription: { input: RenewPrescriptionInput; output: Prescription };
  reschedule_appointment: { input: RescheduleAppointmentInput; output: Appointment };
  reset_password: { input: ResetPasswordInput; output: UserView };
  revenue_report: { input: RevenueReportInput; output: RevenueReport };
  save_encounter_note: { input: EncounterNoteInput; output: Encounter };
  save_medication: { input: SaveMedicationInput; output: Medication };
  save_price_item: { input: SavePriceItemInput; output: PriceItem };
  save_sync_settings: { input: SaveSyncSettingsInput; output: Done };
  save_tax_category: { input: SaveTaxCategoryInput; output: TaxCategory };
  save_visit_type: { input: SaveVisitTypeInput; output: VisitType };
  search_icd10: { input: SearchIcd10Input; output: Icd10SearchResult };
  search_patients: { input: SearchPatientsInput; output: SearchResult };
  set_allergy_status: { input: SetAllergyStatusInput; output: Allergy };
  set_my_availability: { input: SetMyAvailabilityInput; output: StaffMember };
  set_problem_status: { input: ProblemStatusInput; output: Problem };
  set_weekly_availability: { input: SetWeeklyAvailabilityInput; output: DoctorAvailability };
  setup_clinic: { input: SetupClinicInput; output: SetupClinicOutput };
  sign_encounter: { input: EncounterRef; output: Encounter };
  sign_prescription: { input: SignPrescriptionInput; output: Prescription };
  start_consultation: { input: AppointmentRef; output: Appointment };
  start_encounter: { input: StartEncounterInput; output: EncounterSummary };
  sync_now: { input: NoInput; output: Done };
  test_sync_connection: { input: TestSyncConnectionInput; output: ServerCheck };
  unlock_session: { input: UnlockInput; output: LoginOutput };
  update_clinic_settings: { input: ClinicSettings; output: ClinicSettings };
  update_department: { input: UpdateDepartmentInput; output: Department };
  update_invoice: { input: UpdateInvoiceInput; output: Invoice };
  update_invoice_line: { input: UpdateInvoiceLineInput; output: Invoice };
  update_patient: { input: UpdatePatientInput; output: Patient };
  update_prescription_item: { input: UpdatePrescriptionItemInput; output: Prescription };
  update_staff_profile: { input: UpdateStaffProfileInput; output: StaffMember };
  update_user: { input: UpdateUserInput; output: UserView };
  verify_database: { input: NoInput; output: VerifyReport };
  waiting_queue: { input: QueueInput; output: Array<QueueEntry> };
  waiting_room_display: { input: NoInput; output: WaitingRoomDisplay };
  whoami: { input: NoInput; output: WhoAmI };
}

export type CommandName = keyof Commands;

export const COMMAND_NAMES: readonly CommandName[] = [
  "accept_waitlist_offer",
  "add_attachment",
  "add_availability_exception",
  "add_diagnosis",
  "add_invoice_line",
  "add_prescription_item",
  "add_problem",
  "add_to_waitlist",
  "amend_encounter_note",
  "app_status",
  "book_appointment",
  "call_next_patient",
  "cancel_appointment",
  "cash_closing_pdf",
  "cash_closing_preview",
  "change_password",
  "check_in_appointment",
  "close_cash",
  "complete_appointment",
  "create_backup",
  "create_demo_clinic",
  "create_department",
  "create_invoice",
  "create_invoice_from_appointment",
  "create_prescription",
  "create_user",
  "credit_note_pdf",
  "current_medications",
  "decline_waitlist_offer",
  "disable_user",
  "discard_invoice",
  "discontinue_prescription_item",
  "dismiss_sync_conflict",
  "enable_user",
  "export_outstanding_csv",
  "export_revenue_csv",
  "find_patient_duplicates",
  "find_slots",
  "get_clinic_settings",
  "get_doctor_availability",
  "get_encounter",
  "get_invoice",
  "get_prescription",
  "get_sync_settings",
  "get_sync_status",
  "invoice_pdf",
  "issue_credit_note",
  "issue_invoice",
  "join_clinic_server",
  "list_attachments",
  "list_audit",
  "list_cash_closings",
  "list_day",
  "list_departments",
  "list_encounters",
  "list_invoices",
  "list_medications",
  "list_outstanding",
  "list_prescriptions",
  "list_price_items",
  "list_printers",
  "list_problems",
  "list_staff",
  "list_sync_conflicts",
  "list_tax_categories",
  "list_users",
  "list_visit_types",
  "list_waitlist",
  "lock_session",
  "login",
  "logout",
  "mark_attachment_entered_in_error",
  "mark_diagnosis_entered_in_error",
  "mark_encounter_entered_in_error",
  "mark_no_show",
  "mark_prescription_entered_in_error",
  "mark_vitals_entered_in_error",
  "merge_patients",
  "open_attachment",
  "open_patient_chart",
  "prescription_pdf",
  "print_billing_document",
  "print_prescription",
  "receipt_pdf",
  "record_allergy",
  "record_payment",
  "record_refund",
  "record_vitals",
  "register_patient",
  "remove_availability_exception",
  "remove_from_waitlist",
  "remove_invoice_line",
  "remove_prescription_item",
  "renew_prescription",
  "reschedule_appointment",
  "reset_password",
  "revenue_report",
  "save_encounter_note",
  "save_medication",
  "save_price_item",
  "save_sync_settings",
  "save_tax_category",
  "save_visit_type",
  "search_icd10",
  "search_patients",
  "set_allergy_status",
  "set_my_availability",
  "set_problem_status",
  "set_weekly_availability",
  "setup_clinic",
  "sign_encounter",
  "sign_prescription",
  "start_consultation",
  "start_encounter",
  "sync_now",
  "test_sync_connection",
  "unlock_session",
  "update_clinic_settings",
  "update_department",
  "update_invoice",
  "update_invoice_line",
  "update_patient",
  "update_prescription_item",
  "update_staff_profile",
  "update_user",
  "verify_database",
  "waiting_queue",
  "waiting_room_display",
  "whoami",
];

/** Who may run each command: "public", "signed-in" or a permission. */
export const COMMAND_ACCESS: Readonly<Record<CommandName, "public" | "signed-in" | Permission>> = {
  accept_waitlist_offer: "schedule.write",
  add_attachment: "clinical.write",
  add_availability_exception: "schedule.write",
  add_diagnosis: "clinical.write",
  add_invoice_line: "billing.write",
  add_prescription_item: "prescriptions.write",
  add_problem: "clinical.write",
  add_to_waitlist: "schedule.write",
  amend_encounter_note: "clinical.sign",
  app_status: "public",
  book_appointment: "schedule.write",
  call_next_patient: "queue.call",
  cancel_appointment: "schedule.write",
  cash_closing_pdf: "billing.read",
  cash_closing_preview: "billing.write",
  change_password: "signed-in",
  check_in_appointment: "queue.manage",
  close_cash: "billing.write",
  complete_appointment: "queue.call",
  create_backup: "backup.manage",
  create_demo_clinic: "public",
  create_department: "users.manage",
  create_invoice: "billing.write",
  create_invoice_from_appointment: "billing.write",
  create_prescription: "prescriptions.write",
  create_user: "users.manage",
  credit_note_pdf: "billing.read",
  current_medications: "prescriptions.read",
  decline_waitlist_offer: "schedule.write",
  disable_user: "users.manage",
  discard_invoice: "billing.write",
  discontinue_prescription_item: "prescriptions.write",
  dismiss_sync_conflict: "patients.write",
  enable_user: "users.manage",
  export_outstanding_csv: "reports.finance",
  export_revenue_csv: "reports.finance",
  find_patient_duplicates: "patients.read",
  find_slots: "schedule.read",
  get_clinic_settings: "signed-in",
  get_doctor_availability: "schedule.read",
  get_encounter: "clinical.read",
  get_invoice: "billing.read",
  get_prescription: "prescriptions.read",
  get_sync_settings: "sync.manage",
  get_sync_status: "public",
  invoice_pdf: "billing.read",
  issue_credit_note: "billing.refund",
  issue_invoice: "billing.write",
  join_clinic_server: "public",
  list_attachments: "clinical.read",
  list_audit: "audit.view",
  list_cash_closings: "billing.read",
  list_day: "schedule.read",
  list_departments: "signed-in",
  list_encounters: "clinical.read",
  list_invoices: "billing.read",
  list_medications: "signed-in",
  list_outstanding: "billing.read",
  list_prescriptions: "prescriptions.read",
  list_price_items: "billing.read",
  list_printers: "signed-in",
  list_problems: "clinical.read",
  list_staff: "signed-in",
  list_sync_conflicts: "schedule.read",
  list_tax_categories: "billing.read",
  list_users: "users.manage",
  list_visit_types: "signed-in",
  list_waitlist: "schedule.read",
  lock_session: "signed-in",
  login: "public",
  logout: "public",
  mark_attachment_entered_in_error: "clinical.write",
  mark_diagnosis_entered_in_error: "clinical.write",
  mark_encounter_entered_in_error: "clinical.sign",
  mark_no_show: "queue.manage",
  mark_prescription_entered_in_error: "prescriptions.write",
  mark_vitals_entered_in_error: "vitals.write",
  merge_patients: "patients.merge",
  open_attachment: "clinical.read",
  open_patient_chart: "patients.read",
  prescription_pdf: "prescriptions.read",
  print_billing_document: "billing.read",
  print_prescription: "prescriptions.read",
  receipt_pdf: "billing.read",
  record_allergy: "patients.write",
  record_payment: "billing.write",
  record_refund: "billing.refund",
  record_vitals: "vitals.write",
  register_patient: "patients.write",
  remove_availability_exception: "schedule.write",
  remove_from_waitlist: "schedule.write",
  remove_invoice_line: "billing.write",
  remove_prescription_item: "prescriptions.write",
  renew_prescription: "prescriptions.write",
  reschedule_appointment: "schedule.write",
  reset_password: "users.manage",
  revenue_report: "reports.finance",
  save_encounter_note: "clinical.write",
  save_medication: "settings.manage",
  save_price_item: "pricelist.manage",
  save_sync_settings: "sync.manage",
  save_tax_category: "pricelist.manage",
  save_visit_type: "settings.manage",
  search_icd10: "clinical.read",
  search_patients: "patients.read",
  set_allergy_status: "patients.write",
  set_my_availability: "availability.set_own",
  set_problem_status: "clinical.write",
  set_weekly_availability: "schedule.write",
  setup_clinic: "public",
  sign_encounter: "clinical.sign",
  sign_prescription: "prescriptions.write",
  start_consultation: "queue.call",
  start_encounter: "clinical.write",
  sync_now: "signed-in",
  test_sync_connection: "sync.manage",
  unlock_session: "public",
  update_clinic_settings: "settings.manage",
  update_department: "users.manage",
  update_invoice: "billing.write",
  update_invoice_line: "billing.write",
  update_patient: "patients.write",
  update_prescription_item: "prescriptions.write",
  update_staff_profile: "users.manage",
  update_user: "users.manage",
  verify_database: "audit.view",
  waiting_queue: "queue.manage",
  waiting_room_display: "display.view",
  whoami: "signed-in",
};

/** The permission matrix (crates/core/src/access): each role's permissions. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ["users.manage", "settings.manage", "audit.view", "backup.manage", "sync.manage", "patients.read", "patients.write", "patients.merge", "schedule.read", "schedule.write", "display.view", "billing.read", "pricelist.manage", "reports.finance", "inventory.read", "messages.use", "notices.post"],
  doctor: ["patients.read", "patients.write", "schedule.read", "queue.manage", "queue.call", "availability.set_own", "display.view", "clinical.read", "clinical.write", "clinical.sign", "vitals.write", "prescriptions.read", "prescriptions.write", "inventory.read", "messages.use"],
  nurse: ["patients.read", "patients.write", "schedule.read", "queue.manage", "queue.call", "display.view", "clinical.read", "vitals.write", "prescriptions.read", "inventory.read", "messages.use"],
  receptionist: ["patients.read", "patients.write", "schedule.read", "schedule.write", "queue.manage", "display.view", "billing.read", "billing.write", "messages.use"],
  pharmacist: ["patients.read", "prescriptions.read", "prescriptions.dispense", "inventory.read", "inventory.write", "messages.use"],
  accountant: ["patients.read", "billing.read", "billing.write", "billing.refund", "pricelist.manage", "reports.finance", "messages.use"],
  kiosk: ["display.view"],
};
