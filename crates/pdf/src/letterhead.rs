//! The clinic's letterhead, shared by prescriptions, invoices, receipts and reports.

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

    /// A narrow, centred letterhead for receipt rolls: the logo (at most 24 × 14 mm) above
    /// the name, then address and contact lines in small type, and a rule.
    pub fn draw_compact(&self, d: &mut Layout) -> Result<(), PdfError> {
        if let Some(bytes) = &self.logo {
            let logo = Image::decode("clinic logo", bytes)?;
            d.image(logo, 24.0, 14.0, Align::Center);
            d.space(1.0);
        }
        let mut cell =
            Cell::new(1.0).text(Text::new(&self.name).bold().size(11.0).align(Align::Center));
        let small = |line: &str| Text::new(line).size(7.5).gray(0.15).align(Align::Center);
        for line in self.address_lines.iter().filter(|l| !l.trim().is_empty()) {
            cell = cell.text(small(line));
        }
        // One line each: on 72 mm they would wrap mid-way when joined.
        for (label, value) in [("Phone", &self.phone), ("Email", &self.email)] {
            if !value.trim().is_empty() {
                cell = cell.text(small(&format!("{label}: {}", value.trim())));
            }
        }
        d.columns(vec![cell]);
        d.space(1.5);
        d.rule(0.8, 0.15);
        Ok(())
    }
}
