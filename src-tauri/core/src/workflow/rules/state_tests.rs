//! The chain's rules, played as people would: each act is checked by `check`
//! before it is recorded, as the wiring will do, then the post is evaluated.

use super::*;

const DAY: i64 = 86_400_000;
const T0: i64 = 1_773_273_600_000;

fn people() -> Vec<String> {
    ["alice", "bob", "carol", "dave", "erin", "ed"]
        .map(String::from)
        .to_vec()
}

fn chain(yaml: &str) -> Chain {
    let langs = ["fr", "en", "es", "ar"].map(String::from);
    Chain::from_yaml(yaml, &people(), &langs).unwrap()
}

/// proofreading: alice or bob; head: carol (dave signs for her); press: all of erin, bob.
fn three_steps() -> Chain {
    chain(
        "steps:
  - {name: proofreading, signers: [alice, bob]}
  - {name: head, signers: [carol]}
  - {name: press, signers: [erin, bob], required: all}
delegations:
  - {signer: carol, delegate: dave}
",
    )
}

fn version(lang: &str, body: &str) -> VersionContent {
    VersionContent {
        lang: lang.into(),
        title: format!("Titre {lang}"),
        body: body.into(),
        ..VersionContent::default()
    }
}

/// A post under sign-off, in memory.
struct Post {
    chain: Chain,
    versions: Vec<VersionContent>,
    acts: Vec<Act>,
    now: i64,
}

impl Post {
    fn new(chain: Chain) -> Self {
        Post {
            chain,
            versions: vec![
                version("fr", "Le sommet s'ouvre lundi."),
                version("en", "Monday."),
            ],
            acts: Vec::new(),
            now: T0,
        }
    }

    fn status(&self) -> PostSignoff {
        let current = scope_hashes(&self.chain, &self.versions);
        evaluate(&self.chain, &self.acts, &current, self.now)
            .expect("the hashes come from the same chain")
    }

    /// Checks and records `p`, as the wiring will.
    fn act(&mut self, p: Proposal) -> Result<(), Refusal> {
        check(&self.chain, &self.status(), &p)?;
        let current = scope_hashes(&self.chain, &self.versions);
        let hash = match &p.step {
            Some(s) => current[self.chain.step(s).unwrap().0],
            None => content_hash(&self.versions),
        };
        self.now += 60_000;
        self.acts.push(Act {
            seq: self.acts.len() as i64 + 1,
            kind: p.kind.unwrap(),
            step: p.step,
            by: p.by,
            on_behalf_of: p.on_behalf_of,
            at: self.now,
            due: p.due,
            comment: p.comment,
            content_hash: hash,
        });
        Ok(())
    }

    fn submit(&mut self, by: &str) {
        self.act(Proposal::new(ActKind::Submit, by)).unwrap();
    }

    fn approve(&mut self, by: &str, step: &str) -> Result<(), Refusal> {
        self.act(Proposal::new(ActKind::Approve, by).on(step))
    }

    fn state(&self) -> OverallState {
        self.status().state
    }

    fn step(&self, i: usize) -> StepStatus {
        self.status().steps[i].clone()
    }
}

fn in_signoff(step: u32, name: &str) -> OverallState {
    OverallState::InSignoff {
        step,
        name: name.into(),
    }
}

#[test]
fn a_post_never_submitted_is_a_draft_and_cannot_be_signed() {
    let mut post = Post::new(three_steps());
    assert_eq!(post.state(), OverallState::Draft);
    assert_eq!(post.step(0).state, StepState::Waiting);
    assert_eq!(
        post.approve("alice", "proofreading"),
        Err(Refusal::NothingSubmitted)
    );
}

#[test]
fn steps_are_signed_in_order() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    assert_eq!(post.state(), in_signoff(0, "proofreading"));
    assert_eq!(post.step(0).state, StepState::Ready);
    assert_eq!(post.step(1).state, StepState::Waiting);
    assert_eq!(
        post.approve("carol", "head"),
        Err(Refusal::StepNotReady {
            step: "head".into(),
            waiting_for: "proofreading".into()
        })
    );
    post.approve("bob", "proofreading").unwrap();
    assert_eq!(post.step(0).state, StepState::Approved);
    assert_eq!(post.state(), in_signoff(1, "head"));
    post.approve("carol", "head").unwrap();
    assert_eq!(post.state(), in_signoff(2, "press"));
}

#[test]
fn all_means_every_signer_and_one_person_counts_once() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    post.approve("carol", "head").unwrap();
    post.approve("bob", "press").unwrap();
    assert_eq!((post.step(2).counted, post.step(2).required), (1, 2));
    assert_eq!(
        post.approve("bob", "press"),
        Err(Refusal::AlreadyApproved {
            person: "bob".into(),
            step: "press".into()
        })
    );
    assert_eq!(post.state(), in_signoff(2, "press"));
    post.approve("erin", "press").unwrap();
    assert_eq!(post.state(), OverallState::Approved);
    assert!(may_act(&post.chain, &post.status(), "bob")
        .iter()
        .all(|m| m.kind != ActKind::Approve));
}

#[test]
fn two_of_three_needs_two_people() {
    let mut post = Post::new(chain(
        "steps:\n  - {name: proof, signers: [alice, bob, carol], required: 2}\n",
    ));
    post.submit("ed");
    post.approve("alice", "proof").unwrap();
    assert_eq!(post.state(), in_signoff(0, "proof"));
    post.approve("carol", "proof").unwrap();
    assert_eq!(post.state(), OverallState::Approved);
    assert_eq!(
        post.approve("bob", "proof"),
        Err(Refusal::StepAlreadyApproved {
            step: "proof".into()
        })
    );
}

#[test]
fn repeated_approvals_by_one_person_in_the_log_count_once() {
    let mut post = Post::new(chain(
        "steps:\n  - {name: proof, signers: [alice, bob], required: 2}\n",
    ));
    post.submit("ed");
    post.approve("alice", "proof").unwrap();
    // Recorded behind the rules' back (an old log, an import): still one person.
    let mut twice = post.acts.last().unwrap().clone();
    twice.seq += 1;
    post.acts.push(twice);
    assert_eq!(post.step(0).counted, 1);
    assert_eq!(post.state(), in_signoff(0, "proof"));
}

#[test]
fn a_person_not_on_the_step_is_refused() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    let refusal = post.approve("ed", "proofreading").unwrap_err();
    assert_eq!(refusal.code(), "signoff_not_a_signer");
    assert!(refusal.to_string().contains("alice, bob"), "{refusal}");
    assert!(post.approve("alice", "legal").is_err());
    assert_eq!(post.acts.len(), 1, "a refused act is not recorded");
}

#[test]
fn a_delegate_signs_for_a_signer_and_both_are_recorded() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    let offers = may_act(&post.chain, &post.status(), "dave");
    assert!(offers.contains(&MayAct {
        kind: ActKind::Approve,
        step: Some("head".into()),
        on_behalf_of: Some("carol".into())
    }));
    post.act(
        Proposal::new(ActKind::Approve, "dave")
            .on("head")
            .for_signer("carol"),
    )
    .unwrap();
    let head = post.step(1);
    assert_eq!(head.state, StepState::Approved);
    assert_eq!(head.approvals[0].by, "dave");
    assert_eq!(head.approvals[0].signer, "carol");
}

#[test]
fn signing_for_someone_without_their_delegation_is_refused() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    let refused = post.act(
        Proposal::new(ActKind::Approve, "erin")
            .on("head")
            .for_signer("carol"),
    );
    assert_eq!(refused.unwrap_err().code(), "signoff_not_a_delegate");
    let refused = post.act(
        Proposal::new(ActKind::Approve, "dave")
            .on("head")
            .for_signer("ed"),
    );
    assert_eq!(refused.unwrap_err().code(), "signoff_signer_not_on_step");
}

#[test]
fn a_delegate_and_the_signer_count_once_together() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    post.act(
        Proposal::new(ActKind::Approve, "dave")
            .on("head")
            .for_signer("carol"),
    )
    .unwrap();
    assert_eq!(
        post.approve("carol", "head").unwrap_err().code(),
        "signoff_step_approved"
    );
}

#[test]
fn a_change_voids_the_approvals_it_touches_and_the_same_text_is_approved_again() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    post.approve("carol", "head").unwrap();
    let signed = post.step(0).approvals[0].signed_hash;

    post.versions[0].body.push_str(" Et mardi.");
    let status = post.status();
    assert_eq!(status.state, in_signoff(0, "proofreading"));
    assert_eq!(status.steps[0].state, StepState::VoidedByChange);
    assert!(
        status.steps[0].ready,
        "a voided step may be signed again at once"
    );
    assert_eq!(status.steps[0].voided[0].approval.signed_hash, signed);
    assert_ne!(status.steps[0].voided[0].current_hash, signed);
    assert_eq!(status.steps[1].state, StepState::VoidedByChange);
    assert!(!status.steps[1].ready, "head waits for proofreading again");

    post.approve("alice", "proofreading").unwrap();
    post.approve("carol", "head").unwrap();
    assert_eq!(post.step(1).voided, vec![]);
    assert_eq!(post.state(), in_signoff(2, "press"));
}

#[test]
fn a_whitespace_only_save_voids_nothing() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    post.versions[0].body.push_str("   \n\n");
    assert_eq!(post.step(0).state, StepState::Approved);
}

#[test]
fn undoing_a_change_brings_the_approval_back() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    let before = post.versions.clone();
    post.versions[1].title = "Another title".into();
    assert_eq!(post.step(0).state, StepState::VoidedByChange);
    post.versions = before;
    assert_eq!(post.step(0).state, StepState::Approved);
}

#[test]
fn a_per_language_step_is_voided_only_by_its_languages() {
    let mut post = Post::new(chain(
        "steps:
  - {name: proof fr, signers: [alice], languages: [fr]}
  - {name: proof en, signers: [bob], languages: [en]}
  - {name: head, signers: [carol]}
",
    ));
    post.submit("ed");
    post.approve("alice", "proof fr").unwrap();
    post.approve("bob", "proof en").unwrap();
    post.approve("carol", "head").unwrap();
    assert_eq!(post.state(), OverallState::Approved);
    post.versions[1].body = "Tuesday.".into();
    let states: Vec<StepState> = post.status().steps.iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        [
            StepState::Approved,
            StepState::VoidedByChange,
            StepState::VoidedByChange
        ]
    );
}

#[test]
fn a_request_for_changes_holds_the_step_until_the_next_submission() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    assert_eq!(
        post.act(Proposal::new(ActKind::RequestChanges, "bob").on("proofreading")),
        Err(Refusal::CommentRequired {
            step: "proofreading".into()
        })
    );
    post.act(
        Proposal::new(ActKind::RequestChanges, "bob")
            .on("proofreading")
            .saying("Le titre est trop long."),
    )
    .unwrap();
    assert_eq!(
        post.state(),
        OverallState::ChangesRequested {
            step: 0,
            name: "proofreading".into()
        }
    );
    let step = post.step(0);
    assert_eq!(step.state, StepState::ChangesRequested);
    assert_eq!(
        step.changes_requested.unwrap().comment,
        "Le titre est trop long."
    );
    assert_eq!(
        post.approve("alice", "proofreading").unwrap_err().code(),
        "signoff_changes_pending"
    );

    post.versions[0].title = "Sommet".into();
    post.submit("ed");
    assert_eq!(post.state(), in_signoff(0, "proofreading"));
    post.approve("bob", "proofreading").unwrap();
    assert_eq!(post.state(), in_signoff(1, "head"));
}

#[test]
fn approvals_of_unchanged_text_survive_a_new_submission() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    post.approve("carol", "head").unwrap();
    post.act(
        Proposal::new(ActKind::RequestChanges, "erin")
            .on("press")
            .saying("Attendre l'annonce officielle."),
    )
    .unwrap();
    post.submit("ed");
    assert_eq!(post.state(), in_signoff(2, "press"));
    assert_eq!(post.step(0).approvals[0].signer, "alice");
}

#[test]
fn asking_for_changes_takes_back_ones_own_approval() {
    let mut post = Post::new(chain(
        "steps:\n  - {name: proof, signers: [alice, bob], required: 2}\n",
    ));
    post.submit("ed");
    post.approve("alice", "proof").unwrap();
    post.act(
        Proposal::new(ActKind::RequestChanges, "alice")
            .on("proof")
            .saying("Non."),
    )
    .unwrap();
    post.submit("ed");
    assert_eq!(post.step(0).counted, 0);
}

#[test]
fn only_the_submitter_withdraws_and_the_post_is_a_draft_again() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    assert_eq!(
        post.act(Proposal::new(ActKind::Withdraw, "alice")),
        Err(Refusal::NotTheSubmitter {
            person: "alice".into(),
            submitter: "ed".into()
        })
    );
    post.act(Proposal::new(ActKind::Withdraw, "ed")).unwrap();
    assert!(matches!(post.state(), OverallState::Withdrawn { ref by, .. } if by == "ed"));
    assert_eq!(
        post.approve("alice", "proofreading"),
        Err(Refusal::NothingSubmitted)
    );
    assert_eq!(
        post.act(Proposal::new(ActKind::Withdraw, "ed")),
        Err(Refusal::NothingSubmitted)
    );
    post.submit("ed");
    assert_eq!(post.state(), in_signoff(0, "proofreading"));
}

#[test]
fn a_post_in_signoff_is_not_submitted_twice() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    assert_eq!(
        post.act(Proposal::new(ActKind::Submit, "ed"))
            .unwrap_err()
            .code(),
        "signoff_already_submitted"
    );
}

#[test]
fn the_waiting_step_is_overdue_after_the_due_date() {
    let mut post = Post::new(three_steps());
    let mut submit = Proposal::new(ActKind::Submit, "ed");
    submit.due = Some(T0 + DAY);
    post.act(submit).unwrap();
    assert!(!post.status().overdue);
    post.approve("alice", "proofreading").unwrap();
    post.now = T0 + 2 * DAY;
    let status = post.status();
    assert!(status.overdue);
    let flagged: Vec<bool> = status.steps.iter().map(|s| s.overdue).collect();
    assert_eq!(flagged, [false, true, false]);
    assert!(status.submission.unwrap().due.is_some());
}

#[test]
fn the_default_chain_stops_at_a_step_nobody_may_sign() {
    let mut post = Post::new(Chain::default());
    post.submit("ed");
    let status = post.status();
    assert_eq!(status.steps[0].state, StepState::NoSigners);
    assert_eq!(status.state, in_signoff(0, "proofreading"));
    assert_eq!(
        post.approve("alice", "proofreading").unwrap_err().code(),
        "signoff_no_signers"
    );
}

#[test]
fn a_signer_removed_from_the_chain_no_longer_counts() {
    let mut post = Post::new(three_steps());
    post.submit("ed");
    post.approve("alice", "proofreading").unwrap();
    post.chain.steps[0].signers = vec!["bob".into()];
    assert_eq!(post.step(0).counted, 0);
}

#[test]
fn each_person_is_offered_what_they_may_do() {
    let mut post = Post::new(three_steps());
    let kinds = |post: &Post, who: &str| -> Vec<(ActKind, Option<String>)> {
        may_act(&post.chain, &post.status(), who)
            .into_iter()
            .map(|m| (m.kind, m.step))
            .collect()
    };
    assert_eq!(
        kinds(&post, "alice"),
        [(ActKind::Submit, None), (ActKind::Comment, None)]
    );
    post.submit("ed");
    let alice = kinds(&post, "alice");
    assert!(alice.contains(&(ActKind::Approve, Some("proofreading".into()))));
    assert!(alice.contains(&(ActKind::RequestChanges, Some("proofreading".into()))));
    assert!(!alice
        .iter()
        .any(|k| k.0 == ActKind::Withdraw || k.0 == ActKind::Submit));
    assert!(kinds(&post, "ed").contains(&(ActKind::Withdraw, None)));
    assert!(!kinds(&post, "carol")
        .iter()
        .any(|k| k.0 == ActKind::Approve));
}

#[test]
fn evaluating_with_a_hash_missing_for_a_step_is_an_error_not_a_panic() {
    let chain = three_steps();
    let hashes = scope_hashes(&chain, &[version("fr", "Texte.")]);
    let err = evaluate(&chain, &[], &hashes[..2], T0).unwrap_err();
    assert_eq!(err.code(), "scope_mismatch");
}
