// @ts-check
/**
 * Zendesk stand-in: the part of the Zendesk Support API Backline uses, as
 * test/contracts/specs/zendesk.support-api.oas.yaml and Zendesk's docs describe it.
 *
 *   GET /api/v2/users/me
 *   GET /api/v2/tickets/:id
 *   PUT /api/v2/tickets/:id                 {ticket: {comment: {body, public}, status}}; Idempotency-Key
 *   GET /api/v2/tickets/:id/comments        ?include=users,organizations&sort=-created_at&page[size]=&page[after]=
 *
 * Auth: HTTP Basic `agent@acme.test/token:zendesk-token` (ZENDESK_EMAIL, ZENDESK_TOKEN).
 * Closed tickets refuse every change (422), as Zendesk's do. A repeated Idempotency-Key with
 * the same body gets the first answer back (`x-idempotency-lookup: hit`) and changes nothing;
 * with another body, 400. Agent page: /agent/tickets/:id. Test controls: see kit.mjs.
 */
import { agentPage, nowS, serveStandin } from './kit.mjs';

export const ZENDESK_EMAIL = 'agent@acme.test';
export const ZENDESK_TOKEN = 'zendesk-token';

const iso = (/** @type {number} */ s) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function seed() {
  const t = nowS();
  let cid = 9000;
  const c = (/** @type {number} */ author, /** @type {string} */ body, pub = true, ago = 3600) => ({
    id: ++cid,
    type: 'Comment',
    author_id: author,
    body,
    html_body: `<div class="zd-comment"><p>${body}</p></div>`,
    plain_body: body,
    public: pub,
    attachments: [],
    created_at: iso(t - ago),
  });
  return {
    users: [
      { id: 11, name: 'Ada Lovelace', email: 'ada@analytical.example', role: 'end-user', organization_id: 21 },
      { id: 12, name: 'Priya Shah', email: ZENDESK_EMAIL, role: 'agent', organization_id: null },
    ],
    organizations: [{ id: 21, name: 'Analytical Engines Ltd' }],
    tickets: [
      {
        id: 101,
        status: 'open',
        subject: 'Refund for a double charge',
        requester_id: 11,
        comments: [c(11, 'I was charged twice for order 4411.', true, 7200), c(12, 'Sorry about that, looking into it.', true, 3600), c(12, 'Stripe shows two captures.', false, 1800)],
      },
      { id: 102, status: 'solved', subject: 'Export stuck at 99%', requester_id: 11, comments: [c(11, 'My export never finishes.'), c(12, 'Fixed on our side.', true, 600)] },
      { id: 103, status: 'closed', subject: 'Old invoice question', requester_id: 11, comments: [c(11, 'Where is my invoice?')] },
      { id: 104, status: 'hold', subject: 'Waiting on the bank', requester_id: 11, comments: [c(11, 'Any news?')] },
      { id: 105, status: 'pending', subject: 'Login trouble', requester_id: 11, comments: [c(11, 'I cannot log in.')] },
    ],
    nextCommentId: cid + 1,
    nextAuditId: 70000,
    /** @type {Record<string, { body: string, answer: unknown }>} */
    idempotency: {},
  };
}

const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

/** @param {{ port?: number }} [options] */
export async function startZendeskStandin({ port = 0 } = {}) {
  /** @type {any} */
  const state = seed();
  const ticket = (/** @type {string} */ id) => state.tickets.find((/** @type {any} */ t) => String(t.id) === id);
  const view = (/** @type {any} */ t) => ({ id: t.id, url: `/api/v2/tickets/${t.id}.json`, status: t.status, subject: t.subject, requester_id: t.requester_id, organization_id: 21, updated_at: iso(nowS()) });
  const notFound = { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };

  const handle = await serveStandin({
    state,
    port,
    errorBody: (status) =>
      status === 429 ? { error: 'TooManyRequests', description: 'Rate limit exceeded' } : status >= 500 ? { error: 'InternalError', description: 'Something went wrong' } : { error: 'Error', description: `HTTP ${status}` },
    authorize(headers) {
      const auth = String(headers.authorization ?? '');
      const m = /^Basic (.+)$/.exec(auth);
      const decoded = m ? Buffer.from(m[1] ?? '', 'base64').toString('utf8') : '';
      if (decoded === `${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`) return null;
      return { status: 401, body: { error: "Couldn't authenticate you" } };
    },
    routes: [
      ['GET', /^\/api\/v2\/users\/me$/, () => ({ status: 200, body: { user: state.users[1] } })],
      [
        'GET',
        /^\/api\/v2\/tickets\/(?<id>\d+)$/,
        ({ params }) => {
          const t = ticket(params.id ?? '');
          return t ? { status: 200, body: { ticket: view(t) } } : notFound;
        },
      ],
      [
        'GET',
        /^\/api\/v2\/tickets\/(?<id>\d+)\/comments$/,
        ({ params, query }) => {
          const t = ticket(params.id ?? '');
          if (!t) return notFound;
          const size = Math.min(100, Number(query.get('page[size]') ?? 100));
          // As Zendesk documents it: cursor pagination (page[size]) orders by `sort`
          // (created_at | -created_at), offset pagination by `sort_order` (asc | desc).
          const cursor = query.has('page[size]') || query.has('page[after]');
          const desc = cursor ? query.get('sort') === '-created_at' : query.get('sort_order') === 'desc';
          const list = desc ? [...t.comments].reverse() : [...t.comments];
          const after = query.get('page[after]');
          const start = after ? list.findIndex((/** @type {any} */ c) => String(c.id) === after) + 1 : 0;
          const page = list.slice(start, start + size);
          const hasMore = start + size < list.length;
          const include = (query.get('include') ?? '').split(',');
          return {
            status: 200,
            body: {
              comments: page,
              ...(include.includes('users') ? { users: state.users } : {}),
              ...(include.includes('organizations') ? { organizations: state.organizations } : {}),
              meta: { has_more: hasMore, after_cursor: hasMore ? String(page.at(-1)?.id) : null, before_cursor: page[0] ? String(page[0].id) : null },
            },
          };
        },
      ],
      [
        'PUT',
        /^\/api\/v2\/tickets\/(?<id>\d+)$/,
        ({ params, body, invalidJson, headers }) => {
          if (invalidJson) return { status: 400, body: { error: 'Unprocessable Entity', description: 'The request body is not valid JSON' } };
          const t = ticket(params.id ?? '');
          if (!t) return notFound;
          const key = headers['idempotency-key'];
          const raw = JSON.stringify(body);
          if (typeof key === 'string' && state.idempotency[key]) {
            const seen = state.idempotency[key];
            if (seen.body !== raw) return { status: 400, body: { error: 'IdempotentRequestError', description: 'Idempotency-Key reused with another request body' } };
            return { status: 200, body: seen.answer, headers: { 'x-idempotency-lookup': 'hit' } };
          }
          const input = body?.ticket;
          if (!input || typeof input !== 'object') return { status: 400, body: { error: 'InvalidParameter', description: 'ticket is required' } };
          if (input.status !== undefined && !STATUSES.includes(input.status)) {
            return { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { status: [{ description: `Status: ${input.status} is not valid` }] } } };
          }
          if (t.status === 'closed') {
            return { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { status: [{ description: 'Status: closed prevents ticket update' }] } } };
          }
          /** @type {any[]} */
          const events = [];
          if (input.comment) {
            if (typeof input.comment.body !== 'string' || !input.comment.body.trim()) {
              return { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { comment: [{ description: 'Comment: body cannot be blank' }] } } };
            }
            const comment = {
              id: state.nextCommentId++,
              type: 'Comment',
              author_id: 12,
              body: input.comment.body,
              html_body: `<div class="zd-comment"><p>${input.comment.body}</p></div>`,
              plain_body: input.comment.body,
              // Zendesk's default: a comment is public unless it says otherwise.
              public: input.comment.public !== false,
              attachments: [],
              created_at: iso(nowS()),
            };
            t.comments.push(comment);
            events.push({ id: comment.id, type: 'Comment', body: comment.body, public: comment.public, author_id: 12 });
          }
          if (input.status !== undefined && input.status !== t.status) {
            events.push({ id: state.nextCommentId++, type: 'Change', field_name: 'status', value: input.status, previous_value: t.status });
            t.status = input.status;
          }
          const answer = { ticket: view(t), audit: { id: state.nextAuditId++, ticket_id: t.id, events } };
          if (typeof key === 'string') state.idempotency[key] = { body: raw, answer };
          return { status: 200, body: answer, headers: typeof key === 'string' ? { 'x-idempotency-lookup': 'miss' } : {} };
        },
      ],
    ],
    pages: [
      [
        'GET',
        /^\/agent\/tickets\/(?<id>\d+)(?:\/.*)?$/,
        ({ params }) => {
          const t = ticket(params.id ?? '');
          if (!t) return { status: 404, html: '<h1>Not found</h1>' };
          return {
            status: 200,
            html: agentPage({
              title: `#${t.id} ${t.subject}`,
              status: t.status,
              messages: t.comments.map((/** @type {any} */ c) => ({ text: c.body, note: !c.public, author: state.users.find((/** @type {any} */ u) => u.id === c.author_id)?.name ?? '' })),
            }),
          };
        },
      ],
    ],
  });
  return { ...handle, state };
}
