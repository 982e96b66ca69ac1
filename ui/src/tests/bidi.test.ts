import { ensureSyntaxTree, LanguageSupport } from '@codemirror/language';
import { markdownLanguage } from '@codemirror/lang-markdown';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { isolatedRanges } from '../lib/bidi-isolation';
import { countBidiMarks } from '../lib/bidi-marks';
import { createBlockEditor } from '../lib/block-editor';
import { createMarkdownEditor } from '../lib/markdown-editor';

const ID = '0b5e0f7a-0000-4000-8000-000000000031';

/** The isolates of `doc`, each as the text it covers and its direction. */
function isolatesOf(doc: string): [string, string][] {
  const state = EditorState.create({ doc, extensions: new LanguageSupport(markdownLanguage) });
  ensureSyntaxTree(state, doc.length, 5000);
  return isolatedRanges(state).map((i) => [doc.slice(i.from, i.to), i.dir]);
}

describe('Markdown syntax in right-to-left text', () => {
  it('isolates an asset reference left to right as a whole, with or without Arabic alt text', () => {
    expect(isolatesOf(`خريطة الشبكة الدبلوماسية.\n\n![](asset:${ID})\n`)).toEqual([[`![](asset:${ID})`, 'ltr']]);
    expect(isolatesOf(`انظر ![خريطة](asset:0b5e) هنا`)).toEqual([['![خريطة](asset:0b5e)', 'ltr']]);
  });

  it("isolates other links and images by their text's direction, and their URLs and code left to right", () => {
    const doc = 'قمة [قصر المؤتمرات](https://example.org/a) و ![صورة](img/b.png) و `code` و <https://example.org>';
    expect(isolatesOf(doc)).toEqual([
      ['[قصر المؤتمرات](https://example.org/a)', 'auto'],
      ['https://example.org/a', 'ltr'],
      ['![صورة](img/b.png)', 'auto'],
      ['img/b.png', 'ltr'],
      ['`code`', 'ltr'],
      ['<https://example.org>', 'ltr'],
    ]);
  });

  it('are laid out in the editor as the isolates say', () => {
    const host = document.createElement('div');
    document.body.append(host);
    const doc = `نص ![](asset:${ID}) و [رابط](https://example.org)`;
    const editor = createMarkdownEditor(host, {
      doc,
      lang: 'ar',
      dir: 'rtl',
      label: 'test',
      showBidiMarks: false,
      onChange: () => {},
    });
    const spans = [...host.querySelectorAll<HTMLElement>('.cm-content span[dir]')].map((s) => [s.textContent, s.dir]);
    expect(spans).toEqual([
      [`![](asset:${ID})`, 'ltr'],
      ['[رابط](https://example.org)', 'auto'],
      ['https://example.org', 'ltr'],
    ]);
    editor.destroy();
    host.remove();
  });
});

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
