// jsdom lacks the layout APIs CodeMirror measures with; plain stand-ins suffice.
import { vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) };
const rects = Object.assign([rect], { item: () => rect }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => rect as DOMRect;
Range.prototype.getClientRects = () => rects;
