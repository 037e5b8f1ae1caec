#!/usr/bin/env node
/**
 * `npm start`: builds the extension, starts the sandbox helpdesk on a fixed port and opens
 * Chromium with Backline loaded on the sandbox inbox. Without a display it says so, keeps the
 * sandbox running and explains how to load the extension by hand.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSandbox } from '../test/sandbox/server.mjs';

const root = resolve(import.meta.dirname, '..');
const extensionDir = resolve(root, '.output/chrome-mv3');
const port = Number(process.env.SANDBOX_PORT ?? 4517);

console.log('Building the extension…');
const build = spawnSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const sandbox = await startSandbox({ port });
const inbox = `${sandbox.url}/app/accounts/1/conversations`;
console.log(`\nSandbox helpdesk: ${sandbox.url}/app/accounts/1/conversations (API token: sandbox-token)`);

const chrome = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));
const hasDisplay = process.platform === 'darwin' || process.platform === 'win32' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;

const manual = `
To load Backline by hand:
  Chrome/Chromium: open chrome://extensions, turn on Developer mode, "Load unpacked", choose
    ${extensionDir}
  Firefox: npm run build:firefox, then about:debugging → This Firefox → "Load Temporary Add-on",
    choose .output/firefox-mv3/manifest.json
Then open ${inbox}
Press Ctrl+C to stop the sandbox.`;

if (!chrome) {
  console.log(`\nNo Chromium found (set CHROME_PATH or install chromium).${manual}`);
} else if (!hasDisplay) {
  console.log(`\nNo display here (DISPLAY is not set), so no browser window can open. The sandbox keeps running.${manual}`);
} else {
  const profile = resolve(root, '.cache/chromium-profile');
  mkdirSync(profile, { recursive: true });
  console.log(`Opening ${chrome} with Backline on ${inbox}`);
  const browser = spawn(
    chrome,
    [
      `--user-data-dir=${profile}`,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-first-run',
      '--no-default-browser-check',
      inbox,
    ],
    { stdio: 'ignore' },
  );
  browser.on('exit', async () => {
    console.log('Chromium closed; stopping the sandbox.');
    await sandbox.close();
    process.exit(0);
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await sandbox.close();
    process.exit(0);
  });
}
