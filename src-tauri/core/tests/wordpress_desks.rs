//! Three desktops against a real WordPress with the Valise plugin
//! (`tests/wordpress/start`): an editor and two validators, each with their
//! own library file and their own site user, work offline at random (edit a
//! paragraph, add or edit a translation, delete a post, submit, approve, ask
//! for changes, write an alt text or caption of the shared infographic, as
//! each may), then sync in random orders, round after round. At the end all
//! three hold the same posts, translations, people, chain, audit entries,
//! sign-off state and asset texts as each other and as the site; every audit
//! trail verifies; no word typed anywhere is lost (it is in a text, in a kept
//! conflict or in an asset's kept field); no post is on the site twice.
//!
//! Each scenario gets a site of its own (nothing left by another test to
//! pull), stopped even when it fails: this file runs its tests itself
//! (harness = false). `VALISE_SYNC_SEED=N` replays the random-seed test.

// Its fault proxy is not used here.
#[allow(dead_code)]
mod wordpress_support;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use valise_core::backends::registry;
use valise_core::backends::wordpress::{Timeouts, WordPress};
use valise_core::clock::ManualClock;
use valise_core::secrets::Secret;
use valise_core::sync::SyncReport;
use valise_core::{
    Desktop, Library, ListQuery, NewPost, Origin, PostText, RevisionKind, SaveRequest,
};
use wordpress_support::Site;

/// Offline acts per scenario: with the fixed seed (5) there are edits of
/// sources and translations, a translation added, a delete, submits and an
/// approval; few enough that each scenario takes about a minute on a loaded
/// 2-core machine (each sync is a few real HTTP round trips).
const STEPS: usize = 36;

fn main() {
    if let Some(why) = wordpress_support::missing_tools() {
        println!("wordpress desks tests skipped: {why}");
        println!("test result: ok. 0 passed; 0 failed; 1 ignored");
        return;
    }
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let random = std::env::var("VALISE_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            u64::from_le_bytes(
                valise_core::ids::new_id().as_bytes()[..8]
                    .try_into()
                    .unwrap(),
            )
        });
    let tests: [(&str, u64); 2] = [
        ("three_desks_converge_through_the_site_with_a_fixed_seed", 5),
        (
            "three_desks_converge_through_the_site_with_a_random_seed",
            random,
        ),
    ];
    let (mut passed, mut failed) = (0, Vec::new());
    for (name, seed) in tests {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        // Printed first: shown when the test fails; replay with VALISE_SYNC_SEED.
        println!("{name}: seed {seed} (VALISE_SYNC_SEED={seed} replays it)");
        let site = Site::start(true);
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| scenario(&site, seed)));
        drop(site);
        match outcome {
            Ok(()) => {
                println!("test {name} ... ok");
                passed += 1;
            }
            Err(_) => {
                println!("test {name} ... FAILED (seed {seed})");
                failed.push(name);
            }
        }
    }
    let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
    println!(
        "test result: {verdict}. {passed} passed; {} failed; 0 ignored",
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(101);
    }
}

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

/// Who sits at each desk: their name in the library, their site login.
const PEOPLE: [(&str, &str); 3] = [
    ("alice", "editor"),
    ("bob", "validator1"),
    ("carol", "validator2"),
];
const CHAIN: &str = "steps:
  - name: proofreading
    signers: [bob, carol]
  - name: head
    signers: [alice]
";

struct Desk {
    lib: Library,
    name: &'static str,
}

struct World<'s> {
    _dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    site: &'s Site,
    /// One clock for the three desks, so that acts are ordered as they happened.
    clock: ManualClock,
    desks: Vec<Desk>,
    posts: Vec<String>,
    /// Word typed → the post it was typed into.
    typed: BTreeMap<String, String>,
    deleted: BTreeSet<String>,
    acts: BTreeMap<String, u32>,
    /// Words written into the infographic's alt texts and captions: where
    /// (desk, language, field) and when.
    typed_in_asset: BTreeMap<String, ((usize, String, String), usize)>,
    /// The last step each desk wrote each field of the infographic.
    asset_writes: BTreeMap<(usize, String, String), usize>,
    /// The infographic every desk writes alt texts and captions of.
    asset: String,
}

impl<'s> World<'s> {
    fn new(site: &'s Site) -> World<'s> {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::starting_at(1_795_000_000_000);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let desks: Vec<Desk> = PEOPLE
            .iter()
            .map(|(name, login)| {
                let lib = Library::open_with(
                    dir.path().join(format!("{name}.sqlite3")),
                    Origin::Window,
                    Arc::new(clock.clone()),
                )
                .unwrap()
                .with_desktop(Desktop::in_dir(&dir.path().join(format!("{name}-desk"))));
                runtime
                    .block_on(registry::add_wordpress(
                        &lib,
                        "site",
                        &site.url,
                        login,
                        site.user(login).password.as_bytes(),
                    ))
                    .unwrap();
                Desk { lib, name }
            })
            .collect();
        let mut world = World {
            _dir: dir,
            runtime,
            site,
            clock,
            desks,
            posts: Vec::new(),
            typed: BTreeMap::new(),
            deleted: BTreeSet::new(),
            acts: BTreeMap::new(),
            typed_in_asset: BTreeMap::new(),
            asset_writes: BTreeMap::new(),
            asset: String::new(),
        };
        // The editor founds the library and invites the validators, each
        // with their site login; they enrol on their own desktops with the
        // code, which sends their key as their own site user.
        let editor = &world.desks[0].lib;
        editor
            .people()
            .add(None, "alice", "alice@example.org", Some(PEOPLE[0].1))
            .unwrap();
        for (i, &(name, login)) in PEOPLE.iter().enumerate().skip(1) {
            let code = world.desks[0]
                .lib
                .people()
                .add(None, name, &format!("{name}@example.org"), Some(login))
                .unwrap()
                .code
                .expect("an invited person gets a code");
            world.sync(0).unwrap();
            world.sync(i).unwrap();
            world.desks[i]
                .lib
                .people()
                .choose_me(name, Some(code.as_str()))
                .unwrap();
            world.sync(i).unwrap();
        }
        world.settle();
        let editor = &world.desks[0].lib;
        editor
            .workflow()
            .set_chain(&editor.people().signer("alice").unwrap(), CHAIN)
            .unwrap();
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
        world.posts = posts;
        let png = world._dir.path().join("carte.fr.png");
        image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([x as u8 * 9, y as u8 * 13, 77]))
            .save(&png)
            .unwrap();
        world.asset = world.desks[0]
            .lib
            .assets()
            .add(&valise_core::assets::AddFile {
                path: png.to_string_lossy().into_owned(),
                alt: Some("Carte".into()),
                ..Default::default()
            })
            .unwrap()
            .asset_id;
        world.settle();
        world
    }

    fn sync(&self, desk: usize) -> valise_core::Result<SyncReport> {
        self.clock.advance(1000);
        let lib = &self.desks[desk].lib;
        self.runtime
            .block_on(registry::sync_with(lib, Some("site")))
            .map(|mut r| r.remove(0))
    }

    /// Every desktop syncs, round after round, until a whole round moves
    /// nothing (the first rounds take the site's echo of what was sent).
    fn settle(&self) {
        for _ in 0..8 {
            let mut quiet = true;
            for d in 0..self.desks.len() {
                let report = self.sync(d).unwrap();
                quiet &= report.is_quiet() && report.held.is_empty();
            }
            if quiet {
                return;
            }
        }
        panic!("the desktops did not settle in 8 rounds");
    }

    fn count(&mut self, act: &str) {
        *self.acts.entry(act.to_string()).or_default() += 1;
    }

    fn act(&mut self, dice: &mut Dice, step: usize) {
        self.clock.advance(1000);
        let d = dice.below(3);
        let post = self.posts[dice.below(self.posts.len())].clone();
        let word = format!("mot{step}x{d}");
        // Every third step the desk also writes into the infographic, chosen
        // from the step and not the dice: a seed plays the same other acts
        // as before the asset acts came.
        if step % 3 == 1 {
            self.write_asset_text(d, step, &format!("{word}a"));
        }
        let lib = &self.desks[d].lib;
        let me = self.desks[d].name;
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
                self.sync(d).unwrap();
                self.count("sync");
            }
        }
    }

    /// Desk `d` appends `word` to an alt text or caption of the infographic,
    /// as a person adds to a text: a word goes only when someone writes that
    /// field again having got a clash.
    fn write_asset_text(&mut self, d: usize, step: usize, word: &str) {
        let lib = &self.desks[d].lib;
        let lang = ["fr", "en", "ar"][step / 3 % 3];
        let field = if (step / 9).is_multiple_of(2) {
            "alt"
        } else {
            "caption"
        };
        let Ok(asset) = lib.assets().get(&self.asset) else {
            return;
        };
        let now = asset
            .texts
            .iter()
            .find(|t| t.lang == lang)
            .map(|t| {
                if field == "alt" {
                    t.alt.clone()
                } else {
                    t.caption.clone()
                }
            })
            .unwrap_or_default();
        let new = format!("{now} {word}");
        let (alt, caption) = if field == "alt" {
            (Some(new.as_str()), None)
        } else {
            (None, Some(new.as_str()))
        };
        if lib
            .assets()
            .set_text(&self.asset, lang, alt, caption)
            .is_ok()
        {
            let place = (d, lang.to_string(), field.to_string());
            self.typed_in_asset
                .insert(word.to_string(), (place.clone(), step));
            self.asset_writes.insert(place, step);
            self.count("write an asset text");
        }
    }

    /// Titles and bodies of every language version of every post a desk
    /// holds, with each post's sign-off state.
    fn snapshot(&self, d: usize) -> BTreeMap<(String, String), (PostText, String)> {
        let lib = &self.desks[d].lib;
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
            let mut ids: Vec<String> = self.desks[d]
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
            self.desks[d]
                .lib
                .people()
                .list()
                .unwrap()
                .into_iter()
                .map(|p| (p.id, p.name, p.keys.len()))
                .collect::<Vec<_>>()
        };
        for d in 1..self.desks.len() {
            let other = self.snapshot(d);
            let keys: BTreeSet<_> = first.keys().chain(other.keys()).collect();
            for key in keys {
                assert_eq!(
                    first.get(key),
                    other.get(key),
                    "{key:?} differs between {} and {}",
                    self.desks[0].name,
                    self.desks[d].name
                );
            }
            assert_eq!(audit(0), audit(d), "audit entries differ");
            assert_eq!(people(0), people(d), "people differ");
            assert_eq!(
                self.desks[0].lib.workflow().chain().unwrap(),
                self.desks[d].lib.workflow().chain().unwrap(),
                "chains differ"
            );
        }
        for desk in &self.desks {
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
            let there = self.runtime.block_on(wp.find_group(post)).unwrap();
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
        for desk in &self.desks {
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
        // The infographic's texts are the same everywhere; every word written
        // into them is current or kept beside the asset on some desk (unless
        // its desk wrote that field again later, settling the clash).
        let asset = |d: usize| self.desks[d].lib.assets().get(&self.asset).unwrap();
        let mut kept = String::new();
        for d in 0..self.desks.len() {
            assert_eq!(asset(0).texts, asset(d).texts, "asset texts differ");
            for c in asset(d).conflicts {
                kept.push_str(&c.kept);
                kept.push(' ');
            }
        }
        for t in asset(0).texts {
            kept.push_str(&format!("{} {} ", t.alt, t.caption));
        }
        for (word, (place, step)) in &self.typed_in_asset {
            // Its desk wrote the field again later: it chose.
            let chosen = self.asset_writes.get(place).is_some_and(|last| last > step);
            assert!(
                chosen || kept.contains(word.as_str()),
                "{word}, written into the asset ({place:?}), is lost"
            );
        }
        // Settled: one more sync of every desktop sends and applies nothing.
        for d in 0..self.desks.len() {
            let r = self.sync(d).unwrap();
            assert!(r.is_quiet(), "{}: {r:?}", self.desks[d].name);
        }
    }
}

fn scenario(site: &Site, seed: u64) {
    let mut dice = Dice(seed.max(1));
    let mut world = World::new(site);
    for step in 0..STEPS {
        world.act(&mut dice, step);
    }
    world.settle();
    world.check();
    println!("seed {seed}: acts {:?}", world.acts);
    assert!(
        world.acts.contains_key("approve") && world.acts.contains_key("edit a paragraph"),
        "seed {seed} neither signed nor edited: the test would miss them"
    );
}
