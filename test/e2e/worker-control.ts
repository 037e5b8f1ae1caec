/**
 * What end-to-end tests do to Backline's service worker and its database, to reproduce a worker
 * stopped at the worst moment: after it saved a write, before it answered.
 *
 * - Stopping: a CDP session on any page of the context can use the `ServiceWorker` domain (the
 *   extension's worker is listed there); `ServiceWorker.stopWorker` stops it like Chrome's idle
 *   shutdown does, also while it is busy.
 * - Holding after a write: test code evaluated in the running worker (nothing of this is in the
 *   extension) wraps `IDBDatabase.prototype.transaction` so that the next committed write to the
 *   given stores keeps the worker's thread busy from its `complete` event on. The write is saved,
 *   and the worker cannot answer: its answer would run after that event. The test sees the write
 *   in IndexedDB from an extension page, then stops the worker. Deterministic: no race between the
 *   answer and the stop, because there is no answer.
 * - Holding a store: an extension page keeps a readwrite transaction on a store open (a chain of
 *   requests), so that a worker's write to that store waits, and that worker cannot answer either.
 */
import { expect } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import type { Harness } from './harness';

/** How long a held worker stays busy at most, should a test fail to stop it. */
const HOLD_MS = 60_000;

export interface WorkerControl {
  /** Stops the worker and waits until Chrome reports it stopped. */
  stop(): Promise<void>;
  /** Stops the worker whenever it runs (pages and resends wake it) until `done()` is true. */
  keepStopped(done: () => Promise<boolean>): Promise<void>;
  close(): Promise<void>;
}

interface Version {
  versionId: string;
  scriptURL: string;
  runningStatus: string;
}

export async function controlWorker(h: Harness, page: Page): Promise<WorkerControl> {
  const cdp = await h.context.newCDPSession(page);
  const versions = new Map<string, Version>();
  const watchers = new Set<(v: Version) => void>();
  const mine = (v: Version) => v.scriptURL.startsWith(`chrome-extension://${h.extensionId}/`);
  // Seen as an event: a woken worker may start again right after, before a poll would see it stopped.
  let stoppedSeen = false;
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions) {
      versions.set(v.versionId, v);
      if (!mine(v)) continue;
      if (v.runningStatus === 'stopped') stoppedSeen = true;
      for (const w of watchers) w(v);
    }
  });
  await cdp.send('ServiceWorker.enable');
  const status = () => [...versions.values()].filter(mine).map((v) => v.runningStatus);
  const stopIfRunning = (v: Version) => {
    if (v.runningStatus === 'running') cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId }).catch(() => {});
  };

  return {
    async stop() {
      await expect.poll(status).toContain('running');
      stoppedSeen = false;
      for (const v of versions.values()) if (mine(v)) stopIfRunning(v);
      await expect.poll(() => stoppedSeen, { timeout: 15_000 }).toBe(true);
    },
    async keepStopped(done) {
      watchers.add(stopIfRunning);
      try {
        for (const v of versions.values()) if (mine(v)) stopIfRunning(v);
        await expect.poll(done, { timeout: 60_000, interval: 100 }).toBe(true);
      } finally {
        watchers.delete(stopIfRunning);
      }
    },
    async close() {
      await cdp.detach().catch(() => {});
    },
  };
}

/** The extension's worker that runs now (a stopped one is replaced by a new one when it wakes). */
export async function runningWorker(h: Harness): Promise<Worker> {
  const ours = () => h.context.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${h.extensionId}/`));
  await expect.poll(() => ours().length, { timeout: 15_000 }).toBeGreaterThan(0);
  return ours().at(-1)!;
}

/**
 * Makes the running worker stay busy (so it cannot answer) as soon as its next write to all of
 * `stores` has committed. See the module comment.
 */
export async function holdAfterNextWrite(h: Harness, stores: string[]): Promise<void> {
  const worker = await runningWorker(h);
  await worker.evaluate(
    ({ stores, holdMs }) => {
      const original = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
        const tx = original.apply(this, args);
        const names = ([] as string[]).concat(args[0] as string | string[]);
        if (args[1] === 'readwrite' && stores.every((s) => names.includes(s))) {
          IDBDatabase.prototype.transaction = original; // once
          // Registered before idb's own listener, so this runs before the store learns of the commit.
          tx.addEventListener('complete', () => {
            const until = Date.now() + holdMs;
            while (Date.now() < until) {
              // busy: the worker's answer cannot run
            }
          });
        }
        return tx;
      };
    },
    { stores, holdMs: HOLD_MS },
  );
}

/** Counts records of a store in Backline's database whose `field` equals `value`, read from an extension page. */
export async function countRecords(page: Page, store: string, field: string, value: unknown): Promise<number> {
  return page.evaluate(
    ({ store, field, value }) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('backline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction(store).objectStore(store).getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            db.close();
            resolve((all.result as Record<string, unknown>[]).filter((r) => r[field] === value).length);
          };
        };
      }),
    { store, field, value },
  );
}

/**
 * Keeps a readwrite transaction on `stores` open from an extension page, so that the worker's
 * reads and writes of them wait. Resolves once it holds; call the returned function to let go.
 */
export async function holdStore(page: Page, stores: string[]): Promise<() => Promise<void>> {
  await page.evaluate(
    (stores) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('backline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(stores, 'readwrite');
          const held = tx.objectStore(stores[0]!);
          const w = window as unknown as { __holding: boolean; __released: Promise<void> };
          w.__holding = true;
          w.__released = new Promise<void>((done) => {
            tx.oncomplete = () => {
              db.close();
              done();
            };
          });
          // A transaction with no request pending commits; one request after another keeps it open.
          const next = () => {
            if (w.__holding) held.count().onsuccess = next;
          };
          held.count().onsuccess = () => {
            resolve();
            next();
          };
        };
      }),
    stores,
  );
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __holding: boolean; __released: Promise<void> };
      w.__holding = false;
      return w.__released;
    });
}
