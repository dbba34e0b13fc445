/**
 * The API requests under way, so that the first page is shown once the data it asked for is in
 * (main.ts): drawn whole in one pass, not as a frame of spinners that the answers then redraw.
 */
let pending = 0;
let waiting: (() => void)[] = [];

function settleIfIdle() {
  if (pending > 0) return;
  const settled = waiting;
  waiting = [];
  for (const resolve of settled) resolve();
}

export async function tracked<T>(work: Promise<T>): Promise<T> {
  pending++;
  try {
    return await work;
  } finally {
    pending--;
    // A macrotask later: the caller's code and the renders and requests it starts (all microtasks) come first.
    if (pending === 0) setTimeout(settleIfIdle, 0);
  }
}

/** Resolves once no request has been under way for a macrotask. */
export function noRequestsUnderWay(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    setTimeout(settleIfIdle, 0);
  });
}
