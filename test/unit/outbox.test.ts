/**
 * The propagation outbox over a real IndexedDB (fake-indexeddb) and the real sandbox helpdesk
 * over HTTP. Time is injected so backoff is tested without sleeping.
 */
import { describe, expect, it, vi } from 'vitest';
import { noteMarker, type FetchLike } from '../../lib/connectors';
import { BacklineError } from '../../lib/model/errors';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { uuidv7 } from '../../lib/model/ids';
import { createHelpdeskServices } from '../../lib/background/helpdesk';
import type { BackgroundEvent } from '../../lib/protocol';
import { backoffDelay, createOutboxRunner, DEFAULT_BACKOFF, idempotencyKey, NOTE_SETTLE_MS, processOutbox, retryEffect, type OutboxDeps, type OutboxRun } from '../../lib/background/outbox';
import { SANDBOX_TOKEN } from '../sandbox/server.mjs';
import { useSandbox } from './sandbox-fixture';
import { ME, outboxFixture } from './outbox-fixture';
import { effectRecord, outcomesToShare, packFanout, unpackFanout, updateEffect } from '../../lib/store/propagation';

const sandbox = useSandbox();

const { conv, setup, ticketLinkedTo, moveTo, effects, sbConv, stoppedBeforeFanout } = outboxFixture(sandbox, 'manual');
const notesWith = (id: number, marker: string) => sbConv(id).messages.filter((m) => m.private && m.content.includes(marker));
const apiRequests = (pathPart: string, method = 'POST') => sandbox.state.requests.filter((r) => r.method === method && r.path.includes(pathPart));

/** Runs the processor, advancing the clock to each wake-up, until nothing is left queued. */
async function drain(deps: () => OutboxDeps, advance: (ms: number) => number, now: () => number, maxRuns = 20): Promise<OutboxRun[]> {
  const runs: OutboxRun[] = [];
  for (let i = 0; i < maxRuns; i++) {
    const r = await processOutbox(deps());
    runs.push(r);
    if (r.nextWakeAt === null) return runs;
    advance(Math.max(0, r.nextWakeAt - now()));
  }
  throw new Error('the outbox did not drain');
}

describe('delivery', () => {
  it('posts the event note and reopens a snoozed and a resolved conversation; records status and outcomes', async () => {
    const { db, store, deps, changes } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    await moveTo(store, t.id, 1, 'in_progress');

    const run = await processOutbox(deps());
    expect(run).toMatchObject({ delivered: 4, failed: 0, skipped: 0, retrying: 0, nextWakeAt: null });

    const all = await effects(db);
    expect(all.map((e) => [e.kind, e.status])).toEqual([
      ['note', 'delivered'],
      ['reopen', 'delivered'],
      ['note', 'delivered'],
      ['reopen', 'delivered'],
    ]);
    for (const id of [2, 3]) {
      expect(sbConv(id).status).toBe('open');
      expect(sbConv(id).snoozed_until).toBeNull();
      const note = all.find((e) => e.kind === 'note' && e.conversationKey === conv(id).key)!;
      const posted = notesWith(id, noteMarker(idempotencyKey(note.id)));
      expect(posted).toHaveLength(1);
      expect(posted[0]!.content).toContain('moved from Submitted to In progress by Alice Agent');
      expect(String(posted[0]!.id)).toBe(note.remoteId);
      expect((await store.getConversation(conv(id).key))?.status).toBe('open');
    }
    expect(all.find((e) => e.kind === 'reopen' && e.conversationKey === conv(2).key)?.lastError).toBe('Unsnoozed');
    expect(all.every((e) => !e.attemptId && e.unsureSince === null)).toBe(true);
    // Open panels heard about every outcome.
    expect(changes.filter((c) => c.ticketIds.includes(t.id))).toHaveLength(4);
    expect(changes.some((c) => c.conversationKeys.includes(conv(2).key))).toBe(true);
  });

  it('waits for a page’s request in progress before each attempt and before recording its outcome', async () => {
    const { db, store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await moveTo(store, t.id, 1, 'in_progress');
    const before = apiRequests('/conversations/2').length;
    let release!: () => void;
    let asked = 0;
    const gate = () => {
      asked++;
      return new Promise<void>((r) => (release = r));
    };
    const run = processOutbox(deps({ yieldTo: gate }));
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).toBe(1);
    expect(apiRequests('/conversations/2')).toHaveLength(before); // nothing sent while it waits
    // Each release lets one step go on: the note's attempt, its outcome, the reopen's, its outcome.
    for (let step = 1; step <= 4; step++) {
      release();
      await vi.waitFor(() => expect(asked).toBe(step + 1));
    }
    release();
    expect(await run).toMatchObject({ delivered: 2 });
    expect((await effects(db)).map((e) => e.status)).toEqual(['delivered', 'delivered']);
  });

  it('in a team workspace, shares a run’s outcomes as one activity item per change when the run ends, and what a stopped run left at the next', async () => {
    const { db, store, deps, changes } = await setup();
    store.setSharing({ keepLocal: new Set() });
    const t = await ticketLinkedTo(store, [2, 3]);
    await moveTo(store, t.id, 1, 'in_progress');
    await processOutbox(deps());
    const items = (await store.getTicketView(t.id)).activity.filter((a) => a.type === 'deliveries' || a.type === 'delivery');
    expect(items).toHaveLength(1);
    expect(items[0]?.type === 'deliveries' && items[0].outcomes.map((o) => [o.kind, o.outcome])).toEqual([
      ['note', 'delivered'],
      ['reopen', 'delivered'],
      ['note', 'delivered'],
      ['reopen', 'delivered'],
    ]);
    // Open panels were told of the item once, with the last outcome's event.
    expect(changes.filter((c) => c.deltas?.some((d) => d.activity?.some((a) => a.type === 'deliveries')))).toHaveLength(1);

    // A run stopped after recording an outcome: the next run shares it before anything else.
    await moveTo(store, t.id, 2, 'waiting');
    const [first] = (await effects(db)).filter((e) => e.status === 'queued');
    await updateEffect(store, first!.id, null, (e) => ({ ...e, status: 'skipped', lastError: 'Stopped test' }), null, Date.now());
    expect(await outcomesToShare(store)).toBe(1);
    // (The fixture's clock is behind the new effects': none of them is due in this run.)
    expect(await processOutbox(deps())).toMatchObject({ delivered: 0, skipped: 0 });
    const after = (await store.getTicketView(t.id)).activity.filter((a) => a.type === 'deliveries');
    expect(after.map((a) => a.type === 'deliveries' && a.outcomes.length).sort()).toEqual([1, 4]);
    expect(await outcomesToShare(store)).toBe(0);
  });

  it('delivers per conversation in order: the note lands before the reopen', async () => {
    const { store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await moveTo(store, t.id, 1, 'in_progress');
    await processOutbox(deps());
    const messages = sbConv(2).messages;
    const noteAt = messages.findIndex((m) => m.private && m.content.includes('moved from'));
    const reopenedAt = messages.findIndex((m) => m.message_type === 2 && m.content.includes('reopened'));
    expect(noteAt).toBeGreaterThan(-1);
    expect(reopenedAt).toBeGreaterThan(noteAt);
  });

  it('leaves an open conversation alone: the reopen is skipped as "Already open"', async () => {
    const { db, store, deps } = await setup();
    const t = await ticketLinkedTo(store, [1]);
    await moveTo(store, t.id, 1, 'in_progress');
    await processOutbox(deps());
    const [note, reopen] = await effects(db);
    expect(note!.status).toBe('delivered');
    expect(reopen).toMatchObject({ status: 'skipped', lastError: 'Already open' });
    expect(apiRequests('toggle_status')).toHaveLength(0);
    // Nothing to retry: a reopen that was not needed is not offered again.
    expect(await retryEffect(deps(), reopen!.id)).toBe(false);
  });

  it('honours "Prevent state changes from reopening": events posted, nothing reopened, earlier reopens stay', async () => {
    const { db, store, deps, advance } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    const v2 = await moveTo(store, t.id, 1, 'in_progress');
    await processOutbox(deps());
    expect(sbConv(2).status).toBe('open');

    await store.saveSettings(uuidv7(), { preventReopen: true });
    // Someone resolves conversation 3 in the helpdesk meanwhile.
    sbConv(3).status = 'resolved';
    sandbox.state.requests = [];
    await moveTo(store, t.id, v2.version, 'waiting');
    advance(60_000); // the test clock stood still while the change was queued
    const run = await processOutbox(deps());
    expect(run).toMatchObject({ delivered: 2, skipped: 0 });
    expect(apiRequests('toggle_status')).toHaveLength(0);
    expect(sbConv(2).status).toBe('open');
    expect(sbConv(3).status).toBe('resolved');
    const latest = (await effects(db)).slice(4);
    expect(latest.map((e) => e.kind)).toEqual(['note', 'note']);
    for (const id of [2, 3]) expect(sbConv(id).messages.filter((m) => m.private && m.content.includes('to Waiting on customer'))).toHaveLength(1);
  });

  it('cross-posts a note as a private note to every linked conversation', async () => {
    const { store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Fix deployed at 14:05', crossPost: true });
    expect(await processOutbox(deps())).toMatchObject({ delivered: 2 });
    for (const id of [2, 3]) {
      const notes = sbConv(id).messages.filter((m) => m.content.includes('Fix deployed at 14:05'));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ private: true, message_type: 1 });
    }
    // A note does not reopen anything.
    expect(sbConv(2).status).toBe('snoozed');
  });
});

describe('a change’s effects, fanned out after it commits', () => {
  it('are in the outbox for whatever is read after the change has answered', async () => {
    const { db, store } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    // No wait: reads opened after the answer come after the fan-out.
    const [view, stored, pending] = await Promise.all([store.getTicketView(t.id), effects(db), db.count('fanouts')]);
    expect(stored.map((e) => [e.kind, e.status])).toEqual([
      ['note', 'queued'],
      ['reopen', 'queued'],
      ['note', 'queued'],
      ['reopen', 'queued'],
    ]);
    expect(pending).toBe(0);
    const item = view.activity.find((a) => a.type === 'state' && a.version === moved.version)!;
    expect(view.effects.filter((e) => e.sourceActivityId === item.id)).toHaveLength(4);
  });

  it('one record holds a write’s effects compactly, and gives them back exactly as queued', async () => {
    const now = Date.now();
    const note = '[Backline] Back-office ticket #3 “Export stuck” moved from Submitted to In progress.';
    const queued = [2, 3, 4].flatMap((id) => [
      effectRecord('t-1', 'a-1', conv(id).key, 'note', note, now),
      effectRecord('t-1', 'a-1', conv(id).key, 'reopen', '', now),
    ]);
    queued.push(effectRecord('t-1', 'a-1', conv(2).key, 'restore', '', now, { corrects: queued[1]!.id }));
    const packed = packFanout(queued);
    expect(packed.bodies).toEqual([note]); // said once for three notes
    expect(unpackFanout(structuredClone(packed))).toEqual(queued);
    expect(() => packFanout([...queued, effectRecord('t-1', 'a-2', conv(2).key, 'note', note, now)])).toThrow(/one activity item/);
  });

  it('a worker stopped before the fan-out: the effects are shown and exported from their record, and the next run writes and delivers them', async () => {
    const { db, store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    const item = (await store.getTicketView(t.id)).activity.find((a) => a.type === 'state' && a.version === moved.version)!;
    const left = await stoppedBeforeFanout(db, item.id);
    expect(left).toHaveLength(4);
    expect(await effects(db)).toEqual([]);

    // The ticket's Activity shows them waiting, and an export keeps them.
    const view = await store.getTicketView(t.id);
    expect(view.effects.filter((e) => e.sourceActivityId === item.id).map((e) => e.status)).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect((await store.exportAll()).data.outbox.map((e) => e.id).sort()).toEqual(left.map((e) => e.id).sort());

    // The next run (a new worker's first) writes them into the outbox and delivers them.
    expect(await processOutbox(deps())).toMatchObject({ delivered: 4, failed: 0, nextWakeAt: null });
    expect(await db.count('fanouts')).toBe(0);
    expect((await effects(db)).map((e) => [e.id, e.status])).toEqual(left.map((e) => [e.id, 'delivered']));
    expect(sbConv(2).status).toBe('open');
  });
});

describe('failures', () => {
  it('without a connection: the change is saved and the effect says plainly why the helpdesk was not updated', async () => {
    const { db, store, deps } = await setup({ token: null });
    const t = await ticketLinkedTo(store, [2]);
    await moveTo(store, t.id, 1, 'in_progress');
    expect(await processOutbox(deps())).toMatchObject({ skipped: 2, nextWakeAt: null });
    for (const e of await effects(db)) {
      expect(e.status).toBe('skipped');
      expect(e.lastError).toBe(`No Chatwoot connection for ${sandbox.url} account 1, so the helpdesk was not updated. An admin can add one on the options page.`);
    }
    expect(sandbox.state.requests).toHaveLength(0);
    expect((await store.getTicket(t.id)).stateId).toBe('in_progress');
  });

  it('a wrong token fails permanently with a clear reason; no retries; Retry after fixing it delivers', async () => {
    const { db, store, deps, advance } = await setup({ token: 'wrong-token' });
    const t = await ticketLinkedTo(store, [3]);
    await moveTo(store, t.id, 1, 'in_progress');
    expect(await processOutbox(deps())).toMatchObject({ failed: 2, nextWakeAt: null });
    const failed = await effects(db);
    for (const e of failed) {
      expect(e).toMatchObject({ status: 'failed', attempts: 1 });
      expect(e.lastError).toBe("Chatwoot refused the access token (401). Check the connection's API access token on the options page.");
    }
    advance(60 * 60 * 1000);
    const before = sandbox.state.requests.length;
    await processOutbox(deps());
    expect(sandbox.state.requests.length).toBe(before); // permanent: nothing retried on its own

    const conn = (await db.getAll('connections'))[0]!;
    await db.put('connections', { ...conn, credentials: { token: SANDBOX_TOKEN } });
    for (const e of failed) expect(await retryEffect(deps(), e.id)).toBe(true);
    expect(await retryEffect(deps(), failed[0]!.id)).toBe(false); // already queued
    expect(await processOutbox(deps())).toMatchObject({ delivered: 2 });
    expect(sbConv(3).status).toBe('open');
    expect(sbConv(3).messages.filter((m) => m.private && m.content.includes('moved from'))).toHaveLength(1);
  });

  it('retries a 500 with exponential backoff until delivered, without duplicates, holding back later effects of that conversation', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    await moveTo(store, t.id, 1, 'in_progress');
    // Conversation 2's requests fail three times; conversation 3 is unaffected.
    await fetch(`${sandbox.url}/__sandbox/fail`, { method: 'POST', body: JSON.stringify({ count: 3, status: 500, match: '/conversations/2/' }) });

    const start = now();
    const first = await processOutbox(deps());
    expect(first).toMatchObject({ delivered: 2, retrying: 1 });
    const [note2, reopen2] = (await effects(db)).filter((e) => e.conversationKey === conv(2).key);
    expect(note2).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: start + 2000 });
    expect(note2!.lastError).toMatch(/^Chatwoot had a server error \(HTTP 500\).*Retrying in 2 s \(attempt 1 of 12\)\.$/);
    expect(note2!.unsureSince).toBe(start); // a 500 on a POST: it may have landed
    expect(reopen2).toMatchObject({ status: 'queued', attempts: 0 }); // waits for the note
    expect(first.nextWakeAt).toBe(start + 2000);
    expect(apiRequests('/conversations/2/toggle_status')).toHaveLength(0);

    // Attempt 2 looks for the note first (that GET fails: 4 s), attempt 3 fails again (8 s)…
    const runs = await drain(deps, advance, now);
    expect(now() - start).toBe(2000 + 4000 + 8000);
    expect(runs.at(-1)!.nextWakeAt).toBeNull();
    const done = (await effects(db)).filter((e) => e.conversationKey === conv(2).key);
    expect(done.map((e) => e.status)).toEqual(['delivered', 'delivered']);
    expect(done[0]!.attempts).toBe(4);
    expect(notesWith(2, noteMarker(idempotencyKey(note2!.id)))).toHaveLength(1);
    expect(sbConv(2).status).toBe('open');
    expect(apiRequests('/conversations/2/messages').filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    const { db, store, deps, now } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'hello', crossPost: true });
    const limited: FetchLike = async () => new Response('{"error":"Throttled"}', { status: 429, headers: { 'retry-after': '120' } });
    const run = await processOutbox(deps({ fetch: limited }));
    expect(run.retrying).toBe(1);
    const [e] = await effects(db);
    expect(e!.nextAttemptAt).toBe(now() + 120_000);
    expect(e!.lastError).toContain('Trying again in 2 min');
    expect(e!.unsureSince).toBeNull(); // a 429 was certainly not applied
  });

  it('a rate limit never uses up the attempts: 429s past the maximum still end in one delivery', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'after the limit', crossPost: true });
    let limited = 5;
    const throttled: FetchLike = async (input, init) =>
      init.method === 'POST' && limited-- > 0 ? new Response('{"error":"Throttled"}', { status: 429, headers: { 'retry-after': '30' } }) : fetch(input, init);
    await drain(() => deps({ fetch: throttled, backoff: { maxAttempts: 2 } }), advance, now);
    const [e] = await effects(db);
    expect(e).toMatchObject({ status: 'delivered' });
    expect(limited).toBeLessThan(0);
    expect(notesWith(2, noteMarker(idempotencyKey(e!.id)))).toHaveLength(1);
  });

  it('gives up on transient errors after the maximum attempts, with a Retry button’s worth of reason', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'hello', crossPost: true });
    await fetch(`${sandbox.url}/__sandbox/fail`, { method: 'POST', body: JSON.stringify({ count: 100, status: 503 }) });
    await drain(() => deps({ backoff: { maxAttempts: 3 } }), advance, now);
    const [e] = await effects(db);
    expect(e).toMatchObject({ status: 'failed', attempts: 3 });
    expect(e!.lastError).toMatch(/^Gave up after 3 attempts\. Chatwoot had a server error \(HTTP 503\)/);
  });
});

describe('exactly once', () => {
  it('a worker stopped between the POST and recording "delivered" does not post the note twice', async () => {
    const { db, store, deps, advance } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Only once, please', crossPost: true });
    const [effect] = await effects(db);
    const marker = noteMarker(idempotencyKey(effect!.id));

    // The first worker's POST reaches the helpdesk, then the worker dies: its await never returns.
    const dying: FetchLike = async (input, init) => {
      const res = await fetch(input, init);
      if (init.method === 'POST') return new Promise<Response>(() => {});
      return res;
    };
    void processOutbox(deps({ fetch: dying }));
    await expect.poll(() => notesWith(2, marker).length).toBe(1);
    const interrupted = (await effects(db))[0]!;
    expect(interrupted).toMatchObject({ status: 'queued', attempts: 1 });
    expect(interrupted.attemptId).toBeTruthy();

    // A new worker right away: the interrupted request is given time to settle first.
    const early = await processOutbox(deps());
    expect(early.delivered).toBe(0);
    expect(early.nextWakeAt).toBe(interrupted.attemptStartedAt! + 2000);
    // After that, the note is found instead of posted again.
    advance(2500);
    const posts = apiRequests('/conversations/2/messages').length;
    expect(await processOutbox(deps())).toMatchObject({ delivered: 1, nextWakeAt: null });
    expect(apiRequests('/conversations/2/messages')).toHaveLength(posts); // no POST
    expect(notesWith(2, marker)).toHaveLength(1);
    const done = (await effects(db))[0]!;
    expect(done).toMatchObject({ status: 'delivered', attempts: 2, remoteId: String(notesWith(2, marker)[0]!.id), attemptId: null, unsureSince: null });
  });

  it('a dropped connection after the note landed is found on the next attempt, not re-posted', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [3]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Dropped answer', crossPost: true });
    let drops = 1;
    const flaky: FetchLike = async (input, init) => {
      const res = await fetch(input, init);
      if (init.method === 'POST' && drops-- > 0) throw new TypeError('network connection was lost');
      return res;
    };
    await drain(() => deps({ fetch: flaky }), advance, now);
    const [e] = await effects(db);
    expect(e).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(sbConv(3).messages.filter((m) => m.content.includes('Dropped answer'))).toHaveLength(1);
  });

  it('a note the helpdesk applies after the timeout is not posted again: the retry waits for it and finds it', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Applied late', crossPost: true });
    const [effect] = await effects(db);
    const marker = noteMarker(idempotencyKey(effect!.id));
    // The helpdesk holds the POST well past the connector's timeout, then applies it.
    await fetch(`${sandbox.url}/__sandbox/delay`, { method: 'POST', body: JSON.stringify({ ms: 1500, match: '/conversations/2/messages' }) });
    const posts = () => apiRequests('/conversations/2/messages').length;

    const start = now();
    expect(await processOutbox(deps({ timeoutMs: 200 }))).toMatchObject({ retrying: 1 });
    const timedOut = (await effects(db))[0]!;
    expect(timedOut).toMatchObject({ status: 'queued', unsureSince: start, inFlightSentAt: start });
    expect(timedOut.lastError).toMatch(/^Chatwoot did not answer within 1 s/);

    // The retry searches while the helpdesk still holds the request: nothing there yet, and
    // it does not post again.
    advance(timedOut.nextAttemptAt - now());
    expect(await processOutbox(deps({ timeoutMs: 200 }))).toMatchObject({ delivered: 0, retrying: 1 });
    expect(posts()).toBe(1);
    expect(notesWith(2, marker)).toHaveLength(0);
    const waiting = (await effects(db))[0]!;
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, inFlightSentAt: start });
    expect(waiting.lastError).toBe(
      'Chatwoot does not show this note yet, and the request sent 2 s ago may still be applied. Looking again in 5 s; it is posted again only if it has not appeared 3 min after it was sent.',
    );
    expect(waiting.nextAttemptAt).toBe(now() + 5000);

    // The helpdesk applies it; the next search finds it.
    await expect.poll(() => notesWith(2, marker).length, { timeout: 5000 }).toBe(1);
    advance(5000);
    expect(await processOutbox(deps({ timeoutMs: 200 }))).toMatchObject({ delivered: 1, nextWakeAt: null });
    expect(posts()).toBe(1);
    expect(notesWith(2, marker)).toHaveLength(1);
    expect((await effects(db))[0]).toMatchObject({ status: 'delivered', remoteId: String(notesWith(2, marker)[0]!.id), unsureSince: null, inFlightSentAt: null });
  });

  it('a note whose request was lost is posted again once the settle window has passed without it', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [3]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Lost on the way', crossPost: true });
    // The first POST goes nowhere: no answer until the connector gives up.
    const postedAt: number[] = [];
    let lose = 1;
    const lossy: FetchLike = async (input, init) => {
      if (init.method === 'POST') {
        postedAt.push(now());
        if (lose-- > 0) {
          return new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));
        }
      }
      return fetch(input, init);
    };
    const start = now();
    const runs = await drain(() => deps({ fetch: lossy, timeoutMs: 100 }), advance, now, 40);
    const [e] = await effects(db);
    expect(e).toMatchObject({ status: 'delivered', unsureSince: null, inFlightSentAt: null });
    // Posted twice in all: the lost request, then one more only after the window, never between.
    expect(postedAt).toEqual([start, start + NOTE_SETTLE_MS]);
    expect(sbConv(3).messages.filter((m) => m.content.includes('Lost on the way'))).toHaveLength(1);
    // It looked in between, a handful of times, and those searches are not delivery attempts.
    const searches = apiRequests('/conversations/3/messages', 'GET').length;
    expect(searches).toBeGreaterThanOrEqual(3);
    expect(searches).toBeLessThanOrEqual(12);
    // One run posted and timed out; every later run searched once, and the last one then posted.
    expect(runs.length).toBe(searches + 1);
    expect(e!.attempts).toBe(2);
  });

  it('"Retry now" while an earlier request may still be applied looks for the note, and does not post it again', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Patience', crossPost: true });
    const hang: FetchLike = async (input, init) =>
      init.method === 'POST'
        ? new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason), { once: true }))
        : fetch(input, init);
    await processOutbox(deps({ fetch: hang, timeoutMs: 100, backoff: { maxAttempts: 1 } }));
    const [failed] = await effects(db);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed!.lastError).toMatch(/^Gave up after 1 attempts\. Chatwoot did not answer/);
    advance(10_000);
    expect(await retryEffect(deps(), failed!.id)).toBe(true);
    await processOutbox(deps());
    expect(apiRequests('/conversations/2/messages')).toHaveLength(0); // the hung POST never reached the sandbox; no new one
    expect((await effects(db))[0]).toMatchObject({ status: 'queued', inFlightSentAt: failed!.inFlightSentAt });
    expect((await effects(db))[0]!.lastError).toMatch(/^Chatwoot does not show this note yet/);
    expect(now()).toBeLessThan(failed!.inFlightSentAt! + NOTE_SETTLE_MS);
  });

  it('a refused connection sent nothing: the note is retried after the usual backoff, without waiting or searching', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Refused first', crossPost: true });
    // A port where nothing listens: a real ECONNREFUSED from Node's fetch.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    let refuse = 1;
    const refusing: FetchLike = (input, init) => (init.method === 'POST' && refuse-- > 0 ? fetch(input.replace(sandbox.url, deadUrl), init) : fetch(input, init));

    const start = now();
    expect(await processOutbox(deps({ fetch: refusing, timeoutMs: 10_000 }))).toMatchObject({ retrying: 1 });
    const [e] = await effects(db);
    // Not "unsure": no wait for a timeout (10 s here), no window, no search before posting.
    expect(e).toMatchObject({ status: 'queued', unsureSince: null, inFlightSentAt: null, nextAttemptAt: start + 2000 });
    expect(e!.lastError).toMatch(/^Could not reach Chatwoot at .*ECONNREFUSED.*Retrying in 2 s \(attempt 1 of 12\)\.$/);
    advance(2000);
    expect(await processOutbox(deps({ fetch: refusing, timeoutMs: 10_000 }))).toMatchObject({ delivered: 1 });
    expect(sandbox.state.requests.map((r) => r.method)).toEqual(['POST']);
    expect(sbConv(2).messages.filter((m) => m.content.includes('Refused first'))).toHaveLength(1);
  });

  it('an interrupted attempt that had not sent its request yet is not "unsure"; one from before send times were kept is', async () => {
    const { db, store, deps, advance, now } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Interrupted early', crossPost: true });
    const [to2, to3] = (await effects(db)).sort((a, b) => (a.conversationKey === conv(2).key ? -1 : b.conversationKey === conv(2).key ? 1 : 0));
    const at = now();
    // Conversation 2's attempt stopped before sending; conversation 3's was left by an older release.
    await db.put('outbox', { ...to2!, attemptId: 'stopped', attemptStartedAt: at, attemptSentAt: null, attempts: 1 });
    await db.put('outbox', { ...to3!, attemptId: 'stopped', attemptStartedAt: at, attempts: 1 });
    advance(3000);
    await processOutbox(deps());
    expect(apiRequests('/conversations/2/messages', 'GET')).toHaveLength(0); // no search: nothing can be there
    expect((await effects(db)).find((e) => e.id === to2!.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    // The older record may have sent its request: it is looked for first, and waited for.
    expect(apiRequests('/conversations/3/messages', 'GET')).toHaveLength(1);
    expect(apiRequests('/conversations/3/messages', 'POST')).toHaveLength(0);
    expect((await effects(db)).find((e) => e.id === to3!.id)).toMatchObject({ status: 'queued', unsureSince: at, inFlightSentAt: at });
  });

  it('runs one at a time: kicks during a run coalesce into one more run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const scheduled: (number | null)[] = [];
    const kick = createOutboxRunner(
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        await new Promise((r) => setTimeout(r, 20));
        active--;
        return { delivered: 0, failed: 0, skipped: 0, retrying: 0, nextWakeAt: null };
      },
      (at) => scheduled.push(at),
    );
    await Promise.all([kick(), kick(), kick(), kick()]);
    expect(maxActive).toBe(1);
    expect(runs).toBe(2);
    expect(scheduled).toEqual([null, null]);
  });

  it('a run that cannot open the data schedules a retry in 30 s, except for data from a newer Backline, which waits for an update', async () => {
    const scheduled: (number | null)[] = [];
    const errors: unknown[] = [];
    let failure: Error = new Error('disk I/O error');
    const kick = createOutboxRunner(
      async () => {
        throw failure;
      },
      (at) => scheduled.push(at),
      (e) => errors.push(e),
    );
    const before = Date.now();
    await kick();
    expect(scheduled[0]).toBeGreaterThanOrEqual(before + 30_000);
    failure = new BacklineError('newer_data', 'This browser holds Backline data from a newer version of Backline.');
    await kick();
    expect(scheduled[1]).toBeNull();
    expect(errors).toHaveLength(2);
  });

  it('backoff doubles from 2 s, is capped, jittered ±20 %, and never shorter than Retry-After', () => {
    const p = DEFAULT_BACKOFF;
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, p, () => 0.5))).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffDelay(30, p, () => 0.5)).toBe(p.capMs);
    expect(backoffDelay(1, p, () => 0)).toBe(1600);
    expect(backoffDelay(1, p, () => 1)).toBe(2400);
    expect(backoffDelay(1, p, () => 0.5, 30_000)).toBe(30_000);
  });
});

describe('background helpdesk services', () => {
  it('reads a conversation for the preview, saves its live status and customer, and broadcasts only real changes', async () => {
    const { store } = await setup();
    await store.rememberConversation(conv(2));
    const events: BackgroundEvent[] = [];
    const wakes: (number | null)[] = [];
    const services = createHelpdeskServices({ store: async () => store, broadcast: (e) => events.push(e), scheduleWake: (at) => wakes.push(at) });
    const record = (await store.getConversation(conv(2).key))!;
    expect(record.status).toBe('unknown');

    const preview = (await services.readConversation(record))!;
    expect(preview).toMatchObject({ source: 'helpdesk', notice: '', conversation: { status: 'snoozed', customerName: 'Grace Hopper', company: 'Compiler Systems Inc' } });
    expect(preview.messages.map((m) => m.kind)).toEqual(['incoming', 'outgoing', 'event']);
    expect((await store.getConversation(conv(2).key))?.status).toBe('snoozed');
    // The event carries the conversation as saved, so open panels update its status in place.
    expect(events).toEqual([
      { type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [conv(2).key], conversations: [expect.objectContaining({ key: conv(2).key, status: 'snoozed' })] } },
    ]);
    await services.readConversation(record);
    expect(events).toHaveLength(1); // nothing changed the second time: no broadcast, no refresh loop

    const elsewhere = { ...record, origin: 'https://support.example.com', key: 'chatwoot:https://support.example.com:1:2' };
    expect(await services.readConversation(elsewhere)).toBeNull(); // no connection serves it
  });

  it('tells open pages the outcomes of a run in one event, each effect as saved last', async () => {
    const { db, store } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    await moveTo(store, t.id, 1, 'in_progress');
    const events: BackgroundEvent[] = [];
    // A window longer than the run: everything it recorded is told when it ends.
    const services = createHelpdeskServices({ store: async () => store, broadcast: (e) => events.push(e), scheduleWake: () => {}, outcomeBatchMs: 60_000 });
    await services.kickOutbox();
    expect((await effects(db)).map((e) => e.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect(events).toHaveLength(1);
    const told = new Map<string, string>();
    for (const d of events[0]!.type === 'bg:changed' ? (events[0]!.changes.deltas ?? []) : []) for (const e of d.effects ?? []) told.set(e.id, e.status);
    expect([...told.values()]).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });

  it('kickOutbox delivers and schedules nothing more when the queue is empty', async () => {
    const { db, store } = await setup();
    const t = await ticketLinkedTo(store, [3]);
    await moveTo(store, t.id, 1, 'in_progress');
    const wakes: (number | null)[] = [];
    const services = createHelpdeskServices({ store: async () => store, broadcast: () => {}, scheduleWake: (at) => wakes.push(at) });
    await services.kickOutbox();
    expect((await effects(db)).map((e) => e.status)).toEqual(['delivered', 'delivered']);
    expect(wakes).toEqual([null]);
  });
});
