/**
 * Launching Chromium with the built extension: shared by the end-to-end harness, the
 * screenshot script and the benchmark, so all three use the same browser the same way.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const EXTENSION_DIR = resolve(import.meta.dirname, '../.output/chrome-mv3');

/** CHROME_PATH, else Debian's chromium, else other usual places. */
export function chromePath() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p) => !!p && existsSync(p));
  if (!found) throw new Error('No Chromium found: install Debian’s chromium (apt-get install chromium) or set CHROME_PATH.');
  return found;
}

/**
 * A headless Chromium with Backline loaded, in a fresh profile. Resolves with the context,
 * the extension's service worker, its id and a close() that also removes the profile.
 * `args` are added to Chromium's command line (e.g. host resolver rules for stand-in helpdesks);
 * `extraExtensions` are more unpacked extensions loaded beside it (the bench's baseline).
 */
export async function launchWithExtension({ viewport = { width: 1280, height: 800 }, args = [], lang = undefined, extraExtensions = [] } = {}) {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`Build the extension first (npm run build): ${EXTENSION_DIR} is missing.`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'backline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromePath(),
    headless: true,
    viewport,
    // A UI language (e.g. 'de'): Chromium on Linux takes it from LANGUAGE, elsewhere from --lang;
    // the extension's catalogue (chrome.i18n) and Intl follow it.
    ...(lang ? { locale: lang, env: { ...process.env, LANGUAGE: lang, LANG: `${lang}_${lang.toUpperCase()}.UTF-8` } } : {}),
    args: [
      ...(lang ? [`--lang=${lang}`] : []),
      `--disable-extensions-except=${[EXTENSION_DIR, ...extraExtensions].join(',')}`,
      `--load-extension=${[EXTENSION_DIR, ...extraExtensions].join(',')}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // This machine's network is closed: background fetches would only fail, loudly.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  return {
    context,
    worker,
    extensionId: new URL(worker.url()).host,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The panel iframe lives in a closed shadow root; Playwright still sees it as a frame. */
export async function panelFrame(page, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const frame = page.frames().find((f) => f.url().startsWith('chrome-extension://') && f.url().includes('/panel.html'));
    if (frame) {
      await frame.waitForLoadState('domcontentloaded');
      return frame;
    }
    await page.waitForTimeout(20);
  }
  throw new Error('The Backline panel frame did not appear on the helpdesk page.');
}
