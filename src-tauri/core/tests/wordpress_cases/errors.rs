//! Errors in plain words: wrong password, unreachable server, no plugin, and
//! the fault proxy's drops, 502s, garbage, stalls and cut answers.

use crate::*;

// --- errors in plain words ---------------------------------------------------

pub(crate) async fn a_wrong_password_is_said_plainly_and_changes_nothing(site: &Site) {
    let d = desk();
    let before = d.lib.changes().latest().unwrap();
    let v = SiteVersion::from_library(&d.lib, &d.post, None).unwrap();
    let wp = WordPress::new(
        "desk",
        &site.url,
        "editor",
        Secret::new(b"wrong wrong wrong wrong".to_vec()),
        Timeouts::default(),
    )
    .unwrap();
    let err = expect_err(wp.create_post(&v).await, "backend_credentials");
    assert!(!err.to_string().contains("wrong wrong"), "{err}");
    expect_err(wp.changes(0, 10).await, "backend_credentials");
    assert!(editor(site)
        .find_version(&v.version_uid)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(d.lib.changes().latest().unwrap(), before);
}

pub(crate) async fn an_unreachable_server_is_said_plainly(_site: &Site) {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let wp = WordPress::new(
        "desk",
        &format!("http://127.0.0.1:{port}"),
        "editor",
        Secret::new(b"x".to_vec()),
        Timeouts::default(),
    )
    .unwrap();
    let err = expect_err(wp.changes(0, 10).await, "backend_unreachable");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
    let err = expect_err(wp.create_post(&version("x")).await, "backend_unreachable");
    assert!(err.to_string().contains("outbox"), "{err}");
}

pub(crate) async fn a_site_without_the_plugin_is_said_plainly(_site: &Site) {
    let plain = Site::start(false);
    let wp = client_as(&plain.url, &plain, "editor", Timeouts::default());
    let err = expect_err(wp.changes(0, 10).await, "not_a_valise_site");
    assert!(err.to_string().contains(&plain.url), "{err}");
    expect_err(wp.record("chain", "current").await, "not_a_valise_site");
}

// --- faults through the proxy -------------------------------------------------

pub(crate) async fn faults_dropped_502_and_garbage_are_said_plainly_and_make_nothing(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let wp = client_as(&proxy.url, site, "editor", Timeouts::default());
    let v = version("Par le proxy");
    proxy.script(&[Fault::Drop, Fault::BadGateway, Fault::Garbage]);
    expect_err(wp.create_post(&v).await, "backend_unreachable");
    let err = expect_err(wp.create_post(&v).await, "backend_server_error");
    assert!(err.to_string().contains("502"), "{err}");
    let err = expect_err(wp.create_post(&v).await, "backend_garbage");
    assert!(err.to_string().contains("/wp-json/wp/v2/posts"), "{err}");
    assert!(err.to_string().contains("Maintenance"), "{err}");
    assert!(editor(site)
        .find_version(&v.version_uid)
        .await
        .unwrap()
        .is_empty());
    // The proxy passes the next request on: it works.
    assert!(!wp.create_post(&v).await.unwrap().existing);
    assert_eq!(proxy.seen().len(), 4);
}

pub(crate) async fn a_stalled_answer_times_out(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        request: Duration::from_secs(1),
    };
    let wp = client_as(&proxy.url, site, "editor", timeouts);
    proxy.script(&[Fault::Stall(Duration::from_secs(5))]);
    let err = expect_err(wp.changes(0, 10).await, "backend_unreachable");
    assert!(err.to_string().contains("did not answer in time"), "{err}");
}

pub(crate) async fn a_create_whose_answer_is_cut_is_retried_into_one_post(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let wp = client_as(&proxy.url, site, "editor", Timeouts::default());
    for cut in [0, 300] {
        let v = version("Coupé");
        proxy.script(&[Fault::CutAfterActing(cut)]);
        let err = wp.create_post(&v).await.unwrap_err();
        assert!(
            matches!(err.code(), "backend_unreachable" | "backend_garbage"),
            "{err}"
        );
        // The site acted: the post is there.
        assert_eq!(
            editor(site)
                .find_version(&v.version_uid)
                .await
                .unwrap()
                .len(),
            1
        );
        let retried = wp.create_post(&v).await.unwrap();
        assert!(
            retried.existing,
            "the retry finds the post the cut request made"
        );
        assert_eq!(
            editor(site)
                .find_version(&v.version_uid)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

pub(crate) async fn an_update_whose_answer_is_cut_is_recognised_on_retry(site: &Site) {
    let proxy = FaultProxy::start(site.address()).await;
    let wp = client_as(&proxy.url, site, "editor", Timeouts::default());
    let mut v = version("Mise à jour coupée");
    let made = wp.create_post(&v).await.unwrap().post;
    v.text.body = "Le nouveau texte.".into();
    proxy.script(&[Fault::CutAfterActing(0)]);
    expect_err(
        wp.update_post(made.id, made.rev, &v).await,
        "backend_unreachable",
    );
    // The retry, from the old rev, is stale on the site, but the site holds
    // this very text: the update is taken as done.
    let retried = wp.update_post(made.id, made.rev, &v).await.unwrap();
    assert!(retried.already_there);
    assert_eq!(retried.post.rev, made.rev + 1);
    assert_eq!(retried.post.version.text.body, v.text.body);
    // A different text from the same old rev is still refused.
    let mut other = v.clone();
    other.text.body = "Encore autre chose.".into();
    expect_err(
        wp.update_post(made.id, made.rev, &other).await,
        "backend_stale",
    );
}
