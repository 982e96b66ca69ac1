// The Tauri window, when there is one (tests and a plain browser have none).
import { getCurrentWindow, type CloseRequestedEvent } from '@tauri-apps/api/window';

export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** Runs `handler` before the window closes; it may keep the window open. */
export async function onCloseRequested(handler: (event: CloseRequestedEvent) => Promise<void>): Promise<() => void> {
  if (!inTauri()) return () => {};
  return getCurrentWindow().onCloseRequested(handler);
}
