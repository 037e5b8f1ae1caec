/**
 * The toolbar button in Chromium: Backline's icon, and a badge and tooltip that count the tickets
 * linked to the conversation in the tab, read from the extension's service worker as the browser
 * holds them (chrome.action.getBadgeText / getTitle for the tab).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let page: Page;
let panel: Frame;
let tabId: number;

beforeAll(async () => {
  h = await launch();
  ({ page, panel } = await h.openConversation(2));
  tabId = await h.worker.evaluate(async (url) => {
    const [tab] = await chrome.tabs.query({ url });
    return tab.id!;
  }, page.url());
});
afterAll(async () => {
  await h?.close();
});

const badge = () => h.worker.evaluate((tabId) => chrome.action.getBadgeText({ tabId }), tabId);
const title = () => h.worker.evaluate((tabId) => chrome.action.getTitle({ tabId }), tabId);

describe('toolbar button', () => {
  it('has Backline’s icon at every size', async () => {
    const manifest = await h.worker.evaluate(() => chrome.runtime.getManifest());
    const sizes = { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' };
    expect(manifest.icons).toEqual(sizes);
    expect(manifest.action?.default_icon).toEqual(sizes);
    const ok = await h.worker.evaluate(async () => (await fetch(chrome.runtime.getURL('/icon/16.png'))).ok);
    expect(ok).toBe(true);
  });

  it('shows no count on a conversation without linked tickets', async () => {
    await expect.poll(title).toBe('Backline: no linked tickets on this conversation');
    expect(await badge()).toBe('');
  });

  it('counts a ticket created from the conversation', async () => {
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill('Badge ticket');
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(badge).toBe('1');
    expect(await title()).toBe('Backline: 1 linked ticket on this conversation');
  });

  it('follows an in-app navigation to another conversation and back', async () => {
    await page.locator('a[href$="/conversations/3"]').first().click();
    await expect.poll(badge).toBe('');
    expect(await title()).toBe('Backline: no linked tickets on this conversation');
    await page.locator('a[href$="/conversations/2"]').first().click();
    await expect.poll(badge).toBe('1');
  });

  it('counts a second ticket linked to the conversation', async () => {
    await panel.getByRole('button', { name: 'Back', exact: true }).click();
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill('Second badge ticket');
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(badge).toBe('2');
    expect(await title()).toBe('Backline: 2 linked tickets on this conversation');
  });
});
