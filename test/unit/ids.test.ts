import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as ids from '../../lib/model/ids';

// lib/ids keeps the last timestamp and counter in module state; every test gets a fresh copy so
// that ids made "in the future" by one test cannot shape the next.
let uuidv7: typeof ids.uuidv7;
let newRequestId: typeof ids.newRequestId;
const { UUID_PATTERN } = ids;
beforeEach(async () => {
  vi.resetModules();
  const fresh = await import('../../lib/model/ids');
  uuidv7 = fresh.uuidv7;
  newRequestId = fresh.newRequestId;
});

/** The 48-bit Unix-millisecond timestamp at the front of a UUIDv7. */
const timestampOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
/** The 12 bits after the version nibble (rand_a), where ids count up within one millisecond. */
const randAOf = (id: string) => parseInt(id.replace(/-/g, '').slice(13, 16), 16);

const isSorted = (list: string[]) => list.every((id, i) => i === 0 || list[i - 1]! < id);

describe('uuidv7', () => {
  it('has the canonical 8-4-4-4-12 lower-case hex form', () => {
    for (let i = 0; i < 200; i++) expect(uuidv7()).toMatch(UUID_PATTERN);
    expect(UUID_PATTERN.test('0189B1C2-0000-7000-8000-000000000000')).toBe(false);
  });

  it('sets version 7 and the RFC 9562 variant on every id', () => {
    for (let i = 0; i < 500; i++) {
      const id = uuidv7();
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]!);
    }
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(timestampOf(id)).toBeGreaterThanOrEqual(before);
    expect(timestampOf(id)).toBeLessThanOrEqual(after);
    // A time far ahead of anything generated so far is used as given.
    const future = Date.UTC(2100, 0, 1, 12, 0, 0, 123);
    expect(timestampOf(uuidv7(future))).toBe(future);
  });

  it('sorts in creation order for many ids made in the same millisecond', () => {
    const ms = Date.UTC(2101, 5, 1);
    const list = Array.from({ length: 3000 }, () => uuidv7(ms));
    expect(isSorted(list)).toBe(true);
    expect(new Set(list).size).toBe(list.length);
    expect(list.every((id) => timestampOf(id) === ms)).toBe(true);
    // rand_a counts up by one within the millisecond.
    for (let i = 1; i < list.length; i++) expect(randAOf(list[i]!)).toBe(randAOf(list[i - 1]!) + 1);
  });

  it('stays ordered when one millisecond runs out of counter values', () => {
    const ms = Date.UTC(2102, 0, 1);
    const list = Array.from({ length: 10_000 }, () => uuidv7(ms));
    expect(isSorted(list)).toBe(true);
    expect(new Set(list).size).toBe(list.length);
    // 12 bits per millisecond: 10,000 ids need the clock to be borrowed from the next ms.
    expect(timestampOf(list.at(-1)!)).toBeGreaterThan(ms);
    // ...and an id made at the real next millisecond still sorts after them.
    const next = uuidv7(ms + 1);
    expect(next > list.at(-1)!).toBe(true);
  });

  it('stays ordered when the clock goes backwards', () => {
    const ms = Date.UTC(2103, 0, 1);
    const a = uuidv7(ms);
    const b = uuidv7(ms - 5000);
    const c = uuidv7(ms - 1);
    expect(a < b && b < c).toBe(true);
  });

  it('never repeats over 10,000 ids from the real clock, and they sort in creation order', () => {
    const list = Array.from({ length: 10_000 }, () => uuidv7());
    expect(new Set(list).size).toBe(10_000);
    expect(isSorted(list)).toBe(true);
    const now = Date.now();
    expect(timestampOf(list[0]!)).toBeLessThanOrEqual(now);
    expect(timestampOf(list[0]!)).toBeGreaterThan(now - 60_000);
  });

  it('request ids are UUIDv7s too', () => {
    const id = newRequestId();
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('7');
  });
});
