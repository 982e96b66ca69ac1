// Markdown syntax inside right-to-left text: a link's URL, inline code and the
// brackets of a link are laid out as isolates, so `[Palais des Congrès](https://…)`
// in an Arabic paragraph reads as one unit in its own direction instead of
// having its brackets and parentheses scattered across the line. The editor is
// told about the isolates too, so the caret moves through them in visual order.
import { syntaxTree } from '@codemirror/language';
import { RangeSetBuilder } from '@codemirror/state';
import { Decoration, Direction, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';

/** Direction from the first strong letter: a link whose text is Arabic stays right to left. */
const auto = Decoration.mark({ attributes: { style: 'unicode-bidi: isolate' }, bidiIsolate: null });
/** URLs and code are always left to right. */
const ltr = Decoration.mark({
  attributes: { style: 'unicode-bidi: isolate; direction: ltr' },
  bidiIsolate: Direction.LTR,
});

const AUTO_NODES = new Set(['Link', 'Image']);
const LTR_NODES = new Set(['URL', 'InlineCode', 'Autolink']);

function isolates(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const { from, to } = view.viewport;
  syntaxTree(view.state).iterate({
    from,
    to,
    enter(node) {
      if (AUTO_NODES.has(node.name)) builder.add(node.from, node.to, auto);
      else if (LTR_NODES.has(node.name)) {
        builder.add(node.from, node.to, ltr);
        return false; // an autolink's URL is already inside its isolate
      }
      return undefined;
    },
  });
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
