//! Trust in signing keys: a signature proves something only if its key was made
//! by its owner on their own desktop and someone trusted vouched for it.
//!
//! How a key becomes trusted, each step a signed audit entry:
//! - `founder`: the first person of a library with no people; their key is
//!   made on that desktop and signs its own entry.
//! - `invitation`: an enrolled person vouches for someone (new, or on a new
//!   desktop) and gets a one-time code, shown once; the entry keeps only
//!   SHA-256 of the code salted with the invitee's global id. A later
//!   invitation for the same person replaces an unused earlier one.
//! - `enrolment`: on the invitee's desktop, a new key signs an entry that
//!   reveals the code. It is good when the code hashes to the invitation's
//!   hash, the invitation is the invitee's latest, unused, and was signed by a
//!   key trusted at the time.
//! - Libraries from before invitations: keys recorded by `person_added` /
//!   `key_added` entries up to the sequence number migration 0007 kept
//!   (`trust_epoch`) are trusted as "enrolled before invitations existed";
//!   those kinds after it are not.
//!
//! [`TrustState`] replays the trail in sequence order: enrolment uses it to
//! check a code before making a key, and `audit verify` to name every entry
//! signed by a key nobody properly vouched for.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::audit::AuditEntry;
use super::keys::hex;
use crate::error::{Error, Result};

/// A one-time invitation code: shown once to the inviter, typed once by the
/// invitee. Never stored; its `Debug` hides it.
pub struct InvitationCode(String);

impl InvitationCode {
    /// The code as people read and type it: four groups of five characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for InvitationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationCode(…)")
    }
}

/// Crockford's base 32: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 20 characters of 5 bits: 100 bits from the system's random source.
const CODE_CHARS: usize = 20;

/// A fresh code from the operating system's random source.
pub(crate) fn new_code() -> Result<InvitationCode> {
    let mut bytes = [0u8; CODE_CHARS];
    getrandom::fill(&mut bytes).map_err(|e| Error::SecretStore {
        service: "valise-invitation".into(),
        account: "-".into(),
        reason: format!("the system gave no random bytes for an invitation code: {e}"),
    })?;
    let mut code = String::with_capacity(CODE_CHARS + 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            code.push('-');
        }
        code.push(ALPHABET[(b & 31) as usize] as char);
    }
    zeroize::Zeroize::zeroize(&mut bytes);
    Ok(InvitationCode(code))
}

/// The code as hashed: upper case, without dashes or spaces, with the letters
/// people confuse read as the digits they look like. None: not a code.
pub(crate) fn normalise(code: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_CHARS);
    for c in code.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        out.push(c);
    }
    (out.len() == CODE_CHARS).then_some(out)
}

/// SHA-256 of a normalised code, salted with the invitee's global id: a hash in
/// one person's invitation says nothing about a code for another.
pub(crate) fn code_hash(person_uid: &str, normalised: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"valise-invitation/1\0");
    h.update(person_uid.as_bytes());
    h.update([0u8]);
    h.update(normalised.as_bytes());
    hex(&h.finalize())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FounderPayload {
    pub name: String,
    pub email: String,
    pub public_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct InvitationPayload {
    /// The invitee's global id.
    pub person: String,
    pub name: String,
    pub email: String,
    pub code_hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EnrolmentPayload {
    /// The invitation entry's id.
    pub invitation: String,
    /// The code, revealed once it is used up.
    pub code: String,
    pub public_key: String,
    pub name: String,
    pub email: String,
}

/// Old entries that recorded a key without anyone vouching for it.
#[derive(Debug, Clone, Deserialize)]
struct LegacyKeyPayload {
    public_key: String,
}

/// How a key came to be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Enrolled {
    Founder,
    Invitation,
    /// Recorded before invitations existed (migration 0007 kept it).
    BeforeInvitations,
}

/// A key trusted only because it predates invitations; `audit verify` lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GrandfatheredKey {
    #[ts(type = "number")]
    pub seq: i64,
    /// The person's global id.
    pub person: String,
    pub name: String,
    pub public_key: String,
}

#[derive(Debug)]
struct Invitation {
    person: String,
    code_hash: String,
    inviter: String,
    /// False when the inviter's key was not trusted when it signed.
    vouched: bool,
    used: bool,
}

/// The trust the trail establishes, entry by entry.
#[derive(Debug, Default)]
pub struct TrustState {
    legacy: Legacy,
    /// Public key → (person global id, how).
    keys: HashMap<String, (String, Enrolled)>,
    invitations: HashMap<String, Invitation>,
    /// Person global id → their latest invitation's entry id.
    latest: HashMap<String, String>,
    pub grandfathered: Vec<GrandfatheredKey>,
}

fn read<T: for<'de> Deserialize<'de>>(e: &AuditEntry) -> std::result::Result<T, String> {
    serde_json::from_str(&e.payload).map_err(|why| format!("its payload cannot be read ({why})"))
}

fn short(key: &str) -> &str {
    key.get(..16).unwrap_or(key)
}

impl TrustState {
    /// Before the first entry; `legacy` is the library's `trust_epoch`.
    pub fn new(legacy: Legacy) -> Self {
        TrustState {
            legacy,
            ..TrustState::default()
        }
    }

    /// The trail so far of a library, replayed.
    pub(crate) fn of_library(c: &Connection) -> Result<TrustState> {
        let mut state = TrustState::new(legacy(c)?);
        let entries = super::audit::entries(c, None)?;
        for i in causal_order(&entries) {
            // A bad entry is `audit verify`'s to name; here it just vouches for nothing.
            let _ = state.apply(&entries[i]);
        }
        Ok(state)
    }

    /// True when `key` is trusted as `person`'s.
    pub fn trusts(&self, person: &str, key: &str) -> bool {
        self.keys.get(key).is_some_and(|(p, _)| p == person)
    }

    /// Takes `e` into account; Err says why its key is not properly enrolled
    /// (the entry then vouches for nothing).
    pub fn apply(&mut self, e: &AuditEntry) -> std::result::Result<(), String> {
        match e.kind.as_str() {
            "person_added" | "key_added" => {
                let p: LegacyKeyPayload = read(e)?;
                if p.public_key != e.author_key {
                    return Err("it records a key other than the one that signed it".into());
                }
                if !self.legacy.covers(e) {
                    return Err(format!(
                        "it records key {} the way Valise did before invitations existed, after they existed: nobody vouched for it",
                        short(&e.author_key)
                    ));
                }
                self.grandfathered.push(GrandfatheredKey {
                    seq: e.seq,
                    person: e.author.clone(),
                    name: e.author_name.clone().unwrap_or_else(|| e.author.clone()),
                    public_key: e.author_key.clone(),
                });
                self.trust(e, Enrolled::BeforeInvitations);
                Ok(())
            }
            "founder" => {
                let p: FounderPayload = read(e)?;
                if p.public_key != e.author_key {
                    return Err("it records a key other than the one that signed it".into());
                }
                if !self.keys.is_empty() {
                    return Err(
                        "it claims to found the library, but people with keys were already there"
                            .into(),
                    );
                }
                self.trust(e, Enrolled::Founder);
                Ok(())
            }
            "enrolment" => self.enrol(e),
            "invitation" => {
                let p: InvitationPayload = read(e)?;
                let vouched = self.check_author(e);
                self.latest.insert(p.person.clone(), e.id.clone());
                self.invitations.insert(
                    e.id.clone(),
                    Invitation {
                        person: p.person,
                        code_hash: p.code_hash,
                        inviter: e.author_name.clone().unwrap_or_else(|| e.author.clone()),
                        vouched: vouched.is_ok(),
                        used: false,
                    },
                );
                vouched
            }
            _ => self.check_author(e),
        }
    }

    fn trust(&mut self, e: &AuditEntry, how: Enrolled) {
        self.keys
            .insert(e.author_key.clone(), (e.author.clone(), how));
    }

    fn check_author(&self, e: &AuditEntry) -> std::result::Result<(), String> {
        if self.trusts(&e.author, &e.author_key) {
            return Ok(());
        }
        Err(format!(
            "it is signed with key {}, which was never properly enrolled for {}: no founder, invitation or enrolment entry before it vouches for that key",
            short(&e.author_key),
            e.author_name.as_deref().unwrap_or(&e.author)
        ))
    }

    fn enrol(&mut self, e: &AuditEntry) -> std::result::Result<(), String> {
        let p: EnrolmentPayload = read(e)?;
        if p.public_key != e.author_key {
            return Err("it records a key other than the one that signed it".into());
        }
        let why = self.invitation_problem(&e.author, &p.invitation, &p.code);
        if let Some(why) = why {
            return Err(why);
        }
        if let Some(inv) = self.invitations.get_mut(&p.invitation) {
            inv.used = true;
        }
        self.trust(e, Enrolled::Invitation);
        Ok(())
    }

    /// Why `code` cannot enrol `person` through invitation `invitation` now
    /// (None: it can).
    pub(crate) fn invitation_problem(
        &self,
        person: &str,
        invitation: &str,
        code: &str,
    ) -> Option<String> {
        let Some(inv) = self.invitations.get(invitation) else {
            return Some(format!(
                "invitation {invitation} is not in the audit trail before it"
            ));
        };
        if inv.person != person {
            return Some("the invitation it names was for someone else".into());
        }
        let matches = normalise(code).is_some_and(|c| code_hash(person, &c) == inv.code_hash);
        if !matches {
            return Some("the code does not match the invitation".into());
        }
        if inv.used {
            return Some("the invitation code was already used".into());
        }
        if self.latest.get(person).map(String::as_str) != Some(invitation) {
            return Some("a later invitation replaced the one this code came with".into());
        }
        if !inv.vouched {
            return Some(format!(
                "the invitation was made by {}, whose key was never properly enrolled",
                inv.inviter
            ));
        }
        None
    }

    /// The id of `person`'s latest invitation, if any.
    pub(crate) fn latest_invitation(&self, person: &str) -> Option<&str> {
        self.latest.get(person).map(String::as_str)
    }

    /// True when `code` matches an invitation of `person`'s other than the
    /// latest (to say "replaced" rather than "wrong").
    pub(crate) fn matches_any_invitation(&self, person: &str, code: &str) -> bool {
        let Some(c) = normalise(code) else {
            return false;
        };
        let h = code_hash(person, &c);
        self.invitations
            .values()
            .any(|i| i.person == person && i.code_hash == h)
    }
}

/// The order trust is replayed in, over `entries` given in the trail's shared
/// order (time, chain, sequence number): that order, except that no entry
/// comes before the one before it in its own chain, nor an enrolment before the
/// invitation it names. Two desktops' clocks may disagree; what one desktop
/// had received when it signed may not. (A cycle can only be forged; its
/// entries come last, where replay finds them untrusted.)
pub(crate) fn causal_order(entries: &[AuditEntry]) -> Vec<usize> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let by_id: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let by_link: HashMap<(&str, i64), usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.chain.as_str(), e.seq), i))
        .collect();
    let mut waits = vec![0usize; entries.len()];
    let mut unblocks: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    for (i, e) in entries.iter().enumerate() {
        let mut after = |j: usize| {
            if j != i {
                waits[i] += 1;
                unblocks[j].push(i);
            }
        };
        if let Some(&j) = by_link.get(&(e.chain.as_str(), e.seq - 1)) {
            after(j);
        }
        if e.kind == "enrolment" {
            if let Ok(p) = serde_json::from_str::<EnrolmentPayload>(&e.payload) {
                if let Some(&j) = by_id.get(p.invitation.as_str()) {
                    after(j);
                }
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..entries.len())
        .filter(|&i| waits[i] == 0)
        .map(Reverse)
        .collect();
    let mut out = Vec::with_capacity(entries.len());
    let mut placed = vec![false; entries.len()];
    while let Some(Reverse(i)) = ready.pop() {
        out.push(i);
        placed[i] = true;
        for &k in &unblocks[i] {
            waits[k] -= 1;
            if waits[k] == 0 {
                ready.push(Reverse(k));
            }
        }
    }
    out.extend((0..entries.len()).filter(|&i| !placed[i]));
    out
}

/// Which entries predate invitations: those of the chain this library signed
/// when invitations arrived (migration 0008), up to the last one it held then.
/// Entries of other chains (other desktops, through sync) never are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Legacy {
    pub chain: String,
    pub until_seq: i64,
}

impl Legacy {
    pub fn covers(&self, e: &AuditEntry) -> bool {
        e.chain == self.chain && e.seq <= self.until_seq
    }
}

/// The library's `Legacy` (none when the table has no row).
pub(crate) fn legacy(c: &Connection) -> Result<Legacy> {
    use rusqlite::OptionalExtension;
    Ok(c.query_row(
        "SELECT legacy_chain, legacy_until_seq FROM trust_epoch WHERE id = 1",
        [],
        |r| {
            Ok(Legacy {
                chain: r.get(0)?,
                until_seq: r.get(1)?,
            })
        },
    )
    .optional()?
    .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_100_bits_in_four_groups_and_read_back_forgivingly() {
        let code = new_code().unwrap();
        let text = code.as_str().to_string();
        assert_eq!(text.len(), 23);
        assert_eq!(text.matches('-').count(), 3);
        let n = normalise(&text).unwrap();
        assert_eq!(n.len(), 20);
        assert_eq!(normalise(&text.to_lowercase().replace('-', " ")), Some(n));
        assert_eq!(
            normalise("OIL00-00000-00000-00000").as_deref(),
            Some("01100000000000000000")
        );
        assert!(normalise("0000-0000").is_none());
        assert!(normalise("00000-00000-00000-0000U").is_none());
        assert_ne!(new_code().unwrap().as_str(), text);
        assert!(!format!("{code:?}").contains(&text));
    }

    #[test]
    fn the_hash_is_salted_with_the_person() {
        let n = "0123456789ABCDEFGHJK";
        assert_ne!(code_hash("alice-id", n), code_hash("bob-id", n));
        assert_eq!(code_hash("alice-id", n), code_hash("alice-id", n));
        assert_eq!(code_hash("alice-id", n).len(), 64);
    }
}
