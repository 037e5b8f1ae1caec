/**
 * A browser joining a workspace that already holds thousands of records, with its service worker
 * stopped in the middle of the first sync: it resumes from where it was (PouchDB's checkpoint and
 * the position saved beside the data) and ends with every record once, all of them on this browser
 * by the time it says Synced.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startWorkspaceServer, type WorkspaceServer } from '../../scripts/workspace-server.mjs';
import { launch, type Harness } from './harness';
import { controlWorker, type WorkerControl } from './worker-control';

const TICKETS = 1500;
const NOTES_PER_TICKET = 2;

let server: WorkspaceServer;
let h: Harness;
let options: Page;
let worker: WorkerControl;

beforeAll(async () => {
  server = await startWorkspaceServer({ port: 0 });
  const docs: object[] = [];
  for (let i = 1; i <= TICKETS; i++) {
    const id = `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`;
    const record = {
      id,
      number: i,
      kind: 'support',
      typeId: 'type-general',
      title: `Seeded ticket ${i}`,
      description: '',
      user: '',
      company: '',
      sharing: 'internal',
      stateId: 'submitted',
      assigneeId: null,
      attributes: {},
      createdAt: 1_700_000_000_000 + i,
      updatedAt: 1_700_000_000_000 + i,
      createdBy: 'tm-alice',
      version: 1,
    };
    docs.push({ _id: `ticket:${id}`, kind: 'ticket', author: 'alice', record });
    for (let n = 1; n <= NOTES_PER_TICKET; n++) {
      const aid = `${id}-n${n}`;
      docs.push({ _id: `activity:${id}:${aid}`, kind: 'activity', author: 'alice', record: { id: aid, ticketId: id, at: record.createdAt + n, actorId: 'tm-alice', type: 'note', body: `Note ${n} on ${i}`, crossPosted: false } });
    }
  }
  await server.seed(docs);
  h = await launch();
  options = await h.openExtensionPage('options.html');
  worker = await controlWorker(h, options);
});
afterAll(async () => {
  await worker?.close();
  await h?.close();
  await server?.close();
});

/** How many records of a store Backline's database holds, and how many distinct values of `field`. */
const count = (store: string, field: string) =>
  options.evaluate(
    ({ store, field }) =>
      new Promise<{ all: number; distinct: number }>((resolve, reject) => {
        const open = indexedDB.open('backline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => {
            db.close();
            const rows = all.result as Record<string, unknown>[];
            resolve({ all: rows.length, distinct: new Set(rows.map((r) => r[field])).size });
          };
        };
      }),
    { store, field },
  );

it('resumes after the worker is stopped mid-sync, and holds every ticket and note exactly once', async () => {
  const region = options.getByRole('region', { name: 'Workspace', exact: true });
  await region.getByRole('textbox', { name: 'Workspace server URL', exact: true }).fill(server.dbUrl);
  await region.getByRole('textbox', { name: 'Username', exact: true }).fill(server.users.member.name);
  await region.getByLabel('Password', { exact: true }).fill(server.users.member.password);
  await region.getByRole('button', { name: 'Join workspace', exact: true }).click();

  // Some, not all, have arrived: stop the worker right there.
  await expect.poll(async () => (await count('tickets', 'id')).all, { timeout: 60_000, interval: 50 }).toBeGreaterThan(0);
  expect((await count('tickets', 'id')).all).toBeLessThan(TICKETS);
  await worker.stop();

  // The options page's port wakes it again; it picks up where it was.
  await expect.poll(() => region.getByRole('status').textContent(), { timeout: 120_000, interval: 250 }).toMatch(/^Synced/);
  // "Synced" means on this browser, not only in its copy of the workspace: the store holds every
  // record by then (it used to say so seconds before the last records were applied).
  expect(await count('tickets', 'id')).toEqual({ all: TICKETS, distinct: TICKETS });
  expect(await count('tickets', 'number')).toEqual({ all: TICKETS, distinct: TICKETS });
  expect(await count('activity', 'id')).toEqual({ all: TICKETS * NOTES_PER_TICKET, distinct: TICKETS * NOTES_PER_TICKET });
}, 300_000);
