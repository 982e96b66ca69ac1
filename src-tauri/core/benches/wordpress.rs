//! The WordPress figures of BENCHMARKS.md, against a real private site
//! (`tests/wordpress/start`): the first push of N posts through the sync
//! engine and the adapter (posts/s), the fastest the same site accepts posts
//! from a minimal client (plain REST creates with a title and a body, one
//! after another), their ratio, and a no-op sync of those N posts.
//! `cargo bench -p valise-core --bench wordpress` (VALISE_WP_POSTS=N, default 200).

#[allow(dead_code)]
#[path = "../tests/wordpress_support/mod.rs"]
mod wordpress_support;

use std::sync::Arc;
use std::time::Instant;

use valise_core::backends::registry;
use valise_core::clock::ManualClock;
use valise_core::{Desktop, Library, NewPost, Origin};
use wordpress_support::Site;

fn main() {
    if let Some(why) = wordpress_support::missing_tools() {
        println!("wordpress figures skipped: {why}");
        return;
    }
    let n: usize = std::env::var("VALISE_WP_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let site = Site::start(true);
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_with(
        dir.path().join("library.sqlite3"),
        Origin::Cli,
        Arc::new(ManualClock::starting_at(1_795_000_000_000)),
    )
    .unwrap()
    .with_desktop(Desktop::in_dir(&dir.path().join("desk")));
    for i in 0..n {
        lib.posts()
            .create(NewPost {
                title: format!("Dépêche {i}"),
                body: format!(
                    "La délégation {i} part lundi.\n\nElle rencontre ses homologues.\n\nElle rentre vendredi."
                ),
                tags: vec!["diplomatie".into()],
                ..Default::default()
            })
            .unwrap();
    }
    let password = site.user("editor").password.clone();
    runtime
        .block_on(registry::add_wordpress(
            &lib,
            "site",
            &site.url,
            "editor",
            password.as_bytes(),
        ))
        .unwrap();

    let t = Instant::now();
    let first = runtime.block_on(registry::sync_with(&lib, None)).unwrap();
    let push = t.elapsed().as_secs_f64();
    assert_eq!(first[0].created_there as usize, n, "{first:?}");

    // The same number of posts from the smallest client: no Valise meta, no
    // feed, no read-back, nothing but the create.
    let t = Instant::now();
    runtime.block_on(async {
        let client = reqwest::Client::builder().http1_only().build().unwrap();
        for i in 0..n {
            let body = format!(
                r#"{{"title":"Plain {i}","content":"<p>La délégation {i} part lundi.</p>","status":"draft"}}"#
            );
            let r = client
                .post(format!("{}/wp-json/wp/v2/posts", site.url))
                .basic_auth("editor", Some(&password))
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.status());
        }
    });
    let plain = t.elapsed().as_secs_f64();

    let mut quiet = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        runtime.block_on(registry::sync_with(&lib, None)).unwrap();
        quiet.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    quiet.sort_by(f64::total_cmp);

    println!(
        "wordpress: first push of {n} posts through sync: {push:.1} s ({:.1} posts/s)",
        n as f64 / push
    );
    println!(
        "wordpress: {n} plain REST creates, minimal client: {plain:.1} s ({:.1} posts/s)",
        n as f64 / plain
    );
    println!(
        "wordpress: ratio sync/plain throughput: {:.2}",
        plain / push
    );
    println!(
        "wordpress: sync with nothing to do ({n} posts in sync, 5 runs): {:.0} ms median, {:.0} ms max",
        quiet[2], quiet[4]
    );
}
