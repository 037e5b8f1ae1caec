/**
 * A Gorgias stand-in: the REST API endpoints Backline uses, built to the words of Gorgias's
 * documentation (test/contracts/specs/gorgias.endpoints.json; what it marks "unverified" is built
 * as the README says, not checked against a live account).
 *
 *   GET  /api/tickets?limit=&cursor=      {data, object: 'list', uri, meta: {prev_cursor, next_cursor}}
 *   GET  /api/tickets/{id}                the ticket with its messages
 *   PUT  /api/tickets/{id}                {status, snooze_datetime} → 200 ticket; another status → 400
 *   POST /api/tickets/{id}/messages       {channel, via, from_agent, public, sender, body_text, body_html} → 201 message
 *
 * Auth: `Authorization: Basic base64(email:api_key)`; anything else → 401. The documented limit is
 * enforced as a leaky bucket of 40 requests draining 2 per second: over it, 429 with `Retry-after`
 * (seconds) and `X-Gorgias-Account-Api-Call-Limit: used/40` on every answer. Errors are
 * {"error": {"msg", "data"}} as the documentation's error page shows.
 */
import { serveStandin } from './standin-server.mjs';

export const GORGIAS_EMAIL = 'priya@acme.example';
export const GORGIAS_API_KEY = 'gorgias-api-key-1';
export const GORGIAS_BUCKET = 40;
const LEAK_PER_S = 2;

const at = (s) => new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString();

function seed() {
  const grace = { id: 70, name: 'Grace Hopper', email: 'grace@compilersystems.example' };
  const priya = { id: 3, name: 'Priya Shah', email: GORGIAS_EMAIL };
  return {
    tickets: [
      {
        id: 63091193,
        status: 'open',
        subject: 'Charged twice for the March invoice',
        snooze_datetime: null,
        customer: grace,
        messages: [
          { id: 1001, channel: 'email', via: 'email', from_agent: false, public: true, body_text: 'We were charged twice for invoice INV-3.', body_html: '<p>We were charged <b>twice</b> for invoice INV-3.</p>', sender: grace, created_datetime: at(1) },
          { id: 1002, channel: 'internal-note', via: 'helpdesk', from_agent: true, public: false, body_text: 'Stripe shows two captures.', body_html: '<p>Stripe shows two captures.</p>', sender: priya, created_datetime: at(2) },
        ],
      },
      {
        id: 63091194,
        status: 'closed',
        subject: 'Refund request',
        snooze_datetime: null,
        customer: { id: 71, name: 'Alan Turing', email: 'alan@bletchley.example' },
        messages: [{ id: 1011, channel: 'chat', via: 'chat', from_agent: false, public: true, body_text: 'Please refund order 1942.', body_html: null, sender: { id: 71, name: 'Alan Turing', email: 'alan@bletchley.example' }, created_datetime: at(3) }],
      },
      {
        id: 63091195,
        status: 'closed',
        subject: 'Export stuck',
        snooze_datetime: '2030-01-01T09:00:00+00:00',
        customer: grace,
        messages: [{ id: 1021, channel: 'email', via: 'email', from_agent: false, public: true, body_text: 'Still stuck.', body_html: null, sender: grace, created_datetime: at(4) }],
      },
    ],
    agents: [priya],
    nextMessageId: 5000,
    bucket: { level: 0, at: Date.now() },
  };
}

const ggError = (msg, data) => ({ error: { msg, ...(data ? { data } : {}) } });

function expected() {
  return `Basic ${Buffer.from(`${GORGIAS_EMAIL}:${GORGIAS_API_KEY}`).toString('base64')}`;
}

/** @param {{ port?: number }} [opts] */
export async function startGorgiasStandin({ port = 0 } = {}) {
  return serveStandin({
    port,
    seed,
    isApi: (path) => path.startsWith('/api/'),
    authorize: (req) => req.headers.authorization === expected(),
    unauthorized: () => ({ status: 401, body: ggError('Unauthorized') }),
    route: ({ method, path, url, body, state, send: plainSend }) => {
      // The leaky bucket: every authorised request fills it by one; it drains 2 per second.
      const now = Date.now();
      const b = state.bucket;
      b.level = Math.max(0, b.level - ((now - b.at) / 1000) * LEAK_PER_S);
      b.at = now;
      if (b.level + 1 > GORGIAS_BUCKET) {
        const wait = Math.ceil((b.level + 1 - GORGIAS_BUCKET) / LEAK_PER_S);
        return plainSend(429, ggError('Too many requests'), { 'Retry-after': String(wait), 'X-Gorgias-Account-Api-Call-Limit': `${Math.ceil(b.level)}/${GORGIAS_BUCKET}` }), true;
      }
      b.level += 1;
      const send = (status, json) => plainSend(status, json, { 'X-Gorgias-Account-Api-Call-Limit': `${Math.ceil(b.level)}/${GORGIAS_BUCKET}` });

      if (method === 'GET' && path === '/api/tickets') {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 30), 100);
        return send(200, { data: state.tickets.slice(0, limit).map(({ messages, ...t }) => t), object: 'list', uri: '/api/tickets', meta: { prev_cursor: null, next_cursor: null } }), true;
      }
      let m = /^\/api\/tickets\/([0-9]+)$/.exec(path);
      if (m) {
        const t = state.tickets.find((x) => x.id === Number(m[1]));
        if (!t) return send(404, ggError('Resource not found.')), true;
        if (method === 'GET') return send(200, t), true;
        if (method === 'PUT') {
          if (body?.status !== undefined && !['open', 'closed'].includes(body.status)) return send(400, ggError('Failed to update ticket', { status: ['Not a valid choice.'] })), true;
          if (body?.status) t.status = body.status;
          if (body && 'snooze_datetime' in body) t.snooze_datetime = body.snooze_datetime;
          return send(200, t), true;
        }
      }
      m = /^\/api\/tickets\/([0-9]+)\/messages$/.exec(path);
      if (m && method === 'POST') {
        const t = state.tickets.find((x) => x.id === Number(m[1]));
        if (!t) return send(404, ggError('Resource not found.')), true;
        const missing = ['channel', 'via', 'sender'].filter((k) => body?.[k] === undefined);
        if (!body?.body_text && !body?.body_html) missing.push('body_text');
        if (missing.length) return send(400, ggError('Failed to create message', Object.fromEntries(missing.map((k) => [k, ['Missing data for required field.']])))), true;
        const sender = state.agents.find((a) => a.email === body.sender.email) ?? body.sender;
        const msg = {
          id: state.nextMessageId++,
          channel: body.channel,
          via: body.via,
          from_agent: !!body.from_agent,
          public: body.channel === 'internal-note' ? false : body.public !== false,
          body_text: body.body_text ?? null,
          body_html: body.body_html ?? null,
          sender,
          created_datetime: new Date().toISOString(),
        };
        t.messages.push(msg);
        return send(201, msg), true;
      }
      return false;
    },
  });
}
