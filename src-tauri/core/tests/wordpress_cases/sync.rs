//! The sync engine through the real site: two desktops converge, and a
//! sync through faults makes nothing twice.

use crate::*;

// --- the sync engine through the site ------------------------------------------

pub(crate) async fn two_desks_converge_through_the_site_with_people_chain_and_signoffs(
    site: &Site,
) {
    let a = desk();
    let ed = a.lib.people().signer("ed").unwrap();
    a.lib
        .signoff()
        .submit(&ed, &a.post, None, "à relire")
        .unwrap();
    add_site(&a, site, &site.url, "editor").await;
    let first = registry::sync_with(&a.lib, Some("site")).await.unwrap();
    assert_eq!(first[0].created_there, 2 + 2 + 1, "{first:?}"); // versions, people, chain
    assert!(first[0].audit_sent >= 2, "{first:?}");
    settle(&a).await;

    // Another desktop, as a validator, receives everything.
    let b = empty_desk();
    add_site(&b, site, &site.url, "validator1").await;
    let got = registry::sync_with(&b.lib, None).await.unwrap();
    // Only entries of other tests' desks, whose signers never reached the
    // site, wait; nothing of this desk's.
    let a_chain = a.lib.audit().log(None).unwrap()[0].chain.clone();
    assert!(got[0].held.iter().all(|h| !h.contains(&a_chain)), "{got:?}");
    for lang in ["fr", "en"] {
        let here = a.lib.posts().get(&a.post, Some(lang)).unwrap();
        let there = b.lib.posts().get(&a.post, Some(lang)).unwrap();
        assert_eq!(here.text, there.text, "{lang}");
    }
    let names = |d: &Desk| {
        d.lib
            .people()
            .list()
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.name, p.keys.len()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
    assert_eq!(
        a.lib.workflow().chain().unwrap(),
        b.lib.workflow().chain().unwrap()
    );
    let ids = |d: &Desk| {
        d.lib
            .audit()
            .log(None)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
    assert!(b.lib.audit().verify().unwrap().intact);
    let english = b.lib.translations().status(&a.post).unwrap();
    let en = english.languages.iter().find(|l| l.lang == "en").unwrap();
    assert!(!en.blocks.is_empty());
    settle(&b).await;
}

pub(crate) async fn a_sync_through_faults_makes_nothing_twice_and_resumes(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let d = empty_desk();
    let mut posts = Vec::new();
    for i in 0..3 {
        posts.push(
            d.lib
                .posts()
                .create(NewPost {
                    title: format!("Dépêche {i}"),
                    body: format!("Paragraphe {i}.\n\nSuite {i}."),
                    ..Default::default()
                })
                .unwrap()
                .id,
        );
    }
    add_site(&d, site, &proxy.url, "editor").await;
    // Every kind of fault, on creates and pulls alike, several times.
    proxy.script(&[
        Fault::Pass,
        Fault::CutAfterActing(0),
        Fault::Pass,
        Fault::BadGateway,
        Fault::Pass,
        Fault::Pass,
        Fault::Drop,
        Fault::Pass,
        Fault::Pass,
        Fault::CutAfterActing(200),
        Fault::Garbage,
    ]);
    let mut failures = 0;
    loop {
        match registry::sync_with(&d.lib, None).await {
            Ok(_) => break,
            Err(e) => {
                failures += 1;
                assert!(
                    matches!(
                        e.code(),
                        "backend_unreachable" | "backend_server_error" | "backend_garbage"
                    ),
                    "{e}"
                );
                assert!(failures < 20, "the sync never got through: {e}");
            }
        }
    }
    assert!(failures > 0, "the faults were met");
    let wp = editor(site);
    for id in &posts {
        let there = wp.find_group(id).await.unwrap();
        assert_eq!(there.len(), 1, "one post on the site for {id}");
        let here = d.lib.posts().get(id, None).unwrap();
        assert_eq!(there[0].version.text.body, here.text.body);
    }
    settle(&d).await;
    let status = valise_core::sync::status(&d.lib).unwrap();
    assert_eq!(status.backends[0].waiting, 0);
}
