/**
 * What every helpdesk stand-in shares: a small Node http server that records each API request
 * (method, path, query, headers, JSON body, whether its credentials were accepted, the status it
 * got), and a test control under /__standin/ (no auth) that makes the next API requests fail the
 * way a real helpdesk can: an HTTP status with a body and headers (429 with Retry-After, 5xx,
 * an HTML page where JSON belongs), or no answer at all (for timeouts).
 *
 *   POST /__standin/fail  {count=1, status=500, body?, contentType?, headers?, match?, hang?}
 *     the next `count` API requests whose path contains `match` get that answer (or, with
 *     `hang: true`, none until the server closes) instead of being served. `count: 0` clears.
 *   POST /__standin/reset  back to the seed.
 *   GET  /__standin/state  the state as JSON.
 *
 * Each stand-in supplies its seed, its authentication check and its routes; plain ESM so that
 * vitest and the e2e harness load it without a build step. The body reading, failure plans,
 * unanswered requests and controls are kit.mjs's, the one stand-in kit.
 */
import http from 'node:http';
import { answerControl, heldAnswers, parseBody, readBody, takeFailPlan } from './kit.mjs';

/**
 * @param {{
 *   port?: number,
 *   seed: () => any,
 *   authorize: (req: http.IncomingMessage, url: URL) => boolean,
 *   unauthorized: (req: http.IncomingMessage) => { status: number, body: unknown, headers?: Record<string, string> },
 *   route: (ctx: { req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string, path: string, body: any, state: any, record: any, send: (status: number, body?: unknown, headers?: Record<string, string>) => void }) => boolean | void | Promise<boolean | void>,
 *   page?: (ctx: { req: http.IncomingMessage, res: http.ServerResponse, url: URL, state: any }) => boolean,
 *   isApi: (path: string) => boolean,
 * }} spec
 */
export async function serveStandin(spec) {
  let state = { ...spec.seed(), requests: [] };
  /** The fail plan: one at a time (a new one replaces it), kept as a list for takeFailPlan. */
  /** @type {{ count: number, status: number, body?: string, contentType?: string, headers?: Record<string, string>, match?: string, hang?: boolean }[]} */
  let failPlans = [];
  const held = heldAnswers();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const raw = await readBody(req);
    const send = (status, body, headers = {}) => {
      if (res.headersSent) return;
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }), ...headers });
      res.end(text);
    };

    if (path.startsWith('/__standin/')) {
      res.setHeader('access-control-allow-origin', '*');
      return answerControl(res, method, path, parseBody(raw).body, {
        'POST reset': () => {
          state = { ...spec.seed(), requests: [] };
          failPlans = [];
        },
        'POST fail': (p) => {
          failPlans = p.count === 0 ? [] : [{ count: p.count ?? 1, status: p.status ?? 500, body: p.body, contentType: p.contentType, headers: p.headers, match: p.match, hang: !!p.hang }];
        },
        'GET state': () => state,
      });
    }

    if (!spec.isApi(path)) {
      if (method === 'GET' && spec.page?.({ req, res, url, state })) return;
      return send(404, '<html><body>Not found</body></html>', { 'content-type': 'text/html' });
    }

    const { body } = parseBody(raw);
    const authorized = spec.authorize(req, url);
    const record = { method, path, query: Object.fromEntries(url.searchParams), headers: { ...req.headers }, body, authorized, status: 0, injected: false };
    state.requests.push(record);

    const failPlan = takeFailPlan(failPlans, path);
    if (failPlan) {
      record.injected = true;
      if (failPlan.hang) return held.hold(res);
      record.status = failPlan.status;
      res.writeHead(failPlan.status, { 'content-type': failPlan.contentType ?? 'application/json', ...(failPlan.headers ?? {}) });
      res.end(failPlan.body ?? JSON.stringify({ message: `Injected failure ${failPlan.status}` }));
      return;
    }
    if (!authorized) {
      const r = spec.unauthorized(req);
      record.status = r.status;
      return send(r.status, r.body, r.headers);
    }
    const wrapped = (status, b, headers) => {
      record.status = status;
      send(status, b, headers);
    };
    try {
      const handled = await spec.route({ req, res, url, method, path, body, state, record, send: wrapped });
      if (!handled && !res.headersSent) wrapped(404, { error: `No route ${method} ${path}` });
    } catch (e) {
      wrapped(500, { error: String(e) });
    }
  });

  await new Promise((resolve) => server.listen(spec.port ?? 0, '127.0.0.1', resolve));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    get state() {
      return state;
    },
    reset() {
      state = { ...spec.seed(), requests: [] };
      failPlans = [];
    },
    /** Makes the next API requests fail (see /__standin/fail). */
    fail(plan) {
      failPlans = plan.count === 0 ? [] : [{ count: plan.count ?? 1, status: plan.status ?? 500, ...plan }];
    },
    async close() {
      held.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** Escapes text for the stand-ins' minimal agent pages. */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** A minimal agent page: a heading, the status, and the messages (notes marked as such). */
export function agentPage(title, status, messages) {
  const items = messages
    .map((m) => `<li data-testid="${m.note ? 'internal-note' : 'message'}">${esc(m.author)}: ${esc(m.text)}</li>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><main><h1>${esc(title)}</h1><p data-testid="status" data-status="${esc(status)}">${esc(status)}</p><ul>${items}</ul></main></body></html>`;
}
