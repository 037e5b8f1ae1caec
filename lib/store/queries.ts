/** Reads: the read models pages are shown (ticket view, queue, linked tickets, preview). */
import { readMeta, writeMeta } from './meta';
import { describeActivity } from '../model/activity';
import { findState, parseTicketNumber, type Ticket, type TicketType } from '../model/domain';
import { BacklineError } from '../model/errors';
import { uuidv7 } from '../model/ids';
import type { ConversationRecord, Teammate } from '../model/records';
import type { ActivityPage, PreviewMessage, TicketQuery, TicketSummary, TicketView } from '../model/views';
import type { StoreEngine, Tx } from './engine';
import { filterTerm, parseSearchText } from '../model/search-words';
import { activityPage, lastActivity } from './activity-log';
import { pendingEffects } from './propagation';
import { getMany } from './get-many';

export async function listTypes(s: StoreEngine, includeArchived = false): Promise<TicketType[]> {
  const types = await s.db.getAll('ticketTypes');
  return types.filter((t) => includeArchived || !t.archived).sort((a, b) => a.name.localeCompare(b.name));
}

export async function listTeammates(s: StoreEngine): Promise<Teammate[]> {
  return (await s.db.getAll('teammates')).sort((a, b) => a.name.localeCompare(b.name));
}

/** The teammate this browser acts as; created on first use so notes always have an author. */
export async function me(s: StoreEngine): Promise<Teammate> {
  // One transaction for both reads: every write request asks this first.
  const read = s.db.transaction(['meta', 'teammates']);
  const id = await readMeta(read, 'me');
  const found = id ? await read.objectStore('teammates').get(id) : undefined;
  if (found) return found;
  const tx = s.db.transaction(['meta', 'teammates'], 'readwrite');
  const again = await readMeta(tx, 'me');
  const existing = again ? await tx.objectStore('teammates').get(again) : undefined;
  if (existing) {
    await tx.done;
    return existing;
  }
  const me: Teammate = { id: uuidv7(), name: 'Me', email: '', kind: 'person' };
  await tx.objectStore('teammates').put(me);
  await writeMeta(tx, 'me', me.id);
  await tx.done;
  return me;
}

export async function getConversation(s: StoreEngine, key: string): Promise<ConversationRecord | null> {
  return (await s.db.get('conversations', key)) ?? null;
}

export async function getTicket(s: StoreEngine, id: string): Promise<Ticket> {
  const t = await s.db.get('tickets', id);
  if (!t) throw new BacklineError('not_found', 'This ticket no longer exists.');
  return t;
}

/** How many activity items a ticket view shows at first, and each "Show earlier activity" adds. */
export const ACTIVITY_PAGE = 100;

/**
 * A ticket as the panel shows it: the ticket, its type and links, and its newest activity
 * items (a page) with their effects. A ticket with 10,000 items reads as much as one with 100.
 */
export async function getTicketView(s: StoreEngine, id: string, pageSize = ACTIVITY_PAGE): Promise<TicketView> {
  // Asked before the transaction opens: awaiting another transaction inside it would let it end.
  const packed = await s.hasPacks();
  const tx = s.db.transaction(['tickets', 'ticketTypes', 'activity', 'activityPacks', 'links', 'conversations', 'outbox', 'fanouts']);
  const ticket = await tx.objectStore('tickets').get(id);
  if (!ticket) throw new BacklineError('not_found', 'This ticket no longer exists.');
  const [type, page, links] = await Promise.all([
    tx.objectStore('ticketTypes').get(ticket.typeId),
    readActivityPage(tx, id, null, pageSize, packed),
    tx.objectStore('links').index('byTicket').getAll(id),
  ]);
  const conversations = await getMany(tx.objectStore('conversations'), links.map((l) => l.conversationKey), (c) => c.key);
  await tx.done;
  return {
    ticket,
    type: type ?? null,
    activity: page.activity,
    links: links.map((link, i) => ({ link, conversation: conversations[i] ?? null })),
    effects: page.effects,
    earlierActivity: page.earlier,
  };
}

/** The activity items of a ticket older than `beforeId` (a page of them, newest first), with their effects. */
export async function getActivityPage(s: StoreEngine, ticketId: string, beforeId: string, pageSize = ACTIVITY_PAGE): Promise<ActivityPage> {
  const packed = await s.hasPacks();
  const tx = s.db.transaction(['activity', 'activityPacks', 'outbox', 'fanouts']);
  const page = await readActivityPage(tx, ticketId, beforeId, pageSize, packed);
  await tx.done;
  return page;
}

async function readActivityPage(tx: Tx<IDBTransactionMode>, ticketId: string, beforeId: string | null, pageSize: number, packed: boolean): Promise<ActivityPage> {
  const { activity, earlier } = await activityPage(tx, ticketId, beforeId, pageSize, packed);
  const bySource = tx.objectStore('outbox').index('bySource');
  const onPage = new Set(activity.map((a) => a.id));
  // A read opened while a write committed can come before that write's effects are fanned out
  // into the outbox (./propagation.ts): they are shown from their pending record.
  const [stored, pending] = await Promise.all([Promise.all(activity.map((a) => bySource.getAll(a.id))), pendingEffects(tx)]);
  const effects = [...stored.flat(), ...pending.filter((e) => onPage.has(e.sourceActivityId))];
  return { activity, effects: effects.sort((a, b) => a.id.localeCompare(b.id)), earlier };
}

const SUMMARY_STORES = ['ticketTypes', 'activity', 'activityPacks', 'links', 'teammates'] as const;

export async function summarize(s: StoreEngine, tickets: Ticket[]): Promise<TicketSummary[]> {
  const packed = await s.hasPacks();
  // Before the transaction: a write that commits while it is open makes what it read unkept.
  const since = s.summaries.begin();
  const tx = s.db.transaction([...SUMMARY_STORES]);
  const out = await summarizeIn(s, tx, since, tickets.map((t) => Promise.resolve(t)), packed);
  await tx.done;
  return out;
}

/**
 * Summaries of tickets as they are read, in the caller's transaction (which holds the summary
 * stores): the catalogue's reads and each ticket's extras are asked together, not in turn.
 */
async function summarizeIn(s: StoreEngine, tx: Tx<IDBTransactionMode>, since: number, tickets: Promise<Ticket | undefined>[], packed: boolean): Promise<TicketSummary[]> {
  const typesRead = tx.objectStore('ticketTypes').getAll();
  const peopleRead = tx.objectStore('teammates').getAll();
  const rows = await Promise.all(
    tickets.map(async (read) => {
      const ticket = await read;
      if (!ticket) return null;
      let parts = s.summaries.get(ticket.id);
      if (!parts) {
        parts = { last: await lastActivity(tx, ticket.id, packed), linkCount: await tx.objectStore('links').index('byTicket').count(ticket.id) };
        s.summaries.keep(since, ticket.id, parts);
      }
      return { ticket, ...parts };
    }),
  );
  const types = new Map((await typesRead).map((t) => [t.id, t]));
  const people = new Map((await peopleRead).map((t) => [t.id, t.name]));
  return rows
    .filter((r) => r !== null)
    .map(({ ticket, last, linkCount }) => {
      const type = types.get(ticket.typeId);
      return {
        ticket,
        typeName: type?.name ?? 'Unknown type',
        stateLabel: findState(type, ticket.stateId)?.label ?? ticket.stateId,
        lastUpdate: last ? describeActivity(last, type, people) : 'Created',
        lastUpdateAt: last?.at ?? ticket.createdAt,
        linkCount,
      };
    });
}

/**
 * How many tickets are linked to one conversation (the toolbar's badge): the tickets of
 * `linkedTickets`, without reading their summaries. A link whose ticket has not arrived yet (the
 * workspace replicates records in any order) is not counted, as it is not listed.
 */
export async function linkedCount(s: StoreEngine, conversationKey: string): Promise<number> {
  const tx = s.db.transaction(['links', 'tickets']);
  const links = await tx.objectStore('links').index('byConversation').getAll(conversationKey);
  const present = await Promise.all(links.map((l) => tx.objectStore('tickets').getKey(l.ticketId)));
  await tx.done;
  return new Set(present.filter((id) => id !== undefined)).size;
}

/** Tickets linked to one conversation, most recently updated first. */
export async function linkedTickets(s: StoreEngine, conversationKey: string): Promise<TicketSummary[]> {
  const links = await s.db.getAllFromIndex('links', 'byConversation', conversationKey);
  const tickets = (await Promise.all(links.map((l) => s.db.get('tickets', l.ticketId)))).filter(
    (t): t is Ticket => !!t,
  );
  tickets.sort((a, b) => b.updatedAt - a.updatedAt);
  return summarize(s, tickets);
}

/**
 * The queue: search by number, words (of titles, users, companies and attribute values; the last
 * word a prefix) and filters by state, type and assignee, most recently updated first, `limit`
 * at a time (`before`: the last ticket of the previous page). Reads the search index
 * (./ticket-index.ts) and the page's tickets, never every ticket.
 */
export async function queryTickets(s: StoreEngine, q: TicketQuery): Promise<TicketSummary[]> {
  const limit = Math.min(q.limit ?? 100, 500);
  const number = q.text ? parseTicketNumber(q.text) : null;
  if (number !== null) {
    if (q.before) return [];
    const t = await s.db.getFromIndex('tickets', 'byNumber', number);
    return t ? summarize(s, [t]) : [];
  }
  const { words, prefix } = parseSearchText(q.text ?? '');
  const terms = [...words];
  if (q.stateId) terms.push(filterTerm.state(q.stateId));
  if (q.typeId) terms.push(filterTerm.type(q.typeId));
  if (q.assigneeId !== undefined) terms.push(filterTerm.assignee(q.assigneeId));
  // The index's keys are [-updatedAt, id]: the next page starts after the last ticket's key.
  const after: [number, string] | undefined = q.before ? [-q.before.updatedAt, q.before.id] : undefined;
  const searching = terms.length > 0 || prefix !== null;
  // Searched in memory (./word-index.ts).
  const found = searching ? await s.words.find(s.db, terms, prefix, limit, after) : null;
  // The queue is open: its first search should find the index built (after this list is read).
  if (!searching) s.words.buildSoon(s.db, 200);
  const packed = await s.hasPacks();
  const since = s.summaries.begin();
  const tx = s.db.transaction(['ticketWords', 'tickets', ...SUMMARY_STORES]);
  const ids =
    found ??
    // No words, no filters: the newest page of the index's own keys.
    ((await tx.objectStore('ticketWords').getAllKeys(after ? IDBKeyRange.lowerBound(after, true) : null, limit)) as [number, string][]).map((k) => k[1]);
  // The page's tickets: those kept since an earlier read, and the others in one read where they
  // lie close together (ids grow with time, and the queue shows the newest).
  const known = ids.map((id) => s.summaries.getTicket(id));
  const missing = ids.filter((_, i) => !known[i]);
  const read = new Map<string, Ticket>();
  for (const t of await getMany(tx.objectStore('tickets'), missing, (t) => t.id)) {
    if (!t) continue;
    read.set(t.id, t);
    s.summaries.keepTicket(since, t);
  }
  const out = await summarizeIn(s, tx, since, ids.map((id, i) => Promise.resolve(known[i] ?? read.get(id))), packed);
  await tx.done;
  return out;
}

/** What Backline sent (or will send) to a conversation: the preview when no helpdesk can be read. */
export async function backlineMessages(s: StoreEngine, conversationKey: string): Promise<PreviewMessage[]> {
  const effects = await s.db.getAllFromIndex('outbox', 'byConversationStatus', IDBKeyRange.bound([conversationKey], [conversationKey, '\uffff']));
  return effects
    .filter((e) => e.kind === 'note')
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((e) => ({
      id: e.id,
      kind: 'note' as const,
      author: 'Backline',
      text: e.status === 'delivered' ? e.body : `${e.body}\n\n(${e.status === 'queued' ? 'not delivered yet' : e.status})`,
      at: e.createdAt,
    }));
}
