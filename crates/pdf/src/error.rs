//! The one error type of this crate; the desktop shell converts it at the IPC boundary.

/// What can go wrong while rendering or printing a document.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// An image (clinic logo, signature, …) could not be decoded; `name` says which one.
    #[error("the {name} could not be read as a PNG or JPEG image: {reason}")]
    Image { name: String, reason: String },
    /// The caller described a table or block the layout cannot draw.
    #[error("invalid layout: {0}")]
    InvalidLayout(String),
    /// The embedded font could not be parsed or subset (a build defect, not user input).
    #[error("the document font could not be prepared: {0}")]
    Font(String),
    /// printpdf reported an error while writing the file.
    #[error("the PDF could not be written: {0}")]
    Render(String),
    /// This system cannot print directly (no CUPS client, or Windows).
    #[error("printing is not available: {0}")]
    PrintingUnavailable(String),
    /// The print system refused the request; the message includes what it said.
    #[error("the print system refused the job: {0}")]
    PrintRefused(String),
    /// A printer name that CUPS would never accept (empty, spaces, `/`, `#`, leading `-`).
    #[error("{0:?} is not a valid printer name")]
    InvalidPrinterName(String),
    /// Talking to the print commands failed at the operating-system level.
    #[error("{action}: {source}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },
}

impl PdfError {
    /// A stable machine-readable code, for the IPC error's `code` field.
    pub fn code(&self) -> &'static str {
        match self {
            PdfError::Image { .. } => "invalid_image",
            PdfError::InvalidLayout(_) => "invalid_layout",
            PdfError::Font(_) | PdfError::Render(_) => "render_failed",
            PdfError::PrintingUnavailable(_) => "printing_unavailable",
            PdfError::PrintRefused(_) => "print_refused",
            PdfError::InvalidPrinterName(_) => "invalid_printer",
            PdfError::Io { .. } => "io",
        }
    }
}
