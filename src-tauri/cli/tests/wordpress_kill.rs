//! `valise sync` killed with SIGKILL at random points against a real WordPress
//! with the Valise plugin (`tests/wordpress/start`), between offline edits,
//! then run again until it converges: no post twice on the site (counted
//! through REST by translation group), no edit lost, the outbox emptied. The
//! seed is printed first; `VALISE_KILL_SEED=N` replays it. A site of its own,
//! stopped even when the test panics (harness = false).

mod common;
#[allow(dead_code)]
#[path = "../../core/tests/wordpress_support/mod.rs"]
mod wordpress_support;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use common::{stderr, Lib};
use wordpress_support::Site;

/// Posts made before the first sync (each with an English translation).
const POSTS: usize = 8;
/// Rounds of (offline edits, then syncs killed at random points).
const ROUNDS: usize = 4;
/// Killed syncs per round.
const KILLS: usize = 3;

fn main() {
    if let Some(why) = wordpress_support::missing_tools() {
        println!("wordpress kill tests skipped: {why}");
        println!("test result: ok. 0 passed; 0 failed; 1 ignored");
        return;
    }
    let seed = std::env::var("VALISE_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let name = "a_sync_killed_at_random_points_resumes_with_nothing_twice_and_nothing_lost";
    // Printed first: shown when the test fails.
    println!("{name}: seed {seed} (VALISE_KILL_SEED={seed} replays its choices)");
    let site = Site::start(true);
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| killed_syncs(&site, seed)));
    drop(site);
    match outcome {
        Ok(()) => {
            println!("test {name} ... ok");
            println!("test result: ok. 1 passed; 0 failed; 0 ignored");
        }
        Err(_) => {
            println!("test {name} ... FAILED (seed {seed})");
            println!("test result: FAILED. 0 passed; 1 failed; 0 ignored");
            std::process::exit(101);
        }
    }
}

/// A small deterministic generator (xorshift64*), so that a seed replays.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n
    }
}

/// A REST GET on the site as the editor.
fn rest_get(site: &Site, path: &str) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let url = format!("{}/wp-json{path}", site.url);
        let response = reqwest::Client::new()
            .get(&url)
            .basic_auth("editor", Some(&site.user("editor").password))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.bytes().await.unwrap();
        assert!(
            status.is_success(),
            "GET {url}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        serde_json::from_slice(&bytes).unwrap()
    })
}

/// `valise sync` started, then killed with SIGKILL after `after_ms` unless it
/// finished first. Answers whether it was killed.
/// Runs `valise sync` and kills it with SIGKILL after `after_ms`; answers
/// `None` when it was killed, or how long it took when it finished first.
fn sync_killed_after(lib: &Lib, after_ms: u64) -> Option<Duration> {
    let started = std::time::Instant::now();
    let mut child = lib
        .cmd(&["sync", "site", "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = started + Duration::from_millis(after_ms);
    while std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // Child::kill is SIGKILL on Unix: no destructor, no rollback hook runs.
    child.kill().unwrap();
    child.wait().unwrap();
    None
}

fn body(lib: &Lib, id: &str, lang: &str) -> String {
    lib.json(&["post", "show", id, "--lang", lang, "--json"])["body"]
        .as_str()
        .unwrap()
        .to_string()
}

fn killed_syncs(site: &Site, seed: u64) {
    let mut dice = Dice(seed.max(1));
    let lib = Lib::new();
    let mut posts = Vec::new();
    for n in 0..POSTS {
        let id = lib
            .with_stdin(
                &[
                    "post",
                    "new",
                    "--title",
                    &format!("Dépêche {n}"),
                    "--body-file",
                    "-",
                ],
                &format!("Début {n}.\n\nMilieu {n}.\n\nFin {n}.\n"),
            )
            .trim()
            .to_string();
        lib.with_stdin(
            &[
                "translation",
                "add",
                &id,
                "--lang",
                "en",
                "--title",
                &format!("Dispatch {n}"),
                "--body-file",
                "-",
            ],
            &format!("Start {n}.\n\nMiddle {n}.\n\nEnd {n}.\n"),
        );
        posts.push(id);
    }
    let password = &site.user("editor").password;
    let added = lib.add_site(&site.url, "editor", password);
    assert!(added.status.success(), "{}", stderr(&added));

    // Word typed → (post, language).
    let mut typed: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut killed = 0;
    // Until a sync is seen to finish: long enough for the first push.
    let mut whole_sync_ms: u64 = 2500;
    let mut waiting_after_kill = 0;
    for round in 0..ROUNDS {
        if round > 0 {
            for e in 0..3 {
                let id = &posts[dice.below(POSTS as u64) as usize];
                let lang = if dice.below(2) == 0 { "fr" } else { "en" };
                let word = format!("mot{round}x{e}");
                let mut paragraphs: Vec<String> = body(&lib, id, lang)
                    .trim_end()
                    .split("\n\n")
                    .map(str::to_string)
                    .collect();
                let i = dice.below(paragraphs.len() as u64) as usize;
                paragraphs[i] = format!("{} {word}", paragraphs[i]);
                lib.with_stdin(
                    &["post", "edit", id, "--lang", lang, "--body-file", "-"],
                    &(paragraphs.join("\n\n") + "\n"),
                );
                typed.insert(word, (id.clone(), lang.to_string()));
            }
        }
        for _ in 0..KILLS {
            // Somewhere inside a sync: a random point of the time the last
            // whole sync took (a fast machine finishes small syncs in a
            // fraction of a second; a fixed window would miss them all).
            let after = 20 + dice.below(whole_sync_ms.max(40));
            match sync_killed_after(&lib, after) {
                None => {
                    killed += 1;
                    let status = lib.json(&["sync", "status", "--json"]);
                    waiting_after_kill += status["backends"][0]["waiting"].as_u64().unwrap_or(0);
                }
                Some(took) => whole_sync_ms = took.as_millis() as u64,
            }
        }
    }
    assert!(
        killed > 0,
        "no sync was killed: the test would prove nothing"
    );
    println!("{killed} syncs killed; {waiting_after_kill} records found waiting after them");

    // Then run until converged: exit 0, and the run after sends nothing.
    let mut last = Value::Null;
    for attempt in 0.. {
        assert!(attempt < 6, "sync never converged: {last}");
        let out = lib.run(&["sync", "site", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        last = serde_json::from_slice(&out.stdout).unwrap();
        let r = &last["reports"][0];
        let sent = [
            "created_there",
            "updated_there",
            "deleted_there",
            "audit_sent",
        ]
        .iter()
        .map(|k| r[k].as_u64().unwrap())
        .sum::<u64>();
        if sent == 0 && attempt > 0 {
            break;
        }
    }
    let status = lib.json(&["sync", "status", "--json"]);
    assert_eq!(status["backends"][0]["waiting"], 0, "{status}");
    assert_eq!(status["backends"][0]["last_error"], Value::Null, "{status}");
    assert_eq!(status["conflicts"], 0, "{status}");

    for id in &posts {
        let there = rest_get(
            site,
            &format!("/wp/v2/posts?status=any&context=edit&per_page=100&valise_post_uid={id}"),
        );
        let there = there.as_array().unwrap();
        assert_eq!(
            there.len(),
            2,
            "{id}: one post per language on the site: {there:?}"
        );
        for lang in ["fr", "en"] {
            let on_site: Vec<&Value> = there
                .iter()
                .filter(|p| p["meta"]["valise_lang"] == lang)
                .collect();
            assert_eq!(on_site.len(), 1, "{id} {lang} is on the site once");
            let here = body(&lib, id, lang);
            assert_eq!(
                on_site[0]["meta"]["valise_markdown"],
                here.as_str(),
                "{id} {lang}"
            );
        }
    }
    for (word, (id, lang)) in &typed {
        assert!(
            body(&lib, id, lang).contains(word.as_str()),
            "{word}, typed into {id} ({lang}), is lost"
        );
    }
}
