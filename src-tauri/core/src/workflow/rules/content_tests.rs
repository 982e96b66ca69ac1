use proptest::prelude::*;

use super::*;

fn fr() -> VersionContent {
    VersionContent {
        lang: "fr".into(),
        title: "Le sommet de Nice".into(),
        summary: "Ce qui a été décidé.".into(),
        body: "## Ouverture\n\nLe sommet s'ouvre lundi.\n\n- un\n- deux\n".into(),
        share_text: "Le sommet s'ouvre lundi #Nice".into(),
        tags: vec!["climat".into(), "sommet".into()],
        place_line: "Nice, 12 mars 2026".into(),
        assets: Vec::new(),
    }
}

fn en() -> VersionContent {
    VersionContent {
        lang: "en".into(),
        title: "The Nice summit".into(),
        body: "The summit opens on Monday.".into(),
        ..VersionContent::default()
    }
}

#[test]
fn a_save_that_changes_nothing_keeps_the_hash() {
    assert_eq!(content_hash(&[fr(), en()]), content_hash(&[fr(), en()]));
}

#[test]
fn trailing_whitespace_and_line_ends_do_not_change_the_hash() {
    let mut v = fr();
    v.body =
        "## Ouverture  \r\n\r\nLe sommet s'ouvre lundi.\t\r\n\r\n- un \r\n- deux\r\n\r\n\n".into();
    v.title = "Le sommet de Nice   ".into();
    v.summary = "Ce qui a été décidé.\n".into();
    assert_eq!(content_hash(&[v]), content_hash(&[fr()]));
}

#[test]
fn composed_and_decomposed_accents_hash_alike() {
    let mut v = fr();
    v.summary = "Ce qui a e\u{301}te\u{301} de\u{301}cide\u{301}.".into();
    assert_eq!(content_hash(&[v]), content_hash(&[fr()]));
}

#[test]
fn language_order_does_not_matter() {
    assert_eq!(content_hash(&[fr(), en()]), content_hash(&[en(), fr()]));
}

#[test]
fn tags_are_a_set() {
    let mut v = fr();
    v.tags = vec![
        "sommet".into(),
        " climat".into(),
        "sommet".into(),
        "".into(),
    ];
    assert_eq!(content_hash(&[v]), content_hash(&[fr()]));
}

#[test]
fn moving_text_between_fields_changes_the_hash() {
    let mut a = fr();
    a.title = "Le sommet".into();
    a.summary = "de Nice".into();
    let mut b = fr();
    b.title = "Le sommet de".into();
    b.summary = "Nice".into();
    assert_ne!(content_hash(&[a]), content_hash(&[b]));

    let mut c = fr();
    c.tags = vec!["climat sommet".into()];
    assert_ne!(content_hash(&[c]), content_hash(&[fr()]));
}

#[test]
fn leading_indentation_is_content() {
    let mut v = fr();
    v.body = format!("    {}", v.body);
    assert_ne!(content_hash(&[v]), content_hash(&[fr()]));
}

#[test]
fn a_version_leaving_the_scope_changes_the_hash() {
    assert_ne!(content_hash(&[fr(), en()]), content_hash(&[fr()]));
}

#[test]
fn the_hash_names_its_scheme() {
    let h = content_hash(&[fr()]);
    let text = h.to_string();
    assert!(text.starts_with("v1:"), "{text}");
    assert_eq!(text.len(), 3 + 64);
    assert_eq!(ContentHash::parse(&text), Some(h));
    assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{text}\""));
    assert_eq!(&text[3..15], h.short());
    assert_eq!(ContentHash::parse("v1:abc"), None);
    assert_eq!(ContentHash::parse(&text.replace("v1:", "")), None);
    // Written in capitals by hand, it is the same hash; any other character
    // in place of a digit is not a hash.
    assert_eq!(
        ContentHash::parse(&text.to_uppercase().replace('V', "v")),
        Some(h)
    );
    for bad in ['g', '+', ' ', '-'] {
        let mut broken = text.clone();
        broken.replace_range(10..11, &bad.to_string());
        assert_eq!(ContentHash::parse(&broken), None, "{broken}");
    }
}

#[test]
fn the_diff_shows_the_changed_words_of_a_signed_text() {
    let signed = canonical_text(&[fr()]);
    let mut v = fr();
    v.body = v.body.replace("lundi", "mardi");
    v.tags.push("nice".into());
    let rows = diff(&signed, &canonical_text(&[v]));
    let changed: Vec<&DiffRow> = rows.iter().filter(|r| is_change(r)).collect();
    assert_eq!(changed.len(), 2, "{rows:?}");
    let DiffRow::Changed { parts } = changed[0] else {
        panic!("a one-line edit is shown word by word: {:?}", changed[0]);
    };
    let removed: Vec<&str> = parts
        .iter()
        .filter(|p| p.change == LineChange::Removed)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(removed, ["lundi."]);
    assert!(diff(&signed, &signed).iter().all(|r| !is_change(r)));
}

#[test]
fn the_diff_shows_added_and_removed_lines() {
    let rows = diff("a\nb\nc\n", "a\nc\nd\ne\n");
    assert!(rows.contains(&DiffRow::Removed { text: "b".into() }));
    assert!(rows.contains(&DiffRow::Added { text: "e".into() }));
    assert!(rows.contains(&DiffRow::Same { text: "a".into() }));
}

/// A field of a version by number, to edit it in the property below.
fn field_mut(v: &mut VersionContent, i: usize) -> &mut String {
    match i {
        0 => &mut v.title,
        1 => &mut v.summary,
        2 => &mut v.body,
        3 => &mut v.share_text,
        4 => &mut v.place_line,
        _ => &mut v.tags[0],
    }
}

proptest! {
    #[test]
    fn any_real_change_to_a_covered_field_changes_the_hash(
        which in 0usize..6,
        lang in 0usize..2,
        at in 0usize..40,
        insert in "[a-zA-Zéà0-9.,;]{1,8}",
    ) {
        let before = vec![fr(), en()];
        let mut after = before.clone();
        if after[lang].tags.is_empty() {
            after[lang].tags.push("x".into());
        }
        let base_hash = content_hash(&after);
        let text = field_mut(&mut after[lang], which);
        let cut = text.char_indices().map(|(i, _)| i).chain([text.len()]).nth(at).unwrap_or(text.len());
        text.insert_str(cut, &insert);
        prop_assert_ne!(content_hash(&after), base_hash);
    }

    #[test]
    fn trailing_whitespace_anywhere_keeps_the_hash(
        which in 0usize..5,
        pad in "[ \t]{1,4}",
    ) {
        let before = vec![fr()];
        let mut after = before.clone();
        let text = field_mut(&mut after[0], which);
        *text = text.lines().map(|l| format!("{l}{pad}")).collect::<Vec<_>>().join("\r\n");
        text.push_str(&pad);
        prop_assert_eq!(content_hash(&after), content_hash(&before));
    }
}
