/**
 * A FreeScout stand-in: the API & Webhooks module's endpoints Backline uses, as its documentation
 * describes them (test/contracts/specs/freescout.api-webhooks.endpoints.json), plus a minimal agent
 * page at /conversation/{id} (FreeScout's own route) for the content script to dock on.
 *
 *   GET  /api/users                         {_embedded: {users}, page}
 *   GET  /api/conversations/{id}?embed=threads   the conversation with _embedded.threads
 *   PUT  /api/conversations/{id}            {status, byUser} → 204; byUser missing → 400
 *   POST /api/conversations/{id}/threads    {type, text, user} → 201 + Resource-ID; user missing for a note → 400
 *
 * Auth: `X-FreeScout-API-Key` header (or the documented `api_key` query parameter); anything
 * else → 401. Errors use the documented body {message, errorCode, _embedded: {errors}}.
 */
import { agentPage, serveStandin } from './standin-server.mjs';

export const FREESCOUT_API_KEY = 'c2ba609c687a3425402b9d881e5075db';

const at = (s) => new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString().replace(/\.\d{3}Z$/, 'Z');

function seed() {
  const grace = { id: 7, type: 'customer', firstName: 'Grace', lastName: 'Hopper', email: 'grace@compilersystems.example' };
  const alan = { id: 8, type: 'customer', firstName: 'Alan', lastName: 'Turing', email: 'alan@bletchley.example' };
  const priya = { id: 1, type: 'user', firstName: 'Priya', lastName: 'Shah', email: 'priya@acme.example' };
  return {
    users: [
      { id: 4, firstName: 'Sam', lastName: 'Agent', email: 'sam@acme.example', role: 'user' },
      { ...priya, role: 'admin' },
    ],
    conversations: [
      {
        id: 15,
        number: 1015,
        subject: 'Charged twice for the March invoice',
        status: 'active',
        state: 'published',
        customer: { ...grace, company: 'Compiler Systems Inc' },
        threads: [
          { id: 151, type: 'customer', status: 'active', state: 'published', body: '<p>We were charged <b>twice</b> for invoice INV-3.</p>', createdBy: grace, customer: grace, createdAt: at(1) },
          { id: 152, type: 'note', status: 'active', state: 'published', body: 'Stripe shows two captures.', createdBy: priya, customer: grace, createdAt: at(2) },
        ],
      },
      {
        id: 16,
        number: 1016,
        subject: 'Refund request',
        status: 'closed',
        state: 'published',
        customer: { ...alan, company: null },
        threads: [
          { id: 161, type: 'customer', status: 'active', state: 'published', body: 'Please refund order 1942.', createdBy: alan, customer: alan, createdAt: at(3) },
          { id: 162, type: 'message', status: 'closed', state: 'published', body: 'Refunded, sorry for the trouble.', createdBy: priya, customer: alan, createdAt: at(4) },
        ],
      },
      {
        id: 17,
        number: 1017,
        subject: 'Export stuck',
        status: 'pending',
        state: 'published',
        customer: { ...alan, company: null },
        threads: [{ id: 171, type: 'customer', status: 'active', state: 'published', body: 'The export is stuck at 99%.', createdBy: alan, customer: alan, createdAt: at(5) }],
      },
    ],
    nextThreadId: 500,
  };
}

const fsError = (message, errorCode, errors) => ({ message, errorCode, ...(errors ? { _embedded: { errors } } : {}) });

function conversationJson(c, embedThreads) {
  const { threads, ...rest } = c;
  return { ...rest, threadsCount: threads.length, ...(embedThreads ? { _embedded: { threads: [...threads].reverse() } } : {}) };
}

/** @param {{ port?: number }} [opts] */
export async function startFreeScoutStandin({ port = 0 } = {}) {
  return serveStandin({
    port,
    seed,
    isApi: (path) => path.startsWith('/api/'),
    authorize: (req, url) => req.headers['x-freescout-api-key'] === FREESCOUT_API_KEY || url.searchParams.get('api_key') === FREESCOUT_API_KEY,
    unauthorized: () => ({ status: 401, body: fsError('Not Authorized', 'NOT AUTHORIZED') }),
    page: ({ res, url, state }) => {
      const m = /^\/conversation\/([0-9]+)$/.exec(url.pathname);
      const c = m && state.conversations.find((x) => x.id === Number(m[1]));
      if (!c) return false;
      const messages = c.threads.map((t) => ({ author: `${t.createdBy.firstName} ${t.createdBy.lastName}`, text: t.body, note: t.type === 'note' }));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(agentPage(`#${c.number} ${c.subject}`, c.status, messages));
      return true;
    },
    route: ({ method, path, url, body, state, send }) => {
      if (method === 'GET' && path === '/api/users') {
        const size = Number(url.searchParams.get('pageSize') ?? 50);
        const number = Number(url.searchParams.get('page') ?? 1);
        const users = state.users.slice((number - 1) * size, number * size);
        return send(200, { _embedded: { users }, page: { size, totalElements: state.users.length, totalPages: Math.max(1, Math.ceil(state.users.length / size)), number } }), true;
      }
      let m = /^\/api\/conversations\/([0-9]+)$/.exec(path);
      if (m) {
        const c = state.conversations.find((x) => x.id === Number(m[1]));
        if (!c) return send(404, fsError('Not Found', 'NOT FOUND')), true;
        if (method === 'GET') return send(200, conversationJson(c, (url.searchParams.get('embed') ?? 'threads').split(',').includes('threads'))), true;
        if (method === 'PUT') {
          if (body?.status !== undefined && !['active', 'pending', 'closed', 'spam'].includes(body.status)) {
            return send(400, fsError('Bad request', 'BAD REQUEST', [{ path: 'status', message: "Expected one of these: 'active', 'spam', 'open', 'closed', 'pending'", rejectedValue: body.status, source: 'JSON' }])), true;
          }
          if (body?.status !== undefined && !state.users.some((u) => u.id === body.byUser)) {
            return send(400, fsError('Bad request', 'BAD REQUEST', [{ path: 'byUser', message: 'byUser is required when changing status', rejectedValue: body.byUser ?? null, source: 'JSON' }])), true;
          }
          if (body?.status) c.status = body.status;
          return send(204), true;
        }
      }
      m = /^\/api\/conversations\/([0-9]+)\/threads$/.exec(path);
      if (m && method === 'POST') {
        const c = state.conversations.find((x) => x.id === Number(m[1]));
        if (!c) return send(404, fsError('Not Found', 'NOT FOUND')), true;
        if (!['customer', 'message', 'note'].includes(body?.type) || typeof body.text !== 'string' || !body.text) {
          return send(400, fsError('Bad request', 'BAD REQUEST', [{ path: 'type', message: 'type and text are required', source: 'JSON' }])), true;
        }
        const user = state.users.find((u) => u.id === Number(body.user));
        if (body.type !== 'customer' && !user) {
          return send(400, fsError('Bad request', 'BAD REQUEST', [{ path: 'user', message: 'user is required for this thread type', rejectedValue: body.user ?? null, source: 'JSON' }])), true;
        }
        const id = state.nextThreadId++;
        c.threads.push({
          id,
          type: body.type,
          status: body.status ?? c.status,
          state: 'published',
          body: body.text,
          createdBy: { id: user.id, type: 'user', firstName: user.firstName, lastName: user.lastName, email: user.email },
          customer: c.customer,
          createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        });
        if (body.status) c.status = body.status;
        return send(201, undefined, { 'Resource-ID': String(id) }), true;
      }
      return false;
    },
  });
}
