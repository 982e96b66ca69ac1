//! The audit figure of `figures`: `audit verify` of 100,000 entries (target
//! ≤ 2 s), and what its signature checks cost done one by one on one core,
//! which is why verify batches them on every core.

use std::path::Path;
use std::time::Instant;

use ed25519_dalek::{Signature, VerifyingKey};
use valise_core::workflow::keys::unhex;
use valise_core::workflow::{append, NewEntry};
use valise_core::{Desktop, Library, NewPost, Origin};

use super::{ms, Sample};

const ENTRIES: i64 = 100_000;

/// A library of 100,000 comments by three people on 200 posts, made once.
fn trail(dir: &Path) -> Library {
    let path = dir.join("audit-100k.sqlite3");
    let desktop = Desktop::in_dir(&dir.join("audit-desktop"));
    if path.exists() {
        let lib = Library::open(&path).unwrap().with_desktop(desktop.clone());
        if lib.audit().log(None).map(|l| l.len() as i64).ok() == Some(ENTRIES) {
            return lib;
        }
        drop(lib);
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let _ = std::fs::remove_dir_all(dir.join("audit-desktop"));
    let lib = Library::open(&path).unwrap().with_desktop(desktop);
    let t = Instant::now();
    super::add_enrolled(&lib, &["alice", "bob", "carol"]);
    let signers: Vec<_> = ["alice", "bob", "carol"]
        .iter()
        .map(|n| lib.people().signer(n).unwrap())
        .collect();
    let posts: Vec<String> = (0..200)
        .map(|i| {
            lib.posts()
                .create(NewPost {
                    title: format!("Billet {i}"),
                    ..NewPost::default()
                })
                .unwrap()
                .id
        })
        .collect();
    let mut n = 5; // founder, then an invitation and an enrolment for bob and carol
    while n < ENTRIES {
        // Batches of 1,000 per transaction, as a long day of acts would be.
        lib.write(Origin::Cli, |tx| {
            for _ in 0..1000.min(ENTRIES - n) {
                let i = n as usize;
                append(
                    tx,
                    &signers[i % 3],
                    NewEntry {
                        post: Some(posts[i % posts.len()].clone()),
                        step: Some("proofreading".into()),
                        kind: "comment".into(),
                        payload: serde_json::json!({ "comment": format!("Remarque numéro {i} sur le texte") }),
                    },
                )?;
                n += 1;
            }
            Ok(())
        })
        .unwrap();
    }
    println!(
        "(made the 100,000-entry trail in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    lib
}

pub fn audit(dir: &Path) {
    println!("## audit: verify a trail of 100,000 signed entries");
    let lib = trail(dir);
    let s = Sample::take(5, || {
        let report = lib.audit().verify().unwrap();
        assert!(report.intact && report.entries == ENTRIES as u64);
    });
    println!(
        "audit verify, 100,000 entries ({} cores): median {}, max {} (5 runs; target ≤ 2000 ms)",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        ms(s.median()),
        ms(s.pct(1.0))
    );
    // The parts, to show where the time goes and why verify batches.
    let entries = lib.audit().log(None).unwrap();
    let t = Instant::now();
    let _ = lib.audit().log(None).unwrap();
    println!("  reading the 100,000 entries: {}", ms(t.elapsed()));
    let t = Instant::now();
    for e in &entries {
        assert!(e.computed_hash().is_some());
    }
    println!(
        "  recomputing every entry hash (one core): {}",
        ms(t.elapsed())
    );
    let parsed: Vec<([u8; 32], Signature, VerifyingKey)> = entries
        .iter()
        .map(|e| {
            (
                unhex::<32>(&e.entry_hash).unwrap(),
                Signature::from_bytes(&unhex::<64>(&e.signature).unwrap()),
                VerifyingKey::from_bytes(&unhex::<32>(&e.author_key).unwrap()).unwrap(),
            )
        })
        .collect();
    let t = Instant::now();
    for (h, sig, key) in &parsed {
        key.verify_strict(h, sig).unwrap();
    }
    println!(
        "  signatures one by one on one core (verify_strict): {}",
        ms(t.elapsed())
    );
    for size in [64, 256, 1024, 4096] {
        let t = Instant::now();
        for chunk in parsed.chunks(size) {
            let msgs: Vec<&[u8]> = chunk.iter().map(|(h, _, _)| h.as_slice()).collect();
            let sigs: Vec<Signature> = chunk.iter().map(|(_, s, _)| *s).collect();
            let keys: Vec<VerifyingKey> = chunk.iter().map(|(_, _, k)| *k).collect();
            ed25519_dalek::verify_batch(&msgs, &sigs, &keys).unwrap();
        }
        println!(
            "  signatures in batches of {size} on one core (verify_batch): {}",
            ms(t.elapsed())
        );
    }
}
