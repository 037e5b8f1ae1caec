import { afterEach, describe, expect, it } from 'vitest';
import {
  classifySender,
  createHandlers,
  handleMessage,
  type BackgroundEnv,
  type SenderInfo,
  type TabContext,
} from '../../lib/background/service';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { type ConversationRecord } from '../../lib/model/records';
import { conversationKey } from '../../lib/helpdesks';
import { type PageContext } from '../../lib/model/helpdesk';
import { uuidv7 } from '../../lib/model/ids';
import { allowedFor, parseRequest, requestSchemas, type BackgroundEvent, type Reply, type RequestType, type ResponseMap, type SenderRole } from '../../lib/protocol';
import { type PreviewResult } from '../../lib/model/views';
import { normalizeTicketType, type TicketTypeInput } from '../../lib/model/admin';
import { Store } from '../../lib/store';

const rid = () => uuidv7();

// ---------------------------------------------------------------------------------------------
// parseRequest
// ---------------------------------------------------------------------------------------------

const CTX: PageContext = {
  helpdesk: 'chatwoot',
  origin: 'https://app.chatwoot.com',
  account: '1',
  conversationId: '42',
  kind: 'conversation',
};
const KEY = conversationKey(CTX);

function rejects(message: unknown, mention?: string | RegExp) {
  const r = parseRequest(message);
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.code).toBe('invalid');
    if (mention) expect(r.error.message).toMatch(mention);
  }
}

describe('parseRequest', () => {
  it.each([null, undefined, 'ui:catalog', 42, true, [], [{ type: 'ui:catalog', payload: {} }]])(
    'rejects a message that is not an object: %j',
    (message) => rejects(message, /must be an object/),
  );

  it.each([
    [{ payload: {} }],
    [{ type: 42, payload: {} }],
    [{ type: 'ui:dropEverything', payload: {} }],
    [{ type: 'bg:changed', payload: {} }],
    [{ type: 'toString', payload: {} }],
    [{ type: '__proto__', payload: {} }],
  ])('rejects an unknown type: %j', (message) => rejects(message, /Unknown message type/));

  it('rejects a payload with a missing field and names the field', () => {
    rejects({ type: 'ui:addNote', payload: { requestId: rid(), ticketId: 't1', crossPost: true } }, /body/);
    rejects({ type: 'ui:ticketView', payload: {} }, /ticketId/);
    rejects({ type: 'ui:ticketView' }, /ticketId/);
  });

  it('rejects extra fields, also in nested objects (strict objects)', () => {
    rejects({ type: 'ui:ticketView', payload: { ticketId: 't1', admin: true } }, /admin/);
    rejects({
      type: 'ui:updateTicket',
      payload: { requestId: rid(), ticketId: 't1', baseVersion: 1, changes: { title: 'x', version: 99 } },
    });
    rejects({ type: 'cs:pageContext', payload: { context: { ...CTX, extra: 'x' } } });
    rejects({ type: 'admin:saveSettings', payload: { requestId: rid(), settings: { preventReopen: true, debug: true } } });
  });

  it('rejects fields of the wrong type', () => {
    rejects({ type: 'ui:addNote', payload: { requestId: rid(), ticketId: 't1', body: 'hi', crossPost: 'yes' } }, /crossPost/);
    rejects({ type: 'ui:ticketView', payload: { ticketId: 7 } });
    rejects({ type: 'ui:ticketView', payload: { ticketId: '' } });
    rejects({ type: 'ui:changeState', payload: { requestId: rid(), ticketId: 't', baseVersion: 1.5, stateId: 's' } }, /baseVersion/);
    rejects({ type: 'ui:changeState', payload: { requestId: rid(), ticketId: 't', baseVersion: 0, stateId: 's' } }, /baseVersion/);
    rejects({ type: 'ui:changeState', payload: { requestId: rid(), ticketId: 't', baseVersion: '2', stateId: 's' } });
    rejects({ type: 'ui:queryTickets', payload: { limit: 501 } });
    rejects({ type: 'ui:createTicket', payload: { requestId: rid(), title: 'x', typeId: 't', attributes: { a: { nested: 1 } } } });
    rejects({ type: 'cs:pageContext', payload: { context: { ...CTX, helpdesk: 'myspace' } } });
    rejects({ type: 'cs:pageContext', payload: { context: { ...CTX, origin: 'not a url' } } });
    rejects({ type: 'ui:updateTicket', payload: { requestId: rid(), ticketId: 't', baseVersion: 1, changes: { sharing: 'public' } } });
    rejects({ type: 'ui:ticketView', payload: 'ticket-1' });
  });

  it('rejects oversize strings', () => {
    rejects({ type: 'ui:createTicket', payload: { requestId: rid(), title: 'x'.repeat(2001), typeId: 't' } }, /title/);
    rejects({ type: 'ui:conversationView', payload: { conversationKey: 'k'.repeat(1001) } });
    rejects({ type: 'ui:ticketView', payload: { ticketId: 'i'.repeat(201) } });
    rejects({ type: 'ui:addNote', payload: { requestId: rid(), ticketId: 't', body: 'b'.repeat(1_000_001), crossPost: false } });
    rejects({ type: 'ui:createTicket', payload: { requestId: rid(), title: 'x', typeId: 't', attributes: { ['k'.repeat(201)]: 1 } } });
    rejects({ type: 'cs:pageContext', payload: { context: CTX, details: { title: 't'.repeat(501) } } });
  });

  it.each(['', 'short', 'has spaces in it', 'a'.repeat(65), '../../../etc/passwd', 'ticket;drop', 42, null])(
    'rejects a bad requestId: %j',
    (requestId) => rejects({ type: 'ui:addNote', payload: { requestId, ticketId: 't1', body: 'hi', crossPost: false } }, /requestId/),
  );

  it('accepts well-formed messages and returns their payload', () => {
    const requestId = rid();
    const create = parseRequest({
      type: 'ui:createTicket',
      payload: { requestId, title: 'Refund', typeId: 'type-billing', attributes: { 'attr-amount': 12.5, flag: true, none: null }, conversation: { key: KEY } },
    });
    expect(create).toEqual({
      ok: true,
      type: 'ui:createTicket',
      payload: { requestId, title: 'Refund', typeId: 'type-billing', attributes: { 'attr-amount': 12.5, flag: true, none: null }, conversation: { key: KEY } },
    });
    expect(parseRequest({ type: 'ui:catalog' })).toEqual({ ok: true, type: 'ui:catalog', payload: {} });
    expect(parseRequest({ type: 'cs:pageContext', payload: { context: null } }).ok).toBe(true);
    expect(parseRequest({ type: 'admin:saveSettings', payload: { requestId, settings: { preventReopen: true } } }).ok).toBe(true);
    expect(parseRequest({ type: 'ui:queryTickets', payload: { text: '#12', assigneeId: null, limit: 500 } }).ok).toBe(true);
    expect(
      parseRequest({
        type: 'ui:changeState',
        payload: { requestId, ticketId: 't', baseVersion: 3, stateId: 'resolved', propagation: [{ conversationKey: KEY, note: true, reopen: false }] },
      }).ok,
    ).toBe(true);
  });

  it('fills in empty page details a content script left out', () => {
    const r = parseRequest({ type: 'cs:pageContext', payload: { context: CTX, details: { title: 'Order 1' } } });
    expect(r.ok && r.payload).toEqual({ context: CTX, details: { title: 'Order 1', customerName: '', customerEmail: '', company: '' } });
  });
});

describe('parseRequest: records have the limits and formats of the forms and the import', () => {
  const type = (patch: object = {}) => ({
    name: 'Hardware',
    category: 'backoffice',
    icon: '💻',
    color: '#336699',
    attributes: [{ id: 'attr-device', name: 'Device', type: 'list', required: true, options: ['Laptop', 'Phone'] }],
    states: [
      { id: 'new', label: 'New', category: 'submitted' },
      { id: 'doing', label: 'Doing', category: 'in_progress' },
      { id: 'waiting', label: 'Waiting', category: 'waiting' },
      { id: 'done', label: 'Done', category: 'resolved' },
    ],
    ...patch,
  });
  const saveType = (patch: object) => ({ type: 'admin:saveTicketType', payload: { requestId: rid(), type: type(patch) } });

  it('refuses a colour that is not #rrggbb, such as a url() or extra declarations', () => {
    for (const color of ['url(http://127.0.0.1:9/x.png)', 'red;background:url(http://127.0.0.1:9/x)', 'blue', '#fff']) {
      rejects(saveType({ color }), /^Malformed admin:saveTicketType message: type\.color: Choose a colour \(a value like #4f6bed\)\.$/);
    }
    const ok = parseRequest(saveType({ color: ' #ABCDEF ' }));
    expect(ok.ok && (ok.payload as { type: { color: string } }).type.color).toBe('#abcdef');
  });

  it('holds ticket types, teammates, tickets and connections to the same limits, allowed at the limit and refused above it', () => {
    const x = (n: number) => 'x'.repeat(n);
    const fine = (m: unknown) => expect(parseRequest(m)).toMatchObject({ ok: true });
    fine(saveType({ name: x(80) }));
    rejects(saveType({ name: x(81) }), /type\.name: Keep the ticket type’s name to 80 characters or fewer\./);
    fine(saveType({ icon: '🐞🐞🐞🐞' }));
    rejects(saveType({ icon: '🐞🐞🐞🐞🐞' }), /type\.icon: Use a short icon/);
    rejects(saveType({ attributes: [{ id: 'a', name: x(81), type: 'text', required: false }] }), /type\.attributes\.0\.name: Keep attribute names to 80 characters/);
    fine(saveType({ attributes: [{ id: 'a', name: 'L', type: 'list', required: false, options: Array.from({ length: 200 }, (_, i) => `o${i}`) }] }));
    rejects(saveType({ attributes: [{ id: 'a', name: 'L', type: 'list', required: false, options: Array.from({ length: 201 }, (_, i) => `o${i}`) }] }), /A list can have at most 200 items/);
    rejects(saveType({ attributes: [{ id: 'a', name: 'L', type: 'list', required: false, options: [x(201)] }] }), /Keep list items to 200 characters/);
    rejects(saveType({ states: [{ id: 's', label: x(61), category: 'submitted' }] }), /type\.states\.0\.label: Keep state labels to 60 characters/);

    const teammate = (patch: object) => ({ type: 'admin:saveTeammate', payload: { requestId: rid(), teammate: { name: 'Ada', email: '', kind: 'person', ...patch } } });
    fine(teammate({ name: x(100) }));
    rejects(teammate({ name: x(101) }), /teammate\.name: Keep names to 100 characters/);
    rejects(teammate({ email: 'ada@' }), /teammate\.email: “ada@” is not an email address/);
    fine(teammate({ email: `${x(308)}@example.com` }));
    rejects(teammate({ email: `${x(309)}@example.com` }), /Keep the email address to 320 characters/);

    const create = (title: string) => ({ type: 'ui:createTicket', payload: { requestId: rid(), title, typeId: 't' } });
    fine(create(x(300)));
    fine(create(` ${x(300)} `)); // trimmed, as the store trims it
    rejects(create(x(301)), /^Malformed ui:createTicket message: title: Keep the title under 300 characters\.$/);
    rejects({ type: 'ui:updateTicket', payload: { requestId: rid(), ticketId: 't', baseVersion: 1, changes: { user: x(1001) } } }, /changes\.user/);

    const connection = (patch: object) => ({
      type: 'admin:saveConnection',
      payload: { requestId: rid(), connection: { helpdesk: 'chatwoot', baseUrl: 'https://support.example.com', account: '1', credentials: { token: 'tok' }, ...patch } },
    });
    fine(connection({ label: x(100), credentials: { token: x(1000) } }));
    rejects(connection({ label: x(101) }), /connection\.label: Keep the label to 100 characters/);
    rejects(connection({ credentials: { token: x(1001) } }), /connection\.credentials\.token/);
  });

  it('the options page’s form check and the protocol refuse the same types with the same words', () => {
    const bad = [
      { name: ' ' },
      { name: 'x'.repeat(81) },
      { color: 'url(http://127.0.0.1:9/x)' },
      { icon: 'abcde' },
      { attributes: [{ id: 'a', name: '', type: 'text', required: false }] },
      { states: [{ id: 's', label: '', category: 'submitted' }] },
    ];
    for (const patch of bad) {
      const formSays = (() => {
        try {
          normalizeTicketType(type(patch) as TicketTypeInput);
          return 'accepted';
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(formSays).not.toBe('accepted');
      rejects(saveType(patch), `: ${formSays}`);
    }
  });
});

describe('allowedFor', () => {
  const types = Object.keys(requestSchemas) as RequestType[];
  const roles: SenderRole[] = ['content', 'page', 'options'];
  // cs: only content scripts; ui: extension pages; admin: (and opt:) only the options page.
  const expected = (type: string, role: SenderRole) =>
    type.startsWith('cs:') ? role === 'content' : type.startsWith('ui:') ? role !== 'content' : role === 'options';

  it('covers every request type with one of the known prefixes', () => {
    expect(types.length).toBeGreaterThan(10);
    for (const t of types) expect(t).toMatch(/^(cs|ui|admin|opt):/);
    expect(types).toContain('admin:saveSettings');
  });

  it.each(types.flatMap((t) => roles.map((r) => [t, r] as const)))('%s from %s', (type, role) => {
    expect(allowedFor(type, role)).toBe(expected(type, role));
  });
});

// ---------------------------------------------------------------------------------------------
// classifySender
// ---------------------------------------------------------------------------------------------

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT_ORIGIN = `chrome-extension://${RUNTIME_ID}`;
const HELPDESK_URL = 'https://app.chatwoot.com/app/accounts/1/conversations/42';

describe('classifySender', () => {
  it('gives no role to another extension, even one claiming our pages', () => {
    expect(classifySender({ id: 'other-extension', url: `${EXT_ORIGIN}/options.html` }, RUNTIME_ID, EXT_ORIGIN).role).toBeNull();
    expect(classifySender({ id: 'other-extension', url: HELPDESK_URL, tab: { id: 3 } }, RUNTIME_ID, EXT_ORIGIN).role).toBeNull();
    expect(classifySender({ url: HELPDESK_URL, tab: { id: 3 } }, RUNTIME_ID, EXT_ORIGIN).role).toBeNull();
  });

  it('treats our extension pages as "page", and only /options.html as "options"', () => {
    expect(classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}/panel.html` }, RUNTIME_ID, EXT_ORIGIN)).toEqual({
      role: 'page',
      tabId: null,
      url: `${EXT_ORIGIN}/panel.html`,
    });
    expect(classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}/panel.html?embedded=1`, tab: { id: 9 } }, RUNTIME_ID, `${EXT_ORIGIN}/`)).toMatchObject({
      role: 'page',
      tabId: 9,
    });
    expect(classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}/options.html` }, RUNTIME_ID, EXT_ORIGIN).role).toBe('options');
    expect(classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}/options.html#admin` }, RUNTIME_ID, `${EXT_ORIGIN}/`).role).toBe('options');
    expect(classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}/panel.html#/options.html` }, RUNTIME_ID, EXT_ORIGIN).role).toBe('page');
  });

  it('treats our id on a web page in a tab as a content script', () => {
    expect(classifySender({ id: RUNTIME_ID, url: HELPDESK_URL, tab: { id: 7 } }, RUNTIME_ID, EXT_ORIGIN)).toEqual({
      role: 'content',
      tabId: 7,
      url: HELPDESK_URL,
    });
    // A web page that happens to serve /options.html is still only a content script.
    expect(classifySender({ id: RUNTIME_ID, url: 'https://evil.example/options.html', tab: { id: 7 } }, RUNTIME_ID, EXT_ORIGIN).role).toBe('content');
    // An origin that merely starts like ours is not ours.
    expect(
      classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}evil/options.html`, tab: { id: 7 } }, RUNTIME_ID, EXT_ORIGIN).role,
    ).toBe('content');
  });

  it('gives no role to a non-extension URL outside any tab', () => {
    expect(classifySender({ id: RUNTIME_ID, url: HELPDESK_URL }, RUNTIME_ID, EXT_ORIGIN).role).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// handleMessage with a fake background environment
// ---------------------------------------------------------------------------------------------

const dbs: BacklineDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function background(extra: Partial<BackgroundEnv> = {}) {
  const db = await openBacklineDb(`protocol-test-${crypto.randomUUID()}`);
  dbs.push(db);
  const events: BackgroundEvent[] = [];
  const store = new Store(db, (changes) => events.push({ type: 'bg:changed', changes }));
  const tabs = new Map<number, TabContext>();
  let unlocked = false;
  let kicks = 0;
  const env: BackgroundEnv = {
    store: async () => store,
    getTabContext: async (tabId) => tabs.get(tabId),
    setTabContext: async (tabId, value) => {
      tabs.set(tabId, value);
    },
    broadcast: (event) => events.push(event),
    adminUnlocked: async () => unlocked,
    kickOutbox: () => {
      kicks++;
    },
    ...extra,
  };
  const handlers = createHandlers(env);
  const send = <K extends RequestType>(type: K, payload: unknown, sender: SenderInfo) =>
    handleMessage(handlers, env, { type, payload }, sender) as Promise<Reply<ResponseMap[K]>>;
  return {
    db,
    store,
    tabs,
    events,
    send,
    raw: (message: unknown, sender: SenderInfo) => handleMessage(handlers, env, message, sender),
    unlock: (v: boolean) => {
      unlocked = v;
    },
    kicks: () => kicks,
  };
}

const contentSender = (tabId = 7) => classifySender({ id: RUNTIME_ID, url: HELPDESK_URL, tab: { id: tabId } }, RUNTIME_ID, EXT_ORIGIN);
const panelSender = (tabId: number | null = 7) =>
  classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}/panel.html`, tab: tabId === null ? undefined : { id: tabId } }, RUNTIME_ID, EXT_ORIGIN);
const optionsSender = () => classifySender({ id: RUNTIME_ID, url: `${EXT_ORIGIN}/options.html` }, RUNTIME_ID, EXT_ORIGIN);

async function nothingWritten(db: BacklineDatabase) {
  expect(await db.count('tickets')).toBe(0);
  expect(await db.count('activity')).toBe(0);
  expect(await db.count('links')).toBe(0);
  expect(await db.count('outbox')).toBe(0);
  expect(await db.count('requests')).toBe(0);
  expect(await db.get('meta', 'ticketCounter')).toBeUndefined();
  expect(await db.get('meta', 'settings')).toBeUndefined();
}

function expectError(reply: Reply<unknown>, code: string) {
  expect(reply.ok).toBe(false);
  if (!reply.ok) expect(reply.error.code).toBe(code);
}

function data<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.data;
}

describe('handleMessage: who may say what', () => {
  it('refuses ui:createTicket from a content script and writes nothing', async () => {
    const bg = await background();
    const reply = await bg.send('ui:createTicket', { requestId: rid(), title: 'Sneaky', typeId: 'type-general' }, contentSender());
    expectError(reply, 'forbidden');
    if (!reply.ok) expect(reply.error.message).toContain('web page');
    await nothingWritten(bg.db);
  });

  it('refuses every message from a sender without a role', async () => {
    const bg = await background();
    const stranger = classifySender({ id: 'other', url: `${EXT_ORIGIN}/panel.html` }, RUNTIME_ID, EXT_ORIGIN);
    expectError(await bg.send('ui:createTicket', { requestId: rid(), title: 'x', typeId: 'type-general' }, stranger), 'forbidden');
    expectError(await bg.raw('garbage', stranger), 'forbidden');
    await nothingWritten(bg.db);
  });

  it('refuses cs:pageContext from the panel and records no tab context', async () => {
    const bg = await background();
    expectError(await bg.send('cs:pageContext', { context: CTX }, panelSender()), 'forbidden');
    expect(bg.tabs.size).toBe(0);
    expect(await bg.db.count('conversations')).toBe(0);
    expect(bg.events).toEqual([]);
  });

  it('admin:saveSettings: forbidden from the panel, locked on a locked options page, saved once unlocked', async () => {
    const bg = await background();
    const payload = () => ({ requestId: rid(), settings: { preventReopen: true } });
    bg.unlock(true);
    expectError(await bg.send('admin:saveSettings', payload(), panelSender()), 'forbidden');
    bg.unlock(false);
    const locked = await bg.send('admin:saveSettings', payload(), optionsSender());
    expectError(locked, 'locked');
    await nothingWritten(bg.db);
    expect(data(await bg.send('ui:getSettings', {}, optionsSender()))).toMatchObject({ preventReopen: false });

    bg.unlock(true);
    expect(data(await bg.send('admin:saveSettings', payload(), optionsSender()))).toMatchObject({ preventReopen: true });
    expect(data(await bg.send('ui:getSettings', {}, panelSender()))).toMatchObject({ preventReopen: true });
    expect(bg.events).toContainEqual({ type: 'bg:changed', changes: expect.objectContaining({ settings: true }) });
  });

  it('answers a malformed payload with invalid and writes nothing', async () => {
    const bg = await background();
    expectError(await bg.send('ui:createTicket', { requestId: rid(), title: 'x', typeId: 'type-general', priority: 'high' }, panelSender()), 'invalid');
    expectError(await bg.send('ui:createTicket', { requestId: 'nope', title: 'x', typeId: 'type-general' }, panelSender()), 'invalid');
    expectError(await bg.raw({ type: 'ui:nukeAll', payload: {} }, panelSender()), 'invalid');
    expectError(await bg.raw(null, panelSender()), 'invalid');
    await nothingWritten(bg.db);
  });

  it('turns store refusals into error replies with the store\'s code', async () => {
    const bg = await background();
    expectError(await bg.send('ui:createTicket', { requestId: rid(), title: '   ', typeId: 'type-general' }, panelSender()), 'invalid');
    expectError(await bg.send('ui:ticketView', { ticketId: 'missing' }, panelSender()), 'not_found');
    await nothingWritten(bg.db);
  });
});

describe('handleMessage: tab context', () => {
  it('cs:pageContext stores the tab context, remembers the conversation and tells open pages', async () => {
    const bg = await background();
    const reply = await bg.send(
      'cs:pageContext',
      { context: CTX, details: { title: 'Order #1001 missing', customerName: 'Carol', company: 'Acme Ltd' } },
      contentSender(7),
    );
    expect(data(reply)).toEqual({ accepted: true });
    expect(bg.tabs.get(7)).toEqual({ context: CTX, conversationKey: KEY });
    expect(await bg.store.getConversation(KEY)).toMatchObject({
      key: KEY,
      helpdesk: 'chatwoot',
      conversationId: '42',
      title: 'Order #1001 missing',
      customerName: 'Carol',
      company: 'Acme Ltd',
    });
    expect(bg.events).toContainEqual({ type: 'bg:tabContext', tabId: 7, context: CTX, conversationKey: KEY });
  });

  it('a later page context without details keeps what was already known', async () => {
    const bg = await background();
    await bg.send('cs:pageContext', { context: CTX, details: { title: 'Order #1001 missing' } }, contentSender(7));
    await bg.send('cs:pageContext', { context: CTX }, contentSender(7));
    expect((await bg.store.getConversation(KEY))?.title).toBe('Order #1001 missing');
  });

  it('the browser side panel (no tab of its own) follows the active tab', async () => {
    const bg = await background({ activeTabId: async () => 7 });
    await bg.send('cs:pageContext', { context: CTX }, contentSender(7));
    const hello = data(await bg.send('ui:hello', {}, panelSender(null)));
    expect(hello).toEqual({ tabId: 7, context: CTX, conversationKey: KEY, followsActiveTab: true });
    const inTab = data(await bg.send('ui:hello', {}, panelSender(7)));
    expect(inTab.followsActiveTab).toBe(false);
  });

  it('a content script cannot speak for another origin than its page', async () => {
    const bg = await background();
    const elsewhere = classifySender({ id: RUNTIME_ID, url: 'https://evil.example/app/accounts/1/conversations/1', tab: { id: 9 } }, RUNTIME_ID, EXT_ORIGIN);
    const reply = await bg.send('cs:pageContext', { context: CTX }, elsewhere);
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await bg.store.getConversation(KEY)).toBeNull();
    expect(bg.tabs.get(9)).toBeUndefined();
  });

  it('navigating away clears the tab context', async () => {
    const bg = await background();
    await bg.send('cs:pageContext', { context: CTX }, contentSender(7));
    expect(data(await bg.send('cs:pageContext', { context: null }, contentSender(7)))).toEqual({ accepted: true });
    expect(bg.tabs.get(7)).toEqual({ context: null, conversationKey: null });
    expect(bg.events.at(-1)).toEqual({ type: 'bg:tabContext', tabId: 7, context: null, conversationKey: null });
    expect(data(await bg.send('ui:hello', {}, panelSender(7)))).toEqual({ tabId: 7, context: null, conversationKey: null, followsActiveTab: false });
  });

  it('ui:hello from the panel in that tab returns its context; another tab has none', async () => {
    const bg = await background();
    await bg.send('cs:pageContext', { context: CTX }, contentSender(7));
    expect(data(await bg.send('ui:hello', {}, panelSender(7)))).toEqual({ tabId: 7, context: CTX, conversationKey: KEY, followsActiveTab: false });
    expect(data(await bg.send('ui:hello', {}, panelSender(8)))).toEqual({ tabId: 8, context: null, conversationKey: null, followsActiveTab: false });
    expect(data(await bg.send('ui:hello', {}, panelSender(null)))).toEqual({ tabId: null, context: null, conversationKey: null, followsActiveTab: true });
  });

  it('ui:hello naming its own conversation (side panel) remembers it', async () => {
    const bg = await background();
    const reply = data(await bg.send('ui:hello', { context: CTX }, panelSender(null)));
    expect(reply).toEqual({ tabId: null, context: CTX, conversationKey: KEY, followsActiveTab: false });
    expect(await bg.store.getConversation(KEY)).toMatchObject({ key: KEY, status: 'unknown' });
  });
});

describe('handleMessage: the dock on a hostile page', () => {
  it('cs:focusTaken from a content script tells the panel of that tab, and only that tab', async () => {
    const bg = await background();
    expect(data(await bg.send('cs:focusTaken', {}, contentSender(7)))).toEqual({ accepted: true });
    expect(bg.events).toEqual([{ type: 'bg:focusTaken', tabId: 7 }]);
  });

  it('cs:focusTaken is refused from the panel and with anything in its payload', async () => {
    const bg = await background();
    expectError(await bg.send('cs:focusTaken', {}, panelSender()), 'forbidden');
    expectError(await bg.send('cs:focusTaken', { tabId: 8 }, contentSender(7)), 'invalid');
    expect(bg.events).toEqual([]);
  });

  it('ui:checkDock asks the content script of the panel’s own tab', async () => {
    const asked: number[] = [];
    const bg = await background({
      checkDock: async (tabId) => {
        asked.push(tabId);
        return { covered: true };
      },
    });
    expect(data(await bg.send('ui:checkDock', {}, panelSender(7)))).toEqual({ covered: true });
    expect(asked).toEqual([7]);
  });

  it('ui:checkDock: no tab (side panel), no answer or a malformed answer is unknown', async () => {
    const answers: unknown[] = [null, undefined, { covered: 'yes' }, { covered: false, extra: 1 }, 'covered'];
    const bg = await background({ checkDock: async () => answers.shift() });
    expect(data(await bg.send('ui:checkDock', {}, panelSender(null)))).toEqual({ covered: null });
    expect(answers).toHaveLength(5); // the side panel has no dock to ask
    for (let i = 0; i < 5; i++) expect(data(await bg.send('ui:checkDock', {}, panelSender(7)))).toEqual({ covered: null });
  });

  it('ui:checkDock is not for content scripts', async () => {
    const bg = await background({ checkDock: async () => ({ covered: false }) });
    expectError(await bg.send('ui:checkDock', {}, contentSender(7)), 'forbidden');
  });
});

describe('handleMessage: working a ticket from the panel', () => {
  it('create → add note → the conversation view shows the ticket', async () => {
    const bg = await background();
    await bg.send('cs:pageContext', { context: CTX, details: { customerName: 'Carol', company: 'Acme Ltd' } }, contentSender(7));
    const panel = panelSender(7);

    const catalog = data(await bg.send('ui:catalog', {}, panel));
    expect(catalog.types.map((t) => t.id).sort()).toEqual(['type-billing', 'type-bug', 'type-general', 'type-tracker']);
    expect(catalog.me.name).toBe('Me');

    const ticket = data(
      await bg.send('ui:createTicket', { requestId: rid(), title: 'Refund not received', typeId: 'type-billing', conversation: { key: KEY } }, panel),
    );
    expect(ticket).toMatchObject({ number: 1, stateId: 'submitted', user: 'Carol', company: 'Acme Ltd', createdBy: catalog.me.id });

    const note = data(await bg.send('ui:addNote', { requestId: rid(), ticketId: ticket.id, body: 'Asked payments to check', crossPost: true }, panel));
    expect(note.id).toEqual(expect.any(String));
    expect(bg.kicks()).toBe(1);

    const view = data(await bg.send('ui:conversationView', { conversationKey: KEY }, panel));
    expect(view.conversation?.key).toBe(KEY);
    expect(view.linked).toHaveLength(1);
    expect(view.linked[0]).toMatchObject({
      ticket: { id: ticket.id, number: 1, title: 'Refund not received' },
      typeName: 'Billing',
      stateLabel: 'Submitted',
      lastUpdate: 'Cross-posted note: Asked payments to check',
      linkCount: 1,
    });

    const full = data(await bg.send('ui:ticketView', { ticketId: ticket.id }, panel));
    expect(full.effects).toHaveLength(1);
    expect(full.effects[0]).toMatchObject({ conversationKey: KEY, kind: 'note', status: 'queued' });

    const found = data(await bg.send('ui:queryTickets', { text: '#1' }, panel));
    expect(found.map((s) => s.ticket.id)).toEqual([ticket.id]);

    // Changes are pushed to every open page.
    expect(bg.events).toContainEqual({ type: 'bg:changed', changes: { ticketIds: [ticket.id], conversationKeys: [KEY] } });
  });

  it('state change through the panel queues effects and a stale one is refused', async () => {
    const bg = await background();
    await bg.send('cs:pageContext', { context: CTX }, contentSender(7));
    const panel = panelSender(7);
    const ticket = data(await bg.send('ui:createTicket', { requestId: rid(), title: 'Broken', typeId: 'type-general', conversation: { key: KEY } }, panel));
    const moved = data(await bg.send('ui:changeState', { requestId: rid(), ticketId: ticket.id, baseVersion: 1, stateId: 'resolved' }, panel));
    expect(moved).toMatchObject({ stateId: 'resolved', version: 2 });
    expect(bg.kicks()).toBe(1);
    expectError(await bg.send('ui:changeState', { requestId: rid(), ticketId: ticket.id, baseVersion: 1, stateId: 'waiting' }, panel), 'stale');
    // An edit of another field made against the old version applies on top of the state change;
    // a second edit of that field against a version before it is refused.
    const edited = data(await bg.send('ui:updateTicket', { requestId: rid(), ticketId: ticket.id, baseVersion: 1, changes: { title: 'x' } }, panel));
    expect(edited).toMatchObject({ title: 'x', stateId: 'resolved', version: 3 });
    const refused = await bg.send('ui:updateTicket', { requestId: rid(), ticketId: ticket.id, baseVersion: 2, changes: { title: 'y' } }, panel);
    expectError(refused, 'stale');
    // The refusal carries what is saved now, across the message protocol.
    expect(refused).toMatchObject({ ok: false, error: { details: { currentVersion: 3, ticket: { title: 'x' }, conflicts: [{ field: 'title' }] } } });
    expect((await bg.store.getTicket(ticket.id)).stateId).toBe('resolved');
  });

  it('refuses a ticket for a conversation Backline has not seen, writing nothing', async () => {
    const bg = await background();
    const reply = await bg.send('ui:createTicket', { requestId: rid(), title: 'x', typeId: 'type-general', conversation: { key: KEY } }, panelSender());
    expectError(reply, 'not_found');
    await nothingWritten(bg.db);
  });

  it('links and unlinks a known conversation', async () => {
    const bg = await background();
    await bg.send('cs:pageContext', { context: CTX }, contentSender(7));
    const panel = panelSender(7);
    const ticket = data(await bg.send('ui:createTicket', { requestId: rid(), title: 'x', typeId: 'type-general' }, panel));
    expectError(await bg.send('ui:link', { requestId: rid(), ticketId: ticket.id, conversation: { key: 'chatwoot:unknown' } }, panel), 'not_found');
    data(await bg.send('ui:link', { requestId: rid(), ticketId: ticket.id, conversation: { key: KEY } }, panel));
    expect(data(await bg.send('ui:conversationView', { conversationKey: KEY }, panel)).linked).toHaveLength(1);
    expect(data(await bg.send('ui:unlink', { requestId: rid(), ticketId: ticket.id, conversationKey: KEY }, panel))).toEqual({ removed: true });
    expect(data(await bg.send('ui:conversationView', { conversationKey: KEY }, panel)).linked).toEqual([]);
  });
});

describe('handleMessage: ui:preview', () => {
  async function withCrossPost(extra: Partial<BackgroundEnv> = {}) {
    const bg = await background(extra);
    await bg.send('cs:pageContext', { context: CTX, details: { title: 'Order #1001' } }, contentSender(7));
    const ticket = data(await bg.send('ui:createTicket', { requestId: rid(), title: 'Refund', typeId: 'type-general', conversation: { key: KEY } }, panelSender()));
    data(await bg.send('ui:addNote', { requestId: rid(), ticketId: ticket.id, body: 'Payments is on it', crossPost: true }, panelSender()));
    return bg;
  }

  it('without a connector, shows what Backline sent, with a notice', async () => {
    const bg = await withCrossPost();
    const preview = data(await bg.send('ui:preview', { conversationKey: KEY }, panelSender()));
    expect(preview.source).toBe('backline');
    expect(preview.notice).toMatch(/No helpdesk connection/);
    expect(preview.conversation?.title).toBe('Order #1001');
    expect(preview.messages).toHaveLength(1);
    expect(preview.messages[0]).toMatchObject({ kind: 'note', author: 'Backline' });
    expect(preview.messages[0]!.text).toContain('Payments is on it');
    expect(preview.messages[0]!.text).toContain('not delivered yet');
  });

  it('when the helpdesk cannot be read, falls back and says why', async () => {
    const bg = await withCrossPost({
      readConversation: async () => {
        throw new Error('401 Unauthorized');
      },
    });
    const preview = data(await bg.send('ui:preview', { conversationKey: KEY }, panelSender()));
    expect(preview.source).toBe('backline');
    expect(preview.notice).toContain('401 Unauthorized');
    expect(preview.messages).toHaveLength(1);
  });

  it('uses the helpdesk when a connector can read the conversation', async () => {
    const live: PreviewResult = { conversation: null, source: 'helpdesk', notice: '', messages: [] };
    let asked: ConversationRecord | null = null;
    const bg = await withCrossPost({
      readConversation: async (c) => {
        asked = c;
        return live;
      },
    });
    expect(data(await bg.send('ui:preview', { conversationKey: KEY }, panelSender()))).toEqual(live);
    expect(asked).toMatchObject({ key: KEY });
  });

  it('refuses to preview a conversation Backline does not know', async () => {
    const bg = await background();
    expectError(await bg.send('ui:preview', { conversationKey: KEY }, panelSender()), 'not_found');
  });
});
