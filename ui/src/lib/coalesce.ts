// Runs at most one call at a time; while one is in flight, only the latest
// request waits. Used for the live preview, which must follow typing closely
// without queueing a call per keystroke.

export function latestOnly<A, R>(
  work: (arg: A) => Promise<R>,
  apply: (result: R, arg: A) => void,
  fail: (error: unknown) => void,
): (arg: A) => void {
  let busy = false;
  let pending: { arg: A } | null = null;

  const run = async (arg: A): Promise<void> => {
    busy = true;
    try {
      apply(await work(arg), arg);
    } catch (error) {
      fail(error);
    } finally {
      busy = false;
      const next = pending;
      pending = null;
      if (next) void run(next.arg);
    }
  };

  return (arg: A) => {
    if (busy) pending = { arg };
    else void run(arg);
  };
}
