//! Test vectors for the WordPress plugin's PHP copy of two rules: the canonical
//! content hash v1 (`rules::content`) and the audit entry's hash and Ed25519
//! signature (`audit`). The plugin re-implements them to check approvals on the
//! server; `tests/wordpress/check` runs the PHP side against this file, and this
//! test fails when the committed file no longer matches what Rust computes, so
//! the two implementations cannot drift apart silently.
//! `VALISE_WRITE_VECTORS=1 cargo test -p valise-core --lib wp_vectors` rewrites it.

use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{json, Value};

use super::audit::{canonical_hash, Fields, GENESIS};
use super::keys::hex;
use super::rules::content::canonical_field;
use super::rules::{content_hash, AssetRef, VersionContent};

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/src/backends/wordpress/plugin/tests/vectors.json"
);

fn version(lang: &str, title: &str, body: &str) -> VersionContent {
    VersionContent {
        lang: lang.into(),
        title: title.into(),
        body: body.into(),
        ..VersionContent::default()
    }
}

/// Inputs chosen to exercise each normalisation the PHP side must copy.
fn field_inputs() -> Vec<&'static str> {
    vec![
        "",
        "plain",
        "trailing spaces   ",
        "  leading kept",
        "crlf\r\nline\r\n",
        "lone\rcr\rends",
        "mixed \t\r\n\r\n\n\n",
        "decomposed e\u{301}te\u{301}",
        "Angstrom \u{212B} and Ohm \u{2126}",
        "nbsp\u{a0}\nideographic\u{3000}\nnel\u{85}\nem space\u{2003}\nnarrow\u{202f}\nline sep\u{2028}x",
        "zero width stays\u{200b}",
        "vertical tab\u{b}\nform feed\u{c}",
        "\n\n\nonly leading newlines",
        "عربي مع مسافة  \nسطر",
        "emoji 🇫🇷 \u{1F600}  ",
    ]
}

fn content_cases() -> Vec<(&'static str, Vec<VersionContent>)> {
    let full = VersionContent {
        lang: "fr".into(),
        title: "Le sommet de Nice  ".into(),
        summary: "Ce qui a e\u{301}te\u{301} de\u{301}cide\u{301}.\r\n".into(),
        body: "## Ouverture  \r\n\r\nLe sommet s'ouvre lundi.\t\r\n\r\n- un \r\n- deux\r\n".into(),
        share_text: "Le sommet s'ouvre lundi #Nice".into(),
        tags: vec![
            "sommet".into(),
            " climat ".into(),
            "".into(),
            "climat".into(),
            "  ".into(),
            "Été".into(),
        ],
        place_line: "Nice, 12 mars 2026".into(),
        assets: vec![
            AssetRef {
                id: "b".into(),
                checksum: "2".into(),
            },
            AssetRef {
                id: "a".into(),
                checksum: "9".into(),
            },
            AssetRef {
                id: "b".into(),
                checksum: "2".into(),
            },
        ],
    };
    let ar = VersionContent {
        lang: "ar".into(),
        title: "قمة نيس".into(),
        summary: "ما تقرر.".into(),
        body: "افتتاح القمة يوم الاثنين.\n".into(),
        share_text: "".into(),
        tags: vec!["مناخ".into()],
        place_line: "نيس".into(),
        assets: Vec::new(),
    };
    vec![
        ("no versions", vec![]),
        ("one empty version", vec![VersionContent::default()]),
        ("one plain version", vec![version("en", "Title", "Body")]),
        ("every field, untidy", vec![full.clone()]),
        ("two languages", vec![full.clone(), ar.clone()]),
        ("two languages, other order", vec![ar.clone(), full.clone()]),
        (
            "text moved from title to body",
            vec![version("en", "Title B", "ody")],
        ),
        (
            "text moved from title to body, other side",
            vec![version("en", "Title ", "Body")],
        ),
        (
            "language code with spaces",
            vec![version(" en ", "Title", "Body")],
        ),
    ]
}

/// Fixed seeds: Ed25519 signatures are deterministic, so PHP's sodium must
/// produce the very same bytes from the same seed and hash.
fn audit_cases() -> Vec<Value> {
    let seeds = [[7u8; 32], [42u8; 32]];
    let mut out = Vec::new();
    for (i, seed) in seeds.iter().enumerate() {
        let key = SigningKey::from_bytes(seed);
        let author_key = hex(key.verifying_key().as_bytes());
        let post = (i == 0).then_some("3f1c2b7a-0000-4000-8000-00000000000a");
        let step = (i == 0).then_some("proofreading");
        let payload = if i == 0 {
            r#"{"comment":"ok, très bien","content_hash":"v1:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}"#
        } else {
            r#"{"chain":{"steps":[]}}"#
        };
        let id = format!("5a0c1f44-0000-4000-8000-00000000000{i}");
        let author = format!("9b1d0e2a-0000-4000-8000-00000000000{i}");
        let prev = if i == 0 {
            GENESIS.to_string()
        } else {
            "ab".repeat(32)
        };
        let fields = Fields {
            seq: i as i64 + 1,
            id: &id,
            at: 1_795_000_000_123 + i as i64,
            author: &author,
            author_key: &author_key,
            post,
            step,
            kind: if i == 0 { "approve" } else { "chain_changed" },
            payload,
            prev_hash: &prev,
        };
        let hash = canonical_hash(&fields);
        out.push(json!({
            "seed": hex(seed),
            "entry": {
                "seq": fields.seq,
                "id": fields.id,
                "format": 1,
                "at_ms": fields.at,
                "author": fields.author,
                "author_key": fields.author_key,
                "post": fields.post,
                "step": fields.step,
                "kind": fields.kind,
                "payload": fields.payload,
                "prev_hash": fields.prev_hash,
            },
            "entry_hash": hex(&hash),
            "signature": hex(&key.sign(&hash).to_bytes()),
        }));
    }
    out
}

fn vectors() -> Value {
    json!({
        "about": "Written by valise-core's wp_vectors test; checked by tests/wordpress/check. Do not edit by hand.",
        "canonical_field": field_inputs()
            .into_iter()
            .map(|s| json!({ "input": s, "output": canonical_field(s) }))
            .collect::<Vec<_>>(),
        "content_hash": content_cases()
            .into_iter()
            .map(|(name, versions)| json!({
                "name": name,
                "versions": versions,
                "hash": content_hash(&versions).to_string(),
            }))
            .collect::<Vec<_>>(),
        "audit": audit_cases(),
    })
}

#[test]
fn the_plugin_test_vectors_match_the_rust_rules() {
    let text = serde_json::to_string_pretty(&vectors()).expect("plain JSON values") + "\n";
    if std::env::var_os("VALISE_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(FILE).parent().unwrap()).unwrap();
        std::fs::write(FILE, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(FILE).unwrap_or_default();
    assert!(
        committed == text,
        "{FILE} does not match the Rust rules: rewrite it with \
         `VALISE_WRITE_VECTORS=1 cargo test -p valise-core --lib wp_vectors`, \
         then run tests/wordpress/check so the PHP side is checked against it"
    );
}

#[test]
fn moved_text_and_language_order_behave_as_the_vectors_claim() {
    // The vectors are only worth checking if they contain the distinctions the
    // PHP side must reproduce: moved text differs, language order does not.
    let cases = content_cases();
    let hash = |name: &str| {
        let (_, v) = cases.iter().find(|(n, _)| *n == name).unwrap();
        content_hash(v)
    };
    assert_ne!(
        hash("text moved from title to body"),
        hash("text moved from title to body, other side")
    );
    assert_eq!(hash("two languages"), hash("two languages, other order"));
    assert_eq!(hash("language code with spaces"), hash("one plain version"));
}
