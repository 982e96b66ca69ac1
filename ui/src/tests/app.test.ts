import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { SaveRequest } from '../lib/bindings';
import { notices } from '../lib/notices.svelte';
import { callsOf, emitLibraryChanged, fakePreview, mockCommands, overview, post, statusOf, summary } from './fixtures';

describe('the workstation', () => {
  beforeEach(() => notices.clear());

  it('shows once why a library cannot be read, instead of an empty library', async () => {
    const refused = { code: 'not_a_library', message: '/tmp/x is not a Valise library. Nothing was changed.' };
    mockCommands({
      library_overview: () => Promise.reject(refused),
      list_posts: () => Promise.reject(refused),
    });
    render(App);
    await screen.findByTestId('library-unavailable');
    expect(screen.queryByTestId('empty-library')).toBeNull();
    const banners = await screen.findAllByTestId('error-banner');
    expect(banners).toHaveLength(1);
    expect(banners[0].textContent).toContain('is not a Valise library');
  });

  it('opens a post into the editor and the preview', async () => {
    const p = post({ body: 'Bonjour le monde.' });
    mockCommands({
      library_overview: () => overview(1),
      list_posts: () => [summary(p)],
      get_post: () => p,
      translation_status: () => statusOf(p),
      preview: fakePreview,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('post-item'));
    expect(((await screen.findByTestId('title-input')) as HTMLInputElement).value).toBe('Note de cadrage');
    await waitFor(() => expect(screen.getByTestId('editor').querySelector('.cm-content')?.textContent).toBe('Bonjour le monde.'));
    await waitFor(() => expect(screen.getByTestId('preview').innerHTML.replace(/<!---->/g, '')).toBe('<p>Bonjour le monde.</p>'));
    expect(screen.getByTestId('word-count').textContent).toContain('3 words');
    expect(screen.getByTestId('save-state').textContent).toBe('Saved');
  });

  it('keeps typed text and shows the error when saving fails', async () => {
    const p = post();
    const invoke = mockCommands({
      library_overview: () => overview(1),
      list_posts: () => [summary(p)],
      get_post: () => p,
      translation_status: () => statusOf(p),
      preview: fakePreview,
      save_post: () => {
        throw { code: 'read_only', message: 'The library /tmp/test.valise is read-only.' };
      },
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('post-item'));
    const title = (await screen.findByTestId('title-input')) as HTMLInputElement;
    await fireEvent.input(title, { target: { value: 'Un titre à garder' } });
    expect(screen.getByTestId('save-state').textContent).toBe('Unsaved changes');

    await waitFor(() => expect(screen.getByTestId('save-state').textContent).toBe('Save failed — retrying'), {
      timeout: 2000,
    });
    expect(screen.getByTestId('save-error').textContent).toContain('is read-only');
    expect(screen.getByTestId('error-banner').textContent).toContain('The library /tmp/test.valise is read-only.');
    expect(title.value).toBe('Un titre à garder');
    expect((callsOf(invoke, 'save_post')[0].request as SaveRequest).text.title).toBe('Un titre à garder');

    await fireEvent.click(screen.getByTestId('dismiss-error'));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('creates a post with an empty title in the source language and focuses its title', async () => {
    const created = post({ id: '0b5e0f7a-0000-4000-8000-000000000012', title: '', body: '', tags: [] });
    let posts = 0;
    const invoke = mockCommands({
      library_overview: () => overview(posts),
      list_posts: () => (posts ? [summary(created)] : []),
      create_post: () => {
        posts = 1;
        emitLibraryChanged(created); // the core announces the new post before answering
        return created;
      },
      preview: fakePreview,
    });
    render(App);
    await screen.findByTestId('empty-library');
    await fireEvent.click(screen.getByTestId('new-post'));
    const title = await screen.findByTestId('title-input');
    await waitFor(() => expect(document.activeElement).toBe(title));
    expect(callsOf(invoke, 'create_post')).toEqual([{ post: { title: '', lang: 'fr', body: '', tags: [] } }]);
    await waitFor(() => expect(screen.getAllByTestId('post-item')).toHaveLength(1));
    expect(screen.queryByTestId('empty-library')).toBeNull();
  });

  it('names a revision with Ctrl+S: Enter saves it as an edit, Escape cancels', async () => {
    const p = post();
    const invoke = mockCommands({
      library_overview: () => overview(1),
      list_posts: () => [summary(p)],
      get_post: () => p,
      translation_status: () => statusOf(p),
      preview: fakePreview,
      save_post: (args) => ({ post: post({ ...(args.request as SaveRequest).text, revision: 2 }), result: 'saved' }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('post-item'));
    await screen.findByTestId('title-input');

    await fireEvent.keyDown(document.body, { key: 's', ctrlKey: true });
    const input = (await screen.findByTestId('revision-name-input')) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(input));
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('revision-name-input')).toBeNull();
    expect(callsOf(invoke, 'save_post')).toHaveLength(0);

    await fireEvent.keyDown(document.body, { key: 's', ctrlKey: true });
    const again = (await screen.findByTestId('revision-name-input')) as HTMLInputElement;
    await fireEvent.input(again, { target: { value: 'Sent to proofreading' } });
    await fireEvent.submit(again.form as HTMLFormElement);
    await waitFor(() => expect(callsOf(invoke, 'save_post')).toHaveLength(1));
    const request = callsOf(invoke, 'save_post')[0].request as SaveRequest;
    expect(request.kind).toBe('edit');
    expect(request.revision_name).toBe('Sent to proofreading');
    expect(screen.queryByTestId('revision-name-input')).toBeNull();
  });

  it('Ctrl+K focuses the search box from anywhere, Ctrl+N starts a post', async () => {
    const p = post();
    const invoke = mockCommands({
      library_overview: () => overview(1),
      list_posts: () => [summary(p)],
      get_post: () => p,
      translation_status: () => statusOf(p),
      create_post: () => post({ id: '0b5e0f7a-0000-4000-8000-000000000008', title: '', body: '' }),
      preview: fakePreview,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('post-item'));
    const title = await screen.findByTestId('title-input');
    title.focus();
    await fireEvent.keyDown(title, { key: 'k', ctrlKey: true });
    expect(document.activeElement).toBe(screen.getByTestId('search-input'));

    await fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'n', ctrlKey: true });
    await waitFor(() => expect(callsOf(invoke, 'create_post')).toHaveLength(1));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('title-input')));
    expect((screen.getByTestId('title-input') as HTMLTextAreaElement).value).toBe('');
  });

  it('Ctrl+Shift+I opens the file picker from anywhere, and what it added shows in the asset library', async () => {
    const invoke = mockCommands({
      library_overview: () => overview(0),
      list_posts: () => [],
      pick_assets: () => ({
        added: [{ asset_id: '0b5e0f7a-0000-4000-8000-000000000031', lang: null, version: 1, outcome: 'new_asset', removed: [] }],
        failed: [],
      }),
      find_assets: () => [],
      watched_folders: () => [],
    });
    render(App);
    await screen.findByTestId('empty-library');
    await fireEvent.keyDown(document.body, { key: 'I', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(callsOf(invoke, 'pick_assets')).toHaveLength(1));
    await screen.findByTestId('asset-library');
    expect(callsOf(invoke, 'find_assets')).toHaveLength(1);
  });
});
