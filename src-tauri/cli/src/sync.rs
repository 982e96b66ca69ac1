//! `valise backend …` and `valise sync …`: the publishing backends of the
//! library, and syncing with them. Exit codes of `sync`: 0 converged, 3 when
//! conflicts remain in the library, 1 on error (the outbox is kept).

use std::io::{Read, Write};

use clap::{Args, Subcommand};
use valise_core::backends::registry;
use valise_core::{sync, Library};
use zeroize::Zeroize;

use crate::{print_json, write_line, Failure};

#[derive(Subcommand)]
pub enum BackendCommand {
    /// Add a WordPress site with the Valise plugin; the Application Password is read from standard input and kept in this desktop's secret store
    Add {
        name: String,
        /// The site's address (https://example.org)
        #[arg(long, value_name = "URL")]
        wordpress: String,
        /// The WordPress user to log in as
        #[arg(long, value_name = "USER")]
        user: String,
        /// Read the Application Password from standard input (never from the command line)
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// The backends of the library (never a password)
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
    /// The backend to sync with (default: every backend of the library)
    pub name: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// What waits to be sent, when each backend last synced, open conflicts
    Status {
        #[arg(long)]
        json: bool,
    },
}

pub fn backend(lib: &Library, cmd: BackendCommand, out: &mut impl Write) -> Result<(), Failure> {
    match cmd {
        BackendCommand::Add {
            name,
            wordpress,
            user,
            password_stdin: _,
        } => {
            let mut password = Vec::new();
            std::io::stdin()
                .read_to_end(&mut password)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let added = runtime()?.block_on(registry::add_wordpress(
                lib, &name, &wordpress, &user, &password,
            ));
            // The password leaves memory as soon as it is kept.
            password.zeroize();
            let added = added?;
            Ok(write_line(
                out,
                &format!("{}\t{}\t{}", added.name, added.location, user),
            )?)
        }
        BackendCommand::List { json } => {
            let all = registry::list(lib)?;
            if json {
                return Ok(print_json(out, &all)?);
            }
            for b in all {
                write_line(
                    out,
                    &format!(
                        "{}\t{}\t{}\t{}\t{}",
                        b.name,
                        b.kind,
                        b.location,
                        b.user.as_deref().unwrap_or("-"),
                        if b.password_here {
                            "password kept here"
                        } else {
                            "no password on this desktop"
                        }
                    ),
                )?;
            }
            Ok(())
        }
    }
}

pub fn sync(lib: &Library, args: SyncArgs, out: &mut impl Write) -> Result<(), Failure> {
    if let Some(SyncCommand::Status { json }) = args.command {
        let status = sync::status(lib)?;
        if json {
            return Ok(print_json(out, &status)?);
        }
        for b in &status.backends {
            write_line(
                out,
                &format!(
                    "{}\t{}\t{} waiting\tlast sync {}{}{}",
                    b.name,
                    b.location,
                    b.waiting,
                    b.last_sync.as_deref().unwrap_or("never"),
                    b.last_error
                        .as_deref()
                        .map_or(String::new(), |e| format!("\tlast error: {e}")),
                    match b.old_media_waiting {
                        0 => String::new(),
                        n => format!("\t{n} old media file(s) not deleted yet (see the last sync)"),
                    }
                ),
            )?;
        }
        return Ok(write_line(
            out,
            &format!("conflicts\t{}", status.conflicts),
        )?);
    }
    let reports = runtime()?.block_on(registry::sync_with(lib, args.name.as_deref()))?;
    let conflicts = sync::status(lib)?.conflicts;
    if args.json {
        print_json(
            out,
            &serde_json::json!({ "reports": reports, "conflicts": conflicts }),
        )?;
    } else {
        for r in &reports {
            write_line(
                out,
                &format!(
                    "{}\tpulled {}, applied {}, merged {}, conflicts {}, deleted {}; sent {} new, {} changed, {} deleted, {} audit entries; {} waiting; {} old media deleted",
                    r.backend,
                    r.pulled,
                    r.applied,
                    r.merged,
                    r.conflicts,
                    r.deleted,
                    r.created_there,
                    r.updated_there,
                    r.deleted_there,
                    r.audit_sent,
                    r.waiting,
                    r.media_deleted
                ),
            )?;
            for note in r.notes.iter().chain(&r.held) {
                eprintln!("valise: {}: {note}", r.backend);
            }
            for skipped in &r.skipped {
                eprintln!(
                    "valise: {}: not sent (kept in the outbox): {skipped}",
                    r.backend
                );
            }
            for pending in &r.media_pending {
                eprintln!("valise: {}: {pending}", r.backend);
            }
        }
    }
    if conflicts > 0 {
        return Err(Failure::Conflict(format!(
            "{conflicts} conflict(s) wait for someone to choose: see `valise conflicts`"
        )));
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Error(format!("cannot start the network runtime: {e}")))
}
