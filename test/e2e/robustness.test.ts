/**
 * What Backline does with data it did not write itself, in one fresh profile, in this order:
 *
 * - A ticket type whose colour is not `#rrggbb` (written straight into IndexedDB from the
 *   service worker, as an older release or a hand-edited database could leave it): the options
 *   page never puts it in a style, so a `url(…)` is never fetched.
 * - Data from a newer Backline: a newer version's database is put in place from the service
 *   worker (as a newer Backline that was installed, then replaced by this older one, would leave
 *   it). The running Backline steps aside for the upgrade, and then every page says plainly what
 *   happened and what to do, instead of a raw IndexedDB error. (Last: it leaves the profile so.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_VERSION } from '../../lib/store/schema';
import { launch, type Harness } from './harness';

let h: Harness;
const NEWER = DB_VERSION + 1;
/** Every request a page makes to this server is a leak. */
let tracker: http.Server;
const tracked: string[] = [];
let trackerUrl: string;

beforeAll(async () => {
  h = await launch();
  tracker = http.createServer((req, res) => {
    tracked.push(req.url ?? '');
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', r));
  trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.close();
  tracker?.closeAllConnections();
  await new Promise((r) => tracker?.close(r));
});

describe('a stored ticket type colour that is not #rrggbb', () => {
  it('is never put in a style on the options page: nothing is fetched, and the type shows a neutral colour', async () => {
    await expect.poll(() => openInWorker(null).then((d) => d.version), { timeout: 15_000 }).toBe(DB_VERSION);
    const color = `url(${trackerUrl}/leak.png)`;
    await h.worker.evaluate(async (color) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('backline');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('ticketTypes', 'readwrite');
      const states = [
        { id: 'submitted', label: 'Submitted', category: 'submitted' },
        { id: 'in_progress', label: 'In progress', category: 'in_progress' },
        { id: 'waiting', label: 'Waiting on customer', category: 'waiting' },
        { id: 'resolved', label: 'Resolved', category: 'resolved' },
      ];
      tx.objectStore('ticketTypes').put({ id: 'type-odd', name: 'Odd colour', category: 'backoffice', icon: '?', color, attributes: [], states });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    }, color);

    const options = await h.openExtensionPage('options.html');
    const types = options.getByRole('region', { name: 'Ticket types', exact: true });
    const card = types.getByRole('listitem').filter({ has: options.getByRole('heading', { name: 'Odd colour', exact: true }) });
    await expect.poll(() => card.count(), { timeout: 15_000 }).toBe(1);
    const icon = card.locator('.type-icon');
    expect(await icon.getAttribute('style')).not.toContain('url(');
    expect(await icon.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(138, 143, 152)');
    await options.screenshot(); // painted: a background image would have been requested by now
    expect(tracked).toEqual([]);
    await options.close();
  });
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
    await expect.poll(() => openInWorker(null).then((d) => d.version), { timeout: 15_000 }).toBe(DB_VERSION);
    const upgraded = await openInWorker(NEWER);
    expect(upgraded.version).toBe(NEWER);

    const { panel } = await h.openConversation(1);
    const alert = panel.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toContain(expected);
    expect(await alert.textContent()).toContain('Nothing was changed');
    // No misleading empty state under the alert.
    expect(await panel.getByText('Open a conversation in your helpdesk', { exact: false }).count()).toBe(0);
    expect(await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).count()).toBe(0);

    const options = await h.openExtensionPage('options.html');
    await expect.poll(() => options.getByRole('alert').first().textContent(), { timeout: 15_000 }).toContain(expected);

    // The newer version's data is as it was.
    expect(await openInWorker(null)).toMatchObject({ version: NEWER });
    expect((await openInWorker(null)).stores).toContain('fromTheFuture');
    expect((await openInWorker(null)).stores).toContain('tickets');
  });
});
