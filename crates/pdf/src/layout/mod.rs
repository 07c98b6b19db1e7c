//! A small flow layout on top of printpdf, shared by every printed document.
//!
//! The model: a document is a column of *rows* flowing down the page between the margins.
//! A row is one or more side-by-side *cells* (widths as fractions of the content width);
//! each cell is a stack of *blocks* (wrapped text, an image, a rule, some space). Rows
//! that fit on a page are kept together; a row taller than the room left moves to the next
//! page, and a row taller than a whole page is split between its lines. Tables are rows
//! with padding, a shaded header repeated at the top of every page they reach, and rules
//! between rows. Every page gets a footer ("Page n of m", optional text) at
//! [`Layout::finish`], when the page count is known. On a receipt roll
//! ([`PaperSize::Roll`]) the single page is cut to the height of its content instead.
//!
//! Lengths in the API are millimetres, font sizes points. Text is measured with DejaVu
//! Sans's own advance widths, so wrapping is exact; fonts are subset to the glyphs used.

mod image;
mod table;
mod text;

use std::collections::BTreeSet;

use printpdf::{
    Color, CurTransMat, FontId, Greyscale, Line, LinePoint, Mm, OffsetDateTime, Op, PaintMode,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Pt,
    RawImage, Rect, TextItem, TextMatrix, XObject, XObjectId, XObjectTransform,
};

pub use self::image::Image;
pub use self::table::{Column, Table};
pub use self::text::{Align, Span, Text};

use self::text::{wrap, WrappedLine};
use crate::fonts::{fonts, Face, Fonts};
use crate::PdfError;

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;

/// Paper the document is laid out for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PaperSize {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in (215.9 × 279.4 mm).
    Letter,
    /// A continuous roll (a thermal receipt printer) `width_mm` wide. The document is one
    /// page exactly as tall as its content (cut at [`Layout::finish`]); content longer
    /// than [`ROLL_MAX_HEIGHT_MM`] continues on a second page. Small margins
    /// ([`Margins::roll`]), no page numbers, no footer band unless footer text is set.
    Roll { width_mm: u16 },
}

/// The longest page a roll document may grow to before it continues on another.
pub const ROLL_MAX_HEIGHT_MM: f32 = 2000.0;

impl PaperSize {
    /// The usual 80 mm receipt roll.
    pub const ROLL_80MM: PaperSize = PaperSize::Roll { width_mm: 80 };

    /// Width and height in millimetres; for a roll the height is [`ROLL_MAX_HEIGHT_MM`],
    /// the final page being cut to its content.
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            PaperSize::A4 => (210.0, 297.0),
            PaperSize::Letter => (215.9, 279.4),
            PaperSize::Roll { width_mm } => (f32::from(width_mm), ROLL_MAX_HEIGHT_MM),
        }
    }

    pub fn is_roll(self) -> bool {
        matches!(self, PaperSize::Roll { .. })
    }
}

/// Page margins in millimetres. The footer sits inside the bottom margin's top part.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Margins {
    /// 4 mm all round, for receipt rolls.
    pub fn roll() -> Margins {
        Margins {
            top: 4.0,
            right: 4.0,
            bottom: 4.0,
            left: 4.0,
        }
    }
}

impl Default for Margins {
    fn default() -> Margins {
        Margins {
            top: 16.0,
            right: 18.0,
            bottom: 12.0,
            left: 18.0,
        }
    }
}

/// Something stacked inside a cell.
#[derive(Clone, Debug)]
pub enum Block {
    Text(Text),
    /// An image scaled to fit `width_mm` × `height_mm` (and the cell), keeping its aspect.
    Image {
        image: Image,
        width_mm: f32,
        height_mm: f32,
        align: Align,
    },
    /// A horizontal line across the cell; `thickness` in points, `gray` 0 (black)–1.
    Rule {
        thickness: f32,
        gray: f32,
    },
    /// Vertical space in millimetres.
    Space(f32),
}

/// One cell of a row: a relative width (fractions, scaled to fill the row) and its blocks.
#[derive(Clone, Debug)]
pub struct Cell {
    pub width: f32,
    pub blocks: Vec<Block>,
}

impl Cell {
    pub fn new(width: f32) -> Cell {
        Cell {
            width,
            blocks: Vec::new(),
        }
    }

    pub fn text(mut self, text: Text) -> Cell {
        self.blocks.push(Block::Text(text));
        self
    }

    pub fn image(mut self, image: Image, width_mm: f32, height_mm: f32, align: Align) -> Cell {
        self.blocks.push(Block::Image {
            image,
            width_mm,
            height_mm,
            align,
        });
        self
    }

    pub fn rule(mut self, thickness: f32, gray: f32) -> Cell {
        self.blocks.push(Block::Rule { thickness, gray });
        self
    }

    pub fn space(mut self, mm: f32) -> Cell {
        self.blocks.push(Block::Space(mm));
        self
    }
}

/// Height of the footer band (rule + one or two lines), in points.
const FOOTER_HEIGHT: f32 = 9.0 * MM;
/// Space between side-by-side cells of [`Layout::columns`], in millimetres.
pub const GUTTER_MM: f32 = 4.0;
const GUTTER: f32 = GUTTER_MM * MM;

/// A laid-out item inside a cell, with its height in points.
#[derive(Clone, Debug)]
enum Item {
    Line {
        line: WrappedLine,
        size: f32,
        height: f32,
        align: Align,
        gray: f32,
    },
    Image {
        index: usize,
        width: f32,
        height: f32,
        align: Align,
    },
    Rule {
        thickness: f32,
        gray: f32,
    },
    Space(f32),
}

impl Item {
    fn height(&self) -> f32 {
        match self {
            Item::Line { height, .. } | Item::Image { height, .. } => *height,
            Item::Rule { thickness, .. } => thickness + 3.0,
            Item::Space(h) => *h,
        }
    }
}

/// A cell ready to draw: its box (points, x from the left, width) and items.
#[derive(Clone, Debug)]
struct Prepared {
    x: f32,
    width: f32,
    items: Vec<Item>,
}

/// How a row is decorated and broken.
#[derive(Clone, Copy, Debug)]
struct RowStyle {
    pad_top: f32,
    pad_bottom: f32,
    fill: Option<f32>,
    rule_below: Option<(f32, f32)>,
    keep_together: bool,
}

impl RowStyle {
    const FLOW: RowStyle = RowStyle {
        pad_top: 0.0,
        pad_bottom: 0.0,
        fill: None,
        rule_below: None,
        keep_together: false,
    };
    const KEEP: RowStyle = RowStyle {
        keep_together: true,
        ..RowStyle::FLOW
    };
}

/// A header row redrawn at the top of each page a table continues on.
struct Header<'a> {
    cells: &'a [Prepared],
    style: RowStyle,
}

/// A document being laid out. See the module documentation for the model.
///
/// ```
/// use clinicdesk_pdf::layout::{Layout, PaperSize, Table, Column, Align};
/// let mut d = Layout::new(PaperSize::A4, "Daily list");
/// d.heading("Appointments");
/// d.paragraph("Everyone booked for today.");
/// d.table(&Table::new(vec![Column::new("Time", 0.2), Column::new("Patient", 0.8)])
///     .row(["09:00", "Анна Кузнецова"]));
/// let pdf = d.finish().unwrap();
/// assert!(pdf.starts_with(b"%PDF"));
/// ```
pub struct Layout {
    title: String,
    paper: PaperSize,
    page_w: f32,
    page_h: f32,
    margins: Margins,
    footer_text: Option<String>,
    running_header: Option<String>,
    watermark: Option<String>,
    /// None when the font could not be prepared: `finish` reports why.
    fonts: Option<&'static Fonts>,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Distance of the cursor from the top of the page, in points.
    y: f32,
    /// Nothing but a repeated table header has been drawn on this page yet.
    at_page_top: bool,
    used_chars: [BTreeSet<char>; 2],
    images: Vec<RawImage>,
    /// The first invalid request (e.g. a malformed table), reported by `finish`.
    error: Option<PdfError>,
}

impl Layout {
    /// A new document with default margins, its first page started.
    pub fn new(paper: PaperSize, title: &str) -> Layout {
        let (w, h) = paper.size_mm();
        let margins = if paper.is_roll() {
            Margins::roll()
        } else {
            Margins::default()
        };
        Layout {
            title: title.to_string(),
            paper,
            page_w: w * MM,
            page_h: h * MM,
            margins,
            footer_text: None,
            running_header: None,
            watermark: None,
            fonts: fonts().ok(),
            pages: Vec::new(),
            ops: Vec::new(),
            y: margins.top * MM,
            at_page_top: true,
            used_chars: [BTreeSet::new(), BTreeSet::new()],
            images: Vec::new(),
            error: None,
        }
    }

    /// Changes the margins (only before anything is drawn; later calls are ignored).
    pub fn with_margins(mut self, margins: Margins) -> Layout {
        if self.ops.is_empty() && self.pages.is_empty() {
            self.margins = margins;
            self.y = margins.top * MM;
        }
        self
    }

    /// Text printed at the left of every page's footer (beside "Page n of m").
    pub fn set_footer_text(&mut self, text: impl Into<String>) {
        self.footer_text = Some(text.into());
    }

    /// A line at the top of every page after the first, so a continuation page says
    /// what it continues ("Prescription — Анна Кузнецова (continued)").
    pub fn set_running_header(&mut self, text: impl Into<String>) {
        self.running_header = Some(text.into());
    }

    /// Large light text across every page, behind the content ("DRAFT — NOT VALID FOR
    /// DISPENSING", "VOID").
    pub fn set_watermark(&mut self, text: impl Into<String>) {
        self.watermark = Some(text.into());
    }

    pub fn paper(&self) -> PaperSize {
        self.paper
    }

    /// Width between the side margins, in millimetres.
    pub fn content_width_mm(&self) -> f32 {
        self.content_width() / MM
    }

    /// Room left on the current page above the footer, in millimetres.
    pub fn remaining_mm(&self) -> f32 {
        self.remaining() / MM
    }

    /// Pages started so far.
    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    /// A bold 15 pt heading with space around it.
    pub fn heading(&mut self, text: &str) {
        if !self.at_page_top {
            self.space(3.0);
        }
        // A heading never ends a page: keep it with a few lines of what follows.
        self.ensure_space(22.0);
        self.text(Text::new(text).bold().size(15.0));
        self.space(2.0);
    }

    /// A bold 11.5 pt subheading.
    pub fn subheading(&mut self, text: &str) {
        if !self.at_page_top {
            self.space(2.5);
        }
        self.ensure_space(15.0);
        self.text(Text::new(text).bold().size(11.5));
        self.space(1.2);
    }

    /// Regular 10 pt body text followed by a little space.
    pub fn paragraph(&mut self, text: &str) {
        self.text(Text::new(text));
        self.space(2.0);
    }

    /// A text block across the full width; it may continue on the next page.
    pub fn text(&mut self, text: Text) {
        let cell = Cell::new(1.0).text(text);
        self.flow_cells(vec![cell], 0.0, RowStyle::FLOW);
    }

    /// A label and its value on one row: the label bold in a 30 % column, the value wrapped.
    pub fn key_value(&mut self, key: &str, value: &str) {
        self.columns(vec![
            Cell::new(0.3).text(Text::new(key).bold()),
            Cell::new(0.7).text(Text::new(value)),
        ]);
    }

    /// Side-by-side cells, kept together on one page when they fit.
    pub fn columns(&mut self, cells: Vec<Cell>) {
        self.flow_cells(cells, GUTTER, RowStyle::KEEP);
    }

    /// Side-by-side cells placed so that they end at the bottom of the page (a signature
    /// block), on a new page when they do not fit below what is already there.
    pub fn columns_at_bottom(&mut self, cells: Vec<Cell>) {
        if let Some(prepared) = self.prepare_cells(cells, GUTTER, 0.0) {
            let height = Self::row_height(&prepared, RowStyle::KEEP);
            self.push_to_bottom(height / MM);
            self.flow(&prepared, RowStyle::KEEP, None);
        }
    }

    /// An image on its own row, scaled to fit `width_mm` × `height_mm`.
    pub fn image(&mut self, image: Image, width_mm: f32, height_mm: f32, align: Align) {
        let cell = Cell::new(1.0).image(image, width_mm, height_mm, align);
        self.flow_cells(vec![cell], 0.0, RowStyle::KEEP);
    }

    /// A horizontal rule across the content width.
    pub fn rule(&mut self, thickness: f32, gray: f32) {
        let cell = Cell::new(1.0).rule(thickness, gray);
        self.flow_cells(vec![cell], 0.0, RowStyle::KEEP);
    }

    /// Vertical space; dropped at the top of a page.
    pub fn space(&mut self, mm: f32) {
        if self.at_page_top {
            return;
        }
        let h = mm * MM;
        if h >= self.remaining() {
            self.new_page();
        } else {
            self.y += h;
        }
    }

    /// Starts a new page unless `mm` millimetres are left on this one.
    pub fn ensure_space(&mut self, mm: f32) {
        if !self.at_page_top && self.remaining() < mm * MM {
            self.new_page();
        }
    }

    /// Moves the cursor down so that a block `mm` high ends at the bottom of the page
    /// (a signature block); starts a new page first if there is not that much room.
    pub fn push_to_bottom(&mut self, mm: f32) {
        self.ensure_space(mm);
        // A roll has no bottom to push to: the page ends where the content does.
        if self.paper.is_roll() {
            return;
        }
        let target = self.content_bottom() - mm * MM;
        if target > self.y {
            self.y = target;
        }
    }

    /// Starts a new page.
    pub fn page_break(&mut self) {
        self.new_page();
    }

    /// Writes the footers and serializes the document.
    pub fn finish(mut self) -> Result<Vec<u8>, PdfError> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let fonts = match self.fonts {
            Some(f) => f,
            None => fonts()?,
        };
        let mut last = std::mem::take(&mut self.ops);
        let full_h = self.page_h;
        let mut last_h = full_h;
        if self.paper.is_roll() {
            // Cut the roll below the content; the content was placed on the tall page, so
            // shift it down by what is cut off.
            last_h = (self.y + self.footer_band() + self.margins.bottom * MM).min(full_h);
            let mut shifted = Vec::with_capacity(last.len() + 3);
            shifted.push(Op::SaveGraphicsState);
            shifted.push(Op::SetTransformationMatrix {
                matrix: CurTransMat::Translate(Pt(0.0), Pt(last_h - full_h)),
            });
            shifted.append(&mut last);
            shifted.push(Op::RestoreGraphicsState);
            last = shifted;
        }
        self.pages.push(last);
        let count = self.pages.len();
        let mut heights = Vec::with_capacity(count);
        let mut watermark = self.watermark_ops(fonts);
        for number in 1..=count {
            if number == count && last_h != full_h {
                self.page_h = last_h;
                watermark = self.watermark_ops(fonts);
            }
            // In millimetres as given, so A4 and Letter sizes come out exact.
            heights.push(if self.page_h == full_h {
                self.paper.size_mm().1
            } else {
                self.page_h / MM
            });
            let footer = self.footer_ops(fonts, number, count);
            if let Some(page) = self.pages.get_mut(number - 1) {
                page.extend(footer);
                // Drawn first, so the content covers it.
                page.splice(0..0, watermark.iter().cloned());
            }
        }

        let mut doc = PdfDocument::new(&self.title);
        let now = OffsetDateTime::now_utc();
        doc.metadata.info.creation_date = now;
        doc.metadata.info.modification_date = now;
        doc.metadata.info.metadata_date = now;
        doc.metadata.info.creator = "ClinicDesk".to_string();
        doc.metadata.info.producer = "ClinicDesk (printpdf)".to_string();
        for face in [Face::Regular, Face::Bold] {
            let chars = &self.used_chars[face.index()];
            if chars.is_empty() {
                continue;
            }
            let subset = fonts.face(face).subset(chars)?;
            doc.resources
                .fonts
                .map
                .insert(FontId(face.resource_id().to_string()), PdfFont::new(subset));
        }
        for (index, raw) in std::mem::take(&mut self.images).into_iter().enumerate() {
            doc.resources
                .xobjects
                .map
                .insert(image_id(index), XObject::Image(raw));
        }
        let w = self.paper.size_mm().0;
        let pages = std::mem::take(&mut self.pages)
            .into_iter()
            .zip(heights)
            .map(|(ops, h)| PdfPage::new(Mm(w), Mm(h), ops))
            .collect();
        doc.with_pages(pages);

        let options = PdfSaveOptions {
            optimize: true,
            // Fonts are already subset (printpdf only subsets with its HTML engine).
            subset_fonts: false,
            secure: true,
            // Logos and signatures are line art: keep them lossless.
            image_optimization: Some(printpdf::ImageOptimizationOptions {
                format: Some(printpdf::ImageCompression::Flate),
                ..Default::default()
            }),
        };
        let mut warnings = Vec::new();
        let bytes = doc.save(&options, &mut warnings);
        let errors: Vec<String> = warnings
            .into_iter()
            .filter(|w| w.severity == PdfParseErrorSeverity::Error)
            .map(|w| w.msg)
            .collect();
        if !errors.is_empty() {
            return Err(PdfError::Render(errors.join("; ")));
        }
        Ok(bytes)
    }

    // ---- geometry -------------------------------------------------------------------

    fn content_left(&self) -> f32 {
        self.margins.left * MM
    }

    fn content_width(&self) -> f32 {
        self.page_w - (self.margins.left + self.margins.right) * MM
    }

    /// Lowest y (from the top) content may reach: above the footer band.
    fn content_bottom(&self) -> f32 {
        self.page_h - self.margins.bottom * MM - self.footer_band()
    }

    /// Height kept for the footer: none on a roll without footer text (no page numbers).
    fn footer_band(&self) -> f32 {
        if self.paper.is_roll() && self.footer_text.is_none() {
            0.0
        } else {
            FOOTER_HEIGHT
        }
    }

    fn remaining(&self) -> f32 {
        self.content_bottom() - self.y
    }

    /// Height available on a fresh page.
    fn page_capacity(&self) -> f32 {
        self.content_bottom() - self.margins.top * MM
    }

    fn new_page(&mut self) {
        let page = std::mem::take(&mut self.ops);
        self.pages.push(page);
        self.y = self.margins.top * MM;
        self.at_page_top = true;
        if let (Some(header), Some(fonts)) = (self.running_header.clone(), self.fonts) {
            let text = Text::new(header).size(8.0).gray(0.3);
            let (left, width) = (self.content_left(), self.content_width());
            let height = text.size * text.line_height;
            for line in wrap(fonts, &text, width).iter().take(2) {
                self.draw_line(line, left, self.y, text.size, height, text.gray);
                self.y += height;
            }
            self.y += 1.0 * MM;
            self.hline(left, left + width, self.y, 0.4, 0.6);
            self.y += 4.0 * MM;
        }
    }

    fn record_error(&mut self, error: PdfError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    // ---- preparing ------------------------------------------------------------------

    /// Splits the content width between cells by their relative widths.
    fn cell_boxes(&mut self, widths: &[f32], gutter: f32) -> Option<Vec<(f32, f32)>> {
        if widths.is_empty() {
            self.record_error(PdfError::InvalidLayout(
                "a row needs at least one cell".into(),
            ));
            return None;
        }
        if widths.iter().any(|w| !w.is_finite() || *w <= 0.0) {
            self.record_error(PdfError::InvalidLayout(format!(
                "cell and column widths must be positive fractions, got {widths:?}"
            )));
            return None;
        }
        let total: f32 = widths.iter().sum();
        let usable = self.content_width() - gutter * (widths.len() - 1) as f32;
        let mut x = self.content_left();
        Some(
            widths
                .iter()
                .map(|w| {
                    let width = usable * w / total;
                    let cell = (x, width);
                    x += width + gutter;
                    cell
                })
                .collect(),
        )
    }

    fn prepare(&mut self, blocks: Vec<Block>, width: f32) -> Vec<Item> {
        let Some(fonts) = self.fonts else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for block in blocks {
            match block {
                Block::Text(text) => {
                    let height = text.size * text.line_height;
                    for line in wrap(fonts, &text, width) {
                        items.push(Item::Line {
                            line,
                            size: text.size,
                            height,
                            align: text.align,
                            gray: text.gray,
                        });
                    }
                }
                Block::Image {
                    image,
                    width_mm,
                    height_mm,
                    align,
                } => {
                    let (w, h) = image.fit((width_mm * MM).min(width), height_mm * MM);
                    self.images.push(image.raw);
                    items.push(Item::Image {
                        index: self.images.len() - 1,
                        width: w,
                        height: h,
                        align,
                    });
                }
                Block::Rule { thickness, gray } => items.push(Item::Rule { thickness, gray }),
                Block::Space(mm) => items.push(Item::Space(mm * MM)),
            }
        }
        items
    }

    fn prepare_cells(
        &mut self,
        cells: Vec<Cell>,
        gutter: f32,
        pad_x: f32,
    ) -> Option<Vec<Prepared>> {
        let widths: Vec<f32> = cells.iter().map(|c| c.width).collect();
        let boxes = self.cell_boxes(&widths, gutter)?;
        Some(
            cells
                .into_iter()
                .zip(boxes)
                .map(|(cell, (x, w))| {
                    let inner = (w - 2.0 * pad_x).max(1.0);
                    Prepared {
                        x: x + pad_x,
                        width: inner,
                        items: self.prepare(cell.blocks, inner),
                    }
                })
                .collect(),
        )
    }

    fn flow_cells(&mut self, cells: Vec<Cell>, gutter: f32, style: RowStyle) {
        if let Some(prepared) = self.prepare_cells(cells, gutter, 0.0) {
            self.flow(&prepared, style, None);
        }
    }

    // ---- flowing --------------------------------------------------------------------

    fn row_height(cells: &[Prepared], style: RowStyle) -> f32 {
        let content = cells
            .iter()
            .map(|c| c.items.iter().map(Item::height).sum::<f32>())
            .fold(0.0, f32::max);
        style.pad_top + content + style.pad_bottom
    }

    fn break_page(&mut self, header: Option<&Header<'_>>) {
        self.new_page();
        if let Some(header) = header {
            self.flow(header.cells, header.style, None);
            self.at_page_top = true;
        }
    }

    /// Draws a row from the cursor down, moving to new pages as needed.
    fn flow(&mut self, cells: &[Prepared], style: RowStyle, header: Option<&Header<'_>>) {
        let total = Self::row_height(cells, style);
        let header_height = header.map_or(0.0, |h| Self::row_height(h.cells, h.style));
        if style.keep_together
            && !self.at_page_top
            && total > self.remaining() + 0.01
            && total <= self.page_capacity() - header_height
        {
            self.break_page(header);
        }

        let mut next: Vec<usize> = vec![0; cells.len()];
        loop {
            let avail = self.remaining() - style.pad_top - style.pad_bottom;
            let mut ends = next.clone();
            let mut chunk = 0.0f32;
            for (cell, end) in cells.iter().zip(ends.iter_mut()) {
                // A continuation does not start a page with empty space.
                while *end > 0 && *end < cell.items.len() && self.at_page_top {
                    match cell.items.get(*end) {
                        Some(Item::Space(_)) => *end += 1,
                        _ => break,
                    }
                }
                let mut used = 0.0;
                while let Some(item) = cell.items.get(*end) {
                    if used + item.height() > avail + 0.01 {
                        break;
                    }
                    used += item.height();
                    *end += 1;
                }
                chunk = chunk.max(used);
            }
            let placed_nothing = cells
                .iter()
                .zip(next.iter().zip(&ends))
                .all(|(cell, (start, end))| start == end && cell.items.get(*end).is_some());
            if placed_nothing {
                if self.at_page_top {
                    // Taller than a whole page (a huge image): place one item anyway.
                    for (cell, end) in cells.iter().zip(ends.iter_mut()) {
                        if let Some(item) = cell.items.get(*end) {
                            chunk = chunk.max(item.height());
                            *end += 1;
                            break;
                        }
                    }
                } else {
                    self.break_page(header);
                    continue;
                }
            }

            let height = style.pad_top + chunk + style.pad_bottom;
            if let Some(gray) = style.fill {
                self.fill_rect(
                    self.content_left(),
                    self.y,
                    self.content_width(),
                    height,
                    gray,
                );
            }
            for (cell, (start, end)) in cells.iter().zip(next.iter().zip(&ends)) {
                let mut y = self.y + style.pad_top;
                for item in cell.items.get(*start..*end).unwrap_or_default() {
                    self.draw_item(cell, item, y);
                    y += item.height();
                }
            }
            self.y += height;
            if let Some((thickness, gray)) = style.rule_below {
                let (x, w) = (self.content_left(), self.content_width());
                self.hline(x, x + w, self.y, thickness, gray);
            }
            if height > 0.0 {
                self.at_page_top = false;
            }
            next = ends;
            let done = cells
                .iter()
                .zip(&next)
                .all(|(cell, end)| *end >= cell.items.len());
            if done {
                break;
            }
            self.break_page(header);
        }
    }

    // ---- drawing --------------------------------------------------------------------

    fn draw_item(&mut self, cell: &Prepared, item: &Item, top: f32) {
        match item {
            Item::Line {
                line,
                size,
                height,
                align,
                gray,
            } => {
                let x = cell.x + offset(*align, cell.width, line.width);
                self.draw_line(line, x, top, *size, *height, *gray);
            }
            Item::Image {
                index,
                width,
                height,
                align,
            } => {
                let x = cell.x + offset(*align, cell.width, *width);
                self.draw_image(*index, x, top, *width, *height);
            }
            Item::Rule { thickness, gray } => {
                let y = top + item.height() / 2.0;
                self.hline(cell.x, cell.x + cell.width, y, *thickness, *gray);
            }
            Item::Space(_) => {}
        }
    }

    /// Draws a wrapped line whose box starts `top` points from the page top.
    fn draw_line(
        &mut self,
        line: &WrappedLine,
        x: f32,
        top: f32,
        size: f32,
        height: f32,
        gray: f32,
    ) {
        let Some(fonts) = self.fonts else {
            return;
        };
        let (ascent, descent) = fonts.face(Face::Regular).vertical_metrics();
        let baseline = top + (height - (ascent + descent) * size) / 2.0 + ascent * size;
        self.ops.push(Op::SetFillColor { col: grey(gray) });
        self.ops.push(Op::StartTextSection);
        for run in &line.runs {
            self.used_chars[run.face.index()].extend(run.text.chars());
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(FontId(run.face.resource_id().to_string())),
                size: Pt(size),
            });
            self.ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x + run.x), Pt(self.page_h - baseline)),
            });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::Text(run.text.clone())],
            });
        }
        self.ops.push(Op::EndTextSection);
    }

    fn draw_image(&mut self, index: usize, x: f32, top: f32, width: f32, height: f32) {
        let Some(raw) = self.images.get(index) else {
            return;
        };
        let (px_w, px_h) = (raw.width as f32, raw.height as f32);
        self.ops.push(Op::UseXobject {
            id: image_id(index),
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(self.page_h - top - height)),
                rotate: None,
                // At 72 dpi one pixel is one point; scale from there to the box.
                scale_x: Some(width / px_w),
                scale_y: Some(height / px_h),
                dpi: Some(72.0),
                no_auto_scale: false,
            },
        });
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, gray: f32) {
        let y = self.page_h - y;
        self.ops.push(Op::SetOutlineColor { col: grey(gray) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(x2),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    fn fill_rect(&mut self, x: f32, top: f32, width: f32, height: f32, gray: f32) {
        self.ops.push(Op::SetFillColor { col: grey(gray) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(self.page_h - top - height),
                width: Pt(width),
                height: Pt(height),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// The footer of page `number` of `count`: a hairline, the footer text at the left
    /// (at most two lines), "Page n of m" at the right (not on a roll).
    fn footer_ops(&mut self, fonts: &'static Fonts, number: usize, count: usize) -> Vec<Op> {
        if self.footer_band() == 0.0 {
            return Vec::new();
        }
        let saved = std::mem::take(&mut self.ops);
        let size = 7.5;
        let line_height = size * 1.3;
        let top = self.content_bottom() + 3.0 * MM;
        let (left, width) = (self.content_left(), self.content_width());
        self.hline(left, left + width, top, 0.4, 0.6);

        let mut label_line = WrappedLine::default();
        if !self.paper.is_roll() {
            let label = Text::new(format!("Page {number} of {count}"))
                .size(size)
                .gray(0.3);
            label_line = wrap(fonts, &label, width)
                .into_iter()
                .next()
                .unwrap_or_default();
            let label_x = left + width - label_line.width;
            self.draw_line(&label_line, label_x, top + 1.2 * MM, size, line_height, 0.3);
        }

        if let Some(footer) = self.footer_text.clone() {
            let text = Text::new(footer).size(size).gray(0.3);
            let gap = if label_line.width > 0.0 {
                6.0 * MM
            } else {
                0.0
            };
            let room = (width - label_line.width - gap).max(size);
            for (i, line) in wrap(fonts, &text, room).iter().take(2).enumerate() {
                let y = top + 1.2 * MM + i as f32 * line_height;
                self.draw_line(line, left, y, size, line_height, 0.3);
            }
        }
        std::mem::replace(&mut self.ops, saved)
    }
}

impl Layout {
    /// The watermark along the page's diagonal, centred, in light grey bold.
    fn watermark_ops(&mut self, fonts: &'static Fonts) -> Vec<Op> {
        let Some(text) = self.watermark.clone() else {
            return Vec::new();
        };
        let face = fonts.face(Face::Bold);
        let drawn: String = text
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| face.drawable(c))
            .collect();
        let em: f32 = drawn.chars().map(|c| face.advance_em(c)).sum();
        if em <= 0.0 {
            return Vec::new();
        }
        let (w, h) = (self.page_w, self.page_h);
        let diagonal = (w * w + h * h).sqrt();
        let size = (diagonal * 0.7 / em).min(72.0);
        let angle = h.atan2(w);
        let (sin, cos) = angle.sin_cos();
        let (ascent, _) = face.vertical_metrics();
        // Start so that the middle of the text's x-height band sits at the page centre.
        let half_w = em * size / 2.0;
        let half_h = ascent * size * 0.35;
        let x = w / 2.0 - half_w * cos + half_h * sin;
        let y = h / 2.0 - half_w * sin - half_h * cos;
        self.used_chars[Face::Bold.index()].extend(drawn.chars());
        vec![
            Op::SaveGraphicsState,
            Op::SetFillColor { col: grey(0.86) },
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(FontId(Face::Bold.resource_id().to_string())),
                size: Pt(size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Raw([cos, sin, -sin, cos, x, y]),
            },
            Op::ShowText {
                items: vec![TextItem::Text(drawn)],
            },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]
    }
}

fn image_id(index: usize) -> XObjectId {
    XObjectId(format!("Im{index}"))
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level.clamp(0.0, 1.0),
        icc_profile: None,
    })
}

/// Left offset of something `used` wide inside a box `width` wide.
fn offset(align: Align, width: f32, used: f32) -> f32 {
    match align {
        Align::Left => 0.0,
        Align::Center => ((width - used) / 2.0).max(0.0),
        Align::Right => (width - used).max(0.0),
    }
}
