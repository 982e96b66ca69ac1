import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import LanguageStrip from '../components/LanguageStrip.svelte';
import TranslationEditor from '../components/TranslationEditor.svelte';
import type { BlockStatus, TranslationSave, TranslationStatus } from '../lib/bindings';
import { notices } from '../lib/notices.svelte';
import { AUTOSAVE_MS } from '../lib/session.svelte';
import { TranslationSession } from '../lib/translation.svelte';
import { callsOf, fakePreview, mockCommands, post, statusOf } from './fixtures';

const ID = '0b5e0f7a-0000-4000-8000-000000000007';

function block(over: Partial<BlockStatus> & { block: string }): BlockStatus {
  return {
    kind: 'paragraph',
    state: 'current',
    needs_work: false,
    source: `Source ${over.block}.`,
    translation: `Translation ${over.block}.`,
    translated_from: null,
    source_changes: [],
    ...over,
  };
}

/** fr source with an English translation: title and two paragraphs, the second outdated, a third missing. */
function englishStatus(blocks?: BlockStatus[]): TranslationStatus {
  const status = statusOf(post({ id: ID }));
  const en = status.languages.find((l) => l.lang === 'en')!;
  en.revision = 3;
  en.blocks = blocks ?? [
    block({ block: 'title', kind: 'title', source: 'Titre', translation: 'Title' }),
    block({ block: 'aaaa1111', source: 'Un.', translation: 'One.' }),
    block({
      block: 'bbbb2222',
      state: 'outdated',
      needs_work: true,
      source: 'Lundi soir.',
      translation: 'Sunday evening.',
      translated_from: 'Dimanche soir.',
      source_changes: [
        { change: 'removed', text: 'Dimanche' },
        { change: 'added', text: 'Lundi' },
        { change: 'same', text: ' soir.' },
      ],
    }),
    block({ block: 'cccc3333', state: 'missing', needs_work: true, source: 'Trois.', translation: '' }),
  ];
  en.completeness = { state: 'outdated', outdated: 1, missing: 1, orphaned: 0 };
  return status;
}

function translationCommands(status: () => TranslationStatus, extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return mockCommands({
    translation_status: () => status(),
    preview_translation: (args) =>
      fakePreview({ markdown: (args.units as { text: string }[]).map((u) => u.text).join('\n\n'), lang: args.lang }),
    save_translation: (args) => ({ post: post({ id: ID, lang: 'en', revision: 4 }), result: 'saved', args }),
    ...extra,
  });
}

describe('the side-by-side translation editor', () => {
  beforeEach(() => notices.clear());
  afterEach(() => vi.useRealTimers());

  it('aligns each source block with its translation and shows what changed in an outdated one', async () => {
    translationCommands(() => englishStatus());
    const translation = new TranslationSession();
    await translation.open(ID, 'en');
    render(TranslationEditor, { translation, onclose: () => {} });

    const rows = screen.getAllByTestId('translation-block');
    expect(rows.map((r) => r.dataset.state)).toEqual(['current', 'current', 'outdated', 'missing']);
    expect(rows[1].querySelector('.source')?.textContent).toContain('Un.');
    await waitFor(() => expect(rows[1].querySelector('.cm-content')?.textContent).toBe('One.'));
    const changes = within(rows[2]).getByTestId('source-changes');
    expect(changes.querySelector('del')?.textContent).toBe('Dimanche');
    expect(changes.querySelector('ins')?.textContent).toBe('Lundi');
    expect(screen.getByTestId('translation-todo').textContent).toContain('2 blocks need work');
  });

  it('saves what is typed block by block, in the source order, from the revision it was made from', async () => {
    vi.useFakeTimers();
    const invoke = translationCommands(() => englishStatus());
    const translation = new TranslationSession();
    await translation.open(ID, 'en');

    translation.edit('cccc3333', 'Three.');
    expect(translation.saveState).toBe('dirty');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    const saves = callsOf(invoke, 'save_translation');
    expect(saves).toHaveLength(1);
    const save = saves[0].save as TranslationSave;
    expect(save.base).toBe(3);
    expect(save.units.map((u) => u.block)).toEqual(['title', 'aaaa1111', 'bbbb2222', 'cccc3333']);
    expect(save.units[3].text).toBe('Three.');
    expect(save.units[2].text).toBe('Sunday evening.');
  });

  it('keeps typed text and says why when a save fails, then retries', async () => {
    vi.useFakeTimers();
    let fail = true;
    const invoke = translationCommands(() => englishStatus(), {
      save_translation: () => {
        if (fail) throw { code: 'read_only', message: 'The library is read-only.' };
        return { post: post({ id: ID, lang: 'en', revision: 4 }), result: 'saved' };
      },
    });
    const translation = new TranslationSession();
    await translation.open(ID, 'en');
    translation.edit('cccc3333', 'Three.');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    expect(translation.saveState).toBe('failed');
    expect(translation.saveError).toContain('read-only');
    expect(translation.texts['cccc3333']).toBe('Three.');
    fail = false;
    await vi.advanceTimersByTimeAsync(5000);
    expect(callsOf(invoke, 'save_translation').length).toBeGreaterThanOrEqual(2);
    expect(translation.saveState).not.toBe('failed');
  });

  it('marks a reviewed outdated block current', async () => {
    let status = englishStatus();
    const invoke = translationCommands(() => status, {
      mark_current: () => {
        const en = englishStatus();
        en.languages.find((l) => l.lang === 'en')!.blocks[2].state = 'current';
        status = en;
        return en;
      },
    });
    const translation = new TranslationSession();
    await translation.open(ID, 'en');
    render(TranslationEditor, { translation, onclose: () => {} });
    await fireEvent.click(screen.getByTestId('mark-current'));
    await waitFor(() => expect(callsOf(invoke, 'mark_current')).toHaveLength(1));
    expect(callsOf(invoke, 'mark_current')[0]).toEqual({ id: ID, lang: 'en', blocks: ['bbbb2222'] });
    await waitFor(() => expect(screen.getAllByTestId('translation-block')[2].dataset.state).toBe('current'));
  });

  it('starts a translation that does not exist yet', async () => {
    let created = false;
    const invoke = mockCommands({
      translation_status: () => {
        const s = statusOf(post({ id: ID }));
        if (created) s.languages.find((l) => l.lang === 'es')!.revision = 1;
        return s;
      },
      add_translation: () => {
        created = true;
        return post({ id: ID, lang: 'es' });
      },
      preview_translation: () => fakePreview({ markdown: '', lang: 'es' }),
    });
    const translation = new TranslationSession();
    await translation.open(ID, 'es');
    expect(callsOf(invoke, 'add_translation')).toHaveLength(1);
    expect(callsOf(invoke, 'add_translation')[0]).toMatchObject({ id: ID, lang: 'es' });
    expect(translation.lang).toBe('es');
  });
});

describe('the language strip', () => {
  beforeEach(() => notices.clear());

  it('shows each language with its state and records a language as not planned with a reason', async () => {
    const status = englishStatus();
    const decided: [string, string][] = [];
    const opened: string[] = [];
    render(LanguageStrip, {
      status,
      open: 'fr',
      onopen: (lang: string) => opened.push(lang),
      ontranslate: () => {},
      onnotplanned: async (lang: string, reason: string) => {
        decided.push([lang, reason]);
        return true;
      },
    });
    const chips = screen.getAllByTestId('language-chip');
    expect(chips.map((c) => c.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'fr source',
      'en 1 outdated, 1 to translate',
      'es missing',
      'ar missing',
    ]);
    await fireEvent.click(chips[1]);
    expect(opened).toEqual(['en']);

    await fireEvent.click(chips[2]);
    await fireEvent.click(screen.getByTestId('mark-not-planned'));
    const input = screen.getByLabelText(/Why is there no es version/);
    await fireEvent.input(input, { target: { value: 'Domestic news only' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Record' }));
    expect(decided).toEqual([['es', 'Domestic news only']]);
  });
});
