/**
 * Data from a newer Backline: in a fresh profile, a newer version's database is put in place from
 * the service worker (as a newer Backline that was installed, then replaced by this older one,
 * would leave it). The running Backline steps aside for the upgrade, and then every page says
 * plainly what happened and what to do, instead of a raw IndexedDB error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_VERSION } from '../../lib/db';
import { launch, type Harness } from './harness';

let h: Harness;
const NEWER = DB_VERSION + 1;

beforeAll(async () => {
  h = await launch();
});
afterAll(async () => {
  await h?.close();
});

const expected =
  `This browser holds Backline data from a newer version of Backline (database version ${NEWER}; this Backline understands up to ${DB_VERSION}). ` +
  'Update Backline to its latest version, then reload this page.';

/** Opens the `backline` database in the service worker at `version`, or without one; resolves with its version and stores. */
function openInWorker(version: number | null): Promise<{ version: number; stores: string[] }> {
  return h.worker.evaluate(
    (version) =>
      new Promise<{ version: number; stores: string[] }>((resolve, reject) => {
        const r = version === null ? indexedDB.open('backline') : indexedDB.open('backline', version);
        r.onupgradeneeded = () => r.result.createObjectStore('fromTheFuture');
        // Backline's own connection must step aside; if it does not, the upgrade waits forever.
        r.onblocked = () => reject(new Error('The upgrade is blocked by a connection that does not close.'));
        r.onsuccess = () => {
          const db = r.result;
          const result = { version: db.version, stores: [...db.objectStoreNames] };
          db.close();
          resolve(result);
        };
        r.onerror = () => reject(r.error);
      }),
    version,
  );
}

describe('a database from a newer Backline', () => {
  it('the panel and the options page say what happened and what to do; nothing is changed', async () => {
    // Backline has its database open (the outbox looks at it when the worker starts).
    await expect.poll(() => openInWorker(null).then((d) => d.version)).toBe(DB_VERSION);
    const upgraded = await openInWorker(NEWER);
    expect(upgraded.version).toBe(NEWER);

    const { panel } = await h.openConversation(1);
    const alert = panel.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(expected);
    expect(await alert.textContent()).toContain('Nothing was changed');
    // No misleading empty state under the alert.
    expect(await panel.getByText('Open a conversation in your helpdesk', { exact: false }).count()).toBe(0);
    expect(await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).count()).toBe(0);

    const options = await h.openExtensionPage('options.html');
    await expect.poll(() => options.getByRole('alert').first().textContent()).toContain(expected);

    // The newer version's data is as it was.
    expect(await openInWorker(null)).toMatchObject({ version: NEWER });
    expect((await openInWorker(null)).stores).toContain('fromTheFuture');
    expect((await openInWorker(null)).stores).toContain('tickets');
  });
});
