// The pipeline view: the board and my inbox as the core answers them for the
// chosen filter, and the sign-off chain while it is edited.
import * as api from './api';
import type { BoardFilter, BoardItem, Chain, Inbox } from './bindings';
import { notices } from './notices.svelte';

export class PipelineState {
  board = $state.raw<BoardItem[]>([]);
  inbox = $state.raw<Inbox | null>(null);
  filter = $state.raw<BoardFilter>({ person: null, lang: null });
  /** The sign-off chain being edited, in place of the board; null when closed. */
  chain = $state.raw<Chain | null>(null);
  chainBusy = $state(false);

  async refresh(): Promise<void> {
    try {
      [this.board, this.inbox] = await Promise.all([api.pipelineBoard(this.filter), api.myInbox()]);
    } catch (error) {
      notices.report(error, 'The pipeline could not be read');
    }
  }

  setFilter(filter: BoardFilter): void {
    this.filter = filter;
    void this.refresh();
  }

  async openChain(): Promise<void> {
    try {
      this.chain = await api.signOffChain();
    } catch (error) {
      notices.report(error, 'The sign-off chain could not be read');
    }
  }

  closeChain(): void {
    this.chain = null;
  }

  async saveChain(edited: Chain): Promise<void> {
    this.chainBusy = true;
    try {
      await api.setSignOffChain(edited);
      // Saved: back to the board, which the new chain may rearrange.
      this.chain = null;
      await this.refresh();
    } catch (error) {
      notices.report(error, 'The chain was not changed');
    } finally {
      this.chainBusy = false;
    }
  }
}
