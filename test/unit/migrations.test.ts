import { afterEach, describe, expect, it } from 'vitest';
import { DB_VERSION, openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { type LinkRecord, type OutboxRecord } from '../../lib/model/records';
import { DEFAULT_TICKET_TYPES, type Ticket } from '../../lib/model/domain';
import { uuidv7 } from '../../lib/model/ids';
import { Store } from '../../lib/store';
import { findConnection } from '../../lib/connectors';

/** Every store and index the current schema (BacklineDB) declares. */
const SCHEMA: Record<string, { keyPath: string | string[]; indexes: Record<string, { keyPath: string | string[]; unique: boolean; multiEntry?: true }> }> = {
  tickets: {
    keyPath: 'id',
    indexes: {
      byNumber: { keyPath: 'number', unique: true },
      byType: { keyPath: 'typeId', unique: false },
    },
  },
  links: {
    keyPath: 'id',
    indexes: {
      byTicket: { keyPath: 'ticketId', unique: false },
      byConversation: { keyPath: 'conversationKey', unique: false },
      byPair: { keyPath: ['ticketId', 'conversationKey'], unique: true },
    },
  },
  activity: {
    keyPath: 'id',
    indexes: { byTicketItem: { keyPath: ['ticketId', 'id'], unique: false } },
  },
  conversations: { keyPath: 'key', indexes: {} },
  ticketTypes: { keyPath: 'id', indexes: {} },
  teammates: { keyPath: 'id', indexes: {} },
  outbox: {
    keyPath: 'id',
    indexes: {
      byStatus: { keyPath: 'status', unique: false },
      byConversationStatus: { keyPath: ['conversationKey', 'status'], unique: false },
      bySource: { keyPath: 'sourceActivityId', unique: false },
    },
  },
  requests: { keyPath: 'requestId', indexes: { byAt: { keyPath: 'at', unique: false } } },
  meta: { keyPath: 'key', indexes: {} },
  connections: { keyPath: 'id', indexes: { byBaseUrl: { keyPath: 'baseUrl', unique: false } } },
  ticketWords: {
    keyPath: ['order', 'ticketId'],
    indexes: {
      byTicket: { keyPath: 'ticketId', unique: true },
    },
  },
  outcomesToShare: { keyPath: 'effectId', indexes: {} },
  activityPacks: { keyPath: ['ticketId', 'first'], indexes: {} },
  syncQueue: { keyPath: 'docId', indexes: { byAt: { keyPath: 'at', unique: false } } },
  fanouts: { keyPath: 'id', indexes: {} },
};

const dbs: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function openCurrent(name: string): Promise<BacklineDatabase> {
  const db = await openBacklineDb(name);
  dbs.push(db);
  return db;
}

function describeSchema(db: BacklineDatabase) {
  const names = Array.from(db.objectStoreNames);
  const tx = db.transaction(names as never[]);
  const out: typeof SCHEMA = {};
  for (const name of names) {
    const store = tx.objectStore(name as never) as unknown as IDBObjectStore;
    const indexes: (typeof SCHEMA)[string]['indexes'] = {};
    for (const ix of Array.from(store.indexNames)) {
      const index = store.index(ix);
      indexes[ix] = { keyPath: index.keyPath as string | string[], unique: index.unique, ...(index.multiEntry ? { multiEntry: true as const } : {}) };
    }
    out[name] = { keyPath: store.keyPath as string | string[], indexes };
  }
  return out;
}

const CONV_KEY = 'chatwoot:https://app.chatwoot.com:1:42';

function v1Ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: uuidv7(),
    number: 1,
    kind: 'backoffice',
    typeId: 'type-bug',
    title: 'Checkout crashes on Safari',
    description: '<p>Since Tuesday</p>',
    user: 'Carol Customer',
    company: 'Acme Ltd',
    sharing: 'internal',
    stateId: 'in_progress',
    assigneeId: null,
    attributes: { 'attr-severity': 'High' },
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_100_000,
    createdBy: 'tm-alice',
    version: 3,
    ...over,
  };
}

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Builds an old database by hand with raw IndexedDB, following the steps of lib/db.ts up to
 * `version`, and fills it with data a user of that version would have.
 */
/** A connection as version 3 stored it: Chatwoot's account id and token. */
const V3_CONNECTION = {
  id: 'conn-v3',
  helpdesk: 'chatwoot',
  baseUrl: 'https://app.chatwoot.com',
  accountId: ' 1 ',
  token: 'secret-token-from-v3',
  label: 'Chatwoot · app.chatwoot.com',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};

async function createOld(
  name: string,
  version: 1 | 2 | 3 | 4,
  data: { tickets: Ticket[]; links: LinkRecord[]; outbox: OutboxRecord[] },
): Promise<void> {
  const open = indexedDB.open(name, version);
  open.onupgradeneeded = () => {
    const db = open.result;
    const tx = open.transaction!;
    // v1
    const tickets = db.createObjectStore('tickets', { keyPath: 'id' });
    tickets.createIndex('byNumber', 'number', { unique: true });
    tickets.createIndex('byUpdated', 'updatedAt');
    const links = db.createObjectStore('links', { keyPath: 'id' });
    links.createIndex('byTicket', 'ticketId');
    links.createIndex('byConversation', 'conversationKey');
    links.createIndex('byPair', ['ticketId', 'conversationKey'], { unique: true });
    db.createObjectStore('activity', { keyPath: 'id' }).createIndex('byTicket', 'ticketId');
    db.createObjectStore('conversations', { keyPath: 'key' });
    const types = db.createObjectStore('ticketTypes', { keyPath: 'id' });
    for (const t of DEFAULT_TICKET_TYPES) types.put(structuredClone(t));
    db.createObjectStore('teammates', { keyPath: 'id' });
    const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
    outbox.createIndex('byStatus', 'status');
    outbox.createIndex('byTicket', 'ticketId');
    db.createObjectStore('requests', { keyPath: 'requestId' }).createIndex('byAt', 'at');
    db.createObjectStore('meta', { keyPath: 'key' });
    if (version >= 2) {
      tx.objectStore('tickets').createIndex('byState', 'stateId');
      tx.objectStore('tickets').createIndex('byType', 'typeId');
      tx.objectStore('outbox').createIndex('byConversation', 'conversationKey');
    }
    if (version >= 3) {
      db.createObjectStore('connections', { keyPath: 'id' }).createIndex('byBaseUrl', 'baseUrl');
      if (version === 3) tx.objectStore('connections').put(V3_CONNECTION);
    }
    if (version >= 4) {
      // v4 changed the connections' shape only.
      const { accountId: _a, token, ...rest } = V3_CONNECTION;
      tx.objectStore('connections').put({ ...rest, account: '1', credentials: { token } });
    }
  };
  const db = await promised(open);
  expect(db.version).toBe(version);
  if (version < 3) expect(Array.from(db.objectStoreNames)).not.toContain('connections');
  if (version === 1) expect(Array.from(db.transaction('tickets').objectStore('tickets').indexNames)).not.toContain('byState');
  const tx = db.transaction(['tickets', 'links', 'outbox', 'meta', 'conversations'], 'readwrite');
  for (const t of data.tickets) tx.objectStore('tickets').put(t);
  for (const l of data.links) tx.objectStore('links').put(l);
  for (const o of data.outbox) tx.objectStore('outbox').put(o);
  tx.objectStore('meta').put({ key: 'ticketCounter', value: data.tickets.length });
  tx.objectStore('conversations').put({
    key: CONV_KEY,
    helpdesk: 'chatwoot',
    origin: 'https://app.chatwoot.com',
    account: '1',
    conversationId: '42',
    kind: 'conversation',
    title: 'Order #1001',
    customerName: 'Carol Customer',
    customerEmail: '',
    company: 'Acme Ltd',
    status: 'unknown',
    statusCheckedAt: null,
    updatedAt: 1_700_000_000_000,
  });
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

describe('opening an empty database', () => {
  it('creates every store and index of the current schema', async () => {
    const db = await openCurrent(`mig-empty-${crypto.randomUUID()}`);
    expect(db.version).toBe(DB_VERSION);
    expect(describeSchema(db)).toEqual(SCHEMA);
  });

  it('starts with the default ticket types, and reopening does not duplicate or reset them', async () => {
    const name = `mig-defaults-${crypto.randomUUID()}`;
    const db = await openCurrent(name);
    expect(await db.getAll('ticketTypes')).toEqual([...DEFAULT_TICKET_TYPES].sort((a, b) => a.id.localeCompare(b.id)));
    const bug = (await db.get('ticketTypes', 'type-bug'))!;
    await db.put('ticketTypes', { ...bug, name: 'Bugs (renamed by admin)' });
    db.close();

    const again = await openCurrent(name);
    expect(await again.count('ticketTypes')).toBe(DEFAULT_TICKET_TYPES.length);
    expect((await again.get('ticketTypes', 'type-bug'))?.name).toBe('Bugs (renamed by admin)');
  });
});

describe.each([1, 2, 3, 4] as const)('migrating from version %i', (from) => {
  async function oldFixture() {
    const name = `mig-v${from}-${crypto.randomUUID()}`;
    const ticket = v1Ticket();
    const resolved = v1Ticket({ id: uuidv7(), number: 2, title: 'Refund sent', typeId: 'type-billing', stateId: 'resolved', attributes: {} });
    const link: LinkRecord = { id: uuidv7(), ticketId: ticket.id, conversationKey: CONV_KEY, createdAt: 1_700_000_000_000, createdBy: 'tm-alice' };
    const effect: OutboxRecord = {
      id: uuidv7(),
      ticketId: ticket.id,
      sourceActivityId: uuidv7(),
      conversationKey: CONV_KEY,
      kind: 'note',
      body: '[Backline] Back-office ticket #1 moved from Submitted to In progress.',
      status: 'queued',
      attempts: 2,
      nextAttemptAt: 1_700_000_200_000,
      lastError: 'helpdesk unreachable',
      createdAt: 1_700_000_100_000,
      updatedAt: 1_700_000_150_000,
    };
    await createOld(name, from, { tickets: [ticket, resolved], links: [link], outbox: [effect] });
    return { name, ticket, resolved, link, effect };
  }

  it(`upgrades to version ${DB_VERSION} with the full current schema and keeps every record`, async () => {
    const { name, ticket, resolved, link, effect } = await oldFixture();
    const db = await openCurrent(name);
    expect(db.version).toBe(DB_VERSION);
    expect(describeSchema(db)).toEqual(SCHEMA);
    expect(await db.get('tickets', ticket.id)).toEqual(ticket);
    expect(await db.get('tickets', resolved.id)).toEqual(resolved);
    expect(await db.getAll('links')).toEqual([link]);
    expect(await db.getAll('outbox')).toEqual([effect]);
    expect(await db.get('meta', 'ticketCounter')).toEqual({ key: 'ticketCounter', value: 2 });
    expect(await db.count('ticketTypes')).toBe(DEFAULT_TICKET_TYPES.length);
    expect((await db.get('conversations', CONV_KEY))?.title).toBe('Order #1001');
    // The connections store (v3) is there; a connection v3 saved has the v4 shape, nothing lost.
    if (from >= 3) {
      const { accountId: _a, token: _t, ...rest } = V3_CONNECTION;
      expect(await db.getAll('connections')).toEqual([{ ...rest, account: '1', credentials: { token: 'secret-token-from-v3' } }]);
    } else {
      expect(await db.count('connections')).toBe(0);
    }
    await db.put('connections', {
      id: 'conn-1',
      helpdesk: 'chatwoot',
      baseUrl: 'https://support.acme.com',
      account: '1',
      credentials: { token: 'secret' },
      label: 'Chatwoot',
      createdAt: 1,
      updatedAt: 1,
    });
    expect((await db.getFromIndex('connections', 'byBaseUrl', 'https://support.acme.com'))?.id).toBe('conn-1');
  });

  it('has the v2 and v8 indexes still read filled from the existing records, and none of those v7 and v8 dropped', async () => {
    const { name, resolved, effect } = await oldFixture();
    const db = await openCurrent(name);
    const tx = db.transaction(['tickets', 'activity', 'outbox']);
    const indexNames = (store: 'tickets' | 'activity' | 'outbox') => Array.from(tx.objectStore(store).indexNames);
    expect(indexNames('tickets')).not.toEqual(expect.arrayContaining(['byState']));
    expect(indexNames('tickets')).not.toEqual(expect.arrayContaining(['byUpdated']));
    expect(indexNames('activity')).not.toEqual(expect.arrayContaining(['byTicket']));
    expect(indexNames('outbox')).not.toEqual(expect.arrayContaining(['byTicket']));
    expect(indexNames('outbox')).not.toEqual(expect.arrayContaining(['byConversation']));
    expect((await db.getAllFromIndex('tickets', 'byType', 'type-billing')).map((t) => t.id)).toEqual([resolved.id]);
    expect(await db.countFromIndex('tickets', 'byType', 'type-general')).toBe(0);
    // v8: the outbox by conversation and status (v2's by conversation alone is gone).
    expect((await db.getAllFromIndex('outbox', 'byConversationStatus', [CONV_KEY, effect.status])).map((o) => o.id)).toEqual([effect.id]);
    expect(await db.countFromIndex('outbox', 'byConversationStatus', [CONV_KEY, effect.status === 'queued' ? 'delivered' : 'queued'])).toBe(0);
    // Indexes from v1 still work too.
    expect((await db.getFromIndex('tickets', 'byNumber', 2))?.id).toBe(resolved.id);
  });

  it('has the v5 search index built for every stored ticket: title words, #numbers, attribute values, filters', async () => {
    const { name, ticket, resolved } = await oldFixture();
    const db = await openCurrent(name);
    expect(await db.count('ticketWords')).toBe(2);
    const byWord = async (term: string) => (await db.getAll('ticketWords')).filter((r) => r.terms.includes(term)).map((r) => r.ticketId);
    expect(await byWord('safari')).toEqual([ticket.id]);
    expect(await byWord('refund')).toEqual([resolved.id]);
    expect(await byWord('#2')).toEqual([resolved.id]);
    expect(await byWord('high')).toEqual([ticket.id]); // the Severity attribute's value
    expect(await byWord('acme')).toEqual(expect.arrayContaining([ticket.id, resolved.id]));
    // v10: searched in memory, without IndexedDB's index of words.
    expect([...db.transaction('ticketWords').store.indexNames]).toEqual(['byTicket']);
    const store = new Store(db);
    expect((await store.queryTickets({ text: 'saf' })).map((s) => s.ticket.id)).toEqual([ticket.id]);
    expect((await store.queryTickets({ text: 'acme', stateId: 'resolved' })).map((s) => s.ticket.id)).toEqual([resolved.id]);
    expect((await store.queryTickets({ text: 'high crashes' })).map((s) => s.ticket.id)).toEqual([ticket.id]);
  });

  it('a connection saved by version 3 still serves its conversations and checks its token', async () => {
    if (from < 3) return;
    const { name } = await oldFixture();
    const store = new Store(await openCurrent(name));
    const [conn] = await store.connectionRecords();
    expect(findConnection({ helpdesk: 'chatwoot', origin: 'https://app.chatwoot.com', account: '1' }, [conn!])?.id).toBe('conn-v3');
    expect(conn!.credentials.token).toBe('secret-token-from-v3');
  });

  it('the store works on the migrated data: numbering continues, queue and previews see old records', async () => {
    const { name, ticket } = await oldFixture();
    const db = await openCurrent(name);
    const store = new Store(db);
    const me = await store.me();
    const fresh = await store.createTicket({ requestId: uuidv7(), actorId: me.id, title: 'After upgrade', typeId: 'type-general' });
    expect(fresh.number).toBe(3);
    expect((await store.queryTickets({ text: '#1' })).map((s) => s.ticket.id)).toEqual([ticket.id]);
    expect((await store.queryTickets({ text: 'checkout safari' })).map((s) => s.ticket.id)).toEqual([ticket.id]);
    const linked = await store.linkedTickets(CONV_KEY);
    expect(linked.map((s) => s.ticket.id)).toEqual([ticket.id]);
    expect(linked[0]).toMatchObject({ stateLabel: 'In progress', typeName: 'Bug report', linkCount: 1 });
    const messages = await store.backlineMessages(CONV_KEY);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain('moved from Submitted to In progress');
    // An edit made against the stored version goes through; the version keeps counting.
    const edited = await store.updateTicket({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, baseVersion: 3, changes: { title: 'Checkout crashes' } });
    expect(edited.version).toBe(4);
  });
});
