import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import AssetLibrary from '../components/AssetLibrary.svelte';
import { AssetsState, SEARCH_DELAY_MS } from '../lib/assets.svelte';
import type { Asset, AssetSummary } from '../lib/bindings';
import { notices } from '../lib/notices.svelte';
import { callsOf, mockCommands, overview } from './fixtures';

const noop = () => {};
const SHA = 'ab'.repeat(32);

const summary = (n: number): AssetSummary => ({
  id: `0b5e0f7a-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name: `infographie-${n}`,
  kind: 'raster',
  variants: ['fr', 'ar'],
  missing_alt: ['en', 'es'],
  sha256: SHA,
  width: 320,
  height: 200,
  not_here: [],
});

const asset = (alt: string): Asset => ({
  id: summary(1).id,
  name: 'carte',
  kind: 'raster',
  credit: '',
  licence: '',
  created_at: '2026-11-26 10:00',
  updated_at: '2026-11-26 10:00',
  variants: [
    {
      lang: 'fr',
      current: {
        id: 'f1',
        number: 1,
        sha256: SHA,
        byte_size: 2048,
        format: 'png',
        width: 320,
        height: 200,
        original_name: 'carte.fr.png',
        removed: [],
        added_at: '2026-11-26 10:00',
        here: true,
      },
      older: [],
    },
  ],
  texts: alt ? [{ lang: 'fr', alt, caption: '' }] : [],
  used_by: [],
  conflicts: [],
});

function show(assets: AssetsState) {
  return render(AssetLibrary, {
    assets,
    languages: overview().languages,
    postOpen: true,
    oninsert: noop,
    onopenpost: noop,
    onpick: noop,
    onclose: noop,
  });
}

describe('the asset library', () => {
  beforeEach(() => notices.clear());

  it('puts only the rows in view in the page, whatever the number of assets', async () => {
    const many = Array.from({ length: 5000 }, (_, n) => summary(n));
    mockCommands({ find_assets: () => many, watched_folders: () => [] });
    const assets = new AssetsState();
    await assets.start();
    show(assets);
    const tiles = screen.getAllByTestId('asset-tile');
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.length).toBeLessThan(10);
    const img = tiles[0].querySelector('img')!;
    expect(img.getAttribute('src')).toBe(`valise-asset://localhost/thumb/${SHA}/256`);
    expect(tiles[0].textContent).toContain('alt missing: en, es');
  });

  it('asks the core for the search and the filters', async () => {
    vi.useFakeTimers();
    try {
      const invoke = mockCommands({ find_assets: () => [summary(1)], watched_folders: () => [] });
      const assets = new AssetsState();
      await assets.start();
      show(assets);
      await fireEvent.input(screen.getByTestId('asset-search'), { target: { value: 'réseau' } });
      await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS + 10);
      await fireEvent.change(screen.getByTestId('asset-missing-alt'), { target: { value: 'ar' } });
      await fireEvent.click(screen.getByTestId('asset-unused'));
      await vi.advanceTimersByTimeAsync(10);
      expect(callsOf(invoke, 'find_assets').map((a) => a.query)).toEqual([
        { text: '', missing_alt: null, unused: false },
        { text: 'réseau', missing_alt: null, unused: false },
        { text: 'réseau', missing_alt: 'ar', unused: false },
        { text: 'réseau', missing_alt: 'ar', unused: true },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('saves alt text through the core when the field is left, with its counter', async () => {
    const invoke = mockCommands({
      find_assets: () => [summary(1)],
      watched_folders: () => [],
      get_asset: () => asset(''),
      set_asset_text: (args) => asset(args.alt as string),
    });
    const assets = new AssetsState();
    await assets.start();
    show(assets);
    await fireEvent.click(screen.getAllByTestId('asset-tile')[0]);
    const fr = await screen.findAllByTestId('asset-alt');
    await fireEvent.input(fr[0], { target: { value: 'Carte du réseau' } });
    expect(screen.getAllByTestId('alt-count')[0].textContent).toBe('15');
    await fireEvent.blur(fr[0]);
    await waitFor(() =>
      expect(callsOf(invoke, 'set_asset_text')).toEqual([
        { id: summary(1).id, lang: 'fr', alt: 'Carte du réseau', caption: null },
      ]),
    );
  });

  it('adds the files chosen in the picker like a drop, telling each refused file by name', async () => {
    const invoke = mockCommands({
      find_assets: () => [summary(1)],
      watched_folders: () => [],
      pick_assets: () => ({
        added: [{ asset_id: summary(1).id, lang: 'fr', version: 1, outcome: 'new_asset', removed: [] }],
        failed: [{ path: '/exports/vide.png', message: '/exports/vide.png is empty: export it again. Nothing was changed.' }],
      }),
    });
    const assets = new AssetsState();
    await assets.start();
    let picked = 0;
    render(AssetLibrary, {
      assets,
      languages: overview().languages,
      postOpen: false,
      oninsert: noop,
      onopenpost: noop,
      onpick: () => {
        picked += 1;
        void assets.pick();
      },
      onclose: noop,
    });
    await fireEvent.click(screen.getByTestId('asset-pick'));
    expect(picked).toBe(1);
    await waitFor(() => expect(assets.lastAdd?.added).toHaveLength(1));
    expect(callsOf(invoke, 'pick_assets')).toHaveLength(1);
    expect(notices.items.map((n) => n.message)).toEqual(['/exports/vide.png is empty: export it again. Nothing was changed.']);
  });

  it('adds nothing and says nothing when the picker is cancelled', async () => {
    mockCommands({ pick_assets: () => null });
    const assets = new AssetsState();
    expect(await assets.pick()).toBeNull();
    expect(assets.lastAdd).toBeNull();
    expect(assets.picking).toBe(false);
    expect(notices.items).toEqual([]);
  });

  it('lists the posts using an asset before deleting it, then deletes it anyway and goes back to the grid', async () => {
    const used: Asset = {
      ...asset('Carte'),
      used_by: [
        { post_id: '1c6f1a8b-0000-4000-8000-000000000001', lang: 'fr', title: 'La carte' },
        { post_id: '1c6f1a8b-0000-4000-8000-000000000001', lang: 'ar', title: 'الخريطة' },
        { post_id: '2d7a2b9c-0000-4000-8000-000000000002', lang: 'fr', title: 'Le réseau' },
      ],
    };
    let items = [summary(1)];
    const invoke = mockCommands({
      find_assets: () => items,
      watched_folders: () => [],
      get_asset: () => used,
      delete_asset: (args) => {
        items = [];
        return { id: args.id, name: 'carte', used_by: used.used_by };
      },
    });
    const assets = new AssetsState();
    await assets.start();
    show(assets);
    await fireEvent.click(screen.getAllByTestId('asset-tile')[0]);
    await fireEvent.click(await screen.findByTestId('asset-delete'));
    const listed = screen.getByTestId('asset-delete-confirm-details');
    expect(Array.from(listed.querySelectorAll('li')).map((li) => li.textContent)).toEqual([
      'La carte (1c6f1a8b)',
      'Le réseau (2d7a2b9c)',
    ]);
    expect(callsOf(invoke, 'delete_asset')).toEqual([]);
    await fireEvent.click(screen.getByTestId('asset-delete-confirm'));
    await waitFor(() => expect(screen.queryByTestId('asset-detail')).toBeNull());
    expect(callsOf(invoke, 'delete_asset')).toEqual([{ id: used.id, force: true }]);
    await waitFor(() => expect(screen.queryAllByTestId('asset-tile')).toHaveLength(0));
    expect(notices.items).toEqual([]);
  });

  it('tells a refused delete and keeps the asset open', async () => {
    mockCommands({
      find_assets: () => [summary(1)],
      watched_folders: () => [],
      get_asset: () => asset(''),
      delete_asset: () => {
        throw { code: 'asset_in_use', message: "Asset 'carte' is used by 1 post: «Le sommet» (0b5e0f7a): nothing was deleted." };
      },
    });
    const assets = new AssetsState();
    await assets.start();
    show(assets);
    await fireEvent.click(screen.getAllByTestId('asset-tile')[0]);
    await fireEvent.click(await screen.findByTestId('asset-delete'));
    await fireEvent.click(screen.getByTestId('asset-delete-confirm'));
    await waitFor(() => expect(notices.items).toHaveLength(1));
    expect(notices.items[0].message).toContain('«Le sommet»');
    expect(screen.getByTestId('asset-detail')).toBeTruthy();
  });

  it('goes back to the grid when the open asset is deleted elsewhere', async () => {
    vi.useFakeTimers();
    try {
      mockCommands({ find_assets: () => [], watched_folders: () => [], get_asset: () => asset('') });
      const assets = new AssetsState();
      await assets.show(summary(1).id);
      expect(assets.open?.id).toBe(summary(1).id);
      assets.changed({
        cursor: 9,
        origin: 'cli',
        at: '2026-11-26 11:00',
        changes: [{ kind: 'asset', id: summary(1).id, action: 'deleted', post: summary(1).id, lang: null, counter: 3 }],
      });
      await vi.advanceTimersByTimeAsync(100);
      expect(assets.open).toBeNull();
      expect(notices.items).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
