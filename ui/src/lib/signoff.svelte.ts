// The sign-off of the open post, as the core reports it for the person chosen
// on this desktop: refreshed when the post or its acts change, acts sent one
// at a time (a refusal says why and records nothing).
import * as api from './api';
import type { ActRequest, ChangeSet, DiffRow, FailedCheck, SignoffStatus } from './bindings';
import { notices } from './notices.svelte';

export class SignoffState {
  status = $state.raw<SignoffStatus | null>(null);
  /** What still stands between the post and publishing (empty: ready). */
  checks = $state.raw<FailedCheck[] | null>(null);
  busy = $state(false);
  #seq = 0;
  #loading: Promise<void> = Promise.resolve();

  /** What changed under each voided approval, by step (the latest approval's). */
  get diffs(): Record<string, DiffRow[]> {
    const out: Record<string, DiffRow[]> = {};
    for (const v of this.status?.voided ?? []) if (v.diff) out[v.step] = v.diff;
    return out;
  }

  load(id: string | null): Promise<void> {
    this.#loading = this.#read(id);
    return this.#loading;
  }

  /** The status of post `id`, once the latest read has landed. */
  async current(id: string): Promise<SignoffStatus | null> {
    await this.#loading;
    if (this.status?.post_id !== id) await this.load(id);
    return this.status?.post_id === id ? this.status : null;
  }

  async #read(id: string | null): Promise<void> {
    const seq = ++this.#seq;
    if (!id) {
      this.status = null;
      this.checks = null;
      return;
    }
    try {
      const [status, checks] = await Promise.all([api.signoffStatus(id), api.preflight(id)]);
      if (seq === this.#seq) {
        this.status = status;
        this.checks = checks;
      }
    } catch (error) {
      if (seq === this.#seq) notices.report(error, 'The sign-off of this post could not be read');
    }
  }

  /** Sends one act; true when it was recorded. */
  async act(id: string, request: ActRequest): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      this.status = await api.signoffAct(id, request);
      this.checks = await api.preflight(id);
      return true;
    } catch (error) {
      notices.report(error, 'Nothing was recorded');
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** A change from anywhere: the post's text, its acts, the chain or the people. */
  changed(changes: ChangeSet, open: string | null): void {
    if (!open) return;
    const touches = changes.changes.some(
      (c) => c.post === open || c.kind === 'person' || (c.kind === 'audit_entry' && c.post === null),
    );
    if (touches) void this.load(open);
  }
}
