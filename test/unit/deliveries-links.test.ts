/**
 * The store's side of link reasons and of Deliveries: a reason set, changed and removed with its
 * Activity item; the undelivered effects across tickets; Retry now of a waiting effect; Cancel,
 * recorded in the ticket's Activity and never retried.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import type { OutboxRecord, Teammate } from '../../lib/model/records';
import { BacklineError } from '../../lib/model/errors';
import { conversationKey } from '../../lib/helpdesks';
import { uuidv7 } from '../../lib/model/ids';
import { Store } from '../../lib/store';
import { parseRequest } from '../../lib/protocol';
import { isRetryable } from '../../lib/model/activity';
import { classifySender, createHandlers, handleMessage, type BackgroundEnv } from '../../lib/background/service';
import { retryEffect } from '../../lib/background/outbox';
import { packFanout } from '../../lib/store/propagation';
import type { ChangeSet, ConversationInput } from '../../lib/model/views';

const ALICE: Teammate = { id: 'tm-alice', name: 'Alice Agent', email: 'alice@example.com', kind: 'person' };
const open: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function setup() {
  const db = await openBacklineDb(`deliveries-test-${crypto.randomUUID()}`);
  open.push(db);
  const changes: ChangeSet[] = [];
  const store = new Store(db, (c) => changes.push(c));
  await db.put('teammates', ALICE);
  return { db, store, changes };
}

const rid = () => uuidv7();
function conv(id: string): ConversationInput {
  const ctx = { helpdesk: 'chatwoot' as const, origin: 'https://app.chatwoot.com', account: '1', conversationId: id };
  return { key: conversationKey(ctx), ...ctx, kind: 'conversation', title: `Conversation ${id}`, customerName: '', customerEmail: '', company: '' };
}

async function ticketWithLinks(store: Store, title: string, ids: string[]) {
  const ticket = await store.createTicket({ requestId: rid(), actorId: ALICE.id, title, typeId: 'type-general' });
  for (const id of ids) await store.link({ requestId: rid(), actorId: ALICE.id, ticketId: ticket.id, conversation: conv(id) });
  return ticket;
}

const failEffect = (db: BacklineDatabase, e: OutboxRecord) => db.put('outbox', { ...e, status: 'failed', lastError: 'Chatwoot refused the access token (401).', attempts: 1 });

describe('link reasons', () => {
  it('sets, changes and removes a reason, each recorded once in Activity', async () => {
    const { store } = await setup();
    const ticket = await ticketWithLinks(store, 'Export stuck', ['2']);
    const key = conv('2').key;
    const requestId = rid();
    await store.setLinkReason({ requestId, actorId: ALICE.id, ticketId: ticket.id, conversationKey: key, reason: '  Customer reported it  ' });
    // The same request again (a resend) applies once.
    await store.setLinkReason({ requestId, actorId: ALICE.id, ticketId: ticket.id, conversationKey: key, reason: '  Customer reported it  ' });
    let view = await store.getTicketView(ticket.id);
    expect(view.links[0]!.link.reason).toBe('Customer reported it');
    expect(view.activity.filter((a) => a.type === 'linkReason')).toHaveLength(1);

    // The same reason again changes nothing.
    await store.setLinkReason({ requestId: rid(), actorId: ALICE.id, ticketId: ticket.id, conversationKey: key, reason: 'Customer reported it' });
    expect((await store.getTicketView(ticket.id)).activity.filter((a) => a.type === 'linkReason')).toHaveLength(1);

    await store.setLinkReason({ requestId: rid(), actorId: ALICE.id, ticketId: ticket.id, conversationKey: key, reason: '' });
    view = await store.getTicketView(ticket.id);
    expect(view.links[0]!.link.reason).toBeUndefined();
    const items = view.activity.filter((a) => a.type === 'linkReason').map((a) => (a.type === 'linkReason' ? a.reason : null));
    expect(items.sort()).toEqual(['', 'Customer reported it']);
  });

  it('refuses a reason for a conversation that is not linked', async () => {
    const { store } = await setup();
    const ticket = await ticketWithLinks(store, 'Export stuck', ['2']);
    await expect(
      store.setLinkReason({ requestId: rid(), actorId: ALICE.id, ticketId: ticket.id, conversationKey: conv('9').key, reason: 'x' }),
    ).rejects.toBeInstanceOf(BacklineError);
  });

  it('the protocol refuses a reason over 200 characters', () => {
    const base = { requestId: rid(), ticketId: 't1', conversationKey: 'k' };
    expect(parseRequest({ type: 'ui:setLinkReason', payload: { ...base, reason: 'x'.repeat(200) } }).ok).toBe(true);
    const long = parseRequest({ type: 'ui:setLinkReason', payload: { ...base, reason: 'x'.repeat(201) } });
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.error.message).toContain('Keep the reason under 200 characters');
  });
});

describe('deliveries', () => {
  it('lists queued and failed effects across tickets, with their ticket and conversation, but not delivered ones', async () => {
    const { db, store } = await setup();
    const a = await ticketWithLinks(store, 'Export stuck', ['2', '3']);
    const b = await ticketWithLinks(store, 'Refund missing', ['4']);
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: a.id, body: 'Fixed', crossPost: true });
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: b.id, body: 'Refunded', crossPost: true });
    const all = await db.getAll('outbox');
    expect(all).toHaveLength(3);
    await failEffect(db, all.find((e) => e.conversationKey === conv('2').key)!);
    await db.put('outbox', { ...all.find((e) => e.conversationKey === conv('3').key)!, status: 'delivered' });

    const list = await store.listDeliveries();
    expect(list.map((d) => [d.ticket?.title, d.conversation?.conversationId, d.effect.status]).sort()).toEqual([
      ['Export stuck', '2', 'failed'],
      ['Refund missing', '4', 'queued'],
    ]);
    expect(await store.failedEffectIds()).toEqual([all.find((e) => e.conversationKey === conv('2').key)!.id]);
  });

  it('lists effects still in their write’s fan-out record (the worker stopped before writing them into the outbox) as queued', async () => {
    const { db, store } = await setup();
    const t = await ticketWithLinks(store, 'Export stuck', ['2', '3']);
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Fixed', crossPost: true });
    const queued = await db.getAll('outbox');
    const tx = db.transaction(['outbox', 'fanouts'], 'readwrite');
    for (const e of queued) await tx.objectStore('outbox').delete(e.id);
    await tx.objectStore('fanouts').add(packFanout(queued));
    await tx.done;

    const list = await store.listDeliveries();
    expect(list.map((d) => [d.ticket?.title, d.conversation?.conversationId, d.effect.status, d.effect.id]).sort()).toEqual(
      queued.map((e) => ['Export stuck', e.conversationKey === conv('2').key ? '2' : '3', 'queued', e.id]).sort(),
    );
    // Cancel works on one of them as on any queued effect; the other stays queued, in the outbox now.
    const cancelled = await store.cancelEffect({ requestId: rid(), actorId: ALICE.id, actorName: ALICE.name, effectId: queued[0]!.id });
    expect(cancelled.status).toBe('skipped');
    expect((await store.listDeliveries()).map((d) => d.effect.id)).toEqual([queued[1]!.id]);
    expect(await db.getAll('fanouts')).toEqual([]);
  });

  it('Retry now makes a waiting effect due at once, and leaves others alone', async () => {
    const { db, store } = await setup();
    const t = await ticketWithLinks(store, 'Export stuck', ['2']);
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Fixed', crossPost: true });
    const [e] = await db.getAll('outbox');
    await db.put('outbox', { ...e!, attempts: 2, nextAttemptAt: 10_000 });
    expect((await store.hurryEffect(e!.id, 5_000))?.nextAttemptAt).toBe(5_000);
    // Already due: nothing to change, and it is still on its way.
    expect((await store.hurryEffect(e!.id, 5_000))?.nextAttemptAt).toBe(5_000);
    await db.put('outbox', { ...e!, attemptId: 'in-flight', nextAttemptAt: 10_000 });
    expect(await store.hurryEffect(e!.id, 5_000)).toBeNull(); // an attempt holds it
  });

  it('Cancel settles the effect for good and records who did it in the ticket’s Activity', async () => {
    const { db, store, changes } = await setup();
    const t = await ticketWithLinks(store, 'Export stuck', ['2']);
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Fixed', crossPost: true });
    const [e] = await db.getAll('outbox');
    await failEffect(db, e!);
    const cancelled = await store.cancelEffect({ requestId: rid(), actorId: ALICE.id, actorName: ALICE.name, effectId: e!.id });
    expect(cancelled.status).toBe('skipped');
    expect(cancelled.lastError).toBe('Cancelled by Alice Agent.');
    expect(isRetryable(cancelled)).toBe(false);
    expect(await store.listDeliveries()).toEqual([]);
    const view = await store.getTicketView(t.id);
    const item = view.activity.find((a) => a.type === 'effectCancelled');
    expect(item).toMatchObject({ actorId: ALICE.id, effectId: e!.id, kind: 'note', title: 'Conversation 2' });
    // Open panels learn both the item and the effect's new outcome.
    expect(changes.at(-1)?.deltas?.[0]).toMatchObject({ ticketId: t.id, activity: [item], effects: [cancelled] });
    // Nothing left to cancel, and a delivered effect cannot be cancelled either.
    await expect(store.cancelEffect({ requestId: rid(), actorId: ALICE.id, actorName: ALICE.name, effectId: e!.id })).rejects.toBeInstanceOf(BacklineError);
  });

  it('Cancel is refused while an attempt is sending the effect', async () => {
    const { db, store } = await setup();
    const t = await ticketWithLinks(store, 'Export stuck', ['2']);
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Fixed', crossPost: true });
    const [e] = await db.getAll('outbox');
    await db.put('outbox', { ...e!, attemptId: 'in-flight' });
    await expect(store.cancelEffect({ requestId: rid(), actorId: ALICE.id, actorName: ALICE.name, effectId: e!.id })).rejects.toThrow('being sent right now');
    expect((await db.get('outbox', e!.id))?.status).toBe('queued');
  });
});

describe('Deliveries requests', () => {
  const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
  const EXT_ORIGIN = `chrome-extension://${RUNTIME_ID}`;
  const sender = (page: string) => classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}/${page}`, tab: { id: 3 } }, RUNTIME_ID, EXT_ORIGIN);

  async function background() {
    const { db, store } = await setup();
    let kicks = 0;
    const env: BackgroundEnv = {
      store: async () => store,
      getTabContext: async () => undefined,
      setTabContext: async () => {},
      broadcast: () => {},
      adminUnlocked: async () => false, // any agent: admin settings stay locked
      kickOutbox: () => void kicks++,
      retryEffect: (id) => retryEffect({ store }, id),
    };
    const handlers = createHandlers(env);
    const send = (type: string, payload: unknown, page = 'options.html') => handleMessage(handlers, env, { type, payload }, sender(page));
    return { db, store, send, kicks: () => kicks };
  }

  it('come from the options page only, locked or not', async () => {
    const { send } = await background();
    expect(await send('opt:deliveries', {})).toEqual({ ok: true, data: [] });
    expect(await send('opt:deliveries', {}, 'panel.html')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await send('opt:cancelEffect', { requestId: rid(), effectId: 'e1' }, 'panel.html')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('Retry all puts failed effects back in the queue and makes waiting ones due, and wakes the outbox', async () => {
    const { db, store, send, kicks } = await background();
    const t = await ticketWithLinks(store, 'Export stuck', ['2', '3']);
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Fixed', crossPost: true });
    const [a, b] = await db.getAll('outbox');
    await failEffect(db, a!);
    const later = Date.now() + 3_600_000;
    await db.put('outbox', { ...b!, attempts: 3, nextAttemptAt: later });
    expect(await send('opt:retryAll', {})).toEqual({ ok: true, data: { queued: 2 } });
    expect(kicks()).toBe(1);
    const after = await db.getAll('outbox');
    expect(after.map((e) => e.status)).toEqual(['queued', 'queued']);
    expect(after.every((e) => e.nextAttemptAt <= Date.now())).toBe(true);
    // Delivered ones are not retried.
    for (const e of after) await db.put('outbox', { ...e, status: 'delivered' });
    expect(await send('opt:retryAll', {})).toEqual({ ok: true, data: { queued: 0 } });
    expect(kicks()).toBe(1);
  });

  it('Cancel names who cancelled, and a cancelled effect cannot be retried', async () => {
    const { db, store, send } = await background();
    const t = await ticketWithLinks(store, 'Export stuck', ['2']);
    await store.addNote({ requestId: rid(), actorId: ALICE.id, ticketId: t.id, body: 'Fixed', crossPost: true });
    const [e] = await db.getAll('outbox');
    await failEffect(db, e!);
    expect(await send('opt:cancelEffect', { requestId: rid(), effectId: e!.id })).toEqual({ ok: true, data: { cancelled: true } });
    expect((await db.get('outbox', e!.id))?.lastError).toBe(`Cancelled by ${(await store.me()).name}.`);
    expect(await send('opt:retryEffect', { effectId: e!.id })).toEqual({ ok: true, data: { queued: false } });
    expect((await db.get('outbox', e!.id))?.status).toBe('skipped');
  });
});
