// The library column: overview (languages, tags), the list with its filters,
// and search as you type.
import * as api from './api';
import type { ChangeSet, LibraryOverview, ListSort, PostSummary, SearchHit, TextDirection } from './bindings';
import { notices } from './notices.svelte';

export const SEARCH_DELAY_MS = 120;
/** Changes arriving together (an import, a sync) refresh the list once. */
export const REFRESH_DELAY_MS = 60;
export const SEARCH_LIMIT = 50;

export class LibraryState {
  overview = $state.raw<LibraryOverview | null>(null);
  posts = $state.raw<PostSummary[]>([]);
  /** Results of the search that `searchedFor` names; null when the list shows. */
  hits = $state.raw<SearchHit[] | null>(null);
  searchedFor = $state('');
  query = $state('');
  lang = $state<string | null>(null);
  tag = $state<string | null>(null);
  /** Only posts that need a translation into this language (missing or out of date). */
  needsTranslation = $state<string | null>(null);
  sort = $state<ListSort>('updated');
  /** True once the first list arrived (so the empty state does not flash). */
  ready = $state(false);
  /** Why the list could not be read, while it cannot (the banner says it in full). */
  unavailable = $state<string | null>(null);

  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #overviewDue = false;
  #searchSeq = 0;
  #listSeq = 0;

  get filtered(): boolean {
    return this.lang !== null || this.tag !== null || this.needsTranslation !== null;
  }

  get searching(): boolean {
    return this.query.trim() !== '';
  }

  /** Writing direction of a site language, as the library configures it. */
  dirOf(lang: string | undefined | null): TextDirection {
    return this.overview?.languages.find((l) => l.code === lang)?.dir ?? 'ltr';
  }

  async start(): Promise<void> {
    await Promise.all([this.refreshOverview(), this.refreshList()]);
  }

  async refreshOverview(): Promise<void> {
    try {
      this.overview = await api.libraryOverview();
    } catch (error) {
      notices.report(error, 'The library could not be read');
    }
  }

  async refreshList(): Promise<void> {
    const seq = ++this.#listSeq;
    try {
      const posts = await api.listPosts({
        lang: this.lang,
        tag: this.tag,
        needs_translation: this.needsTranslation,
        sort: this.sort,
        limit: 0,
        offset: 0,
      });
      if (seq === this.#listSeq) {
        this.posts = posts;
        this.unavailable = null;
      }
    } catch (error) {
      if (seq === this.#listSeq) this.unavailable = api.messageOf(error);
      notices.report(error, 'The list of posts could not be loaded');
    } finally {
      if (seq === this.#listSeq) this.ready = true;
    }
  }

  /** Typing in the search box: searches after a short pause; empty shows the list. */
  setQuery(query: string): void {
    this.query = query;
    clearTimeout(this.#searchTimer);
    if (query.trim() === '') {
      this.#searchSeq++;
      this.hits = null;
      this.searchedFor = '';
      return;
    }
    this.#searchTimer = setTimeout(() => void this.search(query), SEARCH_DELAY_MS);
  }

  async search(query: string): Promise<void> {
    const seq = ++this.#searchSeq;
    try {
      const hits = await api.searchPosts(query.trim(), SEARCH_LIMIT);
      if (seq !== this.#searchSeq) return;
      this.hits = hits;
      this.searchedFor = query.trim();
    } catch (error) {
      if (seq === this.#searchSeq) notices.report(error, 'The search could not run');
    }
  }

  setFilters(filters: {
    lang?: string | null;
    tag?: string | null;
    needsTranslation?: string | null;
    sort?: ListSort;
  }): void {
    if (filters.lang !== undefined) this.lang = filters.lang;
    if (filters.needsTranslation !== undefined) this.needsTranslation = filters.needsTranslation;
    if (filters.tag !== undefined) this.tag = filters.tag;
    if (filters.sort !== undefined) this.sort = filters.sort;
    void this.refreshList();
  }

  /** A change to the library, from anywhere: the one way the column refreshes.
   * The list always (a few hundred microseconds); the overview (post count, tag
   * counts over the whole library) when posts came or went, or when another
   * writer changed something. This window's own tag edits refresh it through
   * `tagsChanged`, so autosaves do not recount every tag. */
  changed(changes: ChangeSet): void {
    if (changes.changes.length === 0) return;
    this.#overviewDue ||= changes.origin !== 'window' || changes.changes.some((c) => c.kind === 'post');
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => {
      void this.refreshList();
      if (this.#overviewDue) {
        this.#overviewDue = false;
        void this.refreshOverview();
      }
      if (this.searching && this.searchedFor !== '') void this.search(this.searchedFor);
    }, REFRESH_DELAY_MS);
  }

  /** The open post's tags changed in this window. */
  tagsChanged(): void {
    void this.refreshOverview();
  }
}
