// @ts-check
/**
 * Intercom stand-in: the part of Intercom's REST API 2.16 Backline uses, as
 * test/contracts/specs/intercom-2.16.api.intercom.io.yaml describes it.
 *
 *   GET  /me                               the token's admin and its workspace (app.id_code)
 *   GET  /conversations/:id                ?display_as=plaintext; parts included (up to 500)
 *   POST /conversations/:id/reply          {message_type: comment|note|quick_reply, type: admin, admin_id, body}
 *   POST /conversations/:id/parts          {message_type: open|close|snoozed, admin_id, snoozed_until?}
 *
 * Auth: `Authorization: Bearer intercom-token` (INTERCOM_TOKEN); every request's
 * `Intercom-Version` header is logged. Errors as Intercom's `error.list`. The workspace is
 * INTERCOM_WORKSPACE; agent pages at /a/inbox/:workspace/inbox/…/conversation/:id (on
 * app.intercom.com through the e2e front). Test controls: see kit.mjs.
 */
import { agentPage, nowS, serveStandin } from './kit.mjs';

export const INTERCOM_TOKEN = 'intercom-token';
export const INTERCOM_WORKSPACE = 'acme42x';
export const INTERCOM_ADMIN_ID = '991267459';

const ADMIN = { type: 'admin', id: INTERCOM_ADMIN_ID, name: 'Priya Shah', email: 'priya@acme.test' };

function seed() {
  const t = nowS();
  let pid = 300;
  const part = (/** @type {string} */ part_type, /** @type {string | null} */ body, /** @type {any} */ author, ago = 600) => ({
    type: 'conversation_part',
    id: String(++pid),
    part_type,
    body,
    created_at: t - ago,
    updated_at: t - ago,
    author,
    attachments: [],
    redacted: false,
  });
  const customer = { type: 'user', id: '6762f0dd1bb69f9f2193bb83', name: 'Ada Lovelace', email: 'ada@analytical.example' };
  const conv = (/** @type {number} */ id, /** @type {string} */ state, /** @type {string} */ first, /** @type {any[]} */ parts, snoozed_until = null) => ({
    type: 'conversation',
    id: String(id),
    title: null,
    created_at: t - 7200,
    updated_at: t - 60,
    state,
    open: state !== 'closed',
    snoozed_until,
    source: { type: 'conversation', id: String(id * 10), delivered_as: 'customer_initiated', subject: '', body: `<p>${first}</p>`, author: customer, attachments: [] },
    parts,
  });
  return {
    conversations: [
      conv(1001, 'open', 'My invoice shows the wrong company name.', [
        part('comment', '<p>Thanks, checking now.</p>', ADMIN, 3600),
        part('note', '<p>Billing has the old name on file.</p>', ADMIN, 1800),
        part('assignment', null, ADMIN, 1700),
      ]),
      conv(1002, 'snoozed', 'The export is still failing.', [part('comment', '<p>We will get back to you tomorrow.</p>', ADMIN, 900), part('snoozed', null, ADMIN, 890)], t + 86400),
      conv(1003, 'closed', 'Can I get a refund?', [part('comment', '<p>Refund issued.</p>', ADMIN, 600), part('close', null, ADMIN, 590)]),
    ],
    nextPartId: pid + 1,
  };
}

const errorList = (/** @type {number} */ status, /** @type {string} */ code, /** @type {string} */ message) => ({
  status,
  body: { type: 'error.list', request_id: `req-${Math.random().toString(16).slice(2, 10)}`, errors: [{ code, message }] },
});

/** @param {{ port?: number }} [options] */
export async function startIntercomStandin({ port = 0 } = {}) {
  /** @type {any} */
  const state = seed();
  const find = (/** @type {string} */ id) => state.conversations.find((/** @type {any} */ c) => c.id === id);
  const plain = (/** @type {string | null} */ s) => (s ?? '').replace(/<br>/g, '\n').replace(/<\/p><p>/g, '\n\n').replace(/<[^>]+>/g, '');
  const view = (/** @type {any} */ c, plaintext = false) => {
    const { parts, ...rest } = c;
    const text = (/** @type {string | null} */ b) => (plaintext && b !== null ? plain(b) : b);
    return {
      ...rest,
      source: { ...c.source, body: text(c.source.body) },
      conversation_parts: {
        type: 'conversation_part.list',
        conversation_parts: parts.slice(-500).map((/** @type {any} */ p) => ({ ...p, body: text(p.body) })),
        total_count: parts.length,
      },
    };
  };
  const addPart = (/** @type {any} */ c, /** @type {string} */ part_type, /** @type {string | null} */ body) => {
    const t = nowS();
    c.parts.push({ type: 'conversation_part', id: String(state.nextPartId++), part_type, body, created_at: t, updated_at: t, author: ADMIN, attachments: [], redacted: false });
    c.updated_at = t;
  };
  const notFound = errorList(404, 'not_found', 'Resource Not Found');
  const badAdmin = (/** @type {any} */ id) => (String(id ?? '') !== INTERCOM_ADMIN_ID ? errorList(400, 'parameter_invalid', 'Admin not found') : null);

  const handle = await serveStandin({
    state,
    port,
    errorBody: (status) =>
      status === 429
        ? { type: 'error.list', errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit of 10000 in 1_minute' }] }
        : { type: 'error.list', errors: [{ code: status >= 500 ? 'server_error' : 'error', message: `HTTP ${status}` }] },
    authorize(headers) {
      if (String(headers.authorization ?? '') === `Bearer ${INTERCOM_TOKEN}`) return null;
      return errorList(401, 'unauthorized', 'Access Token Invalid');
    },
    routes: [
      ['GET', /^\/me$/, () => ({ status: 200, body: { ...ADMIN, email_verified: true, app: { type: 'app', id_code: INTERCOM_WORKSPACE, name: 'Acme', region: 'US', timezone: 'Europe/London' }, has_inbox_seat: true } })],
      [
        'GET',
        /^\/conversations\/(?<id>\d+)$/,
        ({ params, query }) => {
          const c = find(params.id ?? '');
          return c ? { status: 200, body: view(c, query.get('display_as') === 'plaintext') } : notFound;
        },
      ],
      [
        'POST',
        /^\/conversations\/(?<id>\d+)\/reply$/,
        ({ params, body, invalidJson }) => {
          if (invalidJson) return errorList(400, 'parameter_invalid', 'Request body is not valid JSON');
          const c = find(params.id ?? '');
          if (!c) return notFound;
          if (body?.type !== 'admin') return errorList(400, 'parameter_invalid', 'type must be admin or user');
          if (!['comment', 'note', 'quick_reply'].includes(body.message_type)) return errorList(400, 'parameter_invalid', 'message_type is invalid');
          const bad = badAdmin(body.admin_id);
          if (bad) return bad;
          if (typeof body.body !== 'string' || !body.body.trim()) return errorList(400, 'parameter_not_found', 'Body is required');
          addPart(c, body.message_type, body.body);
          return { status: 200, body: view(c) };
        },
      ],
      [
        'POST',
        /^\/conversations\/(?<id>\d+)\/parts$/,
        ({ params, body, invalidJson }) => {
          if (invalidJson) return errorList(400, 'parameter_invalid', 'Request body is not valid JSON');
          const c = find(params.id ?? '');
          if (!c) return notFound;
          const bad = badAdmin(body?.admin_id);
          if (bad) return bad;
          if (body.message_type === 'open') {
            c.state = 'open';
            c.open = true;
            c.snoozed_until = null;
            addPart(c, 'open', null);
          } else if (body.message_type === 'close') {
            c.state = 'closed';
            c.open = false;
            addPart(c, 'close', null);
          } else if (body.message_type === 'snoozed' && Number.isInteger(body.snoozed_until)) {
            c.state = 'snoozed';
            c.snoozed_until = body.snoozed_until;
            addPart(c, 'snoozed', null);
          } else {
            return errorList(400, 'parameter_invalid', 'message_type is invalid');
          }
          return { status: 200, body: view(c) };
        },
      ],
    ],
    pages: [
      [
        'GET',
        /^\/a\/inbox\/(?<ws>[a-z0-9]+)\/inbox\/(?:[^/]+\/){0,4}conversation\/(?<id>\d+)$/,
        ({ params }) => {
          const c = find(params.id ?? '');
          if (!c || params.ws !== INTERCOM_WORKSPACE) return { status: 404, html: '<h1>Not found</h1>' };
          return {
            status: 200,
            html: agentPage({
              title: `Conversation ${c.id}`,
              status: c.state,
              messages: [
                { text: plain(c.source.body), note: false, author: c.source.author.name },
                ...c.parts.filter((/** @type {any} */ p) => p.body).map((/** @type {any} */ p) => ({ text: plain(p.body), note: p.part_type === 'note', author: p.author.name })),
              ],
            }),
          };
        },
      ],
    ],
  });
  return { ...handle, state };
}
