//! The watched folder: a file written slowly is imported once, complete; files
//! there before the watch starts are picked up; temporary files are ignored;
//! an asset deleted in the library does not come back from the folder.

use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use valise_core::assets::watch::Seen;
use valise_core::{Library, Origin, RecordKind};

fn png(w: u32, shade: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_fn(w, 200, |x, y| {
        image::Rgb([shade, (x * y % 251) as u8, (x % 256) as u8])
    })
    .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
    .unwrap();
    out
}

/// Waits until `done` holds (the watcher runs on its own thread), at most 20 s.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "gave up waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_file_written_slowly_is_imported_once_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Arc::new(Library::open(dir.path().join("library.sqlite3")).unwrap());
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    // There before the watch: picked up at start.
    std::fs::write(exports.join("avant.png"), png(50, 1)).unwrap();
    std::fs::write(exports.join(".cache.png"), png(50, 2)).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let watcher = {
        let (lib, stop, seen, exports) = (lib.clone(), stop.clone(), seen.clone(), exports.clone());
        std::thread::spawn(move || {
            lib.assets()
                .watch(&[exports], Duration::from_millis(400), &stop, |s| {
                    seen.lock().unwrap().push(s)
                })
                .unwrap();
        })
    };
    let imported = |seen: &Mutex<Vec<Seen>>, name: &str| {
        seen.lock()
            .unwrap()
            .iter()
            .filter(
                |s| matches!(s, Seen::Imported { path, .. } if path.file_name().unwrap() == name),
            )
            .count()
    };
    wait_for("the file there before", || {
        imported(&seen, "avant.png") == 1
    });

    let whole = png(300, 3);
    let path = exports.join("carte.es.png");
    let mut f = std::fs::File::create(&path).unwrap();
    for chunk in whole.chunks(whole.len() / 4 + 1) {
        f.write_all(chunk).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }
    drop(f);
    std::fs::write(exports.join("carte.es.png.part"), b"half").unwrap();
    wait_for("the slow file", || imported(&seen, "carte.es.png") == 1);
    // Another look after it settled imports nothing more.
    std::thread::sleep(Duration::from_millis(900));
    stop.store(true, Ordering::Relaxed);
    watcher.join().unwrap();

    assert_eq!(imported(&seen, "carte.es.png"), 1, "{seen:?}");
    let seen = seen.lock().unwrap();
    assert!(
        !seen.iter().any(
            |s| matches!(s, Seen::Imported { path, .. } | Seen::Refused { path, .. }
        if path.to_string_lossy().contains(".part") || path.to_string_lossy().contains(".cache"))
        ),
        "{seen:?}"
    );
    let list = lib.assets().list().unwrap();
    let names: Vec<&str> = list.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["avant", "carte"]);
    let carte = lib.assets().get(&list[1].id).unwrap();
    assert_eq!(carte.variants[0].lang.as_deref(), Some("es"));
    let stored = std::fs::read(
        lib.asset_folder()
            .path_of(&carte.variants[0].current.sha256),
    )
    .unwrap();
    assert_eq!(stored, whole, "the complete file, never a half");
    // Its changes come from the watched folder.
    let sets = lib.changes().since(0, 100).unwrap();
    assert!(
        sets.iter()
            .all(|s| s.origin == Origin::Watcher && s.changes[0].kind == RecordKind::Asset),
        "{sets:?}"
    );
}

/// One look at `exports` by a watch that runs 1.5 s, then stops.
fn run(lib: &Library, exports: &Path) -> Vec<Seen> {
    let stop = AtomicBool::new(false);
    let mut seen = Vec::new();
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(1500));
            stop.store(true, Ordering::Relaxed);
        });
        lib.assets()
            .watch(
                &[exports.to_owned()],
                Duration::from_millis(200),
                &stop,
                |x| seen.push(x),
            )
            .unwrap();
    });
    seen
}

#[test]
fn a_restarted_watch_adds_no_duplicate_and_takes_a_changed_file_as_a_version() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path().join("library.sqlite3")).unwrap();
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    std::fs::write(exports.join("carte.fr.png"), png(40, 1)).unwrap();
    run(&lib, &exports);
    // Closed; the designer changes the file meanwhile.
    std::fs::write(exports.join("carte.fr.png"), png(44, 2)).unwrap();
    run(&lib, &exports);
    run(&lib, &exports);
    let list = lib.assets().list().unwrap();
    assert_eq!(list.len(), 1);
    let asset = lib.assets().get(&list[0].id).unwrap();
    assert_eq!(asset.variants.len(), 1);
    assert_eq!(asset.variants[0].current.number, 2);
    assert_eq!(asset.variants[0].current.width, Some(44));
}

#[test]
fn a_deleted_asset_does_not_come_back_from_the_folder_unless_added_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path().join("library.sqlite3")).unwrap();
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    std::fs::write(exports.join("carte.fr.png"), png(40, 1)).unwrap();
    std::fs::write(exports.join("plan.png"), png(40, 2)).unwrap();
    run(&lib, &exports);
    let list = lib.assets().list().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let carte = list.iter().find(|a| a.name == "carte").unwrap().id.clone();
    lib.assets().delete(&carte, false).unwrap();

    // The folder still holds the file: the next looks leave it deleted.
    for _ in 0..2 {
        let seen = run(&lib, &exports);
        assert!(
            seen.iter().any(|s| matches!(s,
                Seen::OfDeletedAsset { asset_id, .. } if *asset_id == carte)),
            "{seen:?}"
        );
        let names: Vec<String> = lib
            .assets()
            .list()
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["plan"]);
    }
    // A new export under the same name is a new file: it is taken.
    std::fs::write(exports.join("carte.fr.png"), png(44, 3)).unwrap();
    run(&lib, &exports);
    assert_eq!(lib.assets().list().unwrap().len(), 2);

    // The old file added by hand comes back, and the folder then knows it.
    let old = dir.path().join("ancienne-carte.fr.png");
    std::fs::write(&old, png(40, 1)).unwrap();
    let back = lib.assets().add_files(&[old]);
    assert_eq!(back.added.len(), 1, "{:?}", back.failed);
    std::fs::write(exports.join("copie.fr.png"), png(40, 1)).unwrap();
    let seen = run(&lib, &exports);
    assert!(
        seen.iter().any(
            |s| matches!(s, Seen::Known { asset_id, .. } if *asset_id == back.added[0].asset_id)
        ),
        "{seen:?}"
    );
}
