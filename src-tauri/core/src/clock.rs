//! Times are stored as UTC unix milliseconds and shown as RFC 3339 text.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn to_text(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Accepts RFC 3339 date-times and plain `YYYY-MM-DD` dates (midnight UTC).
pub fn from_text(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_milliseconds_round_trip() {
        let ms = 1_795_000_123_456;
        assert_eq!(from_text(&to_text(ms)), Some(ms));
        assert_eq!(from_text("2026-03-12"), Some(1_773_273_600_000));
        assert_eq!(from_text("not a date"), None);
    }
}
