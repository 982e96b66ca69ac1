//! `valise`: the scriptable face of the library. Each verb parses its arguments,
//! calls one `valise_core::Library` method and prints the result. Exit codes:
//! 0 success, 2 bad usage (clap), 1 any other error (message on stderr).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use valise_core::{Library, ListQuery, ListSort, NewPost, Post, RevisionKind, SaveRequest};

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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create, read and change posts
    #[command(subcommand)]
    Post(PostCommand),
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
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["ids", "all"]))]
struct ExportArgs {
    ids: Vec<i64>,
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
    /// List posts, most recently edited first
    List {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Show one post
    Show {
        id: i64,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change a post's title or body (each change keeps a revision)
    Edit {
        id: i64,
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
    },
    /// Print the sanitised preview HTML
    Render {
        id: i64,
        #[arg(long)]
        lang: Option<String>,
    },
    /// List revisions, oldest first
    History {
        id: i64,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Bring back the text of a revision (as a new revision)
    Restore {
        id: i64,
        revision: i64,
        #[arg(long)]
        lang: Option<String>,
    },
    /// Delete a post
    Delete { id: i64 },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("valise: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let library = match &cli.library {
        Some(path) => Library::open(path),
        None => Library::open_default(),
    }
    .map_err(|e| e.to_string())?;
    let lib = &library;
    let out = &mut std::io::stdout().lock();
    let e = |e: valise_core::Error| e.to_string();
    match cli.command {
        Command::Post(cmd) => post(lib, cmd, out),
        Command::Search { query, json, limit } => {
            let hits = lib.search(&query, limit).map_err(e)?;
            if json {
                print_json(out, &hits)
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
            let report = lib.import(&paths).map_err(e)?;
            for f in &report.imported {
                write_line(out, &format!("{}\t{}\t{}", f.id, f.path, f.title))?;
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
                Err(format!(
                    "{} file(s) could not be imported",
                    report.failed.len()
                ))
            }
        }
        Command::Export(args) => {
            let ids = (!args.all).then_some(args.ids.as_slice());
            let written = lib.export(ids, &args.to).map_err(e)?;
            for path in written {
                write_line(out, &path.display().to_string())?;
            }
            Ok(())
        }
    }
}

fn post(lib: &Library, cmd: PostCommand, out: &mut impl Write) -> Result<(), String> {
    let e = |e: valise_core::Error| e.to_string();
    match cmd {
        PostCommand::New {
            title,
            lang,
            tags,
            body_file,
        } => {
            let body = body_file
                .map(|f| read_body(&f))
                .transpose()?
                .unwrap_or_default();
            let post = lib
                .create_post(NewPost {
                    title,
                    lang,
                    body,
                    tags,
                })
                .map_err(e)?;
            write_line(out, &post.id.to_string())
        }
        PostCommand::List { json, limit } => {
            let posts = lib
                .list(&ListQuery {
                    sort: ListSort::Updated,
                    limit,
                    ..ListQuery::default()
                })
                .map_err(e)?;
            if json {
                return print_json(out, &posts);
            }
            for p in posts {
                write_line(
                    out,
                    &format!("{}\t{}\t{}\t{}", p.id, p.lang, p.updated_at, p.title),
                )?;
            }
            Ok(())
        }
        PostCommand::Show { id, lang, json } => {
            let post = lib.post(id, lang.as_deref()).map_err(e)?;
            if json {
                print_json(out, &post)
            } else {
                print_post(out, &post)
            }
        }
        PostCommand::Edit {
            id,
            lang,
            title,
            body_file,
            tags,
            name,
        } => {
            let current = lib.post(id, lang.as_deref()).map_err(e)?;
            let mut text = current.text.clone();
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
                .save(SaveRequest {
                    id,
                    lang: current.lang,
                    text,
                    kind: RevisionKind::Edit,
                    revision_name: name,
                })
                .map_err(e)?;
            write_line(out, &format!("{}\trevision {}", saved.id, saved.revision))
        }
        PostCommand::Render { id, lang } => {
            let html = lib.render(id, lang.as_deref()).map_err(e)?;
            out.write_all(html.as_bytes()).map_err(|e| e.to_string())
        }
        PostCommand::History { id, lang, json } => {
            let revisions = lib.history(id, lang.as_deref()).map_err(e)?;
            if json {
                return print_json(out, &revisions);
            }
            for r in revisions {
                let kind = serde_json::to_value(r.kind).ok();
                let kind = kind.as_ref().and_then(|k| k.as_str()).unwrap_or("");
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
            let post = lib.restore(id, lang.as_deref(), revision).map_err(e)?;
            write_line(out, &format!("{}\trevision {}", post.id, post.revision))
        }
        PostCommand::Delete { id } => lib.delete_post(id).map_err(e),
    }
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
        ("id", post.id.to_string()),
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
    s.push('\n');
    s.push_str(&t.body);
    if !t.body.ends_with('\n') {
        s.push('\n');
    }
    out.write_all(s.as_bytes()).map_err(|e| e.to_string())
}

fn print_json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<(), String> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| e.to_string())?;
    write_line(out, "")
}

fn write_line(out: &mut impl Write, line: &str) -> Result<(), String> {
    writeln!(out, "{line}").map_err(|e| e.to_string())
}
