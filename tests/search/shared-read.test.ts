import { describe, expect, it } from 'vitest';
import { sharedRead } from '../../server/src/plugins/search/shared-read.ts';

/** A read of a value that the test changes, each read answered when the test says so. */
function controlledReads() {
  let value = 0;
  const started: { seen: number; answer: () => void; fail: (e: Error) => void }[] = [];
  const read = sharedRead(
    () =>
      new Promise<number>((resolve, reject) => {
        const seen = value;
        started.push({ seen, answer: () => resolve(seen), fail: reject });
      }),
  );
  return { read, started, set: (v: number) => (value = v) };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('a read shared by the searches arriving together', () => {
  it('gives a caller who arrived during a read the next one, which sees what was written before they asked', async () => {
    const { read, started, set } = controlledReads();
    const first = read();
    // Written, then asked for, while the first read (which saw 0) is still under way.
    set(1);
    const second = read();
    const third = read();
    expect(started).toHaveLength(1);
    started[0]!.answer();
    expect(await first).toBe(0);
    await settle();
    // One more read for both, started after they asked.
    expect(started).toHaveLength(2);
    started[1]!.answer();
    expect(await second).toBe(1);
    expect(await third).toBe(1);
  });

  it('starts at once when no read is under way, and again after a failed one', async () => {
    const { read, started } = controlledReads();
    const failing = read();
    const waiting = read();
    started[0]!.fail(new Error('connessione persa'));
    await expect(failing).rejects.toThrow('connessione persa');
    await settle();
    started[1]!.answer();
    expect(await waiting).toBe(0);
    const alone = read();
    expect(started).toHaveLength(3);
    started[2]!.answer();
    expect(await alone).toBe(0);
  });
});
