// How text is shown, the same in every editor of the window.

export const display = $state({
  /** Invisible bidi controls (LRM, RLM, isolates) shown as labelled chips. */
  bidiMarks: false,
});
