//! DejaVu Sans (regular and bold), parsed once per process, measured with its real advance
//! widths, and subset per document to the glyphs the document uses.
//!
//! Why not the 14 standard PDF fonts: printpdf writes them WinAnsi-encoded, which has no
//! Cyrillic or Greek, and patients are called "Анна Кузнецова" and "Γιώργος Παπαδόπουλος".

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use printpdf::{FontMetrics, FontType, ParsedFont};

use crate::PdfError;

/// The two faces every document uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub(crate) fn of(bold: bool) -> Face {
        if bold {
            Face::Bold
        } else {
            Face::Regular
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
        }
    }

    /// The font resource name used in content streams.
    pub(crate) fn resource_id(self) -> &'static str {
        match self {
            Face::Regular => "FReg",
            Face::Bold => "FBold",
        }
    }

    fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
        }
    }
}

/// One parsed face and the metrics layout needs.
pub(crate) struct FontFace {
    face: Face,
    bytes: &'static [u8],
    parsed: ParsedFont,
    /// Drawn instead of a character the font has no glyph for (so it is visibly missing
    /// rather than silently dropped).
    replacement: char,
}

impl FontFace {
    fn load(face: Face, bytes: &'static [u8]) -> Result<FontFace, PdfError> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| {
            PdfError::Font(format!("{} could not be parsed", face.postscript_name()))
        })?;
        if parsed.units_per_em == 0 || parsed.codepoint_to_glyph.is_empty() {
            return Err(PdfError::Font(format!(
                "{} has no usable cmap",
                face.postscript_name()
            )));
        }
        let replacement = if parsed.lookup_glyph_index(0xFFFD).is_some() {
            '\u{FFFD}'
        } else {
            '?'
        };
        Ok(FontFace {
            face,
            bytes,
            parsed,
            replacement,
        })
    }

    /// The character that will actually be drawn for `c`.
    pub(crate) fn drawable(&self, c: char) -> char {
        if self.glyph(c).is_some() {
            c
        } else {
            self.replacement
        }
    }

    fn glyph(&self, c: char) -> Option<u16> {
        self.parsed
            .lookup_glyph_index(c as u32)
            .filter(|gid| *gid != 0)
    }

    /// Advance of `c` in em, rounded down to 1/1000 em exactly as the PDF's `/W` widths
    /// are, so that what we measure is where the viewer's pen ends up.
    pub(crate) fn advance_em(&self, c: char) -> f32 {
        let gid = self.glyph(c).unwrap_or(0);
        let units = self.parsed.get_glyph_width(gid).unwrap_or(0);
        let thousandths = (f32::from(units) * 1000.0 / f32::from(self.parsed.units_per_em)) as i64;
        thousandths as f32 / 1000.0
    }

    /// Whether the face has a glyph for `c`.
    pub(crate) fn has(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// Ascender and descender (positive, in em) from the font's hhea table.
    pub(crate) fn vertical_metrics(&self) -> (f32, f32) {
        let upm = f32::from(self.parsed.units_per_em);
        (
            f32::from(self.parsed.font_metrics.ascent) / upm,
            -f32::from(self.parsed.font_metrics.descent) / upm,
        )
    }

    /// A font program holding only the glyphs for `chars`, with glyph ids renumbered and
    /// the character map, widths and metrics printpdf needs to write it.
    pub(crate) fn subset(&self, chars: &BTreeSet<char>) -> Result<ParsedFont, PdfError> {
        let original: BTreeSet<u16> = chars.iter().filter_map(|c| self.glyph(*c)).collect();
        // .notdef must stay glyph 0; every other glyph's new id is its position here.
        let ids: Vec<u16> = std::iter::once(0).chain(original.iter().copied()).collect();
        let new_id: BTreeMap<u16, u16> = ids
            .iter()
            .enumerate()
            .map(|(position, gid)| (*gid, position as u16))
            .collect();

        let font_file = ReadScope::new(self.bytes)
            .read::<FontData<'_>>()
            .map_err(|e| PdfError::Font(format!("{}: {e}", self.face.postscript_name())))?;
        let provider = font_file
            .table_provider(0)
            .map_err(|e| PdfError::Font(format!("{}: {e}", self.face.postscript_name())))?;
        let program =
            subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| {
                PdfError::Font(format!("subsetting {}: {e}", self.face.postscript_name()))
            })?;

        let mut codepoint_to_glyph = BTreeMap::new();
        for c in chars {
            if let Some(gid) = self.glyph(*c).and_then(|g| new_id.get(&g)) {
                codepoint_to_glyph.insert(*c as u32, *gid);
            }
        }
        let glyph_widths = ids
            .iter()
            .filter_map(|old| {
                let width = self.parsed.get_glyph_width(*old)?;
                Some((*new_id.get(old)?, width))
            })
            .collect();

        Ok(ParsedFont {
            original_bytes: program,
            font_index: 0,
            // ISO 32000-1 9.6.4: a subset font's name carries a six-letter tag.
            font_name: Some(format!(
                "{}+{}",
                subset_tag(&ids),
                self.face.postscript_name()
            )),
            codepoint_to_glyph,
            glyph_widths,
            units_per_em: self.parsed.units_per_em,
            font_metrics: FontMetrics {
                ascent: self.parsed.font_metrics.ascent,
                descent: self.parsed.font_metrics.descent,
            },
            font_type: FontType::TrueType,
            pdf_font_metrics: self.parsed.pdf_font_metrics.clone(),
        })
    }
}

/// Six capital letters derived from the glyph set (FNV-1a), so different subsets of the
/// same face get different tags, and the same document always the same one.
fn subset_tag(ids: &[u16]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for id in ids {
        for byte in id.to_be_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| {
            let letter = ((hash >> (i * 5)) % 26) as u8;
            char::from(b'A' + letter)
        })
        .collect()
}

/// Both faces, parsed on first use.
pub(crate) struct Fonts {
    regular: FontFace,
    bold: FontFace,
}

impl Fonts {
    pub(crate) fn face(&self, face: Face) -> &FontFace {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

static FONTS: OnceLock<Result<Fonts, PdfError>> = OnceLock::new();

/// The process-wide fonts (parsed on the first call, a few milliseconds; free afterwards).
pub(crate) fn fonts() -> Result<&'static Fonts, PdfError> {
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                regular: FontFace::load(Face::Regular, dejavu::sans::regular())?,
                bold: FontFace::load(Face::Bold, dejavu::sans::bold())?,
            })
        })
        .as_ref()
        // The one failure is remembered; each caller gets its own copy of the message.
        .map_err(|e| match e {
            PdfError::Font(message) => PdfError::Font(message.clone()),
            other => PdfError::Font(other.to_string()),
        })
}
