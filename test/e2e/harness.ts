/**
 * End-to-end harness: the built extension (.output/chrome-mv3) loaded into a real headless
 * Chromium, and a fresh sandbox helpdesk on a free port. Tests drive the UI through the roles
 * and names of ../shared/ui-contract.md.
 */
import type { BrowserContext, Frame, Page, Worker } from 'playwright-core';
import { launchWithExtension, panelFrame } from '../../scripts/browser.mjs';
import { startSandbox } from '../sandbox/server.mjs';

export { chromePath, EXTENSION_DIR, panelFrame } from '../../scripts/browser.mjs';

export interface Harness {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  /** Opens a sandbox conversation page and waits for Backline's panel frame in it. */
  openConversation(id: number | string, page?: Page): Promise<{ page: Page; panel: Frame }>;
  /** An extension page (panel.html?…, options.html) in a normal tab. */
  openExtensionPage(path: string): Promise<Page>;
  /** Evaluates in Backline's content script world on a helpdesk page: what a content script could send. */
  evaluateInContentScript(page: Page, expression: string): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A fresh browser profile with Backline. `sandbox` shares one sandbox helpdesk between profiles
 * (not closed with this one); `args`: extra Chromium command-line flags (see helpdesk-host.ts);
 * `lang`: the browser's UI language (default: the machine's), e.g. 'de' for the German run.
 */
export async function launch(options: { sandbox?: Harness['sandbox']; args?: string[]; lang?: string } = {}): Promise<Harness> {
  const ownSandbox = !options.sandbox;
  const sandbox = options.sandbox ?? (await startSandbox({ port: 0 }));
  const browser = await launchWithExtension({ args: options.args, lang: options.lang });
  const { context, extensionId } = browser;
  return {
    context,
    worker: browser.worker,
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
    async evaluateInContentScript(page, expression) {
      const cdp = await context.newCDPSession(page);
      const contexts: { id: number; name: string; auxData?: { type?: string } }[] = [];
      cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
      await cdp.send('Runtime.enable');
      const deadline = Date.now() + 10_000;
      let isolated: (typeof contexts)[number] | undefined;
      while (!(isolated = contexts.find((c) => c.auxData?.type === 'isolated' && c.name === 'Backline'))) {
        if (Date.now() > deadline) throw new Error('Backline’s content script world did not appear on this page.');
        await page.waitForTimeout(50);
      }
      const r = await cdp.send('Runtime.evaluate', { contextId: isolated.id, awaitPromise: true, returnByValue: true, expression });
      await cdp.detach();
      return r.result.value;
    },
    async close() {
      await browser.close();
      if (ownSandbox) await sandbox.close().catch(() => {});
    },
  };
}

/**
 * On a fresh profile, through the options page as an admin would: sets the admin passphrase,
 * unlocks, and adds the sandbox as a Chatwoot connection (account 1). Returns the options page,
 * left unlocked.
 */
export async function connectSandboxAsAdmin(h: Harness, passphrase = 'sandbox admin passphrase'): Promise<Page> {
  const options = await h.openExtensionPage('options.html');
  await options.getByLabel('New admin passphrase', { exact: true }).fill(passphrase);
  await options.getByLabel('Confirm passphrase', { exact: true }).fill(passphrase);
  await options.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).waitFor();
  await options.getByLabel('Admin passphrase', { exact: true }).fill(passphrase);
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
  await options.getByRole('button', { name: 'Lock admin settings', exact: true }).waitFor();
  await options.getByRole('button', { name: 'Add connection', exact: true }).click();
  await options.getByRole('combobox', { name: 'Helpdesk', exact: true }).selectOption({ label: 'Chatwoot' });
  await options.getByRole('textbox', { name: 'Base URL', exact: true }).fill(h.sandbox.url);
  await options.getByRole('textbox', { name: 'Account ID', exact: true }).fill('1');
  await options.getByLabel('API access token', { exact: true }).fill('sandbox-token');
  await options.getByRole('button', { name: 'Save connection', exact: true }).click();
  await options.getByRole('region', { name: 'Connections', exact: true }).getByText('account 1').waitFor();
  return options;
}

/** Sends a raw message to the background from an extension page, as a forged sender would. */
export async function sendRaw(page: Page | Frame, message: unknown): Promise<unknown> {
  return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
}
