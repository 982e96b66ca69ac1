//! What a file is, from its first bytes: its format, its kind, its size in
//! pixels read from the header (never by decoding the whole image), and the
//! refusals that come before any pixel is allocated (empty, unsupported,
//! a header claiming more pixels than any infographic has).

use std::io::Cursor;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// More pixels than this is refused from the header: 100 megapixels is four
/// times a large poster export, and 400 MB once decoded.
pub const MAX_PIXELS: u64 = 100_000_000;
/// The longest side accepted (a long timeline infographic fits).
pub const MAX_SIDE: u32 = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    /// A photo or a bitmap export (PNG, JPEG, GIF, WebP).
    Raster,
    Svg,
    Pdf,
}

impl AssetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Raster => "raster",
            AssetKind::Svg => "svg",
            AssetKind::Pdf => "pdf",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "raster" => AssetKind::Raster,
            "svg" => AssetKind::Svg,
            "pdf" => AssetKind::Pdf,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
    Pdf,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpeg",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Svg => "svg",
            Format::Pdf => "pdf",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "png" => Format::Png,
            "jpeg" => Format::Jpeg,
            "gif" => Format::Gif,
            "webp" => Format::Webp,
            "svg" => Format::Svg,
            "pdf" => Format::Pdf,
            _ => return None,
        })
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            other => other.as_str(),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Svg => "image/svg+xml",
            Format::Pdf => "application/pdf",
        }
    }

    pub fn kind(self) -> AssetKind {
        match self {
            Format::Svg => AssetKind::Svg,
            Format::Pdf => AssetKind::Pdf,
            _ => AssetKind::Raster,
        }
    }
}

/// What the header says. SVG's size comes from parsing it (`svg_size`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub format: Format,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Sniffs the format from the content (the extension may lie) and reads a
/// raster image's size from its header. The error is the reason, without the
/// file's name (the caller adds it).
pub fn probe(bytes: &[u8]) -> Result<Probe, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    let format = sniff(bytes).ok_or_else(|| {
        "its format is not one Valise takes (PNG, JPEG, GIF, WebP, SVG or PDF)".to_string()
    })?;
    match format {
        Format::Svg => Ok(Probe {
            format,
            width: None,
            height: None,
        }),
        Format::Pdf => {
            // A PDF ends with %%EOF (maybe followed by a line end): without it
            // the file was cut short.
            let tail = &bytes[bytes.len().saturating_sub(1024)..];
            if memchr::memmem::find(tail, b"%%EOF").is_none() {
                return Err("the PDF is cut short (it has no end-of-file marker)".into());
            }
            Ok(Probe {
                format,
                width: None,
                height: None,
            })
        }
        Format::Png => {
            // Read from IHDR itself: the png decoder would first look for the
            // image data, and a bomb need not have any.
            let (w, h) = png_size(bytes)?;
            check_size(w, h)?;
            Ok(Probe {
                format,
                width: Some(w),
                height: Some(h),
            })
        }
        _ => {
            let (w, h) = image::ImageReader::new(Cursor::new(bytes))
                .with_guessed_format()
                .map_err(|e| format!("its header cannot be read ({e})"))?
                .into_dimensions()
                .map_err(|e| {
                    format!("its header cannot be read ({e}); the file may be damaged or cut short")
                })?;
            check_size(w, h)?;
            Ok(Probe {
                format,
                width: Some(w),
                height: Some(h),
            })
        }
    }
}

/// The size a PNG's IHDR chunk (always first, right after the signature) says.
fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    if bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
        return Err(
            "its header cannot be read (no IHDR chunk); the file may be damaged or cut short"
                .into(),
        );
    }
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    Ok((w, h))
}

/// Refuses sizes no real image has before anything is allocated for them.
pub fn check_size(w: u32, h: u32) -> Result<(), String> {
    if w == 0 || h == 0 {
        return Err(format!(
            "its header claims {w} × {h} pixels, an empty image"
        ));
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!(
            "its header claims {w} × {h} pixels, more than Valise opens ({} megapixels, {MAX_SIDE} pixels a side): it may be a decompression bomb, so it was not decoded",
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Format::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Format::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(Format::Gif);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(Format::Webp);
    }
    if bytes.starts_with(b"%PDF-") {
        return Some(Format::Pdf);
    }
    looks_like_svg(bytes).then_some(Format::Svg)
}

/// Text that starts like XML and has an `<svg` element near the top.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else { return false };
    if bytes[start] != b'<' {
        return false;
    }
    let head = &bytes[start..bytes.len().min(start + 4096)];
    memchr::memmem::find(head, b"<svg").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::new(w, h)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn the_format_comes_from_the_content_and_the_size_from_the_header() {
        let p = probe(&png(40, 30)).unwrap();
        assert_eq!(
            (p.format, p.width, p.height),
            (Format::Png, Some(40), Some(30))
        );
        let svg = probe(b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<svg/>").unwrap();
        assert_eq!(svg.format, Format::Svg);
        assert_eq!(
            probe(b"%PDF-1.7\n...\n%%EOF\n").unwrap().format,
            Format::Pdf
        );
    }

    #[test]
    fn empty_unknown_and_cut_short_files_are_refused_with_a_reason() {
        assert!(probe(b"").unwrap_err().contains("empty"));
        assert!(probe(b"PK\x03\x04 a zip")
            .unwrap_err()
            .contains("not one Valise takes"));
        assert!(probe(b"%PDF-1.7\n1 0 obj")
            .unwrap_err()
            .contains("cut short"));
        let whole = png(40, 30);
        assert!(probe(&whole[..20]).unwrap_err().contains("cannot be read"));
    }

    #[test]
    fn a_header_claiming_a_huge_image_is_refused_before_decoding() {
        // A valid PNG header (IHDR with its CRC) for 100,000 × 100,000 pixels:
        // a few dozen bytes that would want 30 GB once decoded.
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(100_000u32.to_be_bytes());
        ihdr.extend(100_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        let crc = crc32(&ihdr);
        let mut bomb = b"\x89PNG\r\n\x1a\n".to_vec();
        bomb.extend(13u32.to_be_bytes());
        bomb.extend(&ihdr);
        bomb.extend(crc.to_be_bytes());
        let e = probe(&bomb).unwrap_err();
        assert!(
            e.contains("100000 × 100000") && e.contains("decompression bomb"),
            "{e}"
        );
    }

    pub(crate) fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
