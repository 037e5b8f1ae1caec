/**
 * Undo (issue 15) over a real IndexedDB (fake-indexeddb) and the real sandbox helpdesk over
 * HTTP: what the store's undo write does to the ticket and its effects, and what the outbox then
 * delivers (correcting notes, status restores) or leaves alone.
 */
import { describe, expect, it } from 'vitest';
import { type BacklineDatabase } from '../../lib/store/schema';
import { BacklineError } from '../../lib/model/errors';
import { uuidv7 } from '../../lib/model/ids';
import { processOutbox } from '../../lib/background/outbox';
import { Store } from '../../lib/store';
import { claimEffect, markSending } from '../../lib/store/propagation';
import { idempotencyKey } from '../../lib/background/outbox';
import { ChatwootConnector } from '../../lib/connectors/chatwoot';
import { buildExport, validateExport } from '../../lib/store/transfer';
import { SANDBOX_TOKEN } from '../sandbox/server.mjs';
import { useSandbox } from './sandbox-fixture';
import { ME, outboxFixture } from './outbox-fixture';

const sandbox = useSandbox();

const { conv, setup, ticketLinkedTo, moveTo, effects, sbConv, stoppedBeforeFanout } = outboxFixture(sandbox, 'real');

const undo = (store: Store, ticketId: string, target: { activityId: string } | { stateVersion: number }, over: { requestId?: string; now?: number } = {}) =>
  store.undoChange({ requestId: over.requestId ?? uuidv7(), actorId: ME.id, ticketId, target, now: over.now });

/** Sets a sandbox conversation's status as an agent in Chatwoot would (the front line). */
async function frontLineSets(id: number, body: Record<string, unknown>) {
  const r = await fetch(`${sandbox.url}/api/v1/accounts/1/conversations/${id}/toggle_status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', api_access_token: SANDBOX_TOKEN },
    body: JSON.stringify(body),
  });
  expect(r.ok).toBe(true);
}

/** Makes an interrupted attempt older than a request's timeout, as after a worker restart. */
async function backdateAttempt(db: BacklineDatabase, id: string) {
  const e = (await db.get('outbox', id))!;
  await db.put('outbox', { ...e, attemptStartedAt: Date.now() - 60_000 });
}

describe('undo of a state change', () => {
  it('before anything was sent: cancels every effect, sends nothing, and puts the state back', async () => {
    const { db, store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    const before = sandbox.state.requests.length;

    const { ticket, undo: item } = await undo(store, t.id, { stateVersion: moved.version });
    expect(ticket.stateId).toBe(t.stateId);
    expect(ticket.version).toBe(moved.version + 1);
    expect(item).toMatchObject({ type: 'state', from: 'in_progress', to: t.stateId, reopens: false });

    const all = await effects(db);
    expect(all).toHaveLength(4);
    expect(all.every((e) => e.status === 'skipped' && e.lastError === 'Cancelled by undo')).toBe(true);
    const run = await processOutbox(deps());
    expect(run).toMatchObject({ delivered: 0, nextWakeAt: null });
    expect(sandbox.state.requests.length).toBe(before);
    expect(sbConv(2).status).toBe('snoozed');
    // The Activity keeps the change and shows its undo.
    const view = await store.getTicketView(t.id);
    expect(view?.activity.filter((a) => a.type === 'state').map((a) => (a.type === 'state' ? [a.from, a.to, !!a.undoes] : null))).toEqual(
      expect.arrayContaining([
        [t.stateId, 'in_progress', false],
        ['in_progress', t.stateId, true],
      ]),
    );
  });

  it('right after a worker stopped before the change’s fan-out: the effects still in their record are cancelled too', async () => {
    const { db, store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    const item = (await store.getTicketView(t.id)).activity.find((a) => a.type === 'state' && a.version === moved.version)!;
    await stoppedBeforeFanout(db, item.id);
    const before = sandbox.state.requests.length;

    await undo(store, t.id, { activityId: item.id });
    const all = await effects(db);
    expect(all.map((e) => [e.sourceActivityId, e.status, e.lastError])).toEqual(Array(4).fill([item.id, 'skipped', 'Cancelled by undo']));
    expect(await db.count('fanouts')).toBe(0);
    expect(await processOutbox(deps())).toMatchObject({ delivered: 0, nextWakeAt: null });
    expect(sandbox.state.requests.length).toBe(before);
  });

  it('after delivery: one correcting note per conversation, snoozed back until the same time, resolved back to resolved', async () => {
    const { db, store, deps } = await setup();
    const snoozedUntil = sbConv(2).snoozed_until;
    expect(snoozedUntil).not.toBeNull();
    const t = await ticketLinkedTo(store, [2, 3]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    await processOutbox(deps());
    expect(sbConv(2).status).toBe('open');
    const reopen2 = (await effects(db)).find((e) => e.kind === 'reopen' && e.conversationKey === conv(2).key)!;
    expect(reopen2.reopened).toEqual({ before: { status: 'snoozed', snoozedUntil: snoozedUntil! * 1000 }, after: 'open' });

    await undo(store, t.id, { stateVersion: moved.version });
    const run = await processOutbox(deps());
    expect(run).toMatchObject({ delivered: 4, failed: 0, skipped: 0 });
    expect(sbConv(2)).toMatchObject({ status: 'snoozed', snoozed_until: snoozedUntil });
    expect(sbConv(3).status).toBe('resolved');
    for (const id of [2, 3]) {
      expect(sbConv(id).messages.filter((m) => m.private && m.content.includes('was undone by Alice Agent'))).toHaveLength(1);
      expect(sbConv(id).messages.filter((m) => m.private && m.content.includes('The previous update on'))[0]!.content).toContain(
        '(moved from Submitted to In progress)',
      );
    }
    // Running again sends nothing more.
    const again = await processOutbox(deps());
    expect(again.delivered).toBe(0);
    expect((await store.getConversation(conv(2).key))?.status).toBe('snoozed');
    // An export holding the undo and its corrections imports again.
    const file = JSON.parse(JSON.stringify(await buildExport(db)));
    expect(validateExport(file)).toMatchObject({ ok: true });
  });

  it('leaves a conversation the front line changed since Backline reopened it, and says so', async () => {
    const { db, store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2, 6]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    await processOutbox(deps());
    await frontLineSets(6, { status: 'resolved' });

    const { undo: item } = await undo(store, t.id, { stateVersion: moved.version });
    await processOutbox(deps());
    expect(sbConv(6).status).toBe('resolved');
    expect(sbConv(2).status).toBe('snoozed');
    const restore6 = (await effects(db)).find((e) => e.sourceActivityId === item.id && e.kind === 'restore' && e.conversationKey === conv(6).key)!;
    expect(restore6).toMatchObject({ status: 'skipped' });
    expect(restore6.lastError).toContain('changed in Chatwoot since Backline reopened it (now resolved)');
    // The correcting note still goes: the note about the change was posted there.
    expect(sbConv(6).messages.filter((m) => m.private && m.content.includes('was undone'))).toHaveLength(1);
  });

  it('an attempt in flight at undo: a correction follows only if that attempt delivered', async () => {
    const { db, store, deps, now } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    // The note's attempt is claimed (in flight) when the agent undoes.
    const [note] = await effects(db);
    const claim = await claimEffect(store, note!.id, now());
    expect(claim).not.toBeNull();
    await undo(store, t.id, { stateVersion: moved.version });
    const after = await effects(db);
    expect(after.find((e) => e.id === note!.id)).toMatchObject({ status: 'queued', undoneBy: expect.any(String) });
    expect(after.find((e) => e.kind === 'reopen')).toMatchObject({ status: 'skipped', lastError: 'Cancelled by undo' });
    const correction = after.find((e) => e.corrects === note!.id)!;
    expect(correction.kind).toBe('note');

    // That attempt never finishes (the worker stopped): it is not sent again, and so its
    // correction has nothing to take back.
    await backdateAttempt(db, note!.id);
    const run = await processOutbox(deps());
    expect(run.delivered).toBe(0);
    const final = await effects(db);
    expect(final.find((e) => e.id === note!.id)).toMatchObject({ status: 'skipped', lastError: 'Cancelled by undo' });
    expect(final.find((e) => e.id === correction.id)).toMatchObject({ status: 'skipped', lastError: expect.stringContaining('never sent') });
    expect(sbConv(2).messages.filter((m) => m.private)).toHaveLength(0);
  });

  it('an attempt that had sent its note when the worker stopped: the note is looked for, and corrected once found', async () => {
    const { db, store, deps, now } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    const [note] = await effects(db);
    const claim = (await claimEffect(store, note!.id, now()))!;
    expect(await markSending(store, note!.id, claim.attemptId, now())).toBe(true);
    // The request landed; the worker stopped before recording it.
    await new ChatwootConnector({ baseUrl: sandbox.url, accountId: '1', token: SANDBOX_TOKEN }).postInternalNote('2', note!.body, {
      idempotencyKey: idempotencyKey(note!.id),
    });
    const { undo: item } = await undo(store, t.id, { stateVersion: moved.version });
    await backdateAttempt(db, note!.id);
    await processOutbox(deps());
    const final = await effects(db);
    expect(final.find((e) => e.id === note!.id)).toMatchObject({ lastError: '', status: 'delivered' });
    expect(final.find((e) => e.sourceActivityId === item.id && e.kind === 'note')).toMatchObject({ status: 'delivered' });
    expect(sbConv(2).messages.filter((m) => m.private && m.content.includes('moved from Submitted to In progress'))).toHaveLength(2); // the note and its correction
    expect(sbConv(2).messages.filter((m) => m.private && m.content.includes('was undone'))).toHaveLength(1);
    expect(sbConv(2).status).toBe('snoozed');
  });

  it('a connector without restoreStatus leaves the helpdesk status and says so', async () => {
    const { db, store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    await processOutbox(deps());
    const { undo: item } = await undo(store, t.id, { stateVersion: moved.version });
    const original = ChatwootConnector.prototype.restoreStatus;
    // As for a helpdesk whose connector has no way to set a status back.
    (ChatwootConnector.prototype as { restoreStatus?: unknown }).restoreStatus = undefined;
    try {
      await processOutbox(deps());
    } finally {
      ChatwootConnector.prototype.restoreStatus = original;
    }
    expect(sbConv(2).status).toBe('open');
    const restore = (await effects(db)).find((e) => e.sourceActivityId === item.id && e.kind === 'restore')!;
    expect(restore.status).toBe('skipped');
    expect(restore.lastError).toContain('status was left as it is there');
  });
});

describe('undo of a cross-posted note', () => {
  it('cancels what was not sent and corrects what was', async () => {
    const { db, store, deps } = await setup();
    const t = await ticketLinkedTo(store, [2, 3]);
    const note = await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'Fix is rolling out', crossPost: true });
    // Conversation 2's note goes out; conversation 3's is still waiting when the agent undoes.
    const e2 = (await effects(db)).find((e) => e.conversationKey === conv(2).key)!;
    const e3 = (await effects(db)).find((e) => e.conversationKey === conv(3).key)!;
    await db.put('outbox', { ...e3, nextAttemptAt: Date.now() + 3_600_000 });
    await processOutbox(deps());
    expect((await db.get('outbox', e2.id))?.status).toBe('delivered');

    const { undo: item, ticket } = await undo(store, t.id, { activityId: note.id });
    expect(item).toMatchObject({ type: 'undo', undoes: note.id });
    expect(ticket.stateId).toBe(t.stateId);
    expect(await db.get('outbox', e3.id)).toMatchObject({ status: 'skipped', lastError: 'Cancelled by undo' });
    await processOutbox(deps());
    expect(sbConv(2).messages.filter((m) => m.private && m.content.includes('(a note) was undone'))).toHaveLength(1);
    expect(sbConv(3).messages.filter((m) => m.private)).toHaveLength(0);
  });
});

describe('undo refusals', () => {
  it('is idempotent by request id and refuses a second undo', async () => {
    const { db, store } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    const requestId = uuidv7();
    const a = await undo(store, t.id, { stateVersion: moved.version }, { requestId });
    const b = await undo(store, t.id, { stateVersion: moved.version }, { requestId });
    expect(b.undo.id).toBe(a.undo.id);
    expect((await db.getAll('activity')).filter((x) => x.type === 'state' && x.undoes)).toHaveLength(1);
    await expect(undo(store, t.id, { stateVersion: moved.version })).rejects.toThrow('already undone');
  });

  it('refuses after the window, and when the ticket changed since (stale); nothing is written', async () => {
    const { db, store } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    const moved = await moveTo(store, t.id, 1, 'in_progress');
    const late = undo(store, t.id, { stateVersion: moved.version }, { now: Date.now() + 10_001 });
    await expect(late).rejects.toThrow('Too late to undo');
    await expect(late).rejects.toBeInstanceOf(BacklineError);

    const moved2 = await moveTo(store, t.id, moved.version, 'waiting');
    const stale = undo(store, t.id, { stateVersion: moved.version });
    await expect(stale).rejects.toMatchObject({ code: 'stale' });
    expect((await store.getTicket(t.id))?.stateId).toBe(moved2.stateId);
    expect((await effects(db)).every((e) => e.status === 'queued')).toBe(true);
  });

  it('refuses what cannot be undone: a plain note', async () => {
    const { store } = await setup();
    const t = await ticketLinkedTo(store, [2]);
    const note = await store.addNote({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, body: 'internal only', crossPost: false });
    await expect(undo(store, t.id, { activityId: note.id })).rejects.toThrow('Only a state change or a cross-posted note can be undone.');
  });
});
