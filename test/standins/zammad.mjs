/**
 * A Zammad stand-in: the REST API v1 endpoints Backline uses, as Zammad's documentation
 * describes them (test/contracts/specs/zammad.endpoints.json), plus a minimal agent page at
 * /desktop/tickets/{id} (one of Zammad's own ticket routes) for the content script to dock on.
 *
 *   GET  /api/v1/users/me                         the token's user
 *   GET  /api/v1/tickets/{id}[?expand=true]        a ticket (expand names its state, customer, organization)
 *   PUT  /api/v1/tickets/{id}                      {state} → 200 ticket; an unknown state → 422
 *   GET  /api/v1/ticket_articles/by_ticket/{id}    the ticket's articles
 *   POST /api/v1/ticket_articles                   {ticket_id, body, type, internal, sender, …} → 201 article
 *
 * Auth: `Authorization: Token token=<token>`; anything else → 401. A token without the agent
 * permission (`ZAMMAD_CUSTOMER_TOKEN`) → 403. Error bodies are {"error", "error_human"}: Zammad's
 * documentation does not describe them (see the README), this is the shape its server sends.
 */
import { agentPage, serveStandin } from './standin-server.mjs';

export const ZAMMAD_TOKEN = 'zammad-agent-token';
export const ZAMMAD_CUSTOMER_TOKEN = 'zammad-customer-token';

const STATE_IDS = { new: 1, open: 2, 'pending reminder': 3, closed: 4, merged: 5, removed: 6, 'pending close': 7 };
const iso = (s) => new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString();

function seed() {
  return {
    me: { id: 3, login: 'priya@acme.example', firstname: 'Priya', lastname: 'Shah', email: 'priya@acme.example' },
    tickets: [
      { id: 1, number: '31001', title: 'Charged twice for the March invoice', state: 'open', pending_time: null, customer: 'grace@compilersystems.example', organization: 'Compiler Systems Inc' },
      { id: 2, number: '31002', title: 'Nightly export stuck at 99%', state: 'pending reminder', pending_time: '2030-01-01T09:00:00.000Z', customer: 'ada@analytical.example', organization: null },
      { id: 3, number: '31003', title: 'Refund request', state: 'closed', pending_time: null, customer: 'alan@bletchley.example', organization: 'Bletchley Park' },
    ],
    articles: [
      { id: 11, ticket_id: 1, type: 'email', sender: 'Customer', from: 'Grace Hopper <grace@compilersystems.example>', body: '<p>We were charged <b>twice</b> for invoice INV-3.</p>', content_type: 'text/html', internal: false, created_at: iso(1), created_by: 'grace@compilersystems.example' },
      { id: 12, ticket_id: 1, type: 'note', sender: 'Agent', from: 'Priya Shah', body: 'Stripe shows two captures.', content_type: 'text/plain', internal: true, created_at: iso(2), created_by: 'priya@acme.example' },
      { id: 21, ticket_id: 2, type: 'web', sender: 'Customer', from: 'Ada Lovelace <ada@analytical.example>', body: 'Our nightly export has been stuck at 99% since Monday.', content_type: 'text/plain', internal: false, created_at: iso(3), created_by: 'ada@analytical.example' },
      { id: 22, ticket_id: 2, type: 'email', sender: 'Agent', from: 'Priya Shah <priya@acme.example>', body: 'Engineering found a stuck worker; we will report back.', content_type: 'text/plain', internal: false, created_at: iso(4), created_by: 'priya@acme.example' },
      { id: 31, ticket_id: 3, type: 'email', sender: 'Customer', from: 'Alan Turing <alan@bletchley.example>', body: 'Please refund order 1942.', content_type: 'text/plain', internal: false, created_at: iso(5), created_by: 'alan@bletchley.example' },
    ],
    nextArticleId: 100,
  };
}

function tokenOf(req) {
  const m = /^Token token=(.+)$/.exec(req.headers.authorization ?? '');
  return m ? m[1] : null;
}

const zError = (msg) => ({ error: msg, error_human: msg });

function ticketJson(t, expand) {
  const base = { id: t.id, number: t.number, title: t.title, state_id: STATE_IDS[t.state] ?? 2, pending_time: t.pending_time, created_at: iso(0), updated_at: iso(9) };
  return expand ? { ...base, state: t.state, customer: t.customer, organization: t.organization } : base;
}

/** @param {{ port?: number }} [opts] */
export async function startZammadStandin({ port = 0 } = {}) {
  return serveStandin({
    port,
    seed,
    isApi: (path) => path.startsWith('/api/'),
    authorize: (req) => [ZAMMAD_TOKEN, ZAMMAD_CUSTOMER_TOKEN].includes(tokenOf(req)),
    unauthorized: () => ({ status: 401, body: zError('Invalid token!') }),
    page: ({ res, url, state }) => {
      const m = /^\/desktop\/tickets\/([0-9]+)$/.exec(url.pathname);
      const t = m && state.tickets.find((x) => x.id === Number(m[1]));
      if (!t) return false;
      const messages = state.articles.filter((a) => a.ticket_id === t.id).map((a) => ({ author: a.from, text: a.body, note: a.internal }));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(agentPage(`Ticket #${t.number}: ${t.title}`, t.state, messages));
      return true;
    },
    route: ({ req, method, path, url, body, state, send }) => {
      const agent = tokenOf(req) === ZAMMAD_TOKEN;
      if (method === 'GET' && path === '/api/v1/users/me') return send(200, tokenOf(req) === ZAMMAD_TOKEN ? state.me : { id: 9, firstname: 'Customer', lastname: 'Only', email: 'c@example' }), true;
      if (!agent) return send(403, zError('Not authorized (user)!')), true;

      let m = /^\/api\/v1\/tickets\/([0-9]+)$/.exec(path);
      if (m) {
        const t = state.tickets.find((x) => x.id === Number(m[1]));
        if (!t) return send(404, zError(`Couldn't find Ticket with 'id'=${m[1]}`)), true;
        if (method === 'GET') return send(200, ticketJson(t, url.searchParams.get('expand') === 'true')), true;
        if (method === 'PUT') {
          if (body?.state !== undefined) {
            if (!(body.state in STATE_IDS)) return send(422, zError(`No lookup value found for 'state': "${body.state}"`)), true;
            t.state = body.state;
            if (!String(body.state).startsWith('pending')) t.pending_time = null;
          }
          return send(200, ticketJson(t, url.searchParams.get('expand') === 'true')), true;
        }
      }
      m = /^\/api\/v1\/ticket_articles\/by_ticket\/([0-9]+)$/.exec(path);
      if (m && method === 'GET') {
        const id = Number(m[1]);
        if (!state.tickets.some((t) => t.id === id)) return send(404, zError(`Couldn't find Ticket with 'id'=${id}`)), true;
        return send(200, state.articles.filter((a) => a.ticket_id === id)), true;
      }
      if (path === '/api/v1/ticket_articles' && method === 'POST') {
        const t = state.tickets.find((x) => x.id === Number(body?.ticket_id));
        if (!t) return send(422, zError('Need ticket_id!')), true;
        if (typeof body.body !== 'string' || !body.body) return send(422, zError('Need body!')), true;
        const a = {
          id: state.nextArticleId++,
          ticket_id: t.id,
          type: body.type ?? 'note',
          sender: body.sender ?? 'Agent',
          from: `${state.me.firstname} ${state.me.lastname}`,
          subject: body.subject ?? null,
          body: body.body,
          content_type: body.content_type ?? 'text/plain',
          internal: body.internal === true,
          created_at: new Date().toISOString(),
          created_by: state.me.login,
        };
        state.articles.push(a);
        return send(201, a), true;
      }
      return false;
    },
  });
}
