/**
 * One helpdesk stand-in per test file, on a free port, back at its seed before each test.
 * Returns a proxy whose properties are those of the running stand-in.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { StandinHandle } from '../standins/standin-server.mjs';

export function useStandin<S>(start: (opts: { port?: number }) => Promise<StandinHandle<S>>): StandinHandle<S> {
  let handle: StandinHandle<S> | undefined;
  beforeAll(async () => {
    handle = await start({ port: 0 });
  });
  afterAll(async () => {
    await handle?.close();
  });
  beforeEach(() => handle!.reset());
  return new Proxy({} as StandinHandle<S>, {
    get(_, key) {
      if (!handle) throw new Error('The stand-in is used before it started (outside a test?).');
      const value = handle[key as keyof StandinHandle<S>];
      return typeof value === 'function' ? value.bind(handle) : value;
    },
  });
}

/** The ConnectorError a promise rejects with (fails the test if it resolves or throws another error). */
export async function rejectionOf(p: Promise<unknown>): Promise<import('../../lib/connectors').ConnectorError> {
  const { ConnectorError } = await import('../../lib/connectors');
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof ConnectorError)) throw new Error(`Expected a ConnectorError, got ${e === null ? 'success' : String(e)}`);
  return e;
}
