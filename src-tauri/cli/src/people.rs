//! `valise whoami` and `valise person …`: who I am on this desktop, and the
//! people of the library.

use std::io::Write;

use clap::Subcommand;
use valise_core::{Library, Person};

use crate::{print_json, write_line, Failure};

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Add a person to the library; also makes their signing key on this desktop
    Add {
        /// Their handle: used by --as and in chain files
        name: String,
        #[arg(long)]
        email: String,
        /// The publishing backend's user name they match
        #[arg(long, value_name = "USER")]
        backend_user: Option<String>,
    },
    /// Everyone in the library, by name
    List {
        #[arg(long)]
        json: bool,
    },
}

/// `whoami [--set NAME]`, honouring a global `--as`.
pub fn whoami(
    lib: &Library,
    as_person: Option<&str>,
    set: Option<String>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let people = lib.people();
    if let Some(name) = set {
        let chosen = people.choose_me(&name)?;
        let me = &chosen.signer.person;
        if chosen.new_key {
            eprintln!(
                "valise: this desktop had no signing key for {}: one was made and its public key added to the library",
                me.name
            );
        }
        return Ok(write_line(out, &line(me))?);
    }
    let signer = people.acting(as_person)?;
    Ok(write_line(out, &line(&signer.person))?)
}

fn line(p: &Person) -> String {
    format!("{}\t{}\t{}", p.name, p.email, p.id)
}

pub fn run(lib: &Library, cmd: PersonCommand, out: &mut impl Write) -> Result<(), Failure> {
    match cmd {
        PersonCommand::Add {
            name,
            email,
            backend_user,
        } => {
            let person = lib.people().add(&name, &email, backend_user.as_deref())?;
            Ok(write_line(out, &person.id)?)
        }
        PersonCommand::List { json } => {
            let people = lib.people().list()?;
            if json {
                return Ok(print_json(out, &people)?);
            }
            for p in people {
                write_line(
                    out,
                    &format!(
                        "{}\t{}\t{}\t{}\t{} key(s)",
                        p.id,
                        p.name,
                        p.email,
                        p.backend_user.as_deref().unwrap_or("-"),
                        p.keys.len()
                    ),
                )?;
            }
            Ok(())
        }
    }
}
