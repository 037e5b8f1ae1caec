/**
 * Background → page events: their schemas, the background's ports, and the pages' listener.
 * Pages trust only what arrives on the port they opened to the background, and check it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPagePorts, type PagePort } from '../../lib/background/ports';
import { backgroundEventSchema, EVENTS_PORT, KEEP_ALIVE_MESSAGE, KEEP_ALIVE_MS, parseBackgroundEvent, parseContentScriptMessage, type BackgroundEvent } from '../../lib/protocol';
import type { PageContext } from '../../lib/model/helpdesk';

// The pages' side talks to the browser through webextension-polyfill, which only loads inside
// an extension: a fake runtime stands in for it.
const fake = vi.hoisted(() => ({
  runtime: {
    connect: vi.fn(),
    sendMessage: vi.fn(),
    onMessage: { addListener: vi.fn(), removeListener: vi.fn() },
  },
}));
vi.mock('webextension-polyfill', () => ({ default: fake }));
const { onBackgroundEvent } = await import('../../lib/client');

const CTX: PageContext = { helpdesk: 'chatwoot', origin: 'https://app.chatwoot.com', account: '1', conversationId: '42', kind: 'conversation' };
const KEY = 'chatwoot:https://app.chatwoot.com:1:42';

/** At least one valid event of every type, and malformed ones that must be dropped. */
const VALID: Record<BackgroundEvent['type'], unknown[]> = {
  'bg:changed': [
    { type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [] } },
    { type: 'bg:changed', changes: { ticketIds: ['t1', 't2'], conversationKeys: [KEY], settings: true, types: false, teammates: true, connections: true, admin: true } },
    {
      type: 'bg:changed',
      changes: {
        ticketIds: ['t1'],
        conversationKeys: [KEY],
        deltas: [{ ticketId: 't1', ticket: { id: 't1', number: 1, version: 2, updatedAt: 5 }, activity: [{ id: 'a1', ticketId: 't1', type: 'note', at: 5 }], effects: [] }],
        conversations: [{ key: KEY, status: 'open' }],
      },
    },
  ],
  'bg:progress': [{ type: 'bg:progress', task: 'import', done: 2000, total: 60000 }],
  'bg:tabContext': [
    { type: 'bg:tabContext', tabId: 7, context: CTX, conversationKey: KEY },
    { type: 'bg:tabContext', tabId: 0, context: null, conversationKey: null },
  ],
  'bg:activeTab': [
    { type: 'bg:activeTab', tabId: 12, context: CTX, conversationKey: KEY },
    { type: 'bg:activeTab', tabId: 12, context: null, conversationKey: null },
  ],
  'bg:focusTaken': [{ type: 'bg:focusTaken', tabId: 3 }],
  'bg:togglePanel': [{ type: 'bg:togglePanel' }],
};

const MALFORMED: Record<BackgroundEvent['type'] | 'other', unknown[]> = {
  'bg:changed': [
    { type: 'bg:changed' }, // the forged event that used to throw in every panel
    { type: 'bg:changed', changes: null },
    { type: 'bg:changed', changes: {} },
    { type: 'bg:changed', changes: { ticketIds: 't1', conversationKeys: [] } },
    { type: 'bg:changed', changes: { ticketIds: [''], conversationKeys: [] } },
    { type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [7] } },
    { type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [], settings: 'yes' } },
    { type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [], everything: true } },
    { type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [] }, extra: 1 },
    { type: 'bg:changed', changes: { ticketIds: ['t1'], conversationKeys: [], deltas: [{ ticketId: 't1', ticket: { id: 't1' } }] } },
    { type: 'bg:changed', changes: { ticketIds: ['t1'], conversationKeys: [], deltas: [{ ticketId: 't1', activity: [null] }] } },
    { type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [], conversations: [{ status: 'open' }] } },
  ],
  'bg:tabContext': [
    { type: 'bg:tabContext' },
    { type: 'bg:tabContext', tabId: '7', context: CTX, conversationKey: KEY },
    { type: 'bg:tabContext', tabId: -1, context: CTX, conversationKey: KEY },
    { type: 'bg:tabContext', tabId: 1.5, context: CTX, conversationKey: KEY },
    { type: 'bg:tabContext', tabId: 7, context: CTX },
    { type: 'bg:tabContext', tabId: 7, context: { ...CTX, helpdesk: 'myspace' }, conversationKey: KEY },
    { type: 'bg:tabContext', tabId: 7, context: { ...CTX, origin: 'not a url' }, conversationKey: KEY },
    { type: 'bg:tabContext', tabId: 7, context: { ...CTX, extra: true }, conversationKey: KEY },
    { type: 'bg:tabContext', tabId: 7, context: CTX, conversationKey: 'k'.repeat(1001) },
  ],
  'bg:activeTab': [
    { type: 'bg:activeTab', context: CTX, conversationKey: KEY },
    { type: 'bg:activeTab', tabId: 7, context: 'chatwoot', conversationKey: KEY },
    { type: 'bg:activeTab', tabId: 7, context: null, conversationKey: 42 },
    { type: 'bg:activeTab', tabId: 7, context: null, conversationKey: null, followsActiveTab: true },
  ],
  'bg:focusTaken': [{ type: 'bg:focusTaken' }, { type: 'bg:focusTaken', tabId: '3' }, { type: 'bg:focusTaken', tabId: 3, field: 'Note' }],
  'bg:progress': [
    { type: 'bg:progress', task: 'export', done: 1, total: 2 },
    { type: 'bg:progress', task: 'import', done: -1, total: 2 },
    { type: 'bg:progress', task: 'import', done: 1 },
  ],
  'bg:togglePanel': [{ type: 'bg:togglePanel', open: true }],
  other: [
    null,
    undefined,
    'bg:changed',
    42,
    [],
    [{ type: 'bg:togglePanel' }],
    {},
    { type: 'bg:dropEverything' },
    { type: 'ui:addNote', payload: { requestId: '0198c0de-0000-7000-8000-000000000001', ticketId: 't', body: 'x', crossPost: true } },
  ],
};

describe('parseBackgroundEvent', () => {
  it('has test cases for every event type of the protocol', () => {
    const types = backgroundEventSchema.options.map((o) => o.entries.type.literal).sort();
    expect(Object.keys(VALID).sort()).toEqual(types);
    expect(Object.keys(MALFORMED).filter((t) => t !== 'other').sort()).toEqual(types);
  });

  it.each(Object.values(VALID).flat().map((e) => [e]))('accepts %j', (event) => {
    expect(parseBackgroundEvent(event)).toEqual({ ok: true, event });
  });

  it.each(Object.values(MALFORMED).flat().map((e) => [e]))('drops %j and says why', (message) => {
    const parsed = parseBackgroundEvent(message);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(/: /);
  });

  it('names the event and the field that is wrong', () => {
    expect(parseBackgroundEvent({ type: 'bg:changed' })).toMatchObject({ ok: false, problem: expect.stringMatching(/^bg:changed: changes: /) });
    expect(parseBackgroundEvent({ type: 'bg:tabContext', tabId: -1, context: null, conversationKey: null })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^bg:tabContext: tabId: /),
    });
  });

  it('the content script acts on bg:togglePanel and bg:checkDock exactly, and on nothing else', () => {
    expect(parseContentScriptMessage({ type: 'bg:togglePanel' })).toBe('bg:togglePanel');
    expect(parseContentScriptMessage({ type: 'bg:checkDock' })).toBe('bg:checkDock');
    for (const m of [
      { type: 'bg:togglePanel', open: true },
      { type: 'bg:checkDock', covered: false },
      { type: 'bg:changed', changes: { ticketIds: [], conversationKeys: [] } },
      null,
      'bg:togglePanel',
    ]) {
      expect(parseContentScriptMessage(m)).toBeNull();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A runtime.Port stand-in, for both ends
// ---------------------------------------------------------------------------------------------

class FakePort {
  posted: unknown[] = [];
  disconnected = false;
  private messageListeners: ((m: unknown) => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  onMessage = { addListener: (l: (m: unknown) => void) => void this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: () => void) => void this.disconnectListeners.push(l) };
  constructor(
    public name: string,
    public sender?: PagePort['sender'],
  ) {}
  postMessage(m: unknown) {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.posted.push(m);
  }
  /** This end closes the port: the browser does not tell this end's own listeners. */
  disconnect() {
    this.disconnected = true;
  }
  /** A message from the other end. */
  receive(m: unknown) {
    for (const l of this.messageListeners) l(m);
  }
  /** The other end went away (the page closed, the worker stopped). */
  drop() {
    this.disconnected = true;
    for (const l of this.disconnectListeners) l();
  }
}

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT = `chrome-extension://${RUNTIME_ID}`;

describe('the background keeps the ports of extension pages and only those', () => {
  const event: BackgroundEvent = { type: 'bg:changed', changes: { ticketIds: ['t1'], conversationKeys: [] } };

  it('sends events to the panel in a helpdesk tab, the side panel and the options page', () => {
    const pages = createPagePorts(RUNTIME_ID, `${EXT}/`);
    const inPage = new FakePort(EVENTS_PORT, { id: RUNTIME_ID, url: `${EXT}/panel.html?embedded=1`, tab: { id: 7 } });
    const side = new FakePort(EVENTS_PORT, { id: RUNTIME_ID, url: `${EXT}/panel.html` });
    const options = new FakePort(EVENTS_PORT, { id: RUNTIME_ID, url: `${EXT}/options.html`, tab: { id: 9 } });
    for (const p of [inPage, side, options]) expect(pages.accept(p)).toBe(true);
    pages.broadcast(event);
    for (const p of [inPage, side, options]) expect(p.posted).toEqual([event]);
    expect(pages.size).toBe(3);
  });

  it('refuses a content script, another extension and a port of another name', () => {
    const pages = createPagePorts(RUNTIME_ID, `${EXT}/`);
    const refused = [
      new FakePort(EVENTS_PORT, { id: RUNTIME_ID, url: 'https://app.chatwoot.com/app/accounts/1/conversations/1', tab: { id: 7 } }),
      new FakePort(EVENTS_PORT, { id: 'another-extension', url: `${EXT}/panel.html` }),
      new FakePort(EVENTS_PORT, { id: RUNTIME_ID, url: 'https://app.chatwoot.com/' }),
      new FakePort(EVENTS_PORT),
      new FakePort('something-else', { id: RUNTIME_ID, url: `${EXT}/panel.html` }),
    ];
    for (const p of refused) {
      expect(pages.accept(p)).toBe(false);
      expect(p.disconnected).toBe(true);
    }
    pages.broadcast(event);
    for (const p of refused) expect(p.posted).toEqual([]);
    expect(pages.size).toBe(0);
  });

  it('forgets a page that went away, and one whose port broke', () => {
    const pages = createPagePorts(RUNTIME_ID, EXT);
    const closed = new FakePort(EVENTS_PORT, { id: RUNTIME_ID, url: `${EXT}/panel.html` });
    const broken = new FakePort(EVENTS_PORT, { id: RUNTIME_ID, url: `${EXT}/panel.html` });
    const open = new FakePort(EVENTS_PORT, { id: RUNTIME_ID, url: `${EXT}/panel.html` });
    for (const p of [closed, broken, open]) pages.accept(p);
    closed.drop();
    broken.disconnected = true; // gone without our hearing of it yet: posting throws
    pages.broadcast(event);
    expect(open.posted).toEqual([event]);
    expect(pages.size).toBe(1);
    // A keep-alive from the page needs nothing from us, and breaks nothing.
    open.receive(KEEP_ALIVE_MESSAGE);
    expect(open.posted).toEqual([event]);
  });
});

describe('a page listens to the background on its port', () => {
  let ports: FakePort[];
  let warn: ReturnType<typeof vi.spyOn>;
  let abort: AbortController;
  beforeEach(() => {
    vi.useFakeTimers();
    ports = [];
    fake.runtime.connect.mockReset().mockImplementation(({ name }: { name: string }) => {
      const p = new FakePort(name);
      ports.push(p);
      return p;
    });
    fake.runtime.onMessage.addListener.mockReset();
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    abort = new AbortController();
  });
  afterEach(() => {
    abort.abort();
    warn.mockRestore();
    vi.useRealTimers();
  });

  it('opens the events port and hands every valid event to the handler', () => {
    const seen: BackgroundEvent[] = [];
    onBackgroundEvent((e) => seen.push(e), abort.signal);
    expect(ports.map((p) => p.name)).toEqual([EVENTS_PORT]);
    const events = Object.values(VALID).flat();
    for (const e of events) ports[0]!.receive(e);
    expect(seen).toEqual(events);
    // Runtime messages, which content scripts can send to extension pages, are not listened to.
    expect(fake.runtime.onMessage.addListener).not.toHaveBeenCalled();
  });

  it('drops every malformed event with a console warning, and keeps listening', () => {
    const seen: BackgroundEvent[] = [];
    onBackgroundEvent((e) => seen.push(e), abort.signal);
    const malformed = Object.values(MALFORMED).flat();
    for (const m of malformed) ports[0]!.receive(m);
    expect(seen).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(malformed.length);
    expect(String(warn.mock.calls[0]![0])).toContain('Backline ignored a malformed background event (bg:changed: changes: ');
    ports[0]!.receive({ type: 'bg:togglePanel' });
    expect(seen).toEqual([{ type: 'bg:togglePanel' }]);
  });

  it('reconnects when the port drops (the worker stopped) and says so, so the page can re-read', async () => {
    const seen: BackgroundEvent[] = [];
    let reconnects = 0;
    onBackgroundEvent((e) => seen.push(e), abort.signal, { onReconnect: () => reconnects++ });
    ports[0]!.drop();
    expect(ports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ports).toHaveLength(2);
    expect(reconnects).toBe(1);
    ports[1]!.receive({ type: 'bg:togglePanel' });
    expect(seen).toEqual([{ type: 'bg:togglePanel' }]);
  });

  it('waits longer after each port that drops at once, up to a few seconds', async () => {
    onBackgroundEvent(() => {}, abort.signal);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      ports.at(-1)!.drop();
      let waited = 0;
      const before = ports.length;
      while (ports.length === before) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(waits[0]).toBeLessThan(waits.at(-1)!);
    expect(waits.at(-1)).toBeLessThanOrEqual(5_000);
  });

  it('posts a keep-alive on the port while the page is open', async () => {
    onBackgroundEvent(() => {}, abort.signal);
    await vi.advanceTimersByTimeAsync(KEEP_ALIVE_MS * 3);
    expect(ports[0]!.posted).toEqual([KEEP_ALIVE_MESSAGE, KEEP_ALIVE_MESSAGE, KEEP_ALIVE_MESSAGE]);
  });

  it('closes the port when the page stops listening, and reconnects no more', async () => {
    const seen: BackgroundEvent[] = [];
    onBackgroundEvent((e) => seen.push(e), abort.signal);
    abort.abort();
    expect(ports[0]!.disconnected).toBe(true);
    ports[0]!.drop();
    await vi.advanceTimersByTimeAsync(KEEP_ALIVE_MS * 2);
    expect(ports).toHaveLength(1);
    expect(ports[0]!.posted).toEqual([]);
  });
});
