import { describe, expect, it } from 'vitest';
import { staleWhileRecomputing } from '../../server/src/modules/territory/territory.cache.ts';

/** A cache that never holds anything: every read computes, as right after a change was notified. */
const alwaysMissing = <T>(_key: string, compute: () => Promise<T>) => compute();
const after =
  <T>(ms: number, value: T) =>
  () =>
    new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('territory answers on a busy day', () => {
  it('runs one recomputation at a time: whoever starts it waits for it, readers meanwhile get the previous answer', async () => {
    const answers = staleWhileRecomputing(alwaysMissing);
    expect(await answers('needs', after(0, 'monday'))).toBe('monday');

    let started = 0;
    const slow = () => {
      started++;
      return after(600, 'tuesday')();
    };
    const first = answers('needs', slow);
    const asked = Date.now();
    expect(await answers('needs', slow)).toBe('monday');
    expect(await answers('needs', slow)).toBe('monday');
    expect(Date.now() - asked).toBeLessThan(300);
    expect(started).toBe(1);
    expect(await first).toBe('tuesday');
    // Nothing running: the next reader after a change waits for the change.
    expect(await answers('needs', after(100, 'wednesday'))).toBe('wednesday');
  });

  it('waits for the answer when there is none yet, or the previous one is over a minute old', async () => {
    let clock = 0;
    const answers = staleWhileRecomputing(alwaysMissing, () => clock);
    expect(await answers('funds', after(400, 'first'))).toBe('first');
    clock = 61_000;
    expect(await answers('funds', after(400, 'second'))).toBe('second');
    // Answers are kept by key: another question does not get this one.
    expect(await answers('funds?province=BG', after(300, 'bergamo'))).toBe('bergamo');
  });

  it('fails the reader who waited for a failed recomputation, and the next reader starts another', async () => {
    const answers = staleWhileRecomputing(alwaysMissing);
    expect(await answers('coverage', after(0, 'ok'))).toBe('ok');
    const failing = answers('coverage', () => new Promise<string>((_, reject) => setTimeout(() => reject(new Error('database down')), 200)));
    expect(await answers('coverage', after(0, 'unused'))).toBe('ok');
    await expect(failing).rejects.toThrow('database down');
    expect(await answers('coverage', after(0, 'again'))).toBe('again');
  });
});
