//! `valise whoami` and `valise person …`: who I am on this desktop, and the
//! people of the library (the first is its founder; everyone after is invited
//! with a one-time code and enrols on their own desktop).

use std::io::Write;

use clap::Subcommand;
use valise_core::{Library, Person};

use crate::{print_json, write_line, Failure};

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Add a person. The first person of a library is its founder (their key
    /// is made on this desktop); anyone later is invited by you (or --as) and
    /// gets a one-time invitation code, printed once on the second line
    Add {
        /// Their handle: used by --as and in chain files
        name: String,
        #[arg(long)]
        email: String,
        /// The publishing backend's user name they match
        #[arg(long, value_name = "USER")]
        backend_user: Option<String>,
    },
    /// A fresh invitation code for NAME (a new desktop, a lost key or code);
    /// it replaces their earlier unused code
    Invite { name: String },
    /// Make NAME's signing key on this desktop with their invitation code,
    /// without choosing them as you (a desktop that acts for several people
    /// with --as); `whoami --set NAME --code CODE` is the usual way
    Enrol {
        name: String,
        #[arg(long)]
        code: String,
    },
    /// Everyone in the library, by name
    List {
        #[arg(long)]
        json: bool,
    },
}

/// `whoami [--set NAME [--code CODE]]`, honouring a global `--as`.
pub fn whoami(
    lib: &Library,
    as_person: Option<&str>,
    set: Option<String>,
    code: Option<String>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let people = lib.people();
    let me = match set {
        Some(name) => {
            let chosen = people.choose_me(&name, code.as_deref())?;
            if chosen.new_key {
                eprintln!(
                    "valise: {} is enrolled on this desktop: a signing key was made here and its public key added to the library",
                    chosen.signer.person.name
                );
            }
            chosen.signer.person
        }
        None => people.acting(as_person)?.person,
    };
    write_line(out, &line(&me))?;
    Ok(write_line(
        out,
        &format!("secrets\t{}", lib.desktop().secrets.describe()),
    )?)
}

fn line(p: &Person) -> String {
    format!("{}\t{}\t{}", p.name, p.email, p.id)
}

fn tell_code(name: &str) {
    eprintln!(
        "valise: give {name} the invitation code above, privately; it is shown only now and works once. On their own desktop they run `valise whoami --set {name} --code CODE`."
    );
}

pub fn run(
    lib: &Library,
    as_person: Option<&str>,
    cmd: PersonCommand,
    out: &mut impl Write,
) -> Result<(), Failure> {
    match cmd {
        PersonCommand::Add {
            name,
            email,
            backend_user,
        } => {
            let added = lib
                .people()
                .add(as_person, &name, &email, backend_user.as_deref())?;
            write_line(out, &added.person.id)?;
            match added.code {
                Some(code) => {
                    write_line(out, code.as_str())?;
                    tell_code(&added.person.name);
                }
                None => eprintln!(
                    "valise: {} founded this library's sign-off: their signing key was made on this desktop, and they are chosen as you here",
                    added.person.name
                ),
            }
            Ok(())
        }
        PersonCommand::Invite { name } => {
            let invited = lib.people().invite(as_person, &name)?;
            write_line(out, invited.code.as_str())?;
            tell_code(&invited.person.name);
            Ok(())
        }
        PersonCommand::Enrol { name, code } => {
            let chosen = lib.people().enrol(&name, &code)?;
            Ok(write_line(out, &line(&chosen.signer.person))?)
        }
        PersonCommand::List { json } => {
            let people = lib.people().list()?;
            if json {
                return Ok(print_json(out, &people)?);
            }
            for p in people {
                let keys = match p.keys.len() {
                    0 => "invited, no key yet".to_string(),
                    n => format!("{n} key(s)"),
                };
                write_line(
                    out,
                    &format!(
                        "{}\t{}\t{}\t{}\t{keys}",
                        p.id,
                        p.name,
                        p.email,
                        p.backend_user.as_deref().unwrap_or("-"),
                    ),
                )?;
            }
            Ok(())
        }
    }
}
