/**
 * Backline in Firefox ESR end to end: the Firefox package (.output/firefox-mv3), the sandbox
 * helpdesk as Chatwoot. The dock is checked on the helpdesk page (its closed shadow root hides
 * the panel frame from puppeteer); the panel is driven in a tab as panel.html?url=<conversation>.
 * Outcomes in the helpdesk are read from the sandbox's own state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aria, click, count, fill, find, itemsIn, launchFirefox, poll, textOf, type FirefoxHarness } from './harness';

let h: FirefoxHarness;
let options: Page;
const PASS = 'firefox admin passphrase';

beforeAll(async () => {
  h = await launchFirefox();
});
afterAll(async () => {
  await h?.close();
});

const conversationUrl = (id: number) => `${h.sandbox.url}/app/accounts/1/conversations/${id}`;
const panelPath = (id: number) => `panel.html?url=${encodeURIComponent(conversationUrl(id))}`;
const sb = (id: number) => h.sandbox.state.conversations.find((c) => c.id === id)!;
const privateNotes = (id: number, text: string) => sb(id).messages.filter((m) => m.private && m.content.includes(text));

/** What the background knows of each tab's page (the content script's reports), read by an extension page. */
async function tabContexts(page: Page): Promise<{ conversationId: string | null }[]> {
  return page.evaluate(async () => {
    const all = (await (globalThis as unknown as { browser: typeof chrome }).browser.storage.session.get(null)) as Record<string, { context: { conversationId: string } | null }>;
    return Object.entries(all)
      .filter(([k]) => k.startsWith('tab:'))
      .map(([, v]) => ({ conversationId: v.context?.conversationId ?? null }));
  });
}

const addConnectionDisabled = async () =>
  (await find(options, aria('Add connection', 'button'))).evaluate((b) => (b as HTMLButtonElement).disabled);

async function headingText(page: Page): Promise<string> {
  return textOf(await find(page, 'h1'));
}

describe('Firefox', () => {
  it('docks the panel on a helpdesk conversation and follows an in-app navigation', async () => {
    const page = await h.openConversation(2);
    // The dock: present, on the right, as wide as the panel.
    const box = await poll(() => page.evaluate(() => {
      const dock = document.querySelector('backline-dock');
      const r = dock?.getBoundingClientRect();
      // The viewport without its scroll bar: the page, narrowed beside the dock, may now scroll.
      return r && r.width > 0 ? { right: Math.round(r.right), width: Math.round(r.width), vw: document.documentElement.clientWidth } : null;
    }), 15_000, 'the dock');
    expect(box.right).toBe(box.vw);
    expect(box.width).toBeGreaterThanOrEqual(320);

    options = await h.openExtensionPage('options.html');
    await poll(async () => (await tabContexts(options)).some((t) => t.conversationId === '2'), 15_000, 'conversation 2 reported');

    // In-app navigation (the sandbox changes the URL without a reload): the content script follows.
    await page.bringToFront();
    await click(page, 'a[href$="/conversations/3"]');
    await poll(async () => (await tabContexts(options)).some((t) => t.conversationId === '3'), 15_000, 'conversation 3 reported');
    expect((await tabContexts(options)).some((t) => t.conversationId === '2')).toBe(false);
    // Still the same dock, not a reload of the page.
    expect(await page.evaluate(() => document.querySelectorAll('backline-dock').length)).toBe(1);
    await page.close();
  });

  it('locks admin settings: a wrong passphrase unlocks nothing, the right one does, Lock locks again', async () => {
    await options.bringToFront();
    await fill(options, aria('New admin passphrase'), PASS);
    await fill(options, aria('Confirm passphrase'), PASS);
    await click(options, aria('Set admin passphrase', 'button'));
    await find(options, aria('Unlock admin settings', 'button'));

    await fill(options, aria('Admin passphrase'), 'not the passphrase');
    await click(options, aria('Unlock admin settings', 'button'));
    const alert = await find(options, '[role="alert"]');
    expect(await textOf(alert)).toMatch(/passphrase/i);
    expect(await count(options, aria('Lock admin settings', 'button'))).toBe(0);
    expect(await addConnectionDisabled()).toBe(true);

    await fill(options, aria('Admin passphrase'), PASS);
    await click(options, aria('Unlock admin settings', 'button'));
    await find(options, aria('Lock admin settings', 'button'));
    expect(await addConnectionDisabled()).toBe(false);
    await click(options, aria('Lock admin settings', 'button'));
    await find(options, aria('Unlock admin settings', 'button'));
    expect(await addConnectionDisabled()).toBe(true);

    // Unlocked again, the admin connects the sandbox as Chatwoot (as connectSandboxAsAdmin does).
    await fill(options, aria('Admin passphrase'), PASS);
    await click(options, aria('Unlock admin settings', 'button'));
    await click(options, aria('Add connection', 'button'));
    const helpdesk = await find(options, aria('Helpdesk', 'combobox'));
    const chatwoot = await helpdesk.evaluate((s) => [...(s as HTMLSelectElement).options].find((o) => o.text === 'Chatwoot')?.value ?? '');
    await helpdesk.select(chatwoot);
    await fill(options, aria('Base URL', 'textbox'), h.sandbox.url);
    await fill(options, aria('Account ID', 'textbox'), '1');
    await fill(options, aria('API access token'), 'sandbox-token');
    await click(options, aria('Save connection', 'button'));
    await poll(async () => (await itemsIn(options, 'Connections', 'account 1')).length > 0 || (await textOf(await find(options, aria('Connections', 'region')))).includes('account 1'), 15_000, 'the saved connection');
  });

  let panel: Page;
  const TITLE = 'Refund stuck in Firefox';

  it('shows the conversation the URL names, and another when the URL names another', async () => {
    panel = await h.openExtensionPage(panelPath(3));
    await poll(async () => (await headingText(panel)).includes('#3'), 15_000, 'conversation 3 in the panel');
    await h.gotoExtensionPage(panel, panelPath(2));
    await poll(async () => (await headingText(panel)).includes('#2'), 15_000, 'conversation 2 in the panel');
    await find(panel, aria('Linked tickets', 'region'));
  });

  it('creates a ticket linked to the conversation', async () => {
    await click(panel, aria('New back-office ticket', 'button'));
    await fill(panel, aria('Title', 'textbox'), TITLE);
    await find(panel, aria('Ticket type', 'combobox'));
    await click(panel, aria('Create ticket', 'button'));
    await poll(async () => (await count(panel, aria(TITLE, 'heading'))) === 1, 15_000, 'the new ticket');
    expect(await textOf(await find(panel, aria('Ticket state: Submitted', 'button')))).toContain('Submitted');
    const links = await find(panel, aria('Links', 'region'));
    expect(await textOf(links)).toContain('#2');
  });

  it('counts the linked ticket on the toolbar button of the conversation’s tab', async () => {
    const page = await h.openConversation(2);
    const look = () =>
      options.evaluate(async (url) => {
        const api = (globalThis as unknown as { browser: typeof chrome }).browser;
        // Filtered here: a match pattern with a port matches nothing in Firefox.
        const tab = (await api.tabs.query({})).find((t) => t.url === url);
        return tab ? { badge: await api.action.getBadgeText({ tabId: tab.id }), title: await api.action.getTitle({ tabId: tab.id }) } : null;
      }, conversationUrl(2));
    await poll(async () => (await look())?.badge === '1', 15_000, 'the badge');
    expect((await look())?.title).toBe('Backline: 1 linked ticket on this conversation');
    await page.close();
  });

  it('changes its state, which reaches the helpdesk (note, reopened)', async () => {
    expect(sb(2).status).toBe('snoozed');
    await click(panel, aria('Ticket state: Submitted', 'button'));
    await click(panel, aria('In progress', 'menuitemradio'));
    await find(panel, aria('Ticket state: In progress', 'button'));
    await poll(() => sb(2).status === 'open' && privateNotes(2, 'In progress').length === 1, 30_000, 'the sandbox reopened with a note');
    expect(sb(2).messages.filter((m) => !m.private && m.message_type === 1 && m.content.includes('In progress'))).toHaveLength(0);
  });

  it('adds a note on the ticket only, and cross-posts one to the conversation', async () => {
    const kept = 'Checked the ledger (Firefox)';
    await fill(panel, aria('Note', 'textbox'), kept);
    await click(panel, aria('Add note', 'button'));
    await poll(async () => (await itemsIn(panel, 'Activity', kept)).length === 1, 15_000, 'the note in Activity');

    const shared = 'Refund reissued (Firefox)';
    await fill(panel, aria('Note', 'textbox'), shared);
    await click(panel, aria('Cross-post note', 'button'));
    const [item] = await poll(async () => {
      const items = await itemsIn(panel, 'Activity', shared);
      return items.length === 1 ? items : null;
    }, 15_000, 'the cross-posted note in Activity');
    expect(await textOf(item)).toContain('Cross-posted');
    await poll(() => privateNotes(2, shared).length === 1, 30_000, 'the cross-posted note in the sandbox');
    expect(privateNotes(2, kept)).toHaveLength(0);
  });

  it('imports an export through the options page: the background reads the chosen file by its blob: URL', async () => {
    await options.bringToFront();
    const file = await options.evaluate(async () => {
      const api = (globalThis as unknown as { browser: typeof chrome }).browser;
      return (await api.runtime.sendMessage({ type: 'opt:export', payload: {} })).data;
    });
    expect(file.data.tickets.map((t: { title: string }) => t.title)).toEqual([TITLE]);
    const path = join(mkdtempSync(join(tmpdir(), 'backline-firefox-')), 'backline-export.json');
    writeFileSync(path, JSON.stringify(file));
    // (Puppeteer’s aria query does not find the file input by its label in Firefox: found by its type.)
    const input = (await find(options, 'input[type="file"]')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(path);
    const dialog = await find(options, aria('Replace all data with this file?', 'dialog'));
    expect(await textOf(dialog)).toMatch(/1 ticket, 2 notes/);
    await click(dialog, aria('Replace all data', 'button'));
    const announced = () => options.evaluate(() => [...document.querySelectorAll('[role="status"]')].some((e) => /Imported 1 ticket/.test(e.textContent ?? '')));
    await poll(announced, 30_000, 'the import announced');
    // The panel still shows the ticket, read from what was imported.
    await poll(async () => (await itemsIn(panel, 'Activity', 'Refund reissued (Firefox)')).length === 1, 15_000, 'the imported note in Activity');
  });
});
