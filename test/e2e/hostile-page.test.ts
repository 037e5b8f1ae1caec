/**
 * A hostile helpdesk page: the page's own script (Playwright's `page.evaluate` and
 * `page.addStyleTag` run in the page's world) attacks the docked panel.
 *
 * - Clickjacking: the page tries to make the dock transparent and lays a decoy over it, so that
 *   the agent, clicking what they see, clicks Backline. The decoy is drawn in the page's own top
 *   layer (a popover shown after the dock), the only place from which anything can still be
 *   drawn over the dock, with `pointer-events: none` so that the clicks reach the panel. The test
 *   clicks with the real mouse at the decoy's buttons, which sit exactly over "Ticket state" and
 *   its "Resolved" item. The control (no attack, same two clicks) resolves the ticket.
 * - Focus theft: the page polls `document.activeElement` and moves focus to a hidden input of its
 *   own while the agent types in the Note box.
 * - Removal: the page removes the dock, or moves it where it cannot be seen.
 *
 * A person falls for a decoy that is on screen before they look at it, so the test clicks once the
 * attack is in place: when the browser's own visibility computation for the panel frame
 * (IntersectionObserver v2, asked from the test) says the panel is hidden or covered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { launch, panelFrame, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await launch();
});
afterAll(async () => {
  await h?.close();
});

const stateButton = (panel: Frame) => panel.getByRole('button', { name: /^Ticket state/ });
const COVERED = 'Backline is covered or hidden by something on this page';
/** For what crosses processes (page, content script, background, panel) on a busy machine. */
const PATIENT = { timeout: 10_000 };
/** Alerts with something to say (the Note box keeps an empty one for its own problems). */
const messages = (panel: Frame) => panel.getByRole('alert').filter({ hasText: /\S/ });

/** Opens a sandbox conversation and raises a back-office ticket there (linked to it); shows the ticket. */
async function ticketOn(conversation: number, title: string, on = h): Promise<{ page: Page; panel: Frame }> {
  const { page, panel } = await on.openConversation(conversation);
  await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
  await panel.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
  await expect.poll(() => panel.getByRole('heading', { name: title, exact: true }).count()).toBe(1);
  await expect.poll(() => panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').count()).toBe(1);
  await expect.poll(() => stateButton(panel).textContent()).toContain('Submitted');
  return { page, panel };
}

interface Point {
  x: number;
  y: number;
}

/** Where, in the page's viewport, the agent would click "Ticket state" and then "Resolved". */
async function targets(page: Page, panel: Frame): Promise<{ state: Point; resolved: Point }> {
  const centre = async (l: ReturnType<Frame['getByRole']>) => {
    const box = (await l.boundingBox())!;
    return { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
  };
  const state = await centre(stateButton(panel));
  await stateButton(panel).click();
  const resolved = await centre(panel.getByRole('menuitemradio', { name: 'Resolved', exact: true }));
  await page.keyboard.press('Escape');
  await expect.poll(() => panel.getByRole('menu').count()).toBe(0);
  return { state, resolved };
}

/** The two clicks, with the real mouse, at those places. */
async function clickThrough(page: Page, at: { state: Point; resolved: Point }): Promise<void> {
  await page.mouse.click(at.state.x, at.state.y);
  await page.mouse.click(at.resolved.x, at.resolved.y);
}

/**
 * The browser's own answer to "is this frame visible, nothing over it?" (IntersectionObserver v2);
 * null when the browser gives none (it stops rendering a frame it considers hidden).
 */
function browserSeesPanel(panel: Frame): Promise<boolean | null> {
  return panel.evaluate(
    () =>
      new Promise<boolean | null>((resolve) => {
        setTimeout(() => resolve(null), 2000);
        const io = new IntersectionObserver(
          ([e]) => {
            io.disconnect();
            resolve((e as IntersectionObserverEntry & { isVisible: boolean }).isVisible);
          },
          { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
        );
        io.observe(document.documentElement);
      }),
  );
}

/** Waits until the second click had an outcome the agent sees: a message, or the state changed. */
async function settled(panel: Frame): Promise<void> {
  await expect
    .poll(async () => (await messages(panel).count()) > 0 || !(await stateButton(panel).textContent())?.includes('Submitted'), PATIENT)
    .toBe(true);
}

/** Effects waiting in the background's outbox (notes and reopens for linked conversations). */
function queuedEffects(on = h): Promise<number> {
  return on.worker.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('backline');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const count = await new Promise<number>((resolve) => {
      const q = db.transaction('outbox').objectStore('outbox').count();
      q.onsuccess = () => resolve(q.result);
    });
    db.close();
    return count;
  });
}

/**
 * The page's decoy: a top-layer popover shown after the dock, so drawn over it, that lets clicks
 * through. `cover` makes it a full fake page over the whole dock; otherwise two small labels sit
 * over the panel's buttons and the panel shows around them.
 */
async function layDecoy(page: Page, at: { state: Point; resolved: Point }, cover: boolean): Promise<void> {
  await page.evaluate(
    ({ at, cover }) => {
      const dock = document.querySelector('backline-dock')!.getBoundingClientRect();
      const decoy = document.createElement('div');
      decoy.id = 'decoy';
      decoy.popover = 'manual';
      decoy.style.cssText = cover
        ? `position:fixed;inset:auto;margin:0;border:0;padding:0;pointer-events:none;background:#fff;left:${dock.left}px;top:0;width:${dock.width}px;height:${dock.height}px`
        : 'position:fixed;inset:0;margin:0;border:0;padding:0;pointer-events:none;background:transparent;width:100vw;height:100vh';
      const button = (p: { x: number; y: number }, text: string) => {
        const b = document.createElement('div');
        b.textContent = text;
        b.style.cssText = `position:fixed;left:${p.x - 60}px;top:${p.y - 14}px;width:120px;height:28px;background:#16a34a;color:#fff;font:600 13px sans-serif;display:grid;place-items:center;border-radius:6px`;
        decoy.append(b);
      };
      button(at.state, 'Claim prize');
      button(at.resolved, 'Confirm');
      document.body.append(decoy);
      decoy.showPopover();
    },
    { at, cover },
  );
}

describe('a hostile page cannot act through the panel', () => {
  it('control: with no attack, the same two clicks resolve the ticket', async () => {
    const { page, panel } = await ticketOn(1, 'Control ticket');
    const at = await targets(page, panel);
    const before = await queuedEffects();
    await clickThrough(page, at);
    await expect.poll(() => stateButton(panel).textContent()).toContain('Resolved');
    expect(await queuedEffects()).toBeGreaterThan(before);
    await page.close();
  });

  it('clickjacking: a page that makes the dock transparent and lays a decoy over it changes nothing, and the panel says why', async () => {
    const { page, panel } = await ticketOn(2, 'Clickjacked ticket');
    const at = await targets(page, panel);
    const queued = await queuedEffects();

    const dock = await page.evaluate(() => {
      const r = document.querySelector('backline-dock')!.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
    const look = () => page.screenshot({ clip: dock, animations: 'disabled' });
    const before = await look();

    // The attack of the issue: the page's CSS makes the dock transparent but still clickable (a
    // style sheet and the host's own style attribute, both !important, and the root it sits
    // in), and an element of the page with the highest z-index is laid over it.
    await page.addStyleTag({
      content: 'backline-dock { opacity: 0 !important; filter: opacity(0) !important } html { opacity: 0.2 !important }',
    });
    await page.evaluate((dock) => {
      document.querySelector<HTMLElement>('backline-dock')!.style.setProperty('opacity', '0', 'important');
      const cover = document.createElement('div');
      cover.style.cssText = `position:fixed;left:${dock.x}px;top:0;width:${dock.width}px;height:${dock.height}px;background:#fff;z-index:2147483647;pointer-events:none`;
      document.documentElement.append(cover);
    }, dock);
    // None of it took: the dock looks exactly as it did.
    expect((await look()).equals(before)).toBe(true);

    // What is left to a page: its own top layer, opened after the dock.
    await layDecoy(page, at, true);
    await expect.poll(() => browserSeesPanel(panel), PATIENT).toBe(false);

    await clickThrough(page, at);
    await settled(panel);
    expect(await stateButton(panel).textContent()).toContain('Submitted');
    expect(await queuedEffects()).toBe(queued);
    expect(await panel.getByRole('alert').filter({ hasText: COVERED }).count()).toBe(1);
    await page.close();
  });

  it('a decoy with pointer-events: none laid over the opaque panel is refused too', async () => {
    const { page, panel } = await ticketOn(3, 'Overlaid ticket');
    const at = await targets(page, panel);
    const before = await queuedEffects();

    await layDecoy(page, at, false);
    await expect.poll(() => browserSeesPanel(panel), PATIENT).toBe(false);

    await clickThrough(page, at);
    await settled(panel);
    expect(await stateButton(panel).textContent()).toContain('Submitted');
    expect(await queuedEffects()).toBe(before);
    expect(await panel.getByRole('alert').filter({ hasText: COVERED }).count()).toBe(1);
    await page.close();
  });

  it('a page that takes the focus from the Note box while the agent types is caught, and the panel says so', async () => {
    const { page, panel } = await ticketOn(4, 'Focus theft ticket');
    // The page polls the focus and moves it to a hidden input of its own.
    await page.evaluate(() => {
      const trap = document.createElement('input');
      trap.id = 'trap';
      trap.setAttribute('aria-hidden', 'true');
      trap.style.cssText = 'position:fixed;left:-9999px;top:0';
      document.body.append(trap);
      setInterval(() => {
        if (document.activeElement === document.querySelector('backline-dock')) trap.focus();
      }, 20);
    });
    await panel.getByRole('textbox', { name: 'Note', exact: true }).click();
    await page.keyboard.type('refund approved, card ending 4242');

    const alert = panel.getByRole('alert').filter({ hasText: 'The helpdesk page moved the keyboard focus out of Backline' });
    await expect.poll(() => alert.count(), PATIENT).toBe(1);
    expect(await alert.textContent()).toContain('“Note”');
    // The attack was real: the page received keys meant for the Note box.
    expect(await page.evaluate(() => (document.getElementById('trap') as HTMLInputElement).value)).not.toBe('');
    await page.close();
  });

  it('the agent clicking in the page after typing in the panel is no focus theft: no alert', async () => {
    const { page, panel } = await h.openConversation(5);
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).click();
    await page.keyboard.type('Draft');
    // A deliberate click in the page: another conversation in the helpdesk's list.
    await page.locator('a[href$="/conversations/6"]').first().click();
    // The panel followed the click (its report travels the same way a focus report would).
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain('#6');
    expect(await messages(panel).count()).toBe(0);
    await page.close();
  });

  it('a dock the page removes or moves away comes back, and works', async () => {
    // A dock removed again within a second of coming back waits for the content script's 1 s poll.
    const RETURNS = { timeout: 10_000 };
    const { page } = await h.openConversation(7);
    const docks = () => page.evaluate(() => [...document.querySelectorAll('backline-dock')].filter((d) => d.parentNode === document.documentElement).length);

    await page.evaluate(() => document.querySelector('backline-dock')!.remove());
    await expect.poll(docks, RETURNS).toBe(1);
    let panel = await panelFrame(page);
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain('#7');

    // Removed again at once, then into a hidden box: back after the poll, not stuck hidden.
    await page.evaluate(() => {
      const box = document.createElement('div');
      box.style.display = 'none';
      document.body.append(box);
      box.append(document.querySelector('backline-dock')!);
    });
    await expect.poll(docks, RETURNS).toBe(1);
    await page.evaluate(() => document.querySelector('backline-dock')!.remove());
    // The agent navigates in the app: the panel is there for the next conversation.
    await page.locator('a[href$="/conversations/8"]').first().click();
    await expect.poll(docks, RETURNS).toBe(1);
    panel = await panelFrame(page);
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain('#8');
    await page.close();
  });
});

describe('in a browser without IntersectionObserver v2 (as Firefox)', () => {
  let ff: Harness;
  beforeAll(async () => {
    ff = await launch();
    // The panel's frame loses the API, as in Firefox; the page and the content script keep theirs.
    await ff.context.addInitScript(() => {
      if (location.protocol === 'chrome-extension:') delete (IntersectionObserverEntry.prototype as { isVisible?: boolean }).isVisible;
    });
  });
  afterAll(async () => {
    await ff?.close();
  });

  it('control: with no attack, the content script’s check lets the same two clicks resolve the ticket', async () => {
    const { page, panel } = await ticketOn(1, 'Fallback control ticket', ff);
    expect(await panel.evaluate(() => 'isVisible' in IntersectionObserverEntry.prototype)).toBe(false);
    const at = await targets(page, panel);
    await clickThrough(page, at);
    await expect.poll(() => stateButton(panel).textContent()).toContain('Resolved');
    await page.close();
  });

  it('the content script’s check refuses the clicks through a decoy over the panel', async () => {
    const { page, panel } = await ticketOn(2, 'Fallback overlaid ticket', ff);
    const at = await targets(page, panel);
    const before = await queuedEffects(ff);
    await layDecoy(page, at, true);

    await clickThrough(page, at);
    await settled(panel);
    expect(await stateButton(panel).textContent()).toContain('Submitted');
    expect(await queuedEffects(ff)).toBe(before);
    expect(await panel.getByRole('alert').filter({ hasText: COVERED }).count()).toBe(1);
    await page.close();
  });
});
