//! The one error type of valise-core. Each variant's message tells a person what
//! went wrong and what to do; `code()` gives the UI a stable handle to react on.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path} is not a Valise library (it is not an SQLite database). Nothing was changed; choose another file or move this one aside.")]
    NotALibrary { path: PathBuf },

    #[error("The library {path} is read-only, so nothing can be saved to it. Change its permissions or copy it somewhere writable.")]
    ReadOnly { path: PathBuf },

    #[error("The library {path} was made by a newer Valise (schema {found}, this one knows up to {known}). Update Valise to open it.")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error("Cannot open the library {path}: {reason}")]
    CannotOpen { path: PathBuf, reason: String },

    #[error("A change to the library's schema (step {version}) failed, so the library {path} was left exactly as it was: {reason}")]
    MigrationFailed {
        path: PathBuf,
        version: i64,
        reason: String,
    },

    #[error("There is no post {id}.")]
    PostNotFound { id: String },

    #[error("'{prefix}' is the start of more than one id ({candidates}). Type more of the id.")]
    AmbiguousId { prefix: String, candidates: String },

    #[error("Post {id} has no {lang} version.")]
    LanguageNotFound { id: String, lang: String },

    #[error("Post {id} ({lang}) has no revision {number}.")]
    RevisionNotFound {
        id: String,
        lang: String,
        number: i64,
    },

    #[error("There is no open conflict {id}: it was resolved already, or the id is wrong.")]
    ConflictNotFound { id: String },

    #[error("The library holds something this Valise cannot read ({what}). Nothing was changed; update Valise or restore a backup of the library.")]
    Corrupt { what: String },

    #[error("'{lang}' is not one of this library's languages ({known}).")]
    UnknownLanguage { lang: String, known: String },

    #[error("Post {id} is written in {lang}: that is its source, not a translation.")]
    IsTheSource { id: String, lang: String },

    #[error(
        "Post {id} already has a {lang} version: edit it with `post edit {id} --lang {lang}`."
    )]
    TranslationExists { id: String, lang: String },

    #[error("Block {block} of post {id} has no {lang} translation to mark current: translate it first, or check the block id with `translation status {id}`.")]
    BlockNotTranslated {
        id: String,
        lang: String,
        block: String,
    },

    #[error("A decision not to translate needs who decided it and why.")]
    PlanNeedsReason,

    #[error("{path}: {reason}")]
    BadFile { path: PathBuf, reason: String },

    #[error("Post {group} was not imported ({files}): {reason}. Nothing of that post was added; correct its files and import them again.")]
    BadGroup {
        group: String,
        files: String,
        reason: String,
    },

    #[error("Post {id} (\"{title}\") is already in this library, so {files} were not imported again. To replace it, delete it first (the import then gives it a new id); to keep both, import into another library.")]
    AlreadyInLibrary {
        id: String,
        title: String,
        files: String,
    },

    #[error("{path} is not an XLIFF file Valise can read: {reason}. Nothing was imported; if the translation tool wrote it, export it from the tool again (a cut-short copy often is the cause).")]
    XliffUnreadable { path: PathBuf, reason: String },

    #[error("{path} was not imported: {reason}. Nothing was changed.")]
    XliffRejected { path: PathBuf, reason: String },

    #[error("{path}, post {post}, unit {unit}: {reason}. Nothing from this file was imported; correct the unit in the translation tool and import the file again.")]
    XliffUnitRejected {
        path: PathBuf,
        post: String,
        unit: String,
        reason: String,
    },

    #[error("The sign-off chain cannot be read: {reason}. The chain was not changed.")]
    ChainUnreadable { reason: String },

    #[error("Sign-off chain, step {step}: {problem}. The chain was not changed.")]
    ChainInvalid { step: String, problem: String },

    #[error("{0} Nothing was recorded.")]
    SignoffRefused(crate::workflow::rules::Refusal),

    #[error("{0} Nothing was recorded.")]
    PublicationRefused(crate::workflow::rules::PublicationRefusal),

    #[error("There is no step '{step}' in the sign-off chain; its steps are {steps}.")]
    StepNotInChain { step: String, steps: String },

    #[error("Nobody has approved step '{step}' of this post yet, so there is no signed text to compare with.")]
    NothingSigned { step: String },

    #[error("To {act}, say which step of the chain (see `valise workflow show`).")]
    StepNeeded { act: String },

    #[error(
        "'{text}' is not a date: write YYYY-MM-DD or an RFC 3339 date-time (2026-11-25T17:00:00Z)."
    )]
    BadDate { text: String },

    #[error("The sign-off of this post was evaluated with {hashes} content hash(es) for a chain of {steps} step(s); this is a bug in Valise, please report it.")]
    ScopeMismatch { steps: usize, hashes: usize },

    #[error("There is no person '{name}' in this library. See who there is with `valise person list`, or add them with `valise person add`.")]
    PersonNotFound { name: String },

    #[error("There is already a person named '{name}' in this library: choose another name.")]
    PersonExists { name: String },

    #[error("'{name}' cannot be a person's name: use letters, digits, '-', '_' or '.', no spaces, at most 64 characters.")]
    BadPersonName { name: String },

    #[error("'{email}' is not an e-mail address (expected name@domain.example).")]
    BadEmail { email: String },

    #[error("{name} has no enrolled signing key on this desktop, so cannot act here. If you are {name}, ask someone already enrolled in this library for an invitation code (they run `valise person invite {name}`), then run `valise whoami --set {name} --code CODE` here; otherwise act as yourself.")]
    NoKeyHere { name: String },

    #[error("The signing key this desktop holds for {name} is not one this library knows. Ask someone enrolled in this library for an invitation code (`valise person invite {name}`) and enrol this desktop with `valise whoami --set {name} --code CODE`.")]
    KeyNotInLibrary { name: String },

    #[error("{name} has no invitation in this library, so no code can enrol them. Ask someone enrolled to run `valise person invite {name}` and give you the code it prints.")]
    NoInvitation { name: String },

    #[error("This invitation code does not enrol {name}: {reason}. Nothing was recorded. Check that it was typed as given, or ask for a fresh code (`valise person invite {name}`).")]
    BadInvitationCode { name: String, reason: String },

    #[error("Nobody is chosen as you for the library {library} on this desktop. Choose once with `valise whoami --set NAME` (or act as someone for one run with `--as NAME`).")]
    NoIdentity { library: PathBuf },

    #[error("The secret store could not keep or read the secret of {service}/{account}: {reason}")]
    SecretStore {
        service: String,
        account: String,
        reason: String,
    },

    #[error("'{kind}' is not a kind of audit entry this Valise knows.")]
    UnknownAuditKind { kind: String },

    #[error("A comment needs some text.")]
    EmptyComment,

    #[error("Cannot reach {backend} ({reason}). Nothing was lost: your changes wait in the outbox; check the network or the address and sync again.")]
    BackendUnreachable { backend: String, reason: String },

    #[error("{backend} refused the user name or application password. Nothing was lost: enter the password again and sync.")]
    BackendCredentials { backend: String },

    #[error("{backend} does not let this user {what}. Nothing was lost: ask the site's administrator for the rights, or sync as another user.")]
    BackendNotAllowed { backend: String, what: String },

    #[error("{record} changed on {backend} since this library last saw it (it is at version {current}). Sync again: the change is pulled and merged first.")]
    BackendStale {
        backend: String,
        record: String,
        current: String,
    },

    #[error("{backend} answered something Valise cannot read ({what}). Nothing was changed; try again later, or tell the site's administrator.")]
    BackendGarbage { backend: String, what: String },

    #[error("{location} answers, but it is not a Valise site: the Valise plugin is missing there. Install it (see the README) and sync again.")]
    NotAValiseSite { location: String },

    #[error("{backend} failed with a server error (HTTP {status} at {url}: {detail}). Nothing was lost: your changes wait in the outbox; sync again later, or tell the site's administrator if it goes on.")]
    BackendServerError {
        backend: String,
        status: u16,
        url: String,
        detail: String,
    },

    #[error("{backend} refused to publish post {post}: {}. Nothing was published; fix what it names and publish again.", crate::backends::wordpress::join_reasons(.reasons))]
    PublishRefused {
        backend: String,
        post: String,
        reasons: Vec<crate::backends::wordpress::PreflightReason>,
    },

    #[error("Post {post} was not sent to {backend} to be made public: its preflight fails in this library: {checks}. Its publication decision stands; fix what it names and sync again.")]
    PublishHeldBack {
        backend: String,
        post: String,
        checks: String,
    },

    #[error("{record} was deleted on {backend} since this library last saw it. Sync again: the deletion is pulled first, and nothing typed here is lost.")]
    BackendGone { backend: String, record: String },

    #[error("This desktop has no application password for {user} on {site}. Give it on standard input: `valise backend add NAME --wordpress {site} --user {user} --password-stdin` (make one in WordPress under Users → Profile → Application Passwords).")]
    NoPassword { user: String, site: String },

    #[error("{backend} refused what Valise sent to {url} ({code}: {message}). Nothing was changed there; this is likely a bug in Valise, please report it with this message.")]
    BackendRefused {
        backend: String,
        url: String,
        code: String,
        message: String,
    },

    #[error("'{url}' is not a WordPress address Valise can use: {reason}.")]
    BadBackendUrl { url: String, reason: String },

    #[error("There is no backend named '{name}' in this library ({known}).")]
    BackendNotFound { name: String, known: String },

    #[error("This library already has a backend named '{name}'.")]
    BackendExists { name: String },

    #[error("A sync of this library is already running; this one was not started. Wait for it to finish (the window shows its progress), then sync again if needed.")]
    SyncRunning,

    #[error("There is no asset {id}. See the assets with `valise asset list`.")]
    AssetNotFound { id: String },

    #[error("Asset '{name}' ({id}) is used by {uses}: nothing was deleted. Remove its references (`![](asset:{id})`) from those posts first, or delete it anyway (`valise asset delete {id} --force`, or confirm in the window): those posts then show a placeholder naming the missing asset, and preflight keeps them from being published until the reference is gone.")]
    AssetInUse {
        id: String,
        name: String,
        /// "2 posts: «La carte» (0b5e0f7a), …"
        uses: String,
    },

    #[error("{path} was not added: {reason}. Nothing was changed.")]
    BadAsset { path: PathBuf, reason: String },

    #[error("Asset {id} has no file for {lang} (nor one for every language): add one with `valise asset add FILE --lang {lang}`.")]
    AssetNoVariant { id: String, lang: String },

    #[error("The window asked for asset file '{path}', which is not a thumbnail or file of this library's assets: nothing was sent.")]
    AssetNotServed { path: String },

    #[error("The file of asset '{name}' ({id}) is not on this desktop yet: the desktop that added it has not published it. It arrives with a later sync; until then the posts that show it wait in the outbox here.")]
    AssetFileNotHere { id: String, name: String },

    #[error("The file of asset '{name}' ({id}) was added on this desktop but is missing from the library's asset folder ({path}): the posts that show it wait in the outbox. Copy the library together with its folder, restore the folder from a backup, or add the file again with `valise asset add`.")]
    AssetFileLost {
        id: String,
        name: String,
        path: PathBuf,
    },

    #[error("{backend} sent a file for asset '{name}' ({id}) that is not the one the asset records ({reason}): nothing was stored. The site's copy of that file may be damaged or replaced; the desktop that added the asset can publish it again.")]
    AssetFileRefused {
        backend: String,
        id: String,
        name: String,
        reason: String,
    },

    #[error("{path} cannot be watched: {reason}. The watched folders are unchanged.")]
    BadWatchedFolder { path: PathBuf, reason: String },

    #[error("The asset file {path} is missing from the library's asset folder: copy the library together with its folder ({path} should be inside it), or restore that folder from a backup.")]
    AssetFileMissing { path: PathBuf },

    #[error("The file of asset '{name}' ({id}) for {lang} came from another desktop through sync and is not on this desktop yet: run `valise sync` (or press Sync in the window) to fetch it. If it still does not come, the desktop that added it has not published it yet.")]
    AssetFileNotFetched {
        id: String,
        name: String,
        /// The variant's language, or "every language".
        lang: String,
    },

    #[error("The stored file of asset '{name}' ({id}) at {path} {reason}, so it was not published and the posts that show it stay in the outbox: add the designer's file again (`valise asset add FILE`) or restore the asset folder from a backup, then sync.")]
    AssetFileDamaged {
        id: String,
        name: String,
        path: PathBuf,
        reason: String,
    },

    #[error("'{name}' cannot be a backend's name: use letters, digits, '-', '_' or '.', no spaces, at most 64 characters.")]
    BadBackendName { name: String },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("The library could not complete the operation: {0}")]
    Database(#[from] rusqlite::Error),
}

impl Error {
    /// A stable, machine-readable name for the kind of failure (shown to the UI).
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotALibrary { .. } => "not_a_library",
            Error::ReadOnly { .. } => "read_only",
            Error::TooNew { .. } => "too_new",
            Error::CannotOpen { .. } => "cannot_open",
            Error::MigrationFailed { .. } => "migration_failed",
            Error::PostNotFound { .. } => "post_not_found",
            Error::AmbiguousId { .. } => "ambiguous_id",
            Error::LanguageNotFound { .. } => "language_not_found",
            Error::RevisionNotFound { .. } => "revision_not_found",
            Error::ConflictNotFound { .. } => "conflict_not_found",
            Error::Corrupt { .. } => "corrupt",
            Error::UnknownLanguage { .. } => "unknown_language",
            Error::IsTheSource { .. } => "is_the_source",
            Error::TranslationExists { .. } => "translation_exists",
            Error::BlockNotTranslated { .. } => "block_not_translated",
            Error::PlanNeedsReason => "plan_needs_reason",
            Error::BadFile { .. } => "bad_file",
            Error::BadGroup { .. } => "bad_group",
            Error::AlreadyInLibrary { .. } => "already_in_library",
            Error::XliffUnreadable { .. } => "xliff_unreadable",
            Error::XliffRejected { .. } => "xliff_rejected",
            Error::XliffUnitRejected { .. } => "xliff_unit_rejected",
            Error::ChainUnreadable { .. } => "chain_unreadable",
            Error::ChainInvalid { .. } => "chain_invalid",
            Error::SignoffRefused(r) => r.code(),
            Error::PublicationRefused(r) => r.code(),
            Error::StepNotInChain { .. } => "step_not_in_chain",
            Error::NothingSigned { .. } => "nothing_signed",
            Error::StepNeeded { .. } => "step_needed",
            Error::BadDate { .. } => "bad_date",
            Error::ScopeMismatch { .. } => "scope_mismatch",
            Error::PersonNotFound { .. } => "person_not_found",
            Error::PersonExists { .. } => "person_exists",
            Error::BadPersonName { .. } => "bad_person_name",
            Error::BadEmail { .. } => "bad_email",
            Error::NoKeyHere { .. } => "no_key_here",
            Error::KeyNotInLibrary { .. } => "key_not_in_library",
            Error::NoIdentity { .. } => "no_identity",
            Error::NoInvitation { .. } => "no_invitation",
            Error::BadInvitationCode { .. } => "bad_invitation_code",
            Error::SecretStore { .. } => "secret_store",
            Error::UnknownAuditKind { .. } => "unknown_audit_kind",
            Error::EmptyComment => "empty_comment",
            Error::BackendUnreachable { .. } => "backend_unreachable",
            Error::BackendCredentials { .. } => "backend_credentials",
            Error::BackendNotAllowed { .. } => "backend_not_allowed",
            Error::BackendStale { .. } => "backend_stale",
            Error::BackendGarbage { .. } => "backend_garbage",
            Error::NotAValiseSite { .. } => "not_a_valise_site",
            Error::BackendServerError { .. } => "backend_server_error",
            Error::PublishRefused { .. } => "publish_refused",
            Error::PublishHeldBack { .. } => "publish_held_back",
            Error::BackendRefused { .. } => "backend_refused",
            Error::BackendGone { .. } => "backend_gone",
            Error::NoPassword { .. } => "no_password",
            Error::BadBackendUrl { .. } => "bad_backend_url",
            Error::BackendNotFound { .. } => "backend_not_found",
            Error::BackendExists { .. } => "backend_exists",
            Error::SyncRunning => "sync_running",
            Error::AssetNotFound { .. } => "asset_not_found",
            Error::AssetInUse { .. } => "asset_in_use",
            Error::BadAsset { .. } => "bad_asset",
            Error::AssetNoVariant { .. } => "asset_no_variant",
            Error::AssetFileMissing { .. } => "asset_file_missing",
            Error::AssetFileNotFetched { .. } => "asset_file_not_fetched",
            Error::AssetFileDamaged { .. } => "asset_file_damaged",
            Error::AssetNotServed { .. } => "asset_not_served",
            Error::AssetFileNotHere { .. } => "asset_file_not_here",
            Error::AssetFileLost { .. } => "asset_file_lost",
            Error::AssetFileRefused { .. } => "asset_file_refused",
            Error::BadWatchedFolder { .. } => "bad_watched_folder",
            Error::BadBackendName { .. } => "bad_backend_name",
            Error::Io { .. } => "io",
            Error::Database(_) => "database",
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>) -> Self {
        Error::Corrupt { what: what.into() }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error as the UI receives it: a stable code to react on, a sentence to show.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ErrorReport {
    pub code: String,
    pub message: String,
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        ErrorReport {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}
