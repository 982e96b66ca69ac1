//! The shared infographic between three desktops through a real WordPress
//! with the Valise plugin (`tests/wordpress/start`), the desks of
//! `wordpress_desks.rs` (`wordpress_support/desks.rs`): each desk writes alt
//! texts and captions of it offline at random and syncs in random orders.
//! At the end all three hold the same texts; every word written is current
//! or kept beside the asset as a field conflict on some desk (unless its desk
//! wrote that field again later, settling the clash). Then a delete: the
//! editor deletes the infographic having not seen a validator's edit, and it
//! comes back with that edit; deleted again, it is gone from every desk.
//!
//! Each scenario gets a site of its own, stopped even when it fails (harness
//! = false). `VALISE_SYNC_SEED=N` replays the random-seed test.

// Its fault proxy is not used here.
#[path = "wordpress_support/desks.rs"]
mod three_desks;
#[allow(dead_code)]
mod wordpress_support;

use std::collections::BTreeMap;

use three_desks::{Desks, Dice};
use valise_core::assets::AddFile;
use wordpress_support::Site;

/// Offline acts per scenario: each writes a text of the infographic, some
/// desks sync between.
const STEPS: usize = 24;

fn main() {
    three_desks::run_seeded(
        "wordpress desk asset tests",
        &[
            ("three_desks_write_one_infographic_with_a_fixed_seed", 5),
            (
                "three_desks_write_one_infographic_with_a_random_seed",
                three_desks::random_seed(),
            ),
        ],
        scenario,
    );
}

/// (desk, language, field)
type Place = (usize, String, String);

struct World {
    desks: Desks,
    /// The infographic every desk writes alt texts and captions of.
    asset: String,
    /// Words written into its alt texts and captions: where and when.
    typed: BTreeMap<String, (Place, usize)>,
    /// The last step each desk wrote each field.
    writes: BTreeMap<Place, usize>,
}

impl World {
    fn new(site: &Site) -> World {
        let desks = Desks::new(site);
        // The library keeps its own copy: the export can go after.
        let export = tempfile::tempdir().unwrap();
        let png = export.path().join("carte.fr.png");
        image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([x as u8 * 9, y as u8 * 13, 77]))
            .save(&png)
            .unwrap();
        let asset = desks.desks[0]
            .lib
            .assets()
            .add(&AddFile {
                path: png.to_string_lossy().into_owned(),
                alt: Some("Carte".into()),
                ..Default::default()
            })
            .unwrap()
            .asset_id;
        desks.settle();
        World {
            desks,
            asset,
            typed: BTreeMap::new(),
            writes: BTreeMap::new(),
        }
    }

    fn text(&self, d: usize, lang: &str, field: &str) -> String {
        let asset = self.desks.desks[d].lib.assets().get(&self.asset).unwrap();
        asset
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
            .unwrap_or_default()
    }

    /// A desk appends a word to an alt text or caption, as a person adds to
    /// a text: a word goes only when someone writes that field again having
    /// got a clash. Some desks sync after.
    fn act(&mut self, dice: &mut Dice, step: usize) {
        self.desks.clock.advance(1000);
        let d = dice.below(3);
        let word = format!("mot{step}x{d}a");
        let lang = ["fr", "en", "ar"][step % 3];
        let field = if (step / 3).is_multiple_of(2) {
            "alt"
        } else {
            "caption"
        };
        let new = format!("{} {word}", self.text(d, lang, field));
        let (alt, caption) = if field == "alt" {
            (Some(new.as_str()), None)
        } else {
            (None, Some(new.as_str()))
        };
        self.desks.desks[d]
            .lib
            .assets()
            .set_text(&self.asset, lang, alt, caption)
            .unwrap();
        let place = (d, lang.to_string(), field.to_string());
        self.typed.insert(word, (place.clone(), step));
        self.writes.insert(place, step);
        if dice.below(3) == 0 {
            self.desks.sync(dice.below(3)).unwrap();
        }
    }

    /// The same texts everywhere; every word current or kept beside the asset.
    fn check(&self) {
        let asset = |d: usize| self.desks.desks[d].lib.assets().get(&self.asset).unwrap();
        let mut kept = String::new();
        for d in 0..self.desks.desks.len() {
            assert_eq!(asset(0).texts, asset(d).texts, "asset texts differ");
            for c in asset(d).conflicts {
                kept.push_str(&c.kept);
                kept.push(' ');
            }
        }
        for t in asset(0).texts {
            kept.push_str(&format!("{} {} ", t.alt, t.caption));
        }
        for (word, (place, step)) in &self.typed {
            // Its desk wrote the field again later: it chose.
            let chosen = self.writes.get(place).is_some_and(|last| last > step);
            assert!(
                chosen || kept.contains(word.as_str()),
                "{word}, written into the asset ({place:?}), is lost"
            );
        }
        self.desks.assert_quiet();
    }

    /// The editor deletes the infographic without having seen a validator's
    /// edit: it comes back with the edit. Deleted again, it goes everywhere.
    fn delete_it(&self) {
        let (editor, bob) = (&self.desks.desks[0].lib, &self.desks.desks[1].lib);
        bob.assets()
            .set_text(&self.asset, "fr", Some("Carte revue"), None)
            .unwrap();
        self.desks.sync(1).unwrap();
        editor.assets().delete(&self.asset, false).unwrap();
        let back = self.desks.sync(0).unwrap();
        assert!(
            back.notes.iter().any(|n| n.contains("brought back")),
            "{back:?}"
        );
        assert_eq!(self.text(0, "fr", "alt"), "Carte revue");
        assert!(editor.assets().file(&self.asset, None).is_ok());
        self.desks.settle();

        editor.assets().delete(&self.asset, false).unwrap();
        let gone = self.desks.sync(0).unwrap();
        assert_eq!(gone.deleted_there, 1, "{gone:?}");
        self.desks.settle();
        for desk in &self.desks.desks {
            let err = desk.lib.assets().get(&self.asset).unwrap_err();
            assert_eq!(err.code(), "asset_not_found", "{}", desk.name);
            assert!(
                desk.lib.assets().list().unwrap().is_empty(),
                "{}",
                desk.name
            );
        }
        self.desks.assert_quiet();
    }
}

fn scenario(site: &Site, seed: u64) {
    let mut dice = Dice(seed.max(1));
    let mut world = World::new(site);
    for step in 0..STEPS {
        world.act(&mut dice, step);
    }
    world.desks.settle();
    world.check();
    world.delete_it();
}
