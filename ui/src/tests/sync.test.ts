import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import SiteDialog from '../components/SiteDialog.svelte';
import SyncControl from '../components/SyncControl.svelte';
import * as api from '../lib/api';
import type { BackendInfo, BackendStatus, SyncStatus } from '../lib/bindings';
import { notices } from '../lib/notices.svelte';
import { describeSync, lastSync, progressLabel } from '../lib/sync';
import { SyncState } from '../lib/sync.svelte';
import { callsOf, emitEvent, mockCommands } from './fixtures';

const site: BackendInfo = {
  name: 'example.org',
  kind: 'wordpress',
  location: 'https://example.org',
  user: 'editor',
  password_here: true,
};

const backend = (over: Partial<BackendStatus> = {}): BackendStatus => ({
  name: 'example.org',
  kind: 'wordpress',
  location: 'https://example.org',
  reach: 'online',
  waiting: 0,
  last_sync: '2026-11-26T09:00:00.000Z',
  last_error: null,
  old_media_waiting: 0,
  ...over,
});

const status = (over: Partial<BackendStatus> = {}, conflicts = 0): SyncStatus => ({
  backends: [backend(over)],
  conflicts,
  syncing: false,
});

describe('the sync line', () => {
  it('says in sync, changes waiting, or not synced yet from the core status', () => {
    expect(describeSync(status(), [site], false, null, null)).toEqual({ tone: 'ok', label: 'In sync', reason: null });
    expect(describeSync(status({ waiting: 3 }), [site], false, null, null).label).toBe('3 changes waiting');
    expect(describeSync(status({ waiting: 1 }), [site], false, null, null).label).toBe('1 change waiting');
    expect(describeSync(status({ reach: 'not_yet', last_sync: null }), [site], false, null, null).label).toBe(
      'Not synced yet',
    );
    expect(describeSync({ backends: [], conflicts: 0, syncing: false }, [], false, null, null).tone).toBe('none');
  });

  it('shows progress while syncing, before anything else', () => {
    const line = describeSync(status({ reach: 'offline', last_error: 'x' }), [site], true, null, null);
    expect(line).toEqual({ tone: 'busy', label: 'Syncing…', reason: null });
    expect(progressLabel({ backend: 's', step: 'pulling', done: 0, total: null })).toBe('Syncing… reading the site');
    expect(progressLabel({ backend: 's', step: 'pulling', done: 12, total: null })).toBe('Syncing… 12 changes read');
    expect(progressLabel({ backend: 's', step: 'sending', done: 3, total: 1200 })).toBe(
      'Syncing… 3 of 1,200 changes sent',
    );
  });

  it('names a failure in plain words and keeps the core sentence as the reason', () => {
    const wrong = { code: 'backend_credentials', message: 'the site refused the user name or application password.' };
    expect(describeSync(status(), [site], false, null, wrong)).toEqual({
      tone: 'off',
      label: 'Wrong password for the site',
      reason: wrong.message,
    });
    const unreachable = { code: 'backend_unreachable', message: 'Cannot reach the site.' };
    expect(describeSync(status(), [site], false, null, unreachable).label).toBe('Offline: the site cannot be reached');
    expect(describeSync(status(), [site], false, null, { code: 'io', message: 'm' }).label).toBe('The last sync failed');
    // After a restart only the recorded sentence is known.
    const offline = describeSync(status({ reach: 'offline', last_error: 'Cannot reach it.' }), [site], false, null, null);
    expect(offline).toEqual({ tone: 'off', label: 'Offline', reason: 'Cannot reach it.' });
    // A library copied from another desktop: the password is asked for again.
    expect(describeSync(status(), [{ ...site, password_here: false }], false, null, null).tone).toBe('off');
  });

  it('takes the latest sync of all sites', () => {
    const two: SyncStatus = {
      backends: [backend({ last_sync: '2026-11-26T08:00:00.000Z' }), backend({ last_sync: '2026-11-26T09:30:00.000Z' })],
      conflicts: 0,
      syncing: false,
    };
    expect(lastSync(two)).toBe('2026-11-26T09:30:00.000Z');
    expect(lastSync(status({ last_sync: null }))).toBeNull();
  });
});

describe('the sync control', () => {
  beforeEach(() => notices.clear());

  it('syncs on demand, follows the progress the app reports, and shows the outcome', async () => {
    let current = status({ waiting: 2 });
    const invoke = mockCommands({
      sync_status: () => current,
      list_sites: () => [site],
      open_conflicts: () => [],
      sync_now: () => new Promise(() => {}), // the outcome comes as an event
    });
    const sync = new SyncState();
    const stop = await api.onSync({
      started: () => sync.started(),
      progress: (p) => sync.moved(p),
      finished: (o) => sync.finished(o.error),
    });
    await sync.refresh();
    render(SyncControl, { sync, onsites: () => {}, onconflicts: () => {} });
    expect(screen.getByTestId('sync-state').textContent).toBe('2 changes waiting');
    await fireEvent.click(screen.getByTestId('sync-now'));
    expect(callsOf(invoke, 'sync_now')).toHaveLength(1);
    expect((screen.getByTestId('sync-now') as HTMLButtonElement).disabled).toBe(true);
    emitEvent('sync-progress', { backend: 'example.org', step: 'sending', done: 1, total: 2 });
    await waitFor(() => expect(screen.getByTestId('sync-state').textContent).toBe('Syncing… 1 of 2 changes sent'));
    current = status({ waiting: 0 }, 1);
    invoke.mockClear();
    emitEvent('sync-finished', { reports: [], error: null });
    await waitFor(() => expect(screen.getByTestId('sync-state').textContent).toBe('In sync'));
    expect(callsOf(invoke, 'sync_status')).toHaveLength(1);
    stop();
  });

  it('ignores the refusal of a second sync while the first still runs', async () => {
    mockCommands({ sync_status: () => status(), list_sites: () => [site] });
    const sync = new SyncState();
    await sync.refresh();
    sync.started();
    sync.finished({ code: 'sync_running', message: 'A sync of this library is already running.' });
    expect(sync.running).toBe(true);
    expect(sync.failure).toBeNull();
  });
});

describe('the site dialog', () => {
  it('shows the core reason for a refused site and clears the password, keeping nothing', async () => {
    const invoke = mockCommands({
      add_site: () => {
        throw { code: 'backend_credentials', message: 'the site refused the user name or application password.' };
      },
    });
    const sync = new SyncState();
    render(SiteDialog, { sync, onclose: () => {} });
    await fireEvent.input(screen.getByTestId('site-url'), { target: { value: 'https://example.org' } });
    await fireEvent.input(screen.getByTestId('site-user'), { target: { value: 'editor' } });
    await fireEvent.input(screen.getByTestId('site-password'), { target: { value: 'abcd efgh' } });
    await fireEvent.submit(screen.getByTestId('site-add').closest('form')!);
    await waitFor(() => expect(screen.getByTestId('site-error').textContent).toContain('refused the user name'));
    expect(callsOf(invoke, 'add_site')).toEqual([{ url: 'https://example.org', user: 'editor', password: 'abcd efgh' }]);
    expect((screen.getByTestId('site-password') as HTMLInputElement).value).toBe('');
    expect(screen.queryAllByTestId('site-row')).toHaveLength(0);
  });

  it('lists the site once it is set up', async () => {
    let sites: BackendInfo[] = [];
    mockCommands({
      add_site: () => {
        sites = [site];
        return site;
      },
      list_sites: () => sites,
      sync_status: () => status({ reach: 'not_yet', last_sync: null }),
    });
    const sync = new SyncState();
    render(SiteDialog, { sync, onclose: () => {} });
    await fireEvent.input(screen.getByTestId('site-url'), { target: { value: 'https://example.org' } });
    await fireEvent.input(screen.getByTestId('site-user'), { target: { value: 'editor' } });
    await fireEvent.input(screen.getByTestId('site-password'), { target: { value: 'abcd efgh' } });
    await fireEvent.submit(screen.getByTestId('site-add').closest('form')!);
    await waitFor(() => expect(screen.getAllByTestId('site-row')).toHaveLength(1));
    expect(screen.getByTestId('site-row').textContent).toContain('as editor');
    expect(screen.getByTestId('site-added').textContent).toContain('https://example.org');
  });
});
