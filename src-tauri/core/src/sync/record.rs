//! What syncs, as records with global ids: language versions (every text
//! field, tags, block ids or translation units, the post's decisions not to
//! translate), people with their public keys, the sign-off chain, assets
//! (their metadata; the files follow by checksum, `sync::files`), and audit
//! entries (append-only). A record is what a backend stores and what the
//! planner compares; row ids, dates of local saves and revision numbers never
//! leave the library.

use serde::{Deserialize, Serialize};

use crate::posts::PostText;
use crate::workflow::AuditEntry;

/// The key a record is known by on every side.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RecordKey {
    /// A language version, by its global id.
    Version(String),
    /// A person, by global id.
    Person(String),
    /// The library's one sign-off chain.
    Chain,
    /// An audit entry, by its id.
    Audit(String),
    /// An asset (its metadata and the checksums of its files), by global id.
    Asset(String),
}

impl RecordKey {
    /// The key as the sync tables store it.
    pub fn to_text(&self) -> String {
        match self {
            RecordKey::Version(id) => format!("version:{id}"),
            RecordKey::Person(id) => format!("person:{id}"),
            RecordKey::Chain => "chain".to_string(),
            RecordKey::Audit(id) => format!("audit:{id}"),
            RecordKey::Asset(id) => format!("asset:{id}"),
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        if text == "chain" {
            return Some(RecordKey::Chain);
        }
        let (kind, id) = text.split_once(':')?;
        Some(match kind {
            "version" => RecordKey::Version(id.to_string()),
            "person" => RecordKey::Person(id.to_string()),
            "audit" => RecordKey::Audit(id.to_string()),
            "asset" => RecordKey::Asset(id.to_string()),
            _ => return None,
        })
    }
}

/// One language version of a post (one WordPress post per language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRecord {
    /// The language version's global id (the client id of an idempotent create).
    pub id: String,
    /// The post's (translation group's) global id.
    pub post: String,
    pub lang: String,
    pub source_lang: String,
    pub text: PostText,
    /// For the source version: its body blocks' ids, in order, so that the
    /// translations made from them on any desktop keep pointing at them.
    #[serde(default)]
    pub block_ids: Vec<String>,
    /// For a translation: one unit per source block it covers.
    #[serde(default)]
    pub units: Vec<UnitRecord>,
    /// For the source version: the post's decisions not to translate.
    #[serde(default)]
    pub not_planned: Vec<PlanRecord>,
    /// Where the version stands on the backend: decided here, from the post's
    /// publication (see `sync::publish`); pulled, as the backend holds it.
    #[serde(default)]
    pub status: Status,
}

/// A language version's place on the public side, as a record carries it.
/// The whole post (every language) has one; WordPress calls them `draft`,
/// `pending`, `future` (with its date) and `publish`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// Not on the public side, and not waiting to be.
    #[default]
    Draft,
    /// Ready to publish: the site's editors see what is coming, the public
    /// does not.
    Pending,
    /// Goes public at `at` (UTC unix ms, whole seconds: what a site keeps).
    Scheduled { at: i64 },
    /// Public.
    Published,
}

impl Status {
    /// Whether the site's publishing gate judges a move to this status.
    pub fn is_public(self) -> bool {
        matches!(self, Status::Scheduled { .. } | Status::Published)
    }
}

impl VersionRecord {
    pub fn is_source(&self) -> bool {
        self.lang == self.source_lang
    }
}

/// A translation unit as it travels (see `translation::units::Unit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecord {
    pub block: String,
    pub text: String,
    pub source_hash: Option<String>,
    pub source_text: Option<String>,
}

/// A decision not to translate a post into a language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub lang: String,
    pub by: String,
    pub reason: String,
    /// Unix milliseconds.
    pub at: i64,
}

/// A person and the public keys they sign with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub id: String,
    pub name: String,
    pub email: String,
    pub backend_user: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// (public key hex, added at unix ms), sorted by key.
    pub keys: Vec<(String, i64)>,
}

/// The sign-off chain, as the YAML `workflow set` reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainRecord {
    pub yaml: String,
}

/// An audit entry as it travels: the entry exactly as signed, and the
/// canonical text its content hash covers, when it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub entry: AuditEntry,
    pub signed_text: Option<String>,
}

/// An asset as it travels: what describes it, and per variant every version
/// of its file by checksum (the bytes travel apart, as the backend's media).
/// Row ids, the variants' and files' local ids and `updated_at` stay here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRecord {
    pub id: String,
    pub name: String,
    /// raster | svg | pdf | other (`AssetKind`); named apart from the
    /// record's own `kind` tag.
    #[serde(rename = "asset_kind")]
    pub kind: String,
    pub credit: String,
    pub licence: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// By language, `""` (the file for every language) first.
    pub variants: Vec<AssetVariantRecord>,
    /// Alt text and caption per language, by language.
    pub texts: Vec<AssetTextRecord>,
    /// Set when this asset was found to be the same file as another (the
    /// one with the smaller id, named here): the record is then its last
    /// state, kept, and `asset:ID` shows the other (`sync::assets::fold`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_of: Option<String>,
}

/// One language's file (`lang` `""`: every language without its own), every
/// version oldest first: the last is current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetVariantRecord {
    pub lang: String,
    pub files: Vec<AssetFileRecord>,
}

/// One version of a variant's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetFileRecord {
    /// SHA-256 of the file as it was added (an SVG's before sanitising).
    pub sha256: String,
    /// Size of the stored file (an SVG's once sanitised).
    pub byte_size: u64,
    /// png | jpeg | gif | webp | svg | pdf | other (`Format`).
    pub format: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub original_name: String,
    /// What the SVG sanitiser took out of it.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Unix milliseconds.
    pub added_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetTextRecord {
    pub lang: String,
    pub alt: String,
    pub caption: String,
}

/// A record that can change (audit entries never do: they travel apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    // Boxed: a version is several times the size of the other records.
    Version(Box<VersionRecord>),
    Person(PersonRecord),
    Chain(ChainRecord),
    Asset(Box<AssetRecord>),
}

impl Record {
    pub fn key(&self) -> RecordKey {
        match self {
            Record::Version(v) => RecordKey::Version(v.id.clone()),
            Record::Person(p) => RecordKey::Person(p.id.clone()),
            Record::Chain(_) => RecordKey::Chain,
            Record::Asset(a) => RecordKey::Asset(a.id.clone()),
        }
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a record always serialises")
    }
}

/// How a backend names its copy of a record and its version of it. Both are
/// opaque to the engine (a WordPress post id and `valise_rev`; a file path and
/// a blob hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteRef {
    pub id: String,
    pub rev: String,
}

/// What a pull says about one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RemoteChange {
    /// The record as the backend holds it now.
    Live { record: Record, at: RemoteRef },
    /// Deleted on the backend (trashed or deleted, through Valise or not).
    Tombstone { key: RecordKey, remote_id: String },
    /// An audit entry the backend holds.
    Audit(AuditRecord),
}

impl RemoteChange {
    pub fn key(&self) -> RecordKey {
        match self {
            RemoteChange::Live { record, .. } => record.key(),
            RemoteChange::Tombstone { key, .. } => key.clone(),
            RemoteChange::Audit(a) => RecordKey::Audit(a.entry.id.clone()),
        }
    }
}
