/**
 * The extension pages' side of the protocol: typed requests to the background and a
 * subscription to its events.
 */
import browser from 'webextension-polyfill';
import { BacklineError } from './errors';
import type { BackgroundEvent, Reply, RequestInput, RequestType, ResponseMap } from './protocol';

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

/** Calls `handler` for each background event until `signal` aborts. */
export function onBackgroundEvent(handler: (event: BackgroundEvent) => void, signal: AbortSignal): void {
  const listener = (message: unknown, sender: browser.Runtime.MessageSender) => {
    if (sender.id !== browser.runtime.id || !isBackgroundEvent(message)) return;
    handler(message);
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener), { once: true });
}

/** Tells whether a value is one of the background's events (pages ignore anything else). */
export function isBackgroundEvent(message: unknown): message is BackgroundEvent {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('bg:');
}
