/**
 * Opening the database when something is off: data from a newer Backline, another context
 * upgrading it while this one has it open, an older copy that will not let go. Real IndexedDB
 * semantics from fake-indexeddb (versionchange, blocked, VersionError).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DB_VERSION, openBacklineDb, sharedOpen, type BacklineDatabase } from '../../lib/store/schema';
import { BacklineError } from '../../lib/model/errors';

const opened: (IDBDatabase | BacklineDatabase)[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

const uniqueName = () => `db-open-test-${crypto.randomUUID()}`;

/** A raw connection at `version`, as another context (or a newer Backline) would hold it. */
function rawOpen(name: string, version: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name, version);
    r.onupgradeneeded = () => upgrade?.(r.result);
    r.onsuccess = () => {
      opened.push(r.result);
      resolve(r.result);
    };
    r.onerror = () => reject(r.error);
  });
}

/** The version a database is at, without asking for one (no upgrade, no versionchange). */
function versionOf(name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => {
      r.result.close();
      resolve(r.result.version);
    };
    r.onerror = () => reject(r.error);
  });
}

function deleteDb(name: string): Promise<'deleted' | 'blocked'> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = () => resolve('deleted');
    r.onblocked = () => resolve('blocked');
    r.onerror = () => reject(r.error);
  });
}

async function failure(p: Promise<unknown>): Promise<BacklineError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BacklineError);
  return e as BacklineError;
}

describe('openBacklineDb', () => {
  it('refuses data from a newer Backline with both versions and what to do, and changes nothing', async () => {
    const name = uniqueName();
    const newer = await rawOpen(name, DB_VERSION + 4, (db) => db.createObjectStore('fromTheFuture'));
    newer.close();

    const e = await failure(openBacklineDb(name));
    expect(e.code).toBe('newer_data');
    expect(e.details).toEqual({ found: DB_VERSION + 4, supported: DB_VERSION });
    expect(e.message).toBe(
      `This browser holds Backline data from a newer version of Backline (database version ${DB_VERSION + 4}; this Backline understands up to ${DB_VERSION}). ` +
        'Update Backline to its latest version, then reload this page. Nothing was changed: your tickets and settings are still there for the newer version.',
    );
    // Untouched: same version, same stores.
    const after = await rawOpen(name, DB_VERSION + 4);
    expect(after.version).toBe(DB_VERSION + 4);
    expect([...after.objectStoreNames]).toEqual(['fromTheFuture']);
  });

  it('closes its connection when another context upgrades the database, and says so', async () => {
    const name = uniqueName();
    const closed: string[] = [];
    const db = await openBacklineDb(name, { onClose: (reason) => closed.push(reason) });
    opened.push(db);
    // Without stepping aside, this upgrade would wait for Backline's connection forever.
    const newer = await rawOpen(name, DB_VERSION + 1);
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(closed).toEqual(['versionchange']);
  });

  it('gives up on an upgrade that an older connection blocks, with a clear reason, and lets go when it gets through', async () => {
    const name = uniqueName();
    // An older copy that holds the database at version 1 (with the stores and indexes the later
    // migration steps build on or drop) and ignores versionchange.
    const older = await rawOpen(name, 1, (db) => {
      db.createObjectStore('tickets', { keyPath: 'id' }).createIndex('byUpdated', 'updatedAt');
      db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('byTicket', 'ticketId');
      db.createObjectStore('activity', { keyPath: 'id' }).createIndex('byTicket', 'ticketId'); // v5 indexes it too
    });
    const e = await failure(openBacklineDb(name, { blockedTimeoutMs: 50 }));
    expect(e.code).toBe('storage');
    expect(e.message).toBe(
      'Backline cannot open its data: another window still has it open with an older version of Backline. Close the other browser windows (or restart the browser), then try again.',
    );
    // Once the older copy closes, the upgrade completes in the background and is closed again:
    // nothing keeps the database open.
    older.close();
    await expect.poll(() => versionOf(name)).toBe(DB_VERSION);
    expect(await deleteDb(name)).toBe('deleted');
  });
});

describe('sharedOpen (the background’s store)', () => {
  it('shares one open, forgets a failed one so the next request tries again, and reopens after a close from outside', async () => {
    const name = uniqueName();
    const newer = await rawOpen(name, DB_VERSION + 1);
    newer.close();
    let opens = 0;
    const store = sharedOpen((forget) => {
      opens++;
      return openBacklineDb(name, { onClose: forget }).then((db) => {
        opened.push(db);
        return db;
      });
    });

    // Data from a newer Backline: every request gets the clear error, and each one tries again.
    expect((await failure(store())).code).toBe('newer_data');
    expect((await failure(store())).code).toBe('newer_data');
    expect(opens).toBe(2);

    // The data goes away (e.g. the newer Backline's data was cleared): the next request works.
    expect(await deleteDb(name)).toBe('deleted');
    const [a, b] = await Promise.all([store(), store()]);
    expect(a).toBe(b);
    expect(opens).toBe(3);
    expect(await store()).toBe(a);

    // A newer version upgrades it while open: the connection closes, and the next request opens
    // again and says why it cannot work.
    await rawOpen(name, DB_VERSION + 2).then((db) => db.close());
    expect((await failure(store())).code).toBe('newer_data');
    expect(opens).toBe(4);
  });
});
