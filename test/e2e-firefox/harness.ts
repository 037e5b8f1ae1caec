/**
 * Firefox end-to-end harness: the built Firefox package (.output/firefox-mv3) installed into a
 * headless Firefox ESR through WebDriver BiDi (puppeteer-core), and a fresh sandbox helpdesk.
 *
 * What differs from the Chromium harness, and why:
 * - The extension's `moz-extension://` address is a random id per installation. Firefox takes it
 *   from the `extensions.webextensions.uuids` preference when one is set for the add-on's id, so
 *   the harness chooses it before launch instead of scraping about:debugging.
 * - Firefox 153 refuses WebDriver BiDi's navigation of a tab to an extension page; the page is
 *   made to navigate itself (through the sandbox and the web-accessible panel.html when it is not
 *   an extension page yet), and extension pages forbid `eval`, which puppeteer's `waitFor*`
 *   helpers use inside the page. Waiting is therefore done here, by polling from Node.
 * - Frames inside the dock's closed shadow root are not listed, so the panel is tested in a tab
 *   (`panel.html?url=…`) and the dock by its presence on the helpdesk page.
 *
 * Elements are found by role and accessible name (../shared/ui-contract.md) with puppeteer's
 * `::-p-aria(...)` selectors, which match the whole name exactly.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { startSandbox } from '../sandbox/server.mjs';

export const FIREFOX_EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/firefox-mv3');
/** The add-on id of wxt.config.ts (browser_specific_settings.gecko.id). */
export const ADDON_ID = 'backline@backline.dev';

/** FIREFOX_PATH, else Debian's firefox-esr, else firefox. */
export function firefoxPath(): string {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
  const found = candidates.find((p) => !!p && existsSync(p));
  if (!found) throw new Error('No Firefox found: install Debian’s firefox-esr (apt-get install firefox-esr) or set FIREFOX_PATH.');
  return found;
}

export interface FirefoxHarness {
  browser: Browser;
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  /** moz-extension://<uuid> */
  origin: string;
  /** A sandbox conversation page in a new tab. */
  openConversation(id: number): Promise<Page>;
  /** An extension page (panel.html?…, options.html) in a new tab, loaded. */
  openExtensionPage(path: string): Promise<Page>;
  /** Loads another extension page in a tab that shows one. */
  gotoExtensionPage(page: Page, path: string): Promise<void>;
  close(): Promise<void>;
}

export async function launchFirefox(options: { lang?: string } = {}): Promise<FirefoxHarness> {
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`Build the Firefox package first (npm run build:firefox): ${FIREFOX_EXTENSION_DIR} is missing.`);
  }
  const uuid = crypto.randomUUID();
  const origin = `moz-extension://${uuid}`;
  const profile = mkdtempSync(join(tmpdir(), 'backline-firefox-'));
  const sandbox = await startSandbox({ port: 0 });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: firefoxPath(),
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: uuid }),
      ...(options.lang ? { 'intl.locale.requested': options.lang, 'intl.accept_languages': options.lang } : {}),
    },
  });
  const installed = await browser.installExtension(FIREFOX_EXTENSION_DIR);
  if (installed !== ADDON_ID) throw new Error(`Firefox installed the add-on as ${installed}, not ${ADDON_ID}.`);

  /** The page navigates itself to `url`; resolves once that page has loaded. */
  const navigateFromPage = async (page: Page, url: string) => {
    const target = new URL(url);
    // The page goes away while this runs: its answer may never come.
    void page.evaluate((to) => void (location.href = to), url).catch(() => {});
    await poll(() =>
      page
        .evaluate((want) => location.href === want && document.readyState === 'complete', target.href)
        .catch(() => false),
    );
  };
  const gotoExtensionPage = async (page: Page, path: string) => {
    const url = `${origin}/${path.replace(/^\//, '')}`;
    // Firefox 153's WebDriver BiDi refuses to navigate a tab to a moz-extension:// address ("not
    // allowed in this context"), but a page may navigate itself there: an extension page to
    // another of its pages, and a page of a helpdesk host to the web-accessible panel.html. A tab
    // anywhere else goes through the sandbox's inbox (no conversation, so it reports none) first.
    const at = await page.evaluate(() => location.origin).catch(() => '');
    if (at !== origin) {
      if (at !== new URL(sandbox.url).origin) await page.goto(`${sandbox.url}/app/accounts/1/conversations`);
      if (!path.replace(/^\//, '').startsWith('panel.html')) await navigateFromPage(page, `${origin}/panel.html`);
    }
    await navigateFromPage(page, url);
  };
  return {
    browser,
    sandbox,
    origin,
    async openConversation(id) {
      const page = await browser.newPage();
      await page.goto(`${sandbox.url}/app/accounts/1/conversations/${id}`);
      return page;
    },
    async openExtensionPage(path) {
      const page = await browser.newPage();
      await gotoExtensionPage(page, path);
      return page;
    },
    gotoExtensionPage,
    async close() {
      await browser.close().catch(() => {});
      await sandbox.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns something truthy; throws the last error (or a timeout) after `timeout` ms. */
export async function poll<T>(fn: () => Promise<T> | T, timeout = 15_000, what = 'a condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last instanceof Error ? last : new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `::-p-aria(...)` for an exact accessible name, optionally with a role. */
export function aria(name: string, role?: string): string {
  const quoted = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `::-p-aria([name=${quoted(name)}]${role ? `[role=${quoted(role)}]` : ''})`;
}

type Root = Page | ElementHandle<Element>;

/** The element `selector` finds under `root`, once there is one. */
export function find(root: Root, selector: string, timeout = 15_000): Promise<ElementHandle<Element>> {
  return poll(() => root.$(selector), timeout, selector);
}

/** How many elements `selector` finds under `root` now. */
export async function count(root: Root, selector: string): Promise<number> {
  return (await root.$$(selector)).length;
}

/** Clicks the element once it is enabled (as Playwright's actionability check does). */
export async function click(root: Root, selector: string): Promise<void> {
  const el = await poll(async () => {
    const found = await root.$(selector);
    return found && !(await found.evaluate((e) => (e as HTMLButtonElement).disabled === true)) ? found : null;
  }, 15_000, `${selector} enabled`);
  await el.click();
}

/** Replaces a text field's value by typing, as a person would. */
export async function fill(root: Root, selector: string, text: string): Promise<void> {
  const el = await find(root, selector);
  await el.evaluate((e) => {
    (e as HTMLElement).focus();
    if (e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement) e.select();
  });
  await el.type(text);
}

export async function textOf(el: ElementHandle<Element>): Promise<string> {
  return el.evaluate((e) => (e as HTMLElement).innerText ?? e.textContent ?? '');
}

/** The list items of the region named `region` whose text contains `text`. */
export async function itemsIn(page: Page, region: string, text: string): Promise<ElementHandle<Element>[]> {
  const r = await page.$(aria(region, 'region'));
  if (!r) return [];
  const items = await r.$$('li');
  const out: ElementHandle<Element>[] = [];
  for (const item of items) if ((await textOf(item)).includes(text)) out.push(item);
  return out;
}
