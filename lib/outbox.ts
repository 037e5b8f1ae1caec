/**
 * The propagation outbox processor: delivers queued effects (internal notes, reopens) to the
 * helpdesks, in order per conversation, with retries that survive the service worker stopping.
 *
 * Everything it knows lives in IndexedDB: an effect is claimed (attempt id, start time) in one
 * small transaction before its request and its outcome recorded in another after it, so a
 * worker stopped at any point leaves a record the next run can finish correctly.
 *
 * Exactly-once for notes: a note carries a marker derived from the effect id (see
 * ChatwootConnector.postInternalNote). When a previous attempt's outcome is unknown (the worker
 * died mid-request, a timeout, a 5xx), the next attempt first searches the conversation for that
 * marker and records the found note as delivered instead of posting again.
 */
import type { BacklineDatabase, ConnectionRecord, ConversationRecord, ConversationStatus, OutboxRecord } from './db';
import { ALREADY_OPEN, isRetryable } from './effects';
import { HELPDESK_NAMES } from './hosts';
import { uuidv7 } from './ids';
import {
  connectorFor,
  findConnection,
  formatDelay,
  isConnectorError,
  isSupportedHelpdesk,
  type Connector,
  type ConversationSnapshot,
  type FetchLike,
} from './connectors';
import type { ChangeSet, Store } from './store';

export interface BackoffPolicy {
  /** First retry delay; doubles each attempt. */
  baseMs: number;
  capMs: number;
  /** Transient failures after this many attempts mark the effect failed (with a Retry button). */
  maxAttempts: number;
}
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2000, capMs: 10 * 60 * 1000, maxAttempts: 12 };
/** A Retry-After longer than this is not believed. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

export interface OutboxDeps {
  store: Store;
  /** The helpdesk connections (tokens included); read once per run. */
  connections(): Promise<ConnectionRecord[]>;
  fetch?: FetchLike;
  now?: () => number;
  /** 0..1, for jitter; injectable so tests are deterministic. */
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** Per-request timeout; also how long an interrupted attempt is given to settle. */
  timeoutMs?: number;
  /** Told what changed after every recorded outcome (the background broadcasts it). */
  onChange?(changes: ChangeSet): void;
  /** How many conversations are worked on at once. */
  concurrency?: number;
}

export interface OutboxRun {
  delivered: number;
  failed: number;
  skipped: number;
  /** Transient failures that will be retried. */
  retrying: number;
  /** When the earliest remaining queued effect is due (epoch ms), or null when none remain. */
  nextWakeAt: number | null;
}

type Outcome =
  | { status: 'delivered'; detail: string; remoteId?: string; unsure: null }
  | { status: 'skipped'; detail: string; unsure: number | null }
  | { status: 'failed'; detail: string; unsure: number | null }
  | { status: 'queued'; detail: string; retryAt: number; unsure: number | null };

/** Short, stable key embedded in a note so it can be found again: 12 hex digits of the effect id. */
export function idempotencyKey(effectId: string): string {
  return effectId.replace(/-/g, '').slice(-12);
}

/** Delay before the next attempt after `attempts` failures (1-based), with ±20 % jitter. */
export function backoffDelay(attempts: number, policy: BackoffPolicy, random: () => number, retryAfterMs?: number | null): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exp * (0.8 + 0.4 * random()));
  const asked = retryAfterMs ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
  return Math.max(jittered, asked);
}

/**
 * Delivers every due queued effect. Conversations are worked on side by side; within one
 * conversation an effect waits until every earlier one is delivered, failed or skipped.
 */
export async function processOutbox(deps: OutboxDeps): Promise<OutboxRun> {
  const now = deps.now ?? Date.now;
  const db = deps.store.db;
  const run: OutboxRun = { delivered: 0, failed: 0, skipped: 0, retrying: 0, nextWakeAt: null };
  const queued = await db.getAllFromIndex('outbox', 'byStatus', 'queued');
  if (!queued.length) return run;
  const connections = await deps.connections();
  const keys = [...new Set(queued.map((e) => e.conversationKey))];
  // A small pool: one slow helpdesk must not hold up the others, nor may a long queue open
  // dozens of connections at once.
  let next = 0;
  const worker = async () => {
    while (next < keys.length) await processConversation(deps, keys[next++]!, connections, run);
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, keys.length) }, worker));

  const left = await db.getAllFromIndex('outbox', 'byStatus', 'queued');
  // A conversation's next effect is due when its head is; later ones only wait for it.
  const heads = new Map<string, OutboxRecord>();
  for (const e of left.sort(byId)) if (!heads.has(e.conversationKey)) heads.set(e.conversationKey, e);
  for (const e of heads.values()) {
    const at = Math.max(e.nextAttemptAt, now());
    run.nextWakeAt = run.nextWakeAt === null ? at : Math.min(run.nextWakeAt, at);
  }
  return run;
}

const byId = (a: OutboxRecord, b: OutboxRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function processConversation(deps: OutboxDeps, key: string, connections: ConnectionRecord[], run: OutboxRun): Promise<void> {
  const now = deps.now ?? Date.now;
  const db = deps.store.db;
  // Bounded so a bug can never spin: one conversation rarely has more than a handful queued.
  for (let guard = 0; guard < 1000; guard++) {
    const head = (await db.getAllFromIndex('outbox', 'byConversation', key)).filter((e) => e.status === 'queued').sort(byId)[0];
    if (!head || head.nextAttemptAt > now()) return;
    const conversation = await db.get('conversations', key);
    const outcome = await attempt(deps, head, conversation ?? null, connections);
    if (!outcome) return; // another run holds it, or it is still settling
    run[outcome.status === 'queued' ? 'retrying' : outcome.status]++;
    if (outcome.status === 'queued') return;
  }
}

/** One attempt at one effect: claim, deliver, record. Returns null when it was not attempted. */
async function attempt(
  deps: OutboxDeps,
  effect: OutboxRecord,
  conversation: ConversationRecord | null,
  connections: ConnectionRecord[],
): Promise<Outcome | null> {
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const policy = { ...DEFAULT_BACKOFF, ...deps.backoff };

  // An attempt id left behind means the worker stopped mid-attempt. Its request may still be
  // on its way to the helpdesk, so give it time to land (or time out) before looking for it.
  if (effect.attemptId && effect.attemptStartedAt && now() < effect.attemptStartedAt + timeoutMs) {
    await update(deps, effect.id, null, (e) => ({ ...e, nextAttemptAt: (e.attemptStartedAt ?? now()) + timeoutMs }));
    return null;
  }

  const claim = await claimEffect(deps.store.db, effect.id, now());
  if (!claim) return null;
  const { record, attemptId } = claim;
  const unsureBefore = record.unsureSince ?? null;

  let outcome: Outcome;
  let live: { status: ConversationStatus } | null = null;
  // Not sent now; an earlier attempt that may have landed stays marked, so a retry looks first.
  const skip = (detail: string): Outcome => ({ status: 'skipped', detail, unsure: unsureBefore });
  try {
    if (!conversation) {
      outcome = skip('Backline no longer knows this conversation, so the helpdesk was not updated.');
    } else if (!isSupportedHelpdesk(conversation.helpdesk)) {
      outcome = skip(`Backline cannot update ${HELPDESK_NAMES[conversation.helpdesk]} through its API yet, so the helpdesk was not updated.`);
    } else {
      const conn = findConnection(conversation, connections);
      if (!conn) {
        const name = HELPDESK_NAMES[conversation.helpdesk];
        outcome = skip(
          `No ${name} connection for ${conversation.origin}${conversation.account ? ` account ${conversation.account}` : ''}, so the helpdesk was not updated. An admin can add one on the options page.`,
        );
      } else {
        const connector = connectorFor(conn, deps.fetch, { timeoutMs });
        const result = await deliver(connector, record, conversation, unsureBefore);
        outcome = result.outcome;
        live = result.live;
      }
    }
  } catch (e) {
    outcome = failureOutcome(e, record, unsureBefore, policy, deps.random ?? Math.random, now(), timeoutMs);
  }

  await update(deps, effect.id, attemptId, (e) => finish(e, outcome, now()), live && conversation ? { key: conversation.key, status: live.status } : null);
  return outcome;
}

async function deliver(
  connector: Connector,
  effect: OutboxRecord,
  conversation: ConversationRecord,
  unsureBefore: number | null,
): Promise<{ outcome: Outcome; live: { status: ConversationStatus } | null }> {
  const id = conversation.conversationId;
  if (effect.kind === 'note') {
    const key = idempotencyKey(effect.id);
    if (unsureBefore !== null) {
      const found = await connector.findNote(id, key, { since: unsureBefore });
      if (found) {
        return { outcome: { status: 'delivered', detail: '', remoteId: found.messageId, unsure: null }, live: null };
      }
    }
    const posted = await connector.postInternalNote(id, effect.body, { idempotencyKey: key });
    return { outcome: { status: 'delivered', detail: '', remoteId: posted.messageId, unsure: null }, live: null };
  }

  // Reopen: only conversations that are not open already. The live status decides, not the
  // (possibly stale) one Backline last saw.
  const current = await connector.readStatus(id);
  if (current.status === 'open') {
    // If an earlier attempt of ours may have done it, it counts as delivered.
    const outcome: Outcome =
      unsureBefore !== null ? { status: 'delivered', detail: '', unsure: null } : { status: 'skipped', detail: ALREADY_OPEN, unsure: null };
    return { outcome, live: current };
  }
  const after = await connector.reopen(id);
  const was = current.status === 'snoozed' ? 'Unsnoozed' : `Reopened (was ${current.status})`;
  return { outcome: { status: 'delivered', detail: was, unsure: null }, live: after.status === 'unknown' ? { status: 'open' } : after };
}

function failureOutcome(
  e: unknown,
  effect: OutboxRecord,
  unsureBefore: number | null,
  policy: BackoffPolicy,
  random: () => number,
  now: number,
  timeoutMs: number,
): Outcome {
  const unsure = isConnectorError(e) && e.outcomeUnknown ? (unsureBefore ?? effect.attemptStartedAt ?? now) : unsureBefore;
  if (isConnectorError(e) && e.permanent) return { status: 'failed', detail: e.message, unsure };
  const message = isConnectorError(e) ? e.message : `Something went wrong inside Backline: ${e instanceof Error ? e.message : String(e)}`;
  if (effect.attempts >= policy.maxAttempts) {
    return { status: 'failed', detail: `Gave up after ${effect.attempts} attempts. ${message}`, unsure };
  }
  let delay = backoffDelay(effect.attempts, policy, random, isConnectorError(e) ? e.retryAfterMs : null);
  // A request that timed out or lost its connection may still be in the helpdesk's hands; the
  // search for it waits until it has had a full timeout to land.
  if (isConnectorError(e) && e.outcomeUnknown && (e.kind === 'timeout' || e.kind === 'unreachable')) {
    delay = Math.max(delay, (effect.attemptStartedAt ?? now) + timeoutMs - now);
  }
  return { status: 'queued', detail: `${message} Retrying in ${formatDelay(delay)} (attempt ${effect.attempts} of ${policy.maxAttempts}).`, retryAt: now + delay, unsure };
}

function finish(e: OutboxRecord, o: Outcome, now: number): OutboxRecord {
  const next: OutboxRecord = {
    ...e,
    status: o.status,
    lastError: o.detail,
    attemptId: null,
    attemptStartedAt: null,
    unsureSince: o.unsure,
    updatedAt: now,
  };
  if (o.status === 'queued') next.nextAttemptAt = o.retryAt;
  else next.finishedAt = now;
  if (o.status === 'delivered' && o.remoteId) next.remoteId = o.remoteId;
  return next;
}

/**
 * Claims a queued effect for one attempt, in its own transaction: counts the attempt and marks
 * it unsure until an outcome is recorded. Null when it is no longer queued.
 */
async function claimEffect(db: BacklineDatabase, id: string, now: number): Promise<{ record: OutboxRecord; attemptId: string } | null> {
  const tx = db.transaction('outbox', 'readwrite');
  const e = await tx.store.get(id);
  if (!e || e.status !== 'queued') {
    await tx.done;
    return null;
  }
  const attemptId = uuidv7();
  // A left-over attempt id (worker stopped mid-attempt) makes that attempt's outcome unknown.
  const unsureSince = e.unsureSince ?? (e.attemptId ? (e.attemptStartedAt ?? now) : null);
  const record: OutboxRecord = { ...e, unsureSince, attemptId, attemptStartedAt: now, attempts: e.attempts + 1, updatedAt: now };
  await tx.store.put(record);
  await tx.done;
  return { record: { ...record }, attemptId };
}

/**
 * Rewrites one effect (and optionally its conversation's live status) in one transaction. With
 * an attempt id, only if that attempt still holds the effect, so a late result never overwrites
 * a newer one.
 */
async function update(
  deps: OutboxDeps,
  id: string,
  attemptId: string | null,
  change: (e: OutboxRecord) => OutboxRecord,
  live: { key: string; status: ConversationStatus } | null = null,
): Promise<void> {
  const db = deps.store.db;
  const now = deps.now ?? Date.now;
  const tx = db.transaction(['outbox', 'conversations'], 'readwrite');
  const e = await tx.objectStore('outbox').get(id);
  let changed = false;
  let convChanged = false;
  if (e && (attemptId === null || e.attemptId === attemptId)) {
    await tx.objectStore('outbox').put(change(e));
    changed = true;
    const c = live ? await tx.objectStore('conversations').get(live.key) : undefined;
    if (live && c) {
      await tx.objectStore('conversations').put({ ...c, status: live.status, statusCheckedAt: now() });
      convChanged = c.status !== live.status;
    }
  }
  await tx.done;
  if (changed && e) {
    deps.onChange?.({ ticketIds: [e.ticketId], conversationKeys: convChanged ? [e.conversationKey] : [] });
  }
}

/**
 * Saves what the helpdesk said about a conversation (status, customer, subject). Empty values
 * never erase known ones. Returns the saved record and whether anything visible changed, so the
 * caller broadcasts only real changes (the preview re-reads on every change broadcast).
 */
export async function recordConversationSnapshot(
  db: BacklineDatabase,
  key: string,
  snap: Pick<ConversationSnapshot, 'status' | 'customerName' | 'customerEmail' | 'company' | 'title'>,
  now = Date.now(),
): Promise<{ conversation: ConversationRecord | null; changed: boolean }> {
  const tx = db.transaction('conversations', 'readwrite');
  const c = await tx.store.get(key);
  if (!c) {
    await tx.done;
    return { conversation: null, changed: false };
  }
  const next: ConversationRecord = {
    ...c,
    status: snap.status,
    statusCheckedAt: now,
    customerName: snap.customerName || c.customerName,
    customerEmail: snap.customerEmail || c.customerEmail,
    company: snap.company || c.company,
    title: snap.title || c.title,
  };
  const changed = (['status', 'customerName', 'customerEmail', 'company', 'title'] as const).some((f) => next[f] !== c[f]);
  await tx.store.put(next);
  await tx.done;
  return { conversation: next, changed };
}

/**
 * Puts a failed (or not sent) effect back in the queue, due now. Returns false when the effect
 * is unknown or not in a state that can be retried.
 */
export async function retryEffect(deps: Pick<OutboxDeps, 'store' | 'now' | 'onChange'>, effectId: string): Promise<boolean> {
  const now = (deps.now ?? Date.now)();
  const tx = deps.store.db.transaction('outbox', 'readwrite');
  const e = await tx.store.get(effectId);
  if (!e || !isRetryable(e)) {
    await tx.done;
    return false;
  }
  // unsureSince is kept: a note whose earlier attempt may have landed is still looked for first.
  await tx.store.put({ ...e, status: 'queued', attempts: 0, nextAttemptAt: now, lastError: '', attemptId: null, attemptStartedAt: null, updatedAt: now });
  await tx.done;
  deps.onChange?.({ ticketIds: [e.ticketId], conversationKeys: [] });
  return true;
}

/**
 * Runs `run` one at a time: a kick during a run makes it run once more afterwards instead of
 * running twice at once. `schedule` is told when the next run is due (null: nothing queued).
 */
export function createOutboxRunner(run: () => Promise<OutboxRun>, schedule: (at: number | null) => void, onError: (e: unknown) => void = console.error) {
  let running: Promise<void> | null = null;
  let again = false;
  return function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          let result: OutboxRun;
          try {
            result = await run();
          } catch (e) {
            onError(e);
            // Something outside a single effect broke (e.g. the database); try again later.
            schedule(Date.now() + 30_000);
            return;
          }
          schedule(result.nextWakeAt);
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
