//! `valise workflow …`, `signoff …`, `inbox`, `preflight` and `board`: the
//! sign-off chain and its acts. Each verb calls one face of the core and prints.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use valise_core::workflow::rules::{Column, DiffRow, OverallState, StepState};
use valise_core::{clock, workflow, AuditEntry, Library};

use crate::{print_json, write_line, Failure};

#[derive(Subcommand)]
pub enum WorkflowCommand {
    /// Print the sign-off chain (YAML, the shape `workflow set` reads)
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Replace the chain with the one in FILE (steps, signers, how many);
    /// recorded in the audit trail as yours
    Set {
        #[arg(long, value_name = "CHAIN.yaml")]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum SignoffCommand {
    /// Submit post ID for sign-off
    Submit {
        id: String,
        /// When the sign-off is due: YYYY-MM-DD (midnight UTC) or RFC 3339
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Approve a step of post ID for its current text
    Approve {
        id: String,
        #[arg(long)]
        step: String,
        #[arg(long)]
        comment: Option<String>,
        /// A private note, kept in the trail but not shown with the public comment
        #[arg(long)]
        note: Option<String>,
        /// Sign as this signer's delegate (the chain must name you as such)
        #[arg(long = "for", value_name = "PERSON")]
        on_behalf_of: Option<String>,
    },
    /// Send post ID back from a step, saying what to change
    RequestChanges {
        id: String,
        #[arg(long)]
        step: String,
        #[arg(long)]
        comment: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Take post ID back out of sign-off (its submitter only)
    Withdraw { id: String },
    /// Where post ID stands: per step its state, who signed and when, the
    /// hash of what it covers, and whether it is valid for the current text
    Status {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn workflow(
    lib: &Library,
    as_person: Option<&str>,
    cmd: WorkflowCommand,
    out: &mut impl Write,
) -> Result<(), Failure> {
    match cmd {
        WorkflowCommand::Show { json } => {
            let chain = lib.workflow().chain()?;
            if json {
                return Ok(print_json(out, &chain)?);
            }
            Ok(write!(out, "{}", chain.to_yaml()).map_err(|e| e.to_string())?)
        }
        WorkflowCommand::Set { file } => {
            let yaml =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let me = lib.people().acting(as_person)?;
            let chain = lib.workflow().set_chain(&me, &yaml)?;
            let names: Vec<&str> = chain.steps.iter().map(|s| s.name.as_str()).collect();
            Ok(write_line(
                out,
                &format!("chain set: {}", names.join(" → ")),
            )?)
        }
    }
}

fn recorded(out: &mut impl Write, e: &AuditEntry) -> Result<(), Failure> {
    Ok(write_line(
        out,
        &format!("{}\t{}\t{}", e.seq, e.kind, e.id),
    )?)
}

pub fn signoff(
    lib: &Library,
    as_person: Option<&str>,
    cmd: SignoffCommand,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let face = lib.signoff();
    match cmd {
        SignoffCommand::Submit { id, due, comment } => {
            let due = due.as_deref().map(workflow::due_from_text).transpose()?;
            let me = lib.people().acting(as_person)?;
            let e = face.submit(&me, &id, due, comment.as_deref().unwrap_or(""))?;
            recorded(out, &e)
        }
        SignoffCommand::Approve {
            id,
            step,
            comment,
            note,
            on_behalf_of,
        } => {
            let me = lib.people().acting(as_person)?;
            let e = face.approve(
                &me,
                &id,
                &step,
                comment.as_deref().unwrap_or(""),
                note.as_deref(),
                on_behalf_of.as_deref(),
            )?;
            recorded(out, &e)
        }
        SignoffCommand::RequestChanges {
            id,
            step,
            comment,
            note,
        } => {
            let me = lib.people().acting(as_person)?;
            let e = face.request_changes(&me, &id, &step, &comment, note.as_deref())?;
            recorded(out, &e)
        }
        SignoffCommand::Withdraw { id } => {
            let me = lib.people().acting(as_person)?;
            recorded(out, &face.withdraw(&me, &id)?)
        }
        SignoffCommand::Status { id, json } => {
            let status = face.status(&id, as_person)?;
            if json {
                return Ok(print_json(out, &status)?);
            }
            write_line(
                out,
                &format!("{}\t{}", status.post_id, state_label(&status.signoff.state)),
            )?;
            if let Some(s) = &status.signoff.submission {
                let due = s.due.map(clock::to_text).unwrap_or_else(|| "-".into());
                write_line(
                    out,
                    &format!(
                        "submitted\t{}\t{}\tdue {due}{}",
                        s.by,
                        clock::to_text(s.at),
                        if status.signoff.overdue {
                            "\toverdue"
                        } else {
                            ""
                        }
                    ),
                )?;
            }
            for s in &status.signoff.steps {
                let who: Vec<String> = s
                    .approvals
                    .iter()
                    .map(|a| match &a.on_behalf_of {
                        Some(for_whom) => {
                            format!("{} for {for_whom} at {}", a.by, clock::to_text(a.at))
                        }
                        None => format!("{} at {}", a.by, clock::to_text(a.at)),
                    })
                    .collect();
                write_line(
                    out,
                    &format!(
                        "{}\t{}\t{}/{}\t{}\t{}\t{}",
                        s.name,
                        step_label(s.state),
                        s.counted,
                        s.required,
                        if who.is_empty() {
                            "-".into()
                        } else {
                            who.join(", ")
                        },
                        s.current_hash,
                        if s.valid() { "valid" } else { "not valid" }
                    ),
                )?;
            }
            for n in &status.notes {
                write_line(
                    out,
                    &format!(
                        "private note\t{}\t{}\t{}\t{}",
                        n.by,
                        n.kind,
                        n.step.as_deref().unwrap_or("-"),
                        n.note
                    ),
                )?;
            }
            for v in &status.voided {
                write_line(
                    out,
                    &format!(
                        "voided\t{}\t{} signed {}, the text is now {}",
                        v.step, v.signer, v.signed_hash, v.current_hash
                    ),
                )?;
                for row in v.diff.iter().flatten() {
                    if let Some(line) = diff_line(row) {
                        write_line(out, &line)?;
                    }
                }
            }
            Ok(())
        }
    }
}

/// A changed line of a signed-text diff (unchanged lines are left out).
fn diff_line(row: &DiffRow) -> Option<String> {
    match row {
        DiffRow::Same { .. } => None,
        DiffRow::Added { text } => Some(format!("  + {text}")),
        DiffRow::Removed { text } => Some(format!("  - {text}")),
        DiffRow::Changed { parts } => {
            let line: String = parts
                .iter()
                .map(|p| match p.change {
                    valise_core::LineChange::Same => p.text.clone(),
                    valise_core::LineChange::Added => format!("{{+{}+}}", p.text),
                    valise_core::LineChange::Removed => format!("[-{}-]", p.text),
                })
                .collect();
            Some(format!("  ~ {line}"))
        }
    }
}

fn step_label(state: StepState) -> &'static str {
    match state {
        StepState::Waiting => "waiting",
        StepState::Ready => "ready",
        StepState::Approved => "approved",
        StepState::ChangesRequested => "changes requested",
        StepState::VoidedByChange => "voided by change",
        StepState::NoSigners => "no signers",
    }
}

fn state_label(state: &OverallState) -> String {
    match state {
        OverallState::Draft => "draft".into(),
        OverallState::InSignoff { step, name } => {
            format!("in sign-off at step {} ({name})", step + 1)
        }
        OverallState::ChangesRequested { name, .. } => format!("changes requested at {name}"),
        OverallState::Approved => "approved".into(),
        OverallState::Withdrawn { by, .. } => format!("withdrawn by {by}"),
    }
}

pub fn inbox(
    lib: &Library,
    as_person: Option<&str>,
    json: bool,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let person = match as_person {
        Some(name) => name.to_string(),
        None => lib.people().acting(None)?.person.name,
    };
    let inbox = lib.signoff().inbox(&person)?;
    if json {
        return Ok(print_json(out, &inbox)?);
    }
    for w in &inbox.waiting {
        let due = w.due.map(clock::to_text).unwrap_or_else(|| "-".into());
        let step = match &w.on_behalf_of {
            Some(s) => format!("{} (for {s})", w.step),
            None => w.step.clone(),
        };
        write_line(
            out,
            &format!(
                "waiting\t{}\t{}\t{step}\tfrom {}\tdue {due}{}",
                w.post_id,
                w.title,
                w.submitted_by,
                if w.overdue { "\toverdue" } else { "" }
            ),
        )?;
    }
    for s in &inbox.submitted {
        write_line(
            out,
            &format!(
                "submitted\t{}\t{}\t{}\t{}",
                s.post_id,
                s.title,
                state_label(&s.state),
                s.blocked.as_deref().unwrap_or("-")
            ),
        )?;
    }
    Ok(())
}

pub fn preflight(lib: &Library, id: &str, json: bool, out: &mut impl Write) -> Result<(), Failure> {
    let failed = lib.signoff().preflight(id)?;
    if json {
        print_json(out, &failed)?;
    } else if failed.is_empty() {
        write_line(out, "ready: every check passes")?;
    } else {
        for f in &failed {
            let code = serde_json::to_value(f.code).map_err(|e| e.to_string())?;
            write_line(
                out,
                &format!("{}\t{}", code.as_str().unwrap_or("-"), f.message),
            )?;
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Error(format!(
            "not ready to publish: {} check(s) failed",
            failed.len()
        )))
    }
}

pub fn board(
    lib: &Library,
    filter: &workflow::BoardFilter,
    json: bool,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let items = lib.signoff().board_of(filter)?;
    if json {
        return Ok(print_json(out, &items)?);
    }
    for i in &items {
        let mut line = format!(
            "{}\t{}\t{}\t{}\t{}",
            i.post_id,
            i.title,
            i.languages.join(","),
            column_label(&i.column),
            i.blocked.as_deref().unwrap_or("-")
        );
        if let Some(inv) = &i.involvement {
            let how: Vec<&str> = [
                (inv.waits_on, "waits on them"),
                (inv.submitted, "submitted"),
                (inv.signed, "signed"),
            ]
            .iter()
            .filter(|(yes, _)| *yes)
            .map(|(_, what)| *what)
            .collect();
            line.push_str(&format!("\t{}", how.join(", ")));
        }
        write_line(out, &line)?;
    }
    Ok(())
}

fn column_label(column: &Column) -> String {
    match column {
        Column::Draft => "draft".into(),
        Column::InSignoff { step, name } => format!("in sign-off at step {} ({name})", step + 1),
        Column::ChangesRequested { name, .. } => format!("changes requested at {name}"),
        Column::Approved => "approved".into(),
        Column::Ready => "ready".into(),
        Column::Scheduled => "scheduled".into(),
        Column::Published => "published".into(),
    }
}
