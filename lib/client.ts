/**
 * The extension pages' side of the protocol: typed requests to the background, the request ids
 * of user actions, and the background's events over a port.
 */
import browser from 'webextension-polyfill';
import { BacklineError } from './model/errors';
import { newRequestId } from './model/ids';
import type { Reply, RequestInput, RequestType, ResponseMap } from './protocol';
// Not through ./protocol: pages need the events' schemas only, not the requests'.
import { EVENTS_PORT, KEEP_ALIVE_MESSAGE, KEEP_ALIVE_MS, parseBackgroundEvent, type BackgroundEvent } from './protocol-events';

/**
 * Waits before each resend of a request the background did not answer. The MV3 service worker
 * may be stopped while it handles a request (after it saved, before it replied); the resend wakes
 * a new one. Four resends over about four seconds, then the agent is told.
 */
export const RESEND_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000];

/**
 * Sends one request; resolves with the response or rejects with a BacklineError to show.
 *
 * When the background does not answer (its worker stopped, the message channel closed), the very
 * same message is sent again, so a write goes with the same request id: the store applies a
 * request id once and answers a repeat with the stored result. Reads are simply read again.
 */
export async function request<K extends RequestType>(type: K, payload: RequestInput<K>): Promise<ResponseMap[K]> {
  const message = { type, payload };
  let problem = '';
  for (let attempt = 0; ; attempt++) {
    let reply: unknown;
    problem = '';
    try {
      reply = await browser.runtime.sendMessage(message);
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
      // This page outlived the extension (updated or reloaded): no background will ever answer it.
      if (/context invalidated/i.test(problem)) {
        throw new BacklineError('unreachable', 'Backline was updated or reloaded. Reload this page to keep working.');
      }
      reply = undefined;
    }
    if (isReply(reply)) {
      if (!reply.ok) throw new BacklineError(reply.error.code, reply.error.message, reply.error.details);
      return reply.data as ResponseMap[K];
    }
    if (attempt >= RESEND_DELAYS_MS.length) break;
    await new Promise((resolve) => setTimeout(resolve, RESEND_DELAYS_MS[attempt]));
  }
  throw new BacklineError(
    'unreachable',
    `Backline’s background service did not answer${problem ? ` (${problem})` : ''}. Try again.`,
  );
}

function isReply(value: unknown): value is Reply<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/**
 * The request ids of one place's user actions (a form, the note composer). An action that did
 * not succeed keeps its id: doing the same action again (same key: what the agent typed and
 * chose) reuses it, so if the first attempt was saved after all, the store applies it once. A
 * success, or an action with another key, forgets it.
 */
export function createActionIds(newId: () => string = newRequestId) {
  let pending: { key: string; requestId: string } | null = null;
  return {
    /** The request id for an action about to run; `key` undefined means "never the same action". */
    begin(key?: string): string {
      if (key !== undefined && pending?.key === key) return pending.requestId;
      const requestId = newId();
      pending = key === undefined ? null : { key, requestId };
      return requestId;
    },
    /** The action with this id succeeded: the next one gets a new id, whatever its key. */
    succeeded(requestId: string): void {
      if (pending?.requestId === requestId) pending = null;
    },
  };
}

export type ActionIds = ReturnType<typeof createActionIds>;

/** Waits before reconnecting a port that dropped; a port that dropped at once waits longer each time. */
export const RECONNECT_DELAYS_MS: readonly number[] = [100, 500, 1000, 2000, 5000];
/** A port that stayed connected this long was dropped by a stopped worker, not refused: retry quickly. */
const STEADY_MS = 10_000;

export interface EventOptions {
  /**
   * Called after the port was connected again (the worker had stopped): events sent meanwhile
   * were lost, so the page re-reads what it shows.
   */
  onReconnect?(): void;
}

/**
 * Calls `handler` for each background event until `signal` aborts. Events come only over a port
 * this page opens to the background (a content script can send runtime messages to extension
 * pages, but cannot speak on this port), and each is checked against the protocol's schema: a
 * malformed one is dropped with a console warning. The port is reopened whenever it drops, and a
 * small message every KEEP_ALIVE_MS keeps the background's worker running while the page is open.
 */
export function onBackgroundEvent(handler: (event: BackgroundEvent) => void, signal: AbortSignal, options: EventOptions = {}): void {
  let port: browser.Runtime.Port | null = null;
  let quickDrops = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const connect = (again: boolean) => {
    if (signal.aborted) return;
    let opened: browser.Runtime.Port;
    try {
      opened = browser.runtime.connect({ name: EVENTS_PORT });
    } catch (e) {
      // Only when this page outlived the extension: nothing to connect to any more.
      console.warn('Backline could not listen to its background service:', e);
      return;
    }
    port = opened;
    const openedAt = Date.now();
    opened.onMessage.addListener((message: unknown) => {
      const parsed = parseBackgroundEvent(message);
      if (!parsed.ok) {
        console.warn(`Backline ignored a malformed background event (${parsed.problem}).`);
        return;
      }
      handler(parsed.event);
    });
    opened.onDisconnect.addListener(() => {
      if (port !== opened) return;
      port = null;
      if (signal.aborted) return;
      quickDrops = Date.now() - openedAt >= STEADY_MS ? 0 : quickDrops + 1;
      reconnectTimer = setTimeout(() => connect(true), RECONNECT_DELAYS_MS[Math.min(quickDrops, RECONNECT_DELAYS_MS.length - 1)]);
    });
    if (again) options.onReconnect?.();
  };

  const keepAlive = setInterval(() => {
    try {
      port?.postMessage(KEEP_ALIVE_MESSAGE);
    } catch {
      // The port dropped just now; onDisconnect reconnects.
    }
  }, KEEP_ALIVE_MS);

  signal.addEventListener(
    'abort',
    () => {
      clearInterval(keepAlive);
      clearTimeout(reconnectTimer);
      const open = port;
      port = null;
      open?.disconnect();
    },
    { once: true },
  );
  connect(false);
}
