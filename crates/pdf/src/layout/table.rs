//! Tables: a shaded header row (repeated on every page the table reaches), wrapped cells,
//! per-column alignment, rules between rows.

use super::{Align, Block, Cell, Header, Layout, RowStyle, Text, MM};
use crate::PdfError;

/// A table column: header text, relative width (fractions, scaled to the content width)
/// and the alignment of its cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub header: String,
    pub width: f32,
    pub align: Align,
}

impl Column {
    pub fn new(header: impl Into<String>, width: f32) -> Column {
        Column {
            header: header.into(),
            width,
            align: Align::Left,
        }
    }

    pub fn align(mut self, align: Align) -> Column {
        self.align = align;
        self
    }
}

/// A table of plain-text cells; every row has one cell per column.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Font size of header and cells, in points.
    pub font_size: f32,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            font_size: 9.0,
        }
    }

    pub fn row<S: Into<String>>(mut self, cells: impl IntoIterator<Item = S>) -> Table {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }
}

const PAD_X: f32 = 1.6 * MM;
const PAD_Y: f32 = 1.1 * MM;

impl Layout {
    /// Draws `table`. An invalid table (no columns, a bad width, a row with the wrong
    /// number of cells) draws nothing and makes [`Layout::finish`] fail with a
    /// [`PdfError::InvalidLayout`] naming the problem.
    pub fn table(&mut self, table: &Table) {
        if let Err(error) = validate(table) {
            self.record_error(error);
            return;
        }
        let cells = |texts: Vec<Text>| -> Vec<Cell> {
            table
                .columns
                .iter()
                .zip(texts)
                .map(|(column, text)| Cell {
                    width: column.width,
                    blocks: vec![Block::Text(text.align(column.align))],
                })
                .collect()
        };
        let size = table.font_size;
        let header_texts = table
            .columns
            .iter()
            .map(|c| Text::new(c.header.clone()).bold().size(size))
            .collect();
        let Some(header) = self.prepare_cells(cells(header_texts), 0.0, PAD_X) else {
            return;
        };
        let header_style = RowStyle {
            pad_top: PAD_Y,
            pad_bottom: PAD_Y,
            fill: Some(0.9),
            rule_below: Some((0.8, 0.35)),
            keep_together: true,
        };
        let row_style = RowStyle {
            pad_top: PAD_Y,
            pad_bottom: PAD_Y,
            fill: None,
            rule_below: Some((0.4, 0.75)),
            keep_together: true,
        };

        let mut rows = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let texts = row
                .iter()
                .map(|t| Text::new(t.clone()).size(size))
                .collect();
            let Some(prepared) = self.prepare_cells(cells(texts), 0.0, PAD_X) else {
                return;
            };
            rows.push(prepared);
        }

        // The header never sits alone at the bottom of a page.
        let header_height = Self::row_height(&header, header_style);
        let first_row = rows.first().map_or(0.0, |r| Self::row_height(r, row_style));
        if !self.at_page_top && header_height + first_row > self.remaining() {
            self.new_page();
        }
        self.flow(&header, header_style, None);
        let repeat = Header {
            cells: &header,
            style: header_style,
        };
        for row in &rows {
            self.flow(row, row_style, Some(&repeat));
        }
    }
}

fn validate(table: &Table) -> Result<(), PdfError> {
    if table.columns.is_empty() {
        return Err(PdfError::InvalidLayout(
            "a table needs at least one column".into(),
        ));
    }
    if let Some(column) = table
        .columns
        .iter()
        .find(|c| !c.width.is_finite() || c.width <= 0.0)
    {
        return Err(PdfError::InvalidLayout(format!(
            "column {:?} has width {}; widths must be positive fractions",
            column.header, column.width
        )));
    }
    if !(table.font_size.is_finite() && table.font_size > 0.0) {
        return Err(PdfError::InvalidLayout(format!(
            "table font size {} is not a positive number",
            table.font_size
        )));
    }
    for (i, row) in table.rows.iter().enumerate() {
        if row.len() != table.columns.len() {
            return Err(PdfError::InvalidLayout(format!(
                "table row {} has {} cells but the table has {} columns",
                i + 1,
                row.len(),
                table.columns.len()
            )));
        }
    }
    Ok(())
}
