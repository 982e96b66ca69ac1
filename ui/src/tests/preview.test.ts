import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import PreviewPane from '../components/PreviewPane.svelte';
import { Session } from '../lib/session.svelte';
import { post } from './fixtures';

const preview = (blocks: string[]) => ({
  blocks,
  dir: 'ltr' as const,
  stats: { words: 0, reading_minutes: 0, characters: 0 },
});

describe('preview pane', () => {
  it('replaces only the blocks that changed', () => {
    const session = new Session();
    session.post = post();
    session.preview = preview(['<h2>Titre</h2>', '<p>un</p>', '<p>deux</p>', '<p>un</p>']);
    render(PreviewPane, { session });
    const article = screen.getByTestId('preview');
    const before = [...article.children];
    expect(before.map((e) => e.textContent)).toEqual(['Titre', 'un', 'deux', 'un']);

    session.preview = preview(['<h2>Titre</h2>', '<p>un</p>', '<p>deux !</p>', '<p>un</p>']);
    flushSync();
    const after = [...article.children];
    expect(after.map((e) => e.textContent)).toEqual(['Titre', 'un', 'deux !', 'un']);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(after[3]).toBe(before[3]);
  });
});
