#!/usr/bin/env node
/**
 * `npm run screenshots`: drives the built extension on the sandbox helpdesk in headless
 * Chromium and saves screenshots of the panel (conversation view, ticket view, preview, dark
 * mode, narrow width, the page narrowed beside the dock, the panel in German, the toolbar icon)
 * into .output/screenshots/ for a person to look at.
 *
 * Not captured: Chromium's real toolbar (headless Chromium draws no browser UI, so the icon and
 * its badge are drawn from the built icons and the action's own title and badge text beside the
 * panel instead), and Firefox's sidebar (headless Firefox draws no sidebar either).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchWithExtension, panelFrame } from './browser.mjs';
import { startSandbox } from '../test/sandbox/server.mjs';

const outDir = resolve(import.meta.dirname, '../.output/screenshots');
mkdirSync(outDir, { recursive: true });
const sandbox = await startSandbox({ port: 0 });
const browser = await launchWithExtension({ viewport: { width: 1280, height: 820 } });
const { context, extensionId } = browser;
const panelOf = (page) => panelFrame(page);

try {
  const options = await context.newPage();
  await options.setViewportSize({ width: 1100, height: 900 });
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await options.getByLabel('New admin passphrase', { exact: true }).fill('correct horse battery staple');
  await options.getByLabel('Confirm passphrase', { exact: true }).fill('correct horse battery staple');
  await options.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
  await options.getByLabel('Admin passphrase', { exact: true }).fill('correct horse battery staple');
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
  await options.getByRole('button', { name: 'Lock admin settings', exact: true }).waitFor();
  // A connection to the sandbox, so that what the panel shows comes from the helpdesk.
  await options.getByRole('button', { name: 'Add connection', exact: true }).click();
  await options.getByRole('combobox', { name: 'Helpdesk', exact: true }).selectOption({ label: 'Chatwoot' });
  await options.getByRole('textbox', { name: 'Base URL', exact: true }).fill(sandbox.url);
  await options.getByRole('textbox', { name: 'Account ID', exact: true }).fill('1');
  await options.getByLabel('API access token', { exact: true }).fill('sandbox-token');
  await options.getByRole('button', { name: 'Save connection', exact: true }).click();
  await options.getByRole('region', { name: 'Connections', exact: true }).getByText('account 1').first().waitFor();
  await options.waitForTimeout(300);
  await options.screenshot({ path: join(outDir, 'options.png'), fullPage: true });
  await options.emulateMedia({ colorScheme: 'dark' });
  await options.screenshot({ path: join(outDir, 'options-dark.png') });
  await options.close();
  const page = await context.newPage();
  await page.goto(`${sandbox.url}/app/accounts/1/conversations/2`);
  const panel = await panelOf(page);
  // Some data to look at: two tickets, notes, edits.
  for (const [title, type] of [
    ['Card declined on renewal', 'Billing'],
    ['Export to CSV drops the last row', 'Bug report'],
  ]) {
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
    await panel.getByRole('combobox', { name: 'Ticket type', exact: true }).selectOption({ label: type });
    if (type === 'Bug report') await panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption('High');
    await panel.getByRole('textbox', { name: 'Description', exact: true }).click();
    await page.keyboard.type('The customer reports it happens every time.');
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await panel.getByRole('button', { name: /^Ticket state/ }).waitFor();
    await panel.getByRole('textbox', { name: 'Note', exact: true }).fill('Reproduced on staging; engineering is looking.');
    await panel.getByRole('button', { name: 'Add note', exact: true }).click();
    await panel.getByRole('button', { name: /^Ticket state/ }).click();
    await panel.getByRole('menuitemradio', { name: 'In progress', exact: true }).click();
    await panel.getByRole('button', { name: 'Back', exact: true }).click();
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(outDir, 'conversation-view.png') });

  // The dock makes room: the page is narrowed by the panel's width, and the conversation's last
  // message, scrolled into view, sits wholly beside the panel. Saved only if that is so.
  const room = await page.evaluate(() => {
    const all = document.querySelectorAll('[data-testid="message"]');
    const last = all[all.length - 1];
    last.scrollIntoView({ block: 'end' });
    const m = last.getBoundingClientRect();
    return { right: m.right, dockLeft: document.querySelector('backline-dock').getBoundingClientRect().left };
  });
  if (room.right > room.dockLeft) throw new Error(`The last message (right edge ${room.right}px) runs under the dock (${room.dockLeft}px).`);
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(outDir, 'conversation-narrowed.png') });

  // The toolbar icon: headless Chromium has no toolbar to capture, so the built icons are drawn
  // on a light and a dark toolbar strip with the badge and title the action shows for this tab,
  // beside the page with its panel.
  const action = await browser.worker.evaluate(async (url) => {
    const [tab] = await chrome.tabs.query({ url });
    return { title: await chrome.action.getTitle({ tabId: tab.id }), badge: await chrome.action.getBadgeText({ tabId: tab.id }) };
  }, `${sandbox.url}/app/accounts/1/conversations/2`);
  const shot = (await page.screenshot()).toString('base64');
  const icon = (size) => `data:image/png;base64,${readFileSync(resolve(import.meta.dirname, `../public/icon/${size}.png`)).toString('base64')}`;
  const esc = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const strip = (bg, fg) => `<div style="display:flex;align-items:center;gap:10px;height:40px;padding:0 12px;background:${bg};color:${fg};font:13px system-ui">
    <span style="flex:1;background:${fg}1a;border-radius:14px;padding:6px 12px">${esc(sandbox.url)}/app/accounts/1/conversations/2</span>
    <span style="position:relative" title="${esc(action.title)}"><img src="${icon(16)}" width="16" height="16" srcset="${icon(32)} 2x" alt="">
    ${action.badge ? `<b style="position:absolute;right:-8px;bottom:-6px;background:#1c2f80;color:#fff;font:700 9px system-ui;border-radius:6px;padding:1px 3px">${esc(action.badge)}</b>` : ''}</span>
    <span style="font-size:12px;opacity:.8">${esc(action.title)}</span></div>`;
  const toolbar = await context.newPage();
  await toolbar.setViewportSize({ width: 1280, height: 900 });
  await toolbar.setContent(`<body style="margin:0">${strip('#f1f3f4', '#202124')}${strip('#35363a', '#e8eaed')}<img src="data:image/png;base64,${shot}" width="1280" alt=""></body>`);
  await toolbar.screenshot({ path: join(outDir, 'toolbar-icon.png'), fullPage: true });
  await toolbar.close();

  await panel.getByRole('button', { name: 'Export to CSV drops the last row', exact: true }).click();
  await panel.getByRole('button', { name: /^Ticket state/ }).waitFor();
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(outDir, 'ticket-view.png') });
  await panel.getByRole('button', { name: /^Ticket state/ }).click();
  await page.screenshot({ path: join(outDir, 'state-menu.png') });
  await page.keyboard.press('Escape');

  await panel.getByRole('region', { name: 'Links', exact: true }).getByRole('button', { name: 'Open', exact: true }).first().click();
  await panel.getByRole('region', { name: 'Conversation preview', exact: true }).waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(outDir, 'preview.png') });
  await panel.getByRole('button', { name: 'Back to ticket', exact: true }).click();

  await page.emulateMedia({ colorScheme: 'dark' });
  const tab = await context.newPage();
  await tab.emulateMedia({ colorScheme: 'dark' });
  await tab.setViewportSize({ width: 420, height: 820 });
  await tab.goto(`chrome-extension://${extensionId}/panel.html?url=${encodeURIComponent(`${sandbox.url}/app/accounts/1/conversations/2`)}`);
  await tab.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem').first().waitFor();
  await tab.screenshot({ path: join(outDir, 'dark-conversation-view.png') });
  await tab.getByRole('button', { name: 'Card declined on renewal', exact: true }).click();
  await tab.getByRole('button', { name: /^Ticket state/ }).waitFor();
  await tab.waitForTimeout(200);
  await tab.screenshot({ path: join(outDir, 'dark-ticket-view.png'), fullPage: true });
  await tab.setViewportSize({ width: 320, height: 700 });
  await tab.emulateMedia({ colorScheme: 'light' });
  await tab.screenshot({ path: join(outDir, 'narrow-320.png'), fullPage: true });
  await page.screenshot({ path: join(outDir, 'dark-page.png') });
} finally {
  await browser.close();
}

// The panel in German: a second browser whose UI language is German (as test/e2e/german.test.ts
// launches it), so chrome.i18n picks the German catalogue and Intl formats in German.
const german = await launchWithExtension({ viewport: { width: 1280, height: 820 }, lang: 'de' });
try {
  const page = await german.context.newPage();
  await page.goto(`${sandbox.url}/app/accounts/1/conversations/2`);
  const panel = await panelOf(page);
  const de = JSON.parse(readFileSync(resolve(import.meta.dirname, '../public/_locales/de/messages.json'), 'utf8'));
  await panel.getByRole('region', { name: de.linkedTickets.message, exact: true }).waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(outDir, 'german-panel.png') });
  await panel.getByRole('button', { name: de.newBackOfficeTicket.message, exact: true }).click();
  await panel.getByRole('textbox', { name: de.title.message, exact: true }).waitFor();
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(outDir, 'german-new-ticket.png') });
  console.log(`Screenshots saved in ${outDir}`);
} finally {
  await german.close();
  await sandbox.close();
}
