#!/usr/bin/env node
/**
 * `npm run bench`: measures what makes Backline feel fast, against budgets, in a real
 * headless Chromium with the built extension and the sandbox helpdesk. Exits 1 when a budget
 * is exceeded. Timings are medians of several runs; budgets leave room for a slow CI machine.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { EXTENSION_DIR as ext, launchWithExtension, panelFrame } from './browser.mjs';
import { startSandbox } from '../test/sandbox/server.mjs';

if (!existsSync(join(ext, 'manifest.json'))) {
  console.error('Build first: npm run build');
  process.exit(1);
}

const results = [];
function record(name, value, budget, unit) {
  results.push({ name, value, budget, unit, ok: value <= budget });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gz = (file) => gzipSync(readFileSync(file)).length / 1024;

// --- Bundle sizes (gzipped KiB) ----------------------------------------------------------------
record('content script (gzip)', gz(join(ext, 'content-scripts/content.js')), 8, 'KiB');
/** The files a page loads before it runs: its entry and the modules it preloads (and their CSS). */
const initialFiles = (page) => [...readFileSync(join(ext, page), 'utf8').matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const initial = initialFiles('panel.html');
const panelInitial = initial.reduce((sum, f) => sum + gz(join(ext, f)), 0);
record('panel initial JS+CSS (gzip)', panelInitial, 60, 'KiB');
const optionsInitial = initialFiles('options.html');
record('options page initial JS+CSS (gzip)', optionsInitial.reduce((sum, f) => sum + gz(join(ext, f)), 0), 60, 'KiB');
// The background's code must not ship in pages: the passphrase hashing and the import validator
// are recognised by words only they contain.
const BACKGROUND_ONLY = ['deriveBits', 'This file cannot be imported', 'this is not a Backline export'];
for (const f of [...initial, ...optionsInitial].filter((x) => x.endsWith('.js'))) {
  const found = BACKGROUND_ONLY.filter((w) => readFileSync(join(ext, f), 'utf8').includes(w));
  if (found.length) {
    console.error(`${f}, loaded by a page at start, holds background code (${found.join(', ')}).`);
    process.exit(1);
  }
}
const editorChunk = readdirSync(join(ext, 'chunks')).find((f) => f.startsWith('RichTextEditor'));
if (!editorChunk || initial.some((f) => f.includes('RichTextEditor'))) {
  console.error('The rich-text editor must be a lazily loaded chunk.');
  process.exit(1);
}

// --- Browser timings ---------------------------------------------------------------------------
const sandbox = await startSandbox({ port: 0 });
const browser = await launchWithExtension();
const { context, extensionId } = browser;
const panelOf = (page) => panelFrame(page);

try {
  // Panel appears: from navigation to the Linked tickets region being shown.
  const appear = [];
  for (let i = 0; i < 5; i++) {
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(`${sandbox.url}/app/accounts/1/conversations/${1 + (i % 3)}`, { waitUntil: 'commit' });
    const panel = await panelOf(page);
    await panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByText(/No tickets|Loading/).first().waitFor();
    appear.push(Date.now() - t0);
    await page.close();
  }
  record('panel visible after navigation (median)', median(appear), 1000, 'ms');

  // A busy store: 500 tickets, one with 1,000 activity items.
  const seeder = await context.newPage();
  await seeder.goto(`chrome-extension://${extensionId}/panel.html?url=${encodeURIComponent(`${sandbox.url}/app/accounts/1/conversations/1`)}`);
  await seeder.getByRole('region', { name: 'Linked tickets', exact: true }).waitFor();
  const seedTime = await seeder.evaluate(async (origin) => {
    const send = (type, payload) => chrome.runtime.sendMessage({ type, payload });
    const hello = await send('ui:hello', { context: { helpdesk: 'chatwoot', origin, account: '1', conversationId: '1', kind: 'conversation' } });
    const t0 = performance.now();
    let first;
    for (let i = 0; i < 500; i++) {
      const r = await send('ui:createTicket', { requestId: crypto.randomUUID(), title: `Bench ticket ${i} refund export invoice`, typeId: 'type-general', conversation: i < 20 ? { key: hello.data.conversationKey } : null });
      first ??= r.data;
    }
    for (let i = 0; i < 1000; i++) await send('ui:addNote', { requestId: crypto.randomUUID(), ticketId: first.id, body: `Note ${i}: checked the logs again.`, crossPost: false });
    return performance.now() - t0;
  }, sandbox.url);
  record('500 tickets + 1,000 notes written (total)', seedTime, 60_000, 'ms');

  const query = await seeder.evaluate(async () => {
    const times = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await chrome.runtime.sendMessage({ type: 'ui:queryTickets', payload: { text: 'refund invoice', limit: 200 } });
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[3];
  });
  record('queue search over 500 tickets (median)', query, 150, 'ms');

  // Open the ticket with 1,000 activity items from the queue and wait for it to render.
  const openTimes = [];
  for (let i = 0; i < 3; i++) {
    await seeder.goto(`chrome-extension://${extensionId}/panel.html?url=${encodeURIComponent(`${sandbox.url}/app/accounts/1/conversations/1`)}`);
    await seeder.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem').first().waitFor();
    const t0 = Date.now();
    await seeder.getByRole('button', { name: 'Bench ticket 0 refund export invoice', exact: true }).click();
    await seeder.getByRole('region', { name: 'Activity', exact: true }).getByText('Note 999: checked the logs again.').waitFor();
    openTimes.push(Date.now() - t0);
  }
  record('open a ticket with 1,000 activity items (median)', median(openTimes), 800, 'ms');

  // Typing never waits: time per key press in the Note box of that long ticket.
  const note = seeder.getByRole('textbox', { name: 'Note', exact: true });
  await note.click();
  const text = 'The customer confirmed the refund arrived, closing the loop. '.repeat(2);
  const t0 = Date.now();
  await seeder.keyboard.type(text);
  const perKey = (Date.now() - t0) / text.length;
  record('typing in the Note box (per key)', perKey, 16, 'ms');
} finally {
  await browser.close();
  await sandbox.close();
}

let failed = 0;
for (const r of results) {
  const line = `${r.ok ? 'ok  ' : 'OVER'}  ${r.name.padEnd(48)} ${r.value.toFixed(1).padStart(9)} ${r.unit}   budget ${r.budget} ${r.unit}`;
  console.log(line);
  if (!r.ok) failed++;
}
console.log(failed ? `\n${failed} budget(s) exceeded.` : '\nAll budgets met.');
process.exit(failed ? 1 : 0);
