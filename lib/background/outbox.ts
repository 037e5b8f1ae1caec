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
 * marker and records the found note as delivered instead of posting again. When that request
 * may still be applied late (no answer came back), a search that finds nothing does not post
 * again until NOTE_SETTLE_MS after it was sent: it looks again later. A request that provably
 * never left (connection refused, DNS failure, browser offline) leaves nothing to wait for.
 */
import type { ConnectionRecord, ConversationRecord, OutboxRecord, RecordedStatus } from '../model/records';
import type { ConversationStatus } from '../model/helpdesk';
import { ALREADY_OPEN, CANCELLED_BY_UNDO, NOTHING_TO_UNDO } from '../model/activity';
import { CONVERSATION_STATUS_LABELS } from '../model/helpdesk';
import { isBacklineError } from '../model/errors';
import { HELPDESK_NAMES } from '../helpdesks';
import {
  connectorFor,
  findConnection,
  formatDelay,
  isConnectorError,
  type Connector,
  type FetchLike,
} from '../connectors';
import type { ChangeSet } from '../model/views';
import { claimEffect, getEffect, markSending, outcomesToShare, queuedEffects, queuedHead, requeueEffect, shareOutcomes, updateEffect } from '../store/propagation';
import type { Store } from '../store';

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

/**
 * How long a note request that may still be applied late (no answer came back: a timeout, a
 * dropped connection, a worker stopped mid-request) is given to show up in the conversation
 * before the note is posted again. Until then, a search that does not find it schedules another
 * search instead of posting.
 *
 * Three minutes: longer than any stage in front of a helpdesk keeps a request waiting before it
 * gives up (Cloudflare 100 s, load balancers and nginx 60 s by default, Heroku 30 s) and than a
 * request's own time in Chatwoot, which writes the message while answering the request; and short
 * enough that an agent still sees the note arrive within minutes when the first request was lost.
 * A note applied later than this after it was sent can be posted twice (README, "Limits").
 */
export const NOTE_SETTLE_MS = 3 * 60 * 1000;
/** The shortest pause between two searches for a note that may still be applied. */
const MIN_SETTLE_SEARCH_MS = 5_000;

export interface OutboxDeps {
  store: Store;
  /** Resolves when background work may go on (pages' requests first: ./foreground.ts). */
  yieldTo?(): Promise<void>;
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

/** What is known to be uncertain about an effect's earlier requests (null: nothing). */
type Doubt = {
  /** The earliest request whose outcome is unknown: the note search looks back to it. */
  since: number;
  /** The latest request that may still be applied late, or null when every such one answered. */
  inFlightSentAt: number | null;
} | null;

type Outcome =
  | { status: 'delivered'; detail: string; remoteId?: string; doubt: null; reopened?: OutboxRecord['reopened'] }
  | { status: 'skipped'; detail: string; doubt: Doubt }
  | { status: 'failed'; detail: string; doubt: Doubt }
  /** `waiting`: a search for a note that may still be applied, or a rate limit; not counted as an attempt. */
  | { status: 'queued'; detail: string; retryAt: number; doubt: Doubt; waiting?: boolean };

/** Thrown when another run took the effect over before this one sent anything. */
class Superseded extends Error {}

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
  const run: OutboxRun = { delivered: 0, failed: 0, skipped: 0, retrying: 0, nextWakeAt: null };
  // Effects a write queued whose fan-out did not happen (the worker stopped right after the
  // write committed, or the fan-out failed) are written into the outbox first.
  await deps.store.expandFanouts();
  // Outcomes a stopped worker recorded and did not share yet (a team workspace only).
  await share(deps);
  const queued = await queuedEffects(deps.store);
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
  await share(deps);

  const left = await queuedEffects(deps.store);
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
  // Bounded so a bug can never spin: one conversation rarely has more than a handful queued.
  for (let guard = 0; guard < 1000; guard++) {
    await deps.yieldTo?.();
    const head = await queuedHead(deps.store, key);
    if (!head || head.nextAttemptAt > now()) return;
    const conversation = await deps.store.getConversation(key);
    const outcome = await attempt(deps, head, conversation ?? null, connections);
    if (!outcome) return; // another run holds it, or it is still settling
    run[outcome.status === 'queued' ? 'retrying' : outcome.status]++;
    if (outcome.status === 'queued') return;
    // A long run shares what it has so far: the other browsers need not wait for its end.
    if ((run.delivered + run.failed + run.skipped) % SHARE_EVERY === 0) await share(deps);
  }
}

/** A run shares its outcomes when it ends, and after every this many. */
export const SHARE_EVERY = 100;

/**
 * In a team workspace, shares the outcomes recorded so far, one activity item per change
 * (lib/store/propagation.ts, shareOutcomes), and tells the pages.
 */
async function share(deps: OutboxDeps): Promise<void> {
  // Most runs have none to share: a read, and no wait for the pages.
  if (!(await outcomesToShare(deps.store))) return;
  await deps.yieldTo?.();
  const changes = await shareOutcomes(deps.store, (deps.now ?? Date.now)());
  if (changes) deps.onChange?.(changes);
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

  const claim = await claimEffect(deps.store, effect.id, now());
  if (!claim) return null;
  const { record, attemptId } = claim;
  const doubtBefore: Doubt =
    record.unsureSince !== null && record.unsureSince !== undefined ? { since: record.unsureSince, inFlightSentAt: record.inFlightSentAt ?? null } : null;

  // Set just before the write request goes out (and recorded, so that a worker stopped after
  // this point leaves an attempt whose request may have landed).
  let sentAt: number | null = null;
  const markSent = async () => {
    const at = now();
    if (!(await markSending(deps.store, effect.id, attemptId, at))) throw new Superseded();
    sentAt = at;
  };

  let outcome: Outcome;
  let live: { status: ConversationStatus } | null = null;
  // Not sent now; an earlier attempt that may have landed stays marked, so a retry looks first.
  const skip = (detail: string): Outcome => ({ status: 'skipped', detail, doubt: doubtBefore });
  try {
    if (!conversation) {
      outcome = skip('Backline no longer knows this conversation, so the helpdesk was not updated.');
    } else {
      const conn = findConnection(conversation, connections);
      if (!conn) {
        const name = HELPDESK_NAMES[conversation.helpdesk];
        outcome = skip(
          `No ${name} connection for ${conversation.origin}${conversation.account ? ` account ${conversation.account}` : ''}, so the helpdesk was not updated. An admin can add one on the options page.`,
        );
      } else {
        const connector = connectorFor(conn, deps.fetch, { timeoutMs });
        const corrected = record.corrects ? ((await getEffect(deps.store, record.corrects)) ?? null) : undefined;
        const result = await deliver(connector, record, conversation, doubtBefore, markSent, now, corrected);
        outcome = result.outcome;
        live = result.live;
      }
    }
  } catch (e) {
    if (e instanceof Superseded) return null;
    outcome = failureOutcome(e, record, doubtBefore, sentAt, policy, deps.random ?? Math.random, now(), timeoutMs);
  }

  // The outcome's transaction is the attempt's widest: a page's request in progress goes first.
  await deps.yieldTo?.();
  await update(deps, effect.id, attemptId, (e) => finish(e, outcome, now()), live && conversation ? { key: conversation.key, status: live.status } : null);
  return outcome;
}

async function deliver(
  connector: Connector,
  effect: OutboxRecord,
  conversation: ConversationRecord,
  doubt: Doubt,
  markSent: () => Promise<void>,
  now: () => number,
  /** For a correction (Undo): the effect it takes back, null when that one is gone. */
  corrected?: OutboxRecord | null,
): Promise<{ outcome: Outcome; live: { status: ConversationStatus } | null }> {
  const id = conversation.conversationId;
  // A correction of an update that never reached the helpdesk has nothing to take back.
  if (corrected !== undefined && corrected?.status !== 'delivered') {
    return { outcome: { status: 'skipped', detail: NOTHING_TO_UNDO, doubt: null }, live: null };
  }
  if (effect.undoneBy) {
    // Undone while an attempt was in flight, and that attempt never finished (the worker
    // stopped): nothing is sent now. A note it may have posted is looked for, so that the
    // correction queued behind it follows when it did land.
    if (effect.kind === 'note' && doubt) {
      const found = await connector.findNote(id, idempotencyKey(effect.id), { since: doubt.since });
      if (found) return { outcome: { status: 'delivered', detail: '', remoteId: found.messageId, doubt: null }, live: null };
    }
    return { outcome: { status: 'skipped', detail: CANCELLED_BY_UNDO, doubt: null }, live: null };
  }
  if (effect.kind === 'restore') return restore(connector, id, corrected?.reopened, doubt, markSent);
  if (effect.kind === 'note') {
    const key = idempotencyKey(effect.id);
    if (doubt) {
      const found = await connector.findNote(id, key, { since: doubt.since });
      if (found) {
        return { outcome: { status: 'delivered', detail: '', remoteId: found.messageId, doubt: null }, live: null };
      }
      // Not there yet, but a request that may still be applied is younger than the settle
      // window: posting now could make a second copy. Look again later instead.
      const settledAt = doubt.inFlightSentAt === null ? null : doubt.inFlightSentAt + NOTE_SETTLE_MS;
      if (settledAt !== null && now() < settledAt) {
        return { outcome: waitForNote(connector, doubt, settledAt, now()), live: null };
      }
    }
    await markSent();
    const posted = await connector.postInternalNote(id, effect.body, { idempotencyKey: key });
    return { outcome: { status: 'delivered', detail: '', remoteId: posted.messageId, doubt: null }, live: null };
  }

  // Reopen: only conversations that are not open already. The live status decides, not the
  // (possibly stale) one Backline last saw.
  const current = await connector.readStatus(id);
  if (current.status === 'open') {
    // If an earlier attempt of ours may have done it, it counts as delivered.
    const outcome: Outcome =
      doubt !== null ? { status: 'delivered', detail: '', doubt: null } : { status: 'skipped', detail: ALREADY_OPEN, doubt: null };
    return { outcome, live: current };
  }
  await markSent();
  const after = await connector.reopen(id);
  const was = current.status === 'snoozed' ? 'Unsnoozed' : `Reopened (was ${current.status})`;
  const left: StatusSnapshotLike = after.status === 'unknown' ? { status: 'open' } : after;
  // What Undo needs to put it back, and to tell whether the front line changed it since.
  const reopened = { before: { status: current.status, snoozedUntil: current.snoozedUntil }, after: left.status };
  return { outcome: { status: 'delivered', detail: was, doubt: null, reopened }, live: left };
}

type StatusSnapshotLike = { status: ConversationStatus };

/**
 * Undo of a reopen: sets the conversation back to the status the reopen found, but only while it
 * is still in the status Backline left it in (live status, read now); a conversation the front
 * line changed since is left alone.
 */
async function restore(
  connector: Connector,
  id: string,
  reopened: OutboxRecord['reopened'],
  doubt: Doubt,
  markSent: () => Promise<void>,
): Promise<{ outcome: Outcome; live: { status: ConversationStatus } | null }> {
  const name = HELPDESK_NAMES[connector.helpdesk];
  if (!reopened) {
    return { outcome: { status: 'skipped', detail: 'Left as it is: Backline has no record of the status the reopen found.', doubt: null }, live: null };
  }
  if (!connector.restoreStatus) {
    return {
      outcome: { status: 'skipped', detail: `Backline cannot set a ${name} conversation’s status back, so the status was left as it is there.`, doubt: null },
      live: null,
    };
  }
  const current = await connector.readStatus(id);
  // An earlier attempt of ours that may have landed counts as done.
  if (doubt && sameStatus(current, reopened.before)) return { outcome: { status: 'delivered', detail: backTo(reopened.before), doubt: null }, live: current };
  if (current.status !== reopened.after) {
    const now = CONVERSATION_STATUS_LABELS[current.status].toLowerCase();
    return {
      outcome: { status: 'skipped', detail: `Left as it is: the conversation was changed in ${name} since Backline reopened it (now ${now}).`, doubt: null },
      live: current,
    };
  }
  await markSent();
  const after = await connector.restoreStatus(id, reopened.before);
  return { outcome: { status: 'delivered', detail: backTo(reopened.before), doubt: null }, live: after.status === 'unknown' ? { status: reopened.before.status } : after };
}

function sameStatus(a: RecordedStatus, b: RecordedStatus): boolean {
  return a.status === b.status && (a.status !== 'snoozed' || a.snoozedUntil === b.snoozedUntil);
}

function backTo(s: RecordedStatus): string {
  const label = CONVERSATION_STATUS_LABELS[s.status].toLowerCase();
  return s.status === 'snoozed' && s.snoozedUntil !== null ? `Back to ${label} until ${new Date(s.snoozedUntil).toISOString().slice(0, 16).replace('T', ' ')} UTC` : `Back to ${label}`;
}

/**
 * The next search for a note whose request may still be applied: after half the time it has
 * been on its way (at least MIN_SETTLE_SEARCH_MS), and never later than the end of the window,
 * when the note is posted again if it is still not there.
 */
function waitForNote(connector: Connector, doubt: NonNullable<Doubt>, settledAt: number, now: number): Outcome {
  const sentAt = doubt.inFlightSentAt ?? now;
  const delay = Math.min(Math.max(MIN_SETTLE_SEARCH_MS, Math.round((now - sentAt) / 2)), settledAt - now);
  const name = HELPDESK_NAMES[connector.helpdesk];
  return {
    status: 'queued',
    waiting: true,
    detail:
      `${name} does not show this note yet, and the request sent ${formatDelay(now - sentAt)} ago may still be applied. ` +
      `Looking again in ${formatDelay(delay)}; it is posted again only if it has not appeared ${formatDelay(NOTE_SETTLE_MS)} after it was sent.`,
    retryAt: now + delay,
    doubt,
  };
}

function failureOutcome(
  e: unknown,
  effect: OutboxRecord,
  doubtBefore: Doubt,
  sentAt: number | null,
  policy: BackoffPolicy,
  random: () => number,
  now: number,
  timeoutMs: number,
): Outcome {
  // Only a write that went out can have been applied; an unexpected error after sending is
  // taken as the worst case.
  const unknown = sentAt !== null && (!isConnectorError(e) || e.outcomeUnknown);
  const later = sentAt !== null && (!isConnectorError(e) || e.mayApplyLater);
  const doubt: Doubt =
    unknown && sentAt !== null
      ? { since: doubtBefore?.since ?? sentAt, inFlightSentAt: later ? sentAt : (doubtBefore?.inFlightSentAt ?? null) }
      : doubtBefore;
  if (isConnectorError(e) && e.permanent) return { status: 'failed', detail: e.message, doubt };
  const message = isConnectorError(e) ? e.message : `Something went wrong inside Backline: ${e instanceof Error ? e.message : String(e)}`;
  // A rate limit is the helpdesk saying "later", not a failure: it does not use up an attempt,
  // so a burst of linked conversations (or a plan's low limit) never turns into a failed
  // delivery. It waits as long as the helpdesk asked (Retry-After), at least the usual backoff.
  if (isConnectorError(e) && e.kind === 'rate_limited') {
    // Without a Retry-After, half a minute: rate-limit windows are a minute long.
    const delay = Math.max(backoffDelay(effect.attempts, policy, random), Math.min(e.retryAfterMs ?? 30_000, MAX_RETRY_AFTER_MS));
    return { status: 'queued', waiting: true, detail: `${message} Trying again in ${formatDelay(delay)}.`, retryAt: now + delay, doubt };
  }
  if (effect.attempts >= policy.maxAttempts) {
    return { status: 'failed', detail: `Gave up after ${effect.attempts} attempts. ${message}`, doubt };
  }
  let delay = backoffDelay(effect.attempts, policy, random, isConnectorError(e) ? e.retryAfterMs : null);
  // A request that timed out or lost its connection may still be in the helpdesk's hands; the
  // search for it waits until it has had a full timeout to land.
  if (later && sentAt !== null) {
    delay = Math.max(delay, sentAt + timeoutMs - now);
  }
  return { status: 'queued', detail: `${message} Retrying in ${formatDelay(delay)} (attempt ${effect.attempts} of ${policy.maxAttempts}).`, retryAt: now + delay, doubt };
}

function finish(e: OutboxRecord, o: Outcome, now: number): OutboxRecord {
  // Undone while this attempt was in flight: if it did not deliver, it is never tried again.
  if (e.undoneBy && (o.status === 'queued' || o.status === 'failed')) o = { status: 'skipped', detail: CANCELLED_BY_UNDO, doubt: o.doubt };
  const next: OutboxRecord = {
    ...e,
    status: o.status,
    lastError: o.detail,
    attemptId: null,
    attemptStartedAt: null,
    attemptSentAt: null,
    unsureSince: o.doubt?.since ?? null,
    inFlightSentAt: o.doubt?.inFlightSentAt ?? null,
    updatedAt: now,
  };
  // A search that only waited for an earlier request is not an attempt at delivering.
  if (o.status === 'queued' && o.waiting) next.attempts = Math.max(0, e.attempts - 1);
  if (o.status === 'queued') next.nextAttemptAt = o.retryAt;
  else next.finishedAt = now;
  if (o.status === 'delivered' && o.remoteId) next.remoteId = o.remoteId;
  if (o.status === 'delivered' && o.reopened) next.reopened = o.reopened;
  return next;
}

/** Records one effect's change (see updateEffect) and tells open pages what it touched. */
async function update(
  deps: OutboxDeps,
  id: string,
  attemptId: string | null,
  change: (e: OutboxRecord) => OutboxRecord,
  live: { key: string; status: ConversationStatus } | null = null,
): Promise<void> {
  const changes = await updateEffect(deps.store, id, attemptId, change, live, (deps.now ?? Date.now)());
  if (changes) deps.onChange?.(changes);
}

/**
 * Puts a failed (or not sent) effect back in the queue, due now. Returns false when the effect
 * is unknown or not in a state that can be retried.
 */
export async function retryEffect(deps: Pick<OutboxDeps, 'store' | 'now' | 'onChange'>, effectId: string): Promise<boolean> {
  const effect = await requeueEffect(deps.store, effectId, (deps.now ?? Date.now)());
  if (effect === null) return false;
  deps.onChange?.({ ticketIds: [effect.ticketId], conversationKeys: [], deltas: [{ ticketId: effect.ticketId, effects: [effect] }] });
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
            // Data from a newer Backline stays so until Backline is updated, which restarts the
            // worker and so the outbox: no point waking up for it every 30 s meanwhile.
            if (isBacklineError(e) && e.code === 'newer_data') {
              schedule(null);
              return;
            }
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
