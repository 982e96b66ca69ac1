// Presentation of a body diff: long runs of unchanged lines fold into one
// "… N unchanged lines" row, keeping a little context around each change.
import type { DiffLine } from './bindings';

export type FoldedLine = { line: DiffLine } | { skipped: number };

export function foldUnchanged(lines: DiffLine[], context = 2): FoldedLine[] {
  const shown: FoldedLine[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].change !== 'same') {
      shown.push({ line: lines[i++] });
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end].change === 'same') end++;
    const keepStart = i === 0 ? 0 : context;
    const keepEnd = end === lines.length ? 0 : context;
    if (end - i > keepStart + keepEnd + 1) {
      for (let k = i; k < i + keepStart; k++) shown.push({ line: lines[k] });
      shown.push({ skipped: end - i - keepStart - keepEnd });
      for (let k = end - keepEnd; k < end; k++) shown.push({ line: lines[k] });
    } else {
      for (let k = i; k < end; k++) shown.push({ line: lines[k] });
    }
    i = end;
  }
  return shown;
}
