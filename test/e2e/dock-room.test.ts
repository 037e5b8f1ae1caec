/**
 * The dock makes room (issue 14): by default the helpdesk page is narrowed by the panel's width
 * instead of being covered, and given back whole when the panel is collapsed, hidden by the
 * keyboard command or removed. Overlay is a per-helpdesk choice made from the dock.
 *
 * The dock's own controls live in a closed shadow root that Playwright's locators do not enter;
 * they are found here the way assistive technology finds them, by role and exact accessible name
 * in the browser's accessibility tree (CDP), then clicked with the mouse or used from the keyboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, panelFrame, type Harness } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await launch();
  ({ page } = await h.openConversation(2));
});
afterAll(async () => {
  await h?.close();
});

/** A control of the dock, by role and exact accessible name, as a screen reader would find it. */
async function dockControl(role: string, name: string) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const { nodes } = await cdp.send('Accessibility.queryAXTree', { backendNodeId: root.backendNodeId, accessibleName: name, role });
    return nodes.filter((n) => !n.ignored && n.backendDOMNodeId).map((n) => n.backendDOMNodeId!);
  } finally {
    await cdp.detach();
  }
}

async function click(role: string, name: string) {
  const [id] = await dockControl(role, name);
  if (!id) throw new Error(`No ${role} named “${name}” in the dock.`);
  const cdp = await page.context().newCDPSession(page);
  const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: id });
  await cdp.detach();
  const [x1, y1, , , x3, y3] = model.border;
  await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
}

async function focus(role: string, name: string) {
  const [id] = await dockControl(role, name);
  if (!id) throw new Error(`No ${role} named “${name}” in the dock.`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.focus', { backendNodeId: id });
  await cdp.detach();
}

/** Where the page's layout ends, where the dock starts, and whether the last message is in full view. */
function geometry() {
  return page.evaluate(() => {
    const msgs = document.querySelectorAll<HTMLElement>('[data-testid="message"]');
    const last = msgs[msgs.length - 1]!;
    last.scrollIntoView({ block: 'center' });
    const m = last.getBoundingClientRect();
    const dock = document.querySelector('backline-dock')!.getBoundingClientRect();
    // Hit-test the message's corners: what the agent sees there is the message, not the dock.
    const points = [
      [m.left + 2, m.top + 2],
      [m.right - 2, m.top + 2],
      [m.left + 2, m.bottom - 2],
      [m.right - 2, m.bottom - 2],
    ];
    return {
      pageWidth: document.documentElement.getBoundingClientRect().width,
      rootStyle: document.documentElement.getAttribute('style'),
      dockLeft: dock.left,
      dockWidth: dock.width,
      messageRight: m.right,
      messageVisible: points.every(([x, y]) => last.contains(document.elementFromPoint(x!, y!))),
    };
  });
}

const toggleCommand = () =>
  h.worker.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
    await chrome.tabs.sendMessage(tab!.id!, { type: 'bg:togglePanel' });
  });

describe('the dock makes room beside the page', () => {
  it('narrows the page by the panel’s width, so the last message is fully visible beside it', async () => {
    await expect.poll(async () => (await geometry()).dockWidth).toBeGreaterThan(300);
    const g = await geometry();
    expect(g.messageRight).toBeLessThanOrEqual(g.dockLeft);
    expect(g.messageVisible).toBe(true);
    expect(g.pageWidth).toBeLessThanOrEqual(g.dockLeft + 1);
  });

  it('keeps the page narrowed by the new width when the agent resizes the panel', async () => {
    const before = await geometry();
    await focus('separator', 'Resize Backline panel');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowLeft');
    await expect.poll(async () => (await geometry()).dockWidth).toBe(before.dockWidth + 128);
    const g = await geometry();
    expect(g.pageWidth).toBeLessThanOrEqual(g.dockLeft + 1);
    expect(g.pageWidth).toBeLessThan(before.pageWidth - 100);
    expect(g.messageRight).toBeLessThanOrEqual(g.dockLeft);
    expect(g.messageVisible).toBe(true);
  });

  it('gives the page its full width back, exactly as it was, when the panel is collapsed or hidden', async () => {
    await click('button', 'Collapse Backline panel');
    await expect.poll(async () => (await geometry()).rootStyle).toBeNull();
    let g = await geometry();
    expect(g.pageWidth).toBe(await page.evaluate(() => document.documentElement.clientWidth));
    await click('button', 'Open Backline panel');
    await expect.poll(async () => (await geometry()).dockWidth).toBeGreaterThan(300);
    g = await geometry();
    expect(g.pageWidth).toBeLessThanOrEqual(g.dockLeft + 1);

    // The keyboard command (Alt+Shift+B) hides the panel: the page is whole again.
    await page.bringToFront();
    await toggleCommand();
    await expect.poll(async () => (await geometry()).rootStyle).toBeNull();
    await toggleCommand();
    await expect.poll(async () => (await geometry()).pageWidth).toBeLessThanOrEqual((await geometry()).dockLeft + 1);
    expect((await geometry()).dockWidth).toBeGreaterThan(300);
  });

  it('overlays the page when the agent chooses so for this helpdesk, and remembers it', async () => {
    await click('button', 'Overlay the page');
    await expect.poll(async () => (await geometry()).rootStyle).toBeNull();
    let g = await geometry();
    // The panel now covers the page's right side: the last message runs under it.
    expect(g.messageRight).toBeGreaterThan(g.dockLeft);
    expect(g.messageVisible).toBe(false);
    const stored = await h.worker.evaluate(() => chrome.storage.local.get('panelLayout:chatwoot'));
    expect(stored['panelLayout:chatwoot']).toMatchObject({ overlay: true });

    await page.reload();
    await panelFrame(page);
    await expect.poll(async () => (await dockControl('button', 'Make room beside the page')).length).toBe(1);
    g = await geometry();
    expect(g.rootStyle).toBeNull();
    expect(g.messageRight).toBeGreaterThan(g.dockLeft);

    // Back to making room, from the keyboard.
    await focus('button', 'Make room beside the page');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await dockControl('button', 'Overlay the page')).length).toBe(1);
    g = await geometry();
    expect(g.pageWidth).toBeLessThanOrEqual(g.dockLeft + 1);
    expect(g.messageVisible).toBe(true);
  });

  it('a page that resets its width is narrowed again, and cannot use its root to hide or move the dock', async () => {
    const dockBefore = (await geometry()).dockLeft;
    await page.evaluate(() => document.documentElement.style.setProperty('width', '100%', 'important'));
    await expect.poll(async () => (await geometry()).pageWidth, { timeout: 5000 }).toBeLessThanOrEqual(dockBefore + 1);
    await page.addStyleTag({ content: 'html { width: 0 !important; margin-left: 100vw !important; transform: translateX(-50vw) !important }' });
    await page.evaluate(() => document.documentElement.setAttribute('style', 'width: 5px !important'));
    const dock = await page.evaluate(() => {
      const host = document.querySelector('backline-dock')!;
      const r = host.getBoundingClientRect();
      return { left: r.left, width: r.width, onTop: document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === host };
    });
    expect(dock).toEqual({ left: dockBefore, width: expect.any(Number), onTop: true });
    expect(dock.width).toBeGreaterThan(300);
    await page.reload();
    await panelFrame(page);
    await expect.poll(async () => (await geometry()).dockWidth).toBeGreaterThan(300);
  });

  it('gives the page back on an in-app page with no conversation (the panel hides), and narrows it again on the next one', async () => {
    await page.locator('a.brand').click();
    await expect.poll(() => page.url()).toMatch(/\/conversations$/);
    await expect.poll(() => page.evaluate(() => document.documentElement.getAttribute('style')), { timeout: 5000 }).toBeNull();
    await page.locator('a[href$="/conversations/3"]').first().click();
    await expect.poll(async () => (await geometry()).dockWidth, { timeout: 5000 }).toBeGreaterThan(300);
    const g = await geometry();
    expect(g.pageWidth).toBeLessThanOrEqual(g.dockLeft + 1);
    expect(g.messageVisible).toBe(true);
  });

  it('gives the page back when the extension reloads and leaves the content script orphaned', async () => {
    expect((await geometry()).rootStyle).not.toBeNull();
    await h.worker.evaluate(() => chrome.runtime.reload()).catch(() => {});
    await expect.poll(() => page.locator('backline-dock').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.evaluate(() => document.documentElement.getAttribute('style'))).toBeNull();
  });
});
