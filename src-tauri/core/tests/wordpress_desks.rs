//! Three desktops against a real WordPress with the Valise plugin
//! (`tests/wordpress/start`): an editor and two validators, each with their
//! own library file and their own site user, work offline at random (edit a
//! paragraph, add or edit a translation, delete a post, submit, approve, ask
//! for changes, as each may), then sync in random orders, round after round.
//! At the end all three hold the same posts, translations, people, chain,
//! audit entries and sign-off state as each other and as the site; every
//! audit trail verifies; no word typed anywhere is lost (it is in a text or
//! in a kept conflict); no post is on the site twice. The shared
//! infographic's scenarios are in `wordpress_desk_assets.rs`.
//!
//! Each scenario gets a site of its own (nothing left by another test to
//! pull), stopped even when it fails: this file runs its tests itself
//! (harness = false). `VALISE_SYNC_SEED=N` replays the random-seed test.

// Its fault proxy is not used here.
#[path = "wordpress_support/desks.rs"]
mod three_desks;
#[allow(dead_code)]
mod wordpress_support;

use std::collections::{BTreeMap, BTreeSet};

use three_desks::{Desks, Dice};
use valise_core::backends::wordpress::{Timeouts, WordPress};
use valise_core::secrets::Secret;
use valise_core::{ListQuery, NewPost, PostText, RevisionKind, SaveRequest};
use wordpress_support::Site;

/// Offline acts per scenario: with the fixed seed (5) there are edits of
/// sources and translations, a translation added, a delete, submits and an
/// approval; few enough that each scenario takes about a minute on a loaded
/// 2-core machine (each sync is a few real HTTP round trips).
const STEPS: usize = 36;

fn main() {
    three_desks::run_seeded(
        "wordpress desks tests",
        &[
            ("three_desks_converge_through_the_site_with_a_fixed_seed", 5),
            (
                "three_desks_converge_through_the_site_with_a_random_seed",
                three_desks::random_seed(),
            ),
        ],
        scenario,
    );
}

struct World<'s> {
    desks: Desks,
    site: &'s Site,
    posts: Vec<String>,
    /// Word typed → the post it was typed into.
    typed: BTreeMap<String, String>,
    deleted: BTreeSet<String>,
    acts: BTreeMap<String, u32>,
}

impl<'s> World<'s> {
    fn new(site: &'s Site) -> World<'s> {
        let desks = Desks::new(site);
        let editor = &desks.desks[0].lib;
        let posts: Vec<String> = (0..3)
            .map(|n| {
                editor
                    .posts()
                    .create(NewPost {
                        title: format!("Billet {n}"),
                        body: format!("Début {n}.\n\nMilieu {n}.\n\nFin {n}."),
                        ..Default::default()
                    })
                    .unwrap()
                    .id
            })
            .collect();
        desks.settle();
        World {
            desks,
            site,
            posts,
            typed: BTreeMap::new(),
            deleted: BTreeSet::new(),
            acts: BTreeMap::new(),
        }
    }

    fn count(&mut self, act: &str) {
        *self.acts.entry(act.to_string()).or_default() += 1;
    }

    fn act(&mut self, dice: &mut Dice, step: usize) {
        self.desks.clock.advance(1000);
        let d = dice.below(3);
        let post = self.posts[dice.below(self.posts.len())].clone();
        let word = format!("mot{step}x{d}");
        let lib = &self.desks.desks[d].lib;
        let me = self.desks.desks[d].name;
        match dice.below(12) {
            0..=3 => {
                let lang = if dice.below(3) == 0 { "en" } else { "fr" };
                let Ok(current) = lib.posts().get(&post, Some(lang)) else {
                    return;
                };
                if current.lang != lang {
                    return;
                }
                let mut paragraphs: Vec<String> = current
                    .text
                    .body
                    .split("\n\n")
                    .map(str::to_string)
                    .collect();
                let i = dice.below(paragraphs.len());
                paragraphs[i] = format!("{} {word}", paragraphs[i]);
                lib.posts()
                    .save(SaveRequest {
                        id: post.clone(),
                        lang: lang.into(),
                        text: PostText {
                            body: paragraphs.join("\n\n"),
                            ..current.text
                        },
                        kind: RevisionKind::Edit,
                        revision_name: None,
                        base: None,
                        minor: false,
                    })
                    .unwrap();
                self.typed.insert(word, post);
                self.count(if lang == "en" {
                    "edit a translation"
                } else {
                    "edit a paragraph"
                });
            }
            4 => {
                let Ok(source) = lib.posts().get(&post, None) else {
                    return;
                };
                let body = source
                    .text
                    .body
                    .split("\n\n")
                    .map(|p| format!("{p} (en) {word}"))
                    .collect::<Vec<_>>()
                    .join("\n\n");
                let added = lib.translations().add(
                    &post,
                    "en",
                    PostText {
                        title: format!("Post {word}"),
                        body,
                        ..PostText::default()
                    },
                );
                if added.is_ok() {
                    self.typed.insert(word, post);
                    self.count("add a translation");
                }
            }
            // Only the editor deletes: the validators' site role may not
            // delete others' posts (tests/wordpress/install.php).
            5 if d == 0 => {
                if lib.posts().delete(&post).is_ok() {
                    self.deleted.insert(post);
                    self.count("delete a post");
                }
            }
            6 | 7 | 9 => {
                let signer = lib.people().signer(me).unwrap();
                let signoff = lib.signoff();
                let step = if d == 0 { "head" } else { "proofreading" };
                // A refused act records nothing; any of these may be refused
                // (the post deleted here, not submitted, already approved…).
                match signoff.approve(&signer, &post, step, "", None, None) {
                    Ok(_) => self.count("approve"),
                    Err(e) => {
                        if signoff.submit(&signer, &post, None, "à relire").is_ok() {
                            self.count("submit");
                        } else {
                            self.count(&format!("approve refused: {}", e.code()));
                        }
                    }
                }
            }
            8 if d != 0 => {
                let signer = lib.people().signer(me).unwrap();
                if lib
                    .signoff()
                    .request_changes(&signer, &post, "proofreading", "à revoir", None)
                    .is_ok()
                {
                    self.count("request changes");
                }
            }
            _ => {
                self.desks.sync(d).unwrap();
                self.count("sync");
            }
        }
    }

    /// Titles and bodies of every language version of every post a desk
    /// holds, with each post's sign-off state.
    fn snapshot(&self, d: usize) -> BTreeMap<(String, String), (PostText, String)> {
        let lib = &self.desks.desks[d].lib;
        let mut out = BTreeMap::new();
        let list = lib
            .posts()
            .list(&ListQuery {
                limit: 10_000,
                ..ListQuery::default()
            })
            .unwrap();
        for summary in list {
            let status = lib.translations().status(&summary.id).unwrap();
            let signoff = lib
                .signoff()
                .status(&summary.id, None)
                .map(|s| format!("{:?} {:?}", s.signoff.state, s.signoff.steps))
                .unwrap_or_default();
            let source = lib.posts().get(&summary.id, None).unwrap();
            let mut langs: BTreeSet<String> =
                status.languages.into_iter().map(|l| l.lang).collect();
            langs.remove(&source.lang);
            out.insert(
                (summary.id.clone(), source.lang.clone()),
                (source.text, signoff.clone()),
            );
            for lang in langs {
                let Ok(post) = lib.posts().get(&summary.id, Some(&lang)) else {
                    continue;
                };
                if post.lang != lang {
                    continue;
                }
                out.insert(
                    (summary.id.clone(), post.lang),
                    (post.text, signoff.clone()),
                );
            }
        }
        out
    }

    fn check(&self) {
        let first = self.snapshot(0);
        assert!(!first.is_empty(), "the desks hold no post at all");
        let audit = |d: usize| -> Vec<String> {
            let mut ids: Vec<String> = self.desks.desks[d]
                .lib
                .audit()
                .log(None)
                .unwrap()
                .into_iter()
                .map(|e| e.id)
                .collect();
            ids.sort();
            ids
        };
        let people = |d: usize| {
            self.desks.desks[d]
                .lib
                .people()
                .list()
                .unwrap()
                .into_iter()
                .map(|p| (p.id, p.name, p.keys.len()))
                .collect::<Vec<_>>()
        };
        for d in 1..self.desks.desks.len() {
            let other = self.snapshot(d);
            let keys: BTreeSet<_> = first.keys().chain(other.keys()).collect();
            for key in keys {
                assert_eq!(
                    first.get(key),
                    other.get(key),
                    "{key:?} differs between {} and {}",
                    self.desks.desks[0].name,
                    self.desks.desks[d].name
                );
            }
            assert_eq!(audit(0), audit(d), "audit entries differ");
            assert_eq!(people(0), people(d), "people differ");
            assert_eq!(
                self.desks.desks[0].lib.workflow().chain().unwrap(),
                self.desks.desks[d].lib.workflow().chain().unwrap(),
                "chains differ"
            );
        }
        for desk in &self.desks.desks {
            let report = desk.lib.audit().verify().unwrap();
            assert!(report.intact, "{}: {:?}", desk.name, report.problems);
        }

        // The site holds each live version once, with the desks' text, and
        // nothing of a deleted post.
        let wp = WordPress::new(
            "check",
            &self.site.url,
            "editor",
            Secret::new(self.site.user("editor").password.clone().into_bytes()),
            Timeouts::default(),
        )
        .unwrap();
        let posts: BTreeSet<&String> = first.keys().map(|(p, _)| p).collect();
        for post in posts.iter().copied().chain(self.deleted.iter()) {
            let there = self.desks.runtime.block_on(wp.find_group(post)).unwrap();
            let mut langs = BTreeSet::new();
            for v in &there {
                assert!(
                    langs.insert(v.version.lang.clone()),
                    "post {post} has two {} versions on the site",
                    v.version.lang
                );
                let here = first.get(&(post.to_string(), v.version.lang.clone()));
                let here = here.unwrap_or_else(|| {
                    panic!("{post} {} is on the site, on no desk", v.version.lang)
                });
                assert_eq!(
                    here.0.body, v.version.text.body,
                    "{post} {}",
                    v.version.lang
                );
                assert_eq!(here.0.title, v.version.text.title);
            }
            let held = first.keys().filter(|(p, _)| p == post).count();
            assert_eq!(
                langs.len(),
                held,
                "{post}: site and desks hold other languages"
            );
        }

        // No word lost: each is in a text, or in a conflict kept somewhere.
        let mut everything = String::new();
        for desk in &self.desks.desks {
            for open in desk.lib.conflicts().open().unwrap() {
                everything.push_str(&open.conflict.other.body);
                everything.push_str(&open.conflict.current.body);
            }
        }
        for (text, _) in first.values() {
            everything.push_str(&text.body);
            everything.push_str(&text.title);
        }
        for (word, post) in &self.typed {
            if !self.deleted.contains(post) {
                assert!(
                    everything.contains(word.as_str()),
                    "{word}, typed into {post}, is lost"
                );
            }
        }
        // Settled: one more sync of every desktop sends and applies nothing.
        self.desks.assert_quiet();
    }
}

fn scenario(site: &Site, seed: u64) {
    let mut dice = Dice(seed.max(1));
    let mut world = World::new(site);
    // At least STEPS acts, and on until a signature and an edit are among
    // them (some seeds' first STEPS hold neither): the same seed still plays
    // the same acts, and every run covers what the test is for.
    let covered =
        |w: &World| w.acts.contains_key("approve") && w.acts.contains_key("edit a paragraph");
    let mut step = 0;
    while step < STEPS || !covered(&world) {
        assert!(
            step < STEPS * 6,
            "seed {seed}: {step} acts and still neither signed nor edited: {:?}",
            world.acts
        );
        world.act(&mut dice, step);
        step += 1;
    }
    world.desks.settle();
    world.check();
    println!("seed {seed}: {step} acts {:?}", world.acts);
}
