// @ts-check
/**
 * Front stand-in: a small Node HTTP server speaking the part of Front's Core API that Backline
 * uses (test/contracts/specs/front.core-api.json), with in-memory state the tests inspect.
 *
 *   GET   /me                                  the API token's company {id, name}
 *   GET   /conversations/:id
 *   PATCH /conversations/:id                   {status: archived|open|deleted|spam}   → 204
 *   GET   /conversations/:id/messages          ?limit=&page_token=  newest first, `_pagination.next`
 *   GET   /conversations/:id/comments          newest first
 *   POST  /conversations/:id/comments          {body, author_id?}                      → 201 comment
 *   A conversation with `mergedInto` set answers 301 to the one it was merged into, as Front does.
 *
 * Every request needs `Authorization: Bearer <FRONT_TOKEN>`. Errors use Front's body
 * (`{"_error": {status, title, message}}`).
 *
 * Test control (no auth):
 *   POST /__standin/fail   {count=1, status=500, match?, retryAfter?, body?, hang?}: the next
 *        `count` requests whose path contains `match` get `status` (with Retry-After when
 *        `retryAfter` is given, `body` as the raw answer when given, no answer with `hang`) and
 *        change nothing.
 *   POST /__standin/reset  back to the seed.
 *   GET  /__standin/state  the state as JSON.
 */
import http from 'node:http';
import { answerControl, heldAnswers, parseBody, readBody, takeFailPlan } from './kit.mjs';

export const FRONT_TOKEN = 'front-api-token-5e1d';

/** A conversation id as Front writes it: cnv_ + base 36. */
export const cnv = (n) => `cnv_${n.toString(36)}`;

function seed() {
  const now = Date.now() / 1000;
  const min = 60;
  const teammate = { id: 'tea_6r55a', email: 'priya@acme.example', username: 'priya', first_name: 'Priya', last_name: 'Shah', is_admin: true, is_available: true, is_blocked: false, type: 'user' };
  const contact = (name, handle) => ({ name, handle, role: 'from' });
  const msg = (id, inbound, from, text, at, extra = {}) => ({
    id,
    type: 'email',
    is_inbound: inbound,
    draft_mode: null,
    created_at: at,
    blurb: text.slice(0, 50),
    author: inbound ? null : teammate,
    recipients: [from],
    body: `<div>${text.replace(/\n/g, '<br>')}</div>`,
    text,
    attachments: [],
    ...extra,
  });
  /** @type {import('./front.d.mts').FrConversation[]} */
  const conversations = [
    {
      id: cnv(7762260226),
      subject: 'Charged twice for the March invoice',
      status: 'assigned',
      recipient: contact('Ada Lovelace', 'ada@analytical.example'),
      scheduled_reminders: [],
      messages: [
        msg('msg_1a', true, contact('Ada Lovelace', 'ada@analytical.example'), 'Hello, I was charged twice for invoice INV-3301.', now - 90 * min),
        msg('msg_1b', false, contact('Priya Shah', 'support@acme.example'), 'Sorry about that, looking into it.', now - 80 * min),
      ],
      comments: [],
    },
    {
      id: cnv(117421069338),
      subject: 'Export stuck at 99%',
      status: 'archived',
      recipient: contact('Grace Hopper', 'grace@compilers.example'),
      // Snoozed: archived until the reminder brings it back.
      scheduled_reminders: [{ _links: { related: { owner: 'https://api2.frontapp.com/teammates/tea_6r55a' } }, created_at: now - 50 * min, scheduled_at: Math.round(now + 3 * 24 * 60 * min), updated_at: now - 50 * min }],
      messages: [msg('msg_2a', true, contact('Grace Hopper', 'grace@compilers.example'), 'My export exp_88213 has been stuck for a day.', now - 60 * min)],
      comments: [{ id: 'com_2a', author: teammate, body: 'Asked engineering to look at exp_88213.', posted_at: now - 55 * min, attachments: [], is_pinned: false }],
    },
    {
      id: cnv(120537545061),
      subject: 'Refund request',
      status: 'archived',
      recipient: contact('Alan Turing', 'alan@bletchley.example'),
      scheduled_reminders: [],
      messages: [
        msg('msg_3a', true, contact('Alan Turing', 'alan@bletchley.example'), 'Please refund order 4411.', now - 30 * min),
        msg('msg_3b', false, contact('Priya Shah', 'support@acme.example'), 'Refunded, archiving.', now - 20 * min),
      ],
      comments: [],
    },
  ];
  return {
    company: { id: 'cmp_k30', name: 'Acme Support Co' },
    teammate,
    conversations,
    nextId: 100,
    /** Messages per page when the request gives no `limit` (Front: 25 by default… up to 100). */
    defaultLimit: 25,
    /** @type {import('./front.d.mts').FrRequest[]} */
    requests: [],
    /** @type {import('./front.d.mts').FrFailPlan[]} */
    failPlans: [],
  };
}

/**
 * Starts the stand-in on 127.0.0.1 (`port` 0: any free port).
 * @param {{ port?: number }} [opts]
 * @returns {Promise<import('./front.d.mts').FrontStandin>}
 */
export async function startFrontStandin({ port = 0 } = {}) {
  let state = seed();
  const held = heldAnswers();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    /** @type {any} */
    const { body } = parseBody(await readBody(req));
    const path = url.pathname;
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, accept');
    res.setHeader('access-control-allow-methods', 'GET, POST, PATCH');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (path.startsWith('/__standin/')) return control(path, req.method ?? 'GET', body, res);

    const entry = { seq: state.requests.length + 1, at: Date.now(), method: req.method ?? 'GET', path, query: url.search.slice(1), body, authorization: String(req.headers.authorization ?? ''), contentType: String(req.headers['content-type'] ?? ''), status: 0, injected: false };
    state.requests.push(entry);
    const send = (status, json, headers = {}) => {
      entry.status = status;
      const text = json === undefined ? '' : typeof json === 'string' ? json : JSON.stringify(json);
      res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
      res.end(text);
    };
    const TITLES = { 400: 'Bad request', 401: 'Unauthenticated', 403: 'Forbidden', 404: 'Not found', 405: 'Method not allowed', 429: 'Too many requests', 500: 'Internal server error' };
    const error = (status, message, headers = {}) => send(status, { _error: { status, title: TITLES[status] ?? 'Error', message } }, headers);

    const plan = takeFailPlan(state.failPlans, path);
    if (plan) {
      entry.injected = true;
      if (plan.hang) return held.hold(res);
      const headers = plan.retryAfter !== undefined ? { 'retry-after': String(plan.retryAfter) } : {};
      if (plan.body !== undefined) return send(plan.status ?? 200, plan.body, headers);
      const status = plan.status ?? 500;
      return error(status, status === 429 ? 'Rate limit exceeded. Please retry in a few seconds.' : 'Something went wrong.', headers);
    }

    // Not the API (an agent page, when a test puts the stand-in on app.frontapp.com too).
    if (path !== '/me' && !path.startsWith('/conversations/')) return error(404, 'Resource not found.');
    if (entry.authorization !== `Bearer ${FRONT_TOKEN}`) return error(401, 'Your token is invalid.');
    const base = origin();
    if (path === '/me' && req.method === 'GET') return send(200, { _links: { self: `${base}/me` }, ...state.company });

    const m = /^\/conversations\/(cnv_[0-9a-z]+)(\/messages|\/comments)?$/.exec(path);
    if (!m) return error(404, 'Resource not found.');
    const conv = state.conversations.find((c) => c.id === m[1]);
    if (!conv) return error(404, 'Conversation not found.');
    // "If the conversation has been merged, the response redirects you to the merged conversation."
    if (conv.mergedInto) return send(301, undefined, { location: `${base}/conversations/${conv.mergedInto}${m[2] ?? ''}` });
    const sub = m[2] ?? '';

    if (sub === '' && req.method === 'GET') {
      const { messages, comments, ...rest } = conv;
      return send(200, {
        _links: { self: `${base}/conversations/${conv.id}`, related: { messages: `${base}/conversations/${conv.id}/messages`, comments: `${base}/conversations/${conv.id}/comments` } },
        type: 'conversation',
        ticket_ids: [],
        assignee: conv.status === 'assigned' ? state.teammate : null,
        tags: [],
        links: [],
        custom_fields: {},
        is_private: false,
        metadata: {},
        ...rest,
      });
    }
    if (sub === '' && req.method === 'PATCH') {
      if (!body || typeof body !== 'object') return error(400, 'Body must be a JSON object.');
      if (body.status !== undefined) {
        if (!['archived', 'open', 'deleted', 'spam'].includes(body.status)) return error(400, `status must be one of archived, open, deleted, spam.`);
        // Opening brings the conversation back to the inbox; its snooze reminder is done with.
        if (body.status === 'open') {
          conv.status = 'assigned';
          conv.scheduled_reminders = [];
        } else conv.status = body.status;
      }
      return send(204);
    }
    if (sub === '/messages' && req.method === 'GET') {
      const limit = Math.min(100, Number(url.searchParams.get('limit') ?? state.defaultLimit) || state.defaultLimit);
      const start = Number(url.searchParams.get('page_token') ?? 0) || 0;
      const newestFirst = [...conv.messages].sort((a, b) => b.created_at - a.created_at);
      const page = newestFirst.slice(start, start + limit);
      const next = start + limit < newestFirst.length ? `${base}/conversations/${conv.id}/messages?limit=${limit}&page_token=${start + limit}` : null;
      return send(200, { _pagination: { next }, _links: { self: `${base}/conversations/${conv.id}/messages` }, _results: page });
    }
    if (sub === '/comments' && req.method === 'GET') {
      const newestFirst = [...conv.comments].sort((a, b) => b.posted_at - a.posted_at);
      return send(200, { _links: { self: `${base}/conversations/${conv.id}/comments` }, _results: newestFirst });
    }
    if (sub === '/comments' && req.method === 'POST') {
      if (!body || typeof body.body !== 'string' || !body.body.trim()) return error(400, 'body is required.');
      const comment = { id: `com_${(state.nextId++).toString(36)}`, author: state.teammate, body: body.body, posted_at: Date.now() / 1000, attachments: [], is_pinned: body.is_pinned === true };
      conv.comments.push(comment);
      return send(201, { _links: { self: `${base}/comments/${comment.id}`, related: { conversation: `${base}/conversations/${conv.id}` } }, ...comment });
    }
    return error(405, 'Method not allowed.');
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
