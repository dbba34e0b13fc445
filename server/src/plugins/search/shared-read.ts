/**
 * One read for every caller who arrived before it started. A caller arriving while a read is under way
 * waits for it to end and shares the next one, which starts after the caller arrived: it sees all that
 * was committed before the caller asked (what "the next search finds it" needs), at one round trip per
 * batch of callers instead of one each.
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  const start = (): Promise<T> => {
    const current: Promise<T> = read().finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  };
  return () => {
    if (!running) return start();
    queued ??= running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
}
