use super::*;

fn people() -> Vec<String> {
    ["alice", "bob", "carol", "dave"].map(String::from).to_vec()
}

fn langs() -> Vec<String> {
    ["fr", "en", "es", "ar"].map(String::from).to_vec()
}

fn parse(yaml: &str) -> Result<Chain> {
    Chain::from_yaml(yaml, &people(), &langs())
}

fn problem(yaml: &str) -> (String, String) {
    match parse(yaml) {
        Err(Error::ChainInvalid { step, problem }) => (step, problem),
        other => panic!("expected a chain error, got {other:?}"),
    }
}

const ISSUE_SHAPE: &str = "
steps:
  - name: proofreading
    signers: [alice, bob]      # names of people known to the library
    required: 1
  - name: head
    signers: [carol]
";

#[test]
fn the_issue_shape_reads_with_one_signature_by_default() {
    let chain = parse(ISSUE_SHAPE).unwrap();
    assert_eq!(chain.steps.len(), 2);
    assert_eq!(chain.steps[0].signers, ["alice", "bob"]);
    assert_eq!(chain.steps[1].required, Required::Count(1));
    assert_eq!(chain.steps[1].languages, None);
}

#[test]
fn other_keys_are_tolerated_and_all_is_read() {
    let chain = parse(
        "version: 3\nsteps:\n  - name: proof\n    colour: blue\n    signers: [alice, bob]\n    required: all\n    languages: [ar]\n",
    )
    .unwrap();
    assert_eq!(chain.steps[0].required, Required::All);
    assert_eq!(chain.steps[0].needed(), 2);
    assert!(chain.steps[0].covers("ar") && !chain.steps[0].covers("fr"));
}

#[test]
fn a_chain_reads_back_what_it_writes() {
    let yaml = "steps:\n  - name: proof\n    signers: [alice, bob]\n    required: all\n    languages: [fr, en]\n  - name: head\n    signers: [carol]\n    required: 1\ndelegations:\n  - signer: carol\n    delegate: dave\n";
    let chain = parse(yaml).unwrap();
    assert_eq!(parse(&chain.to_yaml()).unwrap(), chain);
    assert!(chain.to_yaml().contains("required: all"));
    assert!(chain.may_sign_for("dave", "carol") && !chain.may_sign_for("carol", "dave"));
}

#[test]
fn an_unknown_person_is_named_with_the_step() {
    let (step, problem) = problem("steps:\n  - name: head\n    signers: [carol, zoe]\n");
    assert_eq!(step, "head");
    assert!(
        problem.contains("zoe") && problem.contains("person add"),
        "{problem}"
    );
}

#[test]
fn two_steps_with_one_name_are_refused() {
    let (step, problem) = problem(
        "steps:\n  - name: head\n    signers: [carol]\n  - name: head\n    signers: [bob]\n",
    );
    assert_eq!(step, "head");
    assert!(problem.contains("two steps"), "{problem}");
}

#[test]
fn required_beyond_the_signers_is_refused() {
    let (_, problem) = problem("steps:\n  - name: proof\n    signers: [alice]\n    required: 2\n");
    assert!(problem.contains("'required' is 2"), "{problem}");
}

#[test]
fn required_zero_is_refused() {
    let (_, problem) = problem("steps:\n  - name: proof\n    signers: [alice]\n    required: 0\n");
    assert!(problem.contains("is 0"), "{problem}");
}

#[test]
fn required_must_be_a_number_or_all() {
    let (step, problem) =
        problem("steps:\n  - name: proof\n    signers: [alice]\n    required: most\n");
    assert_eq!(step, "proof");
    assert!(problem.contains("\"most\""), "{problem}");
}

#[test]
fn a_step_without_signers_is_refused() {
    let (step, without) = problem("steps:\n  - name: press\n");
    assert_eq!(step, "press");
    assert!(without.contains("no signers"), "{without}");
    let (_, empty) = problem("steps:\n  - name: press\n    signers: []\n");
    assert!(empty.contains("no signers"), "{empty}");
}

#[test]
fn a_step_without_a_name_is_named_by_its_position() {
    let (step, _) = problem("steps:\n  - name: a\n    signers: [alice]\n  - signers: [bob]\n");
    assert_eq!(step, "number 2");
}

#[test]
fn an_unknown_language_is_refused() {
    let (_, problem) =
        problem("steps:\n  - name: proof\n    signers: [alice]\n    languages: [de]\n");
    assert!(problem.contains("'de'"), "{problem}");
}

#[test]
fn a_delegate_must_be_a_person() {
    let (step, problem) = problem(
        "steps:\n  - name: head\n    signers: [carol]\ndelegations:\n  - signer: carol\n    delegate: zoe\n",
    );
    assert_eq!(step, "delegations");
    assert!(problem.contains("zoe"), "{problem}");
}

#[test]
fn broken_yaml_and_a_missing_steps_list_are_unreadable() {
    assert!(matches!(
        parse("steps: [\n"),
        Err(Error::ChainUnreadable { .. })
    ));
    assert!(matches!(
        parse("stages: []\n"),
        Err(Error::ChainUnreadable { .. })
    ));
    assert!(matches!(
        parse("steps: []\n"),
        Err(Error::ChainUnreadable { .. })
    ));
}

#[test]
fn the_default_chain_has_three_steps_and_nobody_to_sign_them() {
    let chain = Chain::default();
    let names: Vec<&str> = chain.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["proofreading", "head of unit", "press office"]);
    assert!(chain.steps.iter().all(|s| s.signers.is_empty()));
}
