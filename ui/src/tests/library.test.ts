import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import LibraryPanel from '../components/LibraryPanel.svelte';
import { LibraryState } from '../lib/library.svelte';
import { notices } from '../lib/notices.svelte';
import { callsOf, mockCommands, overview, post, summary } from './fixtures';

const noop = () => {};

describe('library list', () => {
  beforeEach(() => notices.clear());

  it('shows the empty state when the library has no posts', async () => {
    mockCommands({ library_overview: () => overview(0), list_posts: () => [] });
    render(App);
    const empty = await screen.findByTestId('empty-library');
    expect(empty.textContent).toContain('No posts yet');
    expect(within(empty).getByRole('button', { name: 'New post' })).toBeTruthy();
    expect(screen.queryAllByTestId('post-item')).toHaveLength(0);
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('lists posts with their language, tags and word count', async () => {
    const p = post({ id: '0b5e0f7a-0000-4000-8000-000000000003', title: '', tags: ['climat', 'onu'], stats: { words: 1234, reading_minutes: 6, characters: 9000 } });
    mockCommands({ library_overview: () => overview(1), list_posts: () => [summary(p)] });
    const library = new LibraryState();
    await library.start();
    render(LibraryPanel, { library, activeId: null, activeLang: null, oncreate: noop, onopen: noop });
    const row = screen.getByTestId('post-item');
    expect(row.dataset.postId).toBe('0b5e0f7a-0000-4000-8000-000000000003');
    expect(row.textContent).toContain('Untitled');
    expect(row.textContent).toContain('fr');
    expect(row.textContent).toContain('climat');
    expect(row.textContent).toContain('1,234 words');
  });

  it('filters posts needing a translation into a language, and shows each row\'s languages', async () => {
    const p = post();
    const row = {
      ...summary(p),
      languages: [
        { lang: 'fr', completeness: { state: 'source' as const } },
        { lang: 'en', completeness: { state: 'complete' as const } },
        { lang: 'es', completeness: { state: 'outdated' as const, outdated: 2, missing: 1, orphaned: 0 } },
        { lang: 'ar', completeness: { state: 'missing' as const } },
      ],
    };
    const invoke = mockCommands({ library_overview: () => overview(1), list_posts: () => [row] });
    const library = new LibraryState();
    await library.start();
    render(LibraryPanel, { library, activeId: null, activeLang: null, oncreate: noop, onopen: noop });
    const langs = screen.getByTestId('row-languages');
    expect([...langs.children].map((c) => `${(c as HTMLElement).dataset.lang}:${(c as HTMLElement).dataset.state}:${c.textContent}`)).toEqual([
      'en:complete:en',
      'es:outdated:es3',
      'ar:missing:ar',
    ]);
    const filter = screen.getByTestId('needs-translation-filter') as HTMLSelectElement;
    expect([...filter.options].map((o) => o.value)).toEqual(['', 'en', 'es', 'ar']);
    await fireEvent.change(filter, { target: { value: 'ar' } });
    const queries = callsOf(invoke, 'list_posts').map((a) => (a.query as { needs_translation: string | null }).needs_translation);
    expect(queries.at(-1)).toBe('ar');
  });

  it('renders search snippets as text, with hits marked', async () => {
    const invoke = mockCommands({
      library_overview: () => overview(1),
      list_posts: () => [],
      search_posts: () => [
        {
          id: '0b5e0f7a-0000-4000-8000-000000000009',
          lang: 'fr',
          title: 'Négociation',
          snippet: 'avant <img src=x onerror=alert(1)> la négociation',
          snippet_parts: [
            { text: 'avant <img src=x onerror=alert(1)> la ', hit: false },
            { text: 'négociation', hit: true },
          ],
          rank: -1,
        },
      ],
    });
    const library = new LibraryState();
    render(LibraryPanel, { library, activeId: null, activeLang: null, oncreate: noop, onopen: noop });
    const search = screen.getByTestId('search-input');
    await fireEvent.input(search, { target: { value: 'neg' } });
    await fireEvent.input(search, { target: { value: 'nego' } });
    await fireEvent.input(search, { target: { value: 'negociation' } });

    const row = await screen.findByTestId('post-item');
    expect(callsOf(invoke, 'search_posts')).toEqual([{ query: 'negociation', limit: 50 }]);
    expect(row.dataset.postId).toBe('0b5e0f7a-0000-4000-8000-000000000009');
    expect(row.querySelector('img')).toBeNull();
    expect(row.textContent).toContain('avant <img src=x onerror=alert(1)> la négociation');
    const marks = row.querySelectorAll('mark');
    expect(marks).toHaveLength(1);
    expect(marks[0].textContent).toBe('négociation');
  });

  it('says when a search finds nothing, and returns to the list when cleared', async () => {
    const p = post();
    mockCommands({ library_overview: () => overview(1), list_posts: () => [summary(p)], search_posts: () => [] });
    const library = new LibraryState();
    await library.start();
    render(LibraryPanel, { library, activeId: null, activeLang: null, oncreate: noop, onopen: noop });
    const search = screen.getByTestId('search-input');
    await fireEvent.input(search, { target: { value: 'zzz' } });
    expect((await screen.findByTestId('no-results')).textContent).toContain('No match for “zzz”');
    expect(screen.queryByTestId('empty-library')).toBeNull();

    await fireEvent.input(search, { target: { value: '' } });
    expect(screen.getAllByTestId('post-item')).toHaveLength(1);
  });
});
