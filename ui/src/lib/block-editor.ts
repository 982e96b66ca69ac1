// A small CodeMirror for one block of a translation in the side-by-side
// editor: Markdown highlighting, wrapping, its own undo history, the
// translation's writing direction, and bidi controls shown on request.
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { LanguageSupport, syntaxHighlighting } from '@codemirror/language';
import { markdownKeymap, markdownLanguage } from '@codemirror/lang-markdown';
import type { TextDirection } from './bindings';
import { bidiIsolation } from './bidi-isolation';
import { bidiMarks } from './bidi-marks';
import { direction, highlight, patchDocument } from './markdown-editor';

export interface BlockEditor {
  /** Brings the document to `doc` without moving the caret more than needed. */
  update(doc: string): void;
  showBidiMarks(show: boolean): void;
  focus(): void;
  destroy(): void;
}

const theme = EditorView.theme({
  '&': { fontSize: '15.5px', color: 'var(--ink)', backgroundColor: 'transparent' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--font-writing)', lineHeight: '1.6' },
  '.cm-content': { padding: '0', caretColor: 'var(--accent)' },
  '.cm-line': { padding: '0' },
  '.cm-placeholder': { color: 'var(--ink-faint)', fontStyle: 'italic' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--selection) !important',
  },
});

export function createBlockEditor(
  parent: HTMLElement,
  options: {
    doc: string;
    lang: string;
    dir: TextDirection;
    label: string;
    placeholder: string;
    showBidiMarks: boolean;
    onChange(doc: string): void;
  },
): BlockEditor {
  const marks = bidiMarks();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        history(),
        EditorView.lineWrapping,
        new LanguageSupport(markdownLanguage),
        Prec.high(keymap.of(markdownKeymap)),
        syntaxHighlighting(highlight),
        bidiIsolation,
        keymap.of([...defaultKeymap, ...historyKeymap]),
        placeholder(options.placeholder),
        theme,
        direction(options.lang, options.dir),
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
        marks.slot.of(marks.extension(options.showBidiMarks)),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    update(doc) {
      patchDocument(view, doc);
    },
    showBidiMarks(show) {
      view.dispatch({ effects: marks.slot.reconfigure(marks.extension(show)) });
    },
    focus() {
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
