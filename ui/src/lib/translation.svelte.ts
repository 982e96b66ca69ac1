// The side-by-side translation of one post into one language: its blocks as
// the core reports them (source, translation, state, what changed), the texts
// being typed, autosave block by block, "mark current" and the live preview.
//
// Like the single editor, typed text stays here until the core has it: a
// failed save keeps it, says why and tries again. Every save names its base
// revision, so a change made elsewhere meanwhile is merged, never overwritten.
import * as api from './api';
import type { BlockStatus, ChangeSet, LanguageStatus, Preview, RevisionKind, TranslationStatus } from './bindings';
import { latestOnly } from './coalesce';
import { notices } from './notices.svelte';
import { AUTOSAVE_MS, RETRY_MS, type SaveState } from './session.svelte';

export class TranslationSession {
  /** The post's languages and their states, as last read. */
  status = $state.raw<TranslationStatus | null>(null);
  /** The language being translated into. */
  lang = $state('');
  /** The translation's text per source block, as typed. */
  texts = $state<Record<string, string>>({});
  saveState = $state<SaveState>('saved');
  saveError = $state<string | null>(null);
  preview = $state.raw<Preview | null>(null);
  /** Bumps when texts were replaced from the core (the block editors follow). */
  arrived = $state(0);

  #saved: Record<string, string> = {};
  #base: number | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<boolean> = Promise.resolve(true);
  #generation = 0;

  #requestPreview = latestOnly(
    (arg: { generation: number }) => api.previewTranslation(this.#units(), this.lang).then((p) => ({ p, arg })),
    ({ p }, arg) => {
      if (arg.generation === this.#generation) this.preview = p;
    },
    (error) => notices.report(error, 'The preview could not be updated'),
  );

  get id(): string | null {
    return this.status?.id ?? null;
  }

  /** The language being translated, with its blocks. */
  get target(): LanguageStatus | null {
    return this.status?.languages.find((l) => l.lang === this.lang) ?? null;
  }

  get source(): LanguageStatus | null {
    return this.status?.languages.find((l) => l.lang === this.status?.source_lang) ?? null;
  }

  get blocks(): BlockStatus[] {
    return this.target?.blocks ?? [];
  }

  /** Opens the `lang` translation of post `id`, starting it if it does not exist. */
  async open(id: string, lang: string): Promise<void> {
    clearTimeout(this.#timer);
    this.#generation += 1;
    let status = await api.translationStatus(id);
    const language = status.languages.find((l) => l.lang === lang);
    if (!language || language.revision === null) {
      await api.addTranslation(status.id, lang, {
        title: '',
        slug: '',
        summary: '',
        body: '',
        tags: [],
        place_line: '',
        share_text: '',
        author: '',
      });
      status = await api.translationStatus(id);
    }
    this.lang = lang;
    this.#take(status);
    this.saveState = 'saved';
    this.saveError = null;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#generation += 1;
    this.status = null;
    this.texts = {};
    this.#saved = {};
    this.preview = null;
  }

  /** Makes `status` the saved state. */
  #take(status: TranslationStatus): void {
    this.status = status;
    const texts: Record<string, string> = {};
    for (const b of status.languages.find((l) => l.lang === this.lang)?.blocks ?? []) texts[b.block] = b.translation;
    this.texts = texts;
    this.#saved = { ...texts };
    this.#base = status.languages.find((l) => l.lang === this.lang)?.revision ?? null;
    this.arrived += 1;
    this.#requestPreview({ generation: this.#generation });
  }

  /** The units to save, in the source's order (orphans where they stand). */
  #units(): { block: string; text: string }[] {
    return this.blocks.map((b) => ({ block: b.block, text: this.texts[b.block] ?? '' }));
  }

  #unsaved(): boolean {
    return this.blocks.some((b) => (this.texts[b.block] ?? '') !== (this.#saved[b.block] ?? ''));
  }

  /** Renders the preview again (an asset it shows changed). */
  refreshPreview(): void {
    if (this.blocks.length > 0) this.#requestPreview({ generation: this.#generation });
  }

  edit(block: string, text: string): void {
    if (this.texts[block] === text) return;
    this.texts[block] = text;
    this.#requestPreview({ generation: this.#generation });
    if (this.saveState !== 'failed' && this.saveState !== 'saving') this.saveState = 'dirty';
    this.#schedule(AUTOSAVE_MS);
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#enqueue('autosave'), delay);
  }

  /** Saves pending changes now; true when nothing is left unsaved. */
  flush(kind: RevisionKind = 'autosave'): Promise<boolean> {
    clearTimeout(this.#timer);
    return this.#enqueue(kind);
  }

  #enqueue(kind: RevisionKind): Promise<boolean> {
    const run = this.#chain.then(() => this.#save(kind));
    this.#chain = run.catch(() => false);
    return run;
  }

  async #save(kind: RevisionKind): Promise<boolean> {
    const id = this.id;
    if (!id || !this.#unsaved()) {
      if (this.saveState !== 'failed') this.saveState = 'saved';
      return true;
    }
    const generation = this.#generation;
    const sent = { ...this.texts };
    const failing = this.saveState === 'failed';
    this.saveState = 'saving';
    try {
      const outcome = await api.saveTranslation({
        id,
        lang: this.lang,
        units: this.#units(),
        kind,
        base: this.#base,
      });
      if (generation !== this.#generation) return true;
      this.saveError = null;
      this.#saved = sent;
      this.#base = outcome.post.revision;
      const status = await api.translationStatus(id);
      if (generation !== this.#generation) return true;
      if (this.#unchangedSince(sent)) this.#take(status);
      else this.status = status; // typing went on: keep the typed texts
      this.saveState = this.#unsaved() ? 'dirty' : 'saved';
      if (this.saveState === 'dirty') this.#schedule(AUTOSAVE_MS);
      return true;
    } catch (error) {
      if (generation !== this.#generation) return false;
      this.saveState = 'failed';
      this.saveError = api.messageOf(error);
      if (!failing) notices.report(error, 'Your translation is kept here but could not be saved yet');
      this.#schedule(RETRY_MS);
      return false;
    }
  }

  #unchangedSince(sent: Record<string, string>): boolean {
    return Object.keys({ ...sent, ...this.texts }).every((k) => (sent[k] ?? '') === (this.texts[k] ?? ''));
  }

  /** After review: this outdated block's translation follows the source as it is now. */
  async markCurrent(block: string): Promise<void> {
    const id = this.id;
    if (!id || !(await this.flush())) return;
    const generation = this.#generation;
    try {
      const status = await api.markCurrent(id, this.lang, [block]);
      if (generation === this.#generation && this.#unchangedSince(this.#saved)) this.#take(status);
    } catch (error) {
      notices.report(error, 'The block could not be marked current');
    }
  }

  /** A change from anywhere: if it touched this post, save what is typed
   * (the core merges) and read the states again. */
  async changed(changes: ChangeSet): Promise<void> {
    const id = this.id;
    if (!id || !changes.changes.some((c) => c.post === id)) return;
    await this.#chain;
    if (this.#unsaved()) {
      await this.flush();
      return;
    }
    const generation = this.#generation;
    try {
      const status = await api.translationStatus(id);
      if (generation !== this.#generation) return;
      if (this.#unsaved()) await this.flush();
      else this.#take(status);
    } catch (error) {
      notices.report(error, 'The translation changed elsewhere and could not be reloaded');
    }
  }
}
