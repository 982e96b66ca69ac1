//! Three desktops (an editor and two validators) and one backend: random
//! offline work (edit a paragraph, add a translation, delete a post, submit
//! or approve), syncs in random order, with or without faults; then every
//! desktop syncs until nothing moves. All must hold the same posts,
//! translations, people, chain and audit entries as each other and as the
//! backend, with the same sign-off state; every audit trail verifies; no word
//! typed on any desktop is lost (it is in the text or in a kept conflict);
//! and no post is on the backend twice.

use std::collections::{BTreeMap, BTreeSet};

use super::memory::Memory;
use super::{snapshot, Desk};
use crate::sync::record::Record;
use crate::PostText;

/// A small deterministic generator (xorshift64*), so that a seed replays.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

const PEOPLE: [&str; 3] = ["alice", "bob", "carol"];
const CHAIN: &str = "steps:
  - name: proofreading
    signers: [bob, carol]
  - name: head
    signers: [alice]
";

struct World {
    _dir: tempfile::TempDir,
    desks: Vec<Desk>,
    site: Memory,
    posts: Vec<String>,
    /// Word typed → the post it was typed into.
    typed: BTreeMap<String, String>,
    deleted: BTreeSet<String>,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let desks: Vec<Desk> = PEOPLE
            .iter()
            .map(|name| Desk::open(dir.path(), name))
            .collect();
        let site = Memory::new();
        for (desk, name) in desks.iter().zip(PEOPLE) {
            desk.lib
                .people()
                .add(name, &format!("{name}@example.org"), None)
                .unwrap();
            desk.lib.people().choose_me(name).unwrap();
            desk.sync(&site).unwrap();
        }
        let mut world = World {
            _dir: dir,
            desks,
            site,
            posts: Vec::new(),
            typed: BTreeMap::new(),
            deleted: BTreeSet::new(),
        };
        world.settle();
        let editor = &world.desks[0];
        editor
            .lib
            .workflow()
            .set_chain(&editor.lib.people().signer("alice").unwrap(), CHAIN)
            .unwrap();
        for n in 0..3 {
            let id = editor.new_post(
                &format!("Billet {n}"),
                &format!("Début {n}.\n\nMilieu {n}.\n\nFin {n}."),
            );
            world.posts.push(id);
        }
        world.settle();
        world
    }

    /// Every desktop syncs, round after round, until a whole round moves nothing.
    fn settle(&self) {
        for _ in 0..8 {
            let mut quiet = true;
            for desk in &self.desks {
                let report = desk.sync(&self.site).unwrap();
                quiet &= report.is_quiet();
            }
            if quiet {
                return;
            }
        }
        panic!("the desktops did not settle in 8 rounds");
    }

    fn act(&mut self, dice: &mut Dice, step: usize) {
        let d = dice.below(3);
        let desk = &self.desks[d];
        let post = self.posts[dice.below(self.posts.len())].clone();
        let word = format!("mot{step}x{d}");
        match dice.below(10) {
            0..=3 => {
                let lang = if dice.below(3) == 0 { "en" } else { "fr" };
                let Ok(current) = desk.lib.posts().get(&post, Some(lang)) else {
                    return;
                };
                let mut paragraphs: Vec<String> = current
                    .text
                    .body
                    .split("\n\n")
                    .map(str::to_string)
                    .collect();
                let i = dice.below(paragraphs.len());
                paragraphs[i] = format!("{} {word}", paragraphs[i]);
                desk.save_body(&post, lang, &paragraphs.join("\n\n"));
                self.typed.insert(word, post);
            }
            4 => {
                let Ok(source) = desk.lib.posts().get(&post, None) else {
                    return;
                };
                let body = source
                    .text
                    .body
                    .split("\n\n")
                    .map(|p| format!("{p} (en) {word}"))
                    .collect::<Vec<_>>()
                    .join("\n\n");
                let added = desk.lib.translations().add(
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
                }
            }
            5 => {
                if desk.lib.posts().delete(&post).is_ok() {
                    self.deleted.insert(post);
                }
            }
            6 | 7 => {
                let me = desk.lib.people().signer(PEOPLE[d]).unwrap();
                let signoff = desk.lib.signoff();
                let step = if d == 0 { "head" } else { "proofreading" };
                // A refused act records nothing; any of these may be refused
                // (the post deleted here, not submitted, already approved…).
                if signoff.approve(&me, &post, step, "", None, None).is_err()
                    && signoff.submit(&me, &post, None, "à relire").is_ok()
                {
                    let _ = signoff.approve(&me, &post, step, "", None, None);
                }
            }
            _ => {
                // Faults make some syncs fail; the outbox waits for the next.
                let _ = desk.sync(&self.site);
            }
        }
    }

    /// Prints what each desktop holds of the post of `key` (a failing check).
    fn explain(&self, key: &crate::sync::record::RecordKey) {
        let crate::sync::record::RecordKey::Version(uid) = key else {
            return;
        };
        let post = self.desks.iter().find_map(|d| {
            d.lib
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT p.uid FROM posts p JOIN language_versions v ON v.post_id = p.id \
                         WHERE v.uid = ?1",
                        [uid],
                        |r| r.get::<_, String>(0),
                    )?)
                })
                .ok()
        });
        let uid = post.unwrap_or_default();
        for (i, desk) in self.desks.iter().enumerate() {
            let rows: Vec<(String, Option<i64>, String, String)> = desk
                .lib
                .read(|c| {
                    let mut stmt = c.prepare(
                        "SELECT p.uid, p.deleted_at, v.lang, v.uid FROM posts p \
                         JOIN language_versions v ON v.post_id = p.id WHERE p.uid = ?1",
                    )?;
                    let rows = stmt
                        .query_map([&uid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                        .collect::<rusqlite::Result<_>>()?;
                    Ok(rows)
                })
                .unwrap();
            eprintln!("desk {i}: {rows:?}; conflicts {:?}", desk.conflicts());
        }
    }

    fn check(&self) {
        let first = snapshot(&self.desks[0].lib);
        for desk in &self.desks[1..] {
            let other = snapshot(&desk.lib);
            let keys: BTreeSet<_> = first.0.keys().chain(other.0.keys()).collect();
            for key in keys {
                if first.0.get(key) != other.0.get(key) {
                    self.explain(key);
                }
                assert_eq!(
                    first.0.get(key),
                    other.0.get(key),
                    "{key:?} differs between desktops"
                );
            }
            assert_eq!(first.1, other.1, "audit entries differ between desktops");
        }
        let there = self.site.live();
        assert_eq!(there, first.0, "the backend differs from the desktops");
        let mut versions = BTreeSet::new();
        for record in there.values() {
            if let Record::Version(v) = record {
                assert!(
                    versions.insert((v.post.clone(), v.lang.clone())),
                    "post {} has two {} versions on the backend",
                    v.post,
                    v.lang
                );
            }
        }
        assert_eq!(
            self.site.audit_ids().into_iter().collect::<BTreeSet<_>>(),
            first.1,
            "the backend's audit entries differ"
        );
        for desk in &self.desks {
            let report = desk.lib.audit().verify().unwrap();
            assert!(report.intact, "{:?}", report.problems);
        }
        for post in &self.posts {
            let states: Vec<_> = self
                .desks
                .iter()
                .map(|d| {
                    d.lib
                        .signoff()
                        .status(post, None)
                        .map(|s| (s.signoff.state, s.signoff.steps))
                        .ok()
                })
                .collect();
            assert!(
                states.windows(2).all(|w| w[0] == w[1]),
                "sign-off of {post} differs"
            );
        }
        let mut everything = String::new();
        for desk in &self.desks {
            for (_, _, kept) in desk.conflicts() {
                everything.push_str(&kept);
            }
        }
        for record in first.0.values() {
            if let Record::Version(v) = record {
                everything.push_str(&v.text.body);
                everything.push_str(&v.text.title);
            }
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
        for desk in &self.desks {
            assert!(desk.sync(&self.site).unwrap().is_quiet());
        }
    }
}

fn scenario(seed: u64, steps: usize, faults: bool) -> World {
    let mut dice = Dice(seed.max(1));
    let mut world = World::new();
    if faults {
        world.site.fail_randomly(seed, 6);
    }
    for step in 0..steps {
        world.act(&mut dice, step);
    }
    world.site.stop_failing();
    world.settle();
    world.check();
    world
}

#[test]
fn three_desktops_converge_with_fixed_seeds() {
    for seed in [1, 2, 3] {
        let world = scenario(seed, 60, false);
        let approvals = world.desks[0]
            .lib
            .audit()
            .log(None)
            .unwrap()
            .iter()
            .filter(|e| e.kind == "approve")
            .count();
        println!("seed {seed}: {approvals} approvals");
        assert!(
            approvals > 0,
            "seed {seed} signed nothing: the test would miss sign-off"
        );
    }
}

#[test]
fn three_desktops_converge_through_faults_and_retries_with_fixed_seeds() {
    for seed in [11, 12] {
        scenario(seed, 60, true);
    }
}

#[test]
fn three_desktops_converge_with_a_random_seed() {
    let seed = std::env::var("VALISE_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            u64::from_le_bytes(crate::ids::new_id().as_bytes()[..8].try_into().unwrap())
        });
    // Printed first: shown when the test fails; replay with VALISE_SYNC_SEED.
    println!("three desktops, random seed {seed} (VALISE_SYNC_SEED={seed} replays it)");
    scenario(seed, 60, seed.is_multiple_of(2));
}
