// Invisible bidirectional-text controls, made visible on request. In Arabic
// with Latin names or URLs inside, a stray right-to-left mark or an unclosed
// isolate moves text around with nothing on screen to explain it: shown as a
// small labelled chip, the writer can see it, select it and delete it.
import { Compartment, type Extension } from '@codemirror/state';
import { EditorView, highlightSpecialChars } from '@codemirror/view';

/** The controls, by code point, with the short names typographers use. */
export const BIDI_MARKS: Record<number, { short: string; name: string }> = {
  0x061c: { short: 'ALM', name: 'Arabic letter mark' },
  0x200e: { short: 'LRM', name: 'left-to-right mark' },
  0x200f: { short: 'RLM', name: 'right-to-left mark' },
  0x202a: { short: 'LRE', name: 'left-to-right embedding' },
  0x202b: { short: 'RLE', name: 'right-to-left embedding' },
  0x202c: { short: 'PDF', name: 'pop directional formatting' },
  0x202d: { short: 'LRO', name: 'left-to-right override' },
  0x202e: { short: 'RLO', name: 'right-to-left override' },
  0x2066: { short: 'LRI', name: 'left-to-right isolate' },
  0x2067: { short: 'RLI', name: 'right-to-left isolate' },
  0x2068: { short: 'FSI', name: 'first strong isolate' },
  0x2069: { short: 'PDI', name: 'pop directional isolate' },
};

const pattern = new RegExp(
  `[${Object.keys(BIDI_MARKS)
    .map((c) => `\\u${Number(c).toString(16).padStart(4, '0')}`)
    .join('')}]`,
  'u',
);

/** How many bidi controls a text holds. */
export function countBidiMarks(text: string): number {
  let n = 0;
  for (const ch of text) if (BIDI_MARKS[ch.codePointAt(0) ?? 0]) n += 1;
  return n;
}

/** A bidi control as a labelled chip; any other special character as CodeMirror shows it. */
function chip(code: number, description: string | null, placeholder: string): HTMLElement {
  const mark = BIDI_MARKS[code];
  const span = document.createElement('span');
  if (!mark) {
    span.className = 'cm-specialChar';
    span.textContent = placeholder;
    if (description) span.title = description;
    return span;
  }
  span.className = 'cm-bidiMark';
  span.textContent = mark.short;
  span.title = `Invisible character: ${mark.name} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return span;
}

const chipTheme = EditorView.baseTheme({
  '.cm-bidiMark': {
    display: 'inline-block',
    margin: '0 1px',
    padding: '0 3px',
    borderRadius: '3px',
    backgroundColor: 'var(--warn-soft, #fbf0d9)',
    color: 'var(--warn, #8a5a00)',
    fontFamily: 'var(--font-ui)',
    fontSize: '0.62em',
    fontWeight: '600',
    lineHeight: '1.5',
    verticalAlign: 'middle',
    unicodeBidi: 'isolate',
    direction: 'ltr',
  },
});

/** An extension slot that shows the marks as chips when `show` is true. */
export function bidiMarks(): { slot: Compartment; extension(show: boolean): Extension } {
  return {
    slot: new Compartment(),
    extension(show) {
      return show
        ? [
            highlightSpecialChars({
              addSpecialChars: pattern,
              render: chip,
            }),
            chipTheme,
          ]
        : [];
    },
  };
}
