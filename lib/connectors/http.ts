/**
 * The HTTP handling every connector shares: one request with a timeout, no cookies and no
 * redirects (a token must never follow a redirect to another origin), and every way it can fail
 * mapped to a ConnectorError a person can act on: offline, unreachable (with whether the
 * request may have been sent), timeouts, 401/403/404/408/429/5xx with `Retry-After`, and an
 * answer that is not the helpdesk's API at all. Each connector adds only its helpdesk's words.
 */
import {
  browserIsOnline,
  ConnectorError,
  DEFAULT_TIMEOUT_MS,
  describeFetchFailure,
  formatDelay,
  parseRetryAfter,
  type CallOptions,
  type ConnectorOptions,
  type FetchLike,
} from './types';

/** Answers of a proxy that gave up waiting for the helpdesk, which may still apply the request. */
const GATEWAY_TIMEOUTS = new Set([504, 524]);

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpOptions extends ConnectorOptions {
  /** The helpdesk's product name, as messages say it. */
  name: string;
  /** The API's root URL: the connection's Base URL (and the API's fixed prefix, where it has one). */
  root: string;
  /** The headers that authenticate a request (sent to `root` only). May fetch a token first. */
  auth(): Record<string, string> | Promise<Record<string, string>>;
  /** What the admin should check when the helpdesk refuses the credentials (401). */
  credentialHint: string;
  /** What the Base URL should be, for answers that are not the API. */
  baseUrlHint: string;
  /** The helpdesk's own wording for a refusal, where it has a better one than the generic. */
  explain?(status: number, what: string): { kind: 'unauthorized' | 'not_found' | 'invalid'; message: string } | undefined;
  /** The helpdesk's words about an error, from its error body. */
  errorDetail?(body: string): string;
  /** Headers whose value is a delay or a time to retry at, in order of preference (after Retry-After). */
  retryAfterHeaders?: string[];
  /**
   * What a redirect means at this helpdesk, where it means something other than a wrong Base URL
   * (Front redirects a merged conversation to the one it was merged into).
   */
  explainRedirect?(what: string): { kind: 'not_found' | 'invalid'; message: string } | undefined;
}

export interface RequestOptions extends CallOptions {
  /** What is being read or written, for messages: "conversation 42". */
  what: string;
  /** A JSON body. */
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export interface HttpAnswer<T> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; null for an empty answer (204). */
  data: T | null;
}

export class HttpClient {
  readonly name: string;
  readonly root: string;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly isOnline: () => boolean;

  constructor(private readonly options: HttpOptions) {
    this.name = options.name;
    this.root = options.root.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.isOnline = options.isOnline ?? browserIsOnline;
  }

  /** A request whose answer must be JSON. */
  async json<T>(method: Method, path: string, opts: RequestOptions): Promise<T> {
    const answer = await this.request<T>(method, path, opts);
    if (answer.data === null) throw this.notApi(method !== 'GET', answer.status);
    return answer.data;
  }

  /** One request with a timeout, mapped to ConnectorErrors a person can act on. */
  async request<T>(method: Method, path: string, opts: RequestOptions): Promise<HttpAnswer<T>> {
    const write = method !== 'GET';
    const query = Object.entries(opts.query ?? {}).filter(([, v]) => v !== undefined);
    const url = `${this.root}${path}${query.length ? `?${new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString()}` : ''}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = opts.signal ? anySignal(timeout, opts.signal) : timeout;

    // Offline, a request cannot reach the helpdesk: fail as "not sent" instead of sending it
    // into a failure that, in a browser, could not be told apart from one that went out.
    if (!this.isOnline()) {
      throw new ConnectorError('unreachable', `This browser is offline, so ${this.name} at ${this.root} was not contacted. Backline tries again when it is back online.`);
    }
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.options.auth()), ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';

    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal,
        // The connection's credentials are the only ones; never send the browser's cookies.
        credentials: 'omit',
        cache: 'no-store',
        // A redirect to another origin must not carry the credentials along.
        redirect: 'manual',
      });
      text = await res.text();
    } catch (e) {
      if (opts.signal?.aborted && !timeout.aborted) throw opts.signal.reason ?? e;
      if (timeout.aborted || (e as Error)?.name === 'TimeoutError') {
        // No answer within the timeout: the helpdesk may still be working on it.
        throw new ConnectorError('timeout', `${this.name} did not answer within ${formatDelay(this.timeoutMs)} (${this.root}).`, {
          outcomeUnknown: write,
          mayApplyLater: write,
        });
      }
      const failure = describeFetchFailure(e);
      // A refused connection or a failed DNS look-up sent nothing; any other network failure
      // (a dropped connection, or any failure in a browser, which does not say which) may have
      // delivered the request, and the helpdesk may still be applying it.
      throw new ConnectorError(
        'unreachable',
        `Could not reach ${this.name} at ${this.root} (${failure.reason}). Check the connection's Base URL, the network, and that Backline has permission to access that site.`,
        { outcomeUnknown: write && !failure.neverSent, mayApplyLater: write && !failure.neverSent },
      );
    }

    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
      const own = this.options.explainRedirect?.(opts.what);
      if (own) throw new ConnectorError(own.kind, own.message, { status: res.status || null });
      throw new ConnectorError(
        'invalid',
        `${this.name} at ${this.root} redirected the request elsewhere. Use the address it redirects to (for example https:// instead of http://) as the connection's Base URL.`,
        { status: res.status || null },
      );
    }
    if (res.ok) {
      if (!text.trim()) return { status: res.status, headers: res.headers, data: null };
      try {
        return { status: res.status, headers: res.headers, data: JSON.parse(text) as T };
      } catch {
        throw this.notApi(write, res.status);
      }
    }
    throw this.failure(res, text, opts.what, write);
  }

  /** The error for an answer that is not the helpdesk's API (an HTML page, another service). */
  notApi(outcomeUnknown = false, status: number | null = null): ConnectorError {
    return new ConnectorError('invalid', `The answer from ${this.root} is not ${this.name}'s API. Check the connection's Base URL (${this.options.baseUrlHint}).`, {
      status,
      outcomeUnknown,
    });
  }

  private failure(res: Response, text: string, what: string, write: boolean): ConnectorError {
    const status = res.status;
    const detail = (this.options.errorDetail ?? jsonErrorDetail)(text);
    const own = this.options.explain?.(status, what);
    if (own) return new ConnectorError(own.kind, own.message, { status });
    if (status === 401) {
      return new ConnectorError('unauthorized', `${this.name} refused the credentials (401). ${this.options.credentialHint}`, { status });
    }
    if (status === 403) {
      return new ConnectorError('unauthorized', `${this.name} did not allow these credentials to access ${what} (403)${detail ? `: ${detail}` : ''}.`, { status });
    }
    if (status === 404) {
      return new ConnectorError('not_found', `${this.name} has no ${what} at ${this.root} (404). It may have been deleted, or the connection points at the wrong account.`, { status });
    }
    if (status === 429) {
      const retryAfterMs = [res.headers.get('retry-after'), ...(this.options.retryAfterHeaders ?? []).map((h) => res.headers.get(h))]
        .map((v) => parseRetryAfter(v))
        .find((v) => v !== null) ?? null;
      return new ConnectorError(
        'rate_limited',
        `${this.name} is limiting how fast Backline may call it (429)${retryAfterMs !== null ? `; it asked to wait ${formatDelay(retryAfterMs)}` : ''}.`,
        { status, retryAfterMs },
      );
    }
    if (status >= 500) {
      return new ConnectorError('server', `${this.name} had a server error (HTTP ${status})${detail ? `: ${detail}` : ''}.`, {
        status,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
        outcomeUnknown: write,
        // A gateway that stopped waiting (504, Cloudflare's 524) answered for a helpdesk that
        // may still be working on the request; any other 5xx is the helpdesk's own final answer.
        mayApplyLater: write && GATEWAY_TIMEOUTS.has(status),
      });
    }
    if (status === 408) {
      return new ConnectorError('timeout', `${this.name} timed out handling the request (408).`, { status, outcomeUnknown: write });
    }
    return new ConnectorError('invalid', `${this.name} refused the request (HTTP ${status})${detail ? `: ${detail}` : ''}.`, { status });
  }
}

/**
 * An HTTP Basic `Authorization` header (RFC 7617, UTF-8): Zendesk's `email/token:api_token`,
 * Freshdesk's `api_key:X`, Gorgias' `email:api_key`.
 */
export function basicAuth(user: string, password: string): Record<string, string> {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return { authorization: `Basic ${btoa(binary)}` };
}

/** The helpdesk's own words about an error in the usual JSON shapes, short enough for a status line. */
export function jsonErrorDetail(text: string): string {
  let msg = '';
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown; errors?: unknown; description?: unknown };
    if (typeof j.message === 'string') msg = j.message;
    else if (typeof j.error === 'string') msg = j.error;
    else if (typeof j.description === 'string') msg = j.description;
    else if (Array.isArray(j.errors)) msg = j.errors.map((e) => (typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e))).join('; ');
  } catch {
    /* not JSON: an HTML error page says nothing useful */
  }
  return msg.length > 200 ? `${msg.slice(0, 200)}…` : msg;
}

/** AbortSignal.any, which Firefox only has from 124 (the manifest allows 115). */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const c = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}
