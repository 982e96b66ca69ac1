// The revisions panel: the history of the open language version, and the diff
// from a chosen revision to the current text.
import * as api from './api';
import type { RevisionDiff, RevisionSummary } from './bindings';
import { notices } from './notices.svelte';

export class RevisionsState {
  /** Newest first, as the panel shows them. */
  items = $state.raw<RevisionSummary[]>([]);
  selected = $state<number | null>(null);
  diff = $state.raw<RevisionDiff | null>(null);
  loading = $state(false);

  #target: { id: string; lang: string } | null = null;
  #seq = 0;

  async load(id: string, lang: string): Promise<void> {
    const changedPost = this.#target?.id !== id || this.#target?.lang !== lang;
    this.#target = { id, lang };
    if (changedPost) {
      this.items = [];
      this.selected = null;
      this.diff = null;
    }
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const items = await api.listRevisions(id, lang);
      if (seq !== this.#seq) return;
      this.items = [...items].reverse();
      if (this.selected !== null) await this.select(this.selected);
    } catch (error) {
      notices.report(error, 'The revisions could not be listed');
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Shows what changed from revision `number` to the current text. */
  async select(number: number): Promise<void> {
    const target = this.#target;
    if (!target) return;
    this.selected = number;
    try {
      const diff = await api.diffRevisions(target.id, target.lang, number, null);
      if (this.selected === number && this.#target === target) this.diff = diff;
    } catch (error) {
      notices.report(error, `Revision ${number} could not be compared`);
    }
  }

  reset(): void {
    this.#target = null;
    this.#seq++;
    this.items = [];
    this.selected = null;
    this.diff = null;
    this.loading = false;
  }
}
