//! valise-core: the whole domain of Valise, headless. A `Library` is one SQLite
//! file of posts; the app and the `valise` command are thin faces over it.

pub mod bindings;
mod clock;
pub mod error;
mod library;
pub mod posts;
pub mod render;
pub mod search;
pub mod store;
pub mod transfer;

pub use error::{Error, Result};
pub use library::{Language, Library, LibraryOverview};
pub use posts::revisions::{
    DiffLine, FieldChange, LineChange, Revision, RevisionDiff, RevisionKind, RevisionSummary,
    SaveRequest,
};
pub use posts::{ListQuery, ListSort, NewPost, Post, PostSummary, PostText, TagCount, TextStats};
pub use render::{Preview, TextDirection};
pub use search::{SearchHit, SnippetPart};
pub use transfer::{FileError, ImportReport, ImportedFile};
