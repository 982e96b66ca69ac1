//! An act as the window sends it: one request naming its kind, so the panel's
//! buttons reach the face's verbs through one door, with the same checks as
//! the CLI's (a step where the act needs one, a due date people can write).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::board::Inbox;
use super::rules::ActKind;
use super::{AuditEntry, Signer, Signoff};
use crate::error::{Error, Result};

/// One act on a post, from the sign-off panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActRequest {
    pub kind: ActKind,
    /// The step approved or sent back (approve, request changes).
    pub step: Option<String>,
    /// Signing as this signer's delegate (approve).
    pub on_behalf_of: Option<String>,
    /// The public comment (required to request changes).
    pub comment: String,
    /// Kept in the audit trail with the act, not shown on the panel.
    pub private_note: Option<String>,
    /// For a submission: `YYYY-MM-DD` (due by the end of that day, UTC) or an
    /// RFC 3339 date-time.
    pub due: Option<String>,
}

/// A due date as people write it. A bare date means "by the end of that day"
/// (UTC), so a post due today is not overdue until the day is over.
pub fn due_from_text(text: &str) -> Result<i64> {
    let text = text.trim();
    let bad = || Error::BadDate {
        text: text.to_string(),
    };
    if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
        let start = crate::clock::from_text(text).ok_or_else(bad)?;
        return Ok(start + 24 * 3600 * 1000 - 1);
    }
    crate::clock::from_text(text).ok_or_else(bad)
}

impl Signoff<'_> {
    /// Records `request` on post `id` as `author`.
    pub fn perform(&self, author: &Signer, id: &str, request: &ActRequest) -> Result<AuditEntry> {
        let r = request;
        let step = || {
            r.step.as_deref().ok_or(Error::StepNeeded {
                act: r.kind.as_str().to_string(),
            })
        };
        let note = r.private_note.as_deref();
        match r.kind {
            ActKind::Submit => {
                let due = r.due.as_deref().map(due_from_text).transpose()?;
                self.submit(author, id, due, &r.comment)
            }
            ActKind::Approve => self.approve(
                author,
                id,
                step()?,
                &r.comment,
                note,
                r.on_behalf_of.as_deref(),
            ),
            ActKind::RequestChanges => self.request_changes(author, id, step()?, &r.comment, note),
            ActKind::Withdraw => self.withdraw(author, id),
            ActKind::Comment => self.lib.audit().comment(author, id, &r.comment),
        }
    }

    /// The inbox of the person chosen on this desktop; none when nobody is.
    pub fn my_inbox(&self) -> Result<Option<Inbox>> {
        match self.lib.people().whoami()? {
            Some(me) => self.inbox(&me.name).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_due_date_lasts_until_the_end_of_that_day() {
        let due = due_from_text("2026-11-25").unwrap();
        assert_eq!(crate::clock::to_text(due), "2026-11-25T23:59:59.999Z");
        let exact = due_from_text("2026-11-25T10:00:00Z").unwrap();
        assert_eq!(crate::clock::to_text(exact), "2026-11-25T10:00:00.000Z");
        assert!(matches!(
            due_from_text("25/11/2026"),
            Err(Error::BadDate { .. })
        ));
    }
}
