import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import RevisionsPanel from '../components/RevisionsPanel.svelte';
import type { RevisionSummary } from '../lib/bindings';
import { notices } from '../lib/notices.svelte';
import { RevisionsState } from '../lib/revisions.svelte';
import { Session } from '../lib/session.svelte';
import { callsOf, fakePreview, mockCommands, post } from './fixtures';

const rev = (number: number, over: Partial<RevisionSummary> = {}): RevisionSummary => ({
  number,
  kind: number === 1 ? 'created' : 'autosave',
  name: null,
  created_at: '2026-03-12T09:00:00.000Z',
  title: 'Note',
  words: 10 * number,
  minor: false,
  ...over,
});

describe('revisions panel', () => {
  beforeEach(() => notices.clear());

  it('lists revisions newest first, shows a diff, and restores after confirming', async () => {
    const invoke = mockCommands({
      preview: fakePreview,
      list_revisions: () => [rev(1), rev(2, { kind: 'edit', name: 'Sent to proofreading' }), rev(3)],
      diff_revisions: (args) => ({
        from: args.from,
        to: 3,
        fields: [{ field: 'title', before: 'Ancien titre', after: 'Note' }],
        body: [
          { change: 'same', text: 'Premier paragraphe.' },
          { change: 'removed', text: 'Une phrase <b>retirée</b>.' },
          { change: 'added', text: 'Une phrase ajoutée.' },
        ],
      }),
    });
    const session = new Session();
    session.load(post({ revision: 3 }));
    const onrestore = vi.fn();
    render(RevisionsPanel, { session, revisions: new RevisionsState(), onrestore });

    await waitFor(() => expect(screen.getAllByTestId('revision-item')).toHaveLength(3));
    const items = screen.getAllByTestId('revision-item');
    expect(items.map((i) => i.dataset.revision)).toEqual(['3', '2', '1']);
    expect(items[1].textContent).toContain('Sent to proofreading');
    expect(items[1].textContent).toContain('20 words');

    await fireEvent.click(items[2]);
    expect(callsOf(invoke, 'diff_revisions')).toEqual([{ id: '0b5e0f7a-0000-4000-8000-000000000007', lang: 'fr', from: 1, to: null }]);
    await screen.findByText('Ancien titre');
    const removed = document.querySelector('.l.removed');
    expect(removed?.textContent).toContain('Une phrase <b>retirée</b>.');
    expect(removed?.querySelector('b')).toBeNull();
    expect(document.querySelector('.l.added')?.textContent).toContain('Une phrase ajoutée.');

    await fireEvent.click(screen.getByTestId('restore-revision'));
    expect(onrestore).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('confirm-restore'));
    expect(onrestore).toHaveBeenCalledWith(1);
  });
});

describe('diff folding', () => {
  it('folds long unchanged runs and keeps two lines of context around changes', async () => {
    const { foldUnchanged } = await import('../lib/fold');
    const same = (n: number) => Array.from({ length: n }, (_, i) => ({ change: 'same' as const, text: `s${i}` }));
    const folded = foldUnchanged([...same(10), { change: 'added', text: 'new' }, ...same(10)]);
    expect(folded).toEqual([
      { skipped: 8 },
      { line: { change: 'same', text: 's8' } },
      { line: { change: 'same', text: 's9' } },
      { line: { change: 'added', text: 'new' } },
      { line: { change: 'same', text: 's0' } },
      { line: { change: 'same', text: 's1' } },
      { skipped: 8 },
    ]);
  });
});
