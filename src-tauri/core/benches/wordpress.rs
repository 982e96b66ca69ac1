//! The WordPress figures of BENCHMARKS.md, against real private sites
//! (`tests/wordpress/start`). `cargo bench -p valise-core --bench wordpress
//! [-- push|big]`:
//!
//! - `push`: the first push of N posts through the sync engine and the
//!   adapter (posts/s), beside the fastest the same site accepts posts: plain
//!   REST creates from a minimal client, one after another, and `/batch/v1`
//!   (25 creates a call); the ratio to the faster; a no-op sync of those N;
//!   peak memory of another desktop's first sync pulling the N posts.
//!   VALISE_WP_POSTS=N, default 1000.
//! - `big`: a site holding M posts already in sync with a library (M =
//!   VALISE_WP_BIG, default 10000): the first sync, which finds every post
//!   agreed, its peak memory, then the no-op sync (median of 5), then another
//!   desktop's first sync pulling all M posts and its peak memory. The site is
//!   filled by `tests/wordpress/seed.php`, which sends each post's create body
//!   as the adapter writes it through WordPress's own REST dispatch in one PHP
//!   process (the same controller and plugin hooks, no HTTP round trip per
//!   post): pushing 10,000 posts through `sync` takes about 17 minutes here.
//!
//! Peak memory: the process's VmHWM after a sync, the high-water mark having
//! been reset to the current RSS just before it (`/proc/self/clear_refs`),
//! and what it is made of (`memory`: anonymous and file-backed pages, the Rust
//! heap, SQLite's allocations).

#[allow(dead_code)]
#[path = "../tests/wordpress_support/mod.rs"]
mod wordpress_support;

// What a sync's peak memory is made of.
#[path = "wordpress/memory.rs"]
mod memory;

#[global_allocator]
static HEAP: memory::Counting = memory::Counting;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use valise_core::backends::registry;
use valise_core::backends::wordpress::SiteVersion;
use valise_core::clock::ManualClock;
use valise_core::sync::SyncReport;
use valise_core::{Desktop, Library, NewPost, Origin};
use wordpress_support::Site;

fn main() {
    if let Some(why) = wordpress_support::missing_tools() {
        println!("wordpress figures skipped: {why}");
        return;
    }
    let sections: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |s: &str| sections.is_empty() || sections.iter().any(|a| a == s);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if wanted("push") {
        push(&runtime, env_count("VALISE_WP_POSTS", 1000));
    }
    if wanted("big") {
        big(&runtime, env_count("VALISE_WP_BIG", 10_000));
    }
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A library of its own in `dir` (created there if new).
fn library(dir: &std::path::Path, name: &str) -> Library {
    Library::open_with(
        dir.join(format!("{name}.sqlite3")),
        Origin::Cli,
        Arc::new(ManualClock::starting_at(1_795_000_000_000)),
    )
    .unwrap()
    .with_desktop(Desktop::in_dir(&dir.join(format!("{name}-desk"))))
}

fn fill(lib: &Library, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            lib.posts()
                .create(NewPost {
                    title: format!("Dépêche {i}"),
                    body: format!(
                        "La délégation {i} part lundi.\n\nElle rencontre ses homologues.\n\nElle rentre vendredi."
                    ),
                    tags: vec!["diplomatie".into()],
                    ..Default::default()
                })
                .unwrap()
                .id
        })
        .collect()
}

fn add_site(runtime: &tokio::runtime::Runtime, lib: &Library, site: &Site) {
    let password = site.user("editor").password.clone();
    runtime
        .block_on(registry::add_wordpress(
            lib,
            "site",
            &site.url,
            "editor",
            password.as_bytes(),
        ))
        .unwrap();
}

/// One sync, its time, and what its memory peaked at.
fn measured_sync(
    runtime: &tokio::runtime::Runtime,
    lib: &Library,
) -> (SyncReport, f64, memory::Peaks) {
    let probe = memory::Probe::start();
    let t = Instant::now();
    let report = runtime
        .block_on(registry::sync_with(lib, Some("site")))
        .unwrap()
        .remove(0);
    let secs = t.elapsed().as_secs_f64();
    (report, secs, probe.finish())
}

fn quiet_runs(runtime: &tokio::runtime::Runtime, lib: &Library, runs: usize) -> Vec<f64> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let r = runtime
            .block_on(registry::sync_with(lib, Some("site")))
            .unwrap()
            .remove(0);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(
            (r.created_there, r.updated_there, r.applied),
            (0, 0, 0),
            "a sync of a library in sync moves nothing: {r:?}"
        );
    }
    times.sort_by(f64::total_cmp);
    times
}

fn push(runtime: &tokio::runtime::Runtime, n: usize) {
    let site = Site::start(true);
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "editor");
    fill(&lib, n);
    add_site(runtime, &lib, &site);
    let password = site.user("editor").password.clone();

    let t = Instant::now();
    let first = runtime.block_on(registry::sync_with(&lib, None)).unwrap();
    let pushed = t.elapsed().as_secs_f64();
    assert_eq!(first[0].created_there as usize, n, "{first:?}");

    // The same number of posts from the smallest client: no Valise meta, no
    // feed, no read-back, nothing but the create.
    let client = reqwest::Client::builder().http1_only().build().unwrap();
    let t = Instant::now();
    runtime.block_on(async {
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

    // And through /batch/v1, 25 creates a call (WordPress's limit).
    let t = Instant::now();
    runtime.block_on(async {
        let ids: Vec<usize> = (0..n).collect();
        for chunk in ids.chunks(25) {
            let requests: Vec<serde_json::Value> = chunk
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "method": "POST",
                        "path": "/wp/v2/posts",
                        "body": {
                            "title": format!("Batch {i}"),
                            "content": format!("<p>La délégation {i} part lundi.</p>"),
                            "status": "draft"
                        }
                    })
                })
                .collect();
            let r = client
                .post(format!("{}/wp-json/batch/v1", site.url))
                .basic_auth("editor", Some(&password))
                .header("Content-Type", "application/json")
                .body(serde_json::json!({ "requests": requests }).to_string())
                .send()
                .await
                .unwrap();
            let status = r.status();
            let bytes = r.bytes().await.unwrap();
            let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert!(status.is_success(), "{status} {answer}");
            let made = answer["responses"]
                .as_array()
                .map_or(0, |a| a.iter().filter(|x| x["status"] == 201).count());
            assert_eq!(
                made,
                chunk.len(),
                "every create of the batch made a post: {answer}"
            );
        }
    });
    let batch = t.elapsed().as_secs_f64();

    let quiet = quiet_runs(runtime, &lib, 5);

    // Another desktop's first sync takes all N posts from the site.
    let other = library(dir.path(), "other");
    add_site(runtime, &other, &site);
    let (got, pulled_in, mem) = measured_sync(runtime, &other);
    assert_eq!(got.applied as usize, n, "{got:?}");

    let rate = |secs: f64| n as f64 / secs;
    let fastest = plain.min(batch);
    println!(
        "wordpress: first push of {n} posts through sync: {pushed:.1} s ({:.1} posts/s)",
        rate(pushed)
    );
    println!(
        "wordpress: {n} plain REST creates, minimal client: {plain:.1} s ({:.1} posts/s)",
        rate(plain)
    );
    println!(
        "wordpress: {n} creates through /batch/v1, 25 a call: {batch:.1} s ({:.1} posts/s)",
        rate(batch)
    );
    println!(
        "wordpress: ratio sync / fastest ({}): {:.2}",
        if plain <= batch {
            "plain REST"
        } else {
            "batch"
        },
        fastest / pushed
    );
    println!(
        "wordpress: sync with nothing to do ({n} posts in sync, 5 runs): {:.0} ms median, {:.0} ms max",
        quiet[2], quiet[4]
    );
    println!("wordpress: another desktop's first sync, pulling {n} posts: {pulled_in:.1} s, {mem}");
}

fn big(runtime: &tokio::runtime::Runtime, m: usize) {
    let site = Site::start(true);
    let dir = tempfile::tempdir().unwrap();
    let lib = library(dir.path(), "editor");
    let t = Instant::now();
    let ids = fill(&lib, m);
    let filled = t.elapsed().as_secs_f64();

    // Each post's create body, exactly as the adapter sends it.
    let t = Instant::now();
    let mut lines = Vec::with_capacity(m * 600);
    for id in &ids {
        let version = SiteVersion::from_library(&lib, id, None).unwrap();
        serde_json::to_writer(&mut lines, &version.to_wp()).unwrap();
        lines.push(b'\n');
    }
    let mut seed = Command::new("php")
        .arg(wordpress_support::repo().join("tests/wordpress/seed.php"))
        .arg(site.root())
        .arg(&site.url)
        .arg("editor")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    seed.stdin.take().unwrap().write_all(&lines).unwrap();
    let out = seed.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "seed.php failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seeded = t.elapsed().as_secs_f64();

    add_site(runtime, &lib, &site);
    let (first, first_secs, first_mem) = measured_sync(runtime, &lib);
    assert_eq!(
        (first.created_there, first.updated_there),
        (0, 0),
        "every seeded post is the library's own, agreed without sending: {first:?}"
    );
    assert_eq!(first.pulled as usize, m, "{first:?}");
    let quiet = quiet_runs(runtime, &lib, 5);

    let other = library(dir.path(), "other");
    add_site(runtime, &other, &site);
    let (got, pulled_in, other_mem) = measured_sync(runtime, &other);
    assert_eq!(got.applied as usize, m, "{got:?}");

    println!(
        "wordpress: {m} posts made in the library in {filled:.1} s; site seeded through seed.php in {seeded:.1} s ({})",
        String::from_utf8_lossy(&out.stdout).trim()
    );
    println!(
        "wordpress: first sync of the {m}-post library against the seeded site (all agreed, nothing sent): {first_secs:.1} s, {first_mem}"
    );
    println!(
        "wordpress: sync with nothing to do ({m} posts in sync, 5 runs): {:.0} ms median, {:.0} ms max",
        quiet[2], quiet[4]
    );
    println!(
        "wordpress: another desktop's first sync, pulling {m} posts: {pulled_in:.1} s, {other_mem}"
    );
}
