import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import DetailsPanel from '../components/DetailsPanel.svelte';
import type { SaveRequest } from '../lib/bindings';
import { notices } from '../lib/notices.svelte';
import { AUTOSAVE_MS, Session } from '../lib/session.svelte';
import { callsOf, fakePreview, mockCommands, post } from './fixtures';

function setup() {
  const invoke = mockCommands({
    preview: fakePreview,
    text_stats: (args: Record<string, unknown>) => ({ words: 0, reading_minutes: 0, characters: [...String(args.text)].length }),
    save_post: (args) => ({ post: post({ ...(args.request as SaveRequest).text, revision: 2 }), result: 'saved' }),
  });
  const session = new Session();
  session.load(post({ share_text: 'Bonjour' }));
  render(DetailsPanel, { session, dir: 'ltr', languageName: 'Français', ondelete: () => {} });
  return { invoke, session };
}

describe('details panel', () => {
  beforeEach(() => notices.clear());
  afterEach(() => vi.useRealTimers());

  it('counts the share text as it is typed, with the core’s figure', async () => {
    setup();
    const count = screen.getByTestId('share-count');
    await vi.waitFor(() => expect(count.textContent?.trim()).toBe('7 characters'));

    await fireEvent.input(screen.getByTestId('share-text'), { target: { value: 'Genève, 12 mars : accord signé 🇫🇷' } });
    await vi.waitFor(() => expect(count.textContent?.trim()).toBe('33 characters'));

    await fireEvent.input(screen.getByTestId('share-text'), { target: { value: 'A' } });
    await vi.waitFor(() => expect(count.textContent?.trim()).toBe('1 character'));
  });

  it('autosaves typed details once after a pause', async () => {
    vi.useFakeTimers();
    const { invoke } = setup();
    await fireEvent.input(screen.getByTestId('share-text'), { target: { value: 'Bonjour à tous' } });
    await fireEvent.input(screen.getByLabelText('Summary'), { target: { value: 'Résumé.' } });
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS + 50);
    const saves = callsOf(invoke, 'save_post');
    expect(saves).toHaveLength(1);
    const text = (saves[0].request as SaveRequest).text;
    expect(text.share_text).toBe('Bonjour à tous');
    expect(text.summary).toBe('Résumé.');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(callsOf(invoke, 'save_post')).toHaveLength(1);
  });
});
