import { describe, expect, it } from 'vitest';
import { visibleRows } from '../lib/grid';

describe('visibleRows', () => {
  it('draws the rows in view and one either side', () => {
    expect(visibleRows(0, 600, 200, 1000, 1)).toEqual({ first: 0, last: 4 });
    expect(visibleRows(10_000, 600, 200, 1000, 1)).toEqual({ first: 49, last: 54 });
  });

  it('never draws past the end or before the start', () => {
    expect(visibleRows(199_800, 600, 200, 1000, 1)).toEqual({ first: 998, last: 1000 });
    expect(visibleRows(-50, 600, 200, 3, 2)).toEqual({ first: 0, last: 3 });
  });

  it('draws nothing of an empty grid', () => {
    expect(visibleRows(0, 600, 200, 0, 1)).toEqual({ first: 0, last: 0 });
  });
});
