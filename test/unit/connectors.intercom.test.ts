/**
 * The Intercom connector against the Intercom stand-in over real HTTP: notes as admin note
 * replies (admin_id from GET /me), reopen and unsnooze as an `open` part, the preview,
 * findNote, the workspace from GET /me, and every failure mapped to a clear error.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { accountFromApi, IntercomConnector, noteMarker, testConnection, type ConnectorOptions } from '../../lib/connectors';
import { INTERCOM_ADMIN_ID, INTERCOM_TOKEN, INTERCOM_WORKSPACE, startIntercomStandin } from '../standins/intercom.mjs';
import { describeFailures } from './connector-failures';

let ic: Awaited<ReturnType<typeof startIntercomStandin>>;
beforeEach(async () => {
  await ic?.close();
  ic = await startIntercomStandin();
});
afterAll(async () => {
  await ic?.close();
});

const make = (baseUrl = ic.url, opts: ConnectorOptions & { wrongCredentials?: boolean } = {}) =>
  new IntercomConnector({ baseUrl, token: opts.wrongCredentials ? 'wrong-token' : INTERCOM_TOKEN }, opts);
const conv = (id: string) => ic.state.conversations.find((c) => c.id === id)!;
const writes = () => ic.state.requests.filter((r) => r.method !== 'GET');

describe('Intercom connector', () => {
  it('posts a note reply (message_type note, type admin, the token’s admin) with the marker, and finds it', async () => {
    const c = make();
    const { messageId } = await c.postInternalNote('1002', 'Engineering fixed the export.', { idempotencyKey: 'a1b2c3d4e5f6' });
    const part = conv('1002').parts.at(-1)!;
    expect(part).toMatchObject({ id: messageId, part_type: 'note' });
    expect(part.body).toBe(`<p>Engineering fixed the export.</p><p>${noteMarker('a1b2c3d4e5f6')}</p>`);
    expect(writes()).toMatchObject([{ method: 'POST', path: '/conversations/1002/reply', body: { message_type: 'note', type: 'admin', admin_id: INTERCOM_ADMIN_ID } }]);
    // A note neither reopens nor unsnoozes.
    expect(conv('1002').state).toBe('snoozed');
    expect(ic.state.requests.every((r) => r.headers['intercom-version'] === '2.16')).toBe(true);
    expect(await c.findNote('1002', 'a1b2c3d4e5f6', { since: 0 })).toEqual({ messageId });
    expect(await c.findNote('1002', 'ffffffffffff', { since: 0 })).toBeNull();
    // GET /me once per connector, not once per call.
    expect(ic.state.requests.filter((r) => r.path === '/me')).toHaveLength(1);
  });

  it('unsnoozes a snoozed and reopens a closed conversation with an open part', async () => {
    expect(await make().unsnooze('1002')).toEqual({ status: 'open', snoozedUntil: null });
    expect(await make().reopen('1003')).toEqual({ status: 'open', snoozedUntil: null });
    expect(conv('1002')).toMatchObject({ state: 'open', snoozed_until: null });
    expect(conv('1003').state).toBe('open');
    expect(writes().map((r) => [r.path, r.body])).toEqual([
      ['/conversations/1002/parts', { message_type: 'open', admin_id: INTERCOM_ADMIN_ID }],
      ['/conversations/1003/parts', { message_type: 'open', admin_id: INTERCOM_ADMIN_ID }],
    ]);
  });

  it('reads the preview as text: the first message, replies, notes and events; status and snooze', async () => {
    const snap = await make().readConversation('1001');
    expect(snap).toMatchObject({ status: 'open', snoozedUntil: null, customerName: 'Ada Lovelace', customerEmail: 'ada@analytical.example' });
    expect(snap.messages.map((m) => [m.kind, m.author, m.text])).toEqual([
      ['incoming', 'Ada Lovelace', 'My invoice shows the wrong company name.'],
      ['outgoing', 'Priya Shah', 'Thanks, checking now.'],
      ['note', 'Priya Shah', 'Billing has the old name on file.'],
      ['event', 'Priya Shah', 'Priya Shah: assignment'],
    ]);
    const snoozed = await make().readStatus('1002');
    expect(snoozed).toEqual({ status: 'snoozed', snoozedUntil: conv('1002').snoozed_until! * 1000 });
    expect((await make().readStatus('1003')).status).toBe('closed');
  });

  it('names the workspace (app.id_code) and the admin of the token', async () => {
    const conn = { helpdesk: 'intercom' as const, baseUrl: ic.url, account: '', credentials: { token: INTERCOM_TOKEN } };
    expect(await accountFromApi(conn)).toBe(INTERCOM_WORKSPACE);
    expect(await testConnection(conn)).toEqual({
      ok: true,
      detail: `Connected to Intercom workspace Acme (${INTERCOM_WORKSPACE}) as Priya Shah (priya@acme.test).`,
      account: INTERCOM_WORKSPACE,
    });
    expect(await testConnection({ ...conn, credentials: { token: 'nope' } })).toMatchObject({ ok: false, code: 'unauthorized' });
    await expect(accountFromApi({ ...conn, credentials: { token: 'nope' } })).rejects.toMatchObject({ kind: 'unauthorized' });
  });
});

describeFailures({
  name: 'Intercom',
  url: () => ic.url,
  make: (url, opts) => make(url, opts),
  id: '1001',
  missingId: '999',
  writeMatch: '/reply',
  fail: async (plan) => {
    await fetch(`${ic.url}/__standin/fail`, { method: 'POST', body: JSON.stringify(plan) });
  },
  drop: async (plan) => {
    await fetch(`${ic.url}/__standin/drop`, { method: 'POST', body: JSON.stringify(plan) });
  },
  notesWith: (text) => conv('1001').parts.filter((p) => (p.body ?? '').includes(text)).length,
});
