#!/usr/bin/env node
/**
 * `npm start`: builds the extension, starts the sandbox helpdesk on a fixed port and a team
 * workspace server (pouchdb-server) beside it, and opens Chromium with Backline loaded on the
 * sandbox inbox. Without a display it says so, keeps both servers running and explains how to
 * load the extension by hand.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSandbox } from '../test/sandbox/server.mjs';
import { describeWorkspace, startWorkspaceServer } from './workspace-server.mjs';

const root = resolve(import.meta.dirname, '..');
const extensionDir = resolve(root, '.output/chrome-mv3');
const port = Number(process.env.SANDBOX_PORT ?? 4517);

console.log('Building the extension…');
const build = spawnSync('npx', ['wxt', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const sandbox = await startSandbox({ port });
const inbox = `${sandbox.url}/app/accounts/1/conversations`;
console.log(`\nSandbox helpdesk: ${sandbox.url}/app/accounts/1/conversations (API token: sandbox-token)`);

// The team workspace is optional: Backline works without one, so a taken port only says so.
const workspacePort = Number(process.env.WORKSPACE_PORT ?? 5984);
const workspace = await startWorkspaceServer({ port: workspacePort }).catch((error) => {
  console.log(
    error?.code === 'EADDRINUSE'
      ? `\nNo team workspace server: port ${workspacePort} is taken (a CouchDB already running? set WORKSPACE_PORT).`
      : `\nNo team workspace server: ${error?.message ?? error}`,
  );
  return null;
});
if (workspace) {
  console.log(`\n${describeWorkspace(workspace)}`);
  console.log(
    '  To share tickets: on the options page (Workspace), Join workspace with that URL as alice in one\n' +
      '  browser profile and as bob in another. The rules are installed already; Set up workspace\n' +
      '  (an unlocked admin, signed in as alice) installs them on a server of your own.',
  );
}
const stopServers = async () => Promise.all([sandbox.close(), workspace?.close()]);

const chrome = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));
const hasDisplay = process.platform === 'darwin' || process.platform === 'win32' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;

const manual = `
To load Backline by hand:
  Chrome/Chromium: open chrome://extensions, turn on Developer mode, "Load unpacked", choose
    ${extensionDir}
  Firefox: npm run build:firefox, then about:debugging → This Firefox → "Load Temporary Add-on",
    choose .output/firefox-mv3/manifest.json
Then open ${inbox}
Press Ctrl+C to stop the sandbox and the workspace server.`;

if (!chrome) {
  console.log(`\nNo Chromium found (set CHROME_PATH or install chromium).${manual}`);
} else if (!hasDisplay) {
  console.log(`\nNo display here (DISPLAY is not set), so no browser window can open. The servers keep running.${manual}`);
} else {
  // `npm start -- --two`: a second browser profile beside the first, for a second agent (bob)
  // joining the same workspace: two people sharing one ticket on one machine.
  const profiles = process.argv.includes('--two') ? ['chromium-profile', 'chromium-profile-bob'] : ['chromium-profile'];
  let open = profiles.length;
  for (const name of profiles) {
    const profile = resolve(root, '.cache', name);
    mkdirSync(profile, { recursive: true });
    console.log(`Opening ${chrome} (profile ${name}) with Backline on ${inbox}`);
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
      if (--open > 0) return;
      console.log('Chromium closed; stopping the sandbox and the workspace server.');
      await stopServers();
      process.exit(0);
    });
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await stopServers();
    process.exit(0);
  });
}
