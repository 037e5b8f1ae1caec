/**
 * The extension pages' side of the protocol: typed requests to the background, and the
 * background's events over a port.
 */
import browser from 'webextension-polyfill';
import { BacklineError } from './errors';
import type { Reply, RequestInput, RequestType, ResponseMap } from './protocol';
// Not through ./protocol: pages need the events' schemas only, not the requests'.
import { EVENTS_PORT, KEEP_ALIVE_MESSAGE, KEEP_ALIVE_MS, parseBackgroundEvent, type BackgroundEvent } from './protocol-events';

/** Sends one request; resolves with the response or rejects with a BacklineError to show. */
export async function request<K extends RequestType>(type: K, payload: RequestInput<K>): Promise<ResponseMap[K]> {
  let reply: Reply<ResponseMap[K]> | undefined;
  try {
    reply = (await browser.runtime.sendMessage({ type, payload })) as Reply<ResponseMap[K]> | undefined;
  } catch (e) {
    throw new BacklineError('unreachable', `Backline's background service did not answer (${e instanceof Error ? e.message : String(e)}). Try again.`);
  }
  if (!reply || typeof reply !== 'object') throw new BacklineError('internal', 'Backline’s background service gave no answer. Try again.');
  if (!reply.ok) throw new BacklineError(reply.error.code, reply.error.message, reply.error.details);
  return reply.data;
}

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
