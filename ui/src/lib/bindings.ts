// Generated from the Rust types of valise-core by `make bindings`. Do not edit.

export type ErrorReport = { code: string, message: string, };

export type Language = { code: string, name: string, dir: TextDirection, };

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

export type Post = { id: number, lang: string, source_lang: string, created_at: string, updated_at: string, 
/**
 * The number of the latest revision of this language version.
 */
revision: number, stats: TextStats, title: string, slug: string, summary: string, body: string, tags: Array<string>, 
/**
 * The place/date line printed above the text ("Paris, 12 mars 2026").
 */
place_line: string, 
/**
 * The text proposed when the post is shared on social networks.
 */
share_text: string, author: string, };

export type PostSummary = { id: number, lang: string, title: string, summary: string, tags: Array<string>, words: number, created_at: string, updated_at: string, };

export type NewPost = { title: string, 
/**
 * The language of this first version; the library's source language if none.
 */
lang: string | null, body: string, tags: Array<string>, };

export type ListSort = "updated" | "created" | "title";

export type ListQuery = { lang: string | null, tag: string | null, sort: ListSort, limit: number, offset: number, };

export type RevisionKind = "created" | "edit" | "autosave" | "restore" | "import";

export type SaveRequest = { id: number, lang: string, text: PostText, kind: RevisionKind, 
/**
 * Names the resulting revision ("sent to the press office"), as Ctrl+S does.
 */
revision_name: string | null, };

export type RevisionSummary = { number: number, kind: RevisionKind, name: string | null, created_at: string, title: string, words: number, };

export type Revision = { number: number, kind: RevisionKind, name: string | null, created_at: string, text: PostText, };

export type LineChange = "same" | "added" | "removed";

export type DiffLine = { change: LineChange, text: string, };

export type FieldChange = { field: string, before: string, after: string, };

export type RevisionDiff = { from: number, to: number, fields: Array<FieldChange>, body: Array<DiffLine>, };

export type TextDirection = "ltr" | "rtl";

export type Preview = { 
/**
 * Sanitised HTML of each top-level block (paragraph, heading, list, table…),
 * in order; joined, they are `to_html`'s output.
 */
blocks: Array<string>, dir: TextDirection, stats: TextStats, };

export type SearchHit = { id: number, lang: string, title: string, 
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

export type ImportedFile = { path: string, id: number, title: string, };

export type FileError = { path: string, message: string, };

export type ImportReport = { imported: Array<ImportedFile>, failed: Array<FileError>, };
