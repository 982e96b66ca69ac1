//! Three desktops against one real site, shared by the seeded scenarios of
//! `wordpress_desks.rs` (posts, sign-offs) and `wordpress_desk_assets.rs`
//! (the shared infographic): an editor and two validators, each with their
//! own library file and site user, enrolled and under one sign-off chain;
//! the seeded dice; and the runner that gives each scenario a site of its
//! own and prints the seed to replay it.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use valise_core::backends::registry;
use valise_core::clock::ManualClock;
use valise_core::sync::SyncReport;
use valise_core::{Desktop, Library, Origin};

use crate::wordpress_support::{self, Site};

/// Runs each of `tests` (name, seed) on a site of its own, stopped even when
/// it fails, those named by a command-line filter only; prints libtest's
/// summary lines and exits 101 on a failure. Skipped, saying why, when the
/// tools are missing.
pub fn run_seeded(what: &str, tests: &[(&str, u64)], scenario: fn(&Site, u64)) {
    let Some(filter) = wordpress_support::chosen(what) else {
        return;
    };
    let (mut passed, mut failed) = (0, Vec::new());
    for &(name, seed) in tests {
        if !wordpress_support::is_chosen(&filter, name) {
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
    wordpress_support::summarise(passed, &failed);
}

/// `VALISE_SYNC_SEED`, else a fresh random seed.
pub fn random_seed() -> u64 {
    std::env::var("VALISE_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            u64::from_le_bytes(
                valise_core::ids::new_id().as_bytes()[..8]
                    .try_into()
                    .unwrap(),
            )
        })
}

/// A small deterministic generator (xorshift64*), so that a seed replays.
pub struct Dice(pub u64);

impl Dice {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

/// Who sits at each desk: their name in the library, their site login.
pub const PEOPLE: [(&str, &str); 3] = [
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

pub struct Desk {
    pub lib: Library,
    pub name: &'static str,
}

/// The three desktops and their one clock.
pub struct Desks {
    /// Where the library files are (kept while the desks live).
    _dir: tempfile::TempDir,
    pub runtime: tokio::runtime::Runtime,
    /// One clock for the three desks, so that acts are ordered as they happened.
    pub clock: ManualClock,
    pub desks: Vec<Desk>,
}

impl Desks {
    /// The editor founds the library and invites the validators, each with
    /// their site login; they enrol on their own desktops with the code,
    /// which sends their key as their own site user; then the editor sets the
    /// chain and every desk has synced it.
    pub fn new(site: &Site) -> Desks {
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
        let world = Desks {
            _dir: dir,
            runtime,
            clock,
            desks,
        };
        world.desks[0]
            .lib
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
        world
    }

    pub fn sync(&self, desk: usize) -> valise_core::Result<SyncReport> {
        self.clock.advance(1000);
        let lib = &self.desks[desk].lib;
        self.runtime
            .block_on(registry::sync_with(lib, Some("site")))
            .map(|mut r| r.remove(0))
    }

    /// Every desktop syncs, round after round, until a whole round moves
    /// nothing (the first rounds take the site's echo of what was sent).
    pub fn settle(&self) {
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

    /// Settled: one more sync of every desktop sends and applies nothing.
    pub fn assert_quiet(&self) {
        for d in 0..self.desks.len() {
            let r = self.sync(d).unwrap();
            assert!(r.is_quiet(), "{}: {r:?}", self.desks[d].name);
        }
    }
}
