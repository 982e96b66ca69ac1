//! `valise asset …`: add files to the asset library, set their alt text and
//! caption per language, list and show them, take out a file or a
//! thumbnail, and delete one.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use valise_core::assets::watch::Seen;
use valise_core::assets::{AddFile, AddOutcome, Asset};
use valise_core::Library;

use crate::{print_json, write_line, Failure};

#[derive(Subcommand)]
pub enum AssetCommand {
    /// Add files (NAME.LANG.EXT is the LANG variant of asset NAME); prints the id of each
    Add {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The language of the variant (default: from the file name, else every language)
        #[arg(long, value_name = "L")]
        lang: Option<String>,
        /// The asset's name (default: NAME of the file name)
        #[arg(long)]
        name: Option<String>,
        /// Alt text, in the variant's language (or the source language)
        #[arg(long, value_name = "TEXT")]
        alt: Option<String>,
        #[arg(long, value_name = "TEXT")]
        caption: Option<String>,
        #[arg(long, value_name = "TEXT")]
        credit: Option<String>,
        #[arg(long, value_name = "TEXT")]
        licence: Option<String>,
    },
    /// Set an asset's alt text and caption in a language, or its credit and licence
    Set {
        asset: String,
        #[arg(long, value_name = "L")]
        lang: Option<String>,
        #[arg(long, value_name = "TEXT", requires = "lang")]
        alt: Option<String>,
        #[arg(long, value_name = "TEXT", requires = "lang")]
        caption: Option<String>,
        #[arg(long, value_name = "TEXT")]
        credit: Option<String>,
        #[arg(long, value_name = "TEXT")]
        licence: Option<String>,
    },
    /// Every asset, by name
    List {
        #[arg(long)]
        json: bool,
    },
    /// One asset: variants, alt text and caption per language, checksums, sizes, versions, used by
    Show {
        asset: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete an asset (refused while posts use it, unless --force); prints its id
    Delete {
        asset: String,
        /// Delete it although posts use it: they keep the reference and show a placeholder
        #[arg(long)]
        force: bool,
    },
    /// Write the stored file (an SVG as sanitised) of a language's variant
    File {
        asset: String,
        #[arg(long, value_name = "L")]
        lang: Option<String>,
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Watch folders until interrupted, importing each file once it is complete; prints what it imports
    /// (without DIR: the library's watched folders)
    Watch { dirs: Vec<PathBuf> },
    /// The library's watched folders, which the open window watches
    Folder {
        #[command(subcommand)]
        action: FolderAction,
    },
    /// Write a PNG thumbnail that fits in SIZE × SIZE pixels
    Thumbnail {
        asset: String,
        #[arg(long, value_name = "L")]
        lang: Option<String>,
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(16..=2048))]
        size: u32,
    },
}

#[derive(Subcommand)]
pub enum FolderAction {
    /// Watch this folder from now on (in every window opening the library)
    Add { dir: PathBuf },
    /// Stop watching this folder
    Remove { dir: PathBuf },
    /// The watched folders, one a line
    List,
}

pub fn run(lib: &Library, cmd: AssetCommand, out: &mut impl Write) -> Result<(), Failure> {
    let assets = lib.assets();
    match cmd {
        AssetCommand::Add {
            files,
            lang,
            name,
            alt,
            caption,
            credit,
            licence,
        } => {
            // Each file is added whole or not at all; one refused file does not
            // stop the others, and the exit status says some were refused.
            let mut refused = 0;
            for path in &files {
                let added = assets.add(&AddFile {
                    path: path.display().to_string(),
                    lang: lang.clone(),
                    name: name.clone(),
                    alt: alt.clone(),
                    caption: caption.clone(),
                    credit: credit.clone(),
                    licence: licence.clone(),
                });
                match added {
                    Ok(a) => {
                        write_line(out, &a.asset_id)?;
                        if a.outcome == AddOutcome::AlreadyKnown {
                            eprintln!(
                                "valise: {}: already in the library (asset {}), nothing added",
                                path.display(),
                                a.asset_id
                            );
                        }
                        for r in &a.removed {
                            eprintln!("valise: {}: removed {r}", path.display());
                        }
                    }
                    Err(e) => {
                        refused += 1;
                        eprintln!("valise: {e}");
                    }
                }
            }
            if refused > 0 {
                return Err(Failure::Error(format!("{refused} file(s) were not added")));
            }
            Ok(())
        }
        AssetCommand::Set {
            asset,
            lang,
            alt,
            caption,
            credit,
            licence,
        } => {
            if alt.is_none() && caption.is_none() && credit.is_none() && licence.is_none() {
                return Err(Failure::Error(
                    "say what to set: --alt or --caption (with --lang), --credit or --licence"
                        .into(),
                ));
            }
            let mut shown = None;
            if credit.is_some() || licence.is_some() {
                shown = Some(assets.set_details(&asset, credit.as_deref(), licence.as_deref())?);
            }
            if let Some(lang) = lang.filter(|_| alt.is_some() || caption.is_some()) {
                shown = Some(assets.set_text(&asset, &lang, alt.as_deref(), caption.as_deref())?);
            }
            if let Some(a) = shown {
                write_line(out, &a.id)?;
            }
            Ok(())
        }
        AssetCommand::List { json } => {
            let list = assets.list()?;
            if json {
                return Ok(print_json(out, &list)?);
            }
            for a in list {
                let variants: Vec<&str> = a
                    .variants
                    .iter()
                    .map(|v| v.as_deref().unwrap_or("all"))
                    .collect();
                let size = match (a.width, a.height) {
                    (Some(w), Some(h)) => format!("{w}×{h}"),
                    _ => "-".into(),
                };
                let mut missing = if a.missing_alt.is_empty() {
                    String::new()
                } else {
                    format!("no alt: {}", a.missing_alt.join(","))
                };
                if !a.not_here.is_empty() {
                    let langs: Vec<&str> = a
                        .not_here
                        .iter()
                        .map(|v| v.as_deref().unwrap_or("all"))
                        .collect();
                    if !missing.is_empty() {
                        missing.push_str("; ");
                    }
                    missing.push_str(&format!(
                        "file not on this desktop yet: {}",
                        langs.join(",")
                    ));
                }
                write_line(
                    out,
                    &format!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        a.id,
                        a.name,
                        a.kind.as_str(),
                        variants.join(","),
                        size,
                        missing
                    ),
                )?;
            }
            Ok(())
        }
        AssetCommand::Show { asset, json } => {
            let a = assets.get(&asset)?;
            if json {
                return Ok(print_json(out, &a)?);
            }
            Ok(show(&a, out)?)
        }
        AssetCommand::Delete { asset, force } => {
            let deleted = assets.delete(&asset, force)?;
            write_line(out, &deleted.id)?;
            for u in &deleted.used_by {
                eprintln!(
                    "valise: post {} ({}, {}) now shows a placeholder for the deleted asset",
                    u.post_id, u.lang, u.title
                );
            }
            Ok(())
        }
        AssetCommand::File { asset, lang, to } => {
            let (version, bytes) = assets.file(&asset, lang.as_deref())?;
            write_out(&to, &bytes)?;
            Ok(write_line(
                out,
                &format!(
                    "{}\t{} bytes\t{}",
                    to.display(),
                    bytes.len(),
                    version.sha256
                ),
            )?)
        }
        AssetCommand::Folder { action } => {
            let folders = match action {
                FolderAction::Add { dir } => {
                    let dir = std::path::absolute(&dir).unwrap_or(dir);
                    assets.add_watched_folder(&dir)?
                }
                FolderAction::Remove { dir } => assets.remove_watched_folder(&dir)?,
                FolderAction::List => assets.watched_folders()?,
            };
            for f in folders {
                write_line(out, &f.display().to_string())?;
            }
            Ok(())
        }
        AssetCommand::Watch { dirs } => {
            let dirs = if dirs.is_empty() {
                assets.watched_folders()?
            } else {
                dirs
            };
            if dirs.is_empty() {
                return Err(
                    "no folder to watch: name one (`valise asset watch DIR`) or add one to the library (`valise asset folder add DIR`)"
                        .to_string()
                        .into(),
                );
            }
            // Runs until the process is interrupted (Ctrl+C ends it; every
            // import is its own committed transaction, so nothing is lost).
            let never = std::sync::atomic::AtomicBool::new(false);
            let mut failed: Option<String> = None;
            assets.watch(&dirs, SETTLE, &never, |seen| match seen {
                Seen::Imported { path, added } => {
                    let line = format!(
                        "{}\t{}\t{}\t{}",
                        added.asset_id,
                        added.lang.as_deref().unwrap_or("all"),
                        outcome(added.outcome),
                        path.display()
                    );
                    if let Err(e) =
                        write_line(out, &line).and_then(|()| out.flush().map_err(|e| e.to_string()))
                    {
                        failed.get_or_insert(e);
                    }
                    for r in &added.removed {
                        eprintln!("valise: {}: removed {r}", path.display());
                    }
                }
                Seen::Known { .. } => {}
                Seen::OfDeletedAsset { path, asset_id } => eprintln!(
                    "valise: {}: the file of asset {asset_id}, deleted: not added again \
                     (`valise asset add` it to bring it back)",
                    path.display()
                ),
                Seen::Refused { error, .. } => eprintln!("valise: {error}"),
            })?;
            Ok(failed.map_or(Ok(()), Err)?)
        }
        AssetCommand::Thumbnail {
            asset,
            lang,
            to,
            size,
        } => {
            let png = assets.thumbnail(&asset, lang.as_deref(), size)?;
            write_out(&to, &png)?;
            Ok(write_line(out, &to.display().to_string())?)
        }
    }
}

/// How long a file must stay unchanged before it is imported: long enough for
/// an export written in bursts, short enough to feel immediate.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(500);

fn outcome(o: AddOutcome) -> &'static str {
    match o {
        AddOutcome::NewAsset => "new asset",
        AddOutcome::NewVariant => "new variant",
        AddOutcome::NewVersion => "new version",
        AddOutcome::AlreadyKnown => "already known",
        AddOutcome::OfDeletedAsset => "of a deleted asset, not added",
    }
}

fn write_out(to: &PathBuf, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(to, bytes).map_err(|e| format!("{}: {e}", to.display()))
}

fn show(a: &Asset, out: &mut impl Write) -> Result<(), String> {
    write_line(out, &format!("{}\t{}\t{}", a.id, a.name, a.kind.as_str()))?;
    write_line(out, &format!("credit\t{}", a.credit))?;
    write_line(out, &format!("licence\t{}", a.licence))?;
    for v in &a.variants {
        let lang = v.lang.as_deref().unwrap_or("all");
        for (i, f) in std::iter::once(&v.current).chain(&v.older).enumerate() {
            let size = match (f.width, f.height) {
                (Some(w), Some(h)) => format!("{w}×{h}"),
                _ => "-".into(),
            };
            write_line(
                out,
                &format!(
                    "variant {lang}\tv{}{}\t{}\t{size}\t{} bytes\t{}\t{}",
                    f.number,
                    if i == 0 { " (current)" } else { "" },
                    f.format.as_str(),
                    f.byte_size,
                    f.sha256,
                    f.original_name
                ),
            )?;
            if !f.here {
                write_line(
                    out,
                    "\tfile not on this desktop yet (it comes with a later sync)",
                )?;
            }
        }
    }
    for t in &a.texts {
        write_line(out, &format!("alt {}\t{}", t.lang, t.alt))?;
        write_line(out, &format!("caption {}\t{}", t.lang, t.caption))?;
    }
    for c in &a.conflicts {
        let field = match &c.lang {
            Some(lang) => format!("{} {lang}", c.field),
            None => c.field.clone(),
        };
        let whose = match &c.from_asset {
            Some(other) => {
                format!("kept from asset {other} (the same file, added on another desktop)")
            }
            None => "kept from this desktop".to_string(),
        };
        write_line(
            out,
            &format!(
                "conflict {field}\tcurrent: {}\t{whose}: {}",
                c.current, c.kept
            ),
        )?;
    }
    for u in &a.used_by {
        write_line(
            out,
            &format!("used by\t{}\t{}\t{}", u.post_id, u.lang, u.title),
        )?;
    }
    Ok(())
}
