//! Printing a rendered PDF through the operating system.
//!
//! - Linux and macOS: CUPS, through its command-line client — `lpstat` to list queues and
//!   `lp` to submit, the PDF on `lp`'s standard input (no temporary file, no shell).
//! - Windows: there is no `lp`; ClinicDesk prints by saving the PDF and opening it in the
//!   default PDF viewer, whose print dialog the user then uses. Both functions here return
//!   [`PdfError::PrintingUnavailable`] saying so.

use crate::PdfError;

/// A print queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printer {
    pub name: String,
    /// The destination `lp` uses when none is named.
    pub is_default: bool,
}

/// The print queues CUPS knows, the default one flagged.
pub fn list_printers() -> Result<Vec<Printer>, PdfError> {
    imp::list_printers()
}

/// Sends `pdf` to `printer` (or the default destination) as a job titled `title`;
/// returns CUPS's job id (e.g. `ClinicDeskPDF-12`). When `lp` is missing or CUPS refuses
/// the job, the error says so and includes what `lp` printed.
pub fn print_pdf(pdf: &[u8], printer: Option<&str>, title: &str) -> Result<String, PdfError> {
    print_pdf_with(pdf, printer, title, &PrintOptions::default())
}

/// What a job asks of the queue beyond its defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PrintOptions {
    /// The page to print on, (width, height) in millimetres, sent as
    /// `-o media=Custom.WxHmm`. A receipt roll needs it (use [`page_size_mm`] of the
    /// rendered receipt): its page is as long as the receipt, and without it CUPS centres
    /// the receipt on the queue's default sheet. A4 and Letter documents leave it unset,
    /// so the queue's own tray setting applies.
    pub media_mm: Option<(f32, f32)>,
}

/// [`print_pdf`] with [`PrintOptions`].
pub fn print_pdf_with(
    pdf: &[u8],
    printer: Option<&str>,
    title: &str,
    options: &PrintOptions,
) -> Result<String, PdfError> {
    if let Some(name) = printer {
        validate_printer_name(name)?;
    }
    let media = options.media_mm.map(media_option).transpose()?;
    imp::print_pdf(pdf, printer, title, media.as_deref())
}

/// The size of the first page of a PDF this crate rendered, (width, height) in
/// millimetres, read from its `/MediaBox`; `None` when there is none to read.
pub fn page_size_mm(pdf: &[u8]) -> Option<(f32, f32)> {
    let key = b"/MediaBox";
    let start = pdf.windows(key.len()).position(|w| w == key)? + key.len();
    let rest = pdf.get(start..)?;
    let end = rest.iter().take(200).position(|b| *b == b']')?;
    let inside = std::str::from_utf8(rest.get(..end)?).ok()?;
    let numbers: Vec<f32> = inside
        .trim_start()
        .strip_prefix('[')?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [x0, y0, x1, y1] = numbers[..] else {
        return None;
    };
    let mm = |pt: f32| pt * 25.4 / 72.0;
    Some((mm(x1 - x0), mm(y1 - y0)))
}

/// `media=Custom.80x129.1mm`: rounded up to 0.1 mm so the last line is never cut, but
/// not for float noise (80.00001 mm is an 80 mm roll).
fn media_option((width, height): (f32, f32)) -> Result<String, PdfError> {
    let valid = |v: f32| v.is_finite() && v > 0.0 && v <= 5080.0;
    if !valid(width) || !valid(height) {
        return Err(PdfError::InvalidLayout(format!(
            "cannot ask the printer for a {width} × {height} mm page"
        )));
    }
    let up = |v: f32| (v * 10.0 - 0.01).ceil() / 10.0;
    Ok(format!("media=Custom.{}x{}mm", up(width), up(height)))
}

/// CUPS queue names are printable, without spaces, `/`, `\`, `#` or quotes; we also refuse
/// a leading `-` so a name can never be read as an option.
fn validate_printer_name(name: &str) -> Result<(), PdfError> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || "/\\#'\"".contains(c);
    if name.is_empty() || name.len() > 127 || name.starts_with('-') || name.chars().any(bad) {
        return Err(PdfError::InvalidPrinterName(name.to_string()));
    }
    Ok(())
}

/// A job title fit for the CUPS job list: one line, no control characters, bounded.
fn clean_title(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "ClinicDesk document".to_string()
    } else {
        cleaned.to_string()
    }
}

/// `lp` answers "request id is Queue-12 (1 file(s))".
fn parse_job_id(stdout: &str) -> Option<String> {
    let rest = stdout.split("request id is ").nth(1)?;
    let id = rest.split_whitespace().next()?;
    (!id.is_empty()).then(|| id.to_string())
}

/// Parses `lpstat -e` (one destination per line) and `lpstat -d`.
fn parse_printers(destinations: &str, default_line: &str) -> Vec<Printer> {
    let default = default_line
        .lines()
        .find_map(|l| l.strip_prefix("system default destination:"))
        .map(str::trim);
    destinations
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|name| Printer {
            name: name.to_string(),
            is_default: Some(name) == default,
        })
        .collect()
}

#[cfg(not(windows))]
mod imp {
    use std::io::{ErrorKind, Write};
    use std::process::{Command, Output, Stdio};

    use super::{clean_title, parse_job_id, parse_printers, Printer};
    use crate::PdfError;

    /// A CUPS client command with messages in English, so they can be parsed.
    fn cups_command(program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("LC_ALL", "C").env("LANG", "C");
        command
    }

    fn missing(program: &str) -> PdfError {
        PdfError::PrintingUnavailable(format!(
            "the `{program}` command was not found; install the CUPS client \
             (Debian/Ubuntu: apt install cups-client)"
        ))
    }

    fn run(program: &str, args: &[&str]) -> Result<Output, PdfError> {
        cups_command(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| match e.kind() {
                ErrorKind::NotFound => missing(program),
                _ => PdfError::Io {
                    action: format!("running {program}"),
                    source: e,
                },
            })
    }

    fn stderr_of(output: &Output) -> String {
        String::from_utf8_lossy(&output.stderr).trim().to_string()
    }

    pub(super) fn list_printers() -> Result<Vec<Printer>, PdfError> {
        let destinations = run("lpstat", &["-e"])?;
        if !destinations.status.success() {
            let stderr = stderr_of(&destinations);
            // CUPS with no queue at all answers this, not an empty list.
            if stderr.contains("No destinations added") {
                return Ok(Vec::new());
            }
            return Err(PdfError::PrintingUnavailable(format!(
                "lpstat could not list printers: {stderr}"
            )));
        }
        // No default destination is normal (exit status 1 on some versions): ignore it.
        let default = run("lpstat", &["-d"])?;
        Ok(parse_printers(
            &String::from_utf8_lossy(&destinations.stdout),
            &String::from_utf8_lossy(&default.stdout),
        ))
    }

    pub(super) fn print_pdf(
        pdf: &[u8],
        printer: Option<&str>,
        title: &str,
        media: Option<&str>,
    ) -> Result<String, PdfError> {
        let mut command = cups_command("lp");
        if let Some(name) = printer {
            command.arg("-d").arg(name);
        }
        if let Some(media) = media {
            command.arg("-o").arg(media);
        }
        // No file argument: lp reads the document from standard input.
        command
            .arg("-t")
            .arg(clean_title(title))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| match e.kind() {
            ErrorKind::NotFound => missing("lp"),
            _ => PdfError::Io {
                action: "starting lp".into(),
                source: e,
            },
        })?;
        let Some(mut stdin) = child.stdin.take() else {
            return Err(PdfError::PrintingUnavailable(
                "lp has no standard input".into(),
            ));
        };
        // Write from a thread so that lp filling its output pipes can never deadlock us.
        let output = std::thread::scope(|scope| {
            let writer = scope.spawn(move || {
                let written = stdin.write_all(pdf);
                drop(stdin);
                written
            });
            let output = child.wait_with_output();
            (writer.join(), output)
        });
        let (written, output) = output;
        let output = output.map_err(|e| PdfError::Io {
            action: "waiting for lp".into(),
            source: e,
        })?;
        if !output.status.success() {
            return Err(PdfError::PrintRefused(format!(
                "lp failed ({}): {}",
                output.status,
                stderr_of(&output)
            )));
        }
        match written {
            Ok(Ok(())) => {}
            // lp succeeded without reading everything: the job would be truncated.
            Ok(Err(e)) => {
                return Err(PdfError::Io {
                    action: "sending the document to lp".into(),
                    source: e,
                })
            }
            Err(_) => {
                return Err(PdfError::PrintRefused(
                    "sending the document to lp failed".into(),
                ))
            }
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        parse_job_id(&stdout).ok_or_else(|| {
            PdfError::PrintRefused(format!(
                "lp accepted the document but gave no job id: {}",
                stdout.trim()
            ))
        })
    }
}

#[cfg(windows)]
mod imp {
    use super::Printer;
    use crate::PdfError;

    const HOW: &str = "on Windows, ClinicDesk prints by saving the PDF and opening it in the \
                       default PDF viewer, which prints it";

    pub(super) fn list_printers() -> Result<Vec<Printer>, PdfError> {
        Err(PdfError::PrintingUnavailable(HOW.into()))
    }

    pub(super) fn print_pdf(
        _pdf: &[u8],
        _printer: Option<&str>,
        _title: &str,
        _media: Option<&str>,
    ) -> Result<String, PdfError> {
        Err(PdfError::PrintingUnavailable(HOW.into()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_page_size_is_read_from_the_media_box_and_asked_for_rounded_up() {
        let pdf = b"%PDF-1.7\n1 0 obj<</Type/Page/MediaBox[0 0 226.77168 365.7046]>>";
        let (w, h) = page_size_mm(pdf).unwrap();
        assert!(
            (w - 80.0).abs() < 0.001 && (h - 129.0125).abs() < 0.001,
            "{w} {h}"
        );
        assert_eq!(media_option((w, h)).unwrap(), "media=Custom.80x129.1mm");
        assert_eq!(
            media_option((80.0, 129.0)).unwrap(),
            "media=Custom.80x129mm"
        );
        assert!(page_size_mm(b"%PDF-1.7 no pages").is_none());
        assert!(page_size_mm(b"/MediaBox [0 0 x 1]").is_none());
        assert!(matches!(
            media_option((80.0, f32::NAN)),
            Err(PdfError::InvalidLayout(_))
        ));
    }

    #[test]
    fn job_id_is_read_from_lps_answer() {
        assert_eq!(
            parse_job_id("request id is ClinicDeskPDF-12 (1 file(s))\n").as_deref(),
            Some("ClinicDeskPDF-12")
        );
        assert_eq!(parse_job_id("something else"), None);
    }

    #[test]
    fn the_default_destination_is_flagged() {
        let printers = parse_printers(
            "Reception\nClinicDeskPDF\n",
            "system default destination: ClinicDeskPDF\n",
        );
        assert_eq!(
            printers,
            vec![
                Printer {
                    name: "Reception".into(),
                    is_default: false
                },
                Printer {
                    name: "ClinicDeskPDF".into(),
                    is_default: true
                },
            ]
        );
        assert!(
            parse_printers("Reception\n", "no system default destination\n")
                .iter()
                .all(|p| !p.is_default)
        );
    }

    #[test]
    fn printer_names_that_cups_would_refuse_are_refused_before_lp_runs() {
        for bad in ["", "-o", "two words", "a/b", "a#b", "new\nline"] {
            assert!(
                matches!(
                    validate_printer_name(bad),
                    Err(PdfError::InvalidPrinterName(_))
                ),
                "{bad:?} accepted"
            );
        }
        validate_printer_name("ClinicDeskPDF").unwrap();
        validate_printer_name("Reception_HP-4050").unwrap();
    }

    #[test]
    fn job_titles_are_one_line() {
        assert_eq!(clean_title("Rx\nАнна\tКузнецова"), "Rx Анна Кузнецова");
        assert_eq!(clean_title("  \n "), "ClinicDesk document");
    }
}
