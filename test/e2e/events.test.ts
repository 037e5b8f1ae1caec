/**
 * Panels trust only the background. A content script (any helpdesk page's isolated world) can
 * send runtime messages to every extension page; forged `bg:` events sent that way must change
 * nothing in any panel: the in-page panel of another tab, a panel.html in a tab of its own, and
 * the browser's side panel (opened for real, and read from the options page through
 * chrome.extension.getViews, since Playwright does not list it as a page).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { conversationKey } from '../../lib/helpdesks';
import { type PageContext } from '../../lib/model/helpdesk';
import { launch, type Harness } from './harness';

let h: Harness;
let pageA: Page; // conversation 1: the panel that forged events target
let panelA: Frame;
let pageB: Page; // conversation 2: the page whose content script forges
let tabPanel: Page; // panel.html?…conversation=3 in a tab of its own
let options: Page; // opens the side panel, and reads it
const errors: string[] = [];

const SLOW = { timeout: 15_000, interval: 100 };

beforeAll(async () => {
  h = await launch();
  ({ page: pageA, panel: panelA } = await h.openConversation(1));
  ({ page: pageB } = await h.openConversation(2));
  tabPanel = await h.openExtensionPage(`panel.html?helpdesk=chatwoot&host=${encodeURIComponent(h.sandbox.url)}&account=1&conversation=3`);
  options = await h.openExtensionPage('options.html');
  // An exception in a panel's event handler is reported as a console error of the panel.
  for (const page of [pageA, tabPanel]) {
    page.on('console', (m) => {
      if (m.type() === 'error' && m.location().url.startsWith('chrome-extension://')) errors.push(`${m.location().url}: ${m.text()}`);
    });
  }
});
afterAll(async () => {
  await h?.close();
});

const heading = (frame: Page | Frame) => frame.getByRole('heading', { level: 1 }).textContent();
const context = (id: number): PageContext => ({ helpdesk: 'chatwoot', origin: h.sandbox.url, account: '1', conversationId: String(id), kind: 'conversation' });

/** The browser's side panel, opened the way a person does (a click: Chrome needs a user gesture). */
async function openSidePanel(): Promise<void> {
  await options.bringToFront();
  await options.evaluate(() => {
    const button = document.createElement('button');
    button.id = 'open-side-panel';
    button.textContent = 'Open side panel';
    button.onclick = async () => chrome.sidePanel.open({ windowId: (await chrome.windows.getCurrent()).id! });
    document.body.prepend(button);
  });
  await options.click('#open-side-panel');
  await expect.poll(() => sidePanel('h1'), SLOW).toBe('Backline');
}

/** Text in the side panel (the only panel.html view without parameters). */
function sidePanel(selector: string): Promise<string | null> {
  return options.evaluate((selector) => {
    const views = chrome.extension.getViews().filter((w) => w.location.pathname === '/panel.html' && w.location.search === '');
    if (views.length !== 1) return null;
    return views[0]!.document.querySelector(selector)?.textContent ?? '';
  }, selector);
}

/** A helpdesk tab's id (the extension may read those tabs' addresses). */
async function tabIdOf(page: Page): Promise<number> {
  return h.worker.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)!.id!, page.url());
}

/** Sends a message from the content script on conversation 2's page, as any content script could. */
function forge(message: unknown): Promise<unknown> {
  return h.evaluateInContentScript(pageB, `chrome.runtime.sendMessage(${JSON.stringify(message)}).catch((e) => e.message)`);
}

describe('background events reach panels only from the background', () => {
  it('the side panel follows the active tab (bg:activeTab on its port)', async () => {
    await openSidePanel();
    await pageB.bringToFront();
    await expect.poll(() => sidePanel('h1'), SLOW).toBe('Chatwoot conversation #2');
    await pageA.bringToFront();
    await expect.poll(() => sidePanel('h1'), SLOW).toBe('Chatwoot conversation #1');
    expect(await heading(panelA)).toBe('Chatwoot conversation #1');
    expect(await heading(tabPanel)).toBe('Chatwoot conversation #3');
  });

  it('forged bg: events from a content script change nothing in any panel, and crash none', async () => {
    const tabA = await tabIdOf(pageA);
    const tabOfPanel = await tabPanel.evaluate(async () => (await chrome.tabs.getCurrent())!.id!);
    const elsewhere = { context: context(2), conversationKey: conversationKey(context(2)) };
    const forged = [
      { type: 'bg:tabContext', tabId: tabA, ...elsewhere }, // re-point the panel in another tab
      { type: 'bg:tabContext', tabId: tabOfPanel, ...elsewhere }, // …and the panel in a tab of its own
      { type: 'bg:activeTab', tabId: 424242, ...elsewhere }, // re-point the side panel
      { type: 'bg:changed' }, // malformed: no `changes`
      { type: 'bg:changed', changes: { ticketIds: 'all', conversationKeys: null } },
    ];
    // Each send settles once every extension page's listeners have run: what they would do, they did.
    for (const message of forged) await forge(message);

    // A content script cannot listen on the pages' port either: the background closes it.
    const listened = await h.evaluateInContentScript(
      pageB,
      `new Promise((resolve) => { const port = chrome.runtime.connect({ name: 'backline:events' }); port.onDisconnect.addListener(() => resolve('closed')); })`,
    );
    expect(listened).toBe('closed');

    // A ticket created now in the panel of conversation 1 links to conversation 1. (By keyboard:
    // the open side panel narrows the window, so pointer positions would miss.)
    await panelA.getByRole('button', { name: 'New back-office ticket', exact: true }).press('Enter');
    await panelA.getByRole('textbox', { name: 'Title', exact: true }).fill('Invoice PDF is blank');
    await panelA.getByRole('button', { name: 'Create ticket', exact: true }).press('Enter');
    await expect.poll(() => panelA.getByRole('heading', { name: 'Invoice PDF is blank', exact: true }).count(), SLOW).toBe(1);
    const links = panelA.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem');
    await expect.poll(() => links.allTextContents(), SLOW).toEqual([expect.stringContaining('Chatwoot conversation #1')]);

    await panelA.getByRole('button', { name: 'Back', exact: true }).press('Enter');
    expect(await heading(panelA)).toBe('Chatwoot conversation #1');
    expect(await heading(tabPanel)).toBe('Chatwoot conversation #3');
    // The side panel still shows conversation 1, and still hears the background: the new ticket is listed.
    expect(await sidePanel('h1')).toBe('Chatwoot conversation #1');
    await expect.poll(() => sidePanel('section[aria-label="Linked tickets"]'), SLOW).toContain('Invoice PDF is blank');

    expect(errors).toEqual([]);
  });
});
