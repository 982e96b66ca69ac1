//! The planner on random (local, base, remote) triples of one language
//! version: no paragraph typed on either side is lost, the same state on both
//! sides sends nothing, and planning again after the plan is carried out
//! finds nothing to do.

use proptest::prelude::*;

use crate::posts::PostText;
use crate::sync::plan::{plan, Base, Here, Local, Plan, Remote};
use crate::sync::record::{Record, RemoteRef, VersionRecord};

/// A text of three paragraphs, each one of a few variants, and a title.
fn version(title: u8, paragraphs: [u8; 3]) -> Record {
    let body = paragraphs
        .iter()
        .enumerate()
        .map(|(i, v)| format!("paragraphe{i}version{v}."))
        .collect::<Vec<_>>()
        .join("\n\n");
    Record::Version(Box::new(VersionRecord {
        id: "v".into(),
        post: "p".into(),
        lang: "fr".into(),
        source_lang: "fr".into(),
        text: PostText {
            title: format!("Titre {title}"),
            body,
            ..PostText::default()
        },
        block_ids: Vec::new(),
        units: Vec::new(),
        not_planned: Vec::new(),
        status: Default::default(),
    }))
}

fn a_version() -> impl Strategy<Value = Record> {
    (0u8..2, [0u8..3, 0u8..3, 0u8..3]).prop_map(|(t, p)| version(t, p))
}

fn a_local() -> impl Strategy<Value = Local> {
    prop_oneof![
        1 => Just(Local::Absent),
        1 => Just(Local::Deleted),
        5 => a_version().prop_map(Local::Live),
    ]
}

fn a_base() -> impl Strategy<Value = Option<Base>> {
    prop_oneof![
        1 => Just(None),
        1 => Just(Some(Base { body: None, remote: Some(at(1)) })),
        4 => a_version().prop_map(|r| Some(Base { body: Some(r), remote: Some(at(1)) })),
    ]
}

fn a_remote() -> impl Strategy<Value = Remote> {
    prop_oneof![
        2 => Just(Remote::Unchanged),
        1 => Just(Remote::Tombstone("r".into())),
        4 => a_version().prop_map(|r| Remote::Live(r, at(2))),
    ]
}

fn at(rev: u32) -> RemoteRef {
    RemoteRef {
        id: "r".into(),
        rev: rev.to_string(),
    }
}

fn paragraphs(r: &Record) -> Vec<String> {
    match r {
        Record::Version(v) => v.text.body.split("\n\n").map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn text_of(l: &Local) -> Option<&Record> {
    match l {
        Local::Live(r) => Some(r),
        _ => None,
    }
}

/// This library after the plan, and the text kept aside, if any.
fn carried_out(local: &Local, p: &Plan) -> (Local, Option<PostText>) {
    match &p.here {
        Here::Keep => (local.clone(), None),
        Here::Write(r) | Here::Merge(r) | Here::Clash { record: r, .. } => {
            (Local::Live(r.clone()), None)
        }
        Here::Delete => (Local::Deleted, None),
        Here::Conflict { record, kept } => (Local::Live(record.clone()), Some(kept.clone())),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn no_paragraph_typed_on_either_side_is_lost(
        local in a_local(), base in a_base(), remote in a_remote()
    ) {
        let p = plan(&local, base.as_ref(), &remote);
        let (after, kept) = carried_out(&local, &p);
        let base_paragraphs = base
            .as_ref()
            .and_then(|b| b.body.as_ref())
            .map(paragraphs)
            .unwrap_or_default();
        let mut kept_here = text_of(&after).map(paragraphs).unwrap_or_default();
        if let Some(k) = &kept {
            kept_here.extend(k.body.split("\n\n").map(str::to_string));
        }
        if let Local::Live(mine) = &local {
            for para in paragraphs(mine) {
                if !base_paragraphs.contains(&para) {
                    prop_assert!(kept_here.contains(&para), "{para} typed here was lost: {p:?}");
                }
            }
        }
        if let Remote::Live(theirs, _) = &remote {
            let now_here = text_of(&after).map(paragraphs).unwrap_or_default();
            for para in paragraphs(theirs) {
                if !base_paragraphs.contains(&para) {
                    prop_assert!(now_here.contains(&para), "{para} typed there was lost: {p:?}");
                }
            }
        }
    }

    #[test]
    fn the_same_record_on_both_sides_sends_nothing_and_keeps_no_conflict(
        r in a_version(), base in a_base()
    ) {
        let p = plan(&Local::Live(r.clone()), base.as_ref(), &Remote::Live(r.clone(), at(2)));
        prop_assert!(!p.send);
        prop_assert_eq!(p.here, Here::Keep);
        prop_assert_eq!(p.base.and_then(|b| b.body), Some(r));
    }

    #[test]
    fn planning_again_after_the_plan_finds_nothing_to_do(
        local in a_local(), base in a_base(), remote in a_remote()
    ) {
        let p = plan(&local, base.as_ref(), &remote);
        let (after, _) = carried_out(&local, &p);
        let mut new_base = p.base.clone().or(base.clone());
        if p.send {
            // The push succeeded: the backend holds what is here now.
            new_base = Some(Base { body: text_of(&after).cloned(), remote: Some(at(3)) });
        }
        let again = plan(&after, new_base.as_ref(), &Remote::Unchanged);
        prop_assert!(!again.send, "{p:?} then {again:?}");
        prop_assert_eq!(again.here, Here::Keep);
    }

    #[test]
    fn an_unchanged_side_takes_the_other_sides_change(
        base_record in a_version(), theirs in a_version()
    ) {
        let base = Base { body: Some(base_record.clone()), remote: Some(at(1)) };
        let p = plan(&Local::Live(base_record.clone()), Some(&base), &Remote::Live(theirs.clone(), at(2)));
        prop_assert!(!p.send);
        if theirs != base_record {
            prop_assert_eq!(p.here, Here::Write(theirs.clone()));
        }
        let mine = theirs;
        let p = plan(&Local::Live(mine.clone()), Some(&base), &Remote::Unchanged);
        prop_assert_eq!(p.send, mine != base_record);
        prop_assert_eq!(p.here, Here::Keep);
    }
}
