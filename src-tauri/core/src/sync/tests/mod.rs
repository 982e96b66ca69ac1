//! The engine's tests, without network: an in-memory backend (`memory`), the
//! planner on random triples (`plan_props`), one library against it
//! (`engine_tests`), and three libraries converging through it
//! (`convergence`); publication through sync (`publish_tests`).

mod asset_tests;
mod bounded;
mod convergence;
mod engine_tests;
mod lost_answers;
mod media_tests;
pub(crate) mod memory;
mod plan_props;
mod publish_tests;

use std::path::Path;
use std::sync::Arc;

use crate::clock::ManualClock;
use crate::workflow::Desktop;
use crate::{Library, NewPost, Origin, PostText, RevisionKind, SaveRequest};
use memory::Memory;

pub(crate) const T0: i64 = 1_795_000_000_000;

/// One desktop: its library file, its secrets, its clock.
pub(crate) struct Desk {
    pub lib: Library,
    pub clock: ManualClock,
}

impl Desk {
    pub fn open(dir: &Path, name: &str) -> Desk {
        let desk = Desk::reopen(dir, name);
        crate::sync::add_backend(&desk.lib, "site", "memory", "memory://test").unwrap();
        desk
    }

    /// The same desktop's library opened again (after its process died).
    pub fn reopen(dir: &Path, name: &str) -> Desk {
        let clock = ManualClock::starting_at(T0);
        let lib = Library::open_with(
            dir.join(format!("{name}.sqlite3")),
            Origin::Window,
            Arc::new(clock.clone()),
        )
        .unwrap()
        .with_desktop(Desktop::in_dir(&dir.join(format!("{name}-desk"))));
        Desk { lib, clock }
    }

    pub fn sync(&self, remote: &Memory) -> crate::Result<crate::sync::SyncReport> {
        self.clock.advance(1000);
        block_on(crate::sync::sync(&self.lib, "site", remote))
    }

    pub fn new_post(&self, title: &str, body: &str) -> String {
        self.lib
            .posts()
            .create(NewPost {
                title: title.into(),
                body: body.into(),
                ..Default::default()
            })
            .unwrap()
            .id
    }

    pub fn body(&self, id: &str, lang: Option<&str>) -> String {
        self.lib.posts().get(id, lang).unwrap().text.body
    }

    pub fn save_body(&self, id: &str, lang: &str, body: &str) {
        let current = self.lib.posts().get(id, Some(lang)).unwrap();
        self.lib
            .posts()
            .save(SaveRequest {
                id: id.into(),
                lang: lang.into(),
                text: PostText {
                    body: body.into(),
                    ..current.text
                },
                kind: RevisionKind::Edit,
                revision_name: None,
                base: None,
                minor: false,
            })
            .unwrap();
    }

    /// Adds the file at `path` as the `lang` variant of asset `name`, with
    /// that language's alt text, a caption and a credit; answers the asset's id.
    pub fn add_asset(&self, path: &str, lang: &str, name: &str, alt: &str) -> String {
        self.lib
            .assets()
            .add(&crate::assets::AddFile {
                path: path.into(),
                lang: Some(lang.into()),
                name: Some(name.into()),
                alt: Some(alt.into()),
                caption: Some(format!("Légende {lang}")),
                credit: Some("Atelier graphique".into()),
                ..Default::default()
            })
            .unwrap()
            .asset_id
    }

    /// Open conflicts: (post, lang, kept body).
    pub fn conflicts(&self) -> Vec<(String, String, String)> {
        self.lib
            .read(|c| {
                let mut stmt = c.prepare(
                    "SELECT p.uid, v.lang, k.body FROM conflicts k \
                     JOIN language_versions v ON v.id = k.version_id \
                     JOIN posts p ON p.id = v.post_id WHERE k.resolved_at IS NULL ORDER BY k.id",
                )?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(rows)
            })
            .unwrap()
    }
}

/// A PNG of `w` × `h` in `dir`, its pixels varied by `seed` (another seed,
/// another checksum).
pub(crate) fn png(dir: &Path, name: &str, w: u32, h: u32, seed: u8) -> String {
    let path = dir.join(name);
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([seed, (x % 251) as u8, (y % 241) as u8])
    })
    .save(&path)
    .unwrap();
    path.to_string_lossy().into_owned()
}

pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a test runtime")
        .block_on(f)
}

/// What a library holds that syncs: its live records by key, and the ids of
/// its audit entries.
pub(crate) fn snapshot(
    lib: &Library,
) -> (
    std::collections::BTreeMap<crate::sync::record::RecordKey, crate::sync::record::Record>,
    std::collections::BTreeSet<String>,
) {
    use crate::sync::local;
    use crate::sync::plan::Local;
    use crate::sync::record::RecordKey;
    lib.read(|c| {
        let mut keys: Vec<RecordKey> = c
            .prepare("SELECT uid FROM language_versions")?
            .query_map([], |r| r.get(0))?
            .map(|u| u.map(RecordKey::Version))
            .collect::<rusqlite::Result<_>>()?;
        keys.extend(
            c.prepare("SELECT uid FROM people")?
                .query_map([], |r| r.get(0))?
                .map(|u| u.map(RecordKey::Person))
                .collect::<rusqlite::Result<Vec<_>>>()?,
        );
        keys.push(RecordKey::Chain);
        let mut records = std::collections::BTreeMap::new();
        for key in keys {
            if let Local::Live(r) = local::record(c, &key)? {
                records.insert(key, r);
            }
        }
        let audit = c
            .prepare("SELECT uid FROM audit_entries")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((records, audit))
    })
    .unwrap()
}
