//! Sync records ↔ what the plugin stores: a language version's record from
//! a post (with its source's plan), people, the chain and plans as record
//! bodies, and the source blocks that translation states are judged against.

use serde_json::{json, Value};

use super::mapping::{SiteStatus, SiteVersion, UnitText};
use crate::clock;
use crate::error::{Error, Result};
use crate::sync::record::{
    ChainRecord, PersonRecord, PlanRecord, Status, UnitRecord, VersionRecord,
};
use crate::translation::source::{self, Block};
use crate::translation::units::Unit;

/// The source's blocks as translations point at them: header blocks, then
/// the body's blocks with the source's ids.
pub(super) fn blocks_of(source: &SiteVersion) -> Vec<Block> {
    let mut blocks = source::header_blocks(&source.text);
    blocks.extend(source::with_ids(&source.text.body, &source.block_ids));
    blocks
}

pub(super) fn as_units(texts: &[UnitText]) -> Vec<Unit> {
    texts
        .iter()
        .map(|u| Unit {
            block: u.block.clone(),
            text: u.text.clone(),
            source_hash: u.source_hash.clone(),
            source_text: u.source_text.clone(),
        })
        .collect()
}

/// The site's status as a record carries it. Private is not public: to the
/// library it is a draft (Valise never sets it). The trash is a tombstone.
pub(super) fn status_from_site(s: SiteStatus) -> Status {
    match s {
        SiteStatus::Draft | SiteStatus::Private | SiteStatus::Trash => Status::Draft,
        SiteStatus::Pending => Status::Pending,
        SiteStatus::Scheduled { at_ms } => Status::Scheduled { at: at_ms },
        SiteStatus::Published { .. } => Status::Published,
    }
}

/// The status to send for a record's: publishing is "now" (the site dates it).
pub(super) fn status_to_site(s: Status) -> SiteStatus {
    match s {
        Status::Draft => SiteStatus::Draft,
        Status::Pending => SiteStatus::Pending,
        Status::Scheduled { at } => SiteStatus::Scheduled { at_ms: at },
        Status::Published => SiteStatus::Published { at_ms: None },
    }
}

pub(super) fn version_record(v: SiteVersion, plan: Option<&Value>) -> VersionRecord {
    let status = status_from_site(v.status);
    let not_planned = if v.lang == v.source_lang {
        plan.map(plans_from).unwrap_or_default()
    } else {
        Vec::new()
    };
    VersionRecord {
        id: v.version_uid,
        post: v.post_uid,
        lang: v.lang,
        source_lang: v.source_lang,
        text: v.text,
        block_ids: v.block_ids,
        units: v
            .unit_texts
            .into_iter()
            .map(|u| UnitRecord {
                block: u.block,
                text: u.text,
                source_hash: u.source_hash,
                source_text: u.source_text,
            })
            .collect(),
        not_planned,
        status,
    }
}

/// The plan record's body: `{"not_planned": {LANG: {by, reason, at}}}`.
pub(super) fn plan_body(plans: &[PlanRecord]) -> Value {
    let mut by_lang = serde_json::Map::new();
    for p in plans {
        by_lang.insert(
            p.lang.clone(),
            json!({"by": p.by, "reason": p.reason, "at": clock::to_text(p.at)}),
        );
    }
    json!({ "not_planned": by_lang })
}

fn plans_from(body: &Value) -> Vec<PlanRecord> {
    let mut out: Vec<PlanRecord> = body
        .get("not_planned")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(lang, p)| PlanRecord {
                    lang: lang.clone(),
                    by: text(p, "by"),
                    reason: text(p, "reason"),
                    at: p
                        .get("at")
                        .and_then(Value::as_str)
                        .and_then(clock::from_text)
                        .unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.lang.cmp(&b.lang));
    out
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// valise-core's `Person` as the contract's `person` record body.
pub(super) fn person_body(p: &PersonRecord) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "email": p.email,
        "backend_user": p.backend_user,
        "created_at": clock::to_text(p.created_at),
        "keys": p.keys.iter().map(|(key, at)| json!({
            "public_key": key,
            "added_at": clock::to_text(*at),
        })).collect::<Vec<_>>(),
    })
}

pub(super) fn person_from(body: &Value) -> Option<PersonRecord> {
    let mut keys: Vec<(String, i64)> = body
        .get("keys")?
        .as_array()?
        .iter()
        .map(|k| {
            Some((
                k.get("public_key")?.as_str()?.to_string(),
                clock::from_text(k.get("added_at")?.as_str()?)?,
            ))
        })
        .collect::<Option<_>>()?;
    keys.sort();
    Some(PersonRecord {
        id: body.get("id")?.as_str()?.to_string(),
        name: body.get("name")?.as_str()?.to_string(),
        email: body.get("email")?.as_str()?.to_string(),
        backend_user: body
            .get("backend_user")
            .and_then(Value::as_str)
            .map(str::to_string),
        created_at: clock::from_text(body.get("created_at")?.as_str()?)?,
        keys,
    })
}

/// The chain as the site's preflight reads it (its YAML as JSON), with the
/// YAML itself beside it.
pub(super) fn chain_body(c: &ChainRecord) -> Result<Value> {
    let mut body: Value = serde_yaml::from_str(&c.yaml).map_err(|e| Error::ChainUnreadable {
        reason: e.to_string(),
    })?;
    if !body.is_object() {
        return Err(Error::ChainUnreadable {
            reason: "it is not a mapping with steps".into(),
        });
    }
    body["yaml"] = Value::String(c.yaml.clone());
    Ok(body)
}

pub(super) fn chain_from(body: &Value) -> Option<ChainRecord> {
    if let Some(yaml) = body.get("yaml").and_then(Value::as_str) {
        return Some(ChainRecord {
            yaml: yaml.to_string(),
        });
    }
    body.get("steps")?;
    serde_yaml::to_string(body)
        .ok()
        .map(|yaml| ChainRecord { yaml })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_goes_to_a_record_body_and_back() {
        let p = PersonRecord {
            id: "p1".into(),
            name: "alice".into(),
            email: "alice@example.org".into(),
            backend_user: Some("validator1".into()),
            created_at: 1_795_000_000_123,
            keys: vec![("aa".repeat(32), 1_795_000_000_456)],
        };
        let body = person_body(&p);
        assert_eq!(body["keys"][0]["public_key"], "aa".repeat(32));
        assert_eq!(person_from(&body), Some(p));
        assert_eq!(person_from(&json!({"name": "x"})), None);
    }

    #[test]
    fn the_chain_travels_as_json_for_the_site_and_comes_back_as_written() {
        let yaml = "# who signs\nsteps:\n  - name: proofreading\n    signers: [alice]\n";
        let body = chain_body(&ChainRecord { yaml: yaml.into() }).unwrap();
        assert_eq!(body["steps"][0]["signers"], json!(["alice"]));
        assert_eq!(chain_from(&body).unwrap().yaml, yaml);
        assert!(chain_body(&ChainRecord { yaml: "- a".into() }).is_err());
    }

    #[test]
    fn decisions_not_to_translate_travel_in_the_plan_record() {
        let plans = vec![PlanRecord {
            lang: "ar".into(),
            by: "ed".into(),
            reason: "pas de public".into(),
            at: 1_795_000_000_000,
        }];
        let body = plan_body(&plans);
        assert_eq!(body["not_planned"]["ar"]["by"], "ed");
        assert_eq!(plans_from(&body), plans);
    }
}
