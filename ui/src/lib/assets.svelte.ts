// The asset library view: the core's answer to the search and filters, the
// asset open in the detail, and the watched folders. Every change arrives
// through the one change feed (a drop, an edit, a watched file, the CLI).
import * as api from './api';
import type { AddReport, Asset, AssetSummary, ChangeSet } from './bindings';
import { notices } from './notices.svelte';

export const SEARCH_DELAY_MS = 120;
/** Changes arriving together (a folder of exports) refresh the grid once. */
export const REFRESH_DELAY_MS = 60;

export class AssetsState {
  items = $state.raw<AssetSummary[]>([]);
  text = $state('');
  /** Only assets with no alt text in this language. */
  missingAlt = $state<string | null>(null);
  unused = $state(false);
  /** The asset shown in the detail; null: the grid. */
  open = $state.raw<Asset | null>(null);
  folders = $state.raw<string[]>([]);
  ready = $state(false);
  /** The last drop or pick, while its report is worth showing. */
  lastAdd = $state.raw<AddReport | null>(null);
  /** While the file dialog is open. */
  picking = $state(false);

  #seq = 0;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  async refresh(): Promise<void> {
    const seq = ++this.#seq;
    try {
      const items = await api.findAssets({
        text: this.text,
        missing_alt: this.missingAlt,
        unused: this.unused,
      });
      if (seq === this.#seq) {
        this.items = items;
        this.ready = true;
      }
    } catch (error) {
      notices.report(error, 'The assets could not be read');
    }
  }

  async start(): Promise<void> {
    await Promise.all([this.refresh(), this.refreshFolders()]);
  }

  /** Search as you type, once the typing pauses. */
  search(text: string): void {
    this.text = text;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => void this.refresh(), SEARCH_DELAY_MS);
  }

  filter(missingAlt: string | null, unused: boolean): void {
    this.missingAlt = missingAlt;
    this.unused = unused;
    void this.refresh();
  }

  async show(id: string): Promise<void> {
    try {
      this.open = await api.getAsset(id);
    } catch (error) {
      notices.report(error, 'The asset could not be opened');
    }
  }

  close(): void {
    this.open = null;
  }

  /** Deletes the open asset, once the person confirmed having seen the posts
   * that use it (`force` then): a post that started using it since is a
   * refusal naming it, not a silent placeholder. Answers whether it went. */
  async delete(): Promise<boolean> {
    const open = this.open;
    if (!open) return false;
    try {
      await api.deleteAsset(open.id, open.used_by.length > 0);
      if (this.open?.id === open.id) this.open = null;
      void this.refresh();
      return true;
    } catch (error) {
      notices.report(error, 'The asset was not deleted');
      return false;
    }
  }

  async setText(lang: string, alt: string | null, caption: string | null): Promise<void> {
    const open = this.open;
    if (!open) return;
    try {
      const asset = await api.setAssetText(open.id, lang, alt, caption);
      if (this.open?.id === asset.id) this.open = asset;
    } catch (error) {
      notices.report(error, 'The text was not changed');
    }
  }

  async setDetails(credit: string | null, licence: string | null): Promise<void> {
    const open = this.open;
    if (!open) return;
    try {
      const asset = await api.setAssetDetails(open.id, credit, licence);
      if (this.open?.id === asset.id) this.open = asset;
    } catch (error) {
      notices.report(error, 'The credit and licence were not changed');
    }
  }

  /** Adds dropped files; each refused file is told by name. */
  async add(paths: string[]): Promise<AddReport | null> {
    if (paths.length === 0) return null;
    return this.#adding(() => api.addAssets(paths));
  }

  /** "Add files…": the OS file dialog, then the same adding as a drop. */
  async pick(): Promise<AddReport | null> {
    if (this.picking) return null; // one dialog at a time
    this.picking = true;
    try {
      return await this.#adding(api.pickAssets);
    } finally {
      this.picking = false;
    }
  }

  async #adding(work: () => Promise<AddReport | null>): Promise<AddReport | null> {
    try {
      const report = await work();
      if (!report) return null;
      for (const failed of report.failed) notices.report(failed.message);
      this.lastAdd = report;
      return report;
    } catch (error) {
      notices.report(error, 'The files were not added');
      return null;
    }
  }

  async refreshFolders(): Promise<void> {
    try {
      this.folders = await api.watchedFolders();
    } catch (error) {
      notices.report(error, 'The watched folders could not be read');
    }
  }

  async addFolder(path: string): Promise<boolean> {
    try {
      this.folders = await api.addWatchedFolder(path.trim());
      return true;
    } catch (error) {
      notices.report(error);
      return false;
    }
  }

  async removeFolder(path: string): Promise<void> {
    try {
      this.folders = await api.removeWatchedFolder(path);
    } catch (error) {
      notices.report(error);
    }
  }

  /** Looks again when assets or watched folders changed (from anywhere). */
  changed(changes: ChangeSet): void {
    const assets = changes.changes.filter((c) => c.kind === 'asset');
    if (changes.changes.some((c) => c.kind === 'watched_folder')) void this.refreshFolders();
    // A post's body changed: "unused" and "used by" may have too.
    const bodies = changes.changes.some((c) => c.kind === 'language_version');
    if (assets.length === 0 && !bodies) return;
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => {
      void this.refresh();
      const open = this.open;
      // Deleted elsewhere (the CLI, a sync): back to the grid, not an error.
      if (open && assets.some((c) => c.id === open.id && c.action === 'deleted')) this.close();
      else if (open && (bodies || assets.some((c) => c.id === open.id))) void this.show(open.id);
    }, REFRESH_DELAY_MS);
  }
}
