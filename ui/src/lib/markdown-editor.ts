// CodeMirror 6 set up for writing Markdown: wrapping, history, search, a calm
// theme, and the writing direction of the post's language.
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, dropCursor, keymap, placeholder } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, LanguageSupport, syntaxHighlighting } from '@codemirror/language';
// The language and keymap only: `markdown()` would also bundle the HTML, CSS and
// JavaScript modes (for embedded HTML), tripling the size of the app.
import { markdownKeymap, markdownLanguage } from '@codemirror/lang-markdown';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { tags as t } from '@lezer/highlight';
import type { TextDirection } from './bindings';
import { bidiIsolation } from './bidi-isolation';
import { bidiMarks } from './bidi-marks';

export interface MarkdownEditor {
  /** Replaces the document and its undo history (another post was opened). */
  reset(doc: string): void;
  /** Brings the document to `doc` by changing only the range that differs, so the
   * caret and the selection stay where they were (a change from elsewhere arrived). */
  update(doc: string): void;
  setLanguage(lang: string, dir: TextDirection): void;
  showBidiMarks(show: boolean): void;
  /** Inserts `text` where `at` (a point of the window) falls in the text, else at
   * the caret, as one undoable change, and puts the caret after it. */
  insert(text: string, at?: { x: number; y: number }): void;
  focus(): void;
  destroy(): void;
}

const theme = EditorView.theme({
  '&': {
    height: '100%',
    fontSize: '16px',
    color: 'var(--ink)',
    backgroundColor: 'transparent',
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': {
    fontFamily: 'var(--font-writing)',
    lineHeight: '1.7',
    padding: '0 0 40vh',
  },
  '.cm-content': {
    maxWidth: '72ch',
    margin: '0 auto',
    padding: '8px 28px',
    caretColor: 'var(--accent)',
  },
  '.cm-content[dir="rtl"]': { textAlign: 'right' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)', borderLeftWidth: '2px' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--selection) !important',
  },
  '.cm-selectionMatch': { backgroundColor: 'var(--match)' },
  '.cm-placeholder': { color: 'var(--ink-faint)' },
  '.cm-panels': { backgroundColor: 'var(--surface)', color: 'var(--ink)', fontFamily: 'var(--font-ui)' },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--line)' },
  '.cm-search': { fontSize: '13px' },
  '.cm-textfield, .cm-button': { fontSize: '13px', borderRadius: '4px' },
  '.cm-searchMatch': { backgroundColor: 'var(--match)', outline: '1px solid var(--line-strong)' },
  '.cm-searchMatch-selected': { backgroundColor: 'var(--selection)' },
});

/** Markdown colours and weights, shared with the translation editor's blocks. */
export const highlight = HighlightStyle.define([
  { tag: t.heading1, fontSize: '1.45em', fontWeight: '650' },
  { tag: t.heading2, fontSize: '1.25em', fontWeight: '650' },
  { tag: [t.heading3, t.heading4, t.heading5, t.heading6], fontWeight: '650' },
  { tag: t.strong, fontWeight: '700' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strikethrough, textDecoration: 'line-through' },
  { tag: [t.link, t.url], color: 'var(--accent)' },
  { tag: t.quote, color: 'var(--ink-soft)', fontStyle: 'italic' },
  { tag: t.monospace, fontFamily: 'var(--font-mono)', fontSize: '0.92em', color: 'var(--ink-soft)' },
  { tag: [t.processingInstruction, t.meta, t.contentSeparator], color: 'var(--ink-faint)' },
  { tag: t.list, color: 'var(--ink-soft)' },
]);

/** The writing direction and language of a text, as CodeMirror attributes. */
export function direction(lang: string, dir: TextDirection): Extension {
  return [
    EditorView.contentAttributes.of({ dir, lang, spellcheck: 'true' }),
    EditorView.editorAttributes.of({ dir }),
  ];
}

/** Brings `view` to `doc` by replacing only the range that differs, so the
 * caret and the selection stay where they were. */
export function patchDocument(view: EditorView, doc: string): void {
  const current = view.state.doc.toString();
  if (current === doc) return;
  let from = 0;
  const shortest = Math.min(current.length, doc.length);
  while (from < shortest && current.charCodeAt(from) === doc.charCodeAt(from)) from++;
  let endOld = current.length;
  let endNew = doc.length;
  while (endOld > from && endNew > from && current.charCodeAt(endOld - 1) === doc.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  view.dispatch({ changes: { from, to: endOld, insert: doc.slice(from, endNew) } });
}

export function createMarkdownEditor(
  parent: HTMLElement,
  options: {
    doc: string;
    lang: string;
    dir: TextDirection;
    label: string;
    showBidiMarks: boolean;
    /** Where the caret starts (kept by the session across views). */
    caret?: number;
    onChange(doc: string): void;
    onCaret?(pos: number): void;
  },
): MarkdownEditor {
  const language = new Compartment();
  const marks = bidiMarks();
  let showingMarks = options.showBidiMarks;
  let current = direction(options.lang, options.dir);

  const extensions = (): Extension[] => [
    history(),
    drawSelection(),
    dropCursor(),
    EditorView.lineWrapping,
    new LanguageSupport(markdownLanguage),
    Prec.high(keymap.of(markdownKeymap)),
    syntaxHighlighting(highlight),
    bidiIsolation,
    search({ top: true }),
    highlightSelectionMatches(),
    placeholder('Write in Markdown…'),
    keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap]),
    theme,
    EditorView.contentAttributes.of({ 'aria-label': options.label }),
    language.of(current),
    marks.slot.of(marks.extension(showingMarks)),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) options.onChange(update.state.doc.toString());
      if (update.docChanged || update.selectionSet) options.onCaret?.(update.state.selection.main.head);
    }),
  ];

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: extensions(),
      selection: { anchor: Math.min(options.caret ?? 0, options.doc.length) },
    }),
  });

  return {
    reset(doc) {
      view.setState(EditorState.create({ doc, extensions: extensions() }));
    },
    update(doc) {
      patchDocument(view, doc);
    },
    setLanguage(lang, dir) {
      current = direction(lang, dir);
      view.dispatch({ effects: language.reconfigure(current) });
    },
    showBidiMarks(show) {
      showingMarks = show;
      view.dispatch({ effects: marks.slot.reconfigure(marks.extension(show)) });
    },
    insert(text, at) {
      const dropped = at ? view.posAtCoords(at) : null;
      const from = dropped ?? view.state.selection.main.head;
      view.dispatch({
        changes: { from, insert: text },
        selection: { anchor: from + text.length },
        scrollIntoView: true,
      });
      view.focus();
    },
    focus() {
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
