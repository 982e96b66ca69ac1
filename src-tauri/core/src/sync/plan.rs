//! The planner: a pure function from one record's three states, here (local),
//! last agreed (base) and on the backend (remote), to what to do. No database,
//! no network: the property tests run it on random triples.
//!
//! The rules, for every record:
//! - a change on one side only is taken by the other side;
//! - the same change on both sides is agreed, and nothing is sent;
//! - two changes of a language version's text are merged three-way
//!   (`merge_post_text`: body and summary paragraph by paragraph, one-line
//!   fields whole, tags as additions and removals); when they overlap, the
//!   backend's text becomes current here and this side's is kept whole as an
//!   open conflict (origin sync) for someone to choose: never a silent
//!   overwrite, and every desktop converges on the same current text;
//! - a delete never destroys an edit the deleter had not seen: deleted here
//!   and edited on the backend, the post comes back with the backend's text;
//!   edited here and deleted on the backend, it is sent again (and comes back
//!   there). Whoever still wants it gone deletes it again, having seen the edit;
//! - a person's fields and the chain, changed differently on both sides, take
//!   the backend's (the first to reach it); the chain change that lost is
//!   still in the audit trail as its `chain_changed` entry, and the report
//!   names it. A person's keys are a union: none is ever dropped;
//! - an asset's fields are merged one by one (`sync::assets::merge`): a
//!   field changed differently on both sides takes the site's value, and
//!   this side's is kept beside the asset as an open field conflict; its
//!   file versions are a union;
//! - a language version's publication status is this side's: it is decided
//!   here from signed audit entries (`sync::publish`), so the backend's is
//!   only recorded in the base, and a different one here is sent.

use super::assets::FieldClash;
use super::record::{
    ChainRecord, PersonRecord, PlanRecord, Record, RemoteRef, Status, VersionRecord,
};
use crate::posts::merge::{merge_post_text, PostMerge};
use crate::posts::PostText;

/// A record as this library holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Local {
    /// Never here (or a translation removed after a remote delete).
    Absent,
    /// Here as a tombstone (its post was deleted).
    Deleted,
    Live(Record),
}

/// The last state both sides agreed on; `body` `None` is an agreed tombstone.
#[derive(Debug, Clone, PartialEq)]
pub struct Base {
    pub body: Option<Record>,
    pub remote: Option<RemoteRef>,
}

/// What the backend said in this pull.
#[derive(Debug, Clone, PartialEq)]
pub enum Remote {
    /// Nothing pulled: as in the base.
    Unchanged,
    Live(Record, RemoteRef),
    Tombstone(String),
}

/// What to do to this library.
#[derive(Debug, Clone, PartialEq)]
pub enum Here {
    Keep,
    /// Write the backend's record here (creating or restoring it if needed).
    Write(Record),
    /// Write a combination of both sides here (a text written by no one as such).
    Merge(Record),
    /// Delete it here.
    Delete,
    /// Write the backend's record and keep this side's text beside it.
    Conflict {
        record: Record,
        kept: PostText,
    },
    /// Write `record` (an asset: the site's values where both sides changed
    /// a field) and keep this side's values of those fields beside it.
    Clash {
        record: Record,
        kept: Vec<FieldClash>,
    },
}

/// One record's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub here: Here,
    /// The new base (body, remote ref) when it moves.
    pub base: Option<Base>,
    /// Whether the record, as it is here after `here`, goes to the outbox.
    pub send: bool,
    /// Something the report tells people (a choice the rules made for them).
    pub note: Option<String>,
}

impl Plan {
    fn nothing() -> Self {
        Plan {
            here: Here::Keep,
            base: None,
            send: false,
            note: None,
        }
    }

    fn send() -> Self {
        Plan {
            send: true,
            ..Plan::nothing()
        }
    }

    fn agree(body: Option<Record>, remote: Option<RemoteRef>) -> Self {
        Plan {
            base: Some(Base { body, remote }),
            ..Plan::nothing()
        }
    }

    fn take(record: Record, at: RemoteRef) -> Self {
        Plan {
            here: Here::Write(record.clone()),
            base: Some(Base {
                body: Some(record),
                remote: Some(at),
            }),
            send: false,
            note: None,
        }
    }
}

/// The plan for one record.
///
/// A language version's publication status is decided here, never taken
/// from the backend (`sync::publish`): the text is planned without it; the
/// base holds the status the backend holds; and the record is sent whenever
/// this side's status is another.
pub fn plan(local: &Local, base: Option<&Base>, remote: &Remote) -> Plan {
    let text_local = match local {
        Local::Live(r) => Local::Live(textual(r)),
        other => other.clone(),
    };
    let text_base = base.map(|b| Base {
        body: b.body.as_ref().map(textual),
        remote: b.remote.clone(),
    });
    let text_remote = match remote {
        Remote::Live(r, at) => Remote::Live(textual(r), at.clone()),
        other => other.clone(),
    };
    let mut p = plan_text(&text_local, text_base.as_ref(), &text_remote);
    let base_status = base.and_then(|b| status_of(b.body.as_ref()));
    let site = match remote {
        Remote::Live(r, _) => status_of(Some(r)),
        _ => base_status,
    };
    if let Remote::Live(_, at) = remote {
        if p.base.is_none() && site != base_status {
            // Only the status moved there (its rev moves with it).
            p.base = base.map(|b| Base {
                body: b.body.clone(),
                remote: Some(at.clone()),
            });
        }
    }
    if let Some(Base {
        body: Some(Record::Version(v)),
        ..
    }) = p.base.as_mut()
    {
        v.status = site.unwrap_or_default();
    }
    let agreed = match &p.base {
        Some(b) => status_of(b.body.as_ref()),
        None => base_status,
    };
    if let (Local::Live(Record::Version(mine)), Some(agreed)) = (local, agreed) {
        if mine.status != agreed && p.here != Here::Delete {
            p.send = true;
        }
    }
    p
}

/// A record without its publication status.
/// Whether two records say the same text (their statuses aside).
pub(crate) fn same_text(a: &Record, b: &Record) -> bool {
    textual(a) == textual(b)
}

fn textual(r: &Record) -> Record {
    match r {
        Record::Version(v) if v.status != Status::default() => {
            let mut v = v.clone();
            v.status = Status::default();
            Record::Version(v)
        }
        other => other.clone(),
    }
}

fn status_of(r: Option<&Record>) -> Option<Status> {
    match r {
        Some(Record::Version(v)) => Some(v.status),
        _ => None,
    }
}

/// The plan for one record's text (everything but its status).
fn plan_text(local: &Local, base: Option<&Base>, remote: &Remote) -> Plan {
    let base_body = base.and_then(|b| b.body.as_ref());
    let here = match local {
        Local::Live(r) => Some(r),
        Local::Absent | Local::Deleted => None,
    };
    let local_changed = match base {
        // Never agreed: anything here is a change, an absence is not.
        None => here.is_some(),
        Some(_) => here != base_body,
    };
    match remote {
        Remote::Unchanged => {
            if !local_changed {
                Plan::nothing()
            } else if here.is_none() && base.is_none_or(|b| b.remote.is_none()) {
                // Deleted before the backend ever had it: nothing to tell.
                Plan::agree(None, None)
            } else {
                Plan::send()
            }
        }
        Remote::Tombstone(remote_id) => {
            let gone = Some(Base {
                body: None,
                remote: Some(RemoteRef {
                    id: remote_id.clone(),
                    rev: String::new(),
                }),
            });
            match here {
                None => Plan {
                    base: gone,
                    ..Plan::nothing()
                },
                // An edit here the deleter had not seen: it outlives the delete.
                Some(_) if local_changed && base_body.is_some() || base.is_none() => Plan {
                    base: gone,
                    send: true,
                    note: Some("deleted on the site but edited here: sent again".into()),
                    ..Plan::nothing()
                },
                Some(_) if local_changed => Plan {
                    // Agreed as deleted, then edited (or brought back) here.
                    base: gone,
                    send: true,
                    ..Plan::nothing()
                },
                Some(_) => Plan {
                    here: Here::Delete,
                    base: gone,
                    send: false,
                    note: None,
                },
            }
        }
        Remote::Live(theirs, at) => {
            let remote_changed = base.is_none() || Some(theirs) != base_body;
            match (here, local_changed, remote_changed) {
                (_, false, false) => {
                    // Only the version moved (our own echo, or a touch there).
                    if base.and_then(|b| b.remote.as_ref()) == Some(at) {
                        Plan::nothing()
                    } else {
                        Plan::agree(Some(theirs.clone()), Some(at.clone()))
                    }
                }
                (_, true, false) => Plan {
                    // The backend is as agreed; this side changed: send over it.
                    base: Some(Base {
                        body: base_body.cloned(),
                        remote: Some(at.clone()),
                    }),
                    send: true,
                    ..Plan::nothing()
                },
                (Some(mine), _, true) if mine == theirs => {
                    Plan::agree(Some(theirs.clone()), Some(at.clone()))
                }
                (None, true, true) if base.is_some() => Plan {
                    // Deleted here, edited there: the edit wins.
                    note: Some("deleted here but edited on the site: brought back".into()),
                    ..Plan::take(theirs.clone(), at.clone())
                },
                (None, _, true) => Plan::take(theirs.clone(), at.clone()),
                (Some(_), false, true) => Plan::take(theirs.clone(), at.clone()),
                (Some(mine), true, true) => both_changed(base_body, mine, theirs, at),
            }
        }
    }
}

/// Both sides changed a record that lives on both.
fn both_changed(base: Option<&Record>, mine: &Record, theirs: &Record, at: &RemoteRef) -> Plan {
    let (merged, note) = match (base, mine, theirs) {
        (b, Record::Version(m), Record::Version(t)) => {
            let b = match b {
                Some(Record::Version(b)) => Some(&**b),
                _ => None,
            };
            match merge_versions(b, m, t) {
                Some(v) => (Record::Version(Box::new(v)), None),
                None => {
                    return Plan {
                        here: Here::Conflict {
                            record: theirs.clone(),
                            kept: m.text.clone(),
                        },
                        note: Some(format!(
                            "{} ({}): both sides changed the same text; the site's is current, this desktop's is kept as a conflict",
                            m.text.title, m.lang
                        )),
                        ..Plan::take(theirs.clone(), at.clone())
                    }
                }
            }
        }
        (b, Record::Person(m), Record::Person(t)) => {
            let b = match b {
                Some(Record::Person(b)) => Some(b),
                _ => None,
            };
            merge_people(b, m, t)
        }
        (b, Record::Chain(m), Record::Chain(t)) => {
            let b = match b {
                Some(Record::Chain(b)) => Some(b),
                _ => None,
            };
            merge_chains(b, m, t)
        }
        (b, Record::Asset(m), Record::Asset(t)) => {
            let b = match b {
                Some(Record::Asset(b)) => Some(&**b),
                _ => None,
            };
            let (merged, kept) = super::assets::merge(b, m, t);
            let merged = Record::Asset(Box::new(merged));
            if kept.is_empty() {
                (merged, None)
            } else {
                let note = kept
                    .iter()
                    .map(|k| k.describe(&t.name))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Plan {
                    send: merged != *theirs,
                    here: Here::Clash {
                        record: merged,
                        kept,
                    },
                    base: Some(Base {
                        body: Some(theirs.clone()),
                        remote: Some(at.clone()),
                    }),
                    note: Some(note),
                };
            }
        }
        // Two kinds under one key cannot happen with global ids: take theirs.
        _ => return Plan::take(theirs.clone(), at.clone()),
    };
    if merged == *theirs {
        return Plan {
            note,
            ..Plan::take(theirs.clone(), at.clone())
        };
    }
    let base = Some(Base {
        body: Some(theirs.clone()),
        remote: Some(at.clone()),
    });
    if merged == *mine {
        return Plan {
            base,
            send: true,
            note,
            ..Plan::nothing()
        };
    }
    Plan {
        here: Here::Merge(merged),
        base,
        send: true,
        note,
    }
}

/// One value changed on either side: the changed one; on both: theirs.
fn pick<'a, T: PartialEq>(base: Option<&'a T>, mine: &'a T, theirs: &'a T) -> &'a T {
    if Some(mine) == base {
        theirs
    } else if Some(theirs) == base || mine == theirs {
        mine
    } else {
        theirs
    }
}

/// Two versions of one language version, or `None` when their texts overlap.
fn merge_versions(
    base: Option<&VersionRecord>,
    mine: &VersionRecord,
    theirs: &VersionRecord,
) -> Option<VersionRecord> {
    let text = if mine.text == theirs.text {
        mine.text.clone()
    } else {
        match merge_post_text(&base?.text, &theirs.text, &mine.text) {
            PostMerge::Clean(text) => text,
            PostMerge::Conflict(_) => return None,
        }
    };
    let b = |f: fn(&VersionRecord) -> &_| base.map(f);
    // Block ids and units follow the text they were made with; a text written
    // by no one as such gets them again when it is written here.
    let (block_ids, units) = if text == theirs.text {
        let units = pick(b(|v| &v.units), &mine.units, &theirs.units);
        (theirs.block_ids.clone(), units.clone())
    } else if text == mine.text {
        let units = pick(b(|v| &v.units), &mine.units, &theirs.units);
        (mine.block_ids.clone(), units.clone())
    } else {
        (mine.block_ids.clone(), mine.units.clone())
    };
    Some(VersionRecord {
        text,
        block_ids,
        units,
        not_planned: merge_plans(
            base.map_or(&[][..], |v| &v.not_planned),
            &mine.not_planned,
            &theirs.not_planned,
        ),
        ..theirs.clone()
    })
}

/// Decisions not to translate, by language: each side's additions and
/// removals; a language decided on both sides keeps the site's decision.
fn merge_plans(base: &[PlanRecord], mine: &[PlanRecord], theirs: &[PlanRecord]) -> Vec<PlanRecord> {
    let had = |list: &[PlanRecord], lang: &str| list.iter().any(|p| p.lang == lang);
    let mut out: Vec<PlanRecord> = theirs
        .iter()
        .filter(|p| !had(base, &p.lang) || had(mine, &p.lang))
        .cloned()
        .collect();
    for p in mine {
        if !had(base, &p.lang) && !had(&out, &p.lang) {
            out.push(p.clone());
        }
    }
    out.sort_by(|a, b| a.lang.cmp(&b.lang));
    out
}

fn merge_people(
    base: Option<&PersonRecord>,
    mine: &PersonRecord,
    theirs: &PersonRecord,
) -> (Record, Option<String>) {
    let b = |f: fn(&PersonRecord) -> &String| base.map(f);
    let mut keys = mine.keys.clone();
    for k in &theirs.keys {
        if !keys.iter().any(|m| m.0 == k.0) {
            keys.push(k.clone());
        }
    }
    keys.sort();
    let merged = PersonRecord {
        id: theirs.id.clone(),
        name: pick(b(|p| &p.name), &mine.name, &theirs.name).clone(),
        email: pick(b(|p| &p.email), &mine.email, &theirs.email).clone(),
        backend_user: pick(
            base.map(|p| &p.backend_user),
            &mine.backend_user,
            &theirs.backend_user,
        )
        .clone(),
        created_at: theirs.created_at,
        keys,
    };
    let lost = (merged.name != mine.name && Some(&mine.name) != b(|p| &p.name))
        || (merged.email != mine.email && Some(&mine.email) != b(|p| &p.email));
    let note = lost.then(|| {
        format!(
            "{}: changed on both sides; the site's name and e-mail were kept",
            theirs.name
        )
    });
    (Record::Person(merged), note)
}

fn merge_chains(
    base: Option<&ChainRecord>,
    mine: &ChainRecord,
    theirs: &ChainRecord,
) -> (Record, Option<String>) {
    let chosen = pick(base, mine, theirs).clone();
    let note = (chosen != *mine).then(|| {
        "the sign-off chain was changed on both sides; the site's is in force, this desktop's is in the audit trail".to_string()
    });
    (Record::Chain(chosen), note)
}
