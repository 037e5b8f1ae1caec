/**
 * The one interface every helpdesk connector implements, and the errors they throw.
 *
 * Connectors run only in the background service worker: they hold the API token, which must
 * never reach a content script or a host page.
 */
import type { ConversationStatus } from '../db';
import { BacklineError, type ErrorCode } from '../errors';
import type { HelpdeskId } from '../hosts';
import type { PreviewMessage } from '../protocol';

/** Default time a single helpdesk request may take, including reading the answer. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What a connector needs besides the connection itself; all optional. */
export interface ConnectorOptions {
  /** Injected for tests and for the background (which passes the global fetch). */
  fetch?: FetchLike;
  timeoutMs?: number;
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
  /** Checks the credentials and the account; resolves with a line for the admin to read. */
  verify(opts?: CallOptions): Promise<string>;
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

  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    extra: { status?: number | null; retryAfterMs?: number | null; outcomeUnknown?: boolean } = {},
  ) {
    super(WIRE_CODE[kind], message, { kind, status: extra.status ?? null, retryAfterMs: extra.retryAfterMs ?? null });
    this.name = 'ConnectorError';
    this.permanent = kind === 'unauthorized' || kind === 'not_found' || kind === 'invalid';
    this.retryAfterMs = extra.retryAfterMs ?? null;
    this.status = extra.status ?? null;
    this.outcomeUnknown = extra.outcomeUnknown ?? false;
  }
}

export function isConnectorError(e: unknown): e is ConnectorError {
  return e instanceof ConnectorError;
}

/**
 * Parses a Retry-After header: delay-seconds or an HTTP date. Returns ms, or null when absent
 * or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
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
