/**
 * Pages' requests before background work (lib/background/foreground.ts): the outbox and the
 * copy-out wait for a request in progress before asking for their next transaction, never long.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createForeground } from '../../lib/background/foreground';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Whether `p` has settled after the pending timers and microtasks of `ms`. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

describe('foreground', () => {
  it('lets background work go on at once when no request is in progress', async () => {
    const fg = createForeground(200);
    expect(await settledWithin(fg.idle(), 0)).toBe(true);
  });

  it('holds background work until the requests in progress are answered', async () => {
    const fg = createForeground(200);
    let answer!: () => void;
    const first = fg.run(() => new Promise<string>((r) => (answer = () => r('done'))));
    const second = fg.run(() => new Promise<void>((r) => setTimeout(r, 30)));
    const idle = fg.idle();
    expect(await settledWithin(idle, 50)).toBe(false); // the second is answered, the first not yet
    answer();
    expect(await first).toBe('done');
    expect(await settledWithin(idle, 0)).toBe(true);
    await second;
  });

  it('never holds it longer than its bound, however long requests keep coming', async () => {
    const fg = createForeground(200);
    void fg.run(() => new Promise(() => {}));
    const idle = fg.idle();
    expect(await settledWithin(idle, 199)).toBe(false);
    expect(await settledWithin(idle, 1)).toBe(true);
  });

  it('counts a request that failed as answered', async () => {
    const fg = createForeground(200);
    await expect(fg.run(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await settledWithin(fg.idle(), 0)).toBe(true);
  });
});
