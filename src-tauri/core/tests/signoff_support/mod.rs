//! A library with people, a chain and a post, shared by the sign-off tests.

pub use std::path::PathBuf;
pub use std::sync::Arc;

pub use valise_core::clock::ManualClock;
pub use valise_core::workflow::rules::{CheckCode, OverallState, Refusal, StepState};
pub use valise_core::{
    Desktop, Error, Library, NewPost, Origin, PostText, RecordKind, RevisionKind, SaveRequest,
};

pub const T0: i64 = 1_795_000_000_000;
pub const DAY: i64 = 86_400_000;

pub struct Setup {
    pub _dir: tempfile::TempDir,
    pub lib: Library,
    pub clock: ManualClock,
    pub post: String,
}

pub const CHAIN: &str = "steps:
  - name: proofreading
    signers: [alice, bob]
  - name: head
    signers: [carol]
";

/// A library founded by admin on a desktop of their own, with alice, bob,
/// carol, dave and ed (the editor) invited by admin and enrolled on the test's
/// desktop (which chooses nobody as "me"), `chain` set by ed, and a French post
/// "Le sommet".
pub fn setup(chain: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("library.sqlite3");
    let clock = ManualClock::starting_at(T0);
    let lib = Library::open_with(&path, Origin::Cli, Arc::new(clock.clone()))
        .unwrap()
        .with_desktop(Desktop::in_dir(&dir.path().join("desk")));
    let founding = Library::open_with(&path, Origin::Cli, Arc::new(clock.clone()))
        .unwrap()
        .with_desktop(Desktop::in_dir(&dir.path().join("admin-desk")));
    enrol_people(&founding, &lib, &["alice", "bob", "carol", "dave", "ed"]);
    lib.workflow()
        .set_chain(&signer(&lib, "ed"), chain)
        .unwrap();
    let post = lib
        .posts()
        .create(NewPost {
            title: "Le sommet".into(),
            body: "La délégation part lundi.\n\nElle rentre vendredi.".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    Setup {
        _dir: dir,
        lib,
        clock,
        post,
    }
}

/// Founds `founding`'s library as admin (if nobody is there yet), then invites
/// each of `names` as admin and enrols them on `here`'s desktop with the code.
pub fn enrol_people(founding: &Library, here: &Library, names: &[&str]) {
    if founding.people().list().unwrap().is_empty() {
        founding
            .people()
            .add(None, "admin", "admin@example.org", None)
            .unwrap();
    }
    for name in names {
        let added = founding
            .people()
            .add(Some("admin"), name, &format!("{name}@example.org"), None)
            .unwrap();
        let code = added.code.expect("an invited person gets a code");
        here.people().enrol(name, code.as_str()).unwrap();
    }
}

pub fn signer(lib: &Library, name: &str) -> valise_core::Signer {
    lib.people().signer(name).unwrap()
}

impl Setup {
    pub fn submit(&self) {
        self.lib
            .signoff()
            .submit(&signer(&self.lib, "ed"), &self.post, None, "à relire")
            .unwrap();
    }

    pub fn approve(&self, who: &str, step: &str) -> valise_core::Result<valise_core::AuditEntry> {
        self.lib
            .signoff()
            .approve(&signer(&self.lib, who), &self.post, step, "", None, None)
    }

    pub fn edit(&self, lang: &str, body: &str) {
        let current = self.lib.posts().get(&self.post, Some(lang)).unwrap();
        self.lib
            .posts()
            .save(SaveRequest {
                id: self.post.clone(),
                lang: lang.into(),
                text: PostText {
                    body: body.into(),
                    ..current.text
                },
                kind: RevisionKind::Edit,
                revision_name: None,
                base: None,
                minor: false,
            })
            .unwrap();
    }

    pub fn state(&self) -> OverallState {
        self.lib
            .signoff()
            .status(&self.post, None)
            .unwrap()
            .signoff
            .state
    }

    pub fn step_state(&self, i: usize) -> StepState {
        self.lib
            .signoff()
            .status(&self.post, None)
            .unwrap()
            .signoff
            .steps[i]
            .state
    }

    pub fn kinds(&self) -> Vec<String> {
        self.lib
            .audit()
            .log(Some(&self.post))
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }
}

pub fn refusal(r: valise_core::Result<valise_core::AuditEntry>) -> Refusal {
    match r {
        Err(Error::SignoffRefused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}
