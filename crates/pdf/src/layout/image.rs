//! Decoded images (clinic logo, signature) ready to be placed.

use printpdf::{RawImage, RawImageData, RawImageFormat};

use crate::PdfError;

/// Largest image accepted, in pixels (a 256 KB PNG can still expand to gigabytes).
const MAX_PIXELS: usize = 40_000_000;

/// A decoded PNG or JPEG. Decode it once with [`Image::decode`]; a bad file is an error
/// naming the image ("the clinic logo could not be read …"), never a panic.
#[derive(Clone, Debug)]
pub struct Image {
    name: String,
    pub(crate) raw: RawImage,
}

impl Image {
    /// Decodes PNG or JPEG bytes. `name` says what the image is, for the error message.
    pub fn decode(name: &str, bytes: &[u8]) -> Result<Image, PdfError> {
        let fail = |reason: &str| PdfError::Image {
            name: name.to_string(),
            reason: reason.to_string(),
        };
        if bytes.is_empty() {
            return Err(fail("the file is empty"));
        }
        let is_png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
        let is_jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
        if !is_png && !is_jpeg {
            return Err(fail("it is neither a PNG nor a JPEG file"));
        }
        let mut warnings = Vec::new();
        let raw = RawImage::decode_from_bytes(bytes, &mut warnings).map_err(|e| fail(&e))?;
        if raw.width == 0 || raw.height == 0 {
            return Err(fail("it has no pixels"));
        }
        if raw.width.saturating_mul(raw.height) > MAX_PIXELS {
            return Err(fail("it is too large (more than 40 megapixels)"));
        }
        Ok(Image {
            name: name.to_string(),
            raw: flatten_onto_white(raw, name)?,
        })
    }

    /// What the image is ("clinic logo").
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn width_px(&self) -> usize {
        self.raw.width
    }

    pub fn height_px(&self) -> usize {
        self.raw.height
    }

    /// The largest size (points) with this image's aspect ratio that fits `max_w` × `max_h`.
    pub(crate) fn fit(&self, max_w: f32, max_h: f32) -> (f32, f32) {
        let (w, h) = (self.raw.width as f32, self.raw.height as f32);
        let scale = (max_w / w).min(max_h / h);
        (w * scale, h * scale)
    }
}

/// 8-bit grey or RGB with any transparency composited onto white paper.
///
/// A page with transparency (a soft mask) cannot be expressed in PostScript, so the
/// PostScript step of most Linux print paths (CUPS's pdftops, cups-pdf) rasterizes the
/// *whole page*, text included. Logos and signatures are printed on white anyway.
fn flatten_onto_white(raw: RawImage, name: &str) -> Result<RawImage, PdfError> {
    let (channels, colour, alpha, bgr) = match raw.data_format {
        RawImageFormat::R8 | RawImageFormat::R16 => (1, false, false, false),
        RawImageFormat::RG8 | RawImageFormat::RG16 => (2, false, true, false),
        RawImageFormat::RGB8 | RawImageFormat::RGB16 | RawImageFormat::RGBF32 => {
            (3, true, false, false)
        }
        RawImageFormat::RGBA8 | RawImageFormat::RGBA16 | RawImageFormat::RGBAF32 => {
            (4, true, true, false)
        }
        RawImageFormat::BGR8 => (3, true, false, true),
        RawImageFormat::BGRA8 => (4, true, true, true),
    };
    let samples: Vec<u8> = match raw.pixels {
        RawImageData::U8(v) => v,
        RawImageData::U16(v) => v.into_iter().map(|x| (x >> 8) as u8).collect(),
        RawImageData::F32(v) => v
            .into_iter()
            .map(|x| (x.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect(),
    };
    if samples.len() != raw.width * raw.height * channels {
        return Err(PdfError::Image {
            name: name.to_string(),
            reason: "its pixel data does not match its size".into(),
        });
    }
    let colour_channels = if colour { 3 } else { 1 };
    let mut out = Vec::with_capacity(raw.width * raw.height * colour_channels);
    for pixel in samples.chunks_exact(channels) {
        let a = if alpha {
            u32::from(pixel[channels - 1])
        } else {
            255
        };
        let over_white = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        if colour {
            let (r, b) = if bgr {
                (pixel[2], pixel[0])
            } else {
                (pixel[0], pixel[2])
            };
            out.extend([over_white(r), over_white(pixel[1]), over_white(b)]);
        } else {
            out.push(over_white(pixel[0]));
        }
    }
    Ok(RawImage {
        pixels: RawImageData::U8(out),
        width: raw.width,
        height: raw.height,
        data_format: if colour {
            RawImageFormat::RGB8
        } else {
            RawImageFormat::R8
        },
        tag: raw.tag,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn transparency_is_composited_onto_white() {
        let raw = RawImage {
            // opaque red, transparent (anything), half-transparent black
            pixels: RawImageData::U8(vec![255, 0, 0, 255, 9, 9, 9, 0, 0, 0, 0, 128]),
            width: 3,
            height: 1,
            data_format: RawImageFormat::RGBA8,
            tag: Vec::new(),
        };
        let flat = flatten_onto_white(raw, "test image").unwrap();
        assert_eq!(flat.data_format, RawImageFormat::RGB8);
        let RawImageData::U8(px) = flat.pixels else {
            panic!()
        };
        assert_eq!(px, vec![255, 0, 0, 255, 255, 255, 127, 127, 127]);
    }

    #[test]
    fn sixteen_bit_grey_with_alpha_becomes_eight_bit_grey() {
        let raw = RawImage {
            pixels: RawImageData::U16(vec![0, 65535, 0, 0]),
            width: 2,
            height: 1,
            data_format: RawImageFormat::RG16,
            tag: Vec::new(),
        };
        let flat = flatten_onto_white(raw, "test image").unwrap();
        assert_eq!(flat.data_format, RawImageFormat::R8);
        let RawImageData::U8(px) = flat.pixels else {
            panic!()
        };
        assert_eq!(px, vec![0, 255]);
    }
}
