//! A sync bigger than one chunk (500 records planned a commit) and one page
//! of the outbox: everything still goes, in rank order whatever the order
//! the backend sends it in, and nothing is left written down.

use super::memory::Memory;
use super::{snapshot, Desk};
use crate::sync::record::Record;
use crate::PostText;

fn rows(desk: &Desk, table: &str) -> i64 {
    desk.lib
        .read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?))
        .unwrap()
}

#[test]
fn a_sync_of_more_records_than_a_chunk_goes_through_in_rank_order() {
    let dir = tempfile::tempdir().unwrap();
    let a = Desk::open(dir.path(), "a");
    let b = Desk::open(dir.path(), "b");
    let site = Memory::new();
    let ids: Vec<String> = (0..520)
        .map(|n| a.new_post(&format!("Billet {n}"), "Un paragraphe."))
        .collect();
    a.lib
        .translations()
        .add(
            &ids[519],
            "en",
            PostText {
                title: "Post 519".into(),
                body: "A paragraph.".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let first = a.sync(&site).unwrap();
    assert_eq!(first.created_there, 521, "{first:?}");
    assert_eq!(
        rows(&a, "sync_outbox"),
        0,
        "two pages of the outbox, all sent"
    );
    assert!(a.sync(&site).unwrap().is_quiet());

    // A site holding the same records with the translation first in its
    // feed, the sources after it (more than a chunk of them).
    let reordered = Memory::new();
    let (translations, rest): (Vec<Record>, Vec<Record>) = site
        .live()
        .into_values()
        .partition(|r| matches!(r, Record::Version(v) if !v.is_source()));
    assert_eq!(translations.len(), 1);
    let records = translations.len() + rest.len();
    for record in translations.into_iter().chain(rest) {
        reordered.put_there(record);
    }
    let got = b.sync(&reordered).unwrap();
    assert!(
        got.held.is_empty(),
        "the translation waits for nothing: {got:?}"
    );
    assert_eq!(got.pulled as usize, records, "{got:?}");
    assert_eq!(snapshot(&a.lib), snapshot(&b.lib));
    assert_eq!(
        rows(&b, "sync_to_plan") + rows(&b, "sync_staging"),
        0,
        "an applied pull leaves nothing written down"
    );
    assert!(b.sync(&reordered).unwrap().is_quiet());
}
