// @ts-check
/**
 * Help Scout stand-in: a small Node HTTP server speaking the part of the Mailbox API 2.0 that
 * Backline uses (test/contracts/specs/helpscout.*.json), with in-memory state the tests inspect.
 *
 *   POST   /v2/oauth2/token                 client credentials → {token_type, access_token, expires_in}
 *   GET    /v2/users/me
 *   GET    /v2/conversations/:id
 *   PATCH  /v2/conversations/:id             {op: "replace", path: "/status", value}        → 204
 *   PUT    /v2/conversations/:id/snooze      {snoozedUntil, unsnoozeOnCustomerReply}        → 204
 *   DELETE /v2/conversations/:id/snooze      unsnoozes and reactivates                      → 204
 *   POST   /v2/conversations/:id/notes       {text}                → 201, Resource-ID header
 *   GET    /v2/conversations/:id/threads     ?page=  (newest first, `pageSize` per page)
 *
 * Every API request needs `Authorization: Bearer <token from /v2/oauth2/token>`; a token past its
 * `expires_in`, or revoked, is answered 401. Errors use Help Scout's body (`message`, `logRef`,
 * `_embedded.errors`).
 *
 * Test control (no auth):
 *   POST /__standin/fail    {count=1, status=500, match?, retryAfter?, body?, hang?}: the next
 *        `count` requests whose path contains `match` get `status` (with Help Scout's
 *        X-RateLimit-Retry-After when `retryAfter` is given, `body` as the raw answer when given,
 *        no answer at all with `hang`) and change nothing.
 *   POST /__standin/revoke-tokens   every issued token is refused from now on.
 *   POST /__standin/reset           back to the seed.
 *   GET  /__standin/state           the state as JSON.
 */
import http from 'node:http';
import { answerControl, heldAnswers, parseBody, readBody, takeFailPlan } from './kit.mjs';
import { randomUUID } from 'node:crypto';

export const HELPSCOUT_APP_ID = 'hs-app-id-7f3a';
export const HELPSCOUT_APP_SECRET = 'hs-app-secret-91c2e';

const ISO = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function seed() {
  const now = Date.now();
  const min = 60_000;
  const customer = (id, first, last, email) => ({ id, type: 'customer', first, last, email });
  const user = { id: 4, type: 'user', first: 'Priya', last: 'Shah', email: 'priya@acme.example' };
  /** @type {import('./helpscout.d.mts').HsConversation[]} */
  const conversations = [
    {
      id: 3382659721,
      number: 11535,
      status: 'active',
      subject: 'Charged twice for the March invoice',
      primaryCustomer: customer(901, 'Ada', 'Lovelace', 'ada@analytical.example'),
      snooze: null,
      threads: [
        { id: 5001, type: 'customer', status: 'active', state: 'published', body: '<p>Hello, I was <b>charged twice</b> for invoice INV-3301.</p><p>Can you help?</p>', createdBy: customer(901, 'Ada', 'Lovelace', 'ada@analytical.example'), createdAt: ISO(now - 90 * min) },
        { id: 5002, type: 'message', status: 'active', state: 'published', body: '<p>Sorry about that &amp; thanks for writing. Looking into it.</p>', createdBy: user, createdAt: ISO(now - 80 * min) },
      ],
    },
    {
      id: 2199011258,
      number: 891142,
      status: 'active',
      subject: 'Export stuck at 99%',
      primaryCustomer: customer(902, 'Grace', 'Hopper', 'grace@compilers.example'),
      snooze: { snoozedBy: 4, snoozedUntil: ISO(now + 3 * 24 * 60 * min), unsnoozeOnCustomerReply: true },
      threads: [
        { id: 6001, type: 'customer', status: 'active', state: 'published', body: 'My export exp_88213 has been stuck for a day.', createdBy: customer(902, 'Grace', 'Hopper', 'grace@compilers.example'), createdAt: ISO(now - 60 * min) },
        { id: 6002, type: 'note', status: 'active', state: 'published', body: 'Asked engineering to look at exp_88213.', createdBy: user, createdAt: ISO(now - 50 * min) },
        { id: 6003, type: 'lineitem', status: 'active', state: 'published', body: '', action: { type: 'snoozed', text: 'Priya snoozed the conversation' }, createdBy: user, createdAt: ISO(now - 49 * min) },
      ],
    },
    {
      id: 3002667039,
      number: 22184,
      status: 'closed',
      subject: 'Refund request',
      primaryCustomer: customer(903, 'Alan', 'Turing', 'alan@bletchley.example'),
      snooze: null,
      threads: [
        { id: 7001, type: 'customer', status: 'active', state: 'published', body: 'Please refund order 4411.', createdBy: customer(903, 'Alan', 'Turing', 'alan@bletchley.example'), createdAt: ISO(now - 30 * min) },
        { id: 7002, type: 'message', status: 'closed', state: 'published', body: 'Refunded, closing.', createdBy: user, createdAt: ISO(now - 20 * min) },
      ],
    },
    {
      id: 1229180365,
      number: 301,
      status: 'pending',
      subject: 'Question about SSO',
      primaryCustomer: customer(904, 'Katherine', 'Johnson', 'kj@nasa.example'),
      snooze: null,
      threads: [{ id: 8001, type: 'customer', status: 'active', state: 'published', body: 'Do you support SAML?', createdBy: customer(904, 'Katherine', 'Johnson', 'kj@nasa.example'), createdAt: ISO(now - 10 * min) }],
    },
  ];
  return {
    conversations,
    users: [{ id: 4, firstName: 'Priya', lastName: 'Shah', email: 'priya@acme.example', role: 'owner', timezone: 'Europe/Berlin', type: 'user' }],
    apps: [{ appId: HELPSCOUT_APP_ID, appSecret: HELPSCOUT_APP_SECRET, userId: 4 }],
    /** @type {Record<string, {userId: number, expiresAt: number, revoked: boolean}>} */
    tokens: {},
    tokensIssued: 0,
    /** Lifetime of new tokens, in seconds (Help Scout: two days). */
    tokenLifetime: 172800,
    /** Threads per page (Help Scout: 50). */
    pageSize: 50,
    nextThreadId: 9000,
    /** @type {import('./helpscout.d.mts').HsRequest[]} */
    requests: [],
    /** @type {import('./helpscout.d.mts').HsFailPlan[]} */
    failPlans: [],
  };
}

/**
 * Starts the stand-in on 127.0.0.1 (`port` 0: any free port).
 * @param {{ port?: number }} [opts]
 * @returns {Promise<import('./helpscout.d.mts').HelpScoutStandin>}
 */
export async function startHelpScoutStandin({ port = 0 } = {}) {
  let state = seed();
  const held = heldAnswers();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const contentType = String(req.headers['content-type'] ?? '');
    /** @type {any} */
    const { body } = parseBody(await readBody(req), { contentType, form: true });
    const path = url.pathname;

    // CORS, as the extension's pages would need it in a browser (the worker does not).
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, accept');
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
    res.setHeader('access-control-expose-headers', 'resource-id, retry-after, x-ratelimit-retry-after');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();

    if (path.startsWith('/__standin/')) return control(path, req.method ?? 'GET', body, res);

    const entry = { seq: state.requests.length + 1, at: Date.now(), method: req.method ?? 'GET', path, query: url.search.slice(1), body, authorization: String(req.headers.authorization ?? ''), contentType, status: 0, injected: false };
    state.requests.push(entry);
    const send = (status, json, headers = {}) => {
      entry.status = status;
      const text = json === undefined ? '' : typeof json === 'string' ? json : JSON.stringify(json);
      res.writeHead(status, { ...(text ? { 'content-type': 'application/hal+json;charset=UTF-8' } : {}), ...headers });
      res.end(text);
    };
    const error = (status, message, errors = []) =>
      send(status, { logRef: randomUUID(), message, _embedded: { errors }, _links: { about: { href: 'http://developer.helpscout.net/mailbox-api/overview/errors' } } });

    const plan = takeFailPlan(state.failPlans, path);
    if (plan) {
      entry.injected = true;
      if (plan.hang) return held.hold(res);
      /** @type {Record<string, string>} */
      const headers = {};
      // Help Scout documents its own header for this, not Retry-After.
      if (plan.retryAfter !== undefined) headers['x-ratelimit-retry-after'] = String(plan.retryAfter);
      if (plan.status === 429) {
        headers['x-ratelimit-limit-minute'] = '200';
        headers['x-ratelimit-remaining-minute'] = '0';
      }
      if (plan.body !== undefined) return send(plan.status ?? 200, plan.body, headers);
      const status = plan.status ?? 500;
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      return void res.end(JSON.stringify({ logRef: randomUUID(), message: status === 429 ? 'Too many requests' : 'Internal server error' }));
    }

    if (path === '/v2/oauth2/token') {
      if (req.method !== 'POST') return error(405, 'Method not allowed');
      const q = { ...Object.fromEntries(url.searchParams), ...(body && typeof body === 'object' ? body : {}) };
      if (q.grant_type !== 'client_credentials') return send(400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' });
      const app = state.apps.find((a) => a.appId === q.client_id && a.appSecret === q.client_secret);
      if (!app) return send(401, { error: 'invalid_client', error_description: 'Bad client credentials' });
      const token = randomUUID().replace(/-/g, '');
      state.tokens[token] = { userId: app.userId, expiresAt: Date.now() + state.tokenLifetime * 1000, revoked: false };
      state.tokensIssued++;
      return send(200, { token_type: 'bearer', access_token: token, expires_in: state.tokenLifetime }, { 'content-type': 'application/json' });
    }

    // Not the API (an agent page, when a test puts the stand-in on secure.helpscout.net too).
    if (!path.startsWith('/v2/')) return error(404, 'Not found');
    const bearer = /^Bearer (\S+)$/.exec(entry.authorization)?.[1] ?? '';
    const tok = state.tokens[bearer];
    if (!tok || tok.revoked || Date.now() >= tok.expiresAt) return error(401, 'Unauthorized');
    const user = state.users.find((u) => u.id === tok.userId);
    if (!user) return error(401, 'Unauthorized');

    if (path === '/v2/users/me' && req.method === 'GET') return send(200, { ...user, _links: { self: { href: `${origin()}/v2/users/${user.id}` } } });

    const m = /^\/v2\/conversations\/(\d+)(\/snooze|\/notes|\/threads)?$/.exec(path);
    if (!m) return error(404, 'Not found');
    const conv = state.conversations.find((c) => String(c.id) === m[1]);
    if (!conv) return error(404, 'Conversation not found');
    const sub = m[2] ?? '';

    if (sub === '' && req.method === 'GET') {
      const { threads, ...rest } = conv;
      return send(200, { ...rest, threads: threads.length, state: 'published', _links: { self: { href: `${origin()}/v2/conversations/${conv.id}` } } });
    }
    if (sub === '' && req.method === 'PATCH') {
      if (!body || typeof body !== 'object') return error(400, 'Bad request');
      if (body.op !== 'replace') return error(400, 'Bad request', [{ path: 'op', message: 'Expected: replace', rejectedValue: body.op, source: 'JSON' }]);
      if (body.path !== '/status') return error(400, 'Bad request', [{ path: 'path', message: 'Only /status is supported by this stand-in', rejectedValue: body.path, source: 'JSON' }]);
      if (!['active', 'pending', 'closed', 'spam', 'open'].includes(body.value)) {
        return error(400, 'Bad request', [{ path: 'status', message: "Expected one of these: 'active', 'spam', 'open', 'closed', 'pending'", rejectedValue: body.value, source: 'JSON' }]);
      }
      conv.status = body.value === 'open' ? 'active' : body.value;
      return send(204);
    }
    if (sub === '/snooze' && req.method === 'PUT') {
      if (!body || typeof body.snoozedUntil !== 'string' || typeof body.unsnoozeOnCustomerReply !== 'boolean') return error(400, 'Bad request');
      conv.snooze = { snoozedBy: user.id, snoozedUntil: body.snoozedUntil, unsnoozeOnCustomerReply: body.unsnoozeOnCustomerReply };
      return send(204);
    }
    if (sub === '/snooze' && req.method === 'DELETE') {
      // "placed into its new home folder … and reactivated if needed"
      if (conv.snooze) conv.status = 'active';
      conv.snooze = null;
      return send(204);
    }
    if (sub === '/notes' && req.method === 'POST') {
      if (!body || typeof body.text !== 'string' || !body.text.trim()) return error(400, 'Bad request', [{ path: 'text', message: 'may not be empty', rejectedValue: null, source: 'JSON' }]);
      const id = state.nextThreadId++;
      conv.threads.push({ id, type: 'note', status: body.status ?? 'nochange', state: 'published', body: body.text, createdBy: { id: user.id, type: 'user', first: user.firstName, last: user.lastName, email: user.email }, createdAt: ISO(Date.now()) });
      if (typeof body.status === 'string') conv.status = body.status;
      return send(201, undefined, { 'resource-id': String(id), location: `${origin()}/v2/conversations/${conv.id}/threads/${id}` });
    }
    if (sub === '/threads' && req.method === 'GET') {
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const newestFirst = [...conv.threads].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
      const size = state.pageSize;
      const totalPages = Math.max(1, Math.ceil(newestFirst.length / size));
      return send(200, {
        _embedded: { threads: newestFirst.slice((page - 1) * size, page * size) },
        _links: { self: { href: `${origin()}${path}?page=${page}` } },
        page: { size, totalElements: newestFirst.length, totalPages, number: page },
      });
    }
    return error(405, 'Method not allowed');
  });

  function origin() {
    const a = /** @type {import('node:net').AddressInfo} */ (server.address());
    return `http://127.0.0.1:${a.port}`;
  }

  /** @param {string} path @param {string} method @param {any} body @param {import('node:http').ServerResponse} res */
  function control(path, method, body, res) {
    answerControl(res, method, path, body, {
      'POST reset': () => {
        held.release();
        state = seed();
      },
      'POST fail': (b) => {
        state.failPlans.push({ count: 1, status: 500, ...b });
      },
      'POST revoke-tokens': () => {
        for (const t of Object.values(state.tokens)) t.revoked = true;
      },
      'GET state': () => state,
    });
  }

  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  return {
    url: origin(),
    get state() {
      return state;
    },
    reset() {
      held.release();
      state = seed();
    },
    async close() {
      held.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
