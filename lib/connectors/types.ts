/**
 * The one interface every helpdesk connector implements, and the errors they throw.
 *
 * Connectors run only in the background service worker: they hold the API token, which must
 * never reach a content script or a host page.
 */
import type { ConversationStatus } from '../model/helpdesk';
import { BacklineError, type ErrorCode } from '../model/errors';
import type { HelpdeskId } from '../model/helpdesk';
import type { PreviewMessage } from '../model/views';

/** Default time a single helpdesk request may take, including reading the answer. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What a connector needs besides the connection itself; all optional. */
export interface ConnectorOptions {
  /** Injected for tests and for the background (which passes the global fetch). */
  fetch?: FetchLike;
  timeoutMs?: number;
  /**
   * Whether the browser believes it is online (default: `navigator.onLine`, true where there is
   * none). While it says offline, no request is sent: the call fails as "not sent".
   */
  isOnline?: () => boolean;
}

/** A conversation as the helpdesk reports it, for the preview and the Links status. */
export interface ConversationSnapshot {
  status: ConversationStatus;
  /** Epoch ms, or null when not snoozed or snoozed until the next reply. */
  snoozedUntil: number | null;
  customerName: string;
  customerEmail: string;
  company: string;
  /** Subject line where the helpdesk has one (email), else ''. */
  title: string;
  /** Oldest first. */
  messages: PreviewMessage[];
}

export interface StatusSnapshot {
  status: ConversationStatus;
  snoozedUntil: number | null;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call early (the timeout still applies). */
  signal?: AbortSignal;
}

export interface Connector {
  readonly helpdesk: HelpdeskId;
  /** Status, customer and the latest messages, notes and events (up to `limit`, default 50). */
  readConversation(conversationId: string, opts?: CallOptions & { limit?: number }): Promise<ConversationSnapshot>;
  readStatus(conversationId: string, opts?: CallOptions): Promise<StatusSnapshot>;
  /**
   * Posts an internal note (never a customer-visible reply). `idempotencyKey` is embedded in the
   * note so that `findNote` can tell later whether an attempt with an unknown outcome landed.
   */
  postInternalNote(
    conversationId: string,
    text: string,
    opts: CallOptions & { idempotencyKey: string },
  ): Promise<{ messageId: string }>;
  /** Looks for a note posted with `idempotencyKey` no earlier than `since` (epoch ms). */
  findNote(
    conversationId: string,
    idempotencyKey: string,
    opts: CallOptions & { since: number },
  ): Promise<{ messageId: string } | null>;
  /** Reopens a resolved, pending or snoozed conversation (which also unsnoozes it). */
  reopen(conversationId: string, opts?: CallOptions): Promise<StatusSnapshot>;
  /** Unsnoozes a conversation: the same request as reopen for helpdesks where they coincide. */
  unsnooze(conversationId: string, opts?: CallOptions): Promise<StatusSnapshot>;
  /**
   * Sets a conversation back to a status it had (Undo of a reopen): snoozed until the same time,
   * resolved, pending. Absent where the connector cannot (the status is then left as it is).
   */
  restoreStatus?(conversationId: string, to: StatusSnapshot, opts?: CallOptions): Promise<StatusSnapshot>;
  /** Checks the credentials and the account; resolves with a line for the admin to read. */
  verify(opts?: CallOptions): Promise<string>;
  /**
   * The account the helpdesk's API names for these credentials, for helpdesks whose descriptor
   * says `account: { from: 'api' }` (Intercom's workspace `id_code`): it decides which pages the
   * connection serves, so it is read when the connection is checked or saved.
   */
  apiAccount?(opts?: CallOptions): Promise<string>;
}

export type ConnectorErrorKind = 'unauthorized' | 'not_found' | 'rate_limited' | 'unreachable' | 'timeout' | 'invalid' | 'server';

const WIRE_CODE: Record<ConnectorErrorKind, ErrorCode> = {
  unauthorized: 'unauthorized',
  not_found: 'not_found',
  rate_limited: 'rate_limited',
  unreachable: 'unreachable',
  timeout: 'timeout',
  invalid: 'invalid',
  server: 'helpdesk',
};

/**
 * A helpdesk call that did not succeed. `permanent` errors will not heal by retrying
 * (a refused token, a deleted conversation, a request the helpdesk rejects); the others will
 * usually go away (rate limits, outages, timeouts).
 */
export class ConnectorError extends BacklineError {
  /** Retrying the same request cannot help. */
  readonly permanent: boolean;
  /** The helpdesk asked to wait this long (Retry-After), when it said so. */
  readonly retryAfterMs: number | null;
  /** HTTP status, when there was an answer. */
  readonly status: number | null;
  /**
   * The request may have been applied even though no success came back (a timeout, a 5xx, a
   * dropped connection). A write whose outcome is unknown must be checked before it is repeated.
   */
  readonly outcomeUnknown: boolean;
  /**
   * Beyond `outcomeUnknown`: the helpdesk may not have finished with the request yet, so it may
   * still be applied later (no answer came back: a timeout, a dropped connection, a gateway that
   * gave up waiting). A search right now may not find it yet. A 500 is an answer: the helpdesk
   * is done with that request, so whatever it applied is there to be found.
   */
  readonly mayApplyLater: boolean;

  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    extra: { status?: number | null; retryAfterMs?: number | null; outcomeUnknown?: boolean; mayApplyLater?: boolean } = {},
  ) {
    super(WIRE_CODE[kind], message, { kind, status: extra.status ?? null, retryAfterMs: extra.retryAfterMs ?? null });
    this.name = 'ConnectorError';
    this.permanent = kind === 'unauthorized' || kind === 'not_found' || kind === 'invalid';
    this.retryAfterMs = extra.retryAfterMs ?? null;
    this.status = extra.status ?? null;
    this.outcomeUnknown = extra.outcomeUnknown ?? false;
    this.mayApplyLater = this.outcomeUnknown && (extra.mayApplyLater ?? false);
  }
}

export function isConnectorError(e: unknown): e is ConnectorError {
  return e instanceof ConnectorError;
}

/**
 * Error codes (Node's and undici's) of a request that provably never reached the server: the
 * connection was refused, the name did not resolve, there was no route, or the TCP connection was
 * never established. Nothing was sent, so nothing can have been applied.
 */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** What a rejected fetch() says about whether the request left this machine. */
export interface FetchFailure {
  /** True only when the failure proves the request was never sent (see NEVER_SENT_CODES). */
  neverSent: boolean;
  /** The most specific reason available, for the message a person reads. */
  reason: string;
}

/**
 * Reads a rejected fetch(). Node's fetch (undici) rejects with `TypeError: fetch failed` whose
 * `cause` carries the system error code (an AggregateError when several addresses were tried),
 * so a refused connection or a failed DNS look-up can be told apart from a connection that
 * dropped after the request went out. Browsers cannot: Chromium rejects every network failure
 * with `TypeError: Failed to fetch` (Firefox: "NetworkError when attempting to fetch resource")
 * and no cause, so there a failed fetch is always treated as "may have been sent".
 */
export function describeFetchFailure(e: unknown): FetchFailure {
  const cause = e instanceof Error ? (e.cause as (Error & { code?: unknown; errors?: unknown }) | undefined) : undefined;
  const reason = cause instanceof Error ? cause.message || String(cause.code ?? '') : e instanceof Error ? e.message : String(e);
  if (!cause || typeof cause !== 'object') return { neverSent: false, reason };
  const codes: unknown[] = [cause.code];
  // Several addresses tried (IPv4 and IPv6): never sent only if every one of them failed so.
  if (Array.isArray(cause.errors) && cause.errors.length) {
    codes.length = 0;
    for (const sub of cause.errors) codes.push((sub as { code?: unknown } | null)?.code);
  }
  const neverSent = codes.every((c) => typeof c === 'string' && NEVER_SENT_CODES.has(c));
  return { neverSent, reason };
}

/** `navigator.onLine` where there is one; true elsewhere (Node has no such notion). */
export function browserIsOnline(): boolean {
  return typeof navigator === 'undefined' || (navigator as { onLine?: boolean }).onLine !== false;
}

/**
 * Parses a Retry-After header: delay-seconds or an HTTP date. Returns ms, or null when absent
 * or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    // Some rate-limit headers (Intercom's X-RateLimit-Reset) give the time to retry at in unix
    // seconds, not a delay; no delay is longer than 30 years, so such a number is a time.
    if (n > 1e9) return Math.max(0, Math.round(n * 1000 - now));
    return Math.round(n * 1000);
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** "30 s", "2 min": for messages a person reads. */
export function formatDelay(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  return `${Math.round(min / 60)} h`;
}
