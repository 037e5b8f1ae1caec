/**
 * One sandbox helpdesk per test file, on a free port, reset to its seed before each test.
 * Returns a stand-in whose properties are those of the running sandbox.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type SandboxHandle } from '../sandbox/server.mjs';

export function useSandbox(): SandboxHandle {
  let handle: SandboxHandle | undefined;
  beforeAll(async () => {
    handle = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await handle?.close();
  });
  beforeEach(() => handle!.reset());
  return new Proxy({} as SandboxHandle, {
    get(_, key) {
      if (!handle) throw new Error('The sandbox is used before it started (outside a test?).');
      const value = handle[key as keyof SandboxHandle];
      return typeof value === 'function' ? value.bind(handle) : value;
    },
  });
}
