//! The clinic's letterhead, shared by prescriptions and (later) invoices and receipts.

use crate::layout::{Align, Cell, Image, Layout, Text};
use crate::PdfError;

/// What the top of every clinic document shows. Empty strings are left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Letterhead {
    pub name: String,
    pub address_lines: Vec<String>,
    pub phone: String,
    pub email: String,
    /// PNG or JPEG bytes; drawn at the left, at most 26 × 20 mm.
    pub logo: Option<Vec<u8>>,
}

impl Letterhead {
    /// Draws the letterhead at the cursor, followed by a rule. A logo that cannot be
    /// decoded is an error naming it ("the clinic logo could not be read …").
    pub fn draw(&self, d: &mut Layout) -> Result<(), PdfError> {
        let mut text = Cell::new(0.84).text(Text::new(&self.name).bold().size(16.0));
        for line in self.address_lines.iter().filter(|l| !l.trim().is_empty()) {
            text = text.text(Text::new(line).size(9.0).gray(0.2));
        }
        let contact: Vec<String> = [("Phone", &self.phone), ("Email", &self.email)]
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(label, v)| format!("{label}: {}", v.trim()))
            .collect();
        if !contact.is_empty() {
            text = text.text(Text::new(contact.join("  ·  ")).size(9.0).gray(0.2));
        }
        match &self.logo {
            Some(bytes) => {
                let logo = Image::decode("clinic logo", bytes)?;
                d.columns(vec![
                    Cell::new(0.16).image(logo, 26.0, 20.0, Align::Left),
                    text,
                ]);
            }
            None => d.columns(vec![Cell { width: 1.0, ..text }]),
        }
        d.space(2.5);
        d.rule(1.2, 0.15);
        Ok(())
    }
}
