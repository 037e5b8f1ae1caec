/**
 * The options page's requests, through handleMessage as the background runs them: who may send
 * them, the admin lock, the throttle, the enterprise policy, and each admin write.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CustomHost } from '../../lib/model/helpdesk';
import { classifySender, createHandlers, handleMessage, type BackgroundEnv, type SenderInfo } from '../../lib/background/service';
import { readPageFile, resyncCustomHosts } from '../../lib/background/admin';
import { MAX_IMPORT_BYTES } from '../../lib/model/admin';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { uuidv7 } from '../../lib/model/ids';
import type { Reply, RequestType, ResponseMap } from '../../lib/protocol';
import { Store } from '../../lib/store';
import { type ChangeSet } from '../../lib/model/views';
import { SANDBOX_ACCOUNT_ID, SANDBOX_TOKEN } from '../sandbox/server.mjs';
import { useSandbox } from './sandbox-fixture';
import { INTERCOM_TOKEN, INTERCOM_WORKSPACE, startIntercomStandin } from '../standins/intercom.mjs';

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT = `chrome-extension://${RUNTIME_ID}`;
const options = () => classifySender({ id: RUNTIME_ID, url: `${EXT}/options.html` }, RUNTIME_ID, EXT);
const panel = () => classifySender({ id: RUNTIME_ID, url: `${EXT}/panel.html`, tab: { id: 3 } }, RUNTIME_ID, EXT);
const content = () => classifySender({ id: RUNTIME_ID, url: 'http://localhost:3000/app/accounts/1/conversations/1', tab: { id: 3 } }, RUNTIME_ID, EXT);
const rid = () => uuidv7();
const PASS = 'correct horse battery';

const sandbox = useSandbox();

const dbs: BacklineDatabase[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const db of dbs.splice(0)) db.close();
});

async function background() {
  const db = await openBacklineDb(`admin-test-${crypto.randomUUID()}`);
  dbs.push(db);
  const changes: ChangeSet[] = [];
  const store = new Store(db, (c) => changes.push(c));
  let unlocked = false;
  const synced: CustomHost[][] = [];
  const granted = new Set<string>();
  const env: BackgroundEnv = {
    store: async () => store,
    getTabContext: async () => undefined,
    setTabContext: async () => {},
    broadcast: () => {},
    adminUnlocked: async () => unlocked,
    setAdminUnlocked: async (v) => {
      unlocked = v;
    },
    // Node's blob: URLs (blob:nodedata:…) stand for the extension's.
    readPageFile: (url) => readPageFile(url, 'nodedata:'),
    syncCustomHosts: async (hosts) => {
      synced.push(hosts);
      return {
        registered: hosts.map((h) => h.origin),
        missingPermission: hosts.filter((h) => !granted.has(h.origin)).map((h) => h.origin),
      };
    },
  };
  const handlers = createHandlers(env);
  const send = <K extends RequestType>(type: K, payload: unknown, sender: SenderInfo = options()) =>
    handleMessage(handlers, env, { type, payload }, sender) as Promise<Reply<ResponseMap[K]>>;
  const ok = async <K extends RequestType>(type: K, payload: unknown, sender?: SenderInfo): Promise<ResponseMap[K]> => {
    const r = await send(type, payload, sender);
    if (!r.ok) throw new Error(`${type} failed: ${r.error.code}: ${r.error.message}`);
    return r.data;
  };
  const fails = async (type: RequestType, payload: unknown, code: string, message?: RegExp, sender?: SenderInfo) => {
    const r = await send(type, payload, sender);
    expect(r.ok, `${type} should fail with ${code}`).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      if (message) expect(r.error.message).toMatch(message);
    }
    return r;
  };
  /** Sets the passphrase and unlocks, as an admin does first. */
  const unlock = async () => {
    await ok('opt:setPassphrase', { requestId: rid(), passphrase: PASS, confirmation: PASS });
    await ok('opt:unlock', { passphrase: PASS });
  };
  return { db, store, env, send, ok, fails, unlock, changes, synced, granted, isUnlocked: () => unlocked };
}

describe('who may send options-page requests', () => {
  it('opt: and admin: requests are refused from the panel and from content scripts, whatever the lock', async () => {
    const bg = await background();
    await bg.unlock();
    for (const sender of [panel(), content()]) {
      await bg.fails('opt:adminStatus', {}, 'forbidden', undefined, sender);
      await bg.fails('opt:unlock', { passphrase: PASS }, 'forbidden', undefined, sender);
      await bg.fails('opt:export', {}, 'forbidden', undefined, sender);
      await bg.fails('admin:saveSettings', { requestId: rid(), settings: { preventReopen: true } }, 'forbidden', undefined, sender);
      await bg.fails('admin:wipe', { requestId: rid() }, 'forbidden', undefined, sender);
    }
    expect(await bg.store.getSettings()).toMatchObject({ preventReopen: false });
  });

  it('admin: requests are refused from a locked options page; opt: requests are not', async () => {
    const bg = await background();
    await bg.fails('admin:saveSettings', { requestId: rid(), settings: { preventReopen: true } }, 'locked', /Unlock admin settings first/);
    await bg.fails('admin:saveTeammate', { requestId: rid(), teammate: { name: 'Eve', email: '', kind: 'person' } }, 'locked');
    await bg.fails('admin:import', { requestId: rid(), text: '{}' }, 'locked');
    expect((await bg.ok('opt:adminStatus', {})).unlocked).toBe(false);
    expect((await bg.ok('opt:export', {})).format).toBe('backline-export');
    expect(await bg.db.count('teammates')).toBe(0); // the refused write added nobody
  });
});

describe('admin access', () => {
  it('sets the passphrase once, as a hash, without unlocking', async () => {
    const bg = await background();
    expect(await bg.ok('opt:adminStatus', {})).toMatchObject({ passphraseSet: false, unlocked: false, retryAfterMs: 0 });
    await bg.fails('opt:setPassphrase', { requestId: rid(), passphrase: 'short', confirmation: 'short' }, 'invalid', /at least 8/);
    await bg.fails('opt:setPassphrase', { requestId: rid(), passphrase: PASS, confirmation: `${PASS}!` }, 'invalid', /do not match/);
    await bg.fails('opt:unlock', { passphrase: PASS }, 'invalid', /No admin passphrase is set/);

    const status = await bg.ok('opt:setPassphrase', { requestId: rid(), passphrase: PASS, confirmation: PASS });
    expect(status).toMatchObject({ passphraseSet: true, unlocked: false });
    const stored = (await bg.db.get('meta', 'adminPassphrase'))!.value as Record<string, unknown>;
    expect(stored).toMatchObject({ algorithm: 'PBKDF2-SHA-256', iterations: 310_000 });
    expect(JSON.stringify(stored)).not.toContain(PASS);
    expect(bg.changes).toContainEqual(expect.objectContaining({ admin: true }));

    // Nobody can replace it without unlocking, not even with the right one.
    await bg.fails('opt:setPassphrase', { requestId: rid(), passphrase: 'another passphrase', confirmation: 'another passphrase' }, 'conflict', /already set/);
  });

  it('a wrong passphrase unlocks nothing and slows down further attempts; the right one after the wait unlocks; lock locks', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const bg = await background();
    await bg.ok('opt:setPassphrase', { requestId: rid(), passphrase: PASS, confirmation: PASS });

    const wrong = await bg.fails('opt:unlock', { passphrase: 'wrong passphrase' }, 'unauthorized', /not the admin passphrase, so admin settings stay locked/);
    expect(!wrong.ok && wrong.error.details).toEqual({ retryAfterMs: 1000 });
    expect(bg.isUnlocked()).toBe(false);

    // Within the wait even the right passphrase is not tried.
    await bg.fails('opt:unlock', { passphrase: PASS }, 'rate_limited', /Wait 1 second/);
    expect(bg.isUnlocked()).toBe(false);

    vi.setSystemTime(1_001_000);
    await bg.fails('opt:unlock', { passphrase: 'still wrong' }, 'unauthorized', /try again in 2 seconds/);
    vi.setSystemTime(1_002_000);
    await bg.fails('opt:unlock', { passphrase: PASS }, 'rate_limited');
    // Reopening the page does not reset it: the wait is in the status.
    expect((await bg.ok('opt:adminStatus', {})).retryAfterMs).toBe(1000);

    vi.setSystemTime(1_003_000);
    expect(await bg.ok('opt:unlock', { passphrase: PASS })).toMatchObject({ unlocked: true, retryAfterMs: 0 });
    expect(bg.isUnlocked()).toBe(true);
    expect(await bg.ok('admin:saveSettings', { requestId: rid(), settings: { preventReopen: true } })).toMatchObject({ preventReopen: true });

    expect(await bg.ok('opt:lock', {})).toMatchObject({ unlocked: false });
    await bg.fails('admin:saveSettings', { requestId: rid(), settings: { preventReopen: false } }, 'locked');
    expect(await bg.store.getSettings()).toMatchObject({ preventReopen: true });

    // A fresh failure after a success starts again at 1 s.
    await bg.fails('opt:unlock', { passphrase: 'nope nope' }, 'unauthorized', /1 second/);
  });

  it('parallel guesses are checked one at a time, so they cannot all slip past the throttle', async () => {
    const bg = await background();
    await bg.ok('opt:setPassphrase', { requestId: rid(), passphrase: PASS, confirmation: PASS });
    const replies = await Promise.all(['guess one', 'guess two', 'guess three', PASS].map((p) => bg.send('opt:unlock', { passphrase: p })));
    const codes = replies.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toEqual(['unauthorized', 'rate_limited', 'rate_limited', 'rate_limited']);
    expect(bg.isUnlocked()).toBe(false);
  });
});

describe('workspace settings and policy', () => {
  it('a policy-set key is reported and cannot be changed, even unlocked', async () => {
    const bg = await background();
    await bg.unlock();
    bg.store.setPolicy({ preventReopen: true });
    expect(await bg.ok('opt:adminStatus', {})).toMatchObject({ settings: { preventReopen: true }, policyKeys: ['preventReopen'] });
    await bg.fails('admin:saveSettings', { requestId: rid(), settings: { preventReopen: false } }, 'forbidden', /set by your organisation/);
    expect((await bg.ok('ui:getSettings', {}, panel())).preventReopen).toBe(true);
    expect((await bg.ok('ui:catalog', {}, panel())).settings.preventReopen).toBe(true);
  });
});

describe('ticket types', () => {
  const states = [
    { id: 'submitted', label: 'New', category: 'submitted' },
    { id: 'in_progress', label: 'Working', category: 'in_progress' },
    { id: 'waiting', label: 'Waiting on customer', category: 'waiting' },
    { id: 'done', label: 'Done', category: 'resolved' },
  ];
  const hardware = () => ({
    name: 'Hardware',
    category: 'backoffice',
    icon: '💻',
    color: '#336699',
    attributes: [
      { id: 'attr-device', name: 'Device', type: 'list', required: true, options: ['Laptop', ' Phone ', '', 'Tablet'] },
      { id: 'attr-serial', name: 'Serial number', type: 'text', required: false },
    ],
    states,
  });

  it('adds a type with a list attribute that the panel’s catalog then offers', async () => {
    const bg = await background();
    await bg.unlock();
    const { type } = await bg.ok('admin:saveTicketType', { requestId: rid(), type: hardware() });
    expect(type.attributes[0]).toEqual({ id: 'attr-device', name: 'Device', type: 'list', required: true, options: ['Laptop', 'Phone', 'Tablet'] });
    const catalog = await bg.ok('ui:catalog', {}, panel());
    expect(catalog.types.find((t) => t.name === 'Hardware')).toMatchObject({ id: type.id, states });
    expect(bg.changes).toContainEqual(expect.objectContaining({ types: true }));
    // Agents can create tickets of it, with its attributes.
    const ticket = await bg.ok('ui:createTicket', { requestId: rid(), title: 'Broken laptop', typeId: type.id, attributes: { 'attr-device': 'Laptop' } }, panel());
    expect(ticket).toMatchObject({ stateId: 'submitted', attributes: { 'attr-device': 'Laptop' } });
  });

  it('refuses a type that breaks the rules, with the reason', async () => {
    const bg = await background();
    await bg.unlock();
    const save = (patch: object) => bg.send('admin:saveTicketType', { requestId: rid(), type: { ...hardware(), ...patch } });
    const reason = async (patch: object) => {
      const r = await save(patch);
      return r.ok ? 'saved' : r.error.message;
    };
    expect(await reason({ name: '  ' })).toMatch(/Give the ticket type a name/);
    expect(await reason({ name: 'Bug report' })).toMatch(/already a ticket type called “Bug report”/);
    expect(await reason({ color: 'blue' })).toMatch(/Choose a colour/);
    expect(await reason({ states: states.filter((s) => s.category !== 'waiting') })).toMatch(/Add at least one state for “Waiting on customer”/);
    expect(await reason({ states: [...states, { id: 's5', label: 'done', category: 'resolved' }] })).toMatch(/Two states are called “done”/);
    expect(await reason({ attributes: [{ id: 'a', name: 'Device', type: 'list', required: false, options: [' '] }] })).toMatch(/at least one list item to “Device”/);
    expect(await reason({ attributes: [{ id: 'a', name: 'Title', type: 'text', required: false }] })).toMatch(/“Title” is already a field of every ticket/);
    expect(await reason({ attributes: [{ id: 'a', name: 'X', type: 'text', required: false }, { id: 'b', name: 'x', type: 'number', required: false }] })).toMatch(/Two attributes are called/);
    const malformed = await bg.send('admin:saveTicketType', { requestId: rid(), type: { ...hardware(), category: 'vip' } });
    expect(!malformed.ok && malformed.error.code).toBe('invalid');
    expect((await bg.store.listTypes(true)).map((t) => t.name)).not.toContain('Hardware');
  });

  it('changing a used type keeps every value: removed attributes are archived, used states and categories are protected', async () => {
    const bg = await background();
    await bg.unlock();
    const { type } = await bg.ok('admin:saveTicketType', { requestId: rid(), type: hardware() });
    const ticket = await bg.ok('ui:createTicket', { requestId: rid(), title: 'Broken', typeId: type.id, attributes: { 'attr-device': 'Phone', 'attr-serial': 'SN-1' } }, panel());
    await bg.ok('ui:changeState', { requestId: rid(), ticketId: ticket.id, baseVersion: 1, stateId: 'waiting' }, panel());

    // Remove "Serial number", which the ticket holds a value for.
    const edited = { ...hardware(), id: type.id, attributes: [hardware().attributes[0]!] };
    const r = await bg.ok('admin:saveTicketType', { requestId: rid(), type: edited });
    expect(r.archivedAttributes).toEqual(['Serial number']);
    expect(r.type.attributes.find((a) => a.id === 'attr-serial')).toMatchObject({ archived: true, required: false });
    expect((await bg.store.getTicket(ticket.id)).attributes['attr-serial']).toBe('SN-1');

    await bg.fails('admin:saveTicketType', { requestId: rid(), type: { ...edited, states: states.filter((s) => s.id !== 'waiting').concat({ id: 'w2', label: 'Pending', category: 'waiting' }) } }, 'invalid', /1 ticket of this type is in the state “Waiting on customer”/);
    await bg.fails('admin:saveTicketType', { requestId: rid(), type: { ...edited, category: 'tracker' } }, 'invalid', /category cannot change/);
    await bg.fails('admin:saveTicketType', { requestId: rid(), type: { ...edited, attributes: [{ ...hardware().attributes[0]!, type: 'text' }] } }, 'invalid', /type cannot change from List to Text/);

    // Renaming a state in use is fine.
    const renamed = await bg.ok('admin:saveTicketType', { requestId: rid(), type: { ...edited, attributes: r.type.attributes, states: states.map((s) => (s.id === 'waiting' ? { ...s, label: 'With customer' } : s)) } });
    expect(renamed.type.states.find((s) => s.id === 'waiting')!.label).toBe('With customer');
  });

  it('removing a used type archives it (tickets keep it); an unused one is deleted; the last one stays', async () => {
    const bg = await background();
    await bg.unlock();
    const { type } = await bg.ok('admin:saveTicketType', { requestId: rid(), type: hardware() });
    const ticket = await bg.ok('ui:createTicket', { requestId: rid(), title: 'Broken', typeId: type.id, attributes: { 'attr-device': 'Phone' } }, panel());
    expect(await bg.ok('admin:removeTicketType', { requestId: rid(), typeId: type.id })).toEqual({ outcome: 'archived', tickets: 1 });
    expect((await bg.ok('ui:catalog', {}, panel())).types.map((t) => t.id)).not.toContain(type.id);
    expect((await bg.ok('opt:workspace', {})).types.find((t) => t.id === type.id)).toMatchObject({ archived: true });
    expect((await bg.ok('ui:ticketView', { ticketId: ticket.id }, panel())).type).toMatchObject({ id: type.id, name: 'Hardware' });
    await bg.fails('ui:createTicket', { requestId: rid(), title: 'x', typeId: type.id, attributes: { 'attr-device': 'Phone' } }, 'invalid', undefined, panel());

    expect(await bg.ok('admin:removeTicketType', { requestId: rid(), typeId: 'type-billing' })).toEqual({ outcome: 'deleted', tickets: 0 });
    await bg.ok('admin:removeTicketType', { requestId: rid(), typeId: 'type-bug' });
    await bg.ok('admin:removeTicketType', { requestId: rid(), typeId: 'type-tracker' });
    await bg.fails('admin:removeTicketType', { requestId: rid(), typeId: 'type-general' }, 'invalid', /Keep at least one back-office or tracker ticket type/);

    // Restore the archived one.
    const archived = (await bg.ok('opt:workspace', {})).types.find((t) => t.id === type.id)!;
    const { archived: _a, ...rest } = archived;
    await bg.ok('admin:saveTicketType', { requestId: rid(), type: { ...rest, archived: false } });
    expect((await bg.ok('ui:catalog', {}, panel())).types.map((t) => t.id)).toContain(type.id);
  });

  it('reports usage per type, state and attribute', async () => {
    const bg = await background();
    await bg.ok('ui:createTicket', { requestId: rid(), title: 'A', typeId: 'type-bug', attributes: { 'attr-severity': 'High' } }, panel());
    await bg.ok('ui:createTicket', { requestId: rid(), title: 'B', typeId: 'type-bug', attributes: { 'attr-severity': 'Low', 'attr-steps': '' } }, panel());
    const ws = await bg.ok('opt:workspace', {});
    expect(ws.usage.types['type-bug']).toEqual({ tickets: 2, states: { submitted: 2 }, attributes: { 'attr-severity': 2 } });
    expect(ws.types.map((t) => t.id).sort()).toEqual(['type-billing', 'type-bug', 'type-general', 'type-tracker']);
  });
});

describe('teammates and who you are', () => {
  it('admins add, rename and remove teammates and teams; anyone chooses who they are', async () => {
    const bg = await background();
    const me = (await bg.ok('opt:workspace', {})).me;
    await bg.unlock();
    const alice = await bg.ok('admin:saveTeammate', { requestId: rid(), teammate: { name: ' Alice ', email: 'alice@example.com', kind: 'person' } });
    const team = await bg.ok('admin:saveTeammate', { requestId: rid(), teammate: { name: 'Payments', email: '', kind: 'team' } });
    expect(alice).toMatchObject({ name: 'Alice', email: 'alice@example.com', kind: 'person' });
    await bg.fails('admin:saveTeammate', { requestId: rid(), teammate: { name: 'alice', email: '', kind: 'person' } }, 'invalid', /already a teammate called “Alice”/);
    await bg.fails('admin:saveTeammate', { requestId: rid(), teammate: { name: 'Bob', email: 'bob@', kind: 'person' } }, 'invalid', /not an email address/);
    expect(await bg.ok('admin:saveTeammate', { requestId: rid(), teammate: { id: alice.id, name: 'Alice Agent', email: '', kind: 'person' } })).toMatchObject({ id: alice.id, name: 'Alice Agent' });

    await bg.ok('opt:lock', {});
    // Choosing who you are needs no unlock, only the options page.
    expect(await bg.ok('opt:setMe', { requestId: rid(), teammateId: alice.id })).toMatchObject({ id: alice.id });
    await bg.fails('opt:setMe', { requestId: rid(), teammateId: alice.id }, 'forbidden', undefined, panel());
    await bg.fails('opt:setMe', { requestId: rid(), teammateId: team.id }, 'invalid', /is a team; choose a person/);
    expect((await bg.ok('ui:catalog', {}, panel())).me.id).toBe(alice.id);
    const t = await bg.ok('ui:createTicket', { requestId: rid(), title: 'By Alice', typeId: 'type-general', assigneeId: team.id }, panel());
    expect(t.createdBy).toBe(alice.id);
    await bg.fails('admin:removeTeammate', { requestId: rid(), teammateId: me.id }, 'locked');

    await bg.ok('opt:unlock', { passphrase: PASS });
    await bg.fails('admin:removeTeammate', { requestId: rid(), teammateId: alice.id }, 'invalid', /is you on this browser/);
    await bg.fails('admin:removeTeammate', { requestId: rid(), teammateId: team.id }, 'invalid', /1 ticket is assigned to “Payments”/);
    await bg.fails('admin:saveTeammate', { requestId: rid(), teammate: { id: alice.id, name: 'Alice Agent', email: '', kind: 'team' } }, 'invalid', /must stay a person/);
    expect(await bg.ok('admin:removeTeammate', { requestId: rid(), teammateId: me.id })).toEqual({ removed: true });
    expect((await bg.ok('opt:workspace', {})).teammates.map((x) => x.name).sort()).toEqual(['Alice Agent', 'Payments']);
  });
});

describe('connections', () => {
  it('saves a connection, never returns its token, and keeps it on an edit without one', async () => {
    const bg = await background();
    await bg.unlock();
    const token = 'tok_1234567890abcdef';
    const r = await bg.ok('admin:saveConnection', { requestId: rid(), connection: { helpdesk: 'chatwoot', baseUrl: 'HTTPS://Support.Acme.com:443/', account: ' 7 ', credentials: { token } } });
    expect(r.connection).toMatchObject({ helpdesk: 'chatwoot', baseUrl: 'https://support.acme.com', account: '7', secretHints: { token: '••••cdef' }, selfHosted: true, label: 'Chatwoot · support.acme.com' });
    expect(r.missingPermission).toBe(true);
    expect(JSON.stringify(r)).not.toContain(token);
    const ws = await bg.ok('opt:workspace', {});
    expect(JSON.stringify(ws)).not.toContain(token);
    expect(ws.connections).toHaveLength(1);

    const edit = await bg.ok('admin:saveConnection', { requestId: rid(), connection: { id: r.connection.id, helpdesk: 'chatwoot', baseUrl: 'https://support.acme.com', account: '8', credentials: { token: '' } } });
    expect(edit.connection.account).toBe('8');
    expect((await bg.db.get('connections', r.connection.id))!.credentials.token).toBe(token);
    expect(bg.changes).toContainEqual(expect.objectContaining({ connections: true }));
  });

  it('registers self-hosted origins (token-free) and forgets them when removed; built-in origins need nothing', async () => {
    const bg = await background();
    await bg.unlock();
    bg.granted.add('https://support.acme.com');
    const a = await bg.ok('admin:saveConnection', { requestId: rid(), connection: { helpdesk: 'chatwoot', baseUrl: 'https://support.acme.com', account: '1', credentials: { token: 'secret-token-aaaa' } } });
    expect(a.missingPermission).toBe(false);
    const b = await bg.ok('admin:saveConnection', { requestId: rid(), connection: { helpdesk: 'chatwoot', baseUrl: 'https://app.chatwoot.com', account: '2', credentials: { token: 'secret-token-bbbb' } } });
    expect(b.connection.selfHosted).toBe(false);
    expect(bg.synced.at(-1)).toEqual([{ origin: 'https://support.acme.com', helpdesk: 'chatwoot' }]);
    expect(JSON.stringify(bg.synced)).not.toContain('secret-token');

    expect(await bg.ok('admin:removeConnection', { requestId: rid(), connectionId: a.connection.id })).toEqual({ removed: true });
    expect(bg.synced.at(-1)).toEqual([]);
    expect(await bg.ok('admin:removeConnection', { requestId: rid(), connectionId: a.connection.id })).toEqual({ removed: false });
    expect(await resyncCustomHosts(bg.env)).toEqual({ registered: [], missingPermission: [] });
  });

  it('refuses bad connection forms with the reason', async () => {
    const bg = await background();
    await bg.unlock();
    const save = (c: object) => bg.send('admin:saveConnection', { requestId: rid(), connection: { helpdesk: 'chatwoot', baseUrl: 'https://x.example', account: '1', credentials: { token: 'tok-123' }, ...c } });
    const reason = async (c: object) => {
      const r = await save(c);
      return r.ok ? 'saved' : r.error.message;
    };
    expect(await reason({ baseUrl: '' })).toMatch(/Enter the helpdesk’s base URL/);
    expect(await reason({ baseUrl: 'support.acme.com' })).toMatch(/is not a web address/);
    expect(await reason({ baseUrl: 'ftp://x.example' })).toMatch(/must start with https:\/\//);
    expect(await reason({ baseUrl: 'https://user:pw@x.example' })).toMatch(/Remove the user name and password/);
    expect(await reason({ account: '' })).toMatch(/Enter the Account ID/);
    expect(await reason({ credentials: { token: '' } })).toMatch(/Enter the API access token/);
    expect(await reason({ credentials: { token: 'has space' } })).toMatch(/cannot contain spaces/);
    expect(await bg.db.count('connections')).toBe(0);
    expect(await reason({})).toBe('saved');
    expect(await reason({ credentials: { token: 'other-token' } })).toMatch(/already a connection to account 1/);
  });

  it('checks a connection against the helpdesk (the sandbox), with a saved token or a typed one', async () => {
    const bg = await background();
    await bg.unlock();
    const form = { helpdesk: 'chatwoot', baseUrl: sandbox.url, account: String(SANDBOX_ACCOUNT_ID) };
    const good = await bg.ok('admin:testConnection', { connection: { ...form, credentials: { token: SANDBOX_TOKEN } } });
    expect(good).toMatchObject({ ok: true, detail: expect.stringMatching(/Connected to Chatwoot account 1/) });
    const bad = await bg.ok('admin:testConnection', { connection: { ...form, credentials: { token: 'wrong-token' } } });
    expect(bad).toMatchObject({ ok: false, error: expect.any(String) });

    const saved = await bg.ok('admin:saveConnection', { requestId: rid(), connection: { ...form, credentials: { token: SANDBOX_TOKEN } } });
    expect(await bg.ok('admin:testConnection', { connection: { ...form, id: saved.connection.id, credentials: {} } })).toMatchObject({ ok: true });
    await bg.fails('admin:testConnection', { connection: { ...form, credentials: {} } }, 'invalid', /Enter the API access token/);
  });

  it('an Intercom connection takes its account (the workspace) from GET /me when saved; a refused token saves nothing', async () => {
    const ic = await startIntercomStandin();
    try {
      const bg = await background();
      await bg.unlock();
      const form = { helpdesk: 'intercom', baseUrl: ic.url, credentials: { token: INTERCOM_TOKEN } };
      const check = await bg.ok('admin:testConnection', { connection: form });
      expect(check).toEqual({ ok: true, detail: `Connected to Intercom workspace Acme (${INTERCOM_WORKSPACE}) as Priya Shah (priya@acme.test).` });
      await bg.fails('admin:saveConnection', { requestId: rid(), connection: { ...form, credentials: { token: 'wrong' } } }, 'unauthorized', /^Not saved: Backline asks Intercom which account the connection belongs to, and that failed\. Intercom refused the credentials \(401\)/);
      expect(await bg.db.count('connections')).toBe(0);
      // A typed account is not believed: the API names it.
      const saved = await bg.ok('admin:saveConnection', { requestId: rid(), connection: { ...form, account: 'someone-else' } });
      expect(saved.connection).toMatchObject({ helpdesk: 'intercom', account: INTERCOM_WORKSPACE });
      expect((await bg.db.get('connections', saved.connection.id))!.account).toBe(INTERCOM_WORKSPACE);
    } finally {
      await ic.close();
    }
  });

  it('never sends a saved token to a changed Base URL: the secret must be entered again', async () => {
    const bg = await background();
    await bg.unlock();
    const form = { helpdesk: 'chatwoot', baseUrl: sandbox.url, account: String(SANDBOX_ACCOUNT_ID) };
    const saved = await bg.ok('admin:saveConnection', { requestId: rid(), connection: { ...form, credentials: { token: SANDBOX_TOKEN } } });
    const elsewhere = { ...form, id: saved.connection.id, baseUrl: 'https://attacker.example', credentials: {} };
    const before = sandbox.state.requests.length;
    await bg.fails('admin:testConnection', { connection: elsewhere }, 'forbidden', /Enter the API access token again/);
    await bg.fails('admin:saveConnection', { requestId: rid(), connection: elsewhere }, 'forbidden', /Enter the API access token again/);
    expect((await bg.db.get('connections', saved.connection.id))?.baseUrl).toBe(sandbox.url);
    // Same address, token left empty: the saved one is used; a new one typed for the new address is fine.
    expect(await bg.ok('admin:testConnection', { connection: { ...form, id: saved.connection.id, credentials: {} } })).toMatchObject({ ok: true });
    expect(sandbox.state.requests.length).toBeGreaterThan(before);
    const moved = await bg.ok('admin:saveConnection', { requestId: rid(), connection: { ...elsewhere, credentials: { token: 'typed-for-attacker' } } });
    expect(moved.connection.baseUrl).toBe('https://attacker.example');
  });
});

describe('data', () => {
  it('export is open to the options page; import and wipe need the unlock; a bad import changes nothing', async () => {
    const bg = await background();
    await bg.ok('ui:createTicket', { requestId: rid(), title: 'Keep me', typeId: 'type-general' }, panel());
    const file = await bg.ok('opt:export', {});
    const text = JSON.stringify(file);
    await bg.fails('admin:wipe', { requestId: rid() }, 'locked');
    await bg.unlock();

    const bad = JSON.parse(text);
    bad.data.tickets[0].number = 'one';
    await bg.fails('admin:checkImport', { text: JSON.stringify(bad) }, 'invalid', /tickets\[0\]\.number: expected a positive integer/);
    await bg.fails('admin:import', { requestId: rid(), text: JSON.stringify(bad) }, 'invalid', /Nothing was changed/);
    expect(await bg.db.count('tickets')).toBe(1);

    expect(await bg.ok('admin:checkImport', { text })).toMatchObject({ tickets: 1 });
    expect(await bg.ok('admin:wipe', { requestId: rid() })).toEqual({ wiped: true });
    expect(await bg.db.count('tickets')).toBe(0);
    expect(await bg.ok('admin:import', { requestId: rid(), text })).toMatchObject({ tickets: 1 });
    expect((await bg.ok('ui:queryTickets', {}, panel())).map((s) => s.ticket.title)).toEqual(['Keep me']);
    // The passphrase survived both.
    expect((await bg.ok('opt:adminStatus', {})).passphraseSet).toBe(true);
  });

  it('reads a file the options page holds by its blob: URL, and nothing else', async () => {
    const bg = await background();
    await bg.ok('ui:createTicket', { requestId: rid(), title: 'In the file', typeId: 'type-general' }, panel());
    const url = URL.createObjectURL(new Blob([JSON.stringify(await bg.ok('opt:export', {}))]));
    await bg.unlock();
    expect(await bg.ok('admin:checkImport', { file: url })).toMatchObject({ tickets: 1 });
    await bg.ok('admin:wipe', { requestId: rid() });
    expect(await bg.ok('admin:import', { requestId: rid(), file: url })).toMatchObject({ tickets: 1 });
    expect((await bg.ok('ui:queryTickets', {}, panel())).map((s) => s.ticket.title)).toEqual(['In the file']);

    // Not checked before (the worker was stopped meanwhile): read and checked now.
    await bg.ok('admin:wipe', { requestId: rid() });
    expect(await bg.ok('admin:import', { requestId: rid(), file: url })).toMatchObject({ tickets: 1 });

    URL.revokeObjectURL(url);
    await bg.fails('admin:checkImport', { file: url }, 'not_found', /Choose it again/);
    await bg.fails('admin:checkImport', { file: 'https://example.com/export.json' }, 'invalid');
    await bg.fails('admin:checkImport', { file: 'blob:https://example.com/0d5e6c1e-4a43-4f7e-9a0a-3f3a3f3a3f3a' }, 'invalid', /only files its own pages/);
    const huge = URL.createObjectURL(new Blob([new Uint8Array(MAX_IMPORT_BYTES + 1)]));
    await bg.fails('admin:checkImport', { file: huge }, 'invalid', /larger than 50 MB/);
    URL.revokeObjectURL(huge);
    expect(await bg.db.count('tickets')).toBe(1);
  });
});
