// Test doubles for the Tauri commands: a table of handlers behind the mocked `invoke`.
import { invoke } from '@tauri-apps/api/core';
import * as events from '@tauri-apps/api/event';
import { vi } from 'vitest';
import type { ChangeSet, LibraryOverview, Post, PostSummary, Preview, TranslationStatus } from '../lib/bindings';

type Handler = (args: Record<string, unknown>) => unknown;

/** Routes `invoke(cmd, args)` to `handlers[cmd]`; an unknown command rejects like the core. */
/** A library where nobody is known yet, unless a test says otherwise. */
const nobody: Record<string, Handler> = {
  list_people: () => [],
  whoami: () => null,
  // No site set up: sync has nothing to say.
  sync_status: () => ({ backends: [], conflicts: 0, syncing: false }),
  list_sites: () => [],
  open_conflicts: () => [],
};

export function mockCommands(handlers: Record<string, Handler>) {
  const mocked = vi.mocked(invoke);
  mocked.mockReset();
  mocked.mockImplementation(async (cmd: string, args?: unknown) => {
    const handler = handlers[cmd] ?? nobody[cmd];
    if (!handler) throw { code: 'test', message: `No test handler for ${cmd}` };
    return handler((args ?? {}) as Record<string, unknown>);
  });
  return mocked;
}

export function callsOf(mocked: ReturnType<typeof mockCommands>, cmd: string): Record<string, unknown>[] {
  return mocked.mock.calls.filter(([c]) => c === cmd).map(([, args]) => args as Record<string, unknown>);
}

export const overview = (posts = 0): LibraryOverview => ({
  path: '/tmp/test.valise',
  source_lang: 'fr',
  languages: [
    { code: 'fr', name: 'Français', dir: 'ltr', typography: 'french' },
    { code: 'en', name: 'English', dir: 'ltr', typography: 'plain' },
    { code: 'es', name: 'Español', dir: 'ltr', typography: 'plain' },
    { code: 'ar', name: 'العربية', dir: 'rtl', typography: 'plain' },
  ],
  posts,
  tags: [],
});

export const post = (over: Partial<Post> = {}): Post => ({
  id: '0b5e0f7a-0000-4000-8000-000000000007',
  lang: 'fr',
  source_lang: 'fr',
  created_at: '2026-03-12T09:00:00.000Z',
  updated_at: '2026-03-12T09:30:00.000Z',
  revision: 1,
  stats: { words: 3, reading_minutes: 1, characters: 20 },
  title: 'Note de cadrage',
  slug: 'note-de-cadrage',
  summary: '',
  body: 'Un premier paragraphe.',
  tags: ['europe'],
  place_line: '',
  share_text: '',
  author: '',
  conflict: null,
  ...over,
});

export const summary = (p: Post): PostSummary => ({
  id: p.id,
  lang: p.lang,
  title: p.title,
  summary: p.summary,
  tags: p.tags,
  words: p.stats.words,
  created_at: p.created_at,
  updated_at: p.updated_at,
  in_conflict: p.conflict !== null,
  languages: [{ lang: p.lang, completeness: { state: 'source' } }],
});

/** The languages of a post that has only its source version. */
export const statusOf = (p: Post): TranslationStatus => ({
  id: p.id,
  source_lang: p.source_lang,
  languages: overview().languages.map((l) => ({
    lang: l.code,
    name: l.name,
    dir: l.dir,
    completeness: l.code === p.source_lang ? { state: 'source' } : { state: 'missing' },
    revision: l.code === p.source_lang ? p.revision : null,
    blocks: [],
  })),
});

/** A stand-in for the core's preview: counts characters as the core does. */
export const fakePreview = (args: Record<string, unknown>): Preview => {
  const markdown = String(args.markdown);
  return {
    blocks: [`<p>${markdown.replace(/[<&]/g, '')}</p>`],
    dir: args.lang === 'ar' ? 'rtl' : 'ltr',
    stats: { words: markdown.split(/\s+/).filter(Boolean).length, reading_minutes: 1, characters: [...markdown].length },
  };
};

/** What the core announces after a write: here, that `post` was created from the window. */
export function emitLibraryChanged(post: Post, kind: ChangeSet['changes'][number]['kind'] = 'post'): void {
  const set: ChangeSet = {
    cursor: 1,
    origin: 'window',
    at: post.updated_at,
    changes: [{ kind, id: post.id, action: 'created', post: post.id, lang: null, counter: 1 }],
  };
  (events as unknown as { emitForTest(name: string, payload: unknown): void }).emitForTest('library-changed', set);
}

/** Plays an app event (a sync starting, moving on, ending) to the listeners. */
export function emitEvent(name: string, payload: unknown): void {
  (events as unknown as { emitForTest(name: string, payload: unknown): void }).emitForTest(name, payload);
}
