//! The sign-off chain: ordered steps, who may sign each, how many must, and
//! which language versions a step covers; read from and written back to the
//! YAML of `workflow set`, checked against the people the library knows.

use serde::{Deserialize, Serialize};
use serde_yaml::Value;
use ts_rs::TS;

use crate::error::{Error, Result};

/// How many of a step's signers must approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, TS)]
#[ts(type = "number | \"all\"")]
pub enum Required {
    Count(u32),
    All,
}

impl Default for Required {
    fn default() -> Self {
        Required::Count(1)
    }
}

impl Required {
    /// The number of approvals a step with `signers` signers needs.
    pub fn of(self, signers: usize) -> u32 {
        match self {
            Required::Count(n) => n,
            Required::All => signers as u32,
        }
    }
}

// A number or "all", as people write it in the chain's YAML.
impl Serialize for Required {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Required::Count(n) => s.serialize_u32(*n),
            Required::All => s.serialize_str("all"),
        }
    }
}

impl<'de> Deserialize<'de> for Required {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        required_of(&v).map_err(serde::de::Error::custom)
    }
}

fn required_of(v: &Value) -> std::result::Result<Required, String> {
    match v {
        Value::Number(n) => match n.as_u64() {
            Some(n) if n <= u32::MAX as u64 => Ok(Required::Count(n as u32)),
            _ => Err(format!(
                "'required' must be a whole number or \"all\", not {n}"
            )),
        },
        Value::String(s) if s.trim().eq_ignore_ascii_case("all") => Ok(Required::All),
        Value::String(s) => match s.trim().parse::<u32>() {
            Ok(n) => Ok(Required::Count(n)),
            Err(_) => Err(format!(
                "'required' must be a whole number or \"all\", not \"{s}\""
            )),
        },
        other => Err(format!(
            "'required' must be a whole number or \"all\", not {}",
            serde_yaml::to_string(other).unwrap_or_default().trim()
        )),
    }
}

/// One step of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Step {
    pub name: String,
    /// The people who may sign this step, by name.
    pub signers: Vec<String>,
    #[serde(default)]
    pub required: Required,
    /// A per-language step covers only these versions (e.g. proofreading of the
    /// Arabic text); none means every version of the post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
}

impl Step {
    pub fn needed(&self) -> u32 {
        self.required.of(self.signers.len())
    }

    /// Whether this step covers the version in `lang`.
    pub fn covers(&self, lang: &str) -> bool {
        self.languages
            .as_ref()
            .is_none_or(|ls| ls.iter().any(|l| l == lang))
    }
}

/// Someone who may give a signer's signature in their stead (iParapheur's
/// "signé par X pour Y"). Only the chain grants it, so that the library, not the
/// delegate, says who may sign for whom, and changing it is recorded like any
/// change to the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Delegation {
    /// Whose signature may be given.
    pub signer: String,
    /// Who may give it.
    pub delegate: String,
}

/// The ordered steps every post goes through before it may be published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Chain {
    pub steps: Vec<Step>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delegations: Vec<Delegation>,
}

impl Default for Chain {
    /// Proofreading, head of unit, press office, with nobody named yet. A step
    /// with no signers can never be approved, so until `workflow set` names them
    /// a submitted post stops at proofreading, which says that nobody may sign it.
    fn default() -> Self {
        let step = |name: &str| Step {
            name: name.to_string(),
            signers: Vec::new(),
            required: Required::default(),
            languages: None,
        };
        Chain {
            steps: vec![
                step("proofreading"),
                step("head of unit"),
                step("press office"),
            ],
            delegations: Vec::new(),
        }
    }
}

fn invalid(step: &str, problem: impl Into<String>) -> Error {
    Error::ChainInvalid {
        step: step.to_string(),
        problem: problem.into(),
    }
}

impl Chain {
    pub fn step(&self, name: &str) -> Option<(usize, &Step)> {
        self.steps.iter().enumerate().find(|(_, s)| s.name == name)
    }

    /// Reads the YAML of `workflow set` (other keys are ignored) and checks it
    /// against the people (`people`) and languages (`languages`) of the library.
    pub fn from_yaml(text: &str, people: &[String], languages: &[String]) -> Result<Chain> {
        let doc: Value = serde_yaml::from_str(text).map_err(|e| Error::ChainUnreadable {
            reason: e.to_string(),
        })?;
        let steps = doc
            .get("steps")
            .and_then(Value::as_sequence)
            .ok_or_else(|| Error::ChainUnreadable {
                reason: "there is no 'steps:' list".into(),
            })?;
        let mut chain = Chain {
            steps: Vec::with_capacity(steps.len()),
            delegations: Vec::new(),
        };
        for (i, raw) in steps.iter().enumerate() {
            chain.steps.push(step_of(i, raw)?);
        }
        if let Some(ds) = doc.get("delegations") {
            chain.delegations =
                serde_yaml::from_value(ds.clone()).map_err(|e| Error::ChainUnreadable {
                    reason: format!(
                        "'delegations' must be a list of {{signer: NAME, delegate: NAME}}: {e}"
                    ),
                })?;
        }
        chain.check(people, languages)?;
        Ok(chain)
    }

    /// The chain as `workflow show` prints it, in the shape `workflow set` reads.
    pub fn to_yaml(&self) -> String {
        serde_yaml::to_string(self).expect("a chain is plain strings and numbers")
    }

    /// Every rule a chain a person writes must follow.
    pub fn check(&self, people: &[String], languages: &[String]) -> Result<()> {
        if self.steps.is_empty() {
            return Err(Error::ChainUnreadable {
                reason: "the 'steps:' list is empty; a chain needs at least one step".into(),
            });
        }
        for (i, step) in self.steps.iter().enumerate() {
            if self.steps[..i].iter().any(|s| s.name == step.name) {
                return Err(invalid(
                    &step.name,
                    "two steps have this name; name each step once",
                ));
            }
            if step.signers.is_empty() {
                return Err(invalid(
                    &step.name,
                    "it names no signers; list who may sign it",
                ));
            }
            for (k, who) in step.signers.iter().enumerate() {
                if !people.contains(who) {
                    return Err(invalid(&step.name, unknown_person(who, people)));
                }
                if step.signers[..k].contains(who) {
                    return Err(invalid(&step.name, format!("{who} is listed twice")));
                }
            }
            let needed = step.needed();
            if needed == 0 {
                return Err(invalid(
                    &step.name,
                    "'required' is 0; at least one signature is needed",
                ));
            }
            if needed as usize > step.signers.len() {
                return Err(invalid(
                    &step.name,
                    format!(
                        "'required' is {needed} but only {} may sign it; lower it or add signers",
                        step.signers.len()
                    ),
                ));
            }
            if let Some(ls) = &step.languages {
                if ls.is_empty() {
                    return Err(invalid(
                        &step.name,
                        "'languages' is empty; list some or remove the key",
                    ));
                }
                if let Some(l) = ls.iter().find(|l| !languages.contains(l)) {
                    return Err(invalid(
                        &step.name,
                        format!(
                            "'{l}' is not one of the library's languages ({})",
                            languages.join(", ")
                        ),
                    ));
                }
            }
        }
        for d in &self.delegations {
            for who in [&d.signer, &d.delegate] {
                if !people.contains(who) {
                    return Err(invalid("delegations", unknown_person(who, people)));
                }
            }
            if d.signer == d.delegate {
                return Err(invalid(
                    "delegations",
                    format!("{} cannot be their own delegate", d.signer),
                ));
            }
        }
        Ok(())
    }

    /// Whether `delegate` may sign in `signer`'s stead.
    pub fn may_sign_for(&self, delegate: &str, signer: &str) -> bool {
        self.delegations
            .iter()
            .any(|d| d.delegate == delegate && d.signer == signer)
    }
}

fn unknown_person(who: &str, people: &[String]) -> String {
    if people.is_empty() {
        format!(
            "{who} is not a person of this library (it has none yet: add them with `person add`)"
        )
    } else {
        format!(
            "{who} is not a person of this library (known: {}); add them with `person add` or correct the name",
            people.join(", ")
        )
    }
}

/// One entry of `steps:`, with its own error naming the step (or its position).
fn step_of(i: usize, raw: &Value) -> Result<Step> {
    let label = raw
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("number {}", i + 1));
    let name = raw
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid(&label, "it has no 'name'"))?;
    let names = |key: &str| -> Result<Option<Vec<String>>> {
        match raw.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Sequence(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim().to_string()),
                    _ => Err(invalid(name, format!("'{key}' must be a list of names"))),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(_) => Err(invalid(
                name,
                format!("'{key}' must be a list, like [alice, bob]"),
            )),
        }
    };
    let required = match raw.get("required") {
        None | Some(Value::Null) => Required::default(),
        Some(v) => required_of(v).map_err(|p| invalid(name, p))?,
    };
    Ok(Step {
        name: name.to_string(),
        signers: names("signers")?.unwrap_or_default(),
        required,
        languages: names("languages")?,
    })
}

#[cfg(test)]
#[path = "chain_tests.rs"]
mod tests;
