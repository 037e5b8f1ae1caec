// @ts-check
/**
 * Sandbox helpdesk: a tiny, dependency-free helpdesk with a Chatwoot-compatible
 * API (the subset Backline uses) and server-rendered agent pages.
 *
 * Used by `npm start` as the demo host and by the end-to-end tests.
 *
 *   node test/sandbox/server.mjs            # port from $SANDBOX_PORT or 4517
 *
 * API (JSON, header `api_access_token: sandbox-token`):
 *   GET  /api/v1/profile
 *   GET  /api/v1/accounts/:account_id/conversations            ?status=open|resolved|pending|snoozed|all (default open)
 *   GET  /api/v1/accounts/:account_id/conversations/meta
 *   GET  /api/v1/accounts/:account_id/conversations/:id
 *   GET  /api/v1/accounts/:account_id/conversations/:id/messages   ?before=&after= (latest 20, like Chatwoot)
 *   POST /api/v1/accounts/:account_id/conversations/:id/messages
 *   POST /api/v1/accounts/:account_id/conversations/:id/toggle_status
 *
 * Test control (no auth): POST /__sandbox/reset, POST /__sandbox/fail,
 * POST /__sandbox/delay, GET|DELETE /__sandbox/requests, GET /__sandbox/state.
 *
 *   POST /__sandbox/fail   {count=1, status=500, match?}  the next `count` API requests whose
 *        path contains `match` are answered with `status` and change nothing.
 *   POST /__sandbox/delay  {ms, count=1, match?}  the next `count` API writes (any method but
 *        GET/HEAD) whose path contains `match` are held for `ms` milliseconds, then applied and
 *        answered: a helpdesk that applies a request late, after its client may have given up.
 *        The write is applied even when the client has gone away meanwhile; its request-log
 *        entry has `delayedMs` set and `status` 0 until then. `count: 0` cancels the plan; a
 *        reset (or closing the sandbox) drops writes still held, unapplied.
 *
 * Agent pages: /app/accounts/:account_id/conversations[/:id]  (`/` redirects there).
 */

import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { createSeed, SANDBOX_ACCOUNT_ID, SANDBOX_TOKEN } from './seed.mjs';

export { SANDBOX_ACCOUNT_ID, SANDBOX_TOKEN, createSeed };

/** @typedef {import('./seed.mjs').SandboxData} SandboxData */
/** @typedef {import('./seed.mjs').SandboxConversation} SandboxConversation */
/** @typedef {import('./seed.mjs').SandboxMessage} SandboxMessage */
/** @typedef {import('./seed.mjs').SandboxContact} SandboxContact */
/** @typedef {import('./seed.mjs').SandboxUser} SandboxUser */
/** @typedef {import('./seed.mjs').ConversationStatus} ConversationStatus */

/**
 * @typedef {object} RequestLogEntry
 * @property {number} seq        increasing number, starts at 1 after each reset
 * @property {number} at         Date.now() when the request was received
 * @property {string} method
 * @property {string} path       path without query string
 * @property {string} query      raw query string without '?', '' if none
 * @property {unknown} body      parsed JSON body, raw text if it was not JSON, null if empty
 * @property {boolean} hasToken  an `api_access_token` header was sent
 * @property {boolean} tokenValid the token matched a sandbox user
 * @property {string | null} origin the Origin header, if any
 * @property {number} status     HTTP status the sandbox answered with
 * @property {boolean} injected  the answer was a failure injected via /__sandbox/fail
 * @property {number} delayedMs  how long /__sandbox/delay held this write before applying it (0: not held)
 */

/**
 * @typedef {object} FailPlan
 * @property {number} remaining
 * @property {number} status
 * @property {string | null} match  only requests whose path contains this string fail
 */

/**
 * @typedef {object} DelayPlan
 * @property {number} remaining
 * @property {number} ms        how long each matching write is held before it is applied
 * @property {string | null} match  only writes whose path contains this string are held
 */

/**
 * @typedef {SandboxData & { requests: RequestLogEntry[], requestSeq: number, fail: FailPlan | null, delay: DelayPlan | null }} SandboxState
 */

/**
 * Writes held by a delay plan, per sandbox: each one's release(false) drops it unapplied.
 * @type {WeakMap<SandboxState, Set<(apply: boolean) => void>>}
 */
const HELD = new WeakMap();

/**
 * Waits `ms`, unless the sandbox is reset or closed first.
 * @param {SandboxState} state
 * @param {number} ms
 * @returns {Promise<boolean>} true when the write should now be applied
 */
function holdWrite(state, ms) {
  let held = HELD.get(state);
  if (!held) HELD.set(state, (held = new Set()));
  const set = held;
  return new Promise((resolve) => {
    /** @param {boolean} apply */
    const release = (apply) => {
      clearTimeout(timer);
      set.delete(release);
      resolve(apply);
    };
    const timer = setTimeout(() => release(true), ms);
    set.add(release);
  });
}

/**
 * Drops every write still held (reset, close).
 * @param {SandboxState} state
 */
function dropHeldWrites(state) {
  for (const release of [...(HELD.get(state) ?? [])]) release(false);
}

export const DEFAULT_PORT = 4517;
/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Chatwoot's limit on message content, in characters. */
export const MAX_CONTENT_CHARS = 150000;
const MAX_LOGGED_REQUESTS = 1000;
const MESSAGES_PAGE_SIZE = 20;
const CONVERSATIONS_PAGE_SIZE = 25;
const POLL_MS = 2000;
/** Requests with this header (value `app`) come from the sandbox's own pages: not logged, never failed. */
const APP_CLIENT_HEADER = 'x-sandbox-client';

const STATUSES = /** @type {const} */ (['open', 'resolved', 'pending', 'snoozed']);
const CONTENT_TYPES = ['text', 'input_email', 'cards', 'input_select', 'form', 'article'];

const ERR_UNAUTHORIZED = 'You need to sign in or sign up before continuing.';
const ERR_NOT_FOUND = 'Resource could not be found';

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': `api_access_token, content-type, accept, ${APP_CLIENT_HEADER}`,
  'access-control-max-age': '600',
};

class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {Record<string, unknown>} [extra] merged into the JSON body
   */
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

/** @returns {number} */
const nowSeconds = () => Math.floor(Date.now() / 1000);

/* ------------------------------------------------------------------------ */
/* Serialisation (Chatwoot response shapes)                                  */
/* ------------------------------------------------------------------------ */

/**
 * @param {SandboxState} state
 * @param {number | null} id
 */
const findUser = (state, id) => (id == null ? undefined : state.users.find((u) => u.id === id));

/**
 * @param {SandboxState} state
 * @param {number} id
 */
const findContact = (state, id) => state.contacts.find((c) => c.id === id);

/** Contact as in `api/v1/models/_contact` (conversation meta.sender). @param {SandboxContact} c */
function contactModel(c) {
  return {
    additional_attributes: c.additional_attributes,
    availability_status: 'offline',
    email: c.email,
    id: c.id,
    name: c.name,
    phone_number: c.phone_number,
    blocked: false,
    identifier: c.identifier,
    thumbnail: '',
    custom_attributes: c.custom_attributes,
    last_activity_at: c.last_activity_at,
    created_at: c.created_at,
  };
}

/** Contact#push_event_data (message sender, messages meta.contact). @param {SandboxContact} c */
function contactPushData(c) {
  return {
    additional_attributes: c.additional_attributes,
    custom_attributes: c.custom_attributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phone_number,
    thumbnail: '',
    blocked: false,
    type: 'contact',
  };
}

/** User#push_event_data (message sender). @param {SandboxUser} u */
function userPushData(u) {
  return {
    id: u.id,
    name: u.name,
    available_name: u.name,
    avatar_url: '',
    type: 'user',
    availability_status: 'online',
    thumbnail: '',
  };
}

/** Agent as in `api/v1/models/_agent` (conversation meta.assignee). @param {SandboxUser} u */
function agentModel(u) {
  return {
    id: u.id,
    account_id: u.account_ids[0] ?? SANDBOX_ACCOUNT_ID,
    availability_status: 'online',
    auto_offline: true,
    confirmed: true,
    email: u.email,
    available_name: u.name,
    name: u.name,
    role: u.role,
    thumbnail: '',
    custom_role_id: null,
  };
}

/** @param {SandboxConversation} conv */
function unreadCount(conv) {
  return conv.messages.filter((m) => m.message_type === 0 && !m.private && m.created_at > conv.agent_last_seen_at).length;
}

/**
 * Message#push_event_data.
 * @param {SandboxState} state
 * @param {SandboxConversation} conv
 * @param {SandboxMessage} m
 */
function messageJson(state, conv, m) {
  /** @type {Record<string, unknown> | null} */
  let sender = null;
  if (m.sender_type === 'Contact' && m.sender_id != null) {
    const c = findContact(state, m.sender_id);
    if (c) sender = contactPushData(c);
  } else if (m.sender_type === 'User' && m.sender_id != null) {
    const u = findUser(state, m.sender_id);
    if (u) sender = userPushData(u);
  }
  return {
    id: m.id,
    content: m.content,
    account_id: conv.account_id,
    inbox_id: conv.inbox_id,
    conversation_id: conv.id,
    message_type: m.message_type,
    content_type: m.content_type,
    status: m.status,
    content_attributes: m.content_attributes,
    created_at: m.created_at,
    updated_at: m.updated_at,
    private: m.private,
    source_id: m.source_id,
    sender_type: m.sender_type,
    sender_id: m.sender_id,
    external_source_ids: {},
    additional_attributes: {},
    processed_message_content: m.content,
    sentiment: {},
    ...(m.echo_id ? { echo_id: m.echo_id } : {}),
    conversation: {
      assignee_id: conv.assignee_id,
      unread_count: unreadCount(conv),
      last_activity_at: conv.last_activity_at,
      contact_inbox: { source_id: conv.contact_source_id },
    },
    sender,
  };
}

/**
 * Conversation as in `api/v1/conversations/partials/_conversation`.
 * The list endpoint carries only the latest message (like Chatwoot); the
 * show endpoint carries all messages (as the API description promises).
 * @param {SandboxState} state
 * @param {SandboxConversation} conv
 * @param {{ allMessages: boolean }} opts
 */
function conversationJson(state, conv, { allMessages }) {
  const contact = findContact(state, conv.contact_id);
  const assignee = findUser(state, conv.assignee_id);
  const inbox = state.inboxes.find((i) => i.id === conv.inbox_id);
  const lastMessage = conv.messages[conv.messages.length - 1];
  const lastNonActivity = [...conv.messages].reverse().find((m) => m.message_type !== 2);
  const messages = allMessages ? conv.messages : lastMessage ? [lastMessage] : [];
  return {
    meta: {
      sender: contact ? contactModel(contact) : null,
      channel: inbox ? inbox.channel_type : null,
      assignee: assignee ? agentModel(assignee) : null,
      hmac_verified: false,
    },
    id: conv.id,
    messages: messages.map((m) => messageJson(state, conv, m)),
    account_id: conv.account_id,
    uuid: conv.uuid,
    additional_attributes: conv.additional_attributes,
    agent_last_seen_at: conv.agent_last_seen_at,
    assignee_last_seen_at: conv.agent_last_seen_at,
    can_reply: true,
    contact_last_seen_at: conv.contact_last_seen_at,
    custom_attributes: conv.custom_attributes,
    inbox_id: conv.inbox_id,
    labels: conv.labels,
    muted: false,
    snoozed_until: conv.snoozed_until,
    status: conv.status,
    created_at: conv.created_at,
    updated_at: conv.updated_at,
    timestamp: conv.last_activity_at,
    first_reply_created_at: conv.first_reply_created_at,
    unread_count: unreadCount(conv),
    last_non_activity_message: lastNonActivity ? messageJson(state, conv, lastNonActivity) : null,
    last_activity_at: conv.last_activity_at,
    priority: conv.priority,
    waiting_since: conv.waiting_since,
    sla_policy_id: null,
  };
}

/* ------------------------------------------------------------------------ */
/* Domain operations                                                        */
/* ------------------------------------------------------------------------ */

/**
 * @param {SandboxState} state
 * @param {SandboxConversation} conv
 * @param {Omit<SandboxMessage, 'id' | 'created_at' | 'updated_at'>} fields
 * @returns {SandboxMessage}
 */
function addMessage(state, conv, fields) {
  const at = nowSeconds();
  /** @type {SandboxMessage} */
  const m = { ...fields, id: state.nextMessageId++, created_at: at, updated_at: at };
  conv.messages.push(m);
  conv.last_activity_at = Math.max(conv.last_activity_at, at);
  conv.updated_at = Date.now() / 1000;
  return m;
}

/**
 * @param {SandboxState} state
 * @param {SandboxConversation} conv
 * @param {string} content
 */
function addActivity(state, conv, content) {
  return addMessage(state, conv, {
    content,
    message_type: 2,
    content_type: 'text',
    content_attributes: {},
    private: false,
    sender_type: null,
    sender_id: null,
    source_id: null,
    status: 'sent',
  });
}

/** @type {Record<ConversationStatus, string>} */
const STATUS_ACTIVITY = {
  resolved: 'Conversation was marked resolved by %{user_name}',
  open: 'Conversation was reopened by %{user_name}',
  pending: 'Conversation was marked as pending by %{user_name}',
  snoozed: 'Conversation was snoozed by %{user_name}',
};

/**
 * Sets the status like Chatwoot does (snoozed_until is cleared unless
 * snoozed) and records an activity message when the status changed.
 * @param {SandboxState} state
 * @param {SandboxConversation} conv
 * @param {ConversationStatus} status
 * @param {number | null} snoozedUntil
 * @param {string | null} actorName null → system
 */
function setStatus(state, conv, status, snoozedUntil, actorName) {
  const changed = conv.status !== status;
  conv.status = status;
  conv.snoozed_until = status === 'snoozed' ? snoozedUntil : null;
  conv.updated_at = Date.now() / 1000;
  if (!changed) return;
  if (actorName) addActivity(state, conv, STATUS_ACTIVITY[status].replace('%{user_name}', actorName));
  else if (status === 'open') addActivity(state, conv, 'System reopened the conversation due to a new incoming message.');
}

/* ------------------------------------------------------------------------ */
/* HTTP helpers                                                             */
/* ------------------------------------------------------------------------ */

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
  if (res.headersSent) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} html
 */
function sendHtml(res, status, html) {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(html)),
  });
  res.end(html);
}

/**
 * Reads the request body as UTF-8 text, refusing bodies over MAX_BODY_BYTES
 * with a 413 HttpError (the rest of the upload is drained and discarded, so
 * the client still gets to read the 413).
 * @param {http.IncomingMessage} req
 * @returns {Promise<string>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      req.resume();
      reject(tooLarge());
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let settled = false;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      if (settled) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        settled = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    req.on('close', () => {
      if (settled) return;
      settled = true;
      reject(new HttpError(400, 'Request body was cut off'));
    });
  });
}

/**
 * Parses a request body: JSON (any content type, as long as it parses) or
 * application/x-www-form-urlencoded. Empty → {}.
 * @param {string} raw
 * @param {string | undefined} contentType
 * @returns {Record<string, unknown>}
 */
function parseBody(raw, contentType) {
  if (raw.trim() === '') return {};
  if (contentType && /application\/x-www-form-urlencoded/i.test(contentType)) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new HttpError(400, `Malformed JSON in request body: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'Request body must be a JSON object');
  }
  return /** @type {Record<string, unknown>} */ (value);
}

/** @param {string} raw */
function bodyForLog(raw) {
  if (raw === '') return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw.length > 10000 ? `${raw.slice(0, 10000)}…` : raw;
  }
}

/**
 * @param {unknown} value
 * @param {string} field
 * @returns {boolean}
 */
function toBoolean(value, field) {
  if (value === undefined || value === null || value === false || value === 'false' || value === '0' || value === 0 || value === '') return false;
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  throw new HttpError(422, `${field} must be a boolean`, { attributes: [field] });
}

/**
 * @param {string} message
 * @param {string} attribute
 */
const invalid = (message, attribute) => new HttpError(422, message, { message, attributes: [attribute] });

/* ------------------------------------------------------------------------ */
/* API                                                                      */
/* ------------------------------------------------------------------------ */

/**
 * @typedef {object} ApiContext
 * @property {SandboxState} state
 * @property {string} method
 * @property {string} path
 * @property {URLSearchParams} query
 * @property {() => Record<string, unknown>} body  parses lazily; throws 400 on bad JSON
 * @property {SandboxUser | undefined} user
 */

/**
 * @typedef {object} ApiRoute
 * @property {string} method
 * @property {RegExp} pattern
 * @property {(ctx: ApiContext, params: string[]) => { status?: number, body: unknown }} handler
 */

/**
 * @param {ApiContext} ctx
 * @param {string} accountParam
 */
function requireAccount(ctx, accountParam) {
  const id = Number(accountParam);
  const account = ctx.state.accounts.find((a) => a.id === id);
  if (!account) throw new HttpError(404, ERR_NOT_FOUND);
  if (!ctx.user || !ctx.user.account_ids.includes(id)) {
    throw new HttpError(401, 'You are not authorized to access this account');
  }
  return account;
}

/**
 * @param {ApiContext} ctx
 * @param {string} accountParam
 * @param {string} idParam
 */
function requireConversation(ctx, accountParam, idParam) {
  const account = requireAccount(ctx, accountParam);
  const id = Number(idParam);
  const conv = ctx.state.conversations.find((c) => c.account_id === account.id && c.id === id);
  if (!conv) throw new HttpError(404, ERR_NOT_FOUND);
  return conv;
}

/**
 * Filters conversations like Chatwoot's ConversationFinder (status, inbox_id,
 * labels, q) and computes the assignee counts.
 * @param {ApiContext} ctx
 * @param {number} accountId
 */
function findConversations(ctx, accountId) {
  const { query, state, user } = ctx;
  const status = query.get('status') || 'open';
  if (status !== 'all' && !STATUSES.includes(/** @type {ConversationStatus} */ (status))) {
    throw new HttpError(400, `Invalid status filter: ${status}`);
  }
  const inboxId = query.get('inbox_id');
  const labels = [...query.getAll('labels'), ...query.getAll('labels[]')].filter(Boolean);
  const q = (query.get('q') || '').trim().toLowerCase();

  let list = state.conversations.filter((c) => c.account_id === accountId);
  if (status !== 'all') list = list.filter((c) => c.status === status);
  if (inboxId) list = list.filter((c) => String(c.inbox_id) === inboxId);
  if (labels.length) list = list.filter((c) => labels.every((l) => c.labels.includes(l)));
  if (q) list = list.filter((c) => c.messages.some((m) => m.content.toLowerCase().includes(q)));
  list.sort((a, b) => b.last_activity_at - a.last_activity_at || b.id - a.id);

  const mine = list.filter((c) => user && c.assignee_id === user.id);
  const unassigned = list.filter((c) => c.assignee_id == null);
  const assigned = list.filter((c) => c.assignee_id != null);
  const meta = {
    mine_count: mine.length,
    unassigned_count: unassigned.length,
    assigned_count: assigned.length,
    all_count: list.length,
  };
  const assigneeType = query.get('assignee_type') || 'all';
  /** @type {Record<string, SandboxConversation[]>} */
  const byAssignee = { me: mine, unassigned, assigned, all: list };
  const selected = byAssignee[assigneeType];
  if (!selected) throw new HttpError(400, `Invalid assignee_type: ${assigneeType}`);
  return { meta, list: selected };
}

/** @type {ApiRoute[]} */
const API_ROUTES = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/profile$/,
    handler: (ctx) => {
      const u = /** @type {SandboxUser} */ (ctx.user);
      return {
        body: {
          id: u.id,
          access_token: u.access_token,
          account_id: u.account_ids[0] ?? null,
          available_name: u.name,
          avatar_url: '',
          confirmed: true,
          display_name: null,
          message_signature: null,
          email: u.email,
          name: u.name,
          provider: 'email',
          role: u.role,
          ui_settings: {},
          uid: u.email,
          type: null,
          custom_attributes: {},
          accounts: ctx.state.accounts
            .filter((a) => u.account_ids.includes(a.id))
            .map((a) => ({
              id: a.id,
              name: a.name,
              status: 'active',
              role: u.role,
              permissions: [u.role],
              availability: 'online',
              availability_status: 'online',
              auto_offline: true,
              custom_role_id: null,
              custom_role: null,
            })),
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/accounts\/(\d+)\/conversations$/,
    handler: (ctx, [accountParam]) => {
      const account = requireAccount(ctx, accountParam);
      const { meta, list } = findConversations(ctx, account.id);
      const pageParam = ctx.query.get('page');
      const page = pageParam ? Number(pageParam) : 1;
      if (!Number.isInteger(page) || page < 1) throw new HttpError(400, `Invalid page: ${pageParam}`);
      const slice = list.slice((page - 1) * CONVERSATIONS_PAGE_SIZE, page * CONVERSATIONS_PAGE_SIZE);
      return {
        body: {
          data: { meta, payload: slice.map((c) => conversationJson(ctx.state, c, { allMessages: false })) },
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/accounts\/(\d+)\/conversations\/meta$/,
    handler: (ctx, [accountParam]) => {
      const account = requireAccount(ctx, accountParam);
      return { body: { meta: findConversations(ctx, account.id).meta } };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/accounts\/(\d+)\/conversations\/(\d+)$/,
    handler: (ctx, [accountParam, idParam]) => {
      const conv = requireConversation(ctx, accountParam, idParam);
      return { body: conversationJson(ctx.state, conv, { allMessages: true }) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/accounts\/(\d+)\/conversations\/(\d+)\/messages$/,
    handler: (ctx, [accountParam, idParam]) => {
      const conv = requireConversation(ctx, accountParam, idParam);
      const before = Number(ctx.query.get('before') || NaN);
      const after = Number(ctx.query.get('after') || NaN);
      // Chatwoot's MessageFinder: latest 20 by default, 20 before `before`, up to 100 after `after`.
      let messages = conv.messages;
      if (Number.isFinite(after) && Number.isFinite(before)) {
        messages = messages.filter((m) => m.id >= after && m.id < before).slice(0, 1000);
      } else if (Number.isFinite(before)) {
        messages = messages.filter((m) => m.id < before).slice(-MESSAGES_PAGE_SIZE);
      } else if (Number.isFinite(after)) {
        messages = messages.filter((m) => m.id > after).slice(0, 100);
      } else {
        messages = messages.slice(-MESSAGES_PAGE_SIZE);
      }
      const contact = findContact(ctx.state, conv.contact_id);
      const assignee = findUser(ctx.state, conv.assignee_id);
      return {
        body: {
          meta: {
            labels: conv.labels,
            additional_attributes: conv.additional_attributes,
            contact: contact ? contactPushData(contact) : null,
            assignee: assignee ? agentModel(assignee) : null,
            agent_last_seen_at: conv.agent_last_seen_at ? new Date(conv.agent_last_seen_at * 1000).toISOString() : null,
            assignee_last_seen_at: conv.agent_last_seen_at ? new Date(conv.agent_last_seen_at * 1000).toISOString() : null,
          },
          payload: messages.map((m) => messageJson(ctx.state, conv, m)),
        },
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/accounts\/(\d+)\/conversations\/(\d+)\/messages$/,
    handler: (ctx, [accountParam, idParam]) => {
      const conv = requireConversation(ctx, accountParam, idParam);
      const body = ctx.body();
      const { content } = body;
      if (content === undefined || content === null) throw invalid("Content can't be blank", 'content');
      if (typeof content !== 'string') throw invalid('Content must be a string', 'content');
      if (content.trim() === '') throw invalid("Content can't be blank", 'content');
      // Rails counts characters (code points), not UTF-16 units.
      let chars = 0;
      for (const _ of content) if (++chars > MAX_CONTENT_CHARS) break;
      if (chars > MAX_CONTENT_CHARS) {
        throw invalid(`Content is too long (maximum is ${MAX_CONTENT_CHARS} characters)`, 'content');
      }
      const messageType = body.message_type ?? 'outgoing';
      if (messageType !== 'outgoing' && messageType !== 'incoming') {
        throw invalid("Message type must be 'outgoing' or 'incoming'", 'message_type');
      }
      const isPrivate = toBoolean(body.private, 'private');
      const contentType = body.content_type ?? 'text';
      if (typeof contentType !== 'string' || !CONTENT_TYPES.includes(contentType)) {
        throw invalid(`Content type is not included in the list (${CONTENT_TYPES.join(', ')})`, 'content_type');
      }
      const contentAttributes = body.content_attributes ?? {};
      if (typeof contentAttributes !== 'object' || contentAttributes === null || Array.isArray(contentAttributes)) {
        throw invalid('Content attributes must be an object', 'content_attributes');
      }
      const incoming = messageType === 'incoming';
      const user = /** @type {SandboxUser} */ (ctx.user);
      const message = addMessage(ctx.state, conv, {
        content,
        message_type: incoming ? 0 : 1,
        content_type: contentType,
        content_attributes: /** @type {Record<string, unknown>} */ (contentAttributes),
        private: isPrivate,
        sender_type: incoming ? 'Contact' : 'User',
        sender_id: incoming ? conv.contact_id : user.id,
        source_id: null,
        status: 'sent',
        ...(typeof body.echo_id === 'string' ? { echo_id: body.echo_id } : {}),
      });
      const json = messageJson(ctx.state, conv, message);
      if (!isPrivate) {
        if (incoming) {
          if (!conv.waiting_since) conv.waiting_since = message.created_at;
          // Snoozed and resolved conversations reopen on the next customer message.
          if (conv.status === 'snoozed' || conv.status === 'resolved') setStatus(ctx.state, conv, 'open', null, null);
        } else {
          if (!conv.first_reply_created_at) conv.first_reply_created_at = message.created_at;
          conv.waiting_since = 0;
          conv.agent_last_seen_at = message.created_at;
        }
      }
      return { body: json };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/accounts\/(\d+)\/conversations\/(\d+)\/toggle_status$/,
    handler: (ctx, [accountParam, idParam]) => {
      const conv = requireConversation(ctx, accountParam, idParam);
      const body = ctx.body();
      /** @type {ConversationStatus} */
      let status;
      if (body.status === undefined || body.status === null || body.status === '') {
        // Chatwoot: without an explicit status, toggle between open and resolved.
        status = conv.status === 'open' ? 'resolved' : 'open';
      } else if (typeof body.status === 'string' && STATUSES.includes(/** @type {ConversationStatus} */ (body.status))) {
        status = /** @type {ConversationStatus} */ (body.status);
      } else {
        throw invalid(`Status '${String(body.status)}' is not a valid status (${STATUSES.join(', ')})`, 'status');
      }
      /** @type {number | null} */
      let snoozedUntil = null;
      const rawUntil = body.snoozed_until;
      if (rawUntil !== undefined && rawUntil !== null && rawUntil !== '') {
        const n = typeof rawUntil === 'number' ? rawUntil : typeof rawUntil === 'string' ? Number(rawUntil) : NaN;
        if (!Number.isFinite(n) || n < 0) throw invalid('snoozed_until must be a unix timestamp in seconds', 'snoozed_until');
        snoozedUntil = Math.floor(n);
      }
      setStatus(ctx.state, conv, status, snoozedUntil, /** @type {SandboxUser} */ (ctx.user).name);
      return {
        body: {
          meta: {},
          payload: {
            success: true,
            current_status: conv.status,
            conversation_id: conv.id,
            snoozed_until: conv.snoozed_until,
          },
        },
      };
    },
  },
];

/**
 * @param {SandboxState} state
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {string} path
 * @param {string} search
 */
async function handleApi(state, req, res, path, search) {
  const method = (req.method || 'GET').toUpperCase();
  const fromApp = req.headers[APP_CLIENT_HEADER] === 'app';
  const tokenHeader = req.headers['api_access_token'];
  const token = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
  const user = token ? state.users.find((u) => u.access_token === token) : undefined;

  /** @type {RequestLogEntry | null} */
  let entry = null;
  /** @param {number} status @param {unknown} body @param {boolean} [injected] */
  const reply = (status, body, injected = false) => {
    if (entry) {
      entry.status = status;
      entry.injected = injected;
    }
    // A held write's client may have given up and gone: it is applied all the same.
    if (!res.destroyed) sendJson(res, status, body);
  };

  let raw = '';
  /** @type {HttpError | null} */
  let bodyError = null;
  if (method !== 'GET' && method !== 'HEAD') {
    try {
      raw = await readBody(req);
    } catch (err) {
      bodyError = err instanceof HttpError ? err : new HttpError(400, 'Could not read request body');
    }
  }

  if (!fromApp) {
    entry = {
      seq: ++state.requestSeq,
      at: Date.now(),
      method,
      path,
      query: search,
      body: bodyForLog(raw),
      hasToken: token !== undefined,
      tokenValid: user !== undefined,
      origin: typeof req.headers.origin === 'string' ? req.headers.origin : null,
      status: 0,
      injected: false,
      delayedMs: 0,
    };
    state.requests.push(entry);
    if (state.requests.length > MAX_LOGGED_REQUESTS) state.requests.splice(0, state.requests.length - MAX_LOGGED_REQUESTS);

    const plan = state.fail;
    if (plan && plan.remaining > 0 && (!plan.match || path.includes(plan.match))) {
      plan.remaining -= 1;
      if (plan.remaining === 0) state.fail = null;
      reply(plan.status, { error: `Sandbox injected failure (HTTP ${plan.status})` }, true);
      return;
    }

    const hold = state.delay;
    if (hold && hold.remaining > 0 && method !== 'GET' && method !== 'HEAD' && (!hold.match || path.includes(hold.match))) {
      hold.remaining -= 1;
      if (hold.remaining === 0) state.delay = null;
      entry.delayedMs = hold.ms;
      if (!(await holdWrite(state, hold.ms))) {
        res.destroy();
        return;
      }
    }
  }

  if (bodyError) {
    reply(bodyError.status, { error: bodyError.message, ...bodyError.extra });
    return;
  }

  const effectiveMethod = method === 'HEAD' ? 'GET' : method;
  /** @type {{ route: ApiRoute, params: string[] } | null} */
  let match = null;
  let pathMatched = false;
  for (const route of API_ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method === effectiveMethod) {
      match = { route, params: m.slice(1) };
      break;
    }
  }
  if (!match) {
    reply(404, { error: pathMatched ? `No route matches ${method} ${path}` : `Route not found: ${path}` });
    return;
  }
  if (!user) {
    reply(401, { error: ERR_UNAUTHORIZED });
    return;
  }

  /** @type {Record<string, unknown> | null} */
  let parsed = null;
  /** @type {ApiContext} */
  const ctx = {
    state,
    method,
    path,
    query: new URLSearchParams(search),
    user,
    body: () => (parsed ??= parseBody(raw, req.headers['content-type'])),
  };
  try {
    const result = match.route.handler(ctx, match.params);
    reply(result.status ?? 200, result.body);
  } catch (err) {
    if (err instanceof HttpError) {
      reply(err.status, { error: err.message, ...err.extra });
    } else {
      console.error('[sandbox] API handler crashed:', err);
      reply(500, { error: 'Internal sandbox error' });
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Test control                                                             */
/* ------------------------------------------------------------------------ */

/**
 * @param {SandboxState} state
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {string} path
 * @param {() => void} reset
 */
async function handleControl(state, req, res, path, reset) {
  const method = (req.method || 'GET').toUpperCase();
  /** @returns {Promise<Record<string, unknown>>} */
  const body = async () => parseBody(await readBody(req), req.headers['content-type']);

  if (path === '/__sandbox/reset' && method === 'POST') {
    await readBody(req);
    reset();
    sendJson(res, 200, { ok: true });
    return;
  }
  if (path === '/__sandbox/fail' && method === 'POST') {
    const b = await body();
    const count = b.count === undefined ? 1 : Number(b.count);
    const status = b.status === undefined ? 500 : Number(b.status);
    if (!Number.isInteger(count) || count < 0 || count > 10000) throw new HttpError(400, 'count must be an integer between 0 and 10000');
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new HttpError(400, 'status must be an integer between 400 and 599');
    if (b.match !== undefined && b.match !== null && typeof b.match !== 'string') throw new HttpError(400, 'match must be a string');
    const match = typeof b.match === 'string' && b.match !== '' ? b.match : null;
    state.fail = count > 0 ? { remaining: count, status, match } : null;
    sendJson(res, 200, { ok: true, fail: state.fail });
    return;
  }
  if (path === '/__sandbox/delay' && method === 'POST') {
    const b = await body();
    const count = b.count === undefined ? 1 : Number(b.count);
    const ms = Number(b.ms);
    if (!Number.isInteger(count) || count < 0 || count > 10000) throw new HttpError(400, 'count must be an integer between 0 and 10000');
    if (count > 0 && (!Number.isInteger(ms) || ms < 1 || ms > 600000)) throw new HttpError(400, 'ms must be an integer between 1 and 600000');
    if (b.match !== undefined && b.match !== null && typeof b.match !== 'string') throw new HttpError(400, 'match must be a string');
    const match = typeof b.match === 'string' && b.match !== '' ? b.match : null;
    state.delay = count > 0 ? { remaining: count, ms, match } : null;
    sendJson(res, 200, { ok: true, delay: state.delay });
    return;
  }
  if (path === '/__sandbox/requests' && method === 'GET') {
    sendJson(res, 200, { requests: state.requests });
    return;
  }
  if (path === '/__sandbox/requests' && method === 'DELETE') {
    state.requests = [];
    sendJson(res, 200, { ok: true });
    return;
  }
  if (path === '/__sandbox/state' && method === 'GET') {
    sendJson(res, 200, {
      account_id: SANDBOX_ACCOUNT_ID,
      conversations: [...state.conversations]
        .sort((a, b) => a.id - b.id)
        .map((c) => conversationJson(state, c, { allMessages: true })),
      fail: state.fail,
      delay: state.delay,
    });
    return;
  }
  sendJson(res, 404, { error: `Route not found: ${method} ${path}` });
}

/* ------------------------------------------------------------------------ */
/* Agent pages                                                              */
/*                                                                          */
/* The render* functions below are used on the server AND shipped to the    */
/* browser via Function#toString, so they must stay self-contained: plain   */
/* ES2020, no imports, no references to anything outside this group.       */
/* ------------------------------------------------------------------------ */

/** @param {unknown} value */
function escapeHtml(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** @param {string} status */
function statusLabel(status) {
  /** @type {Record<string, string>} */
  const labels = { open: 'Open', snoozed: 'Snoozed', resolved: 'Resolved', pending: 'Pending' };
  return labels[status] || status;
}

/** @param {number | null | undefined} ts unix seconds */
function formatTime(ts) {
  if (!ts) return '';
  const d = new Date(ts * 1000);
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** @param {string} name */
function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/);
  return ((parts[0] || '?')[0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/**
 * @param {any[]} list conversations (list endpoint shape)
 * @param {number | null} currentId
 * @param {number} accountId
 */
function renderListItems(list, currentId, accountId) {
  if (!list.length) return '<p class="empty">No conversations.</p>';
  return list
    .map((c) => {
      const sender = (c.meta && c.meta.sender) || {};
      const company = (sender.additional_attributes && sender.additional_attributes.company_name) || '';
      const last = c.last_non_activity_message;
      const snippet = last ? (last.private ? 'Note: ' : '') + String(last.content || '').replace(/\s+/g, ' ').slice(0, 90) : '';
      const current = c.id === currentId;
      return (
        `<a class="conv-item${current ? ' is-current' : ''}" href="/app/accounts/${accountId}/conversations/${c.id}" data-nav` +
        ` data-testid="conversation-item" data-conversation-id="${c.id}"${current ? ' aria-current="page"' : ''}>` +
        `<span class="avatar" aria-hidden="true">${escapeHtml(initials(sender.name))}</span>` +
        '<span class="conv-item-body">' +
        '<span class="conv-item-top">' +
        `<span class="conv-item-name">${escapeHtml(sender.name || 'Unknown contact')}</span>` +
        `<span class="conv-item-time">${escapeHtml(formatTime(c.last_activity_at))}</span>` +
        '</span>' +
        '<span class="conv-item-mid">' +
        `<span class="conv-item-company">${escapeHtml(company)}</span>` +
        `<span class="badge badge-${escapeHtml(c.status)}" data-testid="conversation-item-status">${escapeHtml(statusLabel(c.status))}</span>` +
        '</span>' +
        `<span class="conv-item-snippet">${escapeHtml(snippet)}</span>` +
        (c.unread_count > 0 ? `<span class="unread" title="Unread messages">${c.unread_count}</span>` : '') +
        '</span></a>'
      );
    })
    .join('');
}

/** @param {any} c conversation (show endpoint shape) */
function renderConversationHeader(c) {
  const sender = (c.meta && c.meta.sender) || {};
  const company = (sender.additional_attributes && sender.additional_attributes.company_name) || '';
  const assignee = c.meta && c.meta.assignee;
  const subject = c.additional_attributes && c.additional_attributes.mail_subject;
  const details = [
    sender.email ? escapeHtml(sender.email) : '',
    `#${c.id}`,
    assignee ? `Assigned to ${escapeHtml(assignee.name)}` : 'Unassigned',
    c.status === 'snoozed'
      ? c.snoozed_until
        ? `Snoozed until ${escapeHtml(formatTime(c.snoozed_until))}`
        : 'Snoozed until next reply'
      : '',
  ].filter(Boolean);
  const actions = [];
  if (c.status !== 'resolved') actions.push('<button type="button" class="btn btn-primary" data-action="resolved" data-testid="resolve-button">Resolve</button>');
  if (c.status !== 'open') actions.push('<button type="button" class="btn" data-action="open" data-testid="reopen-button">Reopen</button>');
  if (c.status === 'open' || c.status === 'pending') actions.push('<button type="button" class="btn" data-action="snoozed" data-testid="snooze-button">Snooze 1 day</button>');
  return (
    `<div class="conv-header" data-testid="conversation-header" data-conversation-id="${c.id}">` +
    `<span class="avatar avatar-lg" aria-hidden="true">${escapeHtml(initials(sender.name))}</span>` +
    '<div class="conv-header-text">' +
    '<div class="conv-header-title">' +
    `<h1 data-testid="customer-name">${escapeHtml(sender.name || 'Unknown contact')}</h1>` +
    `<span class="badge badge-${escapeHtml(c.status)}" data-testid="conversation-status" data-status="${escapeHtml(c.status)}">${escapeHtml(statusLabel(c.status))}</span>` +
    '</div>' +
    (company ? `<div class="company" data-testid="customer-company">${escapeHtml(company)}</div>` : '') +
    (subject ? `<div class="subject" data-testid="conversation-subject">${escapeHtml(subject)}</div>` : '') +
    `<div class="details">${details.join(' · ')}</div>` +
    `<div class="actions">${actions.join('')}</div>` +
    '</div></div>'
  );
}

/** @param {any} m message */
function renderMessage(m) {
  const time = `<time datetime="${new Date(m.created_at * 1000).toISOString()}">${escapeHtml(formatTime(m.created_at))}</time>`;
  if (m.message_type === 2) {
    return `<div class="msg msg-activity" data-testid="activity-message" data-message-id="${m.id}">${escapeHtml(m.content)} · ${time}</div>`;
  }
  const who = (m.sender && m.sender.name) || (m.message_type === 0 ? 'Customer' : 'Agent');
  if (m.private) {
    return (
      `<div class="msg msg-note" data-testid="private-note" data-message-id="${m.id}" data-message-type="${m.message_type}">` +
      `<div class="msg-meta"><strong>Private note</strong> · ${escapeHtml(who)} · ${time}</div>` +
      `<div class="msg-body">${escapeHtml(m.content)}</div></div>`
    );
  }
  const dir = m.message_type === 0 ? 'incoming' : 'outgoing';
  return (
    `<div class="msg msg-${dir}" data-testid="message" data-message-id="${m.id}" data-message-type="${m.message_type}">` +
    `<div class="msg-bubble"><div class="msg-body">${escapeHtml(m.content)}</div>` +
    `<div class="msg-meta">${escapeHtml(who)} · ${time}</div></div></div>`
  );
}

/** @param {any} c conversation (show endpoint shape) */
function renderThread(c) {
  const messages = (c.messages || []).slice().sort((/** @type {any} */ a, /** @type {any} */ b) => a.created_at - b.created_at || a.id - b.id);
  if (!messages.length) return '<p class="empty">No messages yet.</p>';
  return `<div class="thread-inner" data-testid="message-list">${messages.map(renderMessage).join('')}</div>`;
}

/** @param {number | null} id */
function renderPlaceholder(id) {
  if (id == null) {
    return '<div class="placeholder" data-testid="no-conversation-selected"><h2>Select a conversation</h2><p>Pick a conversation from the list to read it.</p></div>';
  }
  return `<div class="placeholder" data-testid="conversation-not-found"><h2>Conversation #${escapeHtml(id)} not found</h2><p>It may have been deleted, or it belongs to another account.</p></div>`;
}

/** @param {number | null} id @param {boolean} notFound */
function pageTitle(id, notFound) {
  if (id == null) return 'Inbox · Sandbox Helpdesk';
  return notFound ? 'Not found · Sandbox Helpdesk' : `Conversation #${id} · Sandbox Helpdesk`;
}

const SHARED_RENDERERS = [
  escapeHtml,
  statusLabel,
  formatTime,
  initials,
  renderListItems,
  renderConversationHeader,
  renderMessage,
  renderThread,
  renderPlaceholder,
  pageTitle,
];

/**
 * Browser-side app. Shipped via Function#toString; runs in the page.
 * @param {{ accountId: number, token: string, pollMs: number, clientHeader: string }} cfg
 */
function clientMain(cfg) {
  /* eslint-disable no-undef */
  const dataEl = /** @type {HTMLElement} */ (document.getElementById('sandbox-initial-data'));
  const initial = JSON.parse(dataEl.textContent || '{}');
  /** @type {any[]} */
  let list = initial.list || [];
  /** @type {any} */
  let conv = initial.conversation || null;
  /** @type {number | null} */
  let currentId = initial.conversationId ?? null;
  let notFound = !!initial.notFound;
  let navSeq = 0;
  let listSig = '';
  let mainSig = '';
  let renderedId = /** @type {number | null | undefined} */ (undefined);
  let polling = false;

  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const $list = $('conversation-list');
  const $header = $('conversation-header');
  const $thread = $('thread');
  const $composer = /** @type {HTMLFormElement} */ ($('composer'));
  const $input = /** @type {HTMLTextAreaElement} */ ($('composer-input'));
  const $banner = $('banner');
  const $main = $('main');

  /** @param {string} path @param {{ method?: string, body?: unknown }} [opts] */
  async function api(path, opts = {}) {
    const res = await fetch(`/api/v1/accounts/${cfg.accountId}${path}`, {
      method: opts.method || 'GET',
      headers: { api_access_token: cfg.token, 'content-type': 'application/json', [cfg.clientHeader]: 'app' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(data.error || `HTTP ${res.status}`), { status: res.status });
    return data;
  }

  /** @param {string} text */
  function showBanner(text) {
    $banner.textContent = text;
    $banner.hidden = !text;
  }

  function renderList() {
    const sig = JSON.stringify([list, currentId]);
    if (sig === listSig) return;
    listSig = sig;
    $list.innerHTML = renderListItems(list, currentId, cfg.accountId);
  }

  function renderMain() {
    const sig = JSON.stringify([currentId, notFound, conv]);
    if (sig === mainSig) return;
    mainSig = sig;
    document.title = pageTitle(currentId, notFound);
    $main.dataset.conversationId = currentId == null ? '' : String(currentId);
    const switched = renderedId !== currentId;
    renderedId = currentId;
    if (currentId == null || notFound) {
      $header.innerHTML = '';
      $thread.innerHTML = renderPlaceholder(notFound ? currentId : null);
      $composer.hidden = true;
      $main.removeAttribute('aria-busy');
      return;
    }
    if (!conv || conv.id !== currentId) {
      $main.setAttribute('aria-busy', 'true');
      $header.innerHTML = '';
      $thread.innerHTML = '<p class="empty">Loading…</p>';
      $composer.hidden = true;
      return;
    }
    $main.removeAttribute('aria-busy');
    const nearBottom = $thread.scrollHeight - $thread.scrollTop - $thread.clientHeight < 60;
    $header.innerHTML = renderConversationHeader(conv);
    $thread.innerHTML = renderThread(conv);
    $composer.hidden = false;
    if (switched || nearBottom) $thread.scrollTop = $thread.scrollHeight;
  }

  /** @param {string} pathname */
  function parseRoute(pathname) {
    const m = /^\/app\/accounts\/(\d+)\/conversations(?:\/(\d+))?\/?$/.exec(pathname);
    return m ? { accountId: Number(m[1]), id: m[2] ? Number(m[2]) : null } : null;
  }

  async function loadConversation() {
    const id = currentId;
    const seq = navSeq;
    if (id == null) return;
    try {
      const data = await api(`/conversations/${id}`);
      if (seq !== navSeq) return;
      conv = data;
      notFound = false;
      showBanner('');
    } catch (err) {
      if (seq !== navSeq) return;
      if (/** @type {any} */ (err).status === 404) {
        conv = null;
        notFound = true;
      } else {
        showBanner(`Could not load conversation: ${/** @type {Error} */ (err).message}. Retrying…`);
      }
    }
    renderMain();
  }

  async function loadList() {
    try {
      const data = await api('/conversations?status=all');
      list = data.data.payload;
      renderList();
    } catch (err) {
      showBanner(`Could not load conversations: ${/** @type {Error} */ (err).message}. Retrying…`);
    }
  }

  /** @param {string} path @param {boolean} push */
  function navigate(path, push) {
    const route = parseRoute(path);
    if (!route || route.accountId !== cfg.accountId) {
      window.location.assign(path);
      return;
    }
    if (push) {
      if (path === window.location.pathname) return;
      history.pushState({ conversationId: route.id }, '', path);
    }
    navSeq += 1;
    currentId = route.id;
    notFound = false;
    if (!conv || conv.id !== currentId) conv = null;
    renderList();
    renderMain();
    loadConversation();
  }

  document.addEventListener('click', (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const link = target.closest('a[data-nav]');
    if (link instanceof HTMLAnchorElement) {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(link.pathname, true);
      return;
    }
    const button = target.closest('button[data-action]');
    if (button instanceof HTMLButtonElement && currentId != null) {
      const status = button.dataset.action;
      /** @type {Record<string, unknown>} */
      const body = { status };
      if (status === 'snoozed') body.snoozed_until = Math.floor(Date.now() / 1000) + 24 * 60 * 60;
      button.disabled = true;
      api(`/conversations/${currentId}/toggle_status`, { method: 'POST', body })
        .then(() => Promise.all([loadConversation(), loadList()]))
        .catch((err) => showBanner(`Could not change status: ${err.message}`))
        .finally(() => {
          button.disabled = false;
        });
    }
  });

  $composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const submitter = /** @type {SubmitEvent} */ (event).submitter;
    const isNote = !!(submitter && submitter.getAttribute('data-kind') === 'note');
    const content = $input.value;
    if (!content.trim() || currentId == null) return;
    const buttons = $composer.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    api(`/conversations/${currentId}/messages`, {
      method: 'POST',
      body: { content, message_type: 'outgoing', private: isNote },
    })
      .then(() => {
        $input.value = '';
        return Promise.all([loadConversation(), loadList()]);
      })
      .catch((err) => showBanner(`Could not send: ${err.message}`))
      .finally(() => buttons.forEach((b) => (b.disabled = false)));
  });

  window.addEventListener('popstate', () => navigate(window.location.pathname, false));

  setInterval(async () => {
    if (polling || document.hidden) return;
    polling = true;
    try {
      await Promise.all([loadList(), loadConversation()]);
    } finally {
      polling = false;
    }
  }, cfg.pollMs);

  renderList();
  renderMain();
  /** @type {any} */ (window).__sandboxReady = true;
}

const PAGE_CSS = `
*{box-sizing:border-box}
html,body{height:100%}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2937;background:#f4f5f7;display:flex;flex-direction:column}
a{color:inherit;text-decoration:none}
.topbar{flex:none;height:48px;display:flex;align-items:center;gap:16px;padding:0 20px;background:#1e293b;color:#f8fafc}
.brand{font-weight:600;font-size:15px;display:flex;align-items:center;gap:8px}
.brand-mark{display:inline-grid;place-items:center;width:24px;height:24px;border-radius:6px;background:#3b82f6;font-size:13px}
.topbar .account{color:#94a3b8;font-size:13px}
.layout{flex:1;display:flex;min-height:0}
.sidebar{flex:none;width:340px;display:flex;flex-direction:column;background:#fff;border-right:1px solid #e2e8f0}
.sidebar-head{padding:14px 16px;font-weight:600;border-bottom:1px solid #e2e8f0}
.conv-list{flex:1;overflow-y:auto}
.conv-item{position:relative;display:flex;gap:10px;padding:12px 16px;border-bottom:1px solid #f1f5f9;border-left:3px solid transparent}
.conv-item:hover{background:#f8fafc}
.conv-item.is-current{background:#eff6ff;border-left-color:#3b82f6}
.conv-item-body{flex:1;min-width:0;display:flex;flex-direction:column;gap:2px}
.conv-item-top,.conv-item-mid{display:flex;align-items:center;justify-content:space-between;gap:8px}
.conv-item-name{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.conv-item-time{flex:none;color:#64748b;font-size:12px}
.conv-item-company{color:#475569;font-size:13px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.conv-item-snippet{color:#64748b;font-size:13px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding-right:24px}
.unread{position:absolute;right:16px;bottom:12px;min-width:18px;height:18px;padding:0 5px;border-radius:9px;background:#3b82f6;color:#fff;font-size:11px;font-weight:600;display:grid;place-items:center}
.avatar{flex:none;display:inline-grid;place-items:center;width:32px;height:32px;border-radius:50%;background:#e0e7ff;color:#3730a3;font-size:12px;font-weight:600}
.avatar-lg{width:44px;height:44px;font-size:15px}
.badge{flex:none;display:inline-block;padding:1px 8px;border-radius:999px;font-size:11px;font-weight:600;letter-spacing:.02em;border:1px solid transparent}
.badge-open{background:#dcfce7;color:#166534;border-color:#bbf7d0}
.badge-pending{background:#fef3c7;color:#92400e;border-color:#fde68a}
.badge-snoozed{background:#ede9fe;color:#5b21b6;border-color:#ddd6fe}
.badge-resolved{background:#e2e8f0;color:#334155;border-color:#cbd5e1}
.main{flex:1;min-width:0;display:flex;flex-direction:column}
.banner{flex:none;padding:8px 24px;background:#fef2f2;color:#991b1b;border-bottom:1px solid #fecaca;font-size:13px}
#conversation-header{flex:none}
.conv-header{display:flex;gap:14px;padding:16px 24px;background:#fff;border-bottom:1px solid #e2e8f0}
.conv-header-text{min-width:0;max-width:720px}
.conv-header-title{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
.conv-header h1{margin:0;font-size:18px;line-height:1.3}
.company{color:#475569;font-weight:500}
.subject{margin-top:2px;font-weight:500}
.details{margin-top:2px;color:#64748b;font-size:13px}
.actions{display:flex;gap:8px;margin-top:10px;flex-wrap:wrap}
.btn{font:inherit;font-size:13px;padding:5px 12px;border-radius:6px;border:1px solid #cbd5e1;background:#fff;color:#1f2937;cursor:pointer}
.btn:hover{background:#f1f5f9}
.btn:disabled{opacity:.6;cursor:default}
.btn-primary{background:#2563eb;border-color:#2563eb;color:#fff}
.btn-primary:hover{background:#1d4ed8}
.btn-note{background:#fef9c3;border-color:#facc15;color:#713f12}
.btn-note:hover{background:#fef08a}
.thread{flex:1;overflow-y:auto;padding:20px 24px}
.thread-inner{max-width:720px;display:flex;flex-direction:column;gap:12px}
.msg-bubble{max-width:78%;padding:10px 14px;border-radius:12px}
.msg-body{white-space:pre-wrap;overflow-wrap:anywhere}
.msg-meta{margin-top:4px;font-size:12px;color:#64748b}
.msg-incoming{display:flex;justify-content:flex-start}
.msg-incoming .msg-bubble{background:#fff;border:1px solid #e2e8f0;border-bottom-left-radius:4px}
.msg-outgoing{display:flex;justify-content:flex-end}
.msg-outgoing .msg-bubble{background:#dbeafe;border:1px solid #bfdbfe;border-bottom-right-radius:4px}
.msg-note{align-self:flex-end;max-width:78%;padding:10px 14px;border-radius:10px;background:#fef9c3;border:1px solid #fde047}
.msg-note .msg-meta{margin:0 0 4px;color:#854d0e}
.msg-activity{align-self:center;max-width:90%;text-align:center;font-size:12px;color:#64748b;padding:2px 10px;background:#eef1f5;border-radius:999px}
.composer{flex:none;padding:12px 24px 16px;background:#fff;border-top:1px solid #e2e8f0}
.composer textarea{display:block;width:100%;max-width:720px;min-height:64px;resize:vertical;font:inherit;padding:8px 10px;border:1px solid #cbd5e1;border-radius:8px}
.composer-actions{display:flex;gap:8px;margin-top:8px}
.placeholder{margin:80px auto 0;max-width:420px;text-align:center;color:#64748b}
.placeholder h2{color:#334155;font-size:17px;margin:0 0 6px}
.empty{color:#64748b;padding:16px}
[hidden]{display:none!important}
`;

/**
 * Serialises data for a <script type="application/json"> element.
 * @param {unknown} value
 */
function jsonForScript(value) {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * @param {SandboxState} state
 * @param {number} accountId
 * @param {number | null} conversationId
 */
function renderAppPage(state, accountId, conversationId) {
  const account = state.accounts.find((a) => a.id === accountId);
  const list = state.conversations
    .filter((c) => c.account_id === accountId)
    .sort((a, b) => b.last_activity_at - a.last_activity_at || b.id - a.id)
    .map((c) => conversationJson(state, c, { allMessages: false }));
  const found = conversationId == null ? undefined : state.conversations.find((c) => c.account_id === accountId && c.id === conversationId);
  const conversation = found ? conversationJson(state, found, { allMessages: true }) : null;
  const notFound = conversationId != null && !found;
  const initial = { list, conversation, conversationId, notFound };
  const cfg = { accountId, token: SANDBOX_TOKEN, pollMs: POLL_MS, clientHeader: APP_CLIENT_HEADER };

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(pageTitle(conversationId, notFound))}</title>
<style>${PAGE_CSS}</style>
</head>
<body data-account-id="${accountId}">
<header class="topbar">
  <a class="brand" href="/app/accounts/${accountId}/conversations" data-nav><span class="brand-mark" aria-hidden="true">S</span>Sandbox Helpdesk</a>
  <span class="account">${escapeHtml(account ? account.name : '')} · Account #${accountId}</span>
</header>
<div class="layout">
  <nav class="sidebar" aria-label="Conversations">
    <div class="sidebar-head">Conversations</div>
    <div id="conversation-list" class="conv-list" data-testid="conversation-list">${renderListItems(list, conversationId, accountId)}</div>
  </nav>
  <main id="main" class="main" data-testid="conversation-view" data-conversation-id="${conversationId ?? ''}">
    <div id="banner" class="banner" role="status" hidden></div>
    <section id="conversation-header">${conversation ? renderConversationHeader(conversation) : ''}</section>
    <section id="thread" class="thread" aria-label="Messages">${conversation ? renderThread(conversation) : renderPlaceholder(notFound ? conversationId : null)}</section>
    <form id="composer" class="composer"${conversation ? '' : ' hidden'}>
      <textarea id="composer-input" data-testid="composer-input" placeholder="Write a reply or a private note…" aria-label="Message"></textarea>
      <div class="composer-actions">
        <button type="submit" class="btn btn-primary" data-kind="reply" data-testid="send-reply">Send reply</button>
        <button type="submit" class="btn btn-note" data-kind="note" data-testid="add-note">Add private note</button>
      </div>
    </form>
  </main>
</div>
<script type="application/json" id="sandbox-initial-data">${jsonForScript(initial)}</script>
<script>
${SHARED_RENDERERS.map((fn) => fn.toString()).join('\n')}
(${clientMain.toString()})(${jsonForScript(cfg)});
</script>
</body>
</html>
`;
}

/** @param {string} message */
function renderErrorPage(message) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Sandbox Helpdesk</title><style>${PAGE_CSS}</style></head>
<body><div class="placeholder"><h2>${escapeHtml(message)}</h2><p><a href="/app/accounts/${SANDBOX_ACCOUNT_ID}/conversations" style="color:#2563eb">Go to the inbox</a></p></div></body></html>`;
}

/* ------------------------------------------------------------------------ */
/* Server                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * @typedef {object} SandboxHandle
 * @property {string} url    base URL, e.g. http://127.0.0.1:4517
 * @property {number} port
 * @property {SandboxState} state  live in-memory data (same object for the server's lifetime)
 * @property {() => void} reset     restore the seed, clear the request log, the failure and delay plans, drop held writes
 * @property {() => Promise<void>} close
 */

/**
 * Starts a sandbox helpdesk with its own fresh in-memory data.
 * @param {{ port?: number, host?: string, seed?: boolean }} [options]
 *   port 0 picks a free port; seed=false starts with no conversations.
 * @returns {Promise<SandboxHandle>}
 */
export async function startSandbox({ port = 0, host = '127.0.0.1', seed = true } = {}) {
  /** @returns {SandboxData} */
  const freshData = () => {
    const data = createSeed();
    if (!seed) {
      data.conversations = [];
      data.contacts = [];
    }
    return data;
  };
  /** @type {SandboxState} */
  const state = { ...freshData(), requests: [], requestSeq: 0, fail: null, delay: null };
  const reset = () => {
    dropHeldWrites(state);
    Object.assign(state, freshData(), { requests: [], requestSeq: 0, fail: null, delay: null });
  };

  const server = http.createServer((req, res) => {
    handleRequest(state, req, res, reset).catch((err) => {
      console.error('[sandbox] request failed:', err);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal sandbox error' });
      else res.destroy();
    });
  });
  server.on('clientError', (err, socket) => {
    const code = /** @type {{ code?: string }} */ (err).code;
    if (socket.writable && code !== 'ECONNRESET') {
      const status = code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });

  await new Promise((resolve, reject) => {
    const onError = (/** @type {Error} */ err) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(undefined);
    });
  });
  server.on('error', (err) => console.error('[sandbox] server error:', err));

  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  /** @type {Promise<void> | null} */
  let closing = null;

  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    state,
    reset,
    close() {
      closing ??= new Promise((resolve) => {
        dropHeldWrites(state);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * @param {SandboxState} state
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {() => void} reset
 */
async function handleRequest(state, req, res, reset) {
  const method = (req.method || 'GET').toUpperCase();
  const rawUrl = req.url || '/';
  const q = rawUrl.indexOf('?');
  let path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const search = q === -1 ? '' : rawUrl.slice(q + 1);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);

  if (method === 'OPTIONS') {
    res.writeHead(204, { ...CORS_HEADERS, 'content-length': '0' });
    res.end();
    return;
  }
  if (path.startsWith('/api/')) {
    await handleApi(state, req, res, path, search);
    return;
  }
  if (path.startsWith('/__sandbox/')) {
    try {
      await handleControl(state, req, res, path, reset);
    } catch (err) {
      if (err instanceof HttpError) sendJson(res, err.status, { error: err.message, ...err.extra });
      else throw err;
    }
    return;
  }

  const isRead = method === 'GET' || method === 'HEAD';
  if (isRead && (path === '/' || path === '/app' || path === `/app/accounts/${SANDBOX_ACCOUNT_ID}`)) {
    res.writeHead(302, { location: `/app/accounts/${SANDBOX_ACCOUNT_ID}/conversations`, 'content-length': '0' });
    res.end();
    return;
  }
  if (isRead && path === '/favicon.ico') {
    res.writeHead(204, { 'cache-control': 'max-age=86400' });
    res.end();
    return;
  }
  const page = /^\/app\/accounts\/(\d+)\/conversations(?:\/(\d+))?$/.exec(path);
  if (isRead && page) {
    const accountId = Number(page[1]);
    if (!state.accounts.some((a) => a.id === accountId)) {
      sendHtml(res, 404, renderErrorPage(`Account #${accountId} not found`));
      return;
    }
    sendHtml(res, 200, renderAppPage(state, accountId, page[2] ? Number(page[2]) : null));
    return;
  }
  sendJson(res, 404, { error: `Route not found: ${method} ${path}` });
}

/* ------------------------------------------------------------------------ */
/* CLI                                                                      */
/* ------------------------------------------------------------------------ */

const isMain = (() => {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
  } catch {
    return false;
  }
})();

if (isMain) {
  const envPort = process.env.SANDBOX_PORT;
  const port = envPort ? Number(envPort) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[sandbox] invalid SANDBOX_PORT: ${envPort}`);
    process.exit(1);
  }
  startSandbox({ port, host: process.env.SANDBOX_HOST || '127.0.0.1' }).then(
    (sandbox) => {
      console.log(`Sandbox helpdesk running: ${sandbox.url}/app/accounts/${SANDBOX_ACCOUNT_ID}/conversations`);
      console.log(`API: ${sandbox.url}/api/v1/accounts/${SANDBOX_ACCOUNT_ID}/…  (header api_access_token: ${SANDBOX_TOKEN})`);
      const stop = () => {
        sandbox.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err) => {
      console.error(`[sandbox] could not start on port ${port}: ${err && err.message ? err.message : err}`);
      process.exit(1);
    },
  );
}
