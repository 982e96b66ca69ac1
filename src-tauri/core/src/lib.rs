//! valise-core: the whole domain of Valise, headless. A `Library` is one SQLite
//! file of posts; the app and the `valise` command are thin faces over it.
//! Every change to a library goes through one door, `Library::write`.

pub mod backends;
pub mod bindings;
pub mod clock;
pub mod error;
pub mod ids;
pub mod languages;
mod library;
pub mod merge;
pub mod posts;
pub mod render;
pub mod search;
pub mod store;
pub mod sync;
pub mod transfer;
pub mod translation;
pub mod workflow;

pub use error::{Error, Result};
pub use languages::{Language, SiteLanguages, TextDirection, Typography};
pub use library::{Changes, Library, LibraryOverview};
pub use posts::conflicts::{Conflict, Resolution};
pub use posts::revisions::{
    DiffLine, FieldChange, LineChange, Revision, RevisionDiff, RevisionKind, RevisionSummary,
    SaveOutcome, SaveRequest, SaveResult,
};
pub use posts::{ListQuery, ListSort, NewPost, Post, PostSummary, PostText, TagCount, TextStats};
pub use render::Preview;
pub use search::{SearchHit, SnippetPart};
pub use store::write::{Change, ChangeAction, ChangeSet, Origin, RecordKind, WriteTx};
pub use transfer::{FileError, ImportReport, ImportedFile};
pub use translation::{
    BlockKind, BlockState, BlockStatus, Completeness, LanguageState, LanguageStatus, TextPart,
    TranslationSave, TranslationStatus, UnitText,
};
pub use workflow::{
    AuditEntry, AuditProblem, BoardItem, Desktop, Inbox, InboxItem, Person, PersonKey, ProblemKind,
    SecretStore, Signer, Signoff, SignoffStatus, VerifyReport, VoidedDiff, Workflow,
};
