// The post being edited: its fields, autosave and the live preview.
//
// The editor keeps what the person typed until the core has it: a failed save
// leaves the text where it is, shows why, and tries again on the next change or
// after a short wait. Text equal to the last saved text is never sent.
//
// Every save names the revision the editor's text was made from (its base). When
// someone else changed the post meanwhile, the core merges both changes and
// returns the merged text; the editor takes it in place, caret kept, once the
// person has not typed since that save (otherwise the next save merges again).
import * as api from './api';
import type { ChangeSet, Post, PostText, Preview, Resolution, RevisionKind } from './bindings';
import { latestOnly } from './coalesce';
import { notices } from './notices.svelte';

export type SaveState = 'saved' | 'saving' | 'dirty' | 'failed';

/** The editable fields besides the body; tags as the comma-separated input shows them. */
export interface Fields {
  title: string;
  slug: string;
  summary: string;
  tags: string;
  place_line: string;
  share_text: string;
  author: string;
}
export type FieldName = keyof Fields;

export const AUTOSAVE_MS = 800;
export const RETRY_MS = 4000;

export interface SessionHooks {
  /** A save landed: `before` is the post as it was before that save. */
  saved?(post: Post, before: Post): void;
}

function fieldsOf(post: Post | null): Fields {
  return {
    title: post?.title ?? '',
    slug: post?.slug ?? '',
    summary: post?.summary ?? '',
    tags: post?.tags.join(', ') ?? '',
    place_line: post?.place_line ?? '',
    share_text: post?.share_text ?? '',
    author: post?.author ?? '',
  };
}

function textOf(post: Post): PostText {
  return {
    title: post.title,
    slug: post.slug,
    summary: post.summary,
    body: post.body,
    tags: post.tags,
    place_line: post.place_line,
    share_text: post.share_text,
    author: post.author,
  };
}

function splitTags(input: string): string[] {
  return input
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

export class Session {
  /** The post as the core last returned it (loaded, saved or restored). */
  post = $state.raw<Post | null>(null);
  fields = $state<Fields>(fieldsOf(null));
  /** Bumps whenever a different text is loaded, so the editor resets its document. */
  loaded = $state(0);
  saveState = $state<SaveState>('saved');
  saveError = $state<string | null>(null);
  preview = $state.raw<Preview | null>(null);
  /** Bumps to ask the title field to take focus. */
  titleFocus = $state(0);
  /** Bumps when text from elsewhere replaced the body: the editor patches itself. */
  arrived = $state(0);

  #body = '';
  /** Where the editor's caret last was in the body (kept while other views show). */
  caret = 0;
  /** The revision the text in the editor was made from. */
  #base = 0;
  #savedKey = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<boolean> = Promise.resolve(true);
  #hooks: SessionHooks;

  #requestPreview = latestOnly(
    (arg: { markdown: string; lang: string; generation: number }) => api.preview(arg.markdown, arg.lang),
    (result, arg) => {
      if (arg.generation === this.loaded) this.preview = result;
    },
    (error) => notices.report(error, 'The preview could not be updated'),
  );

  constructor(hooks: SessionHooks = {}) {
    this.#hooks = hooks;
  }

  /** The body as last typed (the editor owns the live document). */
  get body(): string {
    return this.#body;
  }

  /** The whole text as it would be saved now. */
  text(): PostText {
    const f = this.fields;
    return {
      title: f.title,
      slug: f.slug,
      summary: f.summary,
      body: this.#body,
      tags: splitTags(f.tags),
      place_line: f.place_line,
      share_text: f.share_text,
      author: f.author,
    };
  }

  /** Shows `post` in the editor, replacing whatever was there (call `flush` first). */
  load(post: Post): void {
    clearTimeout(this.#timer);
    this.#show(post);
    this.caret = post.body.length;
    this.saveState = 'saved';
    this.saveError = null;
    this.preview = null;
    this.loaded += 1;
    this.#refreshPreview();
  }

  /** Makes `post` the saved state of the editor's fields and body. */
  #show(post: Post): void {
    this.post = post;
    this.fields = fieldsOf(post);
    this.#body = post.body;
    this.#base = post.revision;
    this.#savedKey = JSON.stringify(this.text());
  }

  /** Closes the post without saving (after it was deleted). */
  close(): void {
    clearTimeout(this.#timer);
    this.post = null;
    this.fields = fieldsOf(null);
    this.#body = '';
    this.#savedKey = '';
    this.saveState = 'saved';
    this.saveError = null;
    this.preview = null;
    this.loaded += 1;
  }

  edit(field: FieldName, value: string): void {
    if (this.fields[field] === value) return;
    this.fields[field] = value;
    this.#changed();
  }

  /** Inserts `text` in the body at the caret (the editor is not showing). */
  insertAtCaret(text: string): void {
    const at = Math.min(this.caret, this.#body.length);
    this.setBody(this.#body.slice(0, at) + text + this.#body.slice(at));
    this.caret = at + text.length;
  }

  /** Renders the preview again (an asset it shows changed). */
  refreshPreview(): void {
    this.#refreshPreview();
  }

  setBody(text: string): void {
    if (text === this.#body) return;
    this.#body = text;
    this.#refreshPreview();
    this.#changed();
  }

  /** Takes `post`'s text into the open editor without resetting it (caret kept). */
  #take(post: Post): void {
    this.#show(post);
    this.arrived += 1;
    this.#refreshPreview();
  }

  /** Whether the fields or the body hold text the core does not have yet. */
  #unsaved(): boolean {
    return JSON.stringify(this.text()) !== this.#savedKey;
  }

  /** A change to the library from anywhere. If it touched the open post, bring
   * the editor up to date: unsaved typing is saved (the core merges it with
   * the other change); otherwise the newer text is taken in place. */
  async changed(changes: ChangeSet): Promise<void> {
    const open = this.post;
    if (!open || !changes.changes.some((c) => c.post === open.id && (c.lang === null || c.lang === open.lang))) return;
    await this.#chain; // a save in flight lands first
    if (this.#unsaved()) {
      await this.flush();
      return;
    }
    try {
      const fresh = await api.getPost(open.id, open.lang);
      if (this.post?.id !== fresh.id || this.post.lang !== fresh.lang) return;
      if (this.#unsaved()) await this.flush();
      else if (fresh.revision !== this.#base) this.#take(fresh);
      else this.post = fresh;
    } catch (error) {
      notices.report(error, 'The post changed elsewhere and could not be reloaded');
    }
  }

  /** Ends the open conflict: keep the text shown, or take the other one. */
  async resolveConflict(resolution: Resolution): Promise<void> {
    const conflict = this.post?.conflict;
    if (!conflict || !(await this.flush())) return;
    try {
      const post = await api.resolveConflict(conflict.id, resolution);
      if (this.post?.id === post.id && this.post.lang === post.lang) this.#take(post);
    } catch (error) {
      notices.report(error, 'The conflict could not be resolved');
    }
  }

  focusTitle(): void {
    this.titleFocus += 1;
  }

  /** Saves pending changes now; true when nothing is left unsaved. */
  flush(): Promise<boolean> {
    clearTimeout(this.#timer);
    return this.#enqueue('autosave', null);
  }

  /** Ctrl+S: saves as an edit, naming the resulting revision when a name is given. */
  saveNamed(name: string): Promise<boolean> {
    clearTimeout(this.#timer);
    const trimmed = name.trim();
    return this.#enqueue('edit', trimmed === '' ? null : trimmed);
  }

  #changed(): void {
    if (!this.post) return;
    if (this.saveState !== 'failed' && this.saveState !== 'saving') this.saveState = 'dirty';
    this.#schedule(AUTOSAVE_MS);
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#enqueue('autosave', null), delay);
  }

  #refreshPreview(): void {
    if (this.post) {
      this.#requestPreview({ markdown: this.#body, lang: this.post.lang, generation: this.loaded });
    }
  }

  /** Saves run one after another, each with the text as it is when its turn comes. */
  #enqueue(kind: RevisionKind, name: string | null): Promise<boolean> {
    const run = this.#chain.then(() => this.#save(kind, name));
    this.#chain = run.catch(() => false);
    return run;
  }

  async #save(kind: RevisionKind, name: string | null): Promise<boolean> {
    const post = this.post;
    if (!post) return true;
    const text = this.text();
    const key = JSON.stringify(text);
    if (key === this.#savedKey && name === null) {
      this.saveState = 'saved';
      this.saveError = null;
      return true;
    }
    const generation = this.loaded;
    const failing = this.saveState === 'failed';
    this.saveState = 'saving';
    try {
      const outcome = await api.savePost({
        id: post.id,
        lang: post.lang,
        text,
        kind,
        revision_name: name,
        base: this.#base,
        minor: false,
      });
      if (generation !== this.loaded) return true;
      const saved = outcome.post;
      this.saveError = null;
      const savedText = JSON.stringify(textOf(saved));
      if (savedText === key) {
        // The core holds exactly what was sent.
        this.#savedKey = key;
        this.#base = saved.revision;
        this.post = saved;
      } else if (JSON.stringify(this.text()) === key) {
        // Merged with a change made elsewhere, and nothing typed since: show it.
        this.#take(saved);
      } else {
        // Merged, but typing went on: keep the base; the next save merges again.
        this.#schedule(AUTOSAVE_MS);
      }
      this.saveState = this.#unsaved() ? 'dirty' : 'saved';
      this.#hooks.saved?.(saved, post);
      return true;
    } catch (error) {
      if (generation !== this.loaded) {
        notices.report(error, 'An earlier change could not be saved');
        return false;
      }
      this.saveState = 'failed';
      this.saveError = api.messageOf(error);
      if (!failing) notices.report(error, 'Your changes are kept here but could not be saved yet');
      this.#schedule(RETRY_MS);
      return false;
    }
  }
}
