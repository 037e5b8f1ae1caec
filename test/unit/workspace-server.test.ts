import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conflictLoserDeletion, docIdFor, WORKSPACE_DESIGN_DOC, WORKSPACE_DESIGN_DOC_ID, WORKSPACE_RULES_VERSION } from '@/lib/model/workspace-rules';
import { startWorkspaceServer, type WorkspaceServer } from '../../scripts/workspace-server.mjs';

// The development server speaks CouchDB's HTTP API; these tests talk to it over real HTTP, as the
// extension and `curl` do, and check that it enforces what a real CouchDB would.

let ws: WorkspaceServer;
beforeAll(async () => {
  ws = await startWorkspaceServer();
}, 30_000);
afterAll(async () => {
  await ws?.close();
});

const basic = (name: string, password: string) => 'Basic ' + Buffer.from(`${name}:${password}`).toString('base64');
const as = {
  alice: () => basic(ws.users.admin.name, ws.users.admin.password),
  bob: () => basic(ws.users.member.name, ws.users.member.password),
  server: () => basic(ws.serverAdmin.name, ws.serverAdmin.password),
};

async function request(method: string, path: string, auth?: string, body?: unknown) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path.startsWith('http') ? path : ws.dbUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

let seq = 0;
/** A fresh id per test, so tests do not depend on each other's documents. */
const fresh = () => `0190a3c1-0000-7000-8000-${String(++seq).padStart(12, '0')}`;
const ticketDoc = (id: string, author: string, title = 'Refund') => ({ kind: 'ticket', record: { id, title }, author });
const activityDoc = (ticketId: string, id: string, author: string) => ({
  kind: 'activity',
  record: { id, ticketId, type: 'note', text: 'Checked the invoice' },
  author,
});

describe('workspace server: access', () => {
  it('answers anonymous reads and writes with 401', async () => {
    expect((await request('GET', '')).status).toBe(401);
    expect((await request('GET', '/_all_docs')).status).toBe(401);
    expect((await request('GET', '/_changes')).status).toBe(401);
    const write = await request('PUT', '/' + docIdFor.ticket(fresh()), undefined, ticketDoc('x', 'bob'));
    expect(write.status).toBe(401);
  });

  it('refuses a wrong password', async () => {
    expect((await request('GET', '', basic('bob', 'not-bobs'))).status).toBe(401);
  });

  it('refuses a signed-in user without a workspace role', async () => {
    const carol = { _id: 'org.couchdb.user:carol', type: 'user', name: 'carol', password: 'carol-pass', roles: [] };
    expect((await request('PUT', `${ws.url}/_users/${carol._id}`, as.server(), carol)).status).toBe(201);
    const read = await request('GET', '', basic('carol', 'carol-pass'));
    expect(read.status).toBe(401);
    expect(read.body.reason).toMatch(/not authorized/);
  });

  it('lets the workspace admin and the member read, with the rules installed', async () => {
    for (const auth of [as.alice(), as.bob()]) {
      const info = await request('GET', '', auth);
      expect(info.status).toBe(200);
      expect(info.body.db_name).toBe('backline');
    }
    const ddoc = await request('GET', '/' + WORKSPACE_DESIGN_DOC_ID, as.bob());
    expect(ddoc.body.version).toBe(WORKSPACE_RULES_VERSION);
    const security = await request('GET', '/_security', as.alice());
    expect(security.body).toEqual({
      admins: { names: [], roles: ['backline-admin'] },
      members: { names: [], roles: ['backline-member', 'backline-admin'] },
    });
  });

  it('lets the workspace admin, not the member, install the rules and the security object again', async () => {
    const installed = await request('GET', '/' + WORKSPACE_DESIGN_DOC_ID, as.alice());
    const bobs = await request('PUT', '/' + WORKSPACE_DESIGN_DOC_ID, as.bob(), WORKSPACE_DESIGN_DOC(installed.body._rev));
    // pouchdb-server answers 401 here, CouchDB 403 ("You are not a db or server admin").
    expect([401, 403]).toContain(bobs.status);
    const security = { admins: { names: [], roles: ['backline-admin'] }, members: { names: [], roles: ['backline-member', 'backline-admin'] } };
    expect([401, 403]).toContain((await request('PUT', '/_security', as.bob(), { ...security, members: { names: ['bob'], roles: [] } })).status);
    const upgrade = await request('PUT', '/' + WORKSPACE_DESIGN_DOC_ID, as.alice(), WORKSPACE_DESIGN_DOC(installed.body._rev));
    expect(upgrade.status).toBe(201);
    expect((await request('PUT', '/_security', as.alice(), security)).status).toBe(200);
    // The rules still hold after the upgrade.
    expect((await request('PUT', '/settings', as.bob(), { kind: 'settings', record: {}, author: 'bob' })).status).toBe(403);
  });

  it('answers extension origins with CORS headers that allow credentials', async () => {
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const preflight = await fetch(ws.dbUrl + '/_bulk_docs', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const read = await fetch(ws.dbUrl, { headers: { origin: 'moz-extension://1234-5678', authorization: as.bob() } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('moz-extension://1234-5678');
    const web = await fetch(ws.dbUrl, { headers: { origin: 'https://evil.example', authorization: as.bob() } });
    expect(web.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('workspace server: the rules', () => {
  it('lets the member write a ticket and an activity item as himself', async () => {
    const t = fresh();
    const ticket = await request('PUT', '/' + docIdFor.ticket(t), as.bob(), ticketDoc(t, 'bob'));
    expect(ticket.status).toBe(201);
    const a = fresh();
    const item = await request('PUT', '/' + docIdFor.activity(t, a), as.bob(), activityDoc(t, a, 'bob'));
    expect(item.status).toBe(201);
    const read = await request('GET', '/' + docIdFor.activity(t, a), as.alice());
    expect(read.body).toMatchObject({ kind: 'activity', author: 'bob', record: { id: a } });
  });

  it("refuses the member's activity item written in someone else's name, with the rule's message", async () => {
    const t = fresh();
    const a = fresh();
    const res = await request('PUT', '/' + docIdFor.activity(t, a), as.bob(), activityDoc(t, a, 'alice'));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'forbidden',
      reason: `Document "activity:${t}:${a}" says it was written by "alice", but you are signed in as "bob". The author must be the signed-in user.`,
    });
    expect((await request('GET', '/' + docIdFor.activity(t, a), as.bob())).status).toBe(404);
  });

  it('never lets an activity item change or go, for the member or the workspace admin', async () => {
    const t = fresh();
    const a = fresh();
    const id = '/' + docIdFor.activity(t, a);
    const created = await request('PUT', id, as.bob(), activityDoc(t, a, 'bob'));
    const edit = await request('PUT', id, as.bob(), { ...activityDoc(t, a, 'bob'), _rev: created.body.rev, record: { id: a, text: 'rewritten' } });
    expect(edit.status).toBe(403);
    expect(edit.body.reason).toBe(`Activity items are never changed once written (activity:${t}:${a}).`);
    const removal = await request('DELETE', `${id}?rev=${created.body.rev}`, as.alice());
    expect(removal.status).toBe(403);
    expect(removal.body.reason).toMatch(/never deleted/);
    const read = await request('GET', id, as.bob());
    expect(read.body._rev).toBe(created.body.rev);
    expect(read.body.record.text).toBe('Checked the invoice');
  });

  it('lets only the workspace admin write settings and ticket types', async () => {
    const settings = { kind: 'settings', record: { preventReopen: true }, author: 'bob' };
    const bobSettings = await request('PUT', '/settings', as.bob(), settings);
    expect(bobSettings.status).toBe(403);
    expect(bobSettings.body.reason).toBe('Only a workspace admin may change workspace settings.');
    const type = { kind: 'type', record: { id: 'billing', name: 'Billing' }, author: 'bob' };
    const bobType = await request('PUT', '/' + docIdFor.type('billing'), as.bob(), type);
    expect(bobType.status).toBe(403);
    expect(bobType.body.reason).toBe('Only a workspace admin may change ticket types.');

    const aliceSettings = await request('PUT', '/settings', as.alice(), { ...settings, author: 'alice' });
    expect(aliceSettings.status).toBe(201);
    const aliceType = await request('PUT', '/' + docIdFor.type('billing'), as.alice(), { ...type, author: 'alice' });
    expect(aliceType.status).toBe(201);
    const read = await request('GET', '/settings', as.bob());
    expect(read.body).toMatchObject({ record: { preventReopen: true }, author: 'alice' });
  });

  it('lets the member unlink a conversation but not delete a ticket', async () => {
    const t = fresh();
    const ticket = await request('PUT', '/' + docIdFor.ticket(t), as.bob(), ticketDoc(t, 'bob'));
    const linkId = '/' + encodeURIComponent(docIdFor.link(t, 'chatwoot|http://127.0.0.1:4517|1|42'));
    const link = await request('PUT', linkId, as.bob(), { kind: 'link', record: { ticketId: t }, author: 'bob' });
    expect(link.status).toBe(201);
    expect((await request('DELETE', `${linkId}?rev=${link.body.rev}`, as.bob())).status).toBe(200);
    const removal = await request('DELETE', `/${docIdFor.ticket(t)}?rev=${ticket.body.rev}`, as.bob());
    expect(removal.status).toBe(403);
    expect(removal.body.reason).toBe('Only a workspace admin may delete a ticket; resolve it instead.');
    expect((await request('GET', '/' + docIdFor.ticket(t), as.bob())).status).toBe(200);
  });
});

describe('workspace server: seeding', () => {
  it('puts many documents in the workspace at once, for every member to read and follow', async () => {
    const since = (await request('GET', '', as.bob())).body.update_seq;
    const ids = Array.from({ length: 1200 }, () => fresh());
    await ws.seed(ids.map((id) => ({ _id: docIdFor.ticket(id), ...ticketDoc(id, 'alice') })));
    const changes = await request('GET', `/_changes?since=${since}`, as.bob());
    expect(changes.body.results.map((r: { id: string }) => r.id)).toEqual(ids.map((id) => docIdFor.ticket(id)));
    expect((await request('GET', '/' + docIdFor.ticket(ids[1199]!), as.bob())).body.record.id).toBe(ids[1199]);
  });
});

describe('workspace server: conflicts', () => {
  it('lets a member resolve a ticket conflict by deleting the losing revision, and nothing else', async () => {
    const t = fresh();
    const id = docIdFor.ticket(t);
    const created = await request('PUT', '/' + id, as.bob(), ticketDoc(t, 'bob'));
    const [, root] = String(created.body.rev).split('-');
    // Two browsers changed the title while apart; both edits reach the server.
    const edits = ['a'.repeat(32), 'b'.repeat(32)].map((hash, i) => ({
      _id: id,
      _rev: `2-${hash}`,
      _revisions: { start: 2, ids: [hash, root] },
      ...ticketDoc(t, i ? 'alice' : 'bob', i ? 'Refund (alice)' : 'Refund (bob)'),
    }));
    await request('POST', '/_bulk_docs', as.server(), { docs: edits, new_edits: false });
    const both = await request('GET', `/${id}?conflicts=true`, as.bob());
    expect(both.body._conflicts).toHaveLength(1);
    const loser = both.body._conflicts[0];

    const plain = await request('DELETE', `/${id}?rev=${loser}`, as.bob());
    expect(plain.status).toBe(403);
    const resolved = await request('POST', '/_bulk_docs', as.bob(), { docs: [conflictLoserDeletion({ _id: id, _rev: loser, kind: 'ticket' }, 'bob')] });
    expect(resolved.body).toEqual([expect.objectContaining({ ok: true, id })]);
    const after = await request('GET', `/${id}?conflicts=true`, as.alice());
    expect(after.status).toBe(200);
    expect(after.body._conflicts).toBeUndefined();
    expect(after.body._rev).toBe(both.body._rev);

    // Deleting the one revision left would delete the ticket: refused to a member.
    const last = await request('DELETE', `/${id}?rev=${after.body._rev}`, as.bob());
    expect(last.status).toBe(403);
    expect(last.body.reason).toBe('Only a workspace admin may delete a ticket; resolve it instead.');
  });
});

describe('workspace server: users', () => {
  const bobDoc = `${'http://placeholder'}/_users/org.couchdb.user:bob`;
  const userPath = () => bobDoc.replace('http://placeholder', ws.url);

  it('refuses a member giving himself the workspace admin role through his user document', async () => {
    const mine = await request('GET', userPath(), as.bob());
    expect(mine.status).toBe(200);
    expect(mine.body.roles).toEqual(['backline-member']);
    const promote = await request('PUT', userPath(), as.bob(), { ...mine.body, roles: ['backline-admin', 'backline-member'] });
    expect(promote.status).toBe(403);
    expect(promote.body.reason).toBe('Only _admin may edit roles');
    const newcomer = { _id: 'org.couchdb.user:mallory', type: 'user', name: 'mallory', password: 'x', roles: ['backline-admin'] };
    expect((await request('PUT', `${ws.url}/_users/${newcomer._id}`, as.bob(), newcomer)).status).toBe(403);
    const settings = await request('PUT', '/settings', as.bob(), { kind: 'settings', record: {}, author: 'bob' });
    expect(settings.status).toBe(403);
  });

  it("refuses a member changing another user's document", async () => {
    const alicePath = `${ws.url}/_users/org.couchdb.user:alice`;
    const theirs = await request('GET', alicePath, as.server());
    const change = await request('PUT', alicePath, as.bob(), { ...theirs.body, password: 'taken-over' });
    expect(change.status).toBe(403);
    expect((await request('GET', '', as.alice())).status).toBe(200);
  });

  it('lets a member change his own password', async () => {
    const mine = await request('GET', userPath(), as.bob());
    const change = await request('PUT', userPath(), as.bob(), { ...mine.body, password: 'bob-new-pass' });
    expect(change.status).toBe(201);
    expect((await request('GET', '', basic('bob', 'bob-new-pass'))).status).toBe(200);
    expect((await request('GET', '', as.bob())).status).toBe(401);
    // Put it back for the other tests.
    const again = await request('GET', userPath(), basic('bob', 'bob-new-pass'));
    const back = await request('PUT', userPath(), basic('bob', 'bob-new-pass'), { ...again.body, password: ws.users.member.password });
    expect(back.status).toBe(201);
  });
});

describe('workspace server: replicated writes', () => {
  it('stores a replicated edit under the rules (pouchdb-server #419)', async () => {
    const t = fresh();
    const id = docIdFor.ticket(t);
    const created = await request('PUT', '/' + encodeURIComponent(id), as.bob(), ticketDoc(t, 'bob'));
    const [, firstHash] = String(created.body.rev).split('-');
    const edit = {
      _id: id,
      _rev: '2-0123456789abcdef0123456789abcdef',
      _revisions: { start: 2, ids: ['0123456789abcdef0123456789abcdef', firstHash] },
      ...ticketDoc(t, 'bob', 'Refund, second try'),
    };
    const res = await request('POST', '/_bulk_docs', as.bob(), { docs: [edit], new_edits: false });
    expect(res.status).toBe(201);
    expect(res.body).toEqual([]);
    const read = await request('GET', '/' + id, as.alice());
    expect(read.body._rev).toBe(edit._rev);
    expect(read.body.record.title).toBe('Refund, second try');
  });

  it('answers a replicated write the rules refuse with an error item, and stores nothing', async () => {
    const t = fresh();
    const a = fresh();
    const forged = {
      _id: docIdFor.activity(t, a),
      _rev: '1-0123456789abcdef0123456789abcdef',
      _revisions: { start: 1, ids: ['0123456789abcdef0123456789abcdef'] },
      ...activityDoc(t, a, 'alice'),
    };
    const fine = { ...forged, _id: docIdFor.activity(t, fresh()), author: 'bob' };
    const res = await request('POST', '/_bulk_docs', as.bob(), { docs: [forged, fine], new_edits: false });
    expect(res.status).toBe(201);
    expect(res.body).toEqual([
      expect.objectContaining({ id: forged._id, error: 'forbidden', reason: expect.stringMatching(/says it was written by "alice"/) }),
    ]);
    expect((await request('GET', '/' + forged._id, as.bob())).status).toBe(404);
    expect((await request('GET', '/' + fine._id, as.bob())).status).toBe(200);
  });

  it('reports a document the rules refuse to a replicating PouchDB as denied, and sends the rest', async () => {
    // A PouchDB client (the one pouchdb-server ships with, in memory) replicating to the server
    // with bob's credentials, as the extension's background does.
    const requireFromServer = createRequire(createRequire(import.meta.url).resolve('pouchdb-server/package.json'));
    // PouchDB's constructor is one per process, shared with the server in this process: plug
    // in only what the server has not (replication cannot be plugged in twice).
    const PouchDB = requireFromServer('pouchdb-core')
      .plugin(requireFromServer('pouchdb-adapter-memory'))
      .plugin(requireFromServer('pouchdb-adapter-http'));
    if (!PouchDB.replicate) PouchDB.plugin(requireFromServer('pouchdb-replication'));
    const local = new PouchDB(`client-${fresh()}`, { adapter: 'memory' });
    const remote = new PouchDB(ws.dbUrl, { auth: { username: 'bob', password: ws.users.member.password }, skip_setup: true });
    try {
      const t = fresh();
      const a = fresh();
      await local.bulkDocs([
        { _id: docIdFor.ticket(t), ...ticketDoc(t, 'bob') },
        { _id: docIdFor.activity(t, a), ...activityDoc(t, a, 'bob') },
        { _id: 'settings', kind: 'settings', record: { preventReopen: false }, author: 'bob' },
      ]);
      const denied: { id: string; name: string; message: string }[] = [];
      const result = await local.replicate.to(remote).on('denied', (err: { id: string; name: string; message: string }) => denied.push(err));
      expect(result.docs_written).toBe(2);
      expect(result.doc_write_failures).toBe(1);
      expect(denied).toEqual([
        expect.objectContaining({ id: 'settings', name: 'forbidden', message: 'Only a workspace admin may change workspace settings.' }),
      ]);
      expect((await request('GET', '/' + docIdFor.activity(t, a), as.alice())).body.author).toBe('bob');
      // The refused document stays in the client's database.
      expect((await local.get('settings')).record).toEqual({ preventReopen: false });

      // An edit made on the client reaches the server through replication (again #419).
      const ticket = await local.get(docIdFor.ticket(t));
      await local.put({ ...ticket, record: { ...ticket.record, title: 'Edited offline' } });
      await local.replicate.to(remote);
      const read = await request('GET', '/' + docIdFor.ticket(t), as.alice());
      expect(read.body.record.title).toBe('Edited offline');
      expect(read.body._rev).toMatch(/^2-/);
    } finally {
      await local.destroy();
      await remote.close();
    }
  });
});
