//! The field-by-field merge of an asset changed on two sides (`sync::assets::merge`), pure.

use super::*;

fn file(sha: char, at: i64) -> AssetFileRecord {
    AssetFileRecord {
        sha256: sha.to_string().repeat(64),
        byte_size: 10,
        format: "png".into(),
        width: Some(4),
        height: Some(3),
        original_name: format!("carte-{sha}.png"),
        removed: Vec::new(),
        added_at: at,
    }
}

fn asset() -> AssetRecord {
    AssetRecord {
        id: "a1".into(),
        name: "carte".into(),
        kind: "raster".into(),
        credit: "Atelier".into(),
        licence: "CC BY".into(),
        created_at: 1,
        variants: vec![AssetVariantRecord {
            lang: "fr".into(),
            files: vec![file('a', 1)],
        }],
        texts: vec![
            text("ar", "خريطة", ""),
            text("es", "Mapa", ""),
            text("fr", "Carte", "Légende"),
        ],
        alias_of: None,
    }
}

fn text(lang: &str, alt: &str, caption: &str) -> AssetTextRecord {
    AssetTextRecord {
        lang: lang.into(),
        alt: alt.into(),
        caption: caption.into(),
    }
}

fn set(a: &mut AssetRecord, lang: &str, alt: Option<&str>, caption: Option<&str>) {
    match a.texts.iter_mut().find(|t| t.lang == lang) {
        Some(t) => {
            if let Some(alt) = alt {
                t.alt = alt.into();
            }
            if let Some(caption) = caption {
                t.caption = caption.into();
            }
        }
        None => {
            a.texts
                .push(text(lang, alt.unwrap_or(""), caption.unwrap_or("")));
            a.texts.sort_by(|x, y| x.lang.cmp(&y.lang));
        }
    }
}

#[test]
fn an_alt_text_changed_here_and_a_caption_changed_there_are_both_kept() {
    let base = asset();
    let mut mine = base.clone();
    set(&mut mine, "ar", Some("خريطة الشبكة"), None);
    let mut theirs = base.clone();
    set(&mut theirs, "fr", None, Some("Nouvelle légende"));
    let (merged, clashes) = merge(Some(&base), &mine, &theirs);
    assert!(clashes.is_empty());
    let ar = merged.texts.iter().find(|t| t.lang == "ar").unwrap();
    let fr = merged.texts.iter().find(|t| t.lang == "fr").unwrap();
    assert_eq!(ar.alt, "خريطة الشبكة");
    assert_eq!(fr.caption, "Nouvelle légende");
    assert_eq!(fr.alt, "Carte");
    // The same merge from the other side gives the same asset.
    let (other, _) = merge(Some(&base), &theirs, &mine);
    assert_eq!(other, merged);
}

#[test]
fn the_same_field_changed_differently_keeps_the_sites_and_names_this_sides() {
    let base = asset();
    let mut mine = base.clone();
    set(&mut mine, "es", Some("Mapa de la red"), None);
    mine.credit = "Atelier graphique".into();
    let mut theirs = base.clone();
    set(&mut theirs, "es", Some("Mapa de las embajadas"), None);
    let (merged, clashes) = merge(Some(&base), &mine, &theirs);
    let es = merged.texts.iter().find(|t| t.lang == "es").unwrap();
    assert_eq!(es.alt, "Mapa de las embajadas");
    assert_eq!(merged.credit, "Atelier graphique");
    assert_eq!(
        clashes,
        vec![FieldClash {
            field: "alt".into(),
            lang: "es".into(),
            kept: "Mapa de la red".into(),
            current: "Mapa de las embajadas".into(),
        }]
    );
}

#[test]
fn a_language_added_on_one_side_and_file_versions_on_both_are_a_union() {
    let base = asset();
    let mut mine = base.clone();
    set(&mut mine, "en", Some("Map"), None);
    mine.variants[0].files.push(file('c', 30));
    let mut theirs = base.clone();
    theirs.variants[0].files.push(file('b', 20));
    theirs.variants.push(AssetVariantRecord {
        lang: "es".into(),
        files: vec![file('d', 5)],
    });
    let (merged, clashes) = merge(Some(&base), &mine, &theirs);
    assert!(clashes.is_empty());
    assert!(merged
        .texts
        .iter()
        .any(|t| t.lang == "en" && t.alt == "Map"));
    let shas: Vec<char> = merged.variants[1]
        .files
        .iter()
        .map(|f| f.sha256.chars().next().unwrap())
        .collect();
    assert_eq!(merged.variants[0].lang, "es");
    assert_eq!(
        shas,
        vec!['a', 'b', 'c'],
        "oldest first: the newest is current"
    );
    assert_eq!(merge(Some(&base), &theirs, &mine).0, merged);
}

#[test]
fn never_agreed_and_different_is_a_clash_not_a_silent_pick() {
    let mut mine = asset();
    mine.licence = "CC BY-SA".into();
    let theirs = asset();
    let (merged, clashes) = merge(None, &mine, &theirs);
    assert_eq!(merged.licence, "CC BY");
    assert_eq!(clashes.len(), 1);
    assert_eq!(clashes[0].kept, "CC BY-SA");
}
