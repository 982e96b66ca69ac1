// The window's keyboard shortcuts, read from a key press. Which key does what
// is decided here, once; the workstation only runs the named action.

export type Shortcut = 'sync' | 'add-files' | 'search' | 'new-post' | 'name-revision' | 'submit';

type Keys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** With Ctrl (Cmd on a Mac) and Shift. */
const WITH_SHIFT = new Map<string, Shortcut>([
  ['y', 'sync'],
  ['i', 'add-files'],
]);
/** With Ctrl (Cmd) alone. */
const PLAIN = new Map<string, Shortcut>([
  ['k', 'search'],
  ['n', 'new-post'],
  ['s', 'name-revision'],
  ['enter', 'submit'],
]);

/** The shortcut `event` means, or null for a key the window leaves alone. */
export function shortcutOf(event: Keys): Shortcut | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  return (event.shiftKey ? WITH_SHIFT : PLAIN).get(key) ?? null;
}
