import { afterEach, describe, expect, it } from 'vitest';
import { applyChange, changeBatcher, mergeChanges, onlyEffects, PROGRESS_MS } from '../../components/panel/changes';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { Store } from '../../lib/store';
import { conversationKey } from '../../lib/helpdesks';
import { uuidv7 } from '../../lib/model/ids';
import { updateEffect } from '../../lib/store/propagation';
import { parseBackgroundEvent } from '../../lib/protocol-events';
import type { ChangeSet, TicketView } from '../../lib/model/views';

const dbs: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

const ctx = (id: string) => ({ helpdesk: 'chatwoot' as const, origin: 'https://app.chatwoot.com', account: '1', conversationId: id });
const conv = (id: string) => ({ key: conversationKey(ctx(id)), ...ctx(id), kind: 'conversation' as const, title: `Conversation ${id}`, customerName: '', customerEmail: '', company: '' });

/** A store whose writes' change sets are kept, with a ticket linked to two conversations. */
async function setup() {
  const db = await openBacklineDb(`changes-${crypto.randomUUID()}`);
  dbs.push(db);
  const changes: ChangeSet[] = [];
  const store = new Store(db, (c) => changes.push(c));
  const me = await store.me();
  const ticket = await store.createTicket({ requestId: uuidv7(), actorId: me.id, title: 'Printer on fire', typeId: 'type-general', conversation: conv('1') });
  await store.link({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, conversation: conv('2') });
  changes.length = 0;
  return { db, store, me, ticket, changes };
}

/** What a panel shows after applying `changes` to `view`; fails when one of them asks for a re-read. */
function applied(view: TicketView, changes: ChangeSet[]): TicketView {
  return changes.reduce((v, c) => {
    const next = applyChange(v, c);
    if (next === 'reread') throw new Error(`asked for a re-read: ${JSON.stringify(c)}`);
    return next;
  }, view);
}

/** The parts of a view a panel shows, in the order it shows them. */
const shown = (v: TicketView) => ({
  ticket: v.ticket,
  activity: [...v.activity].sort((a, b) => a.id.localeCompare(b.id)),
  effects: [...v.effects].sort((a, b) => a.id.localeCompare(b.id)),
  conversations: v.links.map((l) => l.conversation),
});

describe('change events say what changed', () => {
  it('a state change, a note, an edit and effect outcomes, applied to an open view, show what a re-read shows', async () => {
    const { store, me, ticket, changes } = await setup();
    const before = await store.getTicketView(ticket.id);
    const moved = await store.changeState({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, baseVersion: 1, stateId: 'in_progress' });
    await store.addNote({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, body: 'On it', crossPost: true });
    await store.updateTicket({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, baseVersion: moved.version, changes: { title: 'Printer fixed' } });
    // Two effect outcomes, one of which changes its conversation's status.
    const [first, second] = await store.db.getAll('outbox');
    const outcome = await updateEffect(store, first!.id, null, (e) => ({ ...e, status: 'delivered' }), { key: first!.conversationKey, status: 'open' }, Date.now());
    const failed = await updateEffect(store, second!.id, null, (e) => ({ ...e, status: 'failed', lastError: 'boom' }), null, Date.now());
    const all = [...changes, outcome!, failed!];
    // Every one of them passes the events' schema, as the panel checks it.
    for (const c of all) expect(parseBackgroundEvent({ type: 'bg:changed', changes: c })).toMatchObject({ ok: true });
    expect(shown(applied(before, all))).toEqual(shown(await store.getTicketView(ticket.id)));
    // Merged per frame, they say the same.
    expect(shown(applied(before, [all.reduce(mergeChanges)]))).toEqual(shown(await store.getTicketView(ticket.id)));
  });

  it('effect outcomes alone are only effects (lists of tickets do not search again); a note is not', async () => {
    const { store, me, ticket, changes } = await setup();
    await store.addNote({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, body: 'Hi', crossPost: true });
    const [e] = await store.db.getAll('outbox');
    const outcome = (await updateEffect(store, e!.id, null, (x) => ({ ...x, status: 'delivered' }), null, Date.now()))!;
    expect(onlyEffects(outcome)).toBe(true);
    expect(onlyEffects(changes[0]!)).toBe(false);
    expect(onlyEffects(mergeChanges(outcome, changes[0]!))).toBe(false);
  });

  it('a change it cannot describe (a link, a merged frame with one) makes the view re-read; another ticket’s change leaves it alone', async () => {
    const { store, me, ticket, changes } = await setup();
    const view = await store.getTicketView(ticket.id);
    await store.link({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, conversation: conv('3') });
    const linked = changes.pop()!;
    expect(applyChange(view, linked)).toBe('reread');
    await store.addNote({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, body: 'x', crossPost: false });
    expect(applyChange(view, mergeChanges(changes.pop()!, linked))).toBe('reread');
    const other = await store.createTicket({ requestId: uuidv7(), actorId: me.id, title: 'Other', typeId: 'type-general' });
    await store.changeState({ requestId: uuidv7(), actorId: me.id, ticketId: other.id, baseVersion: 1, stateId: 'resolved' });
    for (const c of changes.splice(0)) expect(applyChange(view, c)).toBe(view);
  });

  it('an outcome older than the one shown does not replace it', async () => {
    const { store, me, ticket } = await setup();
    await store.addNote({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, body: 'Hi', crossPost: true });
    const [e] = await store.db.getAll('outbox');
    const late = (await updateEffect(store, e!.id, null, (x) => ({ ...x, status: 'failed', updatedAt: 1 }), null, Date.now()))!;
    const view = await store.getTicketView(ticket.id);
    const newer = { ...view, effects: view.effects.map((x) => (x.id === e!.id ? { ...x, status: 'delivered' as const, updatedAt: Date.now() } : x)) };
    expect(applied(newer, [late]).effects.find((x) => x.id === e!.id)?.status).toBe('delivered');
  });
});

describe('changeBatcher', () => {
  /** A clock whose frames and timers run when the test says. */
  function fakeClock() {
    let next = 1;
    const frames = new Map<number, () => void>();
    const timers = new Map<number, { run: () => void; ms: number }>();
    return {
      frames,
      timers,
      clock: {
        requestAnimationFrame: (run: () => void) => (frames.set(next, run), next++),
        cancelAnimationFrame: (id: number) => void frames.delete(id),
        setTimeout: (run: () => void, ms: number) => (timers.set(next, { run, ms }), next++) as unknown as ReturnType<typeof setTimeout>,
        clearTimeout: (id: ReturnType<typeof setTimeout>) => void timers.delete(id as unknown as number),
      },
      drawFrame: () => [...frames.values()].forEach((run) => run()),
      elapse: (ms: number) => [...timers.values()].filter((t) => t.ms <= ms).forEach((t) => t.run()),
    };
  }
  const progress = (effectId: string): ChangeSet => ({
    ticketIds: ['t1'],
    conversationKeys: [],
    deltas: [{ ticketId: 't1', effects: [{ id: effectId, status: 'delivered', updatedAt: 1 } as never] }],
  });
  const edit: ChangeSet = { ticketIds: ['t1'], conversationKeys: [], deltas: [{ ticketId: 't1', ticket: { id: 't1' } as never }] };

  it('applies the changes of one frame together, at the next frame', () => {
    const c = fakeClock();
    const flushed: ChangeSet[] = [];
    const receive = changeBatcher((x) => flushed.push(x), c.clock);
    receive(edit);
    receive({ ticketIds: ['t2'], conversationKeys: ['k'] });
    expect(flushed).toHaveLength(0);
    c.drawFrame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]!.ticketIds).toEqual(['t1', 't2']);
    // The hidden page's fallback timer was cancelled with the frame: nothing is flushed twice.
    c.elapse(1000);
    expect(flushed).toHaveLength(1);
  });

  it('shows delivery progress alone a few times a second, not at every frame', () => {
    const c = fakeClock();
    const flushed: ChangeSet[] = [];
    const receive = changeBatcher((x) => flushed.push(x), c.clock);
    for (let i = 0; i < 40; i++) receive(progress(`e${i}`));
    expect(c.frames.size).toBe(0);
    c.drawFrame();
    c.elapse(100);
    expect(flushed).toHaveLength(0);
    c.elapse(PROGRESS_MS);
    expect(flushed).toHaveLength(1);
    expect(flushed[0]!.deltas!.flatMap((d) => d.effects ?? [])).toHaveLength(40);
  });

  it('a change of the ticket’s own during delivery progress is shown at the next frame, with the progress', () => {
    const c = fakeClock();
    const flushed: ChangeSet[] = [];
    const receive = changeBatcher((x) => flushed.push(x), c.clock);
    receive(progress('e1'));
    receive(edit);
    c.drawFrame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]!.deltas!.some((d) => d.ticket)).toBe(true);
    expect(flushed[0]!.deltas!.some((d) => d.effects?.length)).toBe(true);
    c.elapse(PROGRESS_MS);
    expect(flushed).toHaveLength(1);
  });
});
