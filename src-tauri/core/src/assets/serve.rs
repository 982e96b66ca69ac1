//! What the window's asset URL scheme may answer: a thumbnail (by checksum and
//! size) or a stored file (by checksum, an SVG as sanitised) of this library,
//! and nothing else — no path, no file outside the asset folder, no checksum
//! the library does not know. An SVG goes out with a CSP that forbids script
//! and every fetch, so even opened on its own it stays a picture.

use rusqlite::OptionalExtension;

use super::{files, thumbs, Assets, Format};
use crate::error::{Error, Result};

/// The scheme the window registers (`valise-asset://localhost/file/SHA256`).
pub const SCHEME: &str = "valise-asset";

/// The policy an SVG is served with: its own inline styles, nothing else.
pub const SVG_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/// One answer of the scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    /// The `Content-Security-Policy` header to send with it, if any.
    pub policy: Option<&'static str>,
}

/// The window's URL of the stored file of checksum `sha256`. WebKitGTK and
/// WKWebView name a custom scheme as such; WebView2 reaches it over http.
pub fn file_url(sha256: &str) -> String {
    format!("{}/file/{sha256}", origin())
}

/// The window's URL of the thumbnail of checksum `sha256` fitting in `size`.
pub fn thumbnail_url(sha256: &str, size: u32) -> String {
    format!("{}/thumb/{sha256}/{size}", origin())
}

fn origin() -> String {
    if cfg!(windows) {
        format!("http://{SCHEME}.localhost")
    } else {
        format!("{SCHEME}://localhost")
    }
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
enum Wanted<'a> {
    File(&'a str),
    Thumbnail(&'a str, u32),
}

fn parse(path: &str) -> Option<Wanted<'_>> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut parts = path.trim_start_matches('/').split('/');
    let wanted = match (parts.next()?, parts.next()?) {
        ("file", sha) => Wanted::File(sha),
        ("thumb", sha) => Wanted::Thumbnail(sha, parts.next()?.parse().ok()?),
        _ => return None,
    };
    let sha = match wanted {
        Wanted::File(s) | Wanted::Thumbnail(s, _) => s,
    };
    let is_checksum =
        sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (is_checksum && parts.next().is_none()).then_some(wanted)
}

impl Assets<'_> {
    /// The answer to a request for `path` (the URL's path) of the asset scheme.
    pub fn serve(&self, path: &str) -> Result<Served> {
        let unknown = || Error::AssetNotServed {
            path: path.chars().take(120).collect(),
        };
        let wanted = parse(path).ok_or_else(unknown)?;
        let sha = match wanted {
            Wanted::File(s) | Wanted::Thumbnail(s, _) => s,
        };
        let format: Option<String> = self.lib.read(|c| {
            Ok(
                c.prepare_cached("SELECT format FROM asset_files WHERE sha256 = ?1")?
                    .query_row([sha], |r| r.get(0))
                    .optional()?,
            )
        })?;
        let format = format.and_then(|f| Format::parse(&f)).ok_or_else(unknown)?;
        let folder = self.lib.asset_folder();
        match wanted {
            Wanted::File(_) => Ok(Served {
                content_type: format.mime(),
                bytes: folder.read(sha)?,
                policy: (format == Format::Svg).then_some(SVG_POLICY),
            }),
            Wanted::Thumbnail(_, size) => {
                let size = size.clamp(16, thumbs::MAX_SIZE);
                let cached = folder.thumbnail_path(sha, size);
                if let Ok(png) = std::fs::read(&cached) {
                    return Ok(Served {
                        content_type: "image/png",
                        bytes: png,
                        policy: None,
                    });
                }
                let bytes = folder.read(sha)?;
                let png =
                    thumbs::thumbnail(&bytes, format, size).map_err(|reason| Error::BadAsset {
                        path: folder.path_of(sha),
                        reason,
                    })?;
                // A cache: failing to keep it only costs making it again.
                let _ = files::write_atomic(&cached, &png);
                Ok(Served {
                    content_type: "image/png",
                    bytes: png,
                    policy: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34ab12cd34";

    #[test]
    fn only_a_file_or_a_thumbnail_by_checksum_is_named() {
        assert_eq!(parse(&format!("/file/{SHA}")), Some(Wanted::File(SHA)));
        assert_eq!(
            parse(&format!("/thumb/{SHA}/256?x=1")),
            Some(Wanted::Thumbnail(SHA, 256))
        );
        for bad in [
            "/file/../../etc/passwd".to_string(),
            format!("/file/{}", &SHA[..63]),
            format!("/file/{}", SHA.to_uppercase()),
            format!("/file/{SHA}/more"),
            format!("/thumb/{SHA}"),
            format!("/thumb/{SHA}/big"),
            format!("/other/{SHA}"),
            String::new(),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn urls_name_the_scheme() {
        let url = file_url(SHA);
        assert!(url.contains(SCHEME), "{url}");
        assert!(url.ends_with(&format!("/file/{SHA}")), "{url}");
        assert!(thumbnail_url(SHA, 128).ends_with(&format!("/thumb/{SHA}/128")));
    }
}
