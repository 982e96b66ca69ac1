//! `valise post …`: create, list, show, edit, render, the history and
//! restore of revisions, delete, and the choice that ends a conflict.

use std::io::Write;

use clap::Subcommand;

use valise_core::{
    Library, ListQuery, ListSort, NewPost, Post, Resolution, RevisionKind, SaveRequest, SaveResult,
};

use crate::{print_json, read_body, read_body_if_given, translation, write_line, Failure};

#[derive(Subcommand)]
pub(crate) enum PostCommand {
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
pub(crate) enum Keep {
    Current,
    Other,
}

pub(crate) fn run(lib: &Library, cmd: PostCommand, out: &mut impl Write) -> Result<(), Failure> {
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
