// The body editor on screen, if any: a file dropped on it is inserted where it
// falls. Kept here so the window's drop handler need not reach into components.
import type { MarkdownEditor } from './markdown-editor';

let shown: MarkdownEditor | null = null;

/** The editor now on screen (`null`, `leaving`: that editor went away). */
export function editorShown(editor: MarkdownEditor | null, leaving?: MarkdownEditor): void {
  if (editor) shown = editor;
  else if (shown === leaving) shown = null;
}

export const shownEditor = (): MarkdownEditor | null => shown;
