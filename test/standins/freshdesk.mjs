// @ts-check
/**
 * Freshdesk stand-in: the part of Freshdesk's REST API v2 Backline uses, as
 * test/contracts/specs/freshdesk.v2.endpoints.json (from Freshdesk's API docs) describes it.
 *
 *   GET  /api/v2/agents/me
 *   GET  /api/v2/tickets/:id                 ?include=requester,company
 *   PUT  /api/v2/tickets/:id                 {status: 2|3|4|5}
 *   POST /api/v2/tickets/:id/notes           {body, private=true}   → 201
 *   GET  /api/v2/tickets/:id/conversations   ?page=1&per_page=30 (max 100), oldest first
 *
 * Auth: HTTP Basic with the API key as user name and any password (FRESHDESK_API_KEY).
 * Errors as Freshdesk's: `{description, errors: [{field, message, code}]}` or `{code, message}`.
 * Agent page: /a/tickets/:id. Test controls: see kit.mjs.
 */
import { agentPage, nowS, serveStandin } from './kit.mjs';

export const FRESHDESK_API_KEY = 'freshdesk-api-key';

const iso = (/** @type {number} */ s) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const STATUS_NAMES = /** @type {Record<number, string>} */ ({ 2: 'Open', 3: 'Pending', 4: 'Resolved', 5: 'Closed' });

function seed() {
  const t = nowS();
  let cid = 5000;
  const conv = (/** @type {string} */ text, /** @type {{ private?: boolean, incoming?: boolean, user_id?: number, ago?: number }} */ o = {}) => ({
    id: ++cid,
    body: `<div>${text}</div>`,
    body_text: text,
    private: o.private ?? false,
    incoming: o.incoming ?? false,
    user_id: o.user_id ?? 77,
    source: o.private ? 2 : 0,
    attachments: [],
    created_at: iso(t - (o.ago ?? 1800)),
  });
  return {
    agent: { id: 77, contact: { name: 'Priya Shah', email: 'priya@acme.test' } },
    contacts: [{ id: 31, name: 'Grace Hopper', email: 'grace@compilers.example' }],
    companies: [{ id: 41, name: 'Compiler Systems Inc' }],
    tickets: [
      {
        id: 201,
        status: 2,
        subject: 'Card declined on renewal',
        description_text: 'My card was declined when the plan renewed.',
        requester_id: 31,
        company_id: 41,
        created_at: iso(t - 7200),
        conversations: [conv('We are checking with the bank.', { ago: 3600 }), conv('Bank says the card expired.', { private: true, ago: 1800 }), conv('I updated the card.', { incoming: true, user_id: 31, ago: 900 })],
      },
      { id: 202, status: 4, subject: 'Wrong VAT on invoice', description_text: 'The VAT rate is wrong.', requester_id: 31, company_id: 41, created_at: iso(t - 86400), conversations: [conv('Corrected.', { ago: 3600 })] },
      { id: 203, status: 5, subject: 'Cancel my account', description_text: 'Please cancel.', requester_id: 31, company_id: 41, created_at: iso(t - 86400 * 3), conversations: [] },
      { id: 204, status: 3, subject: 'Waiting for logs', description_text: 'Here is what happened.', requester_id: 31, company_id: 41, created_at: iso(t - 5000), conversations: [] },
    ],
    nextId: cid + 1,
  };
}

const validation = (/** @type {string} */ field, /** @type {string} */ message, code = 'invalid_value') => ({
  status: 400,
  body: { description: 'Validation failed', errors: [{ field, message, code }] },
});

/** @param {{ port?: number }} [options] */
export async function startFreshdeskStandin({ port = 0 } = {}) {
  /** @type {any} */
  const state = seed();
  const ticket = (/** @type {string} */ id) => state.tickets.find((/** @type {any} */ t) => String(t.id) === id);
  const view = (/** @type {any} */ t, /** @type {string[]} */ include = []) => ({
    id: t.id,
    status: t.status,
    subject: t.subject,
    description: `<div>${t.description_text}</div>`,
    description_text: t.description_text,
    requester_id: t.requester_id,
    company_id: t.company_id,
    created_at: t.created_at,
    updated_at: iso(nowS()),
    ...(include.includes('requester') ? { requester: state.contacts.find((/** @type {any} */ c) => c.id === t.requester_id) } : {}),
    ...(include.includes('company') ? { company: state.companies.find((/** @type {any} */ c) => c.id === t.company_id) } : {}),
  });
  const notFound = { status: 404, body: { code: 'not_found', message: 'There is no record with the given id' } };

  const handle = await serveStandin({
    state,
    port,
    errorBody: (status) =>
      status === 429
        ? { code: 'rate_limit_exceeded', message: 'You have exceeded the limit of requests per minute' }
        : status >= 500
          ? { code: 'internal_error', message: 'We are facing some issues. Please try again later.' }
          : { code: 'error', message: `HTTP ${status}` },
    authorize(headers) {
      const m = /^Basic (.+)$/.exec(String(headers.authorization ?? ''));
      const user = m ? Buffer.from(m[1] ?? '', 'base64').toString('utf8').split(':')[0] : '';
      if (user === FRESHDESK_API_KEY) return null;
      return { status: 401, body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' } };
    },
    routes: [
      ['GET', /^\/api\/v2\/agents\/me$/, () => ({ status: 200, body: state.agent })],
      [
        'GET',
        /^\/api\/v2\/tickets\/(?<id>\d+)$/,
        ({ params, query }) => {
          const t = ticket(params.id ?? '');
          return t ? { status: 200, body: view(t, (query.get('include') ?? '').split(',')) } : notFound;
        },
      ],
      [
        'PUT',
        /^\/api\/v2\/tickets\/(?<id>\d+)$/,
        ({ params, body, invalidJson }) => {
          if (invalidJson) return validation('body', 'Request body has invalid json format', 'invalid_json');
          const t = ticket(params.id ?? '');
          if (!t) return notFound;
          if (body?.status !== undefined) {
            if (!(body.status in STATUS_NAMES)) return validation('status', 'It should be one of these values: 2,3,4,5');
            t.status = body.status;
          }
          return { status: 200, body: view(t) };
        },
      ],
      [
        'POST',
        /^\/api\/v2\/tickets\/(?<id>\d+)\/notes$/,
        ({ params, body, invalidJson }) => {
          if (invalidJson) return validation('body', 'Request body has invalid json format', 'invalid_json');
          const t = ticket(params.id ?? '');
          if (!t) return notFound;
          if (typeof body?.body !== 'string' || !body.body.trim()) return validation('body', 'It should be a/an String', 'missing_field');
          if (body.private !== undefined && typeof body.private !== 'boolean') return validation('private', 'It should be a/an Boolean', 'datatype_mismatch');
          const note = {
            id: state.nextId++,
            body: body.body,
            body_text: body.body.replace(/<br>/g, '\n').replace(/<\/p><p>/g, '\n\n').replace(/<[^>]+>/g, ''),
            // Freshdesk: "By default, any note that you add will be private."
            private: body.private !== false,
            incoming: false,
            user_id: state.agent.id,
            source: 2,
            ticket_id: t.id,
            attachments: [],
            created_at: iso(nowS()),
          };
          t.conversations.push(note);
          return { status: 201, body: note, headers: { location: `/api/v2/conversations/${note.id}` } };
        },
      ],
      [
        'GET',
        /^\/api\/v2\/tickets\/(?<id>\d+)\/conversations$/,
        ({ params, query }) => {
          const t = ticket(params.id ?? '');
          if (!t) return notFound;
          const perPage = Number(query.get('per_page') ?? 30);
          const page = Number(query.get('page') ?? 1);
          if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return validation('per_page', 'It should be a Positive Integer less than or equal to 100');
          if (!Number.isInteger(page) || page < 1) return validation('page', 'It should be a Positive Integer');
          const list = t.conversations.slice((page - 1) * perPage, page * perPage);
          const more = page * perPage < t.conversations.length;
          return { status: 200, body: list, headers: more ? { link: `<${`/api/v2/tickets/${t.id}/conversations?page=${page + 1}&per_page=${perPage}`}>; rel="next"` } : {} };
        },
      ],
    ],
    pages: [
      [
        'GET',
        /^\/a\/tickets\/(?<id>\d+)$/,
        ({ params }) => {
          const t = ticket(params.id ?? '');
          if (!t) return { status: 404, html: '<h1>Not found</h1>' };
          return {
            status: 200,
            html: agentPage({
              title: `#${t.id} ${t.subject}`,
              status: STATUS_NAMES[t.status] ?? String(t.status),
              messages: t.conversations.map((/** @type {any} */ c) => ({ text: c.body_text, note: c.private, author: c.incoming ? 'Customer' : 'Agent' })),
            }),
          };
        },
      ],
    ],
  });
  return { ...handle, state };
}
