//! The wire under the WordPress client: one reqwest client (HTTP/1.1, timeouts),
//! HTTP Basic with the Application Password, and every failure turned into the
//! core's error in plain words (unreachable, wrong password, not allowed,
//! stale, not a Valise site, garbage, server error). The password is only ever
//! in the `Authorization` header, which reqwest marks sensitive; messages name
//! the site and the URL, never the credentials.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::secrets::Secret;

/// How long the client waits. Tests shorten them to see a stall quickly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To open a connection.
    pub connect: Duration,
    /// For a whole request, answer included.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(60),
        }
    }
}

/// The site's answer once its status was found acceptable.
pub(crate) struct Answer {
    pub status: StatusCode,
    /// `X-Valise-Existing: 1`: an idempotent create found the post it made before.
    pub existing: bool,
    pub body: Vec<u8>,
    pub url: String,
}

/// WordPress's JSON error shape.
#[derive(Debug, Deserialize)]
struct WpError {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    data: serde_json::Value,
}

/// Names the record an answer was about in the errors that name one (a stale
/// version, a refused publication): the generic request code cannot know it.
pub(crate) fn naming(record: String) -> impl FnOnce(Error) -> Error {
    move |e| match e {
        Error::BackendStale {
            backend, current, ..
        } => Error::BackendStale {
            backend,
            record,
            current,
        },
        Error::PublishRefused {
            backend, reasons, ..
        } => Error::PublishRefused {
            backend,
            post: record,
            reasons,
        },
        e => e,
    }
}

pub(crate) struct Http {
    client: reqwest::Client,
    /// The site's address without a trailing slash.
    base: String,
    /// How messages name the site.
    label: String,
    user: String,
    password: Secret,
}

impl Http {
    pub fn new(
        base: String,
        label: String,
        user: String,
        password: Secret,
        timeouts: Timeouts,
    ) -> Result<Self> {
        let client = reqwest::Client::builder()
            .http1_only()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .user_agent(concat!("Valise/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::BackendUnreachable {
                backend: label.clone(),
                reason: format!("the HTTP client could not start: {e}"),
            })?;
        Ok(Http {
            client,
            base,
            label,
            user,
            password,
        })
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The full URL of a REST route (`/wp/v2/posts`) with its query.
    pub fn url(&self, route: &str, query: &[(&str, String)]) -> String {
        let mut url = format!("{}/wp-json{route}", self.base);
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(k);
            url.push('=');
            url.push_str(&encode(v));
        }
        url
    }

    /// Sends one request; any status but 2xx becomes the error it means.
    /// `what` says what the call was doing, for the 403 message ("create posts").
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<Answer> {
        self.send_allowing(method, url, body, what, &[]).await
    }

    /// As `send`, but answers with `allowed` statuses come back as answers (a
    /// 404 that means "no such post" to the caller), with their WordPress code.
    pub async fn send_allowing(
        &self,
        method: Method,
        url: &str,
        body: Option<&serde_json::Value>,
        what: &str,
        allowed: &[u16],
    ) -> Result<Answer> {
        let password =
            std::str::from_utf8(self.password.expose()).map_err(|_| Error::BackendCredentials {
                backend: self.label.clone(),
            })?;
        let mut request = self
            .client
            .request(method, url)
            .basic_auth(&self.user, Some(password))
            .header("Accept", "application/json");
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(body).expect("a JSON value always serialises"));
        }
        self.answer(request, url, what, allowed).await
    }

    /// Sends a file as the raw body of a POST (a media upload): `mime` its
    /// type, `file_name` (ASCII) the name the site keeps it under.
    pub async fn send_file(
        &self,
        url: &str,
        bytes: &[u8],
        mime: &str,
        file_name: &str,
        what: &str,
    ) -> Result<Answer> {
        let password =
            std::str::from_utf8(self.password.expose()).map_err(|_| Error::BackendCredentials {
                backend: self.label.clone(),
            })?;
        let request = self
            .client
            .post(url)
            .basic_auth(&self.user, Some(password))
            .header("Accept", "application/json")
            .header("Content-Type", mime)
            .header(
                "Content-Disposition",
                format!("attachment; filename=\"{file_name}\""),
            )
            .body(bytes.to_vec());
        self.answer(request, url, what, &[]).await
    }

    async fn answer(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        what: &str,
        allowed: &[u16],
    ) -> Result<Answer> {
        let response = request
            .send()
            .await
            .map_err(|e| self.unreachable(url, &e))?;
        let status = response.status();
        let existing = response
            .headers()
            .get("x-valise-existing")
            .is_some_and(|v| v.as_bytes() == b"1");
        let body = match response.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) if e.is_timeout() => return Err(self.unreachable(url, &e)),
            Err(_) => {
                return Err(Error::BackendGarbage {
                    backend: self.label.clone(),
                    what: format!("the answer from {url} was cut short (HTTP {status})"),
                })
            }
        };
        if status.is_success() || allowed.contains(&status.as_u16()) {
            return Ok(Answer {
                status,
                existing,
                body,
                url: url.to_string(),
            });
        }
        Err(self.refusal(status, url, &body, what))
    }

    /// The WordPress error code of a non-2xx answer ("" when it has none).
    pub fn error_code(answer: &Answer) -> String {
        serde_json::from_slice::<WpError>(&answer.body)
            .map(|e| e.code)
            .unwrap_or_default()
    }

    /// Decodes a 2xx answer as `T`, or says which URL gave what instead.
    pub fn decode<T: DeserializeOwned>(&self, answer: &Answer, expected: &str) -> Result<T> {
        decode(&self.label, &answer.url, &answer.body, expected)
    }

    fn unreachable(&self, url: &str, e: &reqwest::Error) -> Error {
        let reason = if e.is_timeout() {
            format!("{url} did not answer in time")
        } else if e.is_connect() {
            format!("no connection to {}: {}", self.base, root_cause(e))
        } else {
            // The request may have reached the site and been acted on; every
            // write the adapter makes is safe to send again.
            format!(
                "the connection to {url} broke before the answer came: {}",
                root_cause(e)
            )
        };
        Error::BackendUnreachable {
            backend: self.label.clone(),
            reason,
        }
    }

    /// The error a non-2xx answer means.
    fn refusal(&self, status: StatusCode, url: &str, body: &[u8], what: &str) -> Error {
        let wp: Option<WpError> = serde_json::from_slice(body).ok();
        let code = wp.as_ref().map_or("", |e| e.code.as_str());
        let message = wp.as_ref().map_or(String::new(), |e| e.message.clone());
        let backend = self.label.clone();
        match status.as_u16() {
            401 => Error::BackendCredentials { backend },
            403 if code == "valise_preflight_failed" => {
                let reasons = wp
                    .as_ref()
                    .and_then(|e| e.data.get("reasons").cloned())
                    .and_then(|r| serde_json::from_value(r).ok());
                match reasons {
                    Some(reasons) => Error::PublishRefused {
                        backend,
                        post: String::new(),
                        reasons,
                    },
                    None => Error::BackendGarbage {
                        backend,
                        what: format!(
                            "{url} refused to publish without saying why (expected data.reasons)"
                        ),
                    },
                }
            }
            403 => Error::BackendNotAllowed {
                backend,
                what: if message.is_empty() {
                    what.to_string()
                } else {
                    format!("{what} (the site says: {})", plain(&message))
                },
            },
            404 if code == "rest_no_route" && url.contains("/wp-json/valise/") => {
                Error::NotAValiseSite {
                    location: self.base.clone(),
                }
            }
            412 if code == "valise_stale" => {
                match wp.as_ref().and_then(|e| e.data.get("rev")).and_then(|r| r.as_u64()) {
                    Some(rev) => Error::BackendStale {
                        backend,
                        record: url.to_string(),
                        current: rev.to_string(),
                    },
                    None => Error::BackendGarbage {
                        backend,
                        what: format!("{url} said the record is stale without giving its rev (expected data.rev)"),
                    },
                }
            }
            500..=599 => Error::BackendServerError {
                backend,
                status: status.as_u16(),
                url: url.to_string(),
                detail: if message.is_empty() {
                    excerpt(body)
                } else {
                    plain(&message)
                },
            },
            400 | 404 | 409 | 410 | 413 | 422 if wp.is_some() => Error::BackendRefused {
                backend,
                url: url.to_string(),
                code: code.to_string(),
                message: plain(&message),
            },
            _ if wp.is_some() => Error::BackendGarbage {
                backend,
                what: format!(
                    "{url} answered HTTP {} {code}: {}",
                    status.as_u16(),
                    plain(&message)
                ),
            },
            _ => Error::BackendGarbage {
                backend,
                what: format!(
                    "{url} answered HTTP {} with {}, not WordPress's JSON error",
                    status.as_u16(),
                    excerpt(body)
                ),
            },
        }
    }
}

/// Decodes `body` from `url` as `T`: garbage in plain words otherwise.
pub(crate) fn decode<T: DeserializeOwned>(
    label: &str,
    url: &str,
    body: &[u8],
    expected: &str,
) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        let got = if serde_json::from_slice::<serde_json::Value>(body).is_ok() {
            format!("JSON of another shape ({e})")
        } else if body.is_empty() {
            "an empty body".to_string()
        } else {
            excerpt(body)
        };
        Error::BackendGarbage {
            backend: label.to_string(),
            what: format!("{url} should answer {expected}, but sent {got}"),
        }
    })
}

/// A short, printable start of a body, for messages.
fn excerpt(body: &[u8]) -> String {
    if body.is_empty() {
        return "an empty body".into();
    }
    let text = String::from_utf8_lossy(body);
    let cut: String = text.chars().take(80).collect();
    let cut = cut.replace(|c: char| c.is_control(), " ");
    if text.chars().count() > 80 {
        format!("'{cut}…' ({} bytes)", body.len())
    } else {
        format!("'{cut}'")
    }
}

/// WordPress messages may hold HTML entities or tags; keep them to one line.
fn plain(message: &str) -> String {
    message.replace(['\n', '\r'], " ").trim().to_string()
}

/// The innermost cause of a reqwest error (e.g. "Connection refused").
fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// Percent-encodes a query value (ids and numbers are plain; this is for safety).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode("3f1c-2b7a_0.9"), "3f1c-2b7a_0.9");
    }

    #[test]
    fn garbage_names_the_url_and_what_was_expected() {
        #[derive(Deserialize, Debug)]
        struct Page {
            #[allow(dead_code)]
            last: u64,
        }
        let err = decode::<Page>(
            "the site x",
            "http://x/wp-json/valise/v1/changes",
            b"<html>oops",
            "the change feed",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("http://x/wp-json/valise/v1/changes"),
            "{text}"
        );
        assert!(text.contains("the change feed"), "{text}");
        assert!(text.contains("<html>oops"), "{text}");
        let err = decode::<Page>("s", "u", br#"{"changes": []}"#, "the change feed").unwrap_err();
        assert!(err.to_string().contains("another shape"), "{err}");
        assert_eq!(err.code(), "backend_garbage");
    }
}
