// Generated from the Rust types of valise-core by `make bindings`. Do not edit.

export type ErrorReport = { code: string, message: string, };

export type TextDirection = "ltr" | "rtl";

export type Typography = "plain" | "french";

export type Language = { code: string, name: string, dir: TextDirection, typography: Typography, };

export type LibraryOverview = { path: string, source_lang: string, languages: Array<Language>, posts: number, tags: Array<TagCount>, };

export type TagCount = { tag: string, posts: number, };

export type TextStats = { words: number, reading_minutes: number, 
/**
 * Characters as a person counts them (Unicode scalar values).
 */
characters: number, };

export type PostText = { title: string, slug: string, summary: string, body: string, tags: Array<string>, 
/**
 * The place/date line printed above the text ("Paris, 12 mars 2026").
 */
place_line: string, 
/**
 * The text proposed when the post is shared on social networks.
 */
share_text: string, author: string, };

export type Origin = "window" | "cli" | "import" | "sync" | "watcher" | "migration";

export type Conflict = { id: string, 
/**
 * Where the other text came from (the command line, sync, the window…).
 */
origin: Origin, 
/**
 * The same, in words for people ("the command line").
 */
from: string, created_at: string, 
/**
 * The revision both texts were made from.
 */
base_revision: number, 
/**
 * The revision that was current when the two changes met.
 */
current_revision: number, 
/**
 * The text as it is now.
 */
current: PostText, 
/**
 * The other text, kept whole.
 */
other: PostText, };

export type OpenConflict = { post: string, lang: string, 
/**
 * The current title, to recognise the post by.
 */
title: string, id: string, 
/**
 * Where the other text came from (the command line, sync, the window…).
 */
origin: Origin, 
/**
 * The same, in words for people ("the command line").
 */
from: string, created_at: string, 
/**
 * The revision both texts were made from.
 */
base_revision: number, 
/**
 * The revision that was current when the two changes met.
 */
current_revision: number, 
/**
 * The text as it is now.
 */
current: PostText, 
/**
 * The other text, kept whole.
 */
other: PostText, };

export type Resolution = "keep_current" | "take_other";

export type Post = { 
/**
 * The post's global id (the translation group's, shared by its languages).
 */
id: string, lang: string, source_lang: string, created_at: string, updated_at: string, 
/**
 * The number of the latest revision of this language version.
 */
revision: number, stats: TextStats, 
/**
 * Another version of this text, kept when two changes overlapped, until
 * someone chooses (the oldest open one when there are several).
 */
conflict: Conflict | null, title: string, slug: string, summary: string, body: string, tags: Array<string>, 
/**
 * The place/date line printed above the text ("Paris, 12 mars 2026").
 */
place_line: string, 
/**
 * The text proposed when the post is shared on social networks.
 */
share_text: string, author: string, };

export type Completeness = { "state": "source" } | { "state": "complete" } | { "state": "outdated", outdated: number, missing: number, orphaned: number, } | { "state": "missing" } | { "state": "not_planned", by: string, reason: string, at: string, };

export type LanguageState = { lang: string, completeness: Completeness, };

export type PostSummary = { id: string, lang: string, title: string, summary: string, tags: Array<string>, words: number, created_at: string, updated_at: string, 
/**
 * An overlapping change waits for someone to choose.
 */
in_conflict: boolean, 
/**
 * Every site language of the post (and any other it has), the source first.
 */
languages: Array<LanguageState>, };

export type NewPost = { title: string, 
/**
 * The language of this first version; the library's source language if none.
 */
lang: string | null, body: string, tags: Array<string>, };

export type ListSort = "updated" | "created" | "title";

export type ListQuery = { lang: string | null, tag: string | null, 
/**
 * Only source versions of posts whose LANG translation is missing or
 * needs work (and was not decided against).
 */
needs_translation: string | null, sort: ListSort, limit: number, offset: number, };

export type RevisionKind = "created" | "edit" | "autosave" | "restore" | "import" | "merge" | "resolve" | "sync";

export type SaveRequest = { 
/**
 * The post's id (or an unambiguous prefix of at least 8 characters).
 */
id: string, lang: string, text: PostText, kind: RevisionKind, 
/**
 * Names the resulting revision ("sent to the press office"), as Ctrl+S does.
 */
revision_name: string | null, 
/**
 * The revision this text was made from; `None` applies it to the current text.
 */
base: number | null, 
/**
 * A source change translations need not follow (a typo fix): translation
 * blocks that were current stay current. Recorded on the revision.
 */
minor: boolean, };

export type SaveResult = "unchanged" | "saved" | "merged" | "conflict";

export type SaveOutcome = { post: Post, result: SaveResult, };

export type RevisionSummary = { number: number, kind: RevisionKind, name: string | null, created_at: string, title: string, words: number, 
/**
 * Saved as a minor edit of the source: translations were not outdated.
 */
minor: boolean, };

export type Revision = { number: number, kind: RevisionKind, name: string | null, created_at: string, text: PostText, };

export type LineChange = "same" | "added" | "removed";

export type DiffLine = { change: LineChange, text: string, };

export type FieldChange = { field: string, before: string, after: string, };

export type RevisionDiff = { from: number, to: number, fields: Array<FieldChange>, body: Array<DiffLine>, };

export type Preview = { 
/**
 * Sanitised HTML of each top-level block (paragraph, heading, list, table…),
 * in order; joined, they are `to_html`'s output.
 */
blocks: Array<string>, dir: TextDirection, stats: TextStats, };

export type BlockKind = "title" | "summary" | "share_text" | "paragraph" | "heading" | "list" | "table" | "quote" | "code" | "rule" | "html" | "footnote" | "other";

export type BlockState = "current" | "outdated" | "missing" | "orphaned";

export type TextPart = { change: LineChange, text: string, };

export type BlockStatus = { 
/**
 * The source block's id (stable; XLIFF unit ids are these).
 */
block: string, kind: BlockKind, state: BlockState, 
/**
 * `state.needs_work()`, carried so the window does not restate the rule.
 */
needs_work: boolean, 
/**
 * The source block's text now (empty for an orphaned block).
 */
source: string, translation: string, 
/**
 * For an outdated block, the source text it was translated from.
 */
translated_from: string | null, 
/**
 * For an outdated block, what changed in the source since, word by word
 * (filled by `Translations::status`, not on the autosave path).
 */
source_changes: Array<TextPart>, };

export type LanguageStatus = { lang: string, name: string, dir: TextDirection, completeness: Completeness, 
/**
 * The latest revision of this language version, if it exists.
 */
revision: number | null, 
/**
 * Block by block, in the source's order (translations only).
 */
blocks: Array<BlockStatus>, };

export type TranslationStatus = { id: string, source_lang: string, languages: Array<LanguageStatus>, };

export type UnitText = { 
/**
 * The source block it translates.
 */
block: string, text: string, };

export type TranslationSave = { id: string, lang: string, units: Array<UnitText>, kind: RevisionKind, 
/**
 * The revision this text was made from (see `SaveRequest::base`).
 */
base: number | null, };

export type SearchHit = { 
/**
 * The post's global id.
 */
id: string, lang: string, title: string, 
/**
 * The passage around the match, as plain text.
 */
snippet: string, 
/**
 * The same passage cut into plain and matching parts, for highlighting.
 */
snippet_parts: Array<SnippetPart>, 
/**
 * bm25 score: lower is a better match.
 */
rank: number, };

export type SnippetPart = { text: string, hit: boolean, };

export type ImportedFile = { path: string, 
/**
 * The post's global id (the same for all the languages of one post).
 */
id: string, lang: string, title: string, 
/**
 * The id the file carried, when the post was given a new one because a
 * post deleted from this library still holds it.
 */
exported_id: string | null, };

export type FileError = { path: string, message: string, };

export type ImportReport = { imported: Array<ImportedFile>, failed: Array<FileError>, };

export type RecordKind = "post" | "language_version" | "revision" | "conflict" | "translation_plan" | "person" | "audit_entry" | "signoff" | "chain" | "publication" | "asset" | "watched_folder";

export type ChangeAction = "created" | "updated" | "deleted";

export type Change = { kind: RecordKind, 
/**
 * The record's global id.
 */
id: string, action: ChangeAction, 
/**
 * The post the record belongs to (its own id for a post).
 */
post: string, 
/**
 * The language version it belongs to, when it belongs to one.
 */
lang: string | null, 
/**
 * The record's change counter after this change (1 for its first).
 */
counter: number, };

export type ChangeSet = { cursor: number, origin: Origin, at: string, changes: Array<Change>, };

export type ContentHash = string;

export type DiffRow = { "kind": "same", text: string, } | { "kind": "added", text: string, } | { "kind": "removed", text: string, } | { "kind": "changed", parts: Array<TextPart>, };

export type Required = number | "all";

export type Step = { name: string, 
/**
 * The people who may sign this step, by name.
 */
signers: Array<string>, required: Required, 
/**
 * A per-language step covers only these versions (e.g. proofreading of the
 * Arabic text); none means every version of the post.
 */
languages?: Array<string> | null, };

export type Delegation = { 
/**
 * Whose signature may be given.
 */
signer: string, 
/**
 * Who may give it.
 */
delegate: string, };

export type Chain = { steps: Array<Step>, delegations?: Array<Delegation>, };

export type ActKind = "submit" | "approve" | "request_changes" | "withdraw" | "comment";

export type Approval = { 
/**
 * Whose signature it is.
 */
signer: string, 
/**
 * Who gave it (the signer, or their delegate).
 */
by: string, on_behalf_of: string | null, 
/**
 * UTC unix milliseconds (the window shows them in the reader's locale).
 */
at: number, comment: string, seq: number, signed_hash: ContentHash, };

export type VoidedApproval = { approval: Approval, current_hash: ContentHash, };

export type ChangeRequest = { by: string, on_behalf_of: string | null, at: number, comment: string, };

export type StepState = "waiting" | "ready" | "approved" | "changes_requested" | "voided_by_change" | "no_signers";

export type StepStatus = { name: string, languages: Array<string> | null, state: StepState, 
/**
 * It may be signed now (every earlier step is valid, the post is submitted).
 */
ready: boolean, 
/**
 * Approvals of the current text that count toward `required`.
 */
approvals: Array<Approval>, counted: number, required: number, voided: Array<VoidedApproval>, changes_requested: ChangeRequest | null, current_hash: ContentHash, 
/**
 * It is the step the post waits on and the submission's due date is past.
 */
overdue: boolean, };

export type OverallState = { "state": "draft" } | { "state": "in_signoff", step: number, name: string, } | { "state": "changes_requested", step: number, name: string, } | { "state": "approved" } | { "state": "withdrawn", by: string, at: number, };

export type Submission = { by: string, at: number, due: number | null, comment: string, };

export type PostSignoff = { state: OverallState, submission: Submission | null, steps: Array<StepStatus>, overdue: boolean, };

export type MayAct = { kind: ActKind, step: string | null, 
/**
 * Set when the person would sign as this signer's delegate.
 */
on_behalf_of: string | null, };

export type CheckCode = "not_submitted" | "step_not_approved" | "approval_voided" | "changes_requested" | "no_signers" | "language_missing" | "language_outdated" | "share_text_too_long" | "broken_link" | "dangling_asset" | "asset_no_variant" | "alt_text_missing";

export type GoTo = { post_id: string, lang: string | null, 
/**
 * A field of the version ("share_text", "body").
 */
field: string | null, 
/**
 * A step of the sign-off panel.
 */
step: string | null, };

export type FailedCheck = { code: CheckCode, message: string, go_to: GoTo, };

export type PersonKey = { 
/**
 * Ed25519 public key, 64 hex digits.
 */
public_key: string, added_at: string, };

export type Person = { id: string, 
/**
 * Unique in the library: the handle of `--as` and of chain files.
 */
name: string, email: string, 
/**
 * The publishing backend's user this person is (for sync).
 */
backend_user: string | null, created_at: string, 
/**
 * One per desktop this person signs from, oldest first.
 */
keys: Array<PersonKey>, };

export type NewPerson = { person: Person, invitation_code: string | null, };

export type AuditEntry = { 
/**
 * The chain the entry belongs to: the id of the library that signed it.
 */
chain: string, 
/**
 * Its place in that chain (1, 2, 3…), as hashed.
 */
seq: number, id: string, format: number, at: string, 
/**
 * Unix milliseconds, as hashed.
 */
at_ms: number, 
/**
 * The author's global id.
 */
author: string, 
/**
 * The author's name now (not part of the signed entry).
 */
author_name: string | null, author_key: string, post: string | null, step: string | null, kind: string, 
/**
 * The payload's JSON text, exactly as hashed.
 */
payload: string, prev_hash: string, entry_hash: string, signature: string, };

export type ProblemKind = "gap" | "edited" | "broken_link" | "bad_signature" | "unknown_key" | "unknown_format" | "untrusted";

export type AuditProblem = { seq: number, id: string, kind: ProblemKind, 
/**
 * A sentence naming the entry and what is wrong.
 */
message: string, };

export type GrandfatheredKey = { seq: number, 
/**
 * The person's global id.
 */
person: string, name: string, public_key: string, };

export type VerifyReport = { entries: number, intact: boolean, 
/**
 * Every problem, chain by chain in sequence order; the first is where
 * the trail (or its first broken chain) stops being trustworthy.
 */
problems: Array<AuditProblem>, 
/**
 * Keys trusted only because they were enrolled before invitations existed.
 */
grandfathered: Array<GrandfatheredKey>, };

export type SyncReport = { backend: string, 
/**
 * Remote changes pulled (records, tombstones and audit entries).
 */
pulled: number, 
/**
 * Remote records written here.
 */
applied: number, 
/**
 * Records whose changes on both sides were combined.
 */
merged: number, 
/**
 * Texts changed on both sides in the same place: the site's is current,
 * this desktop's kept as an open conflict.
 */
conflicts: number, 
/**
 * Records deleted here because they were deleted on the backend.
 */
deleted: number, created_there: number, updated_there: number, deleted_there: number, audit_received: number, audit_sent: number, 
/**
 * Remote records kept for a later sync, each with why.
 */
held: Array<string>, 
/**
 * Choices the rules made that people should know of, and entries refused.
 */
notes: Array<string>, 
/**
 * Records this user may not write on the backend (its answer was 403:
 * a validator and the chain, another person's record), each with why;
 * they stay in the outbox and the rest of the sync went on.
 */
skipped: Array<string>, 
/**
 * Asset files fetched from the backend and stored here.
 */
files_received: number, 
/**
 * Asset files this desktop still lacks: not on the backend yet (the
 * desktop that added them has not published them), or refused.
 */
files_waiting: number, 
/**
 * Records still waiting to be sent (after a stale answer, or an error).
 */
waiting: number, 
/**
 * Files this library had uploaded, deleted on the backend once a new
 * version replaced them in every version it sends (`cleanup`).
 */
media_deleted: number, 
/**
 * Such files whose delete failed, each with why: kept, and tried again
 * at the next sync.
 */
media_pending: Array<string>, 
/**
 * Pull–plan–push rounds this sync took.
 */
rounds: number, };

export type Reach = "not_yet" | "online" | "offline";

export type BackendStatus = { name: string, kind: string, location: string, reach: Reach, 
/**
 * Records and audit entries waiting to be sent.
 */
waiting: number, last_sync: string | null, 
/**
 * What stopped the last sync, if something did.
 */
last_error: string | null, 
/**
 * Old files this library uploaded whose delete there failed: kept,
 * and tried again at every sync (`cleanup`).
 */
old_media_waiting: number, };

export type SyncStatus = { backends: Array<BackendStatus>, 
/**
 * Open conflicts in the library, whatever made them (post texts, and
 * asset fields changed differently on two desktops).
 */
conflicts: number, 
/**
 * Whether a sync of this library runs in this process now.
 */
syncing: boolean, };

export type SyncStep = "pulling" | "sending";

export type SyncProgress = { backend: string, step: SyncStep, 
/**
 * Changes pulled so far, or records and audit entries sent so far.
 */
done: number, 
/**
 * How many are to be sent; none while pulling (a backend does not say
 * how many changes follow).
 */
total: number | null, };

export type SyncOutcome = { reports: Array<SyncReport>, 
/**
 * What stopped it; the outbox is kept whatever it was.
 */
error: ErrorReport | null, };

export type BackendInfo = { name: string, 
/**
 * wordpress (later: git).
 */
kind: string, 
/**
 * The site's address.
 */
location: string, 
/**
 * The user the library logs in as there.
 */
user: string | null, 
/**
 * Whether this desktop holds the password (a library copied to another
 * desktop needs it given again).
 */
password_here: boolean, };

export type VoidedDiff = { step: string, signer: string, 
/**
 * Who gave it (the signer or their delegate).
 */
by: string, seq: number, signed_hash: ContentHash, current_hash: ContentHash, 
/**
 * From the signed canonical text to the current one (none if the signed
 * text is not kept, which only an edited library file can cause).
 */
diff: Array<DiffRow> | null, };

export type PrivateNote = { seq: number, by: string, kind: string, step: string | null, note: string, };

export type SignoffStatus = { post_id: string, signoff: PostSignoff, 
/**
 * The person the offered acts are for (`--as`, else who I am here).
 */
viewer: string | null, may_act: Array<MayAct>, voided: Array<VoidedDiff>, 
/**
 * The private notes on this post the viewer may read (their key is on
 * this desktop and the note was sealed to it), oldest first.
 */
notes: Array<PrivateNote>, };

export type ActRequest = { kind: ActKind, 
/**
 * The step approved or sent back (approve, request changes).
 */
step: string | null, 
/**
 * Signing as this signer's delegate (approve).
 */
on_behalf_of: string | null, 
/**
 * The public comment (required to request changes).
 */
comment: string, 
/**
 * Kept in the audit trail with the act, not shown on the panel.
 */
private_note: string | null, 
/**
 * For a submission: `YYYY-MM-DD` (due by the end of that day, UTC) or an
 * RFC 3339 date-time.
 */
due: string | null, };

export type PublicationState = { "state": "draft" } | { "state": "ready", by: string, at: number, } | { "state": "scheduled", by: string, at: number, publish_at: number, now: boolean, } | { "state": "published", 
/**
 * Who published it, as the site says.
 */
by: string, at: number, };

export type Publication = { state: PublicationState, 
/**
 * The decision a later change to the text voided (the post is a draft
 * again because of it).
 */
voided: PublicationState | null, 
/**
 * Published, and the text changed since: the site shows an older text.
 */
changed_since_published: boolean, 
/**
 * The hash the decision in force holds for.
 */
decided_hash: ContentHash | null, };

export type PublicationKind = "ready" | "schedule" | "publish" | "unschedule" | "unpublish" | "published";

export type PublicationOffer = { kind: PublicationKind, blocked_by_preflight: boolean, };

export type PublicationStatus = { post_id: string, publication: Publication, 
/**
 * The preflight now: every check that stands between the post and a move
 * toward the public (empty: it may be marked ready, scheduled, published).
 */
preflight: Array<FailedCheck>, 
/**
 * The moves that make sense now, as the panel offers them.
 */
offers: Array<PublicationOffer>, };

export type PublicationRequest = { "move": "mark_ready" } | { "move": "schedule", at: string, } | { "move": "publish_now" } | { "move": "unschedule" } | { "move": "unpublish" };

export type Column = { "column": "draft" } | { "column": "in_signoff", step: number, name: string, } | { "column": "changes_requested", step: number, name: string, } | { "column": "approved" } | { "column": "ready" } | { "column": "scheduled" } | { "column": "published" };

export type Involvement = { 
/**
 * A step waits for their signature (theirs, or as a delegate).
 */
waits_on: boolean, 
/**
 * They submitted it (the submission in force).
 */
submitted: boolean, 
/**
 * They approved a step or asked for changes, themselves or through a delegate.
 */
signed: boolean, };

export type BoardFilter = { 
/**
 * Only posts that involve this person (a step waits on them, they
 * submitted it, or they signed or sent back a step of it).
 */
person: string | null, 
/**
 * Only posts with a version in this language.
 */
lang: string | null, };

export type BoardItem = { post_id: string, 
/**
 * The source version's title.
 */
title: string, source_lang: string, 
/**
 * The languages it has a version in, the source first.
 */
languages: Array<string>, 
/**
 * Its sign-off state.
 */
state: OverallState, 
/**
 * The board's column: the sign-off's state, or the publication decision
 * in force for the current text.
 */
column: Column, publication: Publication, 
/**
 * The step it waits on (or was sent back from).
 */
current_step: string | null, 
/**
 * Why it cannot move on by itself, when it cannot.
 */
blocked: string | null, due: number | null, overdue: boolean, 
/**
 * How it involves the person the board was filtered by.
 */
involvement: Involvement | null, };

export type InboxItem = { post_id: string, title: string, step: string, 
/**
 * Set when the person would sign as this signer's delegate.
 */
on_behalf_of: string | null, submitted_by: string, submitted_at: number, due: number | null, overdue: boolean, };

export type Inbox = { person: string, 
/**
 * Oldest submission first.
 */
waiting: Array<InboxItem>, 
/**
 * The posts they submitted that are in sign-off, and where each stands.
 */
submitted: Array<BoardItem>, };

export type AssetKind = "raster" | "svg" | "pdf";

export type Format = "png" | "jpeg" | "gif" | "webp" | "svg" | "pdf";

export type FileVersion = { id: string, number: number, 
/**
 * SHA-256 of the file as it was added (hex).
 */
sha256: string, 
/**
 * Size of the stored file (an SVG's once sanitised).
 */
byte_size: number, format: Format, width: number | null, height: number | null, original_name: string, 
/**
 * What the SVG sanitiser took out of this file.
 */
removed: Array<string>, added_at: string, 
/**
 * Whether the file is on this desktop. An asset that came by sync has
 * its file fetched from the site once the desktop that added it has
 * published it; until then this is false ("not on this desktop yet").
 */
here: boolean, };

export type Variant = { lang: string | null, current: FileVersion, 
/**
 * Earlier versions, newest first; kept, never replaced.
 */
older: Array<FileVersion>, };

export type AssetText = { lang: string, alt: string, caption: string, };

export type AssetUse = { post_id: string, lang: string, title: string, };

export type AssetConflict = { 
/**
 * name | credit | licence | alt | caption | variant (a language's file
 * the other asset had, and this one has not)
 */
field: string, 
/**
 * The language of an alt text or caption.
 */
lang: string | null, 
/**
 * This desktop's value, no longer current.
 */
kept: string, 
/**
 * The value that became current.
 */
current: string, at: string, 
/**
 * When the kept value was another asset's: the same file added as two
 * assets on two desktops, that one now an alias of this one.
 */
from_asset: string | null, };

export type Asset = { id: string, name: string, kind: AssetKind, credit: string, licence: string, created_at: string, updated_at: string, variants: Array<Variant>, 
/**
 * Alt text and caption, per language that has any.
 */
texts: Array<AssetText>, used_by: Array<AssetUse>, 
/**
 * Fields changed differently on this desktop and another: the site's
 * value is current, this desktop's is kept here until the field is set
 * again.
 */
conflicts: Array<AssetConflict>, };

export type AssetSummary = { id: string, name: string, kind: AssetKind, 
/**
 * The languages with a file of their own; `None` for the all-languages file.
 */
variants: Array<string | null>, 
/**
 * The site languages with no alt text yet.
 */
missing_alt: Array<string>, 
/**
 * The checksum and size of the file the grid shows.
 */
sha256: string, width: number | null, height: number | null, 
/**
 * The variants (`None`: the all-languages file) whose current file is
 * not on this desktop yet (see `FileVersion::here`).
 */
not_here: Array<string | null>, };

export type AddFile = { path: string, 
/**
 * The variant's language; without it, the file name's (`NAME.LANG.EXT`), else all.
 */
lang: string | null, 
/**
 * The asset's name; without it, the file name's NAME.
 */
name: string | null, alt: string | null, caption: string | null, credit: string | null, licence: string | null, };

export type AddOutcome = "new_asset" | "new_variant" | "new_version" | "already_known" | "of_deleted_asset";

export type Added = { asset_id: string, lang: string | null, version: number, outcome: AddOutcome, 
/**
 * What the SVG sanitiser took out (empty for other files).
 */
removed: Array<string>, };

export type AddReport = { added: Array<Added>, failed: Array<FileError>, };

export type AssetQuery = { 
/**
 * Words to find in the name, credit, licence, alt texts and captions.
 */
text: string, 
/**
 * Only assets with no alt text in this language.
 */
missing_alt: string | null, 
/**
 * Only assets no live post uses.
 */
unused: boolean, };

export type DeletedAsset = { id: string, name: string, 
/**
 * The language versions that still reference it (a forced delete):
 * they now show the placeholder naming the missing asset.
 */
used_by: Array<AssetUse>, };
