/**
 * getMany (lib/store/get-many.ts) over a real IndexedDB (fake-indexeddb): many keys of one store
 * read by a covering range where they lie close, by single gets where they do not, with the same
 * answer either way. Counts the requests each way through a store wrapper.
 */
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { getMany, type KeyedReads } from '../../lib/store/get-many';

interface Rec {
  key: string;
  n: number;
}

async function storeWith(keys: string[]) {
  const db = await openDB(`get-many-${crypto.randomUUID()}`, 1, {
    upgrade: (d) => void d.createObjectStore('r', { keyPath: 'key' }),
  });
  const tx = db.transaction('r', 'readwrite');
  keys.forEach((key, n) => void tx.store.put({ key, n }));
  await tx.done;
  const asked = { get: 0, getAll: 0 };
  const reads = (): KeyedReads<Rec> => {
    const store = db.transaction('r').store;
    return {
      get: (k) => (asked.get++, store.get(k)),
      getAll: (q, c) => (asked.getAll++, store.getAll(q, c)),
    };
  };
  return { reads, asked };
}

const pad = (i: number) => `conv-${String(i).padStart(5, '0')}`;

describe('getMany', () => {
  it('reads keys that lie close together in one request, in the order asked, undefined where missing', async () => {
    const { reads, asked } = await storeWith(Array.from({ length: 100 }, (_, i) => pad(i)));
    // 5 keys (one twice, one missing) within 15 records: under the 4-per-key limit.
    const keys = [pad(12), pad(3), pad(17), `${pad(5)}x`, pad(3), pad(10)];
    const got = await getMany(reads(), keys, (r) => r.key);
    expect(got.map((r) => r?.key)).toEqual([pad(12), pad(3), pad(17), undefined, pad(3), pad(10)]);
    expect(asked).toEqual({ get: 0, getAll: 1 });
  });

  it('keys spread among many other records: the range is read up to its limit, the keys beyond it one by one', async () => {
    const { reads, asked } = await storeWith(Array.from({ length: 1000 }, (_, i) => pad(i)));
    // 3 keys ask for at most 12 records: pad(0)…pad(11) covers the first two, not pad(900).
    const got = await getMany(reads(), [pad(900), pad(0), pad(5)], (r) => r.key);
    expect(got.map((r) => r?.n)).toEqual([900, 0, 5]);
    expect(asked).toEqual({ get: 1, getAll: 1 });
  });

  it('one or two keys are plain gets', async () => {
    const { reads, asked } = await storeWith([pad(1), pad(2)]);
    expect((await getMany(reads(), [pad(2), pad(9)], (r) => r.key)).map((r) => r?.n)).toEqual([1, undefined]);
    expect(asked).toEqual({ get: 2, getAll: 0 });
  });
});
