/**
 * Deliveries, the store's side: every effect not yet delivered or failed, across tickets (read
 * through the outbox's status index, never by scanning it), and an agent's Retry now and Cancel.
 */
import { isRetryable } from '../model/activity';
import { BacklineError } from '../model/errors';
import { uuidv7 } from '../model/ids';
import type { ActivityRecord, OutboxRecord } from '../model/records';
import type { DeliveryView } from '../model/views';
import type { StoreEngine } from './engine';
import { expandIn, pendingEffects } from './propagation';

/**
 * Effects queued or failed, oldest first, with their ticket and conversation. Queued ones include
 * those still in a write's fan-out record (./propagation.ts): written into the outbox right after
 * their write, or by the next outbox run when the worker stopped in between.
 */
export async function listDeliveries(s: StoreEngine): Promise<DeliveryView[]> {
  const tx = s.db.transaction(['outbox', 'fanouts', 'tickets', 'conversations']);
  const index = tx.objectStore('outbox').index('byStatus');
  const [queued, failed, pending] = await Promise.all([index.getAll('queued'), index.getAll('failed'), pendingEffects(tx)]);
  const effects = [...queued, ...pending, ...failed].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ticketIds = [...new Set(effects.map((e) => e.ticketId))];
  const keys = [...new Set(effects.map((e) => e.conversationKey))];
  const [tickets, conversations] = await Promise.all([
    Promise.all(ticketIds.map((id) => tx.objectStore('tickets').get(id))),
    Promise.all(keys.map((k) => tx.objectStore('conversations').get(k))),
  ]);
  await tx.done;
  const ticketById = new Map(tickets.filter((t) => !!t).map((t) => [t.id, { id: t.id, number: t.number, title: t.title }]));
  const convByKey = new Map(conversations.filter((c) => !!c).map((c) => [c.key, c]));
  return effects.map((effect) => ({
    effect,
    ticket: ticketById.get(effect.ticketId) ?? null,
    conversation: convByKey.get(effect.conversationKey) ?? null,
  }));
}

/** The ids of the failed effects (Retry all), from the status index. */
export async function failedEffectIds(s: StoreEngine): Promise<string[]> {
  return (await s.db.getAllKeysFromIndex('outbox', 'byStatus', 'failed')).map(String);
}

/**
 * Makes a queued effect that waits for its next try due now. Returns it as saved (as it is when it
 * was due already), or null when it is not queued or an attempt holds it (that attempt decides
 * what happens next).
 */
export async function hurryEffect(s: StoreEngine, effectId: string, now: number): Promise<OutboxRecord | null> {
  const tx = s.db.transaction('outbox', 'readwrite');
  const e = await tx.store.get(effectId);
  if (!e || e.status !== 'queued' || e.attemptId || e.nextAttemptAt <= now) {
    await tx.done;
    return e && e.status === 'queued' && !e.attemptId ? e : null;
  }
  const next: OutboxRecord = { ...e, nextAttemptAt: now, updatedAt: now };
  await tx.store.put(next);
  await tx.done;
  return next;
}

/**
 * Cancels an effect that was not delivered: it is not sent (again), and the ticket's Activity says
 * who cancelled it. Refused while an attempt is sending it (its outcome is not known yet), and for
 * an effect already delivered or settled.
 */
export async function cancelEffect(s: StoreEngine, input: { requestId: string; actorId: string; actorName: string; effectId: string }): Promise<OutboxRecord> {
  return s.write(input.requestId, ['outbox', 'activity', 'conversations'], async (tx) => {
    // One still in its write's fan-out record (listed as queued) is cancelled like any other.
    await expandIn(tx);
    const e = await tx.objectStore('outbox').get(input.effectId);
    if (!e) throw new BacklineError('not_found', 'This delivery no longer exists.');
    if (e.status !== 'queued' && !isRetryable(e)) {
      throw new BacklineError('invalid', e.status === 'delivered' ? 'This was delivered already; there is nothing to cancel.' : 'This was already settled; there is nothing to cancel.');
    }
    if (e.attemptId) throw new BacklineError('invalid', 'This is being sent right now. Wait for the outcome, then cancel it if it failed.');
    const now = Date.now();
    const next: OutboxRecord = { ...e, status: 'skipped', lastError: `Cancelled by ${input.actorName}.`, cancelledBy: input.actorId, finishedAt: now, updatedAt: now };
    await tx.objectStore('outbox').put(next);
    const conv = await tx.objectStore('conversations').get(e.conversationKey);
    const item: ActivityRecord = {
      id: uuidv7(),
      ticketId: e.ticketId,
      at: now,
      actorId: input.actorId,
      type: 'effectCancelled',
      effectId: e.id,
      conversationKey: e.conversationKey,
      title: conv?.title || e.conversationKey,
      kind: e.kind,
    };
    await tx.objectStore('activity').add(item);
    return {
      result: next,
      changes: { ticketIds: [e.ticketId], conversationKeys: [], deltas: [{ ticketId: e.ticketId, activity: [item], effects: [next] }] },
    };
  });
}
