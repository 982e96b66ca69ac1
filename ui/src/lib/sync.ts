// What the sync control says: one line from the core's sync status, the
// sites, the running sync's progress and the last failure. Words only; every
// figure and state comes from the core.
import type { BackendInfo, ErrorReport, SyncProgress, SyncStatus } from './bindings';
import { plural } from './format';

export type SyncTone = 'none' | 'busy' | 'ok' | 'waiting' | 'off';

export interface SyncLine {
  tone: SyncTone;
  /** The short state: "In sync", "Syncing… 3 of 10 sent", "Offline". */
  label: string;
  /** Why, for a failure: the core's sentence, shown whole on demand. */
  reason: string | null;
}

/** The failure in a few words, by the core's error code. */
const shortFailure: Record<string, string> = {
  backend_unreachable: 'Offline: the site cannot be reached',
  backend_credentials: 'Wrong password for the site',
  backend_not_allowed: 'The site does not allow this user',
  backend_garbage: 'The site answered garbage',
  backend_server_error: 'The site failed with a server error',
  not_a_valise_site: 'Not a Valise site: the plugin is missing',
  no_password: 'The site’s password is needed on this desktop',
};

export function progressLabel(progress: SyncProgress | null): string {
  if (!progress) return 'Syncing…';
  if (progress.step === 'pulling') {
    return progress.done === 0 ? 'Syncing… reading the site' : `Syncing… ${plural(progress.done, 'change')} read`;
  }
  return progress.total === null
    ? `Syncing… ${progress.done} sent`
    : `Syncing… ${progress.done.toLocaleString('en-GB')} of ${plural(progress.total, 'change')} sent`;
}

export function describeSync(
  status: SyncStatus | null,
  sites: BackendInfo[],
  running: boolean,
  progress: SyncProgress | null,
  failure: ErrorReport | null,
): SyncLine {
  if (running) return { tone: 'busy', label: progressLabel(progress), reason: null };
  if (!status || sites.length === 0) return { tone: 'none', label: 'No site set up', reason: null };
  const offline = status.backends.find((b) => b.reach === 'offline');
  if (failure) {
    return { tone: 'off', label: shortFailure[failure.code] ?? 'The last sync failed', reason: failure.message };
  }
  if (offline) {
    return { tone: 'off', label: 'Offline', reason: offline.last_error };
  }
  const missing = sites.find((s) => !s.password_here);
  if (missing) return { tone: 'off', label: shortFailure.no_password, reason: null };
  const waiting = status.backends.reduce((n, b) => n + b.waiting, 0);
  if (waiting > 0) {
    return { tone: 'waiting', label: `${plural(waiting, 'change')} waiting`, reason: null };
  }
  if (status.backends.every((b) => b.reach === 'not_yet')) {
    return { tone: 'waiting', label: 'Not synced yet', reason: null };
  }
  return { tone: 'ok', label: 'In sync', reason: null };
}

/** The most recent of the sites' last syncs. */
export function lastSync(status: SyncStatus | null): string | null {
  const times = (status?.backends ?? []).map((b) => b.last_sync).filter((t): t is string => t !== null);
  return times.length === 0 ? null : times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}
