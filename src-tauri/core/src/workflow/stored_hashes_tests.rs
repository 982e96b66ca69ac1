//! The stored hashes equal the ones the text gives after every kind of
//! write, and the migration fills them for the posts already there.

use super::*;
use crate::assets::AddFile;
use crate::posts::conflicts::Resolution;
use crate::sync::tests::memory::Memory;
use crate::sync::tests::Desk;
use crate::{Library, PostText};

/// Every post's stored hashes are there and are those of its text now.
fn assert_kept(lib: &Library, after: &str) {
    lib.read(|c| {
        let rows: Vec<i64> = c
            .prepare("SELECT id FROM posts")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        assert!(!rows.is_empty(), "after {after}: no post to check");
        for row in rows {
            let versions = acts::versions(c, row)?;
            let (whole, mut by_lang) = computed(&versions);
            let mut stored = load(c, row)?;
            assert_eq!(
                stored.whole,
                Some(whole),
                "after {after}: post {row}'s whole hash"
            );
            by_lang.sort();
            stored.by_lang.sort();
            assert_eq!(
                stored.by_lang, by_lang,
                "after {after}: post {row}'s versions"
            );
        }
        Ok(())
    })
    .unwrap();
}

fn text(lib: &Library, id: &str, lang: &str) -> PostText {
    lib.posts().get(id, Some(lang)).unwrap().text
}

#[test]
fn stored_hashes_follow_every_kind_of_write() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, site) = (
        Desk::open(dir.path(), "a"),
        Desk::open(dir.path(), "b"),
        Memory::new(),
    );
    let id = a.new_post("Le sommet", "Premier paragraphe.\n\nDeuxième paragraphe.");
    assert_kept(&a.lib, "create");

    a.save_body(
        &id,
        "fr",
        "Premier paragraphe revu.\n\nDeuxième paragraphe.",
    );
    assert_kept(&a.lib, "an edit");
    let tagged = PostText {
        tags: vec!["océans".into(), "climat".into()],
        share_text: "À lire".into(),
        ..text(&a.lib, &id, "fr")
    };
    a.lib
        .posts()
        .save(crate::SaveRequest {
            id: id.clone(),
            lang: "fr".into(),
            text: tagged,
            kind: crate::RevisionKind::Edit,
            revision_name: None,
            base: None,
            minor: false,
        })
        .unwrap();
    assert_kept(&a.lib, "tags and share text");

    a.lib
        .translations()
        .add(
            &id,
            "en",
            PostText {
                title: "The summit".into(),
                body: "First paragraph.\n\nSecond paragraph.".into(),
                ..PostText::default()
            },
        )
        .unwrap();
    assert_kept(&a.lib, "a translation");

    a.lib.revisions().restore(&id, Some("fr"), 1).unwrap();
    assert_kept(&a.lib, "a revision restored");

    let demo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../demo");
    a.lib.transfer().import(&[demo]).unwrap();
    assert_kept(&a.lib, "a Markdown import");

    // Sync: what arrives on b, then a merge, then a conflict kept and resolved.
    a.sync(&site).unwrap();
    b.sync(&site).unwrap();
    assert_kept(&b.lib, "a sync's arrivals");
    a.save_body(
        &id,
        "fr",
        "Premier paragraphe, par A.\n\nDeuxième paragraphe.",
    );
    b.save_body(
        &id,
        "fr",
        "Premier paragraphe.\n\nDeuxième paragraphe, par B.",
    );
    a.sync(&site).unwrap();
    assert_eq!(b.sync(&site).unwrap().merged, 1);
    assert_kept(&b.lib, "a merge");
    a.sync(&site).unwrap();
    a.save_body(&id, "en", "Written by A.");
    b.save_body(&id, "en", "Written by B.");
    a.sync(&site).unwrap();
    assert_eq!(b.sync(&site).unwrap().conflicts, 1);
    assert_kept(&b.lib, "a conflict kept");
    let conflict = b.lib.conflicts().open().unwrap()[0].conflict.id.clone();
    b.lib
        .conflicts()
        .resolve(&conflict, Resolution::TakeOther)
        .unwrap();
    assert_kept(&b.lib, "a conflict resolved");

    // An asset a body shows: a new file of it changes the post's hash.
    let svg = |fill: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="{fill}"/></svg>"#
        )
    };
    let file = dir.path().join("carte.svg");
    std::fs::write(&file, svg("red")).unwrap();
    let add = |path: &std::path::Path| {
        a.lib
            .assets()
            .add(&AddFile {
                path: path.display().to_string(),
                ..AddFile::default()
            })
            .unwrap()
            .asset_id
    };
    let asset = add(&file);
    a.save_body(
        &id,
        "fr",
        &format!("Premier paragraphe.\n\n![](asset:{asset})\n"),
    );
    assert_kept(&a.lib, "an asset shown");
    let before = a.lib.read(|c| Ok(load(c, 1)?.whole)).unwrap();
    std::fs::write(&file, svg("blue")).unwrap();
    assert_eq!(add(&file), asset, "a new version of the same asset");
    assert_kept(&a.lib, "a new file of the asset");
    let after = a.lib.read(|c| Ok(load(c, 1)?.whole)).unwrap();
    assert_ne!(before, after, "the new file is part of the hash");

    a.lib.posts().delete(&id).unwrap();
    assert_kept(&a.lib, "a delete");
}

#[test]
fn the_upgrade_fills_the_hashes_of_the_posts_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.sqlite3");
    let lib = Library::open(&path).unwrap();
    let demo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../demo");
    lib.transfer().import(&[demo]).unwrap();
    drop(lib);
    // As a schema-10 library had them: no stored hashes at all.
    let c = Connection::open(&path).unwrap();
    c.execute_batch("DELETE FROM content_hashes").unwrap();
    upgrade_to_12(&c).unwrap();
    drop(c);
    assert_kept(&Library::open(&path).unwrap(), "the upgrade");
}
