import { describe, expect, it } from 'vitest';
import { shortcutOf } from '../lib/shortcuts';

const keys = (key: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}) => ({
  key,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
});

describe('the keyboard shortcuts', () => {
  it('name the action of Ctrl (or Cmd) with a key, with or without Shift', () => {
    expect(shortcutOf(keys('k', { ctrl: true }))).toBe('search');
    expect(shortcutOf(keys('n', { meta: true }))).toBe('new-post');
    expect(shortcutOf(keys('s', { ctrl: true }))).toBe('name-revision');
    expect(shortcutOf(keys('Enter', { ctrl: true }))).toBe('submit');
    expect(shortcutOf(keys('Y', { ctrl: true, shift: true }))).toBe('sync');
    expect(shortcutOf(keys('I', { ctrl: true, shift: true }))).toBe('add-files');
  });

  it('leave every other key to the page: typing, Alt combinations, Shift where none is bound', () => {
    expect(shortcutOf(keys('k'))).toBeNull();
    expect(shortcutOf(keys('i', { ctrl: true }))).toBeNull();
    expect(shortcutOf(keys('K', { ctrl: true, shift: true }))).toBeNull();
    expect(shortcutOf(keys('s', { ctrl: true, alt: true }))).toBeNull();
    expect(shortcutOf(keys('z', { ctrl: true }))).toBeNull();
    expect(shortcutOf(keys('constructor', { ctrl: true }))).toBeNull();
  });
});
