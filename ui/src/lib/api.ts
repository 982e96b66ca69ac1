// Typed wrappers around the Tauri commands. The only place that calls `invoke`:
// components and state modules go through these, with the generated types.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type {
  ActRequest,
  BackendInfo,
  OpenConflict,
  SyncOutcome,
  SyncProgress,
  SyncReport,
  SyncStatus,
  AddReport,
  Asset,
  AssetQuery,
  AssetSummary,
  DeletedAsset,
  BoardFilter,
  BoardItem,
  Chain,
  PublicationRequest,
  PublicationStatus,
  ChangeSet,
  FailedCheck,
  Inbox,
  ErrorReport,
  ImportReport,
  LibraryOverview,
  ListQuery,
  NewPerson,
  NewPost,
  Person,
  Post,
  PostSummary,
  PostText,
  Preview,
  Resolution,
  RevisionDiff,
  RevisionSummary,
  SaveOutcome,
  SaveRequest,
  SearchHit,
  SignoffStatus,
  TextStats,
  TranslationSave,
  TranslationStatus,
  UnitText,
} from './bindings';

/** Tells the app the first view is painted (for the start-up benchmark). */
export const windowReady = () => invoke<null>('window_ready');

export const libraryOverview = () => invoke<LibraryOverview>('library_overview');

export const listPosts = (query: ListQuery) => invoke<PostSummary[]>('list_posts', { query });

export const searchPosts = (query: string, limit: number) =>
  invoke<SearchHit[]>('search_posts', { query, limit });

export const importFiles = (paths: string[]) => invoke<ImportReport>('import_files', { paths });

export const createPost = (post: NewPost) => invoke<Post>('create_post', { post });

export const getPost = (id: string, lang: string | null) => invoke<Post>('get_post', { id, lang });

export const savePost = (request: SaveRequest) => invoke<SaveOutcome>('save_post', { request });

export const deletePost = (id: string) => invoke<null>('delete_post', { id });

export const resolveConflict = (id: string, resolution: Resolution) =>
  invoke<Post>('resolve_conflict', { id, resolution });

export const textStats = (text: string) => invoke<TextStats>('text_stats', { text });

export const preview = (markdown: string, lang: string) => invoke<Preview>('preview', { markdown, lang });

export const listRevisions = (id: string, lang: string) =>
  invoke<RevisionSummary[]>('list_revisions', { id, lang });

export const diffRevisions = (id: string, lang: string, from: number, to: number | null) =>
  invoke<RevisionDiff>('diff_revisions', { id, lang, from, to });

export const restoreRevision = (id: string, lang: string, number: number) =>
  invoke<Post>('restore_revision', { id, lang, number });

export const translationStatus = (id: string) => invoke<TranslationStatus>('translation_status', { id });

export const addTranslation = (id: string, lang: string, text: PostText) =>
  invoke<Post>('add_translation', { id, lang, text });

export const saveTranslation = (save: TranslationSave) => invoke<SaveOutcome>('save_translation', { save });

export const markCurrent = (id: string, lang: string, blocks: string[]) =>
  invoke<TranslationStatus>('mark_current', { id, lang, blocks });

export const notPlanned = (id: string, lang: string, reason: string) =>
  invoke<null>('not_planned', { id, lang, reason });

export const previewTranslation = (units: UnitText[], lang: string) =>
  invoke<Preview>('preview_translation', { units, lang });

export const listPeople = () => invoke<Person[]>('list_people');

export const whoami = () => invoke<Person | null>('whoami');

export const chooseMe = (person: string, code: string | null) => invoke<Person>('choose_me', { person, code });

/** A person just added; `invitation_code` (shown once) is for everyone but the founder. */
export const addPerson = (name: string, email: string, backendUser: string | null) =>
  invoke<NewPerson>('add_person', { name, email, backendUser });

export const signoffStatus = (id: string) => invoke<SignoffStatus>('signoff_status', { id });

export const signoffAct = (id: string, request: ActRequest) =>
  invoke<SignoffStatus>('signoff_act', { id, request });

export const pipelineBoard = (filter: BoardFilter) => invoke<BoardItem[]>('pipeline_board', { filter });

export const publicationStatus = (id: string) =>
  invoke<PublicationStatus>('publication_status', { id });

export const publicationMove = (id: string, request: PublicationRequest) =>
  invoke<PublicationStatus>('publication_move', { id, request });

export const signOffChain = () => invoke<Chain>('sign_off_chain');

export const setSignOffChain = (chain: Chain) => invoke<Chain>('set_sign_off_chain', { chain });

export const myInbox = () => invoke<Inbox | null>('my_inbox');

export const preflight = (id: string) => invoke<FailedCheck[]>('preflight', { id });

export const syncStatus = () => invoke<SyncStatus>('sync_status');

export const listSites = () => invoke<BackendInfo[]>('list_sites');

/** Sets a WordPress site up; the app tries the login first and keeps the password out of the library. */
export const addSite = (url: string, user: string, password: string) =>
  invoke<BackendInfo>('add_site', { url, user, password });

export const syncNow = () => invoke<SyncReport[]>('sync_now');

export const openConflicts = () => invoke<OpenConflict[]>('open_conflicts');

/** Calls the handlers as a sync (on demand or on the app's timer) starts, moves on and ends. */
export async function onSync(handlers: {
  started: () => void;
  progress: (progress: SyncProgress) => void;
  finished: (outcome: SyncOutcome) => void;
}): Promise<() => void> {
  try {
    const stops = await Promise.all([
      listen('sync-started', () => handlers.started()),
      listen<SyncProgress>('sync-progress', (event) => handlers.progress(event.payload)),
      listen<SyncOutcome>('sync-finished', (event) => handlers.finished(event.payload)),
    ]);
    return () => stops.forEach((stop) => stop());
  } catch {
    return () => {}; // a plain browser, without the app around it
  }
}

export const findAssets = (query: AssetQuery) => invoke<AssetSummary[]>('find_assets', { query });

export const getAsset = (id: string) => invoke<Asset>('get_asset', { id });

/** Deletes an asset; without `force` the core refuses one that posts use. */
export const deleteAsset = (id: string, force: boolean) => invoke<DeletedAsset>('delete_asset', { id, force });

/** Files dropped on the window: each added whole, or refused with its reason. */
export const addAssets = (paths: string[]) => invoke<AddReport>('add_assets', { paths });

/** "Add files…": the app shows the OS file dialog, then adds the chosen files as
 * `addAssets` does; null when the dialog was cancelled. */
export const pickAssets = () => invoke<AddReport | null>('pick_assets');

export const setAssetText = (id: string, lang: string, alt: string | null, caption: string | null) =>
  invoke<Asset>('set_asset_text', { id, lang, alt, caption });

export const setAssetDetails = (id: string, credit: string | null, licence: string | null) =>
  invoke<Asset>('set_asset_details', { id, credit, licence });

export const watchedFolders = () => invoke<string[]>('watched_folders');

export const addWatchedFolder = (path: string) => invoke<string[]>('add_watched_folder', { path });

export const removeWatchedFolder = (path: string) => invoke<string[]>('remove_watched_folder', { path });

/** Calls `handler` with the reason each time the watched folders refuse a file. */
export async function onAssetRefused(handler: (message: string) => void): Promise<() => void> {
  try {
    return await listen<string>('asset-refused', (event) => handler(event.payload));
  } catch {
    return () => {};
  }
}

/** Calls `handler` with every change to the library, from this window or any other writer. */
export async function onLibraryChanged(handler: (changes: ChangeSet) => void): Promise<() => void> {
  try {
    return await listen<ChangeSet>('library-changed', (event) => handler(event.payload));
  } catch {
    return () => {}; // a plain browser, without the app around it
  }
}

/** The sentence to show for a failed command: the core's message when it sent one. */
export function messageOf(error: unknown): string {
  if (typeof error === 'string' && error.trim()) return error;
  if (error && typeof error === 'object' && 'message' in error) {
    const message = (error as Partial<ErrorReport>).message;
    if (typeof message === 'string' && message.trim()) return message;
  }
  return 'Something went wrong, and Valise did not receive an explanation. Nothing was changed.';
}
