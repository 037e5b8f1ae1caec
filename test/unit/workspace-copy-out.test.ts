/**
 * The background's copy-out of queued shared records into its local PouchDB
 * (lib/background/workspace.ts), against a stand-in PouchDB that records what it is asked: many
 * records go in one bulkDocs, a record PouchDB refuses as a conflict stays queued and goes out next
 * time, and a failure is shown in the status with nothing lost. Replication itself is PouchDB's,
 * tested end to end against a real server (test/e2e/workspace*.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createWorkspace } from '../../lib/background/workspace';
import { conversationKey } from '../../lib/helpdesks';
import { uuidv7 } from '../../lib/model/ids';
import type { Teammate } from '../../lib/model/records';
import type { Membership } from '../../lib/model/workspace-docs';
import { unmirrored, type WorkspaceDoc } from '../../lib/store/sync';
import { openTestStore } from './store-fixture';

const ALICE: Teammate = { id: 'tm-alice', name: 'Alice Agent', email: 'alice@example.com', kind: 'person' };
const ctx = { helpdesk: 'chatwoot' as const, origin: 'https://app.chatwoot.com', account: '1', conversationId: '7' };
const conversation = { key: conversationKey(ctx), ...ctx, kind: 'conversation' as const, title: 'Conversation 7', customerName: 'Carol', customerEmail: 'c@example.com', company: 'Acme' };

/** What the workspace service needs of PouchDB, recording the writes it is asked for. */
class StandInPouch {
  static local: StandInPouch | null = null;
  readonly docs = new Map<string, WorkspaceDoc & { _rev: string }>();
  readonly bulkCalls: WorkspaceDoc[][] = [];
  conflicts = new Set<string>();
  failNext: Error | null = null;
  constructor(name: string) {
    if (!name.startsWith('http')) StandInPouch.local = this;
  }
  changes() {
    return quiet();
  }
  sync() {
    return Object.assign(quiet(), { push: quiet(), pull: quiet() });
  }
  async allDocs({ keys }: { keys: string[] }) {
    return { rows: keys.map((key) => (this.docs.has(key) ? { id: key, key, value: { rev: this.docs.get(key)!._rev }, doc: this.docs.get(key) } : { key, error: 'not_found' })) };
  }
  async bulkDocs(docs: WorkspaceDoc[]) {
    this.bulkCalls.push(docs);
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    return docs.map((d) => {
      if (this.conflicts.has(d._id)) return { error: true, status: 409, name: 'conflict', message: 'Document update conflict', id: d._id };
      const rev = `${Number(d._rev?.split('-')[0] ?? 0) + 1}-${uuidv7()}`;
      this.docs.set(d._id, { ...d, _rev: rev });
      return { ok: true, id: d._id, rev };
    });
  }
  async info() {
    return { update_seq: 0 };
  }
}
/** An event emitter that never emits (no replication happens here). */
function quiet() {
  const e = { on: () => e, cancel: () => {} };
  return e;
}

async function setup(yieldTo?: () => Promise<void>) {
  const { store } = await openTestStore('copy-out', [ALICE]);
  const membership: Membership = { url: 'http://127.0.0.1:5984/backline', username: 'alice', password: 'alice-pass', role: 'admin', keepLocal: [], localName: 'backline-workspace-test', appliedSeq: 0, lastSyncedAt: null };
  const ws = createWorkspace({
    store: async () => store,
    PouchDB: StandInPouch as unknown as PouchDB.Static,
    fetch: () => Promise.reject(new Error('no network here')),
    yieldTo,
    loadMembership: async () => membership,
    saveMembership: async () => {},
    notify: () => {},
  });
  await ws.start();
  const pouch = StandInPouch.local!;
  /** Asks for a copy-out as every write does, and waits until it has run. */
  const copyOut = async () => {
    ws.pushSoon();
    await new Promise((r) => setTimeout(r, 300));
  };
  return { store, ws, pouch, copyOut };
}
const rid = () => uuidv7();

describe('the copy-out into the local PouchDB', () => {
  it('copies what writes queued in one bulkDocs, and then nothing waits to be copied', async () => {
    const { store, pouch, copyOut } = await setup();
    for (let i = 0; i < 5; i++) await store.createTicket({ requestId: rid(), actorId: ALICE.id, title: `Refund ${i}`, typeId: 'type-general', conversation });
    expect((await unmirrored(store)).length).toBe(15); // ticket, created item, link: five times
    await copyOut();
    expect(pouch.bulkCalls).toHaveLength(1);
    expect(pouch.bulkCalls[0]!.map((d) => d.kind).sort()).toEqual([...Array(5).fill('activity'), ...Array(5).fill('link'), ...Array(5).fill('ticket')]);
    expect(await unmirrored(store)).toEqual([]);
    // A ticket changed again goes out as the next revision of its document.
    const [t] = await store.queryTickets({ text: 'refund 3' });
    await store.updateTicket({ requestId: rid(), actorId: ALICE.id, ticketId: t!.ticket.id, baseVersion: 1, changes: { title: 'Refund 3 (card)' } });
    await copyOut();
    const ticketDoc = pouch.docs.get(`ticket:${t!.ticket.id}`)!;
    expect(ticketDoc._rev).toMatch(/^2-/);
    expect((ticketDoc.record as { title: string }).title).toBe('Refund 3 (card)');
  });

  it('waits for a page’s request in progress before copying', async () => {
    let release!: () => void;
    let held = true;
    const { store, pouch, copyOut } = await setup(() => (held ? new Promise<void>((r) => (release = r)) : Promise.resolve()));
    await store.createTicket({ requestId: rid(), actorId: ALICE.id, title: 'Refund', typeId: 'type-general', conversation });
    await copyOut();
    expect(pouch.bulkCalls).toHaveLength(0);
    held = false;
    release();
    await copyOut();
    expect(pouch.bulkCalls).toHaveLength(1);
    expect(await unmirrored(store)).toEqual([]);
  });

  it('keeps a record PouchDB refused as a conflict queued, and copies it at the next try', async () => {
    const { store, pouch, copyOut } = await setup();
    const t = await store.createTicket({ requestId: rid(), actorId: ALICE.id, title: 'Refund', typeId: 'type-general', conversation });
    pouch.conflicts.add(`ticket:${t.id}`);
    await copyOut();
    expect((await unmirrored(store)).map((e) => e.docId)).toEqual([`ticket:${t.id}`]);
    pouch.conflicts.clear();
    await copyOut();
    expect(await unmirrored(store)).toEqual([]);
    expect(pouch.docs.has(`ticket:${t.id}`)).toBe(true);
  });

  it('shows a failure in the status, keeps everything queued, and copies it with the next change', async () => {
    const { store, ws, pouch, copyOut } = await setup();
    await store.createTicket({ requestId: rid(), actorId: ALICE.id, title: 'Refund', typeId: 'type-general', conversation });
    pouch.failNext = new Error('QuotaExceededError: the disk is full');
    await copyOut();
    const status = await ws.status();
    expect(status.state).toBe('error');
    expect(status.problem).toContain('could not copy local changes');
    expect(status.problem).toContain('the disk is full');
    expect(await unmirrored(store)).toHaveLength(3);
    await store.createTicket({ requestId: rid(), actorId: ALICE.id, title: 'Another', typeId: 'type-general', conversation });
    await copyOut();
    expect(await unmirrored(store)).toEqual([]);
    expect(pouch.docs.size).toBe(6);
  });
});
