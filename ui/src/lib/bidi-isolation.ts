// Markdown syntax inside right-to-left text: a link's URL, inline code and the
// brackets of a link are laid out as isolates, so `[Palais des Congrès](https://…)`
// in an Arabic paragraph reads as one unit in its own direction instead of
// having its brackets and parentheses scattered across the line. An asset
// reference, `![…](asset:ID)`, is Valise's own syntax with nothing to read
// right to left: it is isolated left to right as a whole. The editor is told
// about the isolates too, so the caret moves through them in visual order.
import { syntaxTree } from '@codemirror/language';
import { RangeSetBuilder, type EditorState } from '@codemirror/state';
import { Decoration, Direction, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';

/** `auto`: the direction of the first strong letter (a link whose text is
 * Arabic stays right to left); `ltr`: always left to right. */
export type IsolateDirection = 'auto' | 'ltr';

export interface Isolate {
  from: number;
  to: number;
  dir: IsolateDirection;
}

const decorations: Record<IsolateDirection, Decoration> = {
  // `dir="auto"` makes the browser pick the first strong letter, as CodeMirror
  // does for a null `bidiIsolate`; without it the span would inherit `rtl`.
  auto: Decoration.mark({ attributes: { dir: 'auto', style: 'unicode-bidi: isolate' }, bidiIsolate: null }),
  ltr: Decoration.mark({
    attributes: { dir: 'ltr', style: 'unicode-bidi: isolate; direction: ltr' },
    bidiIsolate: Direction.LTR,
  }),
};

const LINKS = new Set(['Link', 'Image']);
const LTR_NODES = new Set(['URL', 'InlineCode', 'Autolink']);
const ASSET_SCHEME = 'asset:';

/** The isolates of the Markdown between `from` and `to`, in document order. */
export function isolatedRanges(state: EditorState, from = 0, to = state.doc.length): Isolate[] {
  const out: Isolate[] = [];
  syntaxTree(state).iterate({
    from,
    to,
    enter(node) {
      if (LINKS.has(node.name)) {
        const url = node.node.getChild('URL');
        const asset = url !== null && state.sliceDoc(url.from, url.from + ASSET_SCHEME.length) === ASSET_SCHEME;
        out.push({ from: node.from, to: node.to, dir: asset ? 'ltr' : 'auto' });
        // Inside an asset reference, everything already runs left to right.
        return asset ? false : undefined;
      }
      if (LTR_NODES.has(node.name)) {
        out.push({ from: node.from, to: node.to, dir: 'ltr' });
        return false; // an autolink's URL is already inside its isolate
      }
      return undefined;
    },
  });
  return out;
}

function isolates(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const { from, to } = view.viewport;
  for (const i of isolatedRanges(view.state, from, to)) builder.add(i.from, i.to, decorations[i.dir]);
  return builder.finish();
}

export const bidiIsolation = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = isolates(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged || update.viewportChanged || syntaxTree(update.startState) !== syntaxTree(update.state)) {
        this.decorations = isolates(update.view);
      }
    }
  },
  {
    decorations: (v) => v.decorations,
    provide: (plugin) =>
      EditorView.bidiIsolatedRanges.of((view) => view.plugin(plugin)?.decorations ?? Decoration.none),
  },
);
