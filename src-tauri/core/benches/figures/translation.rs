//! The translation figures of `figures`: cutting a 5,000-word source into
//! blocks with their ids and hashes and computing the state of 3 translations,
//! in memory and as part of a real save through the library.

use std::path::Path;

use valise_core::translation::{source, units};
use valise_core::{Library, NewPost, PostText, RevisionKind, SaveRequest};

use super::{ms, Sample};

/// A 5,000-word French-like source of 100 paragraphs of 50 words, with a
/// heading every 10 paragraphs.
fn source_text() -> String {
    let words = [
        "la",
        "négociation",
        "reprend",
        "à",
        "Genève",
        "avec",
        "les",
        "délégations",
        "du",
        "sommet",
        "sur",
        "le",
        "climat",
        "et",
        "la",
        "coopération",
        "régionale",
        "des",
        "partenaires",
        "européens",
    ];
    let mut text = String::new();
    for p in 0..100 {
        if p % 10 == 0 {
            text.push_str(&format!("## Partie {}\n\n", p / 10 + 1));
        }
        for w in 0..50 {
            text.push_str(words[(p * 7 + w * 3) % words.len()]);
            text.push(if w == 49 { '.' } else { ' ' });
        }
        text.push_str(&format!(" ({p})\n\n"));
    }
    text
}

pub fn translation(dir: &Path) {
    println!("## translation: 5,000-word source, 3 translations");
    let text = source_text();
    let title = PostText {
        title: "Le sommet".into(),
        ..PostText::default()
    };
    let mut first = source::header_blocks(&title);
    first.extend(source::continue_ids(&[], &text));
    let translations: Vec<Vec<units::Unit>> = (0..3)
        .map(|i| {
            let translated = PostText {
                title: format!("Summit {i}"),
                body: text.replace("la ", "the "),
                ..PostText::default()
            };
            units::from_text(&first, &[], &translated)
        })
        .collect();
    // An edit in the middle of the text, as a save would bring.
    let edited = text.replace("(50)", "(50, revu)");
    let body_before: Vec<_> = first[1..].to_vec();
    let s = Sample::take(200, || {
        let mut now = source::header_blocks(&title);
        now.extend(source::continue_ids(&body_before, &edited));
        for t in &translations {
            let status = units::status(&now, t);
            std::hint::black_box(units::counts(&status));
        }
    });
    println!(
        "split + ids + hashes + state of 3 translations ({} blocks): median {}, p99 {} (200 runs)",
        first.len(),
        ms(s.median()),
        ms(s.pct(0.99))
    );

    // The same through the library: a save of the source, which keeps block
    // ids and the translations' counts in its transaction.
    let path = dir.join("translation-bench.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let lib = Library::open(&path).unwrap();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Le sommet".into(),
            body: text.clone(),
            ..NewPost::default()
        })
        .unwrap();
    for lang in ["en", "es", "ar"] {
        lib.translations()
            .add(
                &post.id,
                lang,
                PostText {
                    title: format!("Summit {lang}"),
                    body: text.replace("la ", "the "),
                    ..PostText::default()
                },
            )
            .unwrap();
    }
    let mut n = 0;
    let s = Sample::take(200, || {
        n += 1;
        let mut t = lib.posts().get(&post.id, None).unwrap().text;
        t.body = text.replace("(50)", &format!("(50, {n})"));
        lib.posts()
            .save(SaveRequest {
                id: post.id.clone(),
                lang: "fr".into(),
                text: t,
                kind: RevisionKind::Autosave,
                revision_name: None,
                base: None,
                minor: false,
            })
            .unwrap();
    });
    println!(
        "autosave of the 5,000-word source with 3 translations (whole save): median {}, p99 {} (200 saves)",
        ms(s.median()),
        ms(s.pct(0.99))
    );
    let status = lib.translations().status(&post.id).unwrap();
    let s = Sample::take(200, || {
        std::hint::black_box(lib.translations().status(&post.id).unwrap());
    });
    println!(
        "translation status of that post (read, {} languages): median {}, p99 {}",
        status.languages.len(),
        ms(s.median()),
        ms(s.pct(0.99))
    );
}
