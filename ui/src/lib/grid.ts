// Which rows of a virtualised list are in view: the grid puts only those in
// the page (and `overscan` rows either side, so a fast scroll shows no gap).

export interface RowRange {
  /** The first row to draw. */
  first: number;
  /** One past the last row to draw. */
  last: number;
}

export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan: number,
): RowRange {
  if (rowCount <= 0 || rowHeight <= 0) return { first: 0, last: 0 };
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rowCount, Math.ceil((scrollTop + Math.max(viewportHeight, 0)) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}
