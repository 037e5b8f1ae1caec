/**
 * Propagation, the store's side: the effects a change queues (in the change's own transaction, as
 * one fan-out record written into the outbox once it has committed) and the words of the internal notes Backline posts, and the outbox records the background's
 * processor claims, updates and retries (lib/background/outbox.ts delivers them).
 */
import { interruptedSendTime, isRetryable } from '../model/activity';
import { formatTicketNumber, TICKET_KIND_LABELS, type Ticket } from '../model/domain';
import type { ConversationStatus } from '../model/helpdesk';
import { uuidv7 } from '../model/ids';
import type { ActivityRecord, ConversationRecord, OutboxRecord } from '../model/records';
import { HELPDESK_NAMES } from '../helpdesks';
import { getMeta } from './meta';
import { reopenDecision, type KnownConversation, type ReopenRules } from '../model/spread';
import type { ChangeSet, PropagationChoice } from '../model/views';
import type { StoreEngine, Tx } from './engine';
import type { FanoutRecord, OutcomeToShare } from './schema';
import { unwrap } from 'idb';

/** The internal note a state change posts in each linked conversation. */
export function stateChangeNote(ticket: Pick<Ticket, 'kind' | 'number' | 'title'>, from: string, to: string, actor: string | null): string {
  return `[Backline] ${TICKET_KIND_LABELS[ticket.kind]} ${formatTicketNumber(ticket.number)} “${ticket.title}” moved from ${from} to ${to}${actor ? ` by ${actor}` : ''}.`;
}

/** The internal note a cross-posted note becomes in each linked conversation. */
export function crossPostNote(ticket: Pick<Ticket, 'kind' | 'number' | 'title'>, actor: string | null, body: string): string {
  return `[Backline] Note on ${TICKET_KIND_LABELS[ticket.kind].toLowerCase()} ${formatTicketNumber(ticket.number)} “${ticket.title}”${actor ? ` from ${actor}` : ''}:\n\n${body}`;
}

/** One effect of a change, as the outbox keeps it: queued, due now. `queueEffects` writes it. */
export function effectRecord(
  ticketId: string,
  sourceActivityId: string,
  conversationKey: string,
  kind: OutboxRecord['kind'],
  body: string,
  now: number,
  extra: Pick<OutboxRecord, 'corrects'> = {},
): OutboxRecord {
  return {
    ...extra,
    id: uuidv7(),
    ticketId,
    sourceActivityId,
    conversationKey,
    kind,
    body,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    lastError: '',
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Queues a write's effects inside its transaction, all of them as one `fanouts` record: a
 * change linked to 50 conversations writes one small record while the agent waits instead of 100
 * (each with three index entries). They land with the change or not at all. Returns what the
 * write hands its engine as `afterCommit`: once the change has committed, the effects are written
 * one by one into the outbox (`expandFanouts`). The write is made without waiting for its answer:
 * a failure aborts the transaction, which the write engine reports.
 */
export function queueEffects(s: StoreEngine, tx: Tx<'readwrite'>, effects: OutboxRecord[]): (() => void) | undefined {
  if (!effects.length) return undefined;
  // The plain IndexedDB store: no promise to wait for. The outbox is local, so the workspace's
  // capture (./capture.ts) has nothing to see here.
  unwrap(tx.objectStore('fanouts')).add(packFanout(effects));
  return () => {
    expandFanouts(s).catch((e: unknown) => {
      // They stay in their record, which the outbox's next run expands (it starts with that).
      console.error('Backline: queued effects not yet written to the outbox', e);
    });
  };
}

/** One write's effects as one fan-out record. They share their ticket, activity item and time (one write queues them). */
export function packFanout(effects: OutboxRecord[]): FanoutRecord {
  const first = effects[0]!;
  const bodies: string[] = [];
  const bodyIndex = new Map<string, number>();
  const packed: FanoutRecord['effects'] = effects.map((e) => {
    if (e.ticketId !== first.ticketId || e.sourceActivityId !== first.sourceActivityId || e.createdAt !== first.createdAt) {
      throw new Error('The effects of one fan-out come from one activity item at one time.');
    }
    let body = -1;
    if (e.body) {
      body = bodyIndex.get(e.body) ?? bodies.push(e.body) - 1;
      bodyIndex.set(e.body, body);
    }
    return e.corrects ? [e.id, e.conversationKey, e.kind, body, e.corrects] : [e.id, e.conversationKey, e.kind, body];
  });
  return { id: uuidv7(), ticketId: first.ticketId, sourceActivityId: first.sourceActivityId, at: first.createdAt, bodies, effects: packed };
}

/** The effects a fan-out record holds, as the outbox keeps them (`effectRecord`'s records). */
export function unpackFanout(f: FanoutRecord): OutboxRecord[] {
  return f.effects.map(([id, conversationKey, kind, body, corrects]) => ({
    ...(corrects ? { corrects } : {}),
    id,
    ticketId: f.ticketId,
    sourceActivityId: f.sourceActivityId,
    conversationKey,
    kind,
    body: body < 0 ? '' : f.bodies[body]!,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: f.at,
    lastError: '',
    createdAt: f.at,
    updatedAt: f.at,
  }));
}

/**
 * Writes the effects of committed writes (their `fanouts` records) into the outbox, one record
 * each, and deletes the fan-out records, in one transaction. It is opened before anything is
 * awaited: IndexedDB runs transactions on the same stores in the order they were opened, so every
 * read or write opened after this call finds the effects in the outbox. Called right after each
 * such write commits, and by the outbox before each run (a worker stopped in between leaves the
 * record). Resolves with the number of effects written.
 */
export function expandFanouts(s: StoreEngine): Promise<number> {
  const tx = s.db.transaction(['fanouts', 'outbox'], 'readwrite') as unknown as Tx<'readwrite'>;
  return expandIn(tx).then(async (n) => {
    await tx.done;
    return n;
  });
}

/** Moves pending fan-outs into the outbox inside the caller's transaction (which holds both stores). */
export async function expandIn(tx: Tx<'readwrite'>): Promise<number> {
  const pending = await tx.objectStore('fanouts').getAll();
  const outbox = unwrap(tx.objectStore('outbox'));
  const fanouts = unwrap(tx.objectStore('fanouts'));
  let n = 0;
  for (const f of pending) {
    for (const e of unpackFanout(f)) outbox.add(e);
    fanouts.delete(f.id);
    n += f.effects.length;
  }
  return n;
}

/** Effects of committed writes not yet expanded into the outbox (normally none), for readers that show them. */
export async function pendingEffects(tx: Tx<IDBTransactionMode>): Promise<OutboxRecord[]> {
  return (await tx.objectStore('fanouts').getAll()).flatMap(unpackFanout);
}

/** One effect as stored (undefined when unknown). */
export function getEffect(s: StoreEngine, id: string): Promise<OutboxRecord | undefined> {
  return s.db.get('outbox', id);
}

/** Every effect waiting to be delivered. */
export function queuedEffects(s: StoreEngine): Promise<OutboxRecord[]> {
  return s.db.getAllFromIndex('outbox', 'byStatus', 'queued');
}

/** The oldest effect still waiting in one conversation (effects go out in order there). */
export async function queuedHead(s: StoreEngine, conversationKey: string): Promise<OutboxRecord | undefined> {
  const queued = await s.db.getAllFromIndex('outbox', 'byConversationStatus', [conversationKey, 'queued']);
  return queued.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
}

/**
 * Claims a queued effect for one attempt, in its own transaction: counts the attempt and marks
 * it unsure until an outcome is recorded. Null when it is no longer queued.
 */
export async function claimEffect(s: StoreEngine, id: string, now: number): Promise<{ record: OutboxRecord; attemptId: string } | null> {
  const tx = s.db.transaction('outbox', 'readwrite');
  const e = await tx.store.get(id);
  if (!e || e.status !== 'queued') {
    await tx.done;
    return null;
  }
  const attemptId = uuidv7();
  // A left-over attempt id (worker stopped mid-attempt) that had sent its request: that
  // request's outcome is unknown, and it may still be applied.
  const interrupted = interruptedSendTime(e);
  const record: OutboxRecord = {
    ...e,
    unsureSince: e.unsureSince ?? interrupted,
    inFlightSentAt: interrupted ?? e.inFlightSentAt ?? null,
    attemptId,
    attemptStartedAt: now,
    attemptSentAt: null,
    attempts: e.attempts + 1,
    updatedAt: now,
  };
  await tx.store.put(record);
  await tx.done;
  return { record: { ...record }, attemptId };
}

/**
 * Records that the attempt is about to send its write, in its own transaction, so that a worker
 * stopped from here on leaves an attempt whose request may have landed. False when another
 * attempt holds the effect now (nothing may be sent then). Nothing visible changes: no event.
 */
export async function markSending(s: StoreEngine, id: string, attemptId: string, at: number): Promise<boolean> {
  const tx = s.db.transaction('outbox', 'readwrite');
  const e = await tx.store.get(id);
  const ours = !!e && e.attemptId === attemptId;
  if (ours) await tx.store.put({ ...e, attemptSentAt: at });
  await tx.done;
  return ours;
}

/**
 * Rewrites one effect (and optionally its conversation's live status) in one transaction. With
 * an attempt id, only if that attempt still holds the effect, so a late result never overwrites
 * a newer one. Returns what changed (null when nothing was written), for the caller to announce.
 */
export async function updateEffect(
  s: StoreEngine,
  id: string,
  attemptId: string | null,
  change: (e: OutboxRecord) => OutboxRecord,
  live: { key: string; status: ConversationStatus } | null,
  now: number,
): Promise<ChangeSet | null> {
  // In a team workspace, an effect's outcome is also shared with every browser: kept here until
  // the outbox's run ends, then gathered into one activity item per change (shareOutcomes).
  const sharing = s.isSharing();
  const tx = s.db.transaction(['outbox', 'conversations', ...(sharing ? (['outcomesToShare'] as const) : [])], 'readwrite') as Tx<'readwrite'>;
  // Writes are not awaited one by one: every wait inside this transaction keeps the outbox from
  // the next writer, and while the worker is busy each wait is a turn of its event loop.
  const e = await tx.objectStore('outbox').get(id);
  if (!e || (attemptId !== null && e.attemptId !== attemptId)) {
    await tx.done;
    return null;
  }
  const next = change(e);
  const outcomeToShare = sharing && e.status === 'queued' && next.status !== 'queued';
  const c = live || outcomeToShare ? await tx.objectStore('conversations').get(live?.key ?? e.conversationKey) : undefined;
  const writes: Promise<unknown>[] = [tx.objectStore('outbox').put(next)];
  let convChanged = false;
  let conversation: ConversationRecord | undefined;
  if (live && c) {
    conversation = { ...c, status: live.status, statusCheckedAt: now, closedSince: nextClosedSince(c, live.status, now) };
    writes.push(tx.objectStore('conversations').put(conversation));
    convChanged = c.status !== live.status;
  }
  if (outcomeToShare && next.status !== 'queued') {
    const conv = conversation ?? c;
    writes.push(
      tx.objectStore('outcomesToShare').put({
        effectId: e.id,
        ticketId: e.ticketId,
        sourceActivityId: e.sourceActivityId,
        conversationKey: e.conversationKey,
        label: conv?.title || (conv ? `${HELPDESK_NAMES[conv.helpdesk]} #${conv.conversationId}` : 'a conversation'),
        kind: e.kind,
        outcome: next.status,
        detail: next.lastError,
        at: now,
      }),
    );
  }
  await Promise.all(writes);
  await tx.done;
  // One effect's outcome: pages update that item (and the conversation's status) in place.
  return {
    ticketIds: [e.ticketId],
    conversationKeys: convChanged ? [e.conversationKey] : [],
    deltas: [{ ticketId: e.ticketId, effects: [next] }],
    ...(convChanged && conversation ? { conversations: [conversation] } : {}),
  };
}

/** How many effect outcomes wait to be shared (see shareOutcomes). */
export function outcomesToShare(s: StoreEngine): Promise<number> {
  return s.db.count('outcomesToShare');
}

/**
 * How many outcomes one 'deliveries' item holds at most, and how long its words may be: a shared
 * document stays far below the workspace's 300 KB limit (100 × about 1 KB at most).
 */
export const OUTCOMES_PER_ITEM = 100;
const OUTCOME_TEXT_MAX = 500;
const cut = (text: string) => (text.length > OUTCOME_TEXT_MAX ? `${text.slice(0, OUTCOME_TEXT_MAX - 1)}…` : text);

/**
 * Shares the effect outcomes recorded while joined (updateEffect): one 'deliveries' activity item
 * per change (and per 100 outcomes), written and queued for the workspace in one transaction
 * that also forgets them here. Called by the outbox when a run ends, and before a run starts
 * (outcomes a stopped worker left). Null when there was nothing to share or this browser has
 * left the workspace (then they are dropped: the outbox here still has every outcome).
 */
export async function shareOutcomes(s: StoreEngine, now: number): Promise<ChangeSet | null> {
  if (!s.isSharing()) {
    if (!(await outcomesToShare(s))) return null;
    await s.db.clear('outcomesToShare');
    return null;
  }
  // Who records them, read first: 'meta' in the transaction's scope would make every page
  // request's first read (who am I) wait for it.
  const me = (await getMeta(s, 'me')) ?? '';
  const tx = s.db.transaction(['outcomesToShare', 'activity', ...s.sharingStores()], 'readwrite') as Tx<'readwrite'>;
  const waiting = await tx.objectStore('outcomesToShare').getAll();
  if (!waiting.length) {
    await tx.done;
    return null;
  }
  const bySource = new Map<string, OutcomeToShare[]>();
  for (const o of waiting.sort((a, b) => a.at - b.at)) {
    const key = `${o.ticketId} ${o.sourceActivityId}`;
    const group = bySource.get(key);
    if (group) group.push(o);
    else bySource.set(key, [o]);
  }
  const items: ActivityRecord[] = [];
  for (const group of bySource.values()) {
    for (let i = 0; i < group.length; i += OUTCOMES_PER_ITEM) {
      const part = group.slice(i, i + OUTCOMES_PER_ITEM);
      items.push({
        id: uuidv7(),
        ticketId: part[0]!.ticketId,
        at: now,
        actorId: me,
        type: 'deliveries',
        sourceActivityId: part[0]!.sourceActivityId,
        outcomes: part.map(({ effectId, sourceActivityId, conversationKey, label, kind, outcome, detail }) => ({ effectId, sourceActivityId, conversationKey, label: cut(label), kind, outcome, detail: cut(detail) })),
      });
    }
  }
  const activity = s.capture(tx).objectStore('activity');
  await Promise.all([...items.map((a) => activity.add(a)), tx.objectStore('outcomesToShare').clear()]);
  await tx.done;
  const ticketIds = [...new Set(items.map((a) => a.ticketId))];
  // Each item is its ticket's newest activity now: the queue reads them again.
  s.summaries.forget({ ticketIds });
  return { ticketIds, conversationKeys: [], deltas: ticketIds.map((ticketId) => ({ ticketId, activity: items.filter((a) => a.ticketId === ticketId) })) };
}

const isClosed = (s: ConversationStatus) => s === 'resolved' || s === 'closed';

/**
 * A conversation's closedSince after a status check: the first check in an unbroken run that
 * found it resolved or closed. A run whose start Backline missed (record from before the field,
 * or an unknown status in between) starts at this check.
 */
export function nextClosedSince(c: Pick<ConversationRecord, 'status' | 'closedSince'>, status: ConversationStatus, now: number): number | null {
  if (status === 'unknown') return c.closedSince ?? null;
  if (!isClosed(status)) return null;
  return isClosed(c.status) && c.closedSince != null ? c.closedSince : now;
}

/** What the reopen rule knows about a linked conversation (unknown until Backline has seen it). */
export function knownConversation(key: string, c: ConversationRecord | undefined | null): KnownConversation {
  return { conversationKey: key, status: c?.status ?? 'unknown', closedSince: c?.closedSince ?? null };
}

/**
 * What a state change queues in each linked conversation: a note everywhere, and a reopen
 * where the rule (lib/model/spread.ts) says so. Tracker tickets pass the agent's choices.
 */
export function stateChangeChoices(input: {
  rules: ReopenRules;
  stateId: string;
  conversations: KnownConversation[];
  now: number;
  tracker?: PropagationChoice[];
}): PropagationChoice[] {
  const decide = (c: KnownConversation, trackerChoice?: boolean) =>
    reopenDecision({ rules: input.rules, stateId: input.stateId, conversation: c, now: input.now, trackerChoice }) === 'reopen';
  if (input.tracker) {
    const known = new Map(input.conversations.map((c) => [c.conversationKey, c]));
    return input.tracker
      .filter((p) => known.has(p.conversationKey))
      .map((p) => ({ conversationKey: p.conversationKey, note: p.note, reopen: decide(known.get(p.conversationKey)!, p.reopen) }));
  }
  return input.conversations.map((c) => ({ conversationKey: c.conversationKey, note: true, reopen: decide(c) }));
}

/**
 * Saves what the helpdesk said about a conversation (status, customer, subject). Empty values
 * never erase known ones. Returns the saved record and whether anything visible changed, so the
 * caller broadcasts only real changes (the preview re-reads on every change broadcast).
 */
export async function recordConversationSnapshot(
  s: StoreEngine,
  key: string,
  snap: Pick<ConversationRecord, 'status' | 'customerName' | 'customerEmail' | 'company' | 'title'> & {
    /** The messages read, when the helpdesk's conversation was read (they say when the customer last wrote). */
    messages?: readonly { kind: string; at: number }[];
  },
  now = Date.now(),
): Promise<{ conversation: ConversationRecord | null; changed: boolean }> {
  const tx = s.db.transaction('conversations', 'readwrite');
  const c = await tx.store.get(key);
  if (!c) {
    await tx.done;
    return { conversation: null, changed: false };
  }
  const next: ConversationRecord = {
    ...c,
    status: snap.status,
    statusCheckedAt: now,
    closedSince: nextClosedSince(c, snap.status, now),
    customerName: snap.customerName || c.customerName,
    customerEmail: snap.customerEmail || c.customerEmail,
    company: snap.company || c.company,
    title: snap.title || c.title,
  };
  if (snap.messages) {
    const replies = snap.messages.filter((m) => m.kind === 'incoming').map((m) => m.at);
    if (replies.length) next.lastCustomerReplyAt = Math.max(...replies);
  }
  const changed = (['status', 'customerName', 'customerEmail', 'company', 'title', 'lastCustomerReplyAt'] as const).some((f) => next[f] !== c[f]);
  await tx.store.put(next);
  await tx.done;
  return { conversation: next, changed };
}

/**
 * Puts a failed (or not sent) effect back in the queue, due `now`. Returns it as saved, or
 * null when the effect is unknown or not in a state that can be retried.
 */
export async function requeueEffect(s: StoreEngine, effectId: string, now: number): Promise<OutboxRecord | null> {
  const tx = s.db.transaction('outbox', 'readwrite');
  const e = await tx.store.get(effectId);
  if (!e || !isRetryable(e)) {
    await tx.done;
    return null;
  }
  // unsureSince and inFlightSentAt are kept: a note whose earlier attempt may have landed is
  // still looked for first, and not posted again while that attempt may still be applied.
  const next: OutboxRecord = { ...e, status: 'queued', attempts: 0, nextAttemptAt: now, lastError: '', attemptId: null, attemptStartedAt: null, updatedAt: now };
  await tx.store.put(next);
  await tx.done;
  return next;
}
