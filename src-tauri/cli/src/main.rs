//! `valise`: the scriptable face of the library. Each verb parses its arguments,
//! calls one face of `valise_core::Library` and prints the result. Exit codes:
//! 0 success, 2 bad usage (clap), 3 a change overlapped another and both texts
//! were kept (a conflict), 1 any other error (message on stderr).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod audit;
mod people;
mod signoff;
mod translation;
mod xliff;

use clap::{Args, Parser, Subcommand};
use valise_core::{
    Library, ListQuery, ListSort, NewPost, Post, Resolution, RevisionKind, SaveRequest, SaveResult,
};

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
    Post(PostCommand),
    /// Translate posts and see which paragraphs of a translation are out of date
    #[command(subcommand)]
    Translation(translation::TranslationCommand),
    /// XLIFF files for outside translators (1.2, or 2.0 on request): export posts, import translations
    #[command(subcommand)]
    Xliff(xliff::XliffCommand),
    /// Who you are in this library on this desktop (--set chooses, once)
    Whoami {
        /// Choose who you are here; makes this desktop's key for them if needed
        #[arg(long, value_name = "NAME")]
        set: Option<String>,
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
    /// Every post and where it stands in sign-off, with why it is blocked
    Board {
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

#[derive(Subcommand)]
enum PostCommand {
    /// Create a post; prints its id
    New {
        #[arg(long)]
        title: String,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Read the body from FILE, or from standard input with "-"
        #[arg(long, value_name = "FILE|-")]
        body_file: Option<String>,
    },
    /// List posts' language versions, most recently edited first, with where
    /// each post's languages stand
    List {
        #[arg(long)]
        json: bool,
        /// Only posts whose LANG translation is missing or needs work
        #[arg(long, value_name = "LANG")]
        needs_translation: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Show one post
    Show {
        id: String,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change a post's title or body (each change keeps a revision). With --base,
    /// changes made since that revision are merged; overlapping ones exit 3.
    Edit {
        id: String,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, value_name = "FILE|-")]
        body_file: Option<String>,
        #[arg(long = "tag")]
        tags: Option<Vec<String>>,
        /// Name the revision this edit makes
        #[arg(long)]
        name: Option<String>,
        /// The revision this edit was made from (default: the current one)
        #[arg(long, value_name = "REVISION")]
        base: Option<i64>,
        /// A typo fix in the source: its translations are not marked outdated
        #[arg(long)]
        minor: bool,
    },
    /// Print the sanitised HTML of a language version, in an element that
    /// carries its language and direction
    Render {
        id: String,
        #[arg(long)]
        lang: Option<String>,
    },
    /// List revisions, oldest first
    History {
        id: String,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Bring back the text of a revision (as a new revision)
    Restore {
        id: String,
        revision: i64,
        #[arg(long)]
        lang: Option<String>,
    },
    /// Delete a post
    Delete { id: String },
    /// End a conflict: keep the current text, or take the other one
    Resolve {
        /// The conflict's id (as `post show` prints it)
        conflict: String,
        #[arg(long, value_enum)]
        keep: Keep,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Keep {
    Current,
    Other,
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
    let lib = &library;
    let out = &mut std::io::stdout().lock();
    let e = |e: valise_core::Error| e.to_string();
    match cli.command {
        Command::Post(cmd) => post(lib, cmd, out),
        Command::Translation(cmd) => translation::run(lib, cmd, out),
        Command::Xliff(cmd) => xliff::run(lib, cmd, out),
        Command::Whoami { set } => people::whoami(lib, cli.as_person.as_deref(), set, out),
        Command::Person(cmd) => people::run(lib, cmd, out),
        Command::Audit(cmd) => audit::run(lib, cli.as_person.as_deref(), cmd, out),
        Command::Workflow(cmd) => signoff::workflow(lib, cli.as_person.as_deref(), cmd, out),
        Command::Signoff(cmd) => signoff::signoff(lib, cli.as_person.as_deref(), cmd, out),
        Command::Inbox { json } => signoff::inbox(lib, cli.as_person.as_deref(), json, out),
        Command::Preflight { id, json } => signoff::preflight(lib, &id, json, out),
        Command::Board { json } => signoff::board(lib, json, out),
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

fn post(lib: &Library, cmd: PostCommand, out: &mut impl Write) -> Result<(), Failure> {
    let e = |e: valise_core::Error| e.to_string();
    match cmd {
        PostCommand::New {
            title,
            lang,
            tags,
            body_file,
        } => {
            let body = read_body_if_given(body_file)?;
            let post = lib
                .posts()
                .create(NewPost {
                    title,
                    lang,
                    body,
                    tags,
                })
                .map_err(e)?;
            Ok(write_line(out, &post.id)?)
        }
        PostCommand::List {
            json,
            limit,
            needs_translation,
        } => {
            let posts = lib
                .posts()
                .list(&ListQuery {
                    sort: ListSort::Updated,
                    limit,
                    needs_translation,
                    ..ListQuery::default()
                })
                .map_err(e)?;
            if json {
                return Ok(print_json(out, &posts)?);
            }
            for p in posts {
                let flag = if p.in_conflict { "\tCONFLICT" } else { "" };
                let languages = translation::languages_column(&p.languages);
                write_line(
                    out,
                    &format!(
                        "{}\t{}\t{}\t{}\t{languages}{flag}",
                        p.id, p.lang, p.updated_at, p.title
                    ),
                )?;
            }
            Ok(())
        }
        PostCommand::Show { id, lang, json } => {
            let post = lib.posts().get(&id, lang.as_deref()).map_err(e)?;
            if json {
                Ok(print_json(out, &post)?)
            } else {
                Ok(print_post(out, &post)?)
            }
        }
        PostCommand::Edit {
            id,
            lang,
            title,
            body_file,
            tags,
            name,
            base,
            minor,
        } => {
            // The fields not given are taken from the base revision, so that
            // an edit from an old revision changes only what it names.
            let current = lib.posts().get(&id, lang.as_deref()).map_err(e)?;
            let mut text = match base {
                Some(n) => {
                    lib.revisions()
                        .get(&id, Some(&current.lang), n)
                        .map_err(e)?
                        .text
                }
                None => current.text.clone(),
            };
            if let Some(title) = title {
                text.title = title;
            }
            if let Some(file) = body_file {
                text.body = read_body(&file)?;
            }
            if let Some(tags) = tags {
                text.tags = tags;
            }
            let saved = lib
                .posts()
                .save(SaveRequest {
                    id,
                    lang: current.lang,
                    text,
                    kind: RevisionKind::Edit,
                    revision_name: name,
                    base,
                    minor,
                })
                .map_err(e)?;
            let post = &saved.post;
            match saved.result {
                SaveResult::Saved | SaveResult::Unchanged => Ok(write_line(
                    out,
                    &format!("{}\trevision {}", post.id, post.revision),
                )?),
                SaveResult::Merged => Ok(write_line(
                    out,
                    &format!(
                        "{}\trevision {}\tmerged with the changes made since revision {}",
                        post.id,
                        post.revision,
                        base.unwrap_or_default()
                    ),
                )?),
                SaveResult::Conflict => {
                    let conflict = post.conflict.as_ref().map(|c| c.id.as_str()).unwrap_or("?");
                    Err(Failure::Conflict(format!(
                        "your edit overlaps changes made to post {} since revision {}; it was not \
                         applied. Both texts are kept (conflict {conflict}): see them with \
                         `valise post show {} --json`, then `valise post resolve {conflict} \
                         --keep current|other`.",
                        post.id,
                        base.unwrap_or_default(),
                        post.id
                    )))
                }
            }
        }
        PostCommand::Render { id, lang } => {
            let html = lib.posts().render(&id, lang.as_deref()).map_err(e)?;
            Ok(out.write_all(html.as_bytes()).map_err(|e| e.to_string())?)
        }
        PostCommand::History { id, lang, json } => {
            let revisions = lib.revisions().history(&id, lang.as_deref()).map_err(e)?;
            if json {
                return Ok(print_json(out, &revisions)?);
            }
            for r in revisions {
                let kind = if r.minor {
                    format!("{} (minor)", r.kind.as_str())
                } else {
                    r.kind.as_str().to_string()
                };
                write_line(
                    out,
                    &format!(
                        "{}\t{}\t{}\t{}\t{}",
                        r.number,
                        r.created_at,
                        kind,
                        r.name.unwrap_or_default(),
                        r.title
                    ),
                )?;
            }
            Ok(())
        }
        PostCommand::Restore { id, revision, lang } => {
            let post = lib
                .revisions()
                .restore(&id, lang.as_deref(), revision)
                .map_err(e)?;
            Ok(write_line(
                out,
                &format!("{}\trevision {}", post.id, post.revision),
            )?)
        }
        PostCommand::Delete { id } => Ok(lib.posts().delete(&id).map_err(e)?),
        PostCommand::Resolve { conflict, keep } => {
            let resolution = match keep {
                Keep::Current => Resolution::KeepCurrent,
                Keep::Other => Resolution::TakeOther,
            };
            let post = lib.conflicts().resolve(&conflict, resolution).map_err(e)?;
            Ok(write_line(
                out,
                &format!("{}\trevision {}", post.id, post.revision),
            )?)
        }
    }
}

/// The body named by `--body-file`, or an empty one when none was given.
pub(crate) fn read_body_if_given(file: Option<String>) -> Result<String, String> {
    file.map(|f| read_body(&f))
        .transpose()
        .map(Option::unwrap_or_default)
}

fn read_body(file: &str) -> Result<String, String> {
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

fn print_post(out: &mut impl Write, post: &Post) -> Result<(), String> {
    let t = &post.text;
    let mut s = format!("# {}\n", t.title);
    for (label, value) in [
        ("id", post.id.clone()),
        ("lang", post.lang.clone()),
        ("slug", t.slug.clone()),
        ("tags", t.tags.join(", ")),
        ("place", t.place_line.clone()),
        ("updated", post.updated_at.clone()),
        ("revision", post.revision.to_string()),
        ("words", post.stats.words.to_string()),
    ] {
        if !value.is_empty() {
            s.push_str(&format!("{label}: {value}\n"));
        }
    }
    if let Some(c) = &post.conflict {
        s.push_str(&format!(
            "conflict: {} (another text from {} is kept; see --json)\n",
            c.id,
            c.origin.described()
        ));
    }
    s.push('\n');
    s.push_str(&t.body);
    if !t.body.ends_with('\n') {
        s.push('\n');
    }
    out.write_all(s.as_bytes()).map_err(|e| e.to_string())
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
