//! `valise audit …`: read and check the signed audit trail, and comment on a
//! post (a comment is an act of its own, recorded in the trail).

use std::io::Write;

use clap::Subcommand;
use valise_core::workflow::note_of;
use valise_core::{AuditEntry, Library};

use crate::{print_json, write_line, Failure};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every entry's hash, link and signature; exit 1 naming the first
    /// bad entry
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// The entries, oldest first: all of them, or those about post ID
    Log {
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Comment on post ID, signed as you (or --as PERSON)
    Comment {
        id: String,
        #[arg(long)]
        text: String,
    },
}

pub fn run(
    lib: &Library,
    as_person: Option<&str>,
    cmd: AuditCommand,
    out: &mut impl Write,
) -> Result<(), Failure> {
    match cmd {
        AuditCommand::Verify { json } => {
            let report = lib.audit().verify()?;
            if json {
                print_json(out, &report)?;
            }
            match report.first_problem() {
                None => {
                    if !json {
                        write_line(
                            out,
                            &format!(
                                "intact: {} entries, every hash, link, signature and key's enrolment checks",
                                report.entries
                            ),
                        )?;
                        for g in &report.grandfathered {
                            write_line(
                                out,
                                &format!(
                                    "enrolled before invitations existed: {} (key {}…, entry {})",
                                    g.name,
                                    &g.public_key[..16.min(g.public_key.len())],
                                    g.seq
                                ),
                            )?;
                        }
                    }
                    Ok(())
                }
                Some(first) => {
                    let more = report.problems.len() - 1;
                    let rest = if more > 0 {
                        format!(" ({more} more problem(s) after it; see --json)")
                    } else {
                        String::new()
                    };
                    Err(Failure::Error(format!(
                        "the audit trail is not intact: {}{rest}",
                        first.message
                    )))
                }
            }
        }
        AuditCommand::Log { id, json } => {
            let entries = lib.audit().log(id.as_deref())?;
            if json {
                return Ok(print_json(out, &entries)?);
            }
            // Private notes open only for a reader whose key is on this desktop.
            let reader = lib.people().acting(as_person).ok();
            for e in &entries {
                let mut line = log_line(e);
                if let Some(note) = reader.as_ref().and_then(|r| note_of(e, r)) {
                    line.push_str(&format!("\tprivate note: {note}"));
                }
                write_line(out, &line)?;
            }
            Ok(())
        }
        AuditCommand::Comment { id, text } => {
            let me = lib.people().acting(as_person)?;
            let entry = lib.audit().comment(&me, &id, &text)?;
            Ok(write_line(out, &format!("{}\t{}", entry.seq, entry.id))?)
        }
    }
}

fn log_line(e: &AuditEntry) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        e.seq,
        e.at,
        e.author_name.as_deref().unwrap_or(&e.author),
        e.kind,
        e.post.as_deref().unwrap_or("-"),
        e.step.as_deref().unwrap_or("-"),
        e.payload
    )
}
