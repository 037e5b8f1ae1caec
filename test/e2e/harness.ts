/**
 * End-to-end harness: the built extension (.output/chrome-mv3) loaded into a real headless
 * Chromium, and a fresh sandbox helpdesk on a free port. Tests drive the UI through the roles
 * and names of ../shared/ui-contract.md.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page, type Worker } from 'playwright-core';
import { startSandbox } from '../sandbox/server.mjs';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/chrome-mv3');

export function chromePath(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error('No Chromium found: install Debian’s chromium or set CHROME_PATH.');
  return found;
}

export interface Harness {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  /** Opens a sandbox conversation page and waits for Backline's panel frame in it. */
  openConversation(id: number | string, page?: Page): Promise<{ page: Page; panel: Frame }>;
  /** An extension page (panel.html?…, options.html) in a normal tab. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launch(): Promise<Harness> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`Build the extension first (npm run build): ${EXTENSION_DIR} is missing.`);
  }
  const sandbox = await startSandbox({ port: 0 });
  const profile = mkdtempSync(join(tmpdir(), 'backline-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromePath(),
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;

  const harness: Harness = {
    context,
    worker,
    extensionId,
    sandbox,
    async openConversation(id, page) {
      page ??= await context.newPage();
      await page.goto(`${sandbox.url}/app/accounts/1/conversations/${id}`);
      return { page, panel: await panelFrame(page) };
    },
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path.replace(/^\//, '')}`);
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      await sandbox.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The panel iframe lives in a closed shadow root; Playwright still sees it as a frame. */
export async function panelFrame(page: Page, timeout = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const frame = page.frames().find((f) => f.url().startsWith('chrome-extension://') && f.url().includes('/panel.html'));
    if (frame) {
      await frame.waitForLoadState('domcontentloaded');
      return frame;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('The Backline panel frame did not appear on the helpdesk page.');
}

/** Sends a raw message to the background from an extension page, as a forged sender would. */
export async function sendRaw(page: Page | Frame, message: unknown): Promise<unknown> {
  return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
}
