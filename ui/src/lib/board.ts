// The pipeline board's layout: the core says which column each post stands in
// (`BoardItem.column`); this only names the columns and puts them in the order
// a post moves through them.
import type { BoardItem, Column, Involvement } from './bindings';

export interface BoardColumn {
  name: string;
  items: BoardItem[];
}

/** A column's heading. */
export function columnName(c: Column): string {
  switch (c.column) {
    case 'draft':
      return 'Draft';
    case 'in_signoff':
      return `Sign-off ${c.step + 1}: ${c.name}`;
    case 'changes_requested':
      return 'Changes requested';
    case 'approved':
      return 'Approved';
    case 'ready':
      return 'Ready';
    case 'scheduled':
      return 'Scheduled';
    case 'published':
      return 'Published';
  }
}

/** Where a column sits: drafts, each step in chain order, then the rest. */
function rank(c: Column): number {
  switch (c.column) {
    case 'draft':
      return 0;
    case 'in_signoff':
      return 1 + c.step / 1000;
    case 'changes_requested':
      return 2;
    case 'approved':
      return 3;
    case 'ready':
      return 4;
    case 'scheduled':
      return 5;
    case 'published':
      return 6;
  }
}

const FIXED: Column[] = [
  { column: 'draft' },
  { column: 'changes_requested', step: 0, name: '' },
  { column: 'approved' },
  { column: 'ready' },
  { column: 'scheduled' },
  { column: 'published' },
];

/**
 * The board's columns in order, each with its posts (in the order given):
 * every fixed column, even empty, and a column for each step a post waits on.
 */
export function boardColumns(items: BoardItem[]): BoardColumn[] {
  const byName = new Map<string, { rank: number; items: BoardItem[] }>();
  for (const c of FIXED) byName.set(columnName(c), { rank: rank(c), items: [] });
  for (const item of items) {
    const name = columnName(item.column);
    let col = byName.get(name);
    if (!col) {
      col = { rank: rank(item.column), items: [] };
      byName.set(name, col);
    }
    col.items.push(item);
  }
  return [...byName.entries()]
    .sort((a, b) => a[1].rank - b[1].rank)
    .map(([name, col]) => ({ name, items: col.items }));
}

/** How a post involves the person the board is filtered by, in words. */
export function involvementText(inv: Involvement | null): string {
  if (!inv) return '';
  const parts: string[] = [];
  if (inv.waits_on) parts.push('waits on them');
  if (inv.submitted) parts.push('submitted');
  if (inv.signed) parts.push('signed');
  return parts.join(' · ');
}
