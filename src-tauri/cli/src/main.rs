//! `valise`: the scriptable face of the library. Each verb parses its arguments,
//! calls one face of `valise_core::Library` and prints the result. Exit codes:
//! 0 success, 2 bad usage (clap), 3 a change overlapped another and both texts
//! were kept (a conflict), 1 any other error (message on stderr).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod asset;
mod audit;
mod people;
mod post;
mod publication;
mod signoff;
mod sync;
mod translation;
mod xliff;

use clap::{Args, Parser, Subcommand};
use valise_core::Library;

/// Why `valise` stops: a message, and the exit status it deserves.
pub(crate) enum Failure {
    Error(String),
    Conflict(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Error(message)
    }
}

impl From<valise_core::Error> for Failure {
    fn from(e: valise_core::Error) -> Self {
        Failure::Error(e.to_string())
    }
}

#[derive(Parser)]
#[command(
    name = "valise",
    version,
    about = "Valise: the editorial library from the command line"
)]
struct Cli {
    /// The library file (default: $VALISE_LIBRARY, else $XDG_DATA_HOME/valise/library.sqlite3)
    #[arg(long, global = true, value_name = "PATH")]
    library: Option<PathBuf>,
    /// Act as this person for this run (they need a signing key on this desktop)
    #[arg(long = "as", global = true, value_name = "PERSON")]
    as_person: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create, read and change posts
    #[command(subcommand)]
    Post(post::PostCommand),
    /// The asset library: infographics and images, a file and alt text per language
    #[command(subcommand)]
    Asset(asset::AssetCommand),
    /// Translate posts and see which paragraphs of a translation are out of date
    #[command(subcommand)]
    Translation(translation::TranslationCommand),
    /// XLIFF files for outside translators (1.2, or 2.0 on request): export posts, import translations
    #[command(subcommand)]
    Xliff(xliff::XliffCommand),
    /// Who you are in this library on this desktop (--set chooses, once)
    Whoami {
        /// Choose who you are here (needs --code the first time on this desktop)
        #[arg(long, value_name = "NAME")]
        set: Option<String>,
        /// Your invitation code: makes your signing key on this desktop
        #[arg(long, value_name = "CODE", requires = "set")]
        code: Option<String>,
    },
    /// The people of the library and their signing keys
    #[command(subcommand)]
    Person(people::PersonCommand),
    /// The signed, append-only audit trail: verify it, read it, comment
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// The sign-off chain: show it, or set it from a YAML file
    #[command(subcommand)]
    Workflow(signoff::WorkflowCommand),
    /// Sign-off acts on a post (submit, approve, request changes, withdraw) and its status
    #[command(subcommand)]
    Signoff(signoff::SignoffCommand),
    /// What waits for your signature, and where what you submitted stands
    Inbox {
        #[arg(long)]
        json: bool,
    },
    /// Whether post ID is ready to publish: exit 0 ready, 1 listing every failed check
    Preflight {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Every post and its column (draft, in sign-off at a step, changes
    /// requested, approved, ready, scheduled, published), with why it is blocked
    Board {
        /// Only posts that involve this person: waiting on them, submitted or signed by them
        #[arg(long, value_name = "PERSON")]
        person: Option<String>,
        /// Only posts with a version in this language
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Mark post ID ready to publish (through preflight: exit 1 listing every failed check)
    Ready { id: String },
    /// Publish post ID through preflight: at the next sync, or at DATETIME
    /// (RFC 3339, or YYYY-MM-DD for midnight UTC) when --at is given
    Publish {
        id: String,
        #[arg(long, value_name = "DATETIME")]
        at: Option<String>,
    },
    /// Take post ID's schedule back: it stays ready to publish
    Unschedule { id: String },
    /// Take back every publication decision on post ID (a published post is
    /// taken down at the next sync): a draft again
    Unpublish { id: String },
    /// The publishing backends of the library (a WordPress site with the Valise plugin)
    #[command(subcommand)]
    Backend(sync::BackendCommand),
    /// Sync with the backends: pull, merge, push (exit 0 converged, 3 conflicts remain, 1 error)
    Sync(sync::SyncArgs),
    /// Texts kept when two changes overlapped, waiting for someone to choose (`post resolve`)
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// Full-text search (accents and case ignored)
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Import Markdown files with YAML front matter (folders recursively)
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Export posts as Markdown files with YAML front matter
    Export(ExportArgs),
    /// What changed since a cursor, oldest first, then the new cursor
    Changes {
        /// The cursor a previous run printed (0: everything)
        #[arg(long, default_value_t = 0)]
        since: i64,
        #[arg(long)]
        json: bool,
        /// At most this many change sets
        #[arg(long, default_value_t = 1000)]
        limit: u32,
    },
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["ids", "all"]))]
struct ExportArgs {
    ids: Vec<String>,
    #[arg(long)]
    all: bool,
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Error(message)) => {
            eprintln!("valise: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Conflict(message)) => {
            eprintln!("valise: {message}");
            ExitCode::from(3)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let library = match &cli.library {
        Some(path) => Library::open(path),
        None => Library::open_default(),
    }?;
    // `--as` is "me" for everything this run signs, asked or not.
    let library = match &cli.as_person {
        Some(person) => library.acting_as(person),
        None => library,
    };
    let lib = &library;
    let out = &mut std::io::stdout().lock();
    let e = |e: valise_core::Error| e.to_string();
    match cli.command {
        Command::Post(cmd) => post::run(lib, cmd, out),
        Command::Asset(cmd) => asset::run(lib, cmd, out),
        Command::Translation(cmd) => translation::run(lib, cmd, out),
        Command::Xliff(cmd) => xliff::run(lib, cmd, out),
        Command::Whoami { set, code } => {
            people::whoami(lib, cli.as_person.as_deref(), set, code, out)
        }
        Command::Person(cmd) => people::run(lib, cli.as_person.as_deref(), cmd, out),
        Command::Audit(cmd) => audit::run(lib, cli.as_person.as_deref(), cmd, out),
        Command::Workflow(cmd) => signoff::workflow(lib, cli.as_person.as_deref(), cmd, out),
        Command::Signoff(cmd) => signoff::signoff(lib, cli.as_person.as_deref(), cmd, out),
        Command::Inbox { json } => signoff::inbox(lib, cli.as_person.as_deref(), json, out),
        Command::Preflight { id, json } => signoff::preflight(lib, &id, json, out),
        Command::Board { person, lang, json } => {
            let filter = valise_core::workflow::BoardFilter { person, lang };
            signoff::board(lib, &filter, json, out)
        }
        Command::Ready { id } => {
            let mv = valise_core::workflow::rules::PublicationMove::MarkReady;
            publication::run(lib, cli.as_person.as_deref(), &id, mv, out)
        }
        Command::Publish { id, at } => {
            let mv = publication::publish_move(at.as_deref())?;
            publication::run(lib, cli.as_person.as_deref(), &id, mv, out)
        }
        Command::Unschedule { id } => {
            let mv = valise_core::workflow::rules::PublicationMove::Unschedule;
            publication::run(lib, cli.as_person.as_deref(), &id, mv, out)
        }
        Command::Unpublish { id } => {
            let mv = valise_core::workflow::rules::PublicationMove::Unpublish;
            publication::run(lib, cli.as_person.as_deref(), &id, mv, out)
        }
        Command::Changes { since, json, limit } => {
            let sets = lib.changes().since(since, limit).map_err(e)?;
            let cursor = sets.last().map_or(since, |s| s.cursor);
            if json {
                let feed = serde_json::json!({ "cursor": cursor, "change_sets": sets });
                return Ok(print_json(out, &feed)?);
            }
            for set in &sets {
                for c in &set.changes {
                    write_line(
                        out,
                        &format!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            set.cursor,
                            set.at,
                            set.origin.as_str(),
                            c.kind.as_str(),
                            c.action.as_str(),
                            c.post,
                            c.lang.as_deref().unwrap_or("-"),
                            c.id
                        ),
                    )?;
                }
            }
            Ok(write_line(out, &format!("cursor\t{cursor}"))?)
        }
        Command::Backend(cmd) => sync::backend(lib, cmd, out),
        Command::Sync(args) => sync::sync(lib, args, out),
        Command::Conflicts { json } => {
            let open = lib.conflicts().open().map_err(e)?;
            if json {
                return Ok(print_json(out, &open)?);
            }
            for c in &open {
                write_line(
                    out,
                    &format!(
                        "{}\t{}\t{}\t{}\tfrom {}\t{}",
                        c.conflict.id,
                        c.post,
                        c.lang,
                        c.conflict.created_at,
                        c.conflict.from,
                        c.title
                    ),
                )?;
            }
            Ok(())
        }
        Command::Search { query, json, limit } => {
            let hits = lib.search().run(&query, limit).map_err(e)?;
            if json {
                Ok(print_json(out, &hits)?)
            } else {
                for h in hits {
                    let snippet: String = h
                        .snippet_parts
                        .iter()
                        .map(|p| {
                            if p.hit {
                                format!("[{}]", p.text)
                            } else {
                                p.text.clone()
                            }
                        })
                        .collect();
                    write_line(
                        out,
                        &format!("{}\t{}\t{}\t{}", h.id, h.lang, h.title, snippet),
                    )?;
                }
                Ok(())
            }
        }
        Command::Import { paths } => {
            let report = lib.transfer().import(&paths).map_err(e)?;
            for f in &report.imported {
                write_line(out, &format!("{}\t{}\t{}", f.id, f.path, f.title))?;
                if let Some(old) = &f.exported_id {
                    eprintln!(
                        "valise: {}: imported as post {} (its id {old} belongs to a post deleted from this library)",
                        f.path, f.id
                    );
                }
            }
            for f in &report.failed {
                eprintln!("valise: {}: {}", f.path, f.message);
            }
            eprintln!(
                "{} imported, {} failed",
                report.imported.len(),
                report.failed.len()
            );
            if report.failed.is_empty() {
                Ok(())
            } else {
                Err(Failure::Error(format!(
                    "{} file(s) could not be imported",
                    report.failed.len()
                )))
            }
        }
        Command::Export(args) => {
            let ids = (!args.all).then_some(args.ids.as_slice());
            let written = lib.transfer().export(ids, &args.to).map_err(e)?;
            for path in written {
                write_line(out, &path.display().to_string())?;
            }
            Ok(())
        }
    }
}

/// The body named by `--body-file`, or an empty one when none was given.
pub(crate) fn read_body_if_given(file: Option<String>) -> Result<String, String> {
    file.map(|f| read_body(&f))
        .transpose()
        .map(Option::unwrap_or_default)
}

pub(crate) fn read_body(file: &str) -> Result<String, String> {
    let bytes = if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        buf
    } else {
        std::fs::read(file).map_err(|e| format!("{file}: {e}"))?
    };
    String::from_utf8(bytes).map_err(|_| format!("{file}: the body is not UTF-8 text"))
}

pub(crate) fn print_json(
    out: &mut impl Write,
    value: &impl serde::Serialize,
) -> Result<(), String> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| e.to_string())?;
    write_line(out, "")
}

pub(crate) fn write_line(out: &mut impl Write, line: &str) -> Result<(), String> {
    writeln!(out, "{line}").map_err(|e| e.to_string())
}
