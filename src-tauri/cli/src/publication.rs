//! `valise ready`, `publish`, `unschedule` and `unpublish`: a post's way to the
//! public. Each calls `library.publication()`; a refusal lists every failed
//! preflight check on standard output and exits 1, recording nothing.

use std::io::Write;

use valise_core::backends::registry;
use valise_core::workflow::rules::{PublicationMove, PublicationRefusal, PublicationState};
use valise_core::{clock, workflow, Error, Library};

use crate::{write_line, Failure};

/// A move of post `id`, as `as_person` (else who I am here).
pub fn run(
    lib: &Library,
    as_person: Option<&str>,
    id: &str,
    mv: PublicationMove,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let me = lib.people().acting(as_person)?;
    match lib.publication().apply(&me, id, mv) {
        Ok(entry) => {
            write_line(out, &format!("{}\t{}\t{}", entry.seq, entry.kind, entry.id))?;
            let status = lib.publication().status(id)?;
            let sites: Vec<String> = registry::list(lib)?.into_iter().map(|b| b.name).collect();
            Ok(write_line(out, &said(&status.publication.state, &sites))?)
        }
        Err(Error::PublicationRefused(PublicationRefusal::PreflightFailed(failed))) => {
            for f in &failed {
                let code = serde_json::to_value(f.code).map_err(|e| e.to_string())?;
                write_line(
                    out,
                    &format!("{}\t{}", code.as_str().unwrap_or("-"), f.message),
                )?;
            }
            Err(Failure::Error(format!(
                "not ready to publish: {} check(s) failed; nothing was recorded",
                failed.len()
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// What the move left, in words: publishing is a decision recorded here that
/// the next sync with `sites` (the library's backends) carries out.
fn said(state: &PublicationState, sites: &[String]) -> String {
    let next_sync = if sites.is_empty() {
        "at the next sync, once a site is set up (`valise backend add`)".to_string()
    } else {
        format!("at the next sync with {} (`valise sync`)", sites.join(", "))
    };
    match state {
        PublicationState::Draft => "draft".into(),
        PublicationState::Ready { .. } => {
            format!("ready to publish: pending on the site (its editors see it, the public does not) {next_sync}")
        }
        PublicationState::Scheduled {
            publish_at,
            now: true,
            ..
        } => format!(
            "to publish now (decided {}): published {next_sync}",
            clock::to_text(*publish_at)
        ),
        PublicationState::Scheduled { publish_at, .. } => format!(
            "scheduled for {}: handed to the site {next_sync}, which publishes it then",
            clock::to_text(*publish_at)
        ),
        PublicationState::Published { by, at } => {
            format!("published {} by {by}", clock::to_text(*at))
        }
    }
}

/// The move `publish ID [--at DATETIME]` asks for.
pub fn publish_move(at: Option<&str>) -> Result<PublicationMove, Failure> {
    Ok(match at {
        Some(text) => PublicationMove::Schedule {
            at: workflow::publish_time_from_text(text)?,
        },
        None => PublicationMove::PublishNow,
    })
}
