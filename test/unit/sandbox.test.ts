import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID, SANDBOX_TOKEN, startSandbox, type SandboxHandle } from '../sandbox/server.mjs';

let sandbox: SandboxHandle;
let api: string;

interface Json {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  path: string,
  init: { method?: string; body?: unknown; rawBody?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Json> {
  const headers: Record<string, string> = { ...init.headers };
  const token = init.token === undefined ? SANDBOX_TOKEN : init.token;
  if (token !== null) headers.api_access_token = token;
  let body: string | undefined;
  if (init.rawBody !== undefined) body = init.rawBody;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(path.startsWith('http') ? path : `${sandbox.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  api = `/api/v1/accounts/${SANDBOX_ACCOUNT_ID}`;
});

afterAll(async () => {
  await sandbox?.close();
});

beforeEach(async () => {
  const res = await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
  expect(res.status).toBe(200);
});

describe('sandbox helpdesk', () => {
  it('listens on a free port and reports its url', () => {
    expect(sandbox.port).toBeGreaterThan(0);
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
  });

  it('requires the api_access_token header', async () => {
    const missing = await call(`${api}/conversations/1`, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'You need to sign in or sign up before continuing.' });

    const wrong = await call(`${api}/conversations/1`, { token: 'nope' });
    expect(wrong.status).toBe(401);
  });

  it('returns a conversation in the Chatwoot shape', async () => {
    const res = await call(`${api}/conversations/1`);
    expect(res.status).toBe(200);
    const c = res.body;
    expect(c).toMatchObject({
      id: 1,
      account_id: SANDBOX_ACCOUNT_ID,
      status: 'open',
      snoozed_until: null,
      meta: {
        sender: {
          name: 'Ada Lovelace',
          email: 'ada@analyticalengines.co.uk',
          additional_attributes: { company_name: 'Analytical Engines Ltd' },
        },
        assignee: { name: 'Sam Rivera' },
      },
    });
    expect(typeof c.inbox_id).toBe('number');
    expect(typeof c.created_at).toBe('number');
    expect(typeof c.last_activity_at).toBe('number');
    expect(Array.isArray(c.labels)).toBe(true);
    expect(c.messages.length).toBeGreaterThanOrEqual(2);
    for (const m of c.messages) {
      expect([0, 1, 2]).toContain(m.message_type);
      expect(m.conversation_id).toBe(1);
      expect(typeof m.private).toBe('boolean');
    }
    expect(c.messages[0].sender).toMatchObject({ type: 'contact', name: 'Ada Lovelace' });

    const snoozed = await call(`${api}/conversations/2`);
    expect(snoozed.body.status).toBe('snoozed');
    expect(snoozed.body.snoozed_until).toBeGreaterThan(Date.now() / 1000);
    expect((await call(`${api}/conversations/3`)).body.status).toBe('resolved');
    expect((await call(`${api}/conversations/4`)).body.status).toBe('pending');
  });

  it('lists conversations with Chatwoot meta counts', async () => {
    const open = await call(`${api}/conversations`);
    expect(open.status).toBe(200);
    expect(open.body.data.payload.every((c: any) => c.status === 'open')).toBe(true);

    const all = await call(`${api}/conversations?status=all`);
    expect(all.body.data.meta.all_count).toBe(8);
    expect(all.body.data.payload.map((c: any) => c.id).sort((a: number, b: number) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('adds a private note that shows up in the message list', async () => {
    const before = (await call(`${api}/conversations/1`)).body;
    const created = await call(`${api}/conversations/1/messages`, {
      body: { content: 'Refund issued in back office (BL-42).', message_type: 'outgoing', private: true },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      content: 'Refund issued in back office (BL-42).',
      message_type: 1,
      private: true,
      content_type: 'text',
      conversation_id: 1,
      sender: { type: 'user', name: 'Sam Rivera' },
    });

    const list = await call(`${api}/conversations/1/messages`);
    expect(list.status).toBe(200);
    const note = list.body.payload.find((m: any) => m.id === created.body.id);
    expect(note).toMatchObject({ private: true, content: 'Refund issued in back office (BL-42).' });
    expect(list.body.meta.contact).toMatchObject({ name: 'Ada Lovelace' });

    const after = (await call(`${api}/conversations/1`)).body;
    expect(after.last_activity_at).toBeGreaterThanOrEqual(before.last_activity_at);
    expect(after.last_activity_at).toBe(created.body.created_at);
  });

  it('rejects missing, non-string and over-long content', async () => {
    const missing = await call(`${api}/conversations/1/messages`, { body: { private: true } });
    expect(missing.status).toBe(422);
    expect(typeof missing.body.error).toBe('string');
    expect((await call(`${api}/conversations/1/messages`, { body: { content: '   ' } })).status).toBe(422);
    expect((await call(`${api}/conversations/1/messages`, { body: { content: 42 } })).status).toBe(422);
    expect((await call(`${api}/conversations/1/messages`, { body: { content: 'x'.repeat(150_001) } })).status).toBe(422);
    expect((await call(`${api}/conversations/1/messages`, { body: { content: 'x'.repeat(150_000) } })).status).toBe(200);
  });

  it('toggles snoozed → open, clears snoozed_until and records an activity message', async () => {
    const res = await call(`${api}/conversations/2/toggle_status`, { body: { status: 'open' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ meta: {}, payload: { success: true, current_status: 'open', conversation_id: 2 } });

    const conv = (await call(`${api}/conversations/2`)).body;
    expect(conv.status).toBe('open');
    expect(conv.snoozed_until).toBeNull();
    const last = conv.messages[conv.messages.length - 1];
    expect(last).toMatchObject({ message_type: 2, content: 'Conversation was reopened by Sam Rivera', sender: null });
  });

  it('snoozes with snoozed_until and rejects invalid statuses', async () => {
    const until = Math.floor(Date.now() / 1000) + 3600;
    const res = await call(`${api}/conversations/1/toggle_status`, { body: { status: 'snoozed', snoozed_until: until } });
    expect(res.body.payload.current_status).toBe('snoozed');
    expect((await call(`${api}/conversations/1`)).body.snoozed_until).toBe(until);

    const bad = await call(`${api}/conversations/1/toggle_status`, { body: { status: 'closed' } });
    expect(bad.status).toBe(422);
    expect(typeof bad.body.error).toBe('string');
  });

  it('answers 404 for unknown conversations, accounts and routes', async () => {
    const conv = await call(`${api}/conversations/999`);
    expect(conv.status).toBe(404);
    expect(conv.body).toEqual({ error: 'Resource could not be found' });
    expect((await call(`${api}/conversations/999/messages`, { body: { content: 'hi' } })).status).toBe(404);
    expect((await call('/api/v1/accounts/42/conversations/1')).status).toBe(404);
    const route = await call('/api/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(typeof route.body.error).toBe('string');
  });

  it('fails the next N API requests on demand, then recovers', async () => {
    const plan = await call('/__sandbox/fail', { token: null, body: { count: 1, status: 500 } });
    expect(plan.status).toBe(200);

    const failed = await call(`${api}/conversations/1`);
    expect(failed.status).toBe(500);
    expect(typeof failed.body.error).toBe('string');
    expect(failed.headers.get('access-control-allow-origin')).toBe('*');

    const recovered = await call(`${api}/conversations/1`);
    expect(recovered.status).toBe(200);
  });

  it('holds the next matching writes on demand and applies them late, even after the client gave up', async () => {
    const plan = await call('/__sandbox/delay', { token: null, body: { ms: 400, count: 1, match: '/conversations/3/' } });
    expect(plan).toMatchObject({ status: 200, body: { ok: true, delay: { remaining: 1, ms: 400, match: '/conversations/3/' } } });
    const notes = () => sandbox.state.conversations.find((c) => c.id === 3)!.messages.filter((m) => m.content === 'late note');

    // The client gives up long before the sandbox answers.
    const gaveUp = await fetch(`${sandbox.url}${api}/conversations/3/messages`, {
      method: 'POST',
      headers: { api_access_token: SANDBOX_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'late note', private: true }),
      signal: AbortSignal.timeout(50),
    }).catch((e: unknown) => e);
    expect((gaveUp as Error).name).toBe('TimeoutError');
    // Held: not applied yet, and the log says so.
    expect(notes()).toHaveLength(0);
    const held = sandbox.state.requests.find((r) => r.method === 'POST')!;
    expect(held).toMatchObject({ delayedMs: 400, status: 0 });
    // Reads are never held, and nothing else is while the write waits.
    expect((await call(`${api}/conversations/3/messages`)).status).toBe(200);
    expect((await call(`${api}/conversations/1/messages`, { body: { content: 'elsewhere', private: true } })).status).toBe(200);

    // Then it lands, once.
    await expect.poll(() => notes().length).toBe(1);
    expect(held.status).toBe(200);
    expect(notes()[0]).toMatchObject({ private: true });

    // The plan was used up: the next write is immediate.
    const next = await call(`${api}/conversations/3/messages`, { body: { content: 'late note', private: true } });
    expect(next.status).toBe(200);
    expect(notes()).toHaveLength(2);
    expect(sandbox.state.delay).toBeNull();
  });

  it('drops held writes on reset, and checks its delay plans', async () => {
    await call('/__sandbox/delay', { token: null, body: { ms: 60000 } });
    const pending = call(`${api}/conversations/3/messages`, { body: { content: 'never applied', private: true } }).catch((e: unknown) => e);
    await expect.poll(() => sandbox.state.requests.some((r) => r.delayedMs === 60000)).toBe(true);
    await call('/__sandbox/reset', { token: null, method: 'POST' });
    // The held request is cut off instead of being applied to the fresh data.
    expect(await pending).toBeInstanceOf(Error);
    expect(sandbox.state.conversations.find((c) => c.id === 3)!.messages.some((m) => m.content === 'never applied')).toBe(false);

    expect((await call('/__sandbox/delay', { token: null, body: {} })).status).toBe(400);
    expect((await call('/__sandbox/delay', { token: null, body: { ms: 0 } })).status).toBe(400);
    expect((await call('/__sandbox/delay', { token: null, body: { ms: 10, count: -1 } })).status).toBe(400);
    expect((await call('/__sandbox/delay', { token: null, body: { ms: 10, match: 5 } })).status).toBe(400);
    await call('/__sandbox/delay', { token: null, body: { ms: 10 } });
    expect(await call('/__sandbox/delay', { token: null, body: { count: 0 } })).toMatchObject({ status: 200, body: { delay: null } });
  });

  it('logs API requests for assertions', async () => {
    await call(`${api}/conversations/3`, { token: null });
    await call(`${api}/conversations/3/messages`, { body: { content: 'logged', private: true } });
    const log = (await call('/__sandbox/requests', { token: null })).body.requests;
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ method: 'GET', path: `${api}/conversations/3`, hasToken: false, status: 401 });
    expect(log[1]).toMatchObject({
      method: 'POST',
      path: `${api}/conversations/3/messages`,
      hasToken: true,
      status: 200,
      body: { content: 'logged', private: true },
    });
  });

  it('exposes and resets the whole state', async () => {
    await call(`${api}/conversations/3/messages`, { body: { content: 'temporary', private: true } });
    let state = (await call('/__sandbox/state', { token: null })).body;
    expect(state.conversations).toHaveLength(8);
    expect(state.conversations[2].messages.some((m: any) => m.content === 'temporary')).toBe(true);

    await call('/__sandbox/reset', { token: null, method: 'POST' });
    state = (await call('/__sandbox/state', { token: null })).body;
    expect(state.conversations[2].messages.some((m: any) => m.content === 'temporary')).toBe(false);
    expect(sandbox.state.conversations).toHaveLength(8);
  });

  it('answers malformed JSON with 400 and oversized bodies with 413', async () => {
    const bad = await call(`${api}/conversations/1/messages`, { rawBody: '{"content": "oops"' });
    expect(bad.status).toBe(400);
    expect(typeof bad.body.error).toBe('string');

    const notObject = await call(`${api}/conversations/1/messages`, { rawBody: '["content"]' });
    expect(notObject.status).toBe(400);

    const huge = await call(`${api}/conversations/1/messages`, { body: { content: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);

    // The server is still healthy afterwards.
    expect((await call(`${api}/conversations/1`)).status).toBe(200);
  });

  it('answers CORS preflight for the extension origin', async () => {
    const res = await fetch(`${sandbox.url}${api}/conversations/1/messages`, {
      method: 'OPTIONS',
      headers: {
        origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'api_access_token,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    expect(allowed).toContain('api_access_token');
    expect(allowed).toContain('content-type');
    expect((res.headers.get('access-control-allow-methods') ?? '').toUpperCase()).toContain('POST');

    const actual = await call(`${api}/conversations/1`, { headers: { origin: 'chrome-extension://abc' } });
    expect(actual.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves the agent pages', async () => {
    const root = await fetch(`${sandbox.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/app/accounts/1/conversations');

    const page = await fetch(`${sandbox.url}/app/accounts/1/conversations/3`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>Conversation #3 · Sandbox Helpdesk</title>');
    expect(html).toMatch(/data-testid="conversation-status"[^>]*>Resolved</);
    expect(html).toContain('Alan Turing');

    const note = await fetch(`${sandbox.url}/app/accounts/1/conversations/1`).then((r) => r.text());
    expect(note).toContain('data-testid="private-note"');
  });

  it('gives each sandbox its own data', async () => {
    const other = await startSandbox({ port: 0 });
    try {
      await call(`${api}/conversations/1/toggle_status`, { body: { status: 'resolved' } });
      const res = await fetch(`${other.url}${api}/conversations/1`, { headers: { api_access_token: SANDBOX_TOKEN } });
      expect((await res.json()).status).toBe('open');
    } finally {
      await other.close();
    }
  });
});
