// Sync as the window sees it: the core's status, the sites, whether a sync
// runs (and how far it is), and the conflicts to resolve. The app runs the
// timer; this only asks, listens and shows.
import * as api from './api';
import type { BackendInfo, ErrorReport, OpenConflict, SyncProgress, SyncStatus } from './bindings';
import { notices } from './notices.svelte';
import { describeSync, lastSync, type SyncLine } from './sync';

export class SyncState {
  status = $state.raw<SyncStatus | null>(null);
  sites = $state.raw<BackendInfo[]>([]);
  conflicts = $state.raw<OpenConflict[]>([]);
  running = $state(false);
  progress = $state.raw<SyncProgress | null>(null);
  /** What stopped the last sync run here; cleared by one that goes through. */
  failure = $state.raw<ErrorReport | null>(null);

  line: SyncLine = $derived(describeSync(this.status, this.sites, this.running, this.progress, this.failure));
  last: string | null = $derived(lastSync(this.status));

  async refresh(): Promise<void> {
    try {
      const [status, sites, conflicts] = await Promise.all([api.syncStatus(), api.listSites(), api.openConflicts()]);
      this.status = status;
      this.sites = sites;
      this.conflicts = conflicts;
      if (status.syncing) this.running = true;
    } catch (error) {
      notices.report(error, 'The sync state could not be read');
    }
  }

  /** Sync now; a sync already running is simply waited for. */
  async syncNow(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.progress = null;
    try {
      await api.syncNow();
    } catch {
      // The finished event carries the failure, shown in the sync control.
    }
  }

  /** Sets a site up; the core's reason when it was refused (nothing kept). */
  async addSite(url: string, user: string, password: string): Promise<string | null> {
    try {
      await api.addSite(url, user, password);
      await this.refresh();
      this.failure = null;
      return null;
    } catch (error) {
      return api.messageOf(error);
    }
  }

  started(): void {
    this.running = true;
    this.progress = null;
  }

  moved(progress: SyncProgress): void {
    this.running = true;
    this.progress = progress;
  }

  finished(error: ErrorReport | null): void {
    // A sync refused because another runs: that other one is still going.
    if (error?.code === 'sync_running') return;
    this.running = false;
    this.progress = null;
    this.failure = error;
    void this.refresh();
  }
}
