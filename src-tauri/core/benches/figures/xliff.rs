//! The XLIFF figures of `figures`: 100 posts exported for translators into
//! one XLIFF 1.2 file, and the translated file imported back.

use std::path::Path;
use std::time::Instant;

use valise_core::translation::xliff::ExportOptions;
use valise_core::{Library, NewPost};

use super::{ms, Sample};

/// A post of about 650 words with the inline kinds translators meet:
/// emphasis, strong, links, inline code, a list, a quote, a heading.
fn post_body(n: usize) -> String {
    let mut body = String::new();
    for p in 0..12 {
        if p % 4 == 0 {
            body.push_str(&format!("## Partie {} du billet {n}\n\n", p / 4 + 1));
        }
        body.push_str(&format!(
            "La négociation reprend à Genève avec les délégations du *sommet* sur le climat ({n}.{p}). \
             Les partenaires européens publient **leurs chiffres** et le [rapport](https://example.org/{n}/{p}) \
             détaille la coopération régionale, article `{p}` du texte adopté par consensus. \
             Chaque État devra publier ses engagements : qui protège quoi, et comment ?\n\n"
        ));
        if p % 4 == 2 {
            body.push_str("- un objectif chiffré ;\n- un suivi annuel ;\n- un fonds de soutien.\n\n> « Un océan en bonne santé est une condition de notre sécurité. »\n\n");
        }
    }
    body
}

/// Plays the translator: every target is its source with a few words
/// changed (`variant` makes two different translations), marked translated.
fn fill(doc: &str, variant: &str) -> String {
    let mut out = String::with_capacity(doc.len() * 2);
    let mut rest = doc;
    while let Some(start) = rest.find("<source xml:space=\"preserve\">") {
        let open = start + "<source xml:space=\"preserve\">".len();
        let end = open + rest[open..].find("</source>").unwrap();
        let t_start = end + rest[end..].find("<target").unwrap();
        let t_end = t_start + rest[t_start..].find("</target>").unwrap() + "</target>".len();
        out.push_str(&rest[..t_start]);
        out.push_str("<target xml:space=\"preserve\" state=\"translated\">");
        out.push_str(
            &rest[open..end]
                .replace("la ", variant)
                .replace("les ", variant),
        );
        out.push_str("</target>");
        rest = &rest[t_end..];
    }
    out.push_str(rest);
    out
}

pub fn xliff(dir: &Path) {
    println!("## xliff: 100 posts of ~650 words, one XLIFF 1.2 file");
    let path = dir.join("xliff-bench.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let lib = Library::open(&path).unwrap();
    let ids: Vec<String> = (0..100)
        .map(|n| {
            lib.posts()
                .create(NewPost {
                    title: format!("Le sommet, billet {n}"),
                    body: post_body(n),
                    ..NewPost::default()
                })
                .unwrap()
                .id
        })
        .collect();
    let options = ExportOptions::default();
    let mut size = 0;
    let s = Sample::take(10, || {
        size = lib.xliff().export(&ids, "en", options).unwrap().len();
    });
    println!(
        "export of 100 posts, no translation yet ({} KB): median {}, max {} (10 runs)",
        size / 1024,
        ms(s.median()),
        ms(s.pct(1.0))
    );
    let doc = lib.xliff().export(&ids, "en", options).unwrap();
    let (first, second) = (fill(&doc, "the "), fill(&doc, "a "));
    let file = Path::new("bench.xlf");
    let t = Instant::now();
    let imported = lib.xliff().import_text(file, &first).unwrap();
    let created = t.elapsed();
    assert_eq!(imported.len(), 100);
    assert!(imported.iter().all(|p| p.created));
    println!(
        "import of the translated file, 100 new translations: {}",
        ms(created)
    );
    let mut n = 0;
    let s = Sample::take(10, || {
        n += 1;
        let doc = if n % 2 == 1 { &second } else { &first };
        lib.xliff().import_text(file, doc).unwrap();
    });
    println!(
        "import of a changed translation of the 100 posts: median {}, max {} (10 runs)",
        ms(s.median()),
        ms(s.pct(1.0))
    );
    let s = Sample::take(10, || {
        std::hint::black_box(lib.xliff().export(&ids, "en", options).unwrap());
    });
    println!(
        "export of the 100 posts with their translations: median {}, max {} (10 runs)",
        ms(s.median()),
        ms(s.pct(1.0))
    );
}
