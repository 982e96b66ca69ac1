// Files dropped on the window: Tauri's drag-drop event gives their paths (a
// webview never sees a dropped file's path). The core adds them; dropped on
// the body editor, each added asset is inserted where the drop fell.
import { shownEditor } from './editor-bridge';

export interface DroppedFiles {
  paths: string[];
  /** Where it fell, in CSS pixels of the window. */
  at: { x: number; y: number };
}

/** Calls `handler` for each drop of files on the window; the answer stops listening. */
export async function onFilesDropped(handler: (drop: DroppedFiles) => void): Promise<() => void> {
  try {
    const { getCurrentWebview } = await import('@tauri-apps/api/webview');
    return await getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type !== 'drop' || event.payload.paths.length === 0) return;
      // The position comes in physical pixels.
      const scale = window.devicePixelRatio || 1;
      const at = { x: event.payload.position.x / scale, y: event.payload.position.y / scale };
      handler({ paths: event.payload.paths, at });
    });
  } catch {
    return () => {}; // a plain browser, without the app around it
  }
}

/** The references that show `ids`, one figure per line. */
export const references = (ids: string[]): string => ids.map((id) => `\n![](asset:${id})\n`).join('');

/** Whether `at` is over the body editor on screen. */
export function overEditor(at: { x: number; y: number }): boolean {
  const el = document.elementFromPoint(at.x, at.y);
  return shownEditor() !== null && el !== null && el.closest('[data-testid="editor"]') !== null;
}
