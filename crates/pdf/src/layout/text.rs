//! Styled text and the word wrapper.

use crate::fonts::{Face, Fonts};

/// Horizontal alignment of a line inside its box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A run of text in one weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
}

/// A block of text: one or more spans wrapped together at one size and alignment.
///
/// Whitespace collapses to single spaces; `\n` starts a new line; a no-break space
/// (U+00A0) keeps its neighbours on one line. Words longer than the line are broken
/// between characters rather than running off the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub spans: Vec<Span>,
    /// Font size in points.
    pub size: f32,
    pub align: Align,
    /// Text colour as a grey level: 0 is black, 1 is white.
    pub gray: f32,
    /// Line height as a multiple of the font size.
    pub line_height: f32,
}

impl Text {
    /// Regular 10 pt black text, left-aligned.
    pub fn new(text: impl Into<String>) -> Text {
        Text {
            spans: vec![Span {
                text: text.into(),
                bold: false,
            }],
            size: 10.0,
            align: Align::Left,
            gray: 0.0,
            line_height: 1.25,
        }
    }

    /// Bold 10 pt text.
    pub fn bold_text(text: impl Into<String>) -> Text {
        Text::new(text).bold()
    }

    /// Makes every span so far bold.
    pub fn bold(mut self) -> Text {
        for span in &mut self.spans {
            span.bold = true;
        }
        self
    }

    pub fn size(mut self, points: f32) -> Text {
        self.size = points;
        self
    }

    pub fn align(mut self, align: Align) -> Text {
        self.align = align;
        self
    }

    /// Grey level of the text: 0 is black, 1 is white.
    pub fn gray(mut self, level: f32) -> Text {
        self.gray = level.clamp(0.0, 1.0);
        self
    }

    pub fn line_height(mut self, multiple: f32) -> Text {
        self.line_height = multiple;
        self
    }

    /// Appends a regular span.
    pub fn then(mut self, text: impl Into<String>) -> Text {
        self.spans.push(Span {
            text: text.into(),
            bold: false,
        });
        self
    }

    /// Appends a bold span.
    pub fn then_bold(mut self, text: impl Into<String>) -> Text {
        self.spans.push(Span {
            text: text.into(),
            bold: true,
        });
        self
    }
}

/// A piece of a wrapped line in one weight, positioned from the line's start.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    pub text: String,
    pub face: Face,
    pub x: f32,
}

/// One wrapped line; `width` is its measured width in points.
#[derive(Clone, Debug, Default)]
pub(crate) struct WrappedLine {
    pub runs: Vec<Run>,
    pub width: f32,
}

impl WrappedLine {
    fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    fn push(&mut self, c: char, face: Face, advance: f32) {
        match self.runs.last_mut() {
            Some(run) if run.face == face => run.text.push(c),
            _ => self.runs.push(Run {
                text: c.to_string(),
                face,
                x: self.width,
            }),
        }
        self.width += advance;
    }
}

/// Wraps `text` into lines no wider than `max_width` points.
pub(crate) fn wrap(fonts: &Fonts, text: &Text, max_width: f32) -> Vec<WrappedLine> {
    let mut wrapper = Wrapper {
        fonts,
        size: text.size,
        max_width: max_width.max(text.size),
        lines: Vec::new(),
        line: WrappedLine::default(),
        word: Vec::new(),
        pending_space: None,
    };
    for span in &text.spans {
        let face = Face::of(span.bold);
        for c in span.text.chars() {
            if c == '\n' {
                wrapper.place_word();
                let line = std::mem::take(&mut wrapper.line);
                wrapper.lines.push(line);
                wrapper.pending_space = None;
            } else if c == '\u{a0}' {
                // A no-break space: drawn as a space, never broken at.
                wrapper.word.push((' ', face));
            } else if c.is_whitespace() {
                wrapper.place_word();
                if !wrapper.line.is_empty() {
                    wrapper.pending_space = Some(face);
                }
            } else if !c.is_control() {
                let drawn = fonts.face(face).drawable(c);
                wrapper.word.push((drawn, face));
            }
        }
    }
    wrapper.place_word();
    if !wrapper.line.is_empty() {
        let line = std::mem::take(&mut wrapper.line);
        wrapper.lines.push(line);
    }
    wrapper.lines
}

struct Wrapper<'a> {
    fonts: &'a Fonts,
    size: f32,
    max_width: f32,
    lines: Vec<WrappedLine>,
    line: WrappedLine,
    word: Vec<(char, Face)>,
    pending_space: Option<Face>,
}

/// Room for float rounding, so a line measured exactly at the limit is not pushed down.
const EPSILON: f32 = 0.01;

impl Wrapper<'_> {
    fn advance(&self, c: char, face: Face) -> f32 {
        self.fonts.face(face).advance_em(c) * self.size
    }

    fn place_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let word = std::mem::take(&mut self.word);
        let word_width: f32 = word.iter().map(|(c, f)| self.advance(*c, *f)).sum();
        let space = self.pending_space.take();
        if !self.line.is_empty() {
            let space_width = space.map_or(0.0, |f| self.advance(' ', f));
            if self.line.width + space_width + word_width <= self.max_width + EPSILON {
                if let Some(face) = space {
                    self.line.push(' ', face, space_width);
                }
                for (c, face) in word {
                    let advance = self.advance(c, face);
                    self.line.push(c, face, advance);
                }
                return;
            }
            let line = std::mem::take(&mut self.line);
            self.lines.push(line);
        }
        // The word starts a line; break it between characters when it is longer than one.
        for (c, face) in word {
            let advance = self.advance(c, face);
            if !self.line.is_empty() && self.line.width + advance > self.max_width + EPSILON {
                let line = std::mem::take(&mut self.line);
                self.lines.push(line);
            }
            self.line.push(c, face, advance);
        }
    }
}
