//! `valise asset …` run as scripts would run it, with its refusals.

mod common;

use std::io::Cursor;
use std::path::PathBuf;

use common::{stderr, Lib};

fn png(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_fn(w, h, |x, _| image::Rgb([shade, (x % 256) as u8, 40]))
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn file(lib: &Lib, name: &str, bytes: &[u8]) -> String {
    let path: PathBuf = lib.dir.path().join("in").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn folder_files(lib: &Lib) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let root = lib.dir.path().join("library.sqlite3.assets");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn add_prints_one_id_per_file_and_language_files_join_one_asset() {
    let lib = Lib::new();
    let fr = file(&lib, "carte.fr.png", &png(40, 20, 1));
    let ar = file(&lib, "carte.ar.png", &png(40, 20, 2));
    let out = lib.ok(&[
        "asset",
        "add",
        &fr,
        &ar,
        "--credit",
        "Atelier graphique",
        "--licence",
        "CC BY 4.0",
    ]);
    let ids: Vec<&str> = out.lines().collect();
    assert_eq!(ids.len(), 2, "{out}");
    assert_eq!(ids[0], ids[1], "one asset, two variants");
    assert_eq!(ids[0].len(), 36);

    let shown = lib.json(&["asset", "show", &ids[0][..8], "--json"]);
    assert_eq!(shown["name"], "carte");
    assert_eq!(shown["credit"], "Atelier graphique");
    assert_eq!(shown["licence"], "CC BY 4.0");
    let langs: Vec<&str> = shown["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["lang"].as_str().unwrap())
        .collect();
    assert_eq!(langs, vec!["ar", "fr"]);
    assert_eq!(shown["variants"][1]["current"]["width"], 40);
    assert_eq!(
        shown["variants"][1]["current"]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    let list = lib.json(&["asset", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        list[0]["missing_alt"],
        serde_json::json!(["fr", "en", "es", "ar"])
    );
    let text = lib.ok(&["asset", "list"]);
    assert!(
        text.contains("carte\traster\tar,fr\t40×20\tno alt: fr,en,es,ar"),
        "{text}"
    );
}

#[test]
fn the_same_file_again_adds_nothing_and_says_so() {
    let lib = Lib::new();
    let a = file(&lib, "carte.png", &png(10, 10, 1));
    let id = lib.ok(&["asset", "add", &a]);
    let b = file(&lib, "copie.png", &png(10, 10, 1));
    let out = lib.run(&["asset", "add", &b]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), id);
    assert!(
        stderr(&out).contains("already in the library"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn set_writes_alt_and_caption_per_language_and_show_lists_versions_and_users() {
    let lib = Lib::new();
    let v1 = file(&lib, "v1/carte.png", &png(10, 10, 1));
    let id = lib.ok(&["asset", "add", &v1]).trim().to_string();
    let v2 = file(&lib, "v2/carte.png", &png(12, 10, 2));
    assert_eq!(lib.ok(&["asset", "add", &v2]).trim(), id);
    lib.ok(&[
        "asset",
        "set",
        &id,
        "--lang",
        "fr",
        "--alt",
        "Carte du réseau",
        "--caption",
        "Source : atelier",
    ]);
    lib.ok(&["asset", "set", &id, "--lang", "ar", "--alt", "خريطة"]);
    let post = lib.with_stdin(
        &["post", "new", "--title", "Sommet", "--body-file", "-"],
        &format!("![](asset:{})\n", &id[..8]),
    );

    let shown = lib.json(&["asset", "show", &id, "--json"]);
    let texts = shown["texts"].as_array().unwrap();
    assert_eq!(texts.len(), 2);
    assert_eq!(texts[1]["lang"], "fr");
    assert_eq!(texts[1]["alt"], "Carte du réseau");
    assert_eq!(texts[1]["caption"], "Source : atelier");
    assert_eq!(shown["variants"][0]["current"]["number"], 2);
    assert_eq!(shown["variants"][0]["older"][0]["number"], 1);
    assert_eq!(shown["used_by"][0]["post_id"], post.trim());

    let text = lib.ok(&["asset", "show", &id]);
    assert!(
        text.contains("variant all\tv2 (current)\tpng\t12×10"),
        "{text}"
    );
    assert!(text.contains("variant all\tv1\tpng\t10×10"), "{text}");
    assert!(text.contains("alt ar\tخريطة"), "{text}");
    assert!(
        text.contains(&format!("used by\t{}\tfr\tSommet", post.trim())),
        "{text}"
    );
}

#[test]
fn set_refuses_what_it_cannot_do() {
    let lib = Lib::new();
    let a = file(&lib, "carte.png", &png(10, 10, 1));
    let id = lib.ok(&["asset", "add", &a]).trim().to_string();
    let out = lib.run(&["asset", "set", &id, "--alt", "sans langue"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses --alt without --lang"
    );
    let out = lib.run(&["asset", "set", &id, "--lang", "de", "--alt", "Karte"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("'de' is not one of this library's languages"),
        "{}",
        stderr(&out)
    );
    let out = lib.run(&["asset", "set", "0000000000", "--lang", "fr", "--alt", "x"]);
    assert!(
        stderr(&out).contains("There is no asset 0000000000"),
        "{}",
        stderr(&out)
    );
    let out = lib.run(&["asset", "set", &id]);
    assert!(stderr(&out).contains("say what to set"), "{}", stderr(&out));
}

#[test]
fn file_gives_the_languages_variant_and_an_svg_as_sanitised() {
    let lib = Lib::new();
    let svg = file(
        &lib,
        "schema.es.svg",
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><script>alert(1)</script><rect width="80" height="40" onclick="x()"/></svg>"#,
    );
    let out = lib.run(&["asset", "add", &svg]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        stderr(&out).contains("removed a <script> element"),
        "{}",
        stderr(&out)
    );
    let to = lib.dir.path().join("out.svg");
    lib.ok(&[
        "asset",
        "file",
        &id,
        "--lang",
        "es",
        "--to",
        to.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&to).unwrap();
    assert!(
        written.contains("<rect") && !written.contains("script") && !written.contains("onclick"),
        "{written}"
    );
    // No Spanish-or-all file for French.
    let out = lib.run(&[
        "asset",
        "file",
        &id,
        "--lang",
        "fr",
        "--to",
        to.to_str().unwrap(),
    ]);
    assert!(
        stderr(&out).contains("has no file for fr"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn thumbnail_writes_a_png_that_fits_the_size_and_refuses_silly_sizes() {
    let lib = Lib::new();
    let a = file(&lib, "photo.png", &png(400, 200, 3));
    let id = lib.ok(&["asset", "add", &a]).trim().to_string();
    let to = lib.dir.path().join("thumb.png");
    lib.ok(&[
        "asset",
        "thumbnail",
        &id,
        "--to",
        to.to_str().unwrap(),
        "--size",
        "100",
    ]);
    let img = image::open(&to).unwrap();
    assert_eq!((img.width(), img.height()), (100, 50));
    let out = lib.run(&[
        "asset",
        "thumbnail",
        &id,
        "--to",
        to.to_str().unwrap(),
        "--size",
        "100000",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_bad_file_is_refused_by_name_and_the_good_ones_beside_it_are_added() {
    let lib = Lib::new();
    let good = file(&lib, "bon.png", &png(10, 10, 1));
    lib.ok(&["asset", "add", &good]);
    let before = folder_files(&lib);
    let whole = png(200, 200, 4);
    let cut = file(&lib, "coupe.png", &whole[..whole.len() / 2]);
    let empty = file(&lib, "vide.jpg", b"");
    let other = file(&lib, "autre.png", &png(10, 10, 7));
    let out = lib.run(&["asset", "add", &cut, &empty, &other]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("coupe.png was not added: the image is damaged or cut short"),
        "{err}"
    );
    assert!(
        err.contains("vide.jpg was not added: the file is empty"),
        "{err}"
    );
    assert!(err.contains("2 file(s) were not added"), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        1,
        "the good file is added"
    );
    let list = lib.json(&["asset", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Only the good file's own file and thumbnail were added to the folder.
    assert_eq!(folder_files(&lib).len(), before.len() + 2);
}

#[test]
fn watch_imports_a_file_dropped_in_the_folder_and_prints_it() {
    use std::io::BufRead;
    let lib = Lib::new();
    let dir = lib.dir.path().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("avant.png"), png(20, 20, 1)).unwrap();
    let mut child = lib
        .cmd(&["asset", "watch", dir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let next = || rx.recv_timeout(std::time::Duration::from_secs(20));
    let first = next().expect("the file there before the watch is imported");
    assert!(
        first.ends_with("avant.png") && first.contains("\tall\tnew asset\t"),
        "{first}"
    );
    std::fs::write(dir.join("avant.ar.png"), png(20, 20, 2)).unwrap();
    let second = next().expect("the dropped file is imported");
    let id = first.split('\t').next().unwrap();
    assert!(
        second.starts_with(&format!("{id}\tar\tnew variant\t")),
        "{second}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let shown = lib.json(&["asset", "show", id, "--json"]);
    assert_eq!(shown["variants"].as_array().unwrap().len(), 2);
}

#[test]
fn watch_refuses_a_folder_that_is_not_there() {
    let lib = Lib::new();
    let missing = lib.dir.path().join("nulle-part");
    let out = lib.run(&["asset", "watch", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nulle-part") && stderr(&out).contains("not a folder"),
        "{}",
        stderr(&out)
    );
}

/// Every row count of the library's change feed and asset tables: what a
/// refused command must leave as it was.
fn recorded(lib: &Lib) -> Vec<i64> {
    let c = rusqlite::Connection::open(lib.dir.path().join("library.sqlite3")).unwrap();
    ["change_sets", "assets", "asset_files", "asset_texts"]
        .iter()
        .map(|t| {
            c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect()
}

#[test]
fn delete_refuses_an_asset_in_use_until_forced_and_keeps_the_files() {
    let lib = Lib::new();
    let a = file(&lib, "carte.png", &png(10, 10, 1));
    let id = lib.ok(&["asset", "add", &a]).trim().to_string();
    let post = lib
        .with_stdin(
            &["post", "new", "--title", "Sommet", "--body-file", "-"],
            &format!("![](asset:{})\n", &id[..8]),
        )
        .trim()
        .to_string();
    let before = recorded(&lib);

    let out = lib.run(&["asset", "delete", &id[..8]]);
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    for part in ["«Sommet»", &post[..8], "--force"] {
        assert!(said.contains(part), "{part} missing from: {said}");
    }
    assert!(out.stdout.is_empty());
    assert_eq!(recorded(&lib), before, "nothing recorded");

    let out = lib.run(&["asset", "delete", &id[..8], "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), id);
    assert!(stderr(&out).contains(&post), "{}", stderr(&out));
    let out = lib.run(&["asset", "show", &id]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("There is no asset"),
        "{}",
        stderr(&out)
    );
    assert_eq!(lib.ok(&["asset", "list"]), "");
    assert!(
        !folder_files(&lib).is_empty(),
        "the file stays in the folder"
    );

    let out = lib.run(&["asset", "delete", &id]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("There is no asset"),
        "{}",
        stderr(&out)
    );
}
