import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The same `@/` alias as WXT gives the extension's code.
const resolve = { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/unit/setup.ts'],
        },
      },
      {
        resolve,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // What the agent sees comes after real work (a worker waking, the panel checking that
          // it is visibly on top before it writes): on a busy 2-core machine that can take more
          // than expect.poll's default second. A wrong outcome still fails, just later.
          expect: { poll: { timeout: 5_000 } },
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
      {
        resolve,
        test: {
          name: 'e2e-firefox',
          include: ['test/e2e-firefox/**/*.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // One browser at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
