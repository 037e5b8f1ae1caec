/**
 * What the outbox's and undo's unit tests share: per test, a fresh Backline database (real
 * IndexedDB through fake-indexeddb) with one teammate and, unless told otherwise, a Chatwoot
 * connection to the file's sandbox; the processor's dependencies over it; and the ticket and
 * sandbox helpers both files use.
 */
import { afterEach } from 'vitest';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { type ConnectionRecord, type OutboxRecord } from '../../lib/model/records';
import { conversationKey } from '../../lib/helpdesks';
import { uuidv7 } from '../../lib/model/ids';
import type { OutboxDeps } from '../../lib/background/outbox';
import { Store } from '../../lib/store';
import { packFanout } from '../../lib/store/propagation';
import { type ChangeSet, type ConversationInput } from '../../lib/model/views';
import { SANDBOX_TOKEN, type SandboxHandle } from '../sandbox/server.mjs';

export const ME = { id: 'tm-me', name: 'Alice Agent', email: '', kind: 'person' as const };

/**
 * `clock`: 'manual' starts when first read (after the test queued its effects) and then moves only
 * when the test advances it (backoff without sleeping); 'real' is the store's own clock (undo's
 * window and the effects it queues are on it).
 */
export function outboxFixture(sandbox: SandboxHandle, clock: 'manual' | 'real') {
  const open: BacklineDatabase[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });

  function conv(id: number): ConversationInput {
    const ctx = { helpdesk: 'chatwoot' as const, origin: sandbox.url, account: '1', conversationId: String(id) };
    return { key: conversationKey(ctx), ...ctx, kind: 'conversation', title: '', customerName: '', customerEmail: '', company: '' };
  }

  async function setup(opts: { token?: string | null } = {}) {
    const db = await openBacklineDb(`outbox-test-${crypto.randomUUID()}`);
    open.push(db);
    await db.put('teammates', ME);
    const store = new Store(db);
    if (opts.token !== null) {
      const conn: ConnectionRecord = {
        id: uuidv7(),
        helpdesk: 'chatwoot',
        baseUrl: sandbox.url,
        account: '1',
        credentials: { token: opts.token ?? SANDBOX_TOKEN },
        label: 'Sandbox',
        createdAt: Date.now(),
        updatedAt: Date.now(),
      };
      await db.put('connections', conn);
    }
    let at: number | null = null;
    const now = clock === 'real' ? () => Date.now() : () => (at ??= Date.now());
    const advance = (ms: number) => (at = now() + ms);
    const changes: ChangeSet[] = [];
    const deps = (over: Partial<OutboxDeps> = {}): OutboxDeps => ({
      store,
      connections: () => db.getAll('connections'),
      now,
      random: () => 0.5, // no jitter: delays are exactly 2 s, 4 s, 8 s…
      timeoutMs: 2000,
      onChange: (c) => changes.push(c),
      ...over,
    });
    return { db, store, deps, advance, changes, now };
  }

  /** A back-office ticket linked to the given sandbox conversations. */
  async function ticketLinkedTo(store: Store, ids: number[]) {
    const [first, ...rest] = ids;
    const t = await store.createTicket({ requestId: uuidv7(), actorId: ME.id, title: 'Export stuck', typeId: 'type-general', conversation: conv(first!) });
    for (const id of rest) await store.link({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, conversation: conv(id) });
    return t;
  }

  const moveTo = (store: Store, ticketId: string, version: number, stateId: string) =>
    store.changeState({ requestId: uuidv7(), actorId: ME.id, ticketId, baseVersion: version, stateId });

  const effects = async (db: BacklineDatabase): Promise<OutboxRecord[]> => (await db.getAll('outbox')).sort((a, b) => a.id.localeCompare(b.id));

  /**
   * What a worker stopped right after a write committed leaves: that write's effects still in
   * their one fan-out record, not yet in the outbox (the write's own fan-out never ran).
   */
  async function stoppedBeforeFanout(db: BacklineDatabase, sourceActivityId: string): Promise<OutboxRecord[]> {
    const tx = db.transaction(['outbox', 'fanouts'], 'readwrite');
    const queued = await tx.objectStore('outbox').index('bySource').getAll(sourceActivityId);
    for (const e of queued) await tx.objectStore('outbox').delete(e.id);
    await tx.objectStore('fanouts').add(packFanout(queued));
    await tx.done;
    return queued;
  }
  const sbConv = (id: number) => sandbox.state.conversations.find((c) => c.id === id)!;

  return { conv, setup, ticketLinkedTo, moveTo, effects, sbConv, stoppedBeforeFanout };
}
