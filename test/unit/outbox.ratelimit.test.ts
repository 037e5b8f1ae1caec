/**
 * A burst: a back-office ticket linked to 50 Zendesk tickets changes state, and the Zendesk
 * stand-in allows only so many requests per window (answering the rest 429 with Retry-After, as
 * Zendesk does). Every effect ends delivered, exactly once, none failed: a rate limit delays,
 * it never fails a delivery the agent would have to retry.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { conversationKey } from '../../lib/helpdesks';
import { processOutbox, idempotencyKey, type OutboxDeps } from '../../lib/background/outbox';
import { noteMarker } from '../../lib/connectors';
import { uuidv7 } from '../../lib/model/ids';
import type { ConnectionRecord, OutboxRecord } from '../../lib/model/records';
import type { ConversationInput } from '../../lib/model/views';
import { Store } from '../../lib/store';
import { openBacklineDb } from '../../lib/store/schema';
import { startZendeskStandin, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../standins/zendesk.mjs';

const ME = { id: 'tm-me', name: 'Alice Agent', email: '', kind: 'person' as const };
const IDS = Array.from({ length: 50 }, (_, i) => 1000 + i);

let zd: Awaited<ReturnType<typeof startZendeskStandin>>;
beforeAll(async () => {
  zd = await startZendeskStandin();
  const template = zd.state.tickets[1]!;
  for (const id of IDS) zd.state.tickets.push({ ...template, id, status: 'solved', comments: [{ ...template.comments[0]!, id: id * 10 }] });
});
afterAll(async () => {
  await zd?.close();
});

function conv(id: number): ConversationInput {
  const ctx = { helpdesk: 'zendesk' as const, origin: zd.url, account: '', conversationId: String(id) };
  return { key: conversationKey(ctx), ...ctx, kind: 'ticket', title: '', customerName: '', customerEmail: '', company: '' };
}

it('50 linked tickets through a 429-ing Zendesk: all delivered once, none failed', async () => {
  const db = await openBacklineDb(`ratelimit-${crypto.randomUUID()}`);
  await db.put('teammates', ME);
  const conn: ConnectionRecord = {
    id: uuidv7(),
    helpdesk: 'zendesk',
    baseUrl: zd.url,
    account: '',
    credentials: { email: ZENDESK_EMAIL, token: ZENDESK_TOKEN },
    label: 'Zendesk',
    createdAt: Date.now(),
    updatedAt: Date.now(),
  };
  await db.put('connections', conn);
  const store = new Store(db);
  const t = await store.createTicket({ requestId: uuidv7(), actorId: ME.id, title: 'Outage', typeId: 'type-general', conversation: conv(IDS[0]!) });
  for (const id of IDS.slice(1)) await store.link({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, conversation: conv(id) });
  await store.changeState({ requestId: uuidv7(), actorId: ME.id, ticketId: t.id, baseVersion: 1, stateId: 'in_progress' });

  // 40 requests a second: the burst (3 requests a ticket) needs several windows.
  await fetch(`${zd.url}/__standin/ratelimit`, { method: 'POST', body: JSON.stringify({ max: 40, windowMs: 1000 }) });
  // The outbox's clock moves as it asks (Retry-After); the stand-in's window is real time, so
  // each wait is also slept through, as the extension's alarms would.
  let clock = Date.now();
  const deps: OutboxDeps = { store, connections: () => db.getAll('connections'), now: () => clock, random: () => 0.5, timeoutMs: 5000, backoff: { maxAttempts: 3 } };
  for (let run = 0; run < 40; run++) {
    const r = await processOutbox(deps);
    if (r.nextWakeAt === null) break;
    const wait = Math.max(0, r.nextWakeAt - clock);
    clock += wait;
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1100)));
  }

  const all: OutboxRecord[] = await db.getAll('outbox');
  expect(all).toHaveLength(100);
  expect(all.filter((e) => e.status !== 'delivered').map((e) => [e.kind, e.status, e.lastError])).toEqual([]);
  expect(zd.state.rateLimit!.refused).toBeGreaterThan(0);
  for (const e of all.filter((x) => x.kind === 'note')) {
    const id = Number(e.conversationKey.split(':').at(-1));
    const tk = zd.state.tickets.find((x) => x.id === id)!;
    expect(tk.comments.filter((c) => !c.public && c.body.includes(noteMarker(idempotencyKey(e.id))))).toHaveLength(1);
  }
  expect(IDS.map((id) => zd.state.tickets.find((x) => x.id === id)!.status).every((s) => s === 'open')).toBe(true);
  db.close();
}, 60_000);
