//! The fold of two assets holding the same file (`sync::fold::fold`), pure.

use super::fold;
use crate::sync::assets::FieldClash;
use crate::sync::record::{AssetFileRecord, AssetRecord, AssetTextRecord, AssetVariantRecord};

fn file(sha: char, at: i64, name: &str) -> AssetFileRecord {
    AssetFileRecord {
        sha256: sha.to_string().repeat(64),
        byte_size: 10,
        format: "png".into(),
        width: Some(4),
        height: Some(3),
        original_name: name.into(),
        removed: Vec::new(),
        added_at: at,
    }
}

fn text(lang: &str, alt: &str, caption: &str) -> AssetTextRecord {
    AssetTextRecord {
        lang: lang.into(),
        alt: alt.into(),
        caption: caption.into(),
    }
}

fn variant(lang: &str, files: Vec<AssetFileRecord>) -> AssetVariantRecord {
    AssetVariantRecord {
        lang: lang.into(),
        files,
    }
}

fn asset(id: &str, name: &str) -> AssetRecord {
    AssetRecord {
        id: id.into(),
        name: name.into(),
        kind: "raster".into(),
        credit: String::new(),
        licence: String::new(),
        created_at: 1,
        variants: Vec::new(),
        texts: Vec::new(),
        alias_of: None,
    }
}

/// The asset of desk a ("carte") and that of desk b ("plan"): the same
/// French file, different alt texts, each with something the other lacks.
fn pair() -> (AssetRecord, AssetRecord) {
    let mut carte = asset("1111", "carte");
    carte.credit = "Atelier".into();
    carte.variants = vec![variant("fr", vec![file('s', 10, "carte.fr.png")])];
    carte.texts = vec![text("fr", "Carte du réseau", "")];
    let mut plan = asset("2222", "plan");
    plan.licence = "CC BY 4.0".into();
    plan.variants = vec![
        variant("es", vec![file('t', 5, "plan.es.png")]),
        variant("fr", vec![file('s', 10, "export.png")]),
    ];
    plan.texts = vec![
        text("es", "Mapa de la red", ""),
        text("fr", "Plan des consulats", "Source : ministère"),
    ];
    (carte, plan)
}

#[test]
fn the_survivors_values_stand_the_aliass_fill_the_gaps_and_differing_ones_are_kept() {
    let (carte, plan) = pair();
    let (merged, clashes) = fold(&carte, &plan);
    assert_eq!(merged.id, "1111");
    assert_eq!(merged.alias_of, None);
    assert_eq!(
        (
            merged.name.as_str(),
            merged.credit.as_str(),
            merged.licence.as_str()
        ),
        ("carte", "Atelier", "CC BY 4.0")
    );
    assert_eq!(
        merged.texts,
        vec![
            text("es", "Mapa de la red", ""),
            text("fr", "Carte du réseau", "Source : ministère"),
        ]
    );
    // Every file, the shared one once: a post in Spanish keeps its image.
    let langs: Vec<(&str, usize)> = merged
        .variants
        .iter()
        .map(|v| (v.lang.as_str(), v.files.len()))
        .collect();
    assert_eq!(langs, vec![("es", 1), ("fr", 1)]);
    assert_eq!(merged.variants[1].files[0].original_name, "carte.fr.png");
    assert_eq!(
        clashes,
        vec![
            FieldClash {
                field: "name".into(),
                lang: String::new(),
                kept: "plan".into(),
                current: "carte".into(),
            },
            FieldClash {
                field: "alt".into(),
                lang: "fr".into(),
                kept: "Plan des consulats".into(),
                current: "Carte du réseau".into(),
            },
        ]
    );
}

#[test]
fn folding_again_changes_nothing_so_every_desktop_reaches_the_same_asset() {
    let (carte, plan) = pair();
    let (once, _) = fold(&carte, &plan);
    let (twice, clashes) = fold(&once, &plan);
    assert_eq!(twice, once);
    // The alias's differing values are still named (each desktop keeps them).
    assert_eq!(clashes.len(), 2);
}

#[test]
fn a_newer_version_the_alias_had_becomes_current() {
    let (carte, mut plan) = pair();
    plan.variants[1].files.push(file('u', 20, "plan-v2.fr.png"));
    let (merged, _) = fold(&carte, &plan);
    let fr: Vec<char> = merged.variants[1]
        .files
        .iter()
        .map(|f| f.sha256.chars().next().unwrap())
        .collect();
    assert_eq!(fr, vec!['s', 'u'], "oldest first: the newest is current");
}

#[test]
fn a_language_only_the_alias_had_a_file_for_is_a_visible_clash() {
    // The same bytes: Arabic on one desktop, French on the other.
    let mut carte = asset("1111", "carte");
    carte.variants = vec![variant("fr", vec![file('s', 10, "carte.fr.png")])];
    let mut plan = asset("2222", "plan");
    plan.variants = vec![variant("ar", vec![file('s', 10, "plan.ar.png")])];
    let (merged, clashes) = fold(&carte, &plan);
    assert_eq!(merged.variants.len(), 1);
    assert!(
        clashes.iter().any(|c| c.field == "variant"
            && c.lang == "ar"
            && c.kept == "plan.ar.png"
            && c.current == "the fr file"),
        "{clashes:?}"
    );
    // A file for every language covers it: nothing to say.
    let mut all = asset("1111", "carte");
    all.variants = vec![variant("", vec![file('s', 10, "carte.png")])];
    let (_, clashes) = fold(&all, &plan);
    assert!(clashes.iter().all(|c| c.field != "variant"), "{clashes:?}");
}

// --- two desks through the in-memory backend ---------------------------------

mod desks {
    use crate::assets::AddFile;
    use crate::sync::tests::memory::Memory;
    use crate::sync::tests::Desk;

    fn add(desk: &Desk, path: &str, name: &str, alt: &str) -> String {
        desk.lib
            .assets()
            .add(&AddFile {
                path: path.into(),
                lang: Some("fr".into()),
                name: Some(name.into()),
                alt: Some(alt.into()),
                ..Default::default()
            })
            .unwrap()
            .asset_id
    }

    fn same_file_on_two_desks(a_first: bool) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.png");
        image::RgbImage::from_fn(12, 8, |x, y| image::Rgb([7, x as u8, y as u8]))
            .save(&path)
            .unwrap();
        let path = path.to_string_lossy().into_owned();
        let (a, b) = (Desk::open(dir.path(), "a"), Desk::open(dir.path(), "b"));
        let on_a = add(&a, &path, "carte", "Carte des consulats");
        let on_b = add(&b, &path, "plan", "Plan des consulats");
        let post_a = a.new_post("Le réseau", &format!("![](asset:{on_a})\n"));
        let post_b = b.new_post("Les consulats", &format!("![](asset:{})\n", &on_b[..8]));
        let site = Memory::new();
        let order = if a_first {
            [&a, &b, &a, &b]
        } else {
            [&b, &a, &b, &a]
        };
        for d in order {
            d.sync(&site).unwrap();
        }
        let (survivor, alias) = if on_a < on_b {
            (&on_a, &on_b)
        } else {
            (&on_b, &on_a)
        };
        let lost = if survivor == &on_a {
            "Plan des consulats"
        } else {
            "Carte des consulats"
        };
        for d in [&a, &b] {
            for id in [&on_a, &on_b] {
                assert_eq!(&d.lib.assets().get(id).unwrap().id, survivor);
            }
            assert_eq!(d.lib.assets().list().unwrap().len(), 1);
            let one = d.lib.assets().get(survivor).unwrap();
            assert!(
                one.conflicts.iter().any(|c| c.field == "alt"
                    && c.kept == lost
                    && c.from_asset.as_ref() == Some(alias)),
                "{:?}",
                one.conflicts
            );
            assert_eq!(one.used_by.len(), 2, "{one:?}");
            for p in [&post_a, &post_b] {
                let body = d.body(p, Some("fr"));
                let html = d
                    .lib
                    .assets()
                    .html(&body, "fr", &|l| l.sha256.to_string())
                    .unwrap();
                assert!(!html.contains("asset-missing"), "{html}");
                assert!(html.contains(&one.variants[0].current.sha256), "{html}");
            }
            // The post's signature covers the id it names: unchanged.
            assert!(d
                .lib
                .signoff()
                .preflight(&post_b)
                .unwrap()
                .iter()
                .all(|f| !matches!(f.code, crate::workflow::rules::CheckCode::DanglingAsset)));
        }
        for _ in 0..2 {
            a.sync(&site).unwrap();
            b.sync(&site).unwrap();
        }
        for d in [&a, &b] {
            let last = d.sync(&site).unwrap();
            assert!(last.is_quiet() && last.held.is_empty(), "{last:?}");
        }
        assert_eq!(site.uploads(), 1, "one file on the site");
        assert_eq!(
            a.lib.assets().get(survivor).unwrap().texts,
            b.lib.assets().get(survivor).unwrap().texts
        );
    }

    #[test]
    fn the_same_file_on_two_desks_is_one_asset_when_the_first_syncs_first() {
        same_file_on_two_desks(true);
    }

    #[test]
    fn the_same_file_on_two_desks_is_one_asset_when_the_second_syncs_first() {
        same_file_on_two_desks(false);
    }
}
