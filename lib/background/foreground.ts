/**
 * Requests from pages come before background work. IndexedDB runs a database's transactions in
 * the order they were asked for, so a page's request (a state change, the queue) waits for every
 * transaction the outbox and the workspace copy-out asked for before it. While a request is
 * being answered, background work waits before asking for its next transaction: the request
 * then waits only for what was already under way. Never for long: a page that sends requests
 * back to back must not stop the outbox.
 */
export interface Foreground {
  /** Runs a page's request, counting it as in progress until it is answered. */
  run<T>(request: () => Promise<T>): Promise<T>;
  /** Resolves when no request is in progress, or after `maxWaitMs` at most. */
  idle(): Promise<void>;
}

/** How long background work waits for requests at most, each time it asks. */
export const FOREGROUND_MAX_WAIT_MS = 200;

export function createForeground(maxWaitMs = FOREGROUND_MAX_WAIT_MS): Foreground {
  let active = 0;
  let waiting: (() => void)[] = [];
  return {
    async run(request) {
      active++;
      try {
        return await request();
      } finally {
        if (--active === 0) {
          const release = waiting;
          waiting = [];
          for (const r of release) r();
        }
      }
    },
    idle() {
      if (active === 0) return Promise.resolve();
      return new Promise((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, maxWaitMs);
      });
    },
  };
}
