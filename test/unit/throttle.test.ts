/**
 * Work after a stream of changes (lib/model/throttle.ts): the options page's re-reads after change
 * events, the workspace's copy-out after writes. Re-reading after every short pause in a stream of
 * events kept the background from its work.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttledRun } from '../../lib/model/throttle';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A read that takes `ms` and counts how often it started. */
function slowRead(ms: number) {
  const read = { starts: [] as number[], fn: () => {
    read.starts.push(Date.now());
    return new Promise<void>((r) => setTimeout(r, ms));
  } };
  return read;
}

describe('throttledRun', () => {
  it('reads once, shortly after the first event of a burst', async () => {
    const read = slowRead(5);
    const r = throttledRun(read.fn, { quietMs: 60, minGapMs: 1000 });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) r.soon();
    await vi.advanceTimersByTimeAsync(59);
    expect(read.starts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(read.starts).toEqual([t0 + 60]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(read.starts).toHaveLength(1);
  });

  it('reads at most once a second while events keep coming, and once more after the last', async () => {
    const read = slowRead(5);
    const r = throttledRun(read.fn, { quietMs: 60, minGapMs: 1000 });
    const t0 = Date.now();
    // An event every 30 ms for 3 s: a debounce of 60 ms would never read, one read per event 100 times.
    for (let t = 0; t < 3000; t += 30) {
      r.soon();
      await vi.advanceTimersByTimeAsync(30);
    }
    await vi.advanceTimersByTimeAsync(2000);
    const gaps = read.starts.slice(1).map((s, i) => s - read.starts[i]!);
    expect(read.starts[0]).toBe(t0 + 60);
    expect(read.starts.length).toBeGreaterThanOrEqual(3);
    expect(read.starts.length).toBeLessThanOrEqual(4);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(1000);
    // The last event (at 2,970 ms) is followed by a read.
    expect(read.starts.at(-1)!).toBeGreaterThan(t0 + 2970);
  });

  it('never runs two reads at once: an event during a read makes one more read after it', async () => {
    let running = 0;
    let most = 0;
    let reads = 0;
    const r = throttledRun(async () => {
      reads++;
      most = Math.max(most, ++running);
      await new Promise((done) => setTimeout(done, 1500));
      running--;
    }, { quietMs: 60, minGapMs: 1000 });
    r.soon();
    await vi.advanceTimersByTimeAsync(100); // the first read runs (until 1,560 ms)
    r.soon();
    r.soon();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reads).toBe(2);
    expect(most).toBe(1);
  });

  it('reads nothing after cancel, and a failed read does not stop the next', async () => {
    let reads = 0;
    const failing = throttledRun(async () => {
      reads++;
      throw new Error('worker stopped');
    }, { quietMs: 60, minGapMs: 100 });
    failing.soon();
    await vi.advanceTimersByTimeAsync(100);
    failing.soon();
    await vi.advanceTimersByTimeAsync(200);
    expect(reads).toBe(2);
    failing.soon();
    failing.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(reads).toBe(2);
  });
});
