import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SaveRequest } from '../lib/bindings';
import { notices } from '../lib/notices.svelte';
import { AUTOSAVE_MS, Session } from '../lib/session.svelte';
import { callsOf, fakePreview, mockCommands, post } from './fixtures';

function savingEcho() {
  return mockCommands({
    preview: fakePreview,
    save_post: (args) => {
      const request = args.request as SaveRequest;
      return { post: post({ ...request.text, revision: 2, updated_at: '2026-03-12T10:00:00.000Z' }), result: 'saved' };
    },
  });
}

describe('autosave', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    notices.clear();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('saves once, as an autosave, after a pause in typing', async () => {
    const invoke = savingEcho();
    const session = new Session();
    session.load(post());

    session.setBody('Un premier paragraphe. Et un second.');
    await vi.advanceTimersByTimeAsync(300);
    session.setBody('Un premier paragraphe. Et un second, plus long.');
    expect(session.saveState).toBe('dirty');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS - 1);
    expect(callsOf(invoke, 'save_post')).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(1);
    const saves = callsOf(invoke, 'save_post');
    expect(saves).toHaveLength(1);
    const request = saves[0].request as SaveRequest;
    expect(request.kind).toBe('autosave');
    expect(request.revision_name).toBeNull();
    expect(request.text.body).toBe('Un premier paragraphe. Et un second, plus long.');
    expect(session.saveState).toBe('saved');

    await vi.advanceTimersByTimeAsync(10_000);
    expect(callsOf(invoke, 'save_post')).toHaveLength(1);
  });

  it('never sends text equal to what was saved', async () => {
    const invoke = savingEcho();
    const session = new Session();
    session.load(post());

    session.edit('title', 'Note de cadrage');
    session.setBody('Un premier paragraphe.');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await session.flush()).toBe(true);

    session.edit('title', 'Note de cadrage (brouillon)');
    session.edit('title', 'Note de cadrage');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(callsOf(invoke, 'save_post')).toHaveLength(0);
    expect(session.saveState).toBe('saved');
  });

  it('keeps the text and reports the error when a save fails, then retries', async () => {
    let fail = true;
    const invoke = mockCommands({
      preview: fakePreview,
      save_post: (args) => {
        if (fail) throw { code: 'read_only', message: 'The library is read-only.' };
        return { post: post({ ...(args.request as SaveRequest).text, revision: 2 }), result: 'saved' };
      },
    });
    const session = new Session();
    session.load(post());

    session.setBody('Texte à ne pas perdre.');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    expect(session.saveState).toBe('failed');
    expect(session.saveError).toBe('The library is read-only.');
    expect(session.body).toBe('Texte à ne pas perdre.');
    expect(notices.items.map((n) => n.message).join()).toContain('The library is read-only.');

    fail = false;
    session.setBody('Texte à ne pas perdre, complété.');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    const saves = callsOf(invoke, 'save_post');
    expect(saves).toHaveLength(2);
    expect((saves[1].request as SaveRequest).text.body).toBe('Texte à ne pas perdre, complété.');
    expect(session.saveState).toBe('saved');
    expect(session.saveError).toBeNull();
  });

  it('flush saves at once; a named save is an edit with its name', async () => {
    const invoke = savingEcho();
    const session = new Session();
    session.load(post());

    session.edit('tags', 'europe, climat');
    expect(await session.flush()).toBe(true);
    expect(callsOf(invoke, 'save_post')).toHaveLength(1);
    expect((callsOf(invoke, 'save_post')[0].request as SaveRequest).text.tags).toEqual(['europe', 'climat']);

    await session.saveNamed('  Sent to proofreading ');
    const named = callsOf(invoke, 'save_post')[1].request as SaveRequest;
    expect(named.kind).toBe('edit');
    expect(named.revision_name).toBe('Sent to proofreading');
  });

  it('coalesces preview calls to one in flight and the latest pending', async () => {
    const resolvers: (() => void)[] = [];
    const invoke = mockCommands({
      preview: (args) => new Promise((resolve) => resolvers.push(() => resolve(fakePreview(args)))),
    });
    const session = new Session();
    session.load(post());
    session.setBody('a');
    session.setBody('ab');
    session.setBody('abc');
    expect(callsOf(invoke, 'preview')).toHaveLength(1);
    resolvers.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(callsOf(invoke, 'preview').map((a) => a.markdown)).toEqual(['Un premier paragraphe.', 'abc']);
    resolvers.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(session.preview?.blocks).toEqual(['<p>abc</p>']);
  });
});
