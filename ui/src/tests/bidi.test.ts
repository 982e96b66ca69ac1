import { describe, expect, it } from 'vitest';
import { countBidiMarks } from '../lib/bidi-marks';
import { createBlockEditor } from '../lib/block-editor';

describe('invisible direction marks', () => {
  it('are counted, and shown as labelled chips only when asked', () => {
    const text = 'قمة \u200FNice\u200E و \u2067Genève\u2069';
    expect(countBidiMarks(text)).toBe(4);
    expect(countBidiMarks('Sans marque')).toBe(0);

    const host = document.createElement('div');
    document.body.append(host);
    const editor = createBlockEditor(host, {
      doc: text,
      lang: 'ar',
      dir: 'rtl',
      label: 'test',
      placeholder: '',
      showBidiMarks: false,
      onChange: () => {},
    });
    expect(host.querySelectorAll('.cm-bidiMark')).toHaveLength(0);
    editor.showBidiMarks(true);
    const chips = [...host.querySelectorAll('.cm-bidiMark')].map((c) => c.textContent);
    expect(chips).toEqual(['RLM', 'LRM', 'RLI', 'PDI']);
    expect(host.querySelector('.cm-content')?.getAttribute('dir')).toBe('rtl');
    editor.showBidiMarks(false);
    expect(host.querySelectorAll('.cm-bidiMark')).toHaveLength(0);
    editor.destroy();
    host.remove();
  });
});
