//! `valise translation …`: start a translation, see where a post's languages
//! stand block by block, mark reviewed blocks current, record "not planned".

use std::io::Write;

use clap::Subcommand;
use valise_core::{BlockState, Completeness, Library, PostText};

use crate::{print_json, read_body_if_given, write_line, Failure};

#[derive(Subcommand)]
pub enum TranslationCommand {
    /// Start a post's LANG version, from a translated text if given; prints its id
    Add {
        id: String,
        #[arg(long)]
        lang: String,
        #[arg(long)]
        title: Option<String>,
        /// Read the translated body from FILE, or from standard input with "-"
        #[arg(long, value_name = "FILE|-")]
        body_file: Option<String>,
    },
    /// Where each language of a post stands, block by block
    Status {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark outdated blocks as reviewed against the current source (every
    /// outdated block without --block)
    MarkCurrent {
        id: String,
        #[arg(long)]
        lang: String,
        #[arg(long = "block", value_name = "BLOCK")]
        blocks: Vec<String>,
    },
    /// Record that a post will not be translated into LANG, and why
    NotPlanned {
        id: String,
        #[arg(long)]
        lang: String,
        #[arg(long)]
        reason: String,
        /// Who decided (default: the user name of this session)
        #[arg(long)]
        by: Option<String>,
    },
}

pub fn run(lib: &Library, cmd: TranslationCommand, out: &mut impl Write) -> Result<(), Failure> {
    match cmd {
        TranslationCommand::Add {
            id,
            lang,
            title,
            body_file,
        } => {
            let body = read_body_if_given(body_file)?;
            let text = PostText {
                title: title.unwrap_or_default(),
                body,
                ..PostText::default()
            };
            let post = lib.translations().add(&id, &lang, text)?;
            Ok(write_line(
                out,
                &format!("{}\t{}\trevision {}", post.id, post.lang, post.revision),
            )?)
        }
        TranslationCommand::Status { id, json } => {
            let status = lib.translations().status(&id)?;
            if json {
                return Ok(print_json(out, &status)?);
            }
            print_status(out, &status)
        }
        TranslationCommand::MarkCurrent { id, lang, blocks } => {
            let status = lib.translations().mark_current(&id, &lang, &blocks)?;
            let language = status.languages.iter().find(|l| l.lang == lang);
            let state = language
                .map(|l| describe(&l.completeness))
                .unwrap_or_default();
            Ok(write_line(out, &format!("{}\t{lang}\t{state}", status.id))?)
        }
        TranslationCommand::NotPlanned {
            id,
            lang,
            reason,
            by,
        } => {
            let by = by
                .or_else(valise_core::translation::desktop_user)
                .unwrap_or_default();
            lib.translations().not_planned(&id, &lang, &by, &reason)?;
            Ok(())
        }
    }
}

fn describe(c: &Completeness) -> String {
    match c {
        Completeness::Source => "source".into(),
        Completeness::Complete => "complete".into(),
        Completeness::Outdated {
            outdated,
            missing,
            orphaned,
        } => format!("outdated\t{outdated} outdated, {missing} missing, {orphaned} orphaned"),
        Completeness::Missing => "missing".into(),
        Completeness::NotPlanned { by, reason, at } => {
            format!("not planned\tby {by} on {at}: {reason}")
        }
    }
}

/// The languages of a post in one column: `fr:source en:complete es:outdated(2)
/// ar:missing`, `(n)` counting the blocks that need work.
pub fn languages_column(languages: &[valise_core::LanguageState]) -> String {
    languages
        .iter()
        .map(|l| {
            let state = match &l.completeness {
                Completeness::Source => "source".to_string(),
                Completeness::Complete => "complete".to_string(),
                Completeness::Outdated {
                    outdated,
                    missing,
                    orphaned,
                } => format!("outdated({})", outdated + missing + orphaned),
                Completeness::Missing => "missing".to_string(),
                Completeness::NotPlanned { .. } => "not-planned".to_string(),
            };
            format!("{}:{state}", l.lang)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn state_name(s: BlockState) -> &'static str {
    match s {
        BlockState::Current => "current",
        BlockState::Outdated => "outdated",
        BlockState::Missing => "missing",
        BlockState::Orphaned => "orphaned",
    }
}

/// One line per language, then one per block (id, state, kind, the start of
/// its source text).
fn print_status(
    out: &mut impl Write,
    status: &valise_core::TranslationStatus,
) -> Result<(), Failure> {
    for l in &status.languages {
        let revision = l
            .revision
            .map(|r| format!("\trevision {r}"))
            .unwrap_or_default();
        write_line(
            out,
            &format!("{}\t{}{revision}", l.lang, describe(&l.completeness)),
        )?;
        for b in &l.blocks {
            let text = if b.source.is_empty() {
                &b.translation
            } else {
                &b.source
            };
            let excerpt: String = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(60)
                .collect();
            let kind = serde_json::to_value(b.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            write_line(
                out,
                &format!("  {}\t{}\t{kind}\t{excerpt}", b.block, state_name(b.state)),
            )?;
        }
    }
    Ok(())
}
