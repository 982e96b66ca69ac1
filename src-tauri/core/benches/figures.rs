//! The figures of BENCHMARKS.md: `make bench` (or `cargo bench -p valise-core
//! --bench figures`). A plain binary rather than criterion because the targets are
//! percentiles (p99), not means. Libraries are generated once into target/bench/.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use valise_core::transfer::ParsedFile;
use valise_core::{Library, ListQuery, PostText, RevisionKind, SaveRequest};

// Start-up and memory of the real app: a section of its own.
#[path = "figures/startup.rs"]
mod startup;
use startup::startup;

// Blocks and translation states.
#[path = "figures/translation.rs"]
mod translation;

// Sign-off: the content hash and the board's evaluation.
#[path = "figures/signoff.rs"]
mod signoff;

// XLIFF export and import for translators.
#[path = "figures/xliff.rs"]
mod xliff;

// The signed audit trail.
#[path = "figures/audit.rs"]
mod audit;

// Sync: the engine's own cost, the backend in memory.
#[path = "figures/sync.rs"]
mod sync;

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    let wants = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    if wants("render") {
        render(&dir);
    }
    if wants("preview") {
        preview();
    }
    if wants("library") {
        library(&dir);
    }
    if wants("translation") {
        translation::translation(&dir);
    }
    if wants("xliff") {
        xliff::xliff(&dir);
    }
    if wants("signoff") {
        signoff::signoff();
        signoff::stored(&dir);
    }
    if wants("audit") {
        audit::audit(&dir);
    }
    if wants("sync") {
        sync::sync_figures(&dir);
    }
    if wants("startup") {
        startup(&dir);
    }
}

// ---------------------------------------------------------------- timing

struct Sample(Vec<Duration>);

impl Sample {
    fn take(n: usize, mut f: impl FnMut()) -> Sample {
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            f();
            times.push(t.elapsed());
        }
        times.sort();
        Sample(times)
    }
    fn pct(&self, p: f64) -> Duration {
        let i = ((self.0.len() as f64 - 1.0) * p).round() as usize;
        self.0[i]
    }
    fn median(&self) -> Duration {
        self.pct(0.5)
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

// ---------------------------------------------------------------- text

/// A small deterministic generator (xorshift), so every run builds the same data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const COMMON: &[&str] = &[
    "de", "la", "le", "et", "les", "des", "en", "un", "une", "du", "à", "pour", "dans", "sur",
    "que", "qui", "est", "au", "par", "avec", "plus", "pas", "ce", "se", "son", "sa", "ont", "été",
];
const DOMAIN: &[&str] = &[
    "négociation",
    "délégation",
    "accord",
    "climat",
    "Genève",
    "sommet",
    "ministre",
    "coopération",
    "ambassade",
    "consulat",
    "sécurité",
    "développement",
    "océans",
    "commerce",
    "réunion",
    "traité",
    "conférence",
    "présidence",
    "européenne",
    "humanitaire",
    "santé",
    "éducation",
    "culture",
    "diplomatie",
    "partenaires",
    "engagement",
    "financement",
    "déclaration",
    "réfugiés",
    "énergie",
];
const SYLLABLES: &[&str] = &[
    "ba", "cé", "di", "fo", "gu", "ka", "lé", "mi", "no", "pu", "ra", "sé", "ti", "vo", "zu",
    "tra", "pri", "clo", "dré", "gna",
];

/// French-looking text: mostly very common words, a domain vocabulary, and a long
/// tail of rare words (as real archives have names and places).
fn words(rng: &mut Rng, n: usize) -> String {
    let mut out = String::with_capacity(n * 8);
    for i in 0..n {
        let roll = rng.below(100);
        let word = if roll < 55 {
            COMMON[rng.below(COMMON.len())].to_string()
        } else if roll < 80 {
            DOMAIN[rng.below(DOMAIN.len())].to_string()
        } else {
            (0..2 + rng.below(3))
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect()
        };
        out.push_str(&word);
        out.push(if i % 17 == 16 { '.' } else { ' ' });
        if i % 80 == 79 {
            out.push_str("\n\n");
        }
    }
    out
}

fn parsed(rng: &mut Rng, i: usize, body_words: usize) -> ParsedFile {
    ParsedFile {
        path: PathBuf::from(format!("generated-{i}")),
        lang: Some("fr".into()),
        created_at: Some(1_700_000_000_000 + i as i64 * 60_000),
        updated_at: Some(1_700_000_000_000 + i as i64 * 60_000),
        text: PostText {
            title: words(rng, 6).trim().to_string(),
            body: words(rng, body_words),
            tags: vec![DOMAIN[rng.below(DOMAIN.len())].to_string()],
            ..PostText::default()
        },
        group: None,
    }
}

/// A library of `n` posts of `body_words` words, built once and kept.
fn generated_library(dir: &Path, n: usize, body_words: usize) -> PathBuf {
    let path = dir.join(format!("library-{n}-{body_words}w-v2.sqlite3"));
    if path.exists() {
        return path;
    }
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let t = Instant::now();
    let lib = Library::open(&partial).unwrap();
    let mut rng = Rng(0x5eed_0000 + n as u64);
    for chunk in 0..n.div_ceil(5_000) {
        let batch = (chunk * 5_000..((chunk + 1) * 5_000).min(n))
            .map(|i| parsed(&mut rng, i, body_words))
            .collect();
        lib.transfer().import_parsed(batch).unwrap();
    }
    drop(lib);
    std::fs::rename(&partial, &path).unwrap();
    eprintln!(
        "built {} in {:.1} s",
        path.display(),
        t.elapsed().as_secs_f64()
    );
    path
}

// ---------------------------------------------------------------- figures

fn render(dir: &Path) {
    println!("## render + sanitise + typography");
    let mut rng = Rng(42);
    let demo = std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../demo"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<Vec<_>>()
        .join("\n\n");
    // About 10 MB of French Markdown: the demo posts (headings, lists, tables,
    // quotes, footnotes, links) between generated paragraphs.
    let mut doc = String::new();
    while doc.len() < 10_000_000 {
        doc.push_str(&demo);
        doc.push_str("\n\n");
        doc.push_str(&words(&mut rng, 400));
        doc.push_str("\n\n");
    }
    let file = dir.join("render-sample.md");
    std::fs::write(&file, &doc).unwrap();
    let mb = doc.len() as f64 / 1e6;
    let opts = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_FOOTNOTES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_TASKLISTS;
    let with_html = format!("{doc}\n\n<span title=\"x\">du HTML brut</span> dans le texte.\n");
    let has_cmark = Command::new("cmark").arg("--version").output().is_ok();
    // Interleaved rounds: the machine's speed drifts (shared, virtualised), and
    // interleaving makes the drift fall on every renderer alike.
    let (mut bare, mut ours, mut sanitised, mut cmark) = (vec![], vec![], vec![], vec![]);
    for _ in 0..15 {
        bare.extend(
            Sample::take(1, || {
                let mut html = String::new();
                pulldown_cmark::html::push_html(
                    &mut html,
                    pulldown_cmark::Parser::new_ext(&doc, opts),
                );
                std::hint::black_box(html);
            })
            .0,
        );
        ours.extend(
            Sample::take(1, || {
                std::hint::black_box(valise_core::render::to_html(&doc, "fr"));
            })
            .0,
        );
        sanitised.extend(
            Sample::take(1, || {
                std::hint::black_box(valise_core::render::to_html(&with_html, "fr"));
            })
            .0,
        );
        if has_cmark {
            cmark.extend(
                Sample::take(1, || {
                    let out = Command::new("cmark").arg(&file).output().unwrap();
                    assert!(out.status.success());
                    std::hint::black_box(out.stdout);
                })
                .0,
            );
        }
    }
    let sorted = |mut v: Vec<Duration>| {
        v.sort();
        Sample(v)
    };
    let (bare, ours, sanitised) = (sorted(bare), sorted(ours), sorted(sanitised));
    let cmark = has_cmark.then(|| sorted(cmark));
    let rate = |s: &Sample| mb / s.median().as_secs_f64();
    println!("file: {} ({:.1} MB)", file.display(), mb);
    println!(
        "bare pulldown-cmark:           median {} = {:.0} MB/s",
        ms(bare.median()),
        rate(&bare)
    );
    println!(
        "valise render (fr):            median {} = {:.0} MB/s",
        ms(ours.median()),
        rate(&ours)
    );
    println!(
        "valise render, raw HTML in it: median {} = {:.0} MB/s (whole output sanitised)",
        ms(sanitised.median()),
        rate(&sanitised)
    );
    println!(
        "ratio valise / bare pulldown:  {:.2}",
        rate(&ours) / rate(&bare)
    );
    match cmark {
        Some(c) => {
            println!(
                "cmark (Debian, process):       median {} = {:.0} MB/s",
                ms(c.median()),
                rate(&c)
            );
            println!(
                "ratio valise / cmark:          {:.2}",
                rate(&ours) / rate(&c)
            );
        }
        None => println!("cmark: not installed (apt-get install cmark)"),
    }
}

fn preview() {
    println!("## preview of a 5,000-word post (core side of a keystroke)");
    let mut rng = Rng(7);
    let body = words(&mut rng, 5_000);
    let mut edited = body.clone();
    let s = Sample::take(200, || {
        edited.push('x');
        std::hint::black_box(valise_core::render::preview(&edited, "fr"));
    });
    println!(
        "render + stats: median {}, p99 {}",
        ms(s.median()),
        ms(s.pct(0.99))
    );
}

fn library(dir: &Path) {
    println!("## library of 100,000 posts");
    let path = generated_library(dir, 100_000, 200);
    let lib = Library::open(&path).unwrap();
    let size = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
    println!("file: {} ({size:.0} MB)", path.display());

    let list = Sample::take(500, || {
        std::hint::black_box(lib.posts().list(&ListQuery::default()).unwrap());
    });
    println!(
        "list newest 100: median {}, p99 {}",
        ms(list.median()),
        ms(list.pct(0.99))
    );

    let queries: &[(&str, &[&str])] = &[
        (
            "two very common words",
            &["de la", "les et", "pour une", "avec des"],
        ),
        (
            "common + domain word",
            &["la négociation", "accord de", "sommet des", "climat et"],
        ),
        (
            "two domain words",
            &[
                "negociation geneve",
                "climat sommet",
                "traité commerce",
                "santé éducation",
            ],
        ),
        (
            "a word being typed (prefix)",
            &["la négoc", "sommet délég", "climat coopér", "traité comm"],
        ),
        (
            "generated names",
            &["bacédi tra", "kaléminopu zu", "gnaprivo clo", "dréba séti"],
        ),
    ];
    let mut all = Vec::new();
    for (class, qs) in queries {
        let mut times = Vec::new();
        for q in qs.iter() {
            // Warm once, as after the first keystroke.
            lib.search().run(q, 20).unwrap();
            let s = Sample::take(25, || {
                std::hint::black_box(lib.search().run(q, 20).unwrap());
            });
            times.extend(s.0);
        }
        times.sort();
        let s = Sample(times);
        println!(
            "search, {class}: median {}, p99 {}",
            ms(s.median()),
            ms(s.pct(0.99))
        );
        all.extend(s.0);
    }
    all.sort();
    let all = Sample(all);
    println!(
        "search, all 2-term queries: median {}, p99 {}",
        ms(all.median()),
        ms(all.pct(0.99))
    );

    // Autosave of an 800-word post in the same library, alone, then while
    // another thread searches without pause (and the searches' times then).
    let mut rng = Rng(99);
    let post = lib
        .posts()
        .create(valise_core::NewPost {
            title: "Autosave".into(),
            body: words(&mut rng, 800),
            ..Default::default()
        })
        .unwrap();
    let mut text = post.text.clone();
    let mut base = post.revision;
    let mut i = 0;
    let mut autosave = |lib: &Library| {
        i += 1;
        text.body
            .push_str(if i % 2 == 0 { " mot" } else { " autre" });
        let saved = lib
            .posts()
            .save(SaveRequest {
                id: post.id.clone(),
                lang: post.lang.clone(),
                text: text.clone(),
                kind: RevisionKind::Autosave,
                revision_name: None,
                base: Some(base),
                minor: false,
            })
            .unwrap();
        base = saved.post.revision;
    };
    let s = Sample::take(300, || autosave(&lib));
    println!(
        "autosave of an 800-word post: median {}, p99 {}",
        ms(s.median()),
        ms(s.pct(0.99))
    );

    let stop = std::sync::atomic::AtomicBool::new(false);
    let (saves, searches) = std::thread::scope(|scope| {
        let searcher = scope.spawn(|| {
            let mut times = Vec::new();
            let qs = ["la négociation", "de la", "climat sommet", "traité comm"];
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for q in qs {
                    let t = Instant::now();
                    std::hint::black_box(lib.search().run(q, 20).unwrap());
                    times.push(t.elapsed());
                }
            }
            times
        });
        // Let the search loop get going before measuring the saves.
        std::thread::sleep(std::time::Duration::from_millis(200));
        // Only the save is timed: an autosave follows a pause in typing, which
        // comes after it, outside the clock.
        let mut times = Vec::with_capacity(300);
        for _ in 0..300 {
            let t = Instant::now();
            autosave(&lib);
            times.push(t.elapsed());
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        times.sort();
        let saves = Sample(times);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut searches = searcher.join().unwrap();
        searches.sort();
        (saves, Sample(searches))
    });
    println!(
        "autosave while a search loop runs: median {}, p99 {} ({} saves)",
        ms(saves.median()),
        ms(saves.pct(0.99)),
        saves.0.len()
    );
    println!(
        "search while autosaves run: median {}, p99 {} ({} searches)",
        ms(searches.median()),
        ms(searches.pct(0.99)),
        searches.0.len()
    );
    lib.posts().delete(&post.id).unwrap();
}
