//! ClinicDesk's printed documents, without Tauri: a small flow layout on printpdf
//! ([`layout`]), the prescription ([`prescription`]), invoices, credit notes, receipts and
//! the cash closing report ([`billing`]), and printing through CUPS ([`print`]).
//!
//! Text is set in DejaVu Sans (Latin, Greek, Cyrillic), parsed once per process and
//! subset into each PDF. See docs/PRINTING.md.

pub mod billing;
mod error;
mod fonts;
pub mod layout;
mod letterhead;
pub mod prescription;
pub mod print;
pub mod samples;

pub use billing::{
    render_closing_report, render_invoice, render_receipt, ClosingDoc, DocKind, DocLine,
    InvoiceDoc, PartyBlock, PaymentRow, ReceiptDoc, ReceiptKind, ReceiptPaper, TaxRow, TotalRow,
};
pub use error::PdfError;
pub use layout::{Align, Layout, PaperSize};
pub use letterhead::Letterhead;
pub use prescription::{render_prescription, Prescription};

/// Parses the fonts now rather than on the first render (start-up, benchmarks).
pub fn warm_up() -> Result<(), PdfError> {
    fonts::fonts().map(|_| ())
}
