/**
 * The background's side of its events: the ports that extension pages (panels, the side panel,
 * the options page) open to it. Events go only to these ports, so a page knows that whatever
 * arrives on its port comes from the background; a content script cannot open one.
 */
import { EVENTS_PORT, type BackgroundEvent } from '../protocol';
import { classifySender } from './env';

/** A page's port as the background sees it: the part of runtime.Port used here. */
export interface PagePort {
  name: string;
  sender?: { id?: string; url?: string; tab?: { id?: number } };
  postMessage(message: BackgroundEvent): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface PagePorts {
  /** Takes a newly connected port: kept when it is an extension page's events port, else disconnected. */
  accept(port: PagePort): boolean;
  /** Posts an event to every connected page. */
  broadcast(event: BackgroundEvent): void;
  /** How many pages are connected. */
  readonly size: number;
}

export function createPagePorts(runtimeId: string, extensionOrigin: string): PagePorts {
  const ports = new Set<PagePort>();
  return {
    accept(port) {
      const { role } = classifySender(port.sender ?? {}, runtimeId, extensionOrigin);
      if (port.name !== EVENTS_PORT || (role !== 'page' && role !== 'options')) {
        port.disconnect();
        return false;
      }
      ports.add(port);
      port.onDisconnect.addListener(() => ports.delete(port));
      // The page's keep-alive messages need no answer: receiving them is what keeps the worker running.
      port.onMessage.addListener(() => {});
      return true;
    },
    broadcast(event) {
      for (const port of ports) {
        try {
          port.postMessage(event);
        } catch {
          ports.delete(port); // closed between its disconnect and our noticing
        }
      }
    },
    get size() {
      return ports.size;
    },
  };
}
