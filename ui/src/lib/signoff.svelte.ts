// The sign-off of the open post, as the core reports it for the person chosen
// on this desktop: refreshed when the post or its acts change, acts sent one
// at a time (a refusal says why and records nothing).
import * as api from './api';
import type { ActRequest, ChangeSet, DiffRow, FailedCheck, Publication, PublicationOffer, PublicationRequest, PublicationStatus, SignoffStatus } from './bindings';
import { notices } from './notices.svelte';

export class SignoffState {
  status = $state.raw<SignoffStatus | null>(null);
  /** What still stands between the post and publishing (empty: ready). */
  checks = $state.raw<FailedCheck[] | null>(null);
  /** Where the post stands in publication (ready, scheduled, published…). */
  publication = $state.raw<Publication | null>(null);
  /** The publication moves that make sense now. */
  offers = $state.raw<PublicationOffer[]>([]);
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
      this.publication = null;
      this.offers = [];
      return;
    }
    try {
      const [status, publication] = await Promise.all([api.signoffStatus(id), api.publicationStatus(id)]);
      if (seq === this.#seq) {
        this.status = status;
        this.#took(publication);
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
      this.#took(await api.publicationStatus(id));
      return true;
    } catch (error) {
      notices.report(error, 'Nothing was recorded');
      return false;
    } finally {
      this.busy = false;
    }
  }

  #took(p: PublicationStatus): void {
    this.checks = p.preflight;
    this.publication = p.publication;
    this.offers = p.offers;
  }

  /** Marks ready, schedules, publishes or takes back; true when it was recorded. */
  async move(id: string, request: PublicationRequest): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      this.#took(await api.publicationMove(id, request));
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
