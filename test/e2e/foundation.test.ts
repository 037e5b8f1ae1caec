import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, panelFrame, sendRaw, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await launch();
});
afterAll(async () => {
  await h?.close();
});

describe('foundation: the panel on a helpdesk page', () => {
  it('docks the panel beside a sandbox conversation and follows in-app navigation without reloading', async () => {
    const { page, panel } = await h.openConversation(1);
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain('#1');
    await expect.poll(() => panel.getByRole('region', { name: 'Linked tickets', exact: true }).count()).toBe(1);

    // Mark both documents: a reload of either would lose the marks.
    await page.evaluate(() => ((window as unknown as { __mark: number }).__mark = 42));
    await panel.evaluate(() => ((window as unknown as { __mark: number }).__mark = 7));

    await page.locator('a[href$="/conversations/2"]').first().click();
    await expect.poll(() => page.url()).toMatch(/\/conversations\/2$/);
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent(), { timeout: 5000 }).toContain('#2');
    expect(await page.evaluate(() => (window as unknown as { __mark?: number }).__mark)).toBe(42);
    expect(await panel.evaluate(() => (window as unknown as { __mark?: number }).__mark)).toBe(7);

    // Back goes back, and the panel follows again.
    await page.goBack();
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent(), { timeout: 5000 }).toContain('#1');
    await page.close();
  });

  it('keeps the panel out of the host page’s reach', async () => {
    const { page } = await h.openConversation(3);
    const seen = await page.evaluate(() => {
      const host = document.querySelector('backline-dock');
      return {
        hasHost: !!host,
        shadowRoot: host?.shadowRoot ?? null,
        framesInDom: document.querySelectorAll('iframe').length,
        runtime: typeof (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime?.sendMessage,
      };
    });
    expect(seen.hasHost).toBe(true);
    expect(seen.shadowRoot).toBeNull(); // closed shadow root
    expect(seen.framesInDom).toBe(0);
    expect(seen.runtime).toBe('undefined'); // a web page cannot message the extension
    await page.close();
  });

  it('refuses forged and malformed messages and changes nothing', async () => {
    const { page, panel } = await h.openConversation(1);
    // A content script (the page's isolated world) forging a panel write.
    const forged = await h.evaluateInContentScript(
      page,
      `chrome.runtime.sendMessage({ type: 'ui:createTicket', payload: { requestId: '0198c0de-0000-7000-8000-000000000001', title: 'Forged', typeId: 'type-general' } })`,
    );
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Malformed and unknown messages from an extension page.
    expect(await sendRaw(panel, { type: 'ui:addNote', payload: { body: 5 } })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await sendRaw(panel, { type: 'ui:dropEverything', payload: {} })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await sendRaw(panel, 'hello')).toMatchObject({ ok: false, error: { code: 'invalid' } });
    // An admin write from the panel.
    expect(
      await sendRaw(panel, { type: 'admin:saveSettings', payload: { requestId: '0198c0de-0000-7000-8000-000000000002', settings: { preventReopen: true } } }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const tickets = (await sendRaw(panel, { type: 'ui:queryTickets', payload: {} })) as { ok: true; data: unknown[] };
    expect(tickets).toMatchObject({ ok: true });
    expect(tickets.data).toHaveLength(0);
    const settings = await sendRaw(panel, { type: 'ui:getSettings', payload: {} });
    expect(settings).toMatchObject({ ok: true, data: { preventReopen: false } });
    await page.close();
  });

  it('toggles the panel from the keyboard command and remembers it per helpdesk', async () => {
    const { page } = await h.openConversation(4);
    const width = () => page.evaluate(() => (document.querySelector('backline-dock') as HTMLElement).getBoundingClientRect().width);
    expect(await width()).toBeGreaterThan(300);
    // The command's handler, as the browser calls it for Alt+Shift+B.
    await page.bringToFront();
    await h.worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
      await chrome.tabs.sendMessage(tab!.id!, { type: 'bg:togglePanel' });
    });
    await expect.poll(width).toBe(0);
    await page.reload();
    await panelFrame(page).catch(() => null);
    await expect.poll(width).toBe(0);
    await h.worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
      await chrome.tabs.sendMessage(tab!.id!, { type: 'bg:togglePanel' });
    });
    await expect.poll(width).toBeGreaterThan(300);
    await page.close();
  });
});

describe('foundation: extension updates', () => {
  it('an orphaned content script removes its panel when the extension reloads', async () => {
    const { page } = await h.openConversation(5);
    expect(await page.locator('backline-dock').count()).toBe(1);
    await h.worker.evaluate(() => chrome.runtime.reload()).catch(() => {});
    await expect.poll(() => page.locator('backline-dock').count(), { timeout: 10_000 }).toBe(0);
    // The host page keeps working.
    await page.locator('a[href$="/conversations/6"]').first().click();
    await expect.poll(() => page.url()).toMatch(/\/conversations\/6$/);
    await page.close();
  });
});
