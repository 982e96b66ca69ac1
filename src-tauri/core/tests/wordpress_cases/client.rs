//! The client against the real site: posts, the feed, records, the audit
//! trail, the publishing gate, and a library version sent and read back.

use crate::*;

// --- posts -------------------------------------------------------------------

pub(crate) async fn a_retried_create_finds_the_post_it_made(site: &Site) {
    let wp = editor(site);
    let v = version("Une visite");
    let first = wp.create_post(&v).await.unwrap();
    assert!(!first.existing);
    assert_eq!(first.post.version, v);
    assert_eq!(first.post.rev, 1);
    let again = wp.create_post(&v).await.unwrap();
    assert!(again.existing, "the second create must find the first post");
    assert_eq!(again.post.id, first.post.id);
    assert_eq!(wp.find_version(&v.version_uid).await.unwrap().len(), 1);
}

pub(crate) async fn an_update_needs_the_rev_it_was_made_from(site: &Site) {
    let wp = editor(site);
    let mut v = version("Un accord");
    let made = wp.create_post(&v).await.unwrap().post;
    v.text.body = "Le texte de l'accord, revu.".into();
    let updated = wp.update_post(made.id, made.rev, &v).await.unwrap();
    assert!(!updated.already_there);
    assert_eq!(updated.post.rev, made.rev + 1);
    assert_eq!(updated.post.version.text.body, v.text.body);

    // Made from the old rev, with another text: refused, nothing changed.
    let mut other = v.clone();
    other.text.body = "Une autre version.".into();
    let err = expect_err(
        wp.update_post(made.id, made.rev, &other).await,
        "backend_stale",
    );
    match &err {
        Error::BackendStale {
            current, record, ..
        } => {
            assert_eq!(current, &updated.post.rev.to_string());
            assert!(record.contains(&v.post_uid), "{record}");
        }
        e => panic!("{e}"),
    }
    let there = wp.get_post(made.id).await.unwrap().unwrap();
    assert_eq!(there.version.text.body, v.text.body);
    assert_eq!(there.rev, updated.post.rev);
}

pub(crate) async fn the_feed_pages_through_changes_and_tombstones(site: &Site) {
    let wp = editor(site);
    let (_, start) = wp.all_changes(0).await.unwrap();
    let a = wp.create_post(&version("A")).await.unwrap().post;
    let b = wp.create_post(&version("B")).await.unwrap().post;
    let vc = version("C");
    let c = wp.create_post(&vc).await.unwrap().post;
    wp.trash_post(b.id, Some(b.rev)).await.unwrap();
    wp.trash_post(b.id, None).await.unwrap(); // already in the trash: done
    wp.delete_post(c.id, Some(c.rev)).await.unwrap();
    wp.delete_post(c.id, None).await.unwrap(); // already gone: done
    let err = expect_err(wp.update_post(c.id, c.rev, &vc).await, "backend_gone");
    assert!(err.to_string().contains(&vc.post_uid), "{err}");

    // Two by two, each page after the last.
    let mut after = start;
    let mut seen = Vec::new();
    loop {
        let page = wp.changes(after, 2).await.unwrap();
        assert!(page.changes.len() <= 2);
        seen.extend(page.changes);
        after = page.last;
        if !page.more {
            break;
        }
    }
    let posts: Vec<u64> = seen
        .iter()
        .filter_map(|c| match c {
            Change::Post { id, status, .. } if status != "trash" => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(posts, [a.id, b.id, c.id]);
    let tombstones: Vec<(u64, String)> = seen
        .iter()
        .filter_map(|c| match c {
            Change::Tombstone { id, how, .. } => Some((*id, how.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        tombstones,
        [(b.id, "trash".to_string()), (c.id, "delete".to_string())]
    );
    assert!(wp.get_post(c.id).await.unwrap().is_none());
    // Read together, in the order asked; the deleted one left out.
    let many = wp.get_posts(&[b.id, c.id, a.id]).await.unwrap();
    assert_eq!(many.iter().map(|p| p.id).collect::<Vec<_>>(), [b.id, a.id]);
    assert_eq!(many[0].version.status, SiteStatus::Trash);
    assert_eq!(
        wp.get_post(b.id).await.unwrap().unwrap().version.status,
        SiteStatus::Trash
    );
    // Nothing new after the last cursor.
    assert!(wp.changes(after, 10).await.unwrap().changes.is_empty());
}

// --- records and audit ------------------------------------------------------

pub(crate) async fn records_are_written_from_the_rev_read(site: &Site) {
    // A kind of its own: the desks' syncs in this file read people and chains.
    let wp = editor(site);
    let id = format!("note-{}", std::process::id());
    assert!(wp.record("desk_note", &id).await.unwrap().is_none());
    let body = json!({"text": "première"});
    let made = wp.put_record("desk_note", &id, 0, &body).await.unwrap();
    assert_eq!(made.rev, 1);
    let err = expect_err(
        wp.put_record("desk_note", &id, 0, &json!({"text": "autre"}))
            .await,
        "backend_stale",
    );
    assert!(err.to_string().contains("version 1"), "{err}");
    let newer = json!({"text": "seconde", "keys": ["k"]});
    assert_eq!(
        wp.put_record("desk_note", &id, 1, &newer)
            .await
            .unwrap()
            .rev,
        2
    );
    let read = wp.record("desk_note", &id).await.unwrap().unwrap();
    assert_eq!((read.rev, read.body), (2, newer));
    assert!(wp
        .records("desk_note")
        .await
        .unwrap()
        .iter()
        .any(|r| r.id == id));
}

pub(crate) async fn a_validator_may_not_change_the_chain_and_is_told_why(site: &Site) {
    let wp = client_as(&site.url, site, "validator1", Timeouts::default());
    let err = expect_err(
        wp.put_record("chain", "current", 0, &json!({"steps": []}))
            .await,
        "backend_not_allowed",
    );
    assert!(
        err.to_string().contains("Only people who may publish"),
        "{err}"
    );
    assert!(editor(site)
        .record("chain", "current")
        .await
        .unwrap()
        .is_none());
}

pub(crate) async fn audit_entries_are_appended_once(site: &Site) {
    let d = desk();
    let ed = d.lib.people().signer("ed").unwrap();
    d.lib
        .signoff()
        .submit(&ed, &d.post, None, "à relire")
        .unwrap();
    let entries: Vec<AuditRecord> = d
        .lib
        .audit()
        .log(None)
        .unwrap()
        .into_iter()
        .map(|entry| AuditRecord {
            entry,
            signed_text: Some("le texte signé".into()),
        })
        .collect();
    assert!(entries.len() >= 2, "the chain and the submit are signed");
    let wp = editor(site);
    let before = wp.audit(0, 1000).await.unwrap().last;
    let first = wp.add_audit(&entries).await.unwrap();
    assert_eq!(first.new.len(), entries.len());
    let again = wp.add_audit(&entries).await.unwrap();
    assert!(again.new.is_empty());
    assert_eq!(again.known.len(), entries.len());
    let page = wp.audit(before, 1000).await.unwrap();
    let back: Vec<_> = page
        .entries
        .into_iter()
        .map(|e| (e.entry, e.signed_text))
        .collect();
    let sent: Vec<_> = entries
        .iter()
        .map(|a| (a.entry.clone(), a.signed_text.clone()))
        .collect();
    assert_eq!(back, sent, "read back as sent, signed text included");

    // One entry whose hash does not match its fields: the batch is refused.
    let mut forged = entries[0].clone();
    forged.entry.id = "forged".into();
    let err = wp.add_audit(&[forged]).await.unwrap_err();
    assert_eq!(err.code(), "backend_refused", "{err}");
    assert!(err.to_string().contains("valise_bad_audit"), "{err}");
}

pub(crate) async fn publishing_is_refused_by_the_sites_preflight(site: &Site) {
    let wp = editor(site);
    let v = version("Pas encore signé");
    let made = wp.create_post(&v).await.unwrap().post;
    let preflight = wp.preflight(&v.post_uid).await.unwrap();
    assert!(!preflight.ready);
    assert!(!preflight.failed.is_empty());
    let err = expect_err(
        wp.set_status(made.id, made.rev, SiteStatus::Published { at_ms: None })
            .await,
        "publish_refused",
    );
    let Error::PublishRefused { reasons, post, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(
        reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        preflight
            .failed
            .iter()
            .map(|r| r.code.as_str())
            .collect::<Vec<_>>()
    );
    assert!(post.contains(&made.id.to_string()), "{post}");
    // Also when the update carries the text: judged, refused, nothing changed.
    let mut publish = v.clone();
    publish.status = SiteStatus::Scheduled {
        at_ms: 1_900_000_000_000,
    };
    publish.text.body = "Changé.".into();
    expect_err(
        wp.update_post_with_status(made.id, made.rev, &publish)
            .await,
        "publish_refused",
    );
    let there = wp.get_post(made.id).await.unwrap().unwrap();
    assert_eq!(there.version.status, SiteStatus::Draft);
    assert_eq!(there.rev, made.rev);
    assert_eq!(there.version.text.body, v.text.body);
}

pub(crate) async fn a_library_version_reaches_the_site_rendered_and_comes_back(site: &Site) {
    let d = desk();
    let source = SiteVersion::from_library(&d.lib, &d.post, None).unwrap();
    let english = SiteVersion::from_library(&d.lib, &d.post, Some("en")).unwrap();
    assert_eq!(source.units, []);
    // The title and the first paragraph are translated, the second is not.
    let states: Vec<BlockState> = english.units.iter().map(|u| u.state).collect();
    assert_eq!(
        states,
        [
            BlockState::Current,
            BlockState::Current,
            BlockState::Missing
        ],
        "{:?}",
        english.units
    );
    assert_eq!(english.unit_texts.len(), 2, "{:?}", english.unit_texts);
    assert_eq!(source.block_ids.len(), 2);
    assert_eq!(english.post_uid, source.post_uid);
    assert_ne!(english.version_uid, source.version_uid);

    let wp = editor(site);
    let fr = wp.create_post(&source).await.unwrap().post;
    let en = wp.create_post(&english).await.unwrap().post;
    assert_eq!(fr.version, source);
    assert_eq!(en.version, english);
    let group = wp.find_group(&source.post_uid).await.unwrap();
    assert_eq!(group.len(), 2);

    // The published HTML is the core's render, with French typography.
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/wp-json/wp/v2/posts/{}?context=edit",
            site.url, fr.id
        ))
        .basic_auth("editor", Some(&site.user("editor").password))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let raw: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(
        raw["content"]["raw"].as_str().unwrap(),
        valise_core::render::document(&source.text.body, "fr")
    );
    assert!(
        raw["content"]["raw"].as_str().unwrap().contains('\u{202f}'),
        "French no-break spaces"
    );
    assert_eq!(raw["tags"].as_array().map(Vec::len), Some(1));
}
