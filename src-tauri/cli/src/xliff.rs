//! `valise xliff …`: posts out to outside translators as XLIFF 1.2, and their
//! translated files back in.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use valise_core::translation::xliff::{ExportOptions, XliffVersion};
use valise_core::Library;

use crate::{write_line, Failure};

#[derive(Subcommand)]
pub enum XliffCommand {
    /// Export posts for translation into LANG as XLIFF (1.2 unless asked):
    /// one file per post into a folder, or all posts into one file
    Export {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        lang: String,
        /// A folder, existing or ending with / (one <post id>.<LANG>.xlf per
        /// post), or a file (all posts)
        #[arg(long, value_name = "FILE|DIR")]
        to: PathBuf,
        /// Only the blocks whose translation is outdated or missing
        #[arg(long)]
        only_outdated: bool,
        /// XLIFF 1.2 (what most translation tools read best) or 2.0
        #[arg(long = "version", value_name = "1.2|2.0", default_value = "1.2")]
        xliff_version: XliffVersion,
    },
    /// Import translated XLIFF files (1.2 or 2.0); each file is taken whole or
    /// not at all
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(lib: &Library, cmd: XliffCommand, out: &mut impl Write) -> Result<(), Failure> {
    match cmd {
        XliffCommand::Export {
            ids,
            lang,
            to,
            only_outdated,
            xliff_version,
        } => {
            let options = ExportOptions {
                only_outdated,
                version: xliff_version,
            };
            for path in lib.xliff().export_to(&ids, &lang, &to, options)? {
                write_line(out, &path.display().to_string())?;
            }
            Ok(())
        }
        XliffCommand::Import { files } => {
            let report = lib.xliff().import(&files);
            for file in &report.imported {
                for p in &file.posts {
                    write_line(
                        out,
                        &format!(
                            "{}\t{}\t{}\t{} translated, {} outdated{}",
                            file.path,
                            p.id,
                            p.lang,
                            p.translated,
                            p.outdated,
                            if p.created { ", new translation" } else { "" }
                        ),
                    )?;
                }
            }
            for f in &report.failed {
                eprintln!("valise: {}", f.message);
            }
            if report.failed.is_empty() {
                Ok(())
            } else {
                Err(Failure::Error(format!(
                    "{} of {} file(s) not imported",
                    report.failed.len(),
                    files.len()
                )))
            }
        }
    }
}
