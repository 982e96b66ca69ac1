// jsdom lacks the layout APIs CodeMirror measures with; plain stand-ins suffice.
import { vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

// Events: a bus the tests emit on (see `emitLibraryChanged` in fixtures).
vi.mock('@tauri-apps/api/event', () => {
  const handlers = new Map<string, Set<(event: { payload: unknown }) => void>>();
  return {
    listen: vi.fn(async (name: string, handler: (event: { payload: unknown }) => void) => {
      const set = handlers.get(name) ?? new Set();
      set.add(handler);
      handlers.set(name, set);
      return () => set.delete(handler);
    }),
    emitForTest: (name: string, payload: unknown) => handlers.get(name)?.forEach((h) => h({ payload })),
  };
});

const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) };
const rects = Object.assign([rect], { item: () => rect }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => rect as DOMRect;
Range.prototype.getClientRects = () => rects;

// Svelte's size bindings observe with ResizeObserver, which jsdom lacks; with
// no layout there is nothing to report.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};
