//! The TypeScript declarations of every type that crosses to the UI, generated
//! from the Rust types (ts-rs) into one file, `ui/src/lib/bindings.ts`. A test
//! fails when the committed file drifts; `make bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::assets::{
    AddFile, AddOutcome, AddReport, Added, Asset, AssetConflict, AssetKind, AssetQuery,
    AssetSummary, AssetText, AssetUse, DeletedAsset, FileVersion, Format, Variant,
};
use crate::backends::registry::BackendInfo;
use crate::error::ErrorReport;
use crate::languages::{Language, TextDirection, Typography};
use crate::posts::conflicts::{Conflict, OpenConflict, Resolution};
use crate::posts::revisions::{
    DiffLine, FieldChange, LineChange, Revision, RevisionDiff, RevisionKind, RevisionSummary,
    SaveOutcome, SaveRequest, SaveResult,
};
use crate::posts::{
    ListQuery, ListSort, NewPost, Post, PostSummary, PostText, TagCount, TextStats,
};
use crate::render::Preview;
use crate::search::{SearchHit, SnippetPart};
use crate::store::write::{Change, ChangeAction, ChangeSet, Origin, RecordKind};
use crate::sync::{
    BackendStatus, Reach, SyncOutcome, SyncProgress, SyncReport, SyncStatus, SyncStep,
};
use crate::transfer::{FileError, ImportReport, ImportedFile};
use crate::translation::{
    BlockKind, BlockState, BlockStatus, Completeness, LanguageState, LanguageStatus, TextPart,
    TranslationSave, TranslationStatus, UnitText,
};
use crate::workflow::rules::{
    ActKind, Approval, Chain, ChangeRequest, CheckCode, Column, ContentHash, Delegation, DiffRow,
    FailedCheck, GoTo, Involvement, MayAct, OverallState, PostSignoff, Publication,
    PublicationKind, PublicationState, Required, Step, StepState, StepStatus, Submission,
    VoidedApproval,
};
use crate::workflow::{
    ActRequest, AuditEntry, AuditProblem, BoardFilter, BoardItem, GrandfatheredKey, Inbox,
    InboxItem, NewPerson, Person, PersonKey, PrivateNote, ProblemKind, PublicationOffer,
    PublicationRequest, PublicationStatus, SignoffStatus, VerifyReport, VoidedDiff,
};
use crate::LibraryOverview;

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}", T::decl(cfg))
}

/// The whole bindings file.
pub fn typescript() -> String {
    let cfg = Config::new();
    let decls = [
        decl::<ErrorReport>(&cfg),
        decl::<TextDirection>(&cfg),
        decl::<Typography>(&cfg),
        decl::<Language>(&cfg),
        decl::<LibraryOverview>(&cfg),
        decl::<TagCount>(&cfg),
        decl::<TextStats>(&cfg),
        decl::<PostText>(&cfg),
        decl::<Origin>(&cfg),
        decl::<Conflict>(&cfg),
        decl::<OpenConflict>(&cfg),
        decl::<Resolution>(&cfg),
        decl::<Post>(&cfg),
        decl::<Completeness>(&cfg),
        decl::<LanguageState>(&cfg),
        decl::<PostSummary>(&cfg),
        decl::<NewPost>(&cfg),
        decl::<ListSort>(&cfg),
        decl::<ListQuery>(&cfg),
        decl::<RevisionKind>(&cfg),
        decl::<SaveRequest>(&cfg),
        decl::<SaveResult>(&cfg),
        decl::<SaveOutcome>(&cfg),
        decl::<RevisionSummary>(&cfg),
        decl::<Revision>(&cfg),
        decl::<LineChange>(&cfg),
        decl::<DiffLine>(&cfg),
        decl::<FieldChange>(&cfg),
        decl::<RevisionDiff>(&cfg),
        decl::<Preview>(&cfg),
        decl::<BlockKind>(&cfg),
        decl::<BlockState>(&cfg),
        decl::<TextPart>(&cfg),
        decl::<BlockStatus>(&cfg),
        decl::<LanguageStatus>(&cfg),
        decl::<TranslationStatus>(&cfg),
        decl::<UnitText>(&cfg),
        decl::<TranslationSave>(&cfg),
        decl::<SearchHit>(&cfg),
        decl::<SnippetPart>(&cfg),
        decl::<ImportedFile>(&cfg),
        decl::<FileError>(&cfg),
        decl::<ImportReport>(&cfg),
        decl::<RecordKind>(&cfg),
        decl::<ChangeAction>(&cfg),
        decl::<Change>(&cfg),
        decl::<ChangeSet>(&cfg),
        decl::<ContentHash>(&cfg),
        decl::<DiffRow>(&cfg),
        decl::<Required>(&cfg),
        decl::<Step>(&cfg),
        decl::<Delegation>(&cfg),
        decl::<Chain>(&cfg),
        decl::<ActKind>(&cfg),
        decl::<Approval>(&cfg),
        decl::<VoidedApproval>(&cfg),
        decl::<ChangeRequest>(&cfg),
        decl::<StepState>(&cfg),
        decl::<StepStatus>(&cfg),
        decl::<OverallState>(&cfg),
        decl::<Submission>(&cfg),
        decl::<PostSignoff>(&cfg),
        decl::<MayAct>(&cfg),
        decl::<CheckCode>(&cfg),
        decl::<GoTo>(&cfg),
        decl::<FailedCheck>(&cfg),
        decl::<PersonKey>(&cfg),
        decl::<Person>(&cfg),
        decl::<NewPerson>(&cfg),
        decl::<AuditEntry>(&cfg),
        decl::<ProblemKind>(&cfg),
        decl::<AuditProblem>(&cfg),
        decl::<GrandfatheredKey>(&cfg),
        decl::<VerifyReport>(&cfg),
        decl::<SyncReport>(&cfg),
        decl::<Reach>(&cfg),
        decl::<BackendStatus>(&cfg),
        decl::<SyncStatus>(&cfg),
        decl::<SyncStep>(&cfg),
        decl::<SyncProgress>(&cfg),
        decl::<SyncOutcome>(&cfg),
        decl::<BackendInfo>(&cfg),
        decl::<VoidedDiff>(&cfg),
        decl::<PrivateNote>(&cfg),
        decl::<SignoffStatus>(&cfg),
        decl::<ActRequest>(&cfg),
        decl::<PublicationState>(&cfg),
        decl::<Publication>(&cfg),
        decl::<PublicationKind>(&cfg),
        decl::<PublicationOffer>(&cfg),
        decl::<PublicationStatus>(&cfg),
        decl::<PublicationRequest>(&cfg),
        decl::<Column>(&cfg),
        decl::<Involvement>(&cfg),
        decl::<BoardFilter>(&cfg),
        decl::<BoardItem>(&cfg),
        decl::<InboxItem>(&cfg),
        decl::<Inbox>(&cfg),
        decl::<AssetKind>(&cfg),
        decl::<Format>(&cfg),
        decl::<FileVersion>(&cfg),
        decl::<Variant>(&cfg),
        decl::<AssetText>(&cfg),
        decl::<AssetUse>(&cfg),
        decl::<AssetConflict>(&cfg),
        decl::<Asset>(&cfg),
        decl::<AssetSummary>(&cfg),
        decl::<AddFile>(&cfg),
        decl::<AddOutcome>(&cfg),
        decl::<Added>(&cfg),
        decl::<AddReport>(&cfg),
        decl::<AssetQuery>(&cfg),
        decl::<DeletedAsset>(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types of valise-core by `make bindings`. Do not edit.\n\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// The committed bindings must be what the Rust types generate; run
    /// `VALISE_WRITE_BINDINGS=1 cargo test -p valise-core bindings` to refresh.
    #[test]
    fn committed_bindings_match_the_rust_types() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
        let fresh = super::typescript();
        if std::env::var_os("VALISE_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is out of date with the Rust types: run `make bindings` and commit it",
            path.display()
        );
    }

    #[test]
    fn large_ids_cross_as_numbers() {
        assert!(!super::typescript().contains("bigint"));
    }
}
