#!/usr/bin/env node
/**
 * `npm run bench`: measures what makes Backline feel fast, against budgets, in a real
 * headless Chromium with the built extension and the sandbox helpdesk. Exits 1 when a budget
 * is exceeded. Timings are medians of several runs. Most budgets are ratios against a baseline
 * measured in the same run (raw IndexedDB writing the same records, 1 link, 100 tickets, 100
 * activity items), so a slow machine slows both sides alike; the data is seeded through the
 * extension's own requests and its import.
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
record('content script (gzip)', gz(join(ext, 'content-scripts/content.js')), 8.25, 'KiB');
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
// Ratios are against baselines measured in this same run on this same machine (a busy machine
// slows both alike); the few absolute budgets are the issue's (#12).
const sandbox = await startSandbox({ port: 0 });
const browser = await launchWithExtension({ extraExtensions: [join(import.meta.dirname, 'bench-empty-dock')] });
const { context, extensionId } = browser;
// A step that cannot finish fails the bench in a minute instead of hanging it.
context.setDefaultTimeout(60_000);
const panelOf = (page) => panelFrame(page);
const PANEL_URL = `chrome-extension://${extensionId}/panel.html?url=${encodeURIComponent(`${sandbox.url}/app/accounts/1/conversations/1`)}`;
/**
 * What the queue asks as an agent types three searches, one request per keystroke (the queue
 * asks for a page of 50 and one more): each differs from the one before, as typing does.
 */
const KEYSTROKES = ['refund i', 'refund in', 'refund inv', 'login c', 'login cr', 'login cra', 'billing s', 'billing sh', 'billing shi'];
const WORDS = ['refund', 'invoice', 'login', 'export', 'printer', 'billing', 'shipping', 'crash', 'password', 'upgrade'];
/** Backline's stores and indexes, as far as the bench's raw IndexedDB baselines write them: [store, keyPath, [index, keyPath, options]]. */
const RAW_SCHEMA = [
  ['tickets', 'id', [['byNumber', 'number', { unique: true }], ['byType', 'typeId']]],
  ['ticketWords', ['order', 'ticketId'], [['byTicket', 'ticketId', { unique: true }]]],
  ['activity', 'id', [['byTicketItem', ['ticketId', 'id']]]],
  ['activityPacks', ['ticketId', 'first'], []],
  ['outbox', 'id', [['byStatus', 'status'], ['byConversationStatus', ['conversationKey', 'status']], ['bySource', 'sourceActivityId']]],
  ['requests', 'requestId', [['byAt', 'at']]],
];
const ctxOf = (id) => ({ helpdesk: 'chatwoot', origin: sandbox.url, account: '1', conversationId: String(id), kind: 'conversation' });

/** In an extension page: sends a request, returns its data (throws its error). */
const callIn = (page) => (type, payload) =>
  page.evaluate(
    async ([type, payload]) => {
      const r = await chrome.runtime.sendMessage({ type, payload });
      if (!r?.ok) throw new Error(`${type}: ${JSON.stringify(r?.error)}`);
      return r.data;
    },
    [type, payload],
  );
/** Median time (ms) of `n` runs of a request made in the page, timed there. */
const timeRequest = (page, type, payloadOf, n = 9) =>
  page.evaluate(
    async ([type, payloads]) => {
      const times = [];
      for (const payload of payloads) {
        const t0 = performance.now();
        const r = await chrome.runtime.sendMessage({ type, payload });
        times.push(performance.now() - t0);
        if (!r?.ok) throw new Error(`${type}: ${JSON.stringify(r?.error)}`);
      }
      return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    },
    [type, Array.from({ length: n }, (_, i) => payloadOf(i))],
  );
/** A first search keystroke, untimed, and a second's typing after it (see the search measures). */
const firstKeystroke = async (page) => {
  const t0 = Date.now();
  await callIn(page)('ui:queryTickets', { text: 'r', limit: 51 });
  const ms = Date.now() - t0;
  await page.waitForTimeout(1000);
  return ms;
};
/**
 * The panel page has its answer from the background: the conversation's heading is shown (its
 * Linked tickets region is drawn earlier, loading).
 */
const panelReady = (page) => page.getByRole('heading', { name: 'Chatwoot conversation #1', exact: true }).waitFor();
const ratios = [];
/** Says on stderr what is being measured (the table comes at the end, on stdout). */
const started = Date.now();
const step = (what) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${what}…`);
function ratio(name, value, baseline, budget) {
  ratios.push({ name, value, baseline, ratio: value / baseline, budget, ok: value / baseline <= budget });
}

try {
  step('panel appearance');
  // Panel appears: from the page's navigation to the first frame drawn with the Linked tickets
  // region, against a baseline docked on the same page at the same moment (document_idle) the
  // same way (an iframe of an extension page in a closed shadow root): an empty extension page,
  // from navigation to its load event (scripts/bench-empty-dock/). Both are timed in the page,
  // against its navigation start; both frames load side by side, so they meet the same load.
  const appear = [];
  const emptyLoaded = [];
  for (let i = 0; i < 11; i++) {
    const page = await context.newPage();
    await page.goto(`${sandbox.url}/app/accounts/1/conversations/${1 + (i % 3)}`, { waitUntil: 'commit' });
    const panel = await panelOf(page);
    // When the region is already drawn as the frame is found, its first contentful paint is
    // taken (the region is then part of the first render); else the first frame after it appears.
    const regionAt = await panel.evaluate(
      () =>
        new Promise((resolve) => {
          const found = () => document.querySelector('section[aria-label="Linked tickets"]');
          const at = () => performance.timeOrigin + performance.now();
          if (found()) {
            const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
            resolve(fcp ? performance.timeOrigin + fcp.startTime : at());
            return;
          }
          const observer = new MutationObserver(() => {
            if (!found()) return;
            observer.disconnect();
            requestAnimationFrame(() => resolve(at()));
          });
          observer.observe(document, { subtree: true, childList: true });
        }),
    );
    appear.push(regionAt - (await page.evaluate(() => performance.timeOrigin)));
    await page.waitForFunction(() => document.documentElement.dataset.benchEmptyLoaded);
    emptyLoaded.push(Number(await page.evaluate(() => document.documentElement.dataset.benchEmptyLoaded)));
    await page.close();
  }
  record('panel visible after navigation (median)', median(appear), 1000, 'ms');
  ratio('panel appearance vs an empty extension page docked the same way', median(appear), median(emptyLoaded), 1.0);

  const seeder = await context.newPage();
  await seeder.goto(PANEL_URL);
  await panelReady(seeder);
  const call = callIn(seeder);

  step('100-ticket store: search and queue baselines');
  // --- A small store: 100 tickets. The search and queue baselines. ---
  await seeder.evaluate(async (words) => {
    for (let i = 0; i < 100; i++) {
      const title = `Small ticket ${i} ${words[i % 10]} ${words[(i * 3 + 1) % 10]} ${words[(i * 7 + 2) % 10]}`;
      await chrome.runtime.sendMessage({ type: 'ui:createTicket', payload: { requestId: crypto.randomUUID(), title, typeId: 'type-general' } });
    }
  }, WORDS);
  // What the queue asks per keystroke (a page of 50 and one more) and when it opens: after a
  // first keystroke and a second's typing, as an agent searches (the first keystroke waits for
  // the queue's search index to be built in the worker's memory).
  await firstKeystroke(seeder);
  const search100 = await timeRequest(seeder, 'ui:queryTickets', (i) => ({ text: KEYSTROKES[i % KEYSTROKES.length], limit: 51 }), 27);
  const queue100 = await timeRequest(seeder, 'ui:queryTickets', () => ({ limit: 51 }), 27);

  step('state changes with 1, 30 and 50 links');
  // --- State changes: a ticket linked to 1, 30 and 50 conversations. ---
  const keys = [];
  for (let i = 1; i <= 50; i++) keys.push((await call('ui:hello', { context: ctxOf(i) })).conversationKey);
  await call('ui:hello', { context: ctxOf(1) });
  const linkedTicket = async (title, n) => {
    const t = await call('ui:createTicket', { requestId: crypto.randomUUID(), title, typeId: 'type-general', conversation: { key: keys[0] } });
    for (let i = 1; i < n; i++) await call('ui:link', { requestId: crypto.randomUUID(), ticketId: t.id, conversation: { key: keys[i] } });
    return t;
  };
  const one = await linkedTicket('Linked once', 1);
  const thirty = await linkedTicket('Linked thirty times', 30);
  const fifty = await linkedTicket('Linked fifty times', 50);
  // With a panel showing the 50-link ticket in another tab, as when an agent works it.
  const watcher = await context.newPage();
  await watcher.goto(PANEL_URL);
  await watcher.getByRole('button', { name: 'Linked fifty times', exact: true }).click();
  await watcher.getByRole('region', { name: 'Activity', exact: true }).waitFor();
  /**
   * State changes through the protocol of the 1-link and the 50-link ticket, and the same records
   * a 50-link change writes (ticket and its search-index record, activity item, 100 effects,
   * request id) written with raw IndexedDB into stores with Backline's indexes, in one
   * transaction. Interleaved, so that all three meet the same load of the shared machine; each
   * change comes when the store is quiet again (the previous one's effects are out).
   */
  const [change1, change50, rawWrite] = await seeder.evaluate(
    async ([ids, keys, schema]) => {
      const send = (type, payload) => chrome.runtime.sendMessage({ type, payload });
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('bench-raw', 1);
        open.onupgradeneeded = () => {
          for (const [name, keyPath, indexes] of schema) {
            const store = open.result.createObjectStore(name, { keyPath });
            for (const [index, path, options] of indexes) store.createIndex(index, path, options ?? {});
          }
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const raw = async (i) => {
        const t0 = performance.now();
        const tx = db.transaction(['tickets', 'ticketWords', 'activity', 'outbox', 'requests'], 'readwrite');
        const now = Date.now();
        const ticketId = crypto.randomUUID();
        const activityId = crypto.randomUUID();
        tx.objectStore('ticketWords').put({ ticketId, order: -now, terms: ['linked', 'fifty', 'times', `#${i + 1}`, 'state:in_progress', 'type:type-general', 'assignee:'] });
        tx.objectStore('tickets').put({ id: ticketId, number: i + 1, kind: 'backoffice', typeId: 'type-general', title: 'Linked fifty times', description: '', user: '', company: '', sharing: 'internal', stateId: 'in_progress', assigneeId: null, attributes: {}, createdAt: now, updatedAt: now, createdBy: 'me', version: 2 });
        tx.objectStore('activity').add({ id: activityId, ticketId, at: now, actorId: 'me', version: 2, type: 'state', from: 'submitted', to: 'in_progress', reopens: true });
        for (const key of keys) {
          for (const kind of ['note', 'reopen']) {
            tx.objectStore('outbox').add({ id: crypto.randomUUID(), ticketId, sourceActivityId: activityId, conversationKey: key, kind, body: kind === 'note' ? '[Backline] Back-office ticket #3 “Linked fifty times” moved from Submitted to In progress by Me.' : '', status: 'queued', attempts: 0, nextAttemptAt: now, lastError: '', createdAt: now, updatedAt: now });
          }
        }
        tx.objectStore('requests').put({ requestId: crypto.randomUUID(), at: now, result: { id: ticketId } });
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
        return performance.now() - t0;
      };
      const versions = {};
      for (const id of ids) versions[id] = (await send('ui:ticketView', { ticketId: id })).data.ticket.version;
      const change = async (ticketId, i) => {
        const t0 = performance.now();
        const r = await send('ui:changeState', { requestId: crypto.randomUUID(), ticketId, baseVersion: versions[ticketId], stateId: i % 2 ? 'submitted' : 'in_progress' });
        const ms = performance.now() - t0;
        versions[ticketId] = r.data.version;
        // The change answers once it has committed; its effects are written into the outbox
        // right after (the fan-out). A read asked now is answered after them.
        const view = await send('ui:ticketView', { ticketId });
        // A note in every linked conversation at least.
        if (view.data.effects.filter((e) => e.sourceActivityId === view.data.activity[0]?.id).length < view.data.links.length) {
          throw new Error('the change’s effects were not all in the outbox when read right after it');
        }
        for (let w = 0; w < 100; w++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          if (!(await send('ui:ticketView', { ticketId })).data.effects.some((e) => e.status === 'queued')) break;
        }
        // The watching panel shows the last outcomes up to 250 ms after they come: quiet after that.
        await new Promise((resolve) => setTimeout(resolve, 400));
        return ms;
      };
      const times = [[], [], []];
      // 15 of each: a change takes 10-20 ms here and the machine's noise is a few ms either way,
      // so the median of 9 moved the ratio by ±0.2 from run to run.
      for (let i = 0; i < 15; i++) {
        times[0].push(await change(ids[0], i));
        times[1].push(await change(ids[1], i));
        times[2].push(await raw(i));
      }
      db.close();
      return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
    },
    [[one.id, fifty.id], keys, RAW_SCHEMA],
  );
  ratio('state change, 50 links vs raw IndexedDB, same records', change50, rawWrite, 1.3);
  // Printed, not budgeted: the issue's budget for this change is against raw IndexedDB (above),
  // and 30 links against 1 through the UI (below). What 50 links cost over 1 here is reading the
  // 50 link records, building the effects and a larger commit (README, Performance).
  console.log(`(state change, 50 links vs 1 link through the protocol: ${(change50 / change1).toFixed(2)}×, ${change50.toFixed(1)} vs ${change1.toFixed(1)} ms)`);

  step('click to new state shown');
  // Through the UI: click on a state to the new state shown, 1 link and 30 links.
  // Above 10 linked conversations (the admin's default), the change asks first: then the click
  // timed is the dialog's Apply, the one that commits.
  const uiChange = async (title, asksFirst) => {
    // The page in front: a page in the background gets no animation frames.
    await seeder.bringToFront();
    await seeder.goto(PANEL_URL);
    await seeder.getByRole('button', { name: title, exact: true }).click();
    const button = seeder.getByRole('button', { name: /^Ticket state/ });
    await button.waitFor();
    const times = [];
    // 15 clicks: each waits up to a frame (16.7 ms) for its first drawing, whatever it costs.
    for (let i = 0; i < 15; i++) {
      const label = i % 2 ? 'Submitted' : 'Waiting on customer';
      await button.click();
      const item = seeder.getByRole('menuitemradio', { name: label, exact: true });
      await item.waitFor();
      const commit = asksFirst ? seeder.getByRole('button', { name: 'Apply', exact: true }) : item;
      if (asksFirst) {
        await item.click();
        await commit.waitFor();
      }
      // Timed in the page, from the click's event to the first frame drawn with the new state
      // (not Playwright's own round trips).
      await seeder.evaluate((label) => {
        window.__stateShown = new Promise((resolve) => {
          let t0;
          document.addEventListener('click', () => (t0 ??= performance.now()), { capture: true, once: true });
          const shown = () => t0 !== undefined && [...document.querySelectorAll('button[aria-haspopup="menu"]')].some((b) => b.textContent?.includes(label));
          const observer = new MutationObserver(() => {
            if (!shown()) return;
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - t0));
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        });
      }, label);
      await commit.click();
      times.push(await seeder.evaluate(() => window.__stateShown));
      await seeder.waitForTimeout(300);
    }
    return median(times);
  };
  const ui1 = await uiChange('Linked once', false);
  const ui30 = await uiChange('Linked thirty times', true);
  ratio('click to new state shown, 30 links vs 1 link', ui30, ui1, 1.3);
  record('click to new state shown, 1 link (median)', ui1, 50, 'ms');
  await watcher.close();

  step('delivery with and without an open panel');
  // --- Delivering a 50-link state change's 100 effects (note + reopen) with a panel showing the
  // ticket and without one. The sandbox gets the 50 conversations the bench linked (clones of its
  // first), and the extension a Chatwoot connection to it, made on the options page as an admin
  // does. The change is made from the options page (it shows no ticket); the time runs from the
  // request to no effect left queued, read in the service worker every 20 ms on both sides.
  await seeder.goto('about:blank');
  for (let id = 1; id <= 50; id++) {
    if (sandbox.state.conversations.some((c) => c.id === id)) continue;
    const copy = structuredClone(sandbox.state.conversations.find((c) => c.id === 1));
    copy.id = id;
    copy.messages = copy.messages.map((m) => ({ ...m, id: sandbox.state.nextMessageId++ }));
    sandbox.state.conversations.push(copy);
  }
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const passphrase = 'bench admin passphrase';
  await options.getByLabel('New admin passphrase', { exact: true }).fill(passphrase);
  await options.getByLabel('Confirm passphrase', { exact: true }).fill(passphrase);
  await options.getByRole('button', { name: 'Set admin passphrase', exact: true }).click();
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).waitFor();
  await options.getByLabel('Admin passphrase', { exact: true }).fill(passphrase);
  await options.getByRole('button', { name: 'Unlock admin settings', exact: true }).click();
  await options.getByRole('button', { name: 'Lock admin settings', exact: true }).waitFor();
  await options.getByRole('button', { name: 'Add connection', exact: true }).click();
  await options.getByRole('combobox', { name: 'Helpdesk', exact: true }).selectOption({ label: 'Chatwoot' });
  await options.getByRole('textbox', { name: 'Base URL', exact: true }).fill(sandbox.url);
  await options.getByRole('textbox', { name: 'Account ID', exact: true }).fill('1');
  await options.getByLabel('API access token', { exact: true }).fill('sandbox-token');
  await options.getByRole('button', { name: 'Save connection', exact: true }).click();
  await options.getByRole('region', { name: 'Connections', exact: true }).getByText('account 1').waitFor();
  /** Effects still queued, read in the service worker (never throttled, unlike a hidden page's timers). */
  const queuedCount = () =>
    browser.worker.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open('backline');
          open.onsuccess = () => {
            const db = open.result;
            const count = db.transaction('outbox').objectStore('outbox').index('byStatus').count('queued');
            count.onsuccess = () => (db.close(), resolve(count.result));
            count.onerror = () => (db.close(), reject(count.error));
          };
          open.onerror = () => reject(open.error);
        }),
    );
  const deliver = async () => {
    const before = await callIn(options)('ui:ticketView', { ticketId: fifty.id });
    const t0 = Date.now();
    // Always a real change (to the state it is not in), so that every run sends 100 effects.
    const stateId = before.ticket.stateId === 'in_progress' ? 'submitted' : 'in_progress';
    const changed = await callIn(options)('ui:changeState', { requestId: crypto.randomUUID(), ticketId: fifty.id, baseVersion: before.ticket.version, stateId });
    while ((await queuedCount()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (Date.now() - t0 > 120_000) throw new Error('The effects were not delivered within 2 minutes.');
    }
    const ms = Date.now() - t0;
    const view = await callIn(options)('ui:ticketView', { ticketId: fifty.id });
    const mine = view.effects.filter((e) => e.createdAt >= changed.updatedAt);
    const failed = mine.filter((e) => e.status === 'failed');
    if (mine.length < 100 || failed.length) throw new Error(`Of ${mine.length} effects, ${failed.length} failed: ${failed[0]?.lastError}`);
    return ms;
  };
  const deliveredOpen = [];
  const deliveredClosed = [];
  for (let i = 0; i < 10; i++) {
    if (i % 2) {
      const panel = await context.newPage();
      await panel.goto(PANEL_URL);
      await panel.getByRole('button', { name: 'Linked fifty times', exact: true }).click();
      await panel.getByRole('region', { name: 'Activity', exact: true }).waitFor();
      deliveredOpen.push(await deliver());
      await panel.close();
    } else {
      deliveredClosed.push(await deliver());
    }
  }
  ratio('delivering 100 effects, panel open on the ticket vs none', median(deliveredOpen), median(deliveredClosed), 1.2);

  step('500 tickets + 1,000 notes');
  // --- The 500 tickets + 1,000 notes case (written one request at a time, as pages do). ---
  await seeder.goto(PANEL_URL);
  await panelReady(seeder);
  const seedTime = await seeder.evaluate(async () => {
    const send = (type, payload) => chrome.runtime.sendMessage({ type, payload });
    const t0 = performance.now();
    let first;
    for (let i = 0; i < 500; i++) {
      const r = await send('ui:createTicket', { requestId: crypto.randomUUID(), title: `Bench ticket ${i} refund export invoice`, typeId: 'type-general' });
      first ??= r.data;
    }
    for (let i = 0; i < 1000; i++) await send('ui:addNote', { requestId: crypto.randomUUID(), ticketId: first.id, body: `Note ${i}: checked the logs again.`, crossPost: false });
    return performance.now() - t0;
  });
  record('500 tickets + 1,000 notes written (total)', seedTime, 60_000, 'ms');

  step('import, export and search over 10,000 tickets');
  // --- A large store: 10,000 tickets and 50,000 activity items, imported through the options page. ---
  const base = await callIn(options)('opt:export', {});
  const file = largeExport(base, 10_000, 50_000);
  const text = JSON.stringify(file);
  const [checkTime, writeTime] = await options.evaluate(async (text) => {
    const send = async (type, payload) => {
      const r = await chrome.runtime.sendMessage({ type, payload });
      if (!r?.ok) throw new Error(`${type}: ${JSON.stringify(r?.error)}`);
      return r.data;
    };
    // As the options page does: the background reads the chosen file by a URL of the page.
    const file = URL.createObjectURL(new File([text], 'backline-export.json', { type: 'application/json' }));
    const t0 = performance.now();
    await send('admin:checkImport', { file });
    const t1 = performance.now();
    await send('admin:import', { requestId: crypto.randomUUID(), file });
    return [t1 - t0, performance.now() - t1];
  }, text);
  record(`import ${(text.length / 1024 / 1024).toFixed(0)} MB: 10,000 tickets, 50,000 activity items (check + write)`, checkTime + writeTime, 10_000, 'ms');
  // The same records written with raw IndexedDB into the same stores and indexes, in one
  // transaction: each ticket, its search-index record, and its activity in packs of a hundred.
  const rawImport = await options.evaluate(
    async ([text, schema]) => {
      const data = JSON.parse(text).data;
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('bench-raw-import', 1);
        open.onupgradeneeded = () => {
          for (const [name, keyPath, indexes] of schema) {
            const store = open.result.createObjectStore(name, { keyPath });
            for (const [index, path, options] of indexes) store.createIndex(index, path, options ?? {});
          }
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const t0 = performance.now();
      const tx = db.transaction(['tickets', 'ticketWords', 'activityPacks'], 'readwrite');
      for (const t of data.tickets) {
        tx.objectStore('tickets').add(t);
        tx.objectStore('ticketWords').add({ ticketId: t.id, order: -t.updatedAt, terms: [...new Set(t.title.toLowerCase().split(/\W+/))] });
      }
      const byTicket = new Map();
      for (const a of data.activity) {
        if (!byTicket.has(a.ticketId)) byTicket.set(a.ticketId, []);
        byTicket.get(a.ticketId).push(a);
      }
      for (const [ticketId, items] of byTicket) {
        for (let i = 0; i < items.length; i += 100) tx.objectStore('activityPacks').add({ ticketId, first: items[i].id, items: items.slice(i, i + 100) });
      }
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return performance.now() - t0;
    },
    [text, RAW_SCHEMA],
  );
  ratio('import write vs raw IndexedDB, same records', writeTime, rawImport, 1.3);
  console.log(`(import: check ${checkTime.toFixed(0)} ms, write ${writeTime.toFixed(0)} ms)`);
  const exportTime = await options.evaluate(async () => {
    const t0 = performance.now();
    const r = await chrome.runtime.sendMessage({ type: 'opt:export', payload: {} });
    const size = JSON.stringify(r.data).length;
    return [performance.now() - t0, size];
  });
  record(`export of the large store (read + compact JSON, ${(exportTime[1] / 1024 / 1024).toFixed(0)} MB)`, exportTime[0], 10_000, 'ms');

  step('opening long tickets');
  // Open a ticket with 10,000 activity items and one with 100, from the queue, to its newest item shown.
  await seeder.bringToFront();
  const openTicket = async (title, newest) => {
    const times = [];
    for (let i = 0; i < 5; i++) {
      await seeder.goto(PANEL_URL);
      await seeder.getByRole('button', { name: 'All tickets', exact: true }).click();
      await seeder.getByRole('searchbox', { name: 'Search tickets', exact: true }).fill(title);
      const button = seeder.getByRole('button', { name: title, exact: true });
      await button.waitFor();
      const t0 = Date.now();
      await button.click();
      await seeder.getByRole('region', { name: 'Activity', exact: true }).getByText(newest, { exact: true }).waitFor();
      times.push(Date.now() - t0);
    }
    return median(times);
  };
  const open100 = await openTicket('One hundred items', 'Item 100 of 100');
  const open10k = await openTicket('Ten thousand items', 'Item 10000 of 10000');
  ratio('open a ticket, 10,000 activity items vs 100', open10k, open100, 1.5);

  step('typing in a long ticket');
  // Typing never waits: time per key press in the Note box of that long ticket.
  const note = seeder.getByRole('textbox', { name: 'Note', exact: true });
  await note.click();
  const typed = 'The customer confirmed the refund arrived, closing the loop. '.repeat(2);
  const t0 = Date.now();
  await seeder.keyboard.type(typed);
  record('typing in the Note box of a 10,000-item ticket (per key)', (Date.now() - t0) / typed.length, 16, 'ms');

  step('search and queue over 10,000 tickets');
  // Measured once the import's writes have settled (just after a 15 MB import, IndexedDB's own
  // housekeeping slows every read for a few seconds; the steps above run meanwhile).
  await seeder.goto(PANEL_URL);
  await panelReady(seeder);
  console.log(`(first search keystroke over 10,000 tickets, which starts the index in memory: ${await firstKeystroke(seeder)} ms)`);
  const search10k = await timeRequest(seeder, 'ui:queryTickets', (i) => ({ text: KEYSTROKES[i % KEYSTROKES.length], limit: 51 }), 27);
  const queue10k = await timeRequest(seeder, 'ui:queryTickets', () => ({ limit: 51 }), 27);
  ratio('search keystroke, 10,000 tickets vs 100', search10k, search100, 3);
  ratio('queue open, 10,000 tickets vs 100', queue10k, queue100, 1.5);
  record('search keystroke over 10,000 tickets (median)', search10k, 16, 'ms');
  record('queue open over 10,000 tickets (median)', queue10k, 50, 'ms');
} finally {
  await browser.close();
  await sandbox.close();
}

/**
 * An export like the options page's, grown to `tickets` tickets and `items` activity items: the
 * first ticket has 10,000 items ("Ten thousand items"), the second 100 ("One hundred items"),
 * the rest share what is left. Ids grow with time, as Backline's do.
 */
function largeExport(base, tickets, items) {
  const me = base.data.meta.me ?? base.data.teammates[0]?.id;
  const t0 = Date.UTC(2025, 0, 1);
  let seq = 0;
  const id = () => {
    const hex = (seq++).toString(16).padStart(18, '0');
    return `01900000-0000-7${hex.slice(0, 3)}-8${hex.slice(3, 6)}-${hex.slice(6, 18)}`;
  };
  const list = [];
  for (let i = 0; i < tickets; i++) {
    const title = i === 0 ? 'Ten thousand items' : i === 1 ? 'One hundred items' : `Imported ticket ${i} ${WORDS[i % 10]} ${WORDS[(i * 3 + 1) % 10]} ${WORDS[(i * 7 + 2) % 10]}`;
    list.push({ id: id(), number: i + 1, kind: 'backoffice', typeId: 'type-general', title, description: '', user: 'Carol Customer', company: 'Acme Ltd', sharing: 'internal', stateId: 'submitted', assigneeId: null, attributes: {}, createdAt: t0 + i, updatedAt: t0 + i, createdBy: me, version: 1 });
  }
  const activity = [];
  const note = (ticket, n, of, at) => activity.push({ id: id(), ticketId: ticket.id, at, actorId: me, type: 'note', body: `Item ${n} of ${of}`, crossPosted: false });
  for (let n = 1; n <= 10_000; n++) note(list[0], n, 10_000, t0 + 1_000_000 + n);
  for (let n = 1; n <= 100; n++) note(list[1], n, 100, t0 + 2_000_000 + n);
  for (let k = 0; activity.length < items; k++) note(list[2 + (k % (tickets - 2))], k, 0, t0 + 3_000_000 + k);
  return { ...base, exportedAt: new Date().toISOString(), data: { ...base.data, tickets: list, links: [], conversations: [], outbox: [], activity, meta: { ...base.data.meta, ticketCounter: tickets, me } } };
}

for (const r of ratios) {
  results.push({
    name: r.name,
    value: r.ratio,
    budget: r.budget,
    unit: '×',
    ok: r.ok,
    detail: `${r.value.toFixed(1)} ms vs ${r.baseline.toFixed(1)} ms`,
  });
}

let failed = 0;
for (const r of results) {
  const value = r.unit === '×' ? r.value.toFixed(2) : r.value.toFixed(1);
  const line = `${r.ok ? 'ok  ' : 'OVER'}  ${r.name.padEnd(72)} ${value.padStart(9)} ${r.unit.padEnd(3)} budget ${r.budget} ${r.unit}${r.detail ? `   (${r.detail})` : ''}`;
  console.log(line);
  if (!r.ok) failed++;
}
console.log(failed ? `\n${failed} budget(s) exceeded.` : '\nAll budgets met.');
process.exit(failed ? 1 : 0);
