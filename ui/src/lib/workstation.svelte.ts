// What fills the window and how one thing replaces another: the open post
// (saved before anything replaces it), its languages and the side-by-side
// translation, the side panel, and the asset library or the pipeline in place
// of the editor. The state modules it holds answer the core; this only moves
// between them.
import { tick } from 'svelte';
import * as api from './api';
import { AssetsState } from './assets.svelte';
import type { ActRequest, ChangeSet, FailedCheck, PublicationRequest, TranslationStatus } from './bindings';
import { overEditor, references } from './drop';
import { shownEditor } from './editor-bridge';
import { LibraryState } from './library.svelte';
import { notices } from './notices.svelte';
import { PeopleState } from './people.svelte';
import { PipelineState } from './pipeline.svelte';
import { RevisionsState } from './revisions.svelte';
import { Session } from './session.svelte';
import { SignoffState } from './signoff.svelte';
import { SyncState } from './sync.svelte';
import { TranslationSession } from './translation.svelte';

export type Side = 'details' | 'revisions' | 'signoff';

export class Workstation {
  readonly library = new LibraryState();
  readonly revisions = new RevisionsState();
  readonly session = new Session({
    saved: (post, before) => {
      if (post.tags.join('\n') !== before.tags.join('\n')) this.library.tagsChanged();
    },
  });
  readonly translation = new TranslationSession();
  readonly people = new PeopleState();
  readonly signoff = new SignoffState();
  readonly sync = new SyncState();
  readonly assets = new AssetsState();
  readonly pipeline = new PipelineState();

  /** The open post's languages and where each stands. */
  languages = $state.raw<TranslationStatus | null>(null);
  /** True while the side-by-side editor replaces the editor and preview. */
  translating = $state(false);
  side = $state<Side | null>(null);
  /** The pipeline board and my inbox, in place of the editor and preview. */
  boardOpen = $state(false);
  /** The asset library, in place of the editor and preview. */
  assetsOpen = $state(false);

  readonly post = $derived(this.session.post);
  readonly dir = $derived(this.library.dirOf(this.post?.lang));
  readonly languageName = $derived(
    this.library.overview?.languages.find((l) => l.code === this.post?.lang)?.name ?? this.post?.lang ?? '',
  );

  #busy = false;

  /** Saves what is open before something else replaces it; false keeps it open. */
  async leaveCurrent(): Promise<boolean> {
    if (this.translating && !(await this.closeTranslation())) return false;
    if (await this.session.flush()) return true;
    notices.report('This post still has unsaved changes, so it stays open. Valise keeps trying to save them.');
    return false;
  }

  async #once(work: () => Promise<void>): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      await work();
    } finally {
      this.#busy = false;
    }
  }

  /** Opens a language version (`lang` null: the post's source). */
  openPost(id: string, lang: string | null): Promise<void> {
    return this.#once(async () => {
      const post = this.post;
      if (post && post.id === id && (lang === null || post.lang === lang)) return;
      if (!(await this.leaveCurrent())) return;
      try {
        this.session.load(await api.getPost(id, lang));
      } catch (error) {
        notices.report(error, 'The post could not be opened');
      }
    });
  }

  createPost(): Promise<void> {
    return this.#once(async () => {
      if (!(await this.leaveCurrent())) return;
      try {
        const created = await api.createPost({
          title: '',
          lang: this.library.overview?.source_lang ?? null,
          body: '',
          tags: [],
        });
        this.session.load(created);
        await tick();
        this.session.focusTitle();
      } catch (error) {
        notices.report(error, 'A new post could not be created');
      }
    });
  }

  async deletePost(): Promise<void> {
    if (!this.post) return;
    const id = this.post.id;
    try {
      await api.deletePost(id);
      this.session.close();
      this.revisions.reset();
      this.side = null;
    } catch (error) {
      notices.report(error, 'The post could not be deleted');
    }
  }

  async restore(number: number): Promise<void> {
    const post = this.post;
    if (!post || !(await this.session.flush())) return;
    try {
      const restored = await api.restoreRevision(post.id, post.lang, number);
      if (restored.tags.join('\n') !== post.tags.join('\n')) this.library.tagsChanged();
      this.session.load(restored);
    } catch (error) {
      notices.report(error, `Revision ${number} could not be restored`);
    }
  }

  async refreshLanguages(): Promise<void> {
    const open = this.session.post;
    if (!open) {
      this.languages = null;
      return;
    }
    try {
      const status = await api.translationStatus(open.id);
      if (this.session.post?.id === status.id) this.languages = status;
    } catch (error) {
      notices.report(error, 'The languages of this post could not be read');
    }
  }

  openLanguage(lang: string): Promise<void> {
    return this.post ? this.openPost(this.post.id, lang) : Promise.resolve();
  }

  startTranslation(lang: string): Promise<void> {
    return this.#once(async () => {
      const post = this.post;
      if (!post || !(await this.session.flush())) return;
      try {
        await this.translation.open(post.id, lang);
        this.translating = true;
        this.side = null;
      } catch (error) {
        notices.report(error, 'The translation could not be opened');
      }
    });
  }

  /** Leaves the side-by-side editor once its text is saved; false keeps it open. */
  async closeTranslation(): Promise<boolean> {
    if (!(await this.translation.flush())) {
      notices.report('The translation still has unsaved changes, so it stays open. Valise keeps trying to save them.');
      return false;
    }
    this.translating = false;
    this.translation.close();
    const open = this.session.post;
    if (open) {
      try {
        this.session.load(await api.getPost(open.id, open.lang));
      } catch (error) {
        notices.report(error, 'The post could not be reloaded');
      }
    }
    return true;
  }

  async notPlanned(lang: string, reason: string): Promise<boolean> {
    if (!this.post) return false;
    try {
      await api.notPlanned(this.post.id, lang, reason);
      return true;
    } catch (error) {
      notices.report(error, 'The decision could not be recorded');
      return false;
    }
  }

  toggle(panel: Side): void {
    this.side = this.side === panel ? null : panel;
  }

  /** An act from the sign-off panel, on the text as it is now (saved first). */
  async act(request: ActRequest): Promise<void> {
    const post = this.post;
    if (!post || !(await this.session.flush())) return;
    await this.signoff.act(post.id, request);
  }

  async move(request: PublicationRequest): Promise<void> {
    if (this.post) await this.signoff.move(this.post.id, request);
  }

  /** Where a failed preflight check points: the language to translate, the
   * field to fill, or the step in the panel. */
  async goTo(check: FailedCheck): Promise<void> {
    const g = check.go_to;
    if ((check.code === 'language_missing' || check.code === 'language_outdated') && g.lang) {
      await this.startTranslation(g.lang);
      return;
    }
    if (g.lang && this.post && g.lang !== this.post.lang) await this.openPost(g.post_id, g.lang);
    if (g.field && g.field !== 'body') this.side = 'details';
    else if (g.step) {
      this.side = 'signoff';
      await tick();
      document.querySelector(`[data-step="${CSS.escape(g.step)}"]`)?.scrollIntoView({ block: 'nearest' });
    }
  }

  /** Ctrl+Enter: the sign-off panel, then `submit` (the panel's) when that is what may be done. */
  async submitShortcut(submit: () => void): Promise<void> {
    if (!this.post) return;
    this.side = 'signoff';
    await tick(); // the panel asks for the status as it opens
    if (!(await this.signoff.current(this.post.id))) return;
    await tick();
    submit();
  }

  async openAssets(): Promise<void> {
    if (this.translating && !(await this.closeTranslation())) return;
    this.boardOpen = false;
    this.assetsOpen = true;
    // "Assets" opens the library itself, not the last asset looked at.
    this.assets.close();
    await this.assets.start();
  }

  /** The detail's Insert: the reference goes in the open post at the caret. */
  insertAsset(id: string): void {
    if (!this.post) return;
    this.assetsOpen = false;
    this.session.insertAtCaret(references([id]));
  }

  /** From the asset detail's "used by": that language version in the editor. */
  openFromAssets(id: string, lang: string): Promise<void> {
    this.assetsOpen = false;
    return this.openPost(id, lang);
  }

  /** Files dropped: added; over the editor, each inserted where it fell. */
  async filesDropped(paths: string[], at: { x: number; y: number }): Promise<void> {
    const intoEditor = overEditor(at);
    const report = await this.assets.add(paths);
    if (!report || report.added.length === 0) return;
    const editor = shownEditor();
    if (intoEditor && editor) editor.insert(references(report.added.map((a) => a.asset_id)), at);
    else if (!this.assetsOpen) await this.openAssets();
  }

  /** "Add files…" (the library's button, Ctrl+Shift+I): the added files show in the asset library. */
  async pickFiles(): Promise<void> {
    const report = await this.assets.pick();
    if (report && report.added.length > 0 && !this.assetsOpen) await this.openAssets();
  }

  async openBoard(): Promise<void> {
    if (this.translating && !(await this.closeTranslation())) return;
    this.assetsOpen = false;
    this.boardOpen = true;
    await this.pipeline.refresh();
  }

  async openFromBoard(id: string): Promise<void> {
    this.boardOpen = false;
    await this.openPost(id, null);
    this.side = 'signoff';
  }

  /** From the conflict list: the post in the editor, where the conflict bar is. */
  async openConflict(id: string, lang: string): Promise<void> {
    if (this.translating && !(await this.closeTranslation())) return;
    this.boardOpen = false;
    await this.openPost(id, lang);
  }

  /** Every view looks again at what a change set touched, from any writer. */
  changed(changes: ChangeSet): void {
    this.library.changed(changes);
    this.people.changed(changes);
    void this.session.changed(changes);
    void this.translation.changed(changes);
    const open = this.session.post;
    if (open && changes.changes.some((c) => c.post === open.id)) void this.refreshLanguages();
    if (this.side === 'signoff') this.signoff.changed(changes, open?.id ?? null);
    if (this.boardOpen) void this.pipeline.refresh();
    if (this.assetsOpen) this.assets.changed(changes);
    // An asset the open post shows may have a new file or new alt text.
    if (changes.changes.some((c) => c.kind === 'asset')) {
      this.session.refreshPreview();
      if (this.translating) this.translation.refreshPreview();
    }
    if (open && this.side === 'revisions' && changes.changes.some((c) => c.post === open.id)) {
      void this.revisions.load(open.id, open.lang);
    }
    // What waits to be sent, and the conflicts, follow the library.
    if (!this.sync.running) void this.sync.refresh();
  }
}
