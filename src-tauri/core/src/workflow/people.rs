//! People of a library and their public keys: `library.people()`. The first
//! person (the founder) gets a key pair on this desktop; everyone after is
//! invited by an enrolled person and makes their key on their own desktop
//! with the invitation's code (`trust` holds the rules).

use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{self, NewEntry};
use super::keys::{self, Signer};
use super::trust::{self, InvitationCode, TrustState};
use crate::clock;
use crate::error::{Error, Result};
use crate::store::write::{ChangeAction, RecordKind, WriteTx};
use crate::Library;

/// Someone who signs or comments in this library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Person {
    pub id: String,
    /// Unique in the library: the handle of `--as` and of chain files.
    pub name: String,
    pub email: String,
    /// The publishing backend's user this person is (for sync).
    pub backend_user: Option<String>,
    pub created_at: String,
    /// One per desktop this person signs from, oldest first.
    pub keys: Vec<PersonKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonKey {
    /// Ed25519 public key, 64 hex digits.
    pub public_key: String,
    pub added_at: String,
}

/// A person just added, with the invitation code to hand them (none for a
/// founder, who is enrolled on this desktop already).
#[derive(Debug)]
pub struct Added {
    pub person: Person,
    pub code: Option<InvitationCode>,
}

/// What the window is told of a person just added: the code travels once, to
/// be shown once, and is never kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewPerson {
    pub person: Person,
    pub invitation_code: Option<String>,
}

impl From<Added> for NewPerson {
    fn from(added: Added) -> Self {
        NewPerson {
            person: added.person,
            invitation_code: added.code.map(|c| c.as_str().to_string()),
        }
    }
}

/// A fresh invitation for someone already in the library.
#[derive(Debug)]
pub struct Invited {
    pub person: Person,
    pub code: InvitationCode,
}

/// A person ready to sign here, and whether this desktop's key was just made.
#[derive(Debug)]
pub struct Chosen {
    pub signer: Signer,
    pub new_key: bool,
}

pub struct People<'l> {
    lib: &'l Library,
}

impl Library {
    pub fn people(&self) -> People<'_> {
        People { lib: self }
    }
}

impl People<'_> {
    pub(super) fn library(&self) -> &Library {
        self.lib
    }

    /// Adds a person. In a library with no people yet they are its founder:
    /// their key pair is made on this desktop (the secret half into this
    /// desktop's secret store), a `founder` entry signed with it goes into the
    /// audit trail, and they are chosen as "me" here. Otherwise the person
    /// acting (`as_person`, else "me") must be enrolled: the new person is
    /// recorded without a key, with an `invitation` entry signed by the
    /// inviter, and the one-time code they need to enrol is returned.
    pub fn add(
        &self,
        as_person: Option<&str>,
        name: &str,
        email: &str,
        backend_user: Option<&str>,
    ) -> Result<Added> {
        let name = check_name(name)?;
        let email = check_email(email)?;
        let backend_user = backend_user.map(str::trim).filter(|u| !u.is_empty());
        let nobody_yet = self.lib.read(|c| {
            Ok(
                c.query_row("SELECT NOT EXISTS (SELECT 1 FROM people)", [], |r| {
                    r.get::<_, bool>(0)
                })?,
            )
        })?;
        if nobody_yet {
            return self.found(&name, &email, backend_user);
        }
        let inviter = self.acting(as_person)?;
        let code = trust::new_code()?;
        let id = self.lib.change(|tx| {
            let uid = insert(tx, &name, &email, backend_user)?;
            invite_in(tx, &inviter, &read(tx, &uid)?, &code)?;
            Ok(uid)
        })?;
        Ok(Added {
            person: self.get(&id)?,
            code: Some(code),
        })
    }

    fn found(&self, name: &str, email: &str, backend_user: Option<&str>) -> Result<Added> {
        let key = keys::generate()?;
        let id = self.lib.change(|tx| {
            // Checked again inside the write: two first additions at once must
            // not make two founders.
            let empty: bool =
                tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM people)", [], |r| r.get(0))?;
            if !empty {
                return Err(Error::PersonExists {
                    name: name.to_string(),
                });
            }
            let uid = insert(tx, name, email, backend_user)?;
            let person = read(tx, &uid)?;
            // Kept before the commit: a key that could not be stored rolls the
            // person back rather than leaving a founder who cannot sign.
            keys::store(&self.lib.desktop().secrets, &uid, &key)?;
            let public = keys::hex(key.verifying_key().as_bytes());
            let payload = trust::FounderPayload {
                name: person.name.clone(),
                email: person.email.clone(),
                public_key: public.clone(),
            };
            add_key(tx, person, key, "founder", to_json(&payload)?)?;
            Ok(uid)
        })?;
        self.remember_me(&id)?;
        Ok(Added {
            person: self.get(&id)?,
            code: None,
        })
    }

    /// A fresh invitation code for `name_or_id` (a new desktop, a lost key, a
    /// lost code), vouched for by the person acting; it replaces any earlier
    /// unused code of theirs.
    pub fn invite(&self, as_person: Option<&str>, name_or_id: &str) -> Result<Invited> {
        let inviter = self.acting(as_person)?;
        let person = self.get(name_or_id)?;
        let code = trust::new_code()?;
        self.lib.change(|tx| {
            invite_in(tx, &inviter, &person, &code)?;
            tx.touched(
                RecordKind::Person,
                &person.id,
                ChangeAction::Updated,
                &person.id,
                None,
            );
            Ok(())
        })?;
        Ok(Invited { person, code })
    }

    /// Enrols `name_or_id` on this desktop with the code of their latest
    /// invitation: makes their key pair here and records an `enrolment` entry,
    /// signed by the new key, that reveals the code. Refused, with nothing
    /// recorded, when the code is wrong, used, replaced or for someone else.
    pub fn enrol(&self, name_or_id: &str, code: &str) -> Result<Chosen> {
        let person = self.get(name_or_id)?;
        let bad = |reason: &str| Error::BadInvitationCode {
            name: person.name.clone(),
            reason: reason.to_string(),
        };
        let normalised = trust::normalise(code).ok_or_else(|| {
            bad("it is not a code Valise gives (four groups of five letters and digits)")
        })?;
        let key = keys::generate()?;
        let uid = person.id.clone();
        self.lib.change(|tx| {
            let state = TrustState::of_library(tx)?;
            let Some(invitation) = state.latest_invitation(&uid).map(str::to_string) else {
                return Err(Error::NoInvitation {
                    name: person.name.clone(),
                });
            };
            if let Some(why) = state.invitation_problem(&uid, &invitation, &normalised) {
                let replaced = why.contains("does not match")
                    && state.matches_any_invitation(&uid, &normalised);
                return Err(bad(if replaced {
                    "a later invitation replaced the one this code came with"
                } else {
                    &why
                }));
            }
            keys::store(&self.lib.desktop().secrets, &uid, &key)?;
            let payload = trust::EnrolmentPayload {
                invitation,
                code: normalised.clone(),
                public_key: keys::hex(key.verifying_key().as_bytes()),
                name: person.name.clone(),
                email: person.email.clone(),
            };
            add_key(tx, person.clone(), key, "enrolment", to_json(&payload)?)?;
            tx.touched(RecordKind::Person, &uid, ChangeAction::Updated, &uid, None);
            Ok(())
        })?;
        Ok(Chosen {
            signer: self.signer(&uid)?,
            new_key: true,
        })
    }

    /// Everyone, by name.
    pub fn list(&self) -> Result<Vec<Person>> {
        self.lib.read(|c| {
            let uids: Vec<String> = c
                .prepare_cached("SELECT uid FROM people ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            uids.iter().map(|u| read(c, u)).collect()
        })
    }

    /// A person by name, global id or id prefix.
    pub fn get(&self, name_or_id: &str) -> Result<Person> {
        self.lib.read(|c| {
            let uid = find_row(c, name_or_id)?.ok_or_else(|| Error::PersonNotFound {
                name: name_or_id.to_string(),
            })?;
            read(c, &uid)
        })
    }

    /// `name_or_id` ready to sign, with the key this desktop holds for them.
    /// Refused when this desktop has none, or when the library does not hold
    /// its public half (a key from another library). The library holds only
    /// keys enrolled as `trust` says (founder, invitation, or from before
    /// invitations); `audit verify` proves it from the trail.
    pub fn signer(&self, name_or_id: &str) -> Result<Signer> {
        let person = self.get(name_or_id)?;
        let key = keys::load(&self.lib.desktop().secrets, &person.id)?;
        let Some(key) = key else {
            return Err(Error::NoKeyHere { name: person.name });
        };
        let public = keys::hex(key.verifying_key().as_bytes());
        if !person.keys.iter().any(|k| k.public_key == public) {
            return Err(Error::KeyNotInLibrary { name: person.name });
        }
        Ok(Signer::new(person, key))
    }
}

fn insert(tx: &WriteTx, name: &str, email: &str, backend_user: Option<&str>) -> Result<String> {
    if find_row(tx, name)?.is_some() {
        return Err(Error::PersonExists {
            name: name.to_string(),
        });
    }
    let uid = crate::ids::new_id();
    tx.prepare_cached(
        "INSERT INTO people (uid, name, email, backend_user, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![uid, name, email, backend_user, tx.now()])?;
    tx.touched(RecordKind::Person, &uid, ChangeAction::Created, &uid, None);
    Ok(uid)
}

/// Signs an `invitation` entry for `person` by `inviter`, keeping only the
/// code's salted hash.
fn invite_in(tx: &WriteTx, inviter: &Signer, person: &Person, code: &InvitationCode) -> Result<()> {
    let normalised = trust::normalise(code.as_str())
        .ok_or_else(|| Error::corrupt("a freshly made invitation code does not read back"))?;
    let payload = trust::InvitationPayload {
        person: person.id.clone(),
        name: person.name.clone(),
        email: person.email.clone(),
        code_hash: trust::code_hash(&person.id, &normalised),
    };
    audit::append(
        tx,
        inviter,
        NewEntry {
            post: None,
            step: None,
            kind: "invitation".into(),
            payload: to_json(&payload)?,
        },
    )?;
    Ok(())
}

fn to_json(value: &impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(value)
        .map_err(|e| Error::corrupt(format!("an audit entry could not be written: {e}")))
}

/// Records `key`'s public half for `person` and signs an entry of `kind` with it.
fn add_key(
    tx: &WriteTx,
    person: Person,
    key: SigningKey,
    kind: &str,
    payload: serde_json::Value,
) -> Result<()> {
    let public = keys::hex(key.verifying_key().as_bytes());
    tx.prepare_cached(
        "INSERT INTO person_keys (person_id, public_key, added_at) \
         SELECT id, ?2, ?3 FROM people WHERE uid = ?1",
    )?
    .execute(params![person.id, public, tx.now()])?;
    audit::append(
        tx,
        &Signer::new(person, key),
        NewEntry {
            post: None,
            step: None,
            kind: kind.to_string(),
            payload,
        },
    )?;
    Ok(())
}

/// The global id of the person named `name_or_id`, or whose id it is or begins.
fn find_row(c: &Connection, name_or_id: &str) -> Result<Option<String>> {
    let wanted = name_or_id.trim();
    if let Some(uid) = c
        .prepare_cached("SELECT uid FROM people WHERE name = ?1")?
        .query_row([wanted], |r| r.get(0))
        .optional()?
    {
        return Ok(Some(uid));
    }
    match crate::ids::resolve(c, "people", wanted, "", |_| Error::PersonNotFound {
        name: wanted.to_string(),
    }) {
        Ok(row) => Ok(Some(c.query_row(
            "SELECT uid FROM people WHERE id = ?1",
            [row],
            |r| r.get(0),
        )?)),
        Err(Error::PersonNotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) fn read(c: &Connection, uid: &str) -> Result<Person> {
    let (row, mut person) = c
        .prepare_cached(
            "SELECT id, uid, name, email, backend_user, created_at FROM people WHERE uid = ?1",
        )?
        .query_row([uid], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Person {
                    id: r.get(1)?,
                    name: r.get(2)?,
                    email: r.get(3)?,
                    backend_user: r.get(4)?,
                    created_at: clock::to_text(r.get(5)?),
                    keys: Vec::new(),
                },
            ))
        })
        .optional()?
        .ok_or_else(|| Error::PersonNotFound {
            name: uid.to_string(),
        })?;
    person.keys = c
        .prepare_cached(
            "SELECT public_key, added_at FROM person_keys WHERE person_id = ?1 \
             ORDER BY added_at, public_key",
        )?
        .query_map([row], |r| {
            Ok(PersonKey {
                public_key: r.get(0)?,
                added_at: clock::to_text(r.get(1)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(person)
}

/// A handle people type after `--as`: letters, digits, `-`, `_`, `.`.
fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(name.to_string())
    } else {
        Err(Error::BadPersonName {
            name: name.to_string(),
        })
    }
}

/// One `@` between a non-empty local part and a dotted domain, no spaces: enough
/// to catch a typo or a swapped argument without refusing real addresses.
fn check_email(email: &str) -> Result<String> {
    let email = email.trim();
    let bad = || Error::BadEmail {
        email: email.to_string(),
    };
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace);
    if ok {
        Ok(email.to_string())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_handles_without_spaces() {
        assert_eq!(check_name(" alice ").unwrap(), "alice");
        assert!(check_name("jean-marc.d_2").is_ok());
        assert!(check_name("Ève").is_ok());
        assert!(matches!(
            check_name("alice b"),
            Err(Error::BadPersonName { .. })
        ));
        assert!(check_name("").is_err());
        assert!(check_name("a;b").is_err());
    }

    #[test]
    fn e_mails_need_one_at_and_a_dotted_domain() {
        assert!(check_email("alice@diplomatie.example").is_ok());
        for bad in [
            "alice",
            "alice@",
            "@x.org",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "a@.org",
        ] {
            assert!(
                matches!(check_email(bad), Err(Error::BadEmail { .. })),
                "{bad}"
            );
        }
    }
}
