// @ts-check
/**
 * The one kit every helpdesk stand-in is built on: a small Node http server with routes, an auth
 * check, a request log, fail injection and the test controls (serveStandin, below); and the
 * pieces of it that the stand-ins with a server of their own (standin-server.mjs's
 * callback-routed server, front.mjs, helpscout.mjs) use too: reading a body, failure plans,
 * unanswered requests and the /__standin/ controls. Each stand-in (zendesk.mjs, …) adds its
 * helpdesk's paths, bodies and error shapes, as its API description documents them.
 *
 * Test controls (no auth), on every stand-in:
 *   POST   /__standin/fail   {count=1, status=500, match?, retryAfter?, body?, hang?}  the next `count`
 *          API requests whose path contains `match` are answered with `status` (and a Retry-After
 *          header of `retryAfter` seconds when given), or not at all with `hang`, and change
 *          nothing. Plans add up (each request meets the first that fits); `count: 0` drops them all.
 *   POST   /__standin/drop   {count=1, match?}  the next `count` matching requests are applied,
 *          then the connection is dropped without an answer (a write whose outcome is unknown).
 *   POST   /__standin/ratelimit {max, windowMs}  from then on at most `max` API requests per
 *          window of `windowMs` (fixed windows, as helpdesks count them); the rest are answered 429
 *          with Retry-After (whole seconds until the window ends) and change nothing. `max: 0` ends it.
 *   GET    /__standin/state  the in-memory state as JSON.
 *   DELETE /__standin/requests  clears the request log.
 */
import http from 'node:http';

/**
 * @typedef {object} LoggedRequest
 * @property {number} seq
 * @property {string} method
 * @property {string} path
 * @property {string} query
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {unknown} body        parsed JSON, the raw text if it was not JSON, null if empty
 * @property {boolean} authorized
 * @property {number} status
 * @property {boolean} injected
 */

/**
 * @typedef {object} Ctx
 * @property {string} method
 * @property {string} path
 * @property {URLSearchParams} query
 * @property {Record<string, string>} params
 * @property {any} body
 * @property {boolean} invalidJson
 * @property {http.IncomingHttpHeaders} headers
 */

/** @typedef {{ status: number, body?: unknown, headers?: Record<string, string>, html?: string }} Answer */
/** @typedef {[string, RegExp, (ctx: Ctx) => Answer]} Route */

/**
 * @param {object} def
 * @param {any} def.state                              the stand-in's live state (requests etc. are added)
 * @param {Route[]} def.routes                         API routes; named groups become params
 * @param {(headers: http.IncomingHttpHeaders) => Answer | null} def.authorize  null when allowed
 * @param {(status: number) => unknown} def.errorBody  the helpdesk's error body for a status
 * @param {Route[]} [def.pages]                        agent pages (no auth)
 * @param {number} [def.port]
 */
export async function serveStandin({ state, routes, authorize, errorBody, pages = [], port = 0 }) {
  state.requests = [];
  /** Failure plans, each used up in turn; a request meets the first whose `match` fits it. */
  state.fail = [];
  state.drop = null;
  state.rateLimit = null;
  let seq = 0;

  /** @param {http.ServerResponse} res @param {Answer} a */
  const send = (res, a) => {
    if (a.html !== undefined) {
      res.writeHead(a.status, { 'content-type': 'text/html; charset=utf-8', ...(a.headers ?? {}) });
      res.end(a.html);
      return;
    }
    const text = a.body === undefined ? '' : JSON.stringify(a.body);
    res.writeHead(a.status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...(a.headers ?? {}) });
    res.end(text);
  };

  const held = heldAnswers();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const method = req.method ?? 'GET';
    const { body, invalidJson } = parseBody(await readBody(req));

    if (url.pathname.startsWith('/__standin/')) {
      return answerControl(res, method, url.pathname, body, {
        'POST fail': (b) => {
          if ((b.count ?? 1) === 0) state.fail = [];
          else state.fail.push({ remaining: b.count ?? 1, status: b.status ?? 500, match: b.match ?? null, retryAfter: b.retryAfter ?? null, body: b.body, hang: !!b.hang });
        },
        'POST drop': (b) => {
          state.drop = { remaining: b.count ?? 1, match: b.match ?? null };
        },
        'POST ratelimit': (b) => {
          state.rateLimit = b.max ? { max: b.max, windowMs: b.windowMs ?? 60_000, windowStart: Date.now(), used: 0, refused: 0 } : null;
        },
        'GET state': () => state,
        'DELETE requests': () => {
          state.requests.length = 0;
        },
      });
    }

    /** @param {Route[]} list */
    const find = (list) => {
      for (const [m, re, handler] of list) {
        if (m !== method) continue;
        const hit = re.exec(url.pathname);
        if (hit) return { handler, params: /** @type {Record<string, string>} */ ({ ...(hit.groups ?? {}) }) };
      }
      return null;
    };
    const ctx = (/** @type {Record<string, string>} */ params) => ({ method, path: url.pathname, query: url.searchParams, params, body, invalidJson, headers: req.headers });

    const page = find(pages);
    if (page) return send(res, page.handler(ctx(page.params)));

    /** @type {LoggedRequest} */
    const entry = { seq: ++seq, method, path: url.pathname, query: url.search.replace(/^\?/, ''), headers: { ...req.headers }, body, authorized: false, status: 0, injected: false };
    state.requests.push(entry);

    const fail = takeFailPlan(state.fail, url.pathname, 'remaining');
    if (fail) {
      entry.injected = true;
      if (fail.hang) return held.hold(res);
      entry.status = fail.status;
      const headers = fail.retryAfter !== null && fail.retryAfter !== undefined ? { 'retry-after': String(fail.retryAfter) } : undefined;
      return send(res, { status: fail.status, body: fail.body ?? errorBody(fail.status), headers });
    }
    const limit = state.rateLimit;
    if (limit) {
      const now = Date.now();
      if (now - limit.windowStart >= limit.windowMs) {
        limit.windowStart = now;
        limit.used = 0;
      }
      if (++limit.used > limit.max) {
        limit.refused++;
        entry.status = 429;
        const wait = Math.max(1, Math.ceil((limit.windowStart + limit.windowMs - now) / 1000));
        return send(res, { status: 429, body: errorBody(429), headers: { 'retry-after': String(wait) } });
      }
    }
    const denied = authorize(req.headers);
    if (denied) {
      entry.status = denied.status;
      return send(res, denied);
    }
    entry.authorized = true;
    const route = find(routes);
    const answer = route ? route.handler(ctx(route.params)) : { status: 404, body: errorBody(404) };
    entry.status = answer.status;
    const drop = state.drop;
    if (drop && drop.remaining > 0 && (!drop.match || url.pathname.includes(drop.match))) {
      drop.remaining--;
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    send(res, answer);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    async close() {
      held.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** A request's body text. @param {http.IncomingMessage} req @returns {Promise<string>} */
export function readBody(req) {
  return new Promise((resolve) => {
    const chunks = /** @type {Buffer[]} */ ([]);
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * A request body as the stand-ins log and read it: parsed JSON, the raw text when it is not JSON
 * (`invalidJson`), null when empty; with `form`, a form-encoded body as an object.
 * @param {string} raw @param {{ contentType?: string, form?: boolean }} [opts]
 * @returns {{ body: any, invalidJson: boolean }}
 */
export function parseBody(raw, { contentType = '', form = false } = {}) {
  if (!raw) return { body: null, invalidJson: false };
  if (form && contentType.includes('application/x-www-form-urlencoded')) return { body: Object.fromEntries(new URLSearchParams(raw)), invalidJson: false };
  try {
    return { body: JSON.parse(raw), invalidJson: false };
  } catch {
    return { body: raw, invalidJson: true };
  }
}

/**
 * The failure plan (of /__standin/fail) a request to `path` meets: the first with requests left
 * (`key`: the field that counts them) whose `match` is part of the path, used up by one.
 * @template {{ match?: string | null }} P
 * @param {P[]} plans @param {string} path @param {string} [key]
 * @returns {P | null}
 */
export function takeFailPlan(plans, path, key = 'count') {
  const plan = plans.find((p) => /** @type {any} */ (p)[key] > 0 && (!p.match || path.includes(p.match)));
  if (plan) /** @type {any} */ (plan)[key]--;
  return plan ?? null;
}

/** Answers held back on purpose (a plan's `hang`): dropped when the stand-in resets or closes. */
export function heldAnswers() {
  const held = new Set();
  return {
    /** @param {http.ServerResponse} res */
    hold(res) {
      held.add(res);
    },
    release() {
      for (const res of held) res.destroy();
      held.clear();
    },
  };
}

/**
 * Answers a test-control request (/__standin/<name>) from `controls`, keyed `METHOD name`: a
 * control's return value is sent as JSON (`{ok: true}` when it returns nothing); an unknown
 * control is answered 404.
 * @param {http.ServerResponse} res @param {string} method @param {string} path @param {any} body
 * @param {Record<string, (body: any) => unknown>} controls
 */
export function answerControl(res, method, path, body, controls) {
  const control = controls[`${method} ${path.slice('/__standin/'.length)}`];
  const [status, value] = control ? [200, control(body && typeof body === 'object' ? body : {}) ?? { ok: true }] : [404, { error: 'no such control' }];
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

/** Escapes text for the stand-ins' agent pages. @param {unknown} s */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A minimal agent page: a title, a status and a list of messages (notes marked). */
export function agentPage(/** @type {{ title: string, status: string, messages: { text: string, note: boolean, author: string }[] }} */ p) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title></head><body><main>
<h1>${esc(p.title)}</h1><p>Status: <span data-testid="conversation-status" data-status="${esc(p.status)}">${esc(p.status)}</span></p>
<ol>${p.messages.map((m) => `<li data-testid="${m.note ? 'private-note' : 'message'}"><b>${esc(m.author)}</b>: ${esc(m.text)}</li>`).join('')}</ol>
</main></body></html>`;
}

/** Now in unix seconds. */
export const nowS = () => Math.floor(Date.now() / 1000);
