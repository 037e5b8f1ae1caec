/**
 * Links end to end: why a conversation is linked (a reason, edited in place in Links and shown in
 * the conversation preview's header), and the ticket header's roll-up of its linked conversations,
 * which must count what Links shows. The built extension in headless Chromium, the sandbox helpdesk
 * as Chatwoot: conversation 2 is snoozed (its customer last wrote 2 days ago), 3 is resolved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { connectSandboxAsAdmin, launch, type Harness } from './harness';

let h: Harness;
let page: Page;
let panel: Frame;

const TITLE = 'CSV export stuck at 99%';
const SLOW = { timeout: 30_000, interval: 250 };

beforeAll(async () => {
  h = await launch();
  ({ page, panel } = await h.openConversation(2));
});
afterAll(async () => {
  await h?.close();
});

const links = () => panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem');
const link = (id: number) => links().filter({ hasText: `#${id}` });
const rollup = () => panel.getByRole('status', { name: 'Linked conversations', exact: true });
const activity = () => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');

/** The roll-up's counts, read from what Links shows ("2 open", "1 snoozed"). */
async function countsFromLinks(): Promise<string> {
  const statuses = (await links().locator('.conv-status').allTextContents()).map((s) => s.toLowerCase());
  const counts = ['open', 'pending', 'snoozed', 'resolved', 'closed']
    .map((s) => [s, statuses.filter((x) => x === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return [`${statuses.length} linked`, ...counts].join(' · ');
}

describe('links: reasons and the roll-up', () => {
  it('a ticket linked to a snoozed and a resolved conversation sums them in its header', async () => {
    await connectSandboxAsAdmin(h, 'links admin passphrase');
    await page.bringToFront();
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill(TITLE);
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(() => panel.getByRole('heading', { name: TITLE, exact: true }).count()).toBe(1);
    // One link: no second conversation yet.
    await expect.poll(() => rollup().textContent(), SLOW).toMatch(/^1 linked · 1 snoozed/);

    // Linked from conversation 3 as well (in-app navigation).
    await panel.getByRole('button', { name: 'Back', exact: true }).click();
    await page.locator('a[href$="/conversations/3"]').first().click();
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain('#3');
    await panel.getByRole('button', { name: 'Link existing ticket', exact: true }).click();
    await panel.getByRole('searchbox', { name: 'Find ticket', exact: true }).fill(TITLE);
    const match = panel.getByRole('listitem').filter({ hasText: TITLE });
    await expect.poll(() => match.count()).toBe(1);
    await match.getByRole('button', { name: 'Link', exact: true }).click();
    const linked = panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem').filter({ hasText: TITLE });
    await expect.poll(() => linked.count()).toBe(1);
    await linked.getByRole('button', { name: TITLE, exact: true }).click();
    await expect.poll(() => links().count()).toBe(2);

    // Statuses as the helpdesk has them; the newest customer message (conversation 2's) was 2 days ago.
    await expect.poll(() => rollup().textContent(), SLOW).toBe('2 linked · 1 snoozed · 1 resolved · last customer reply 2 d ago');
    expect((await rollup().textContent())!.startsWith(await countsFromLinks())).toBe(true);
  });

  it('after a state change reopens both, the roll-up counts them open, as Links shows', async () => {
    await panel.getByRole('button', { name: /^Ticket state/ }).click();
    await panel.getByRole('menuitemradio', { name: 'In progress', exact: true }).click();
    await expect.poll(() => links().locator('.conv-status').allTextContents(), SLOW).toEqual(['Open', 'Open']);
    await expect.poll(() => rollup().textContent(), SLOW).toBe('2 linked · 2 open · last customer reply 2 d ago');
    expect((await rollup().textContent())!.startsWith(await countsFromLinks())).toBe(true);
  });

  it('a reason added in Links shows there, in Activity and in the conversation preview’s header', async () => {
    const REASON = 'Customer reported the stuck export';
    await link(2).getByRole('button', { name: 'Add reason', exact: true }).click();
    const box = link(2).getByRole('textbox', { name: 'Reason', exact: true });
    await box.fill(REASON);
    await box.press('Enter');
    await expect.poll(() => link(2).textContent(), SLOW).toContain(REASON);
    expect(await link(2).getByRole('button', { name: 'Add reason', exact: true }).count()).toBe(0);
    // The other link has none yet.
    expect(await link(3).getByRole('button', { name: 'Add reason', exact: true }).count()).toBe(1);
    await expect.poll(() => activity().filter({ hasText: `the reason “${REASON}”` }).count(), SLOW).toBe(1);

    await link(2).getByRole('button', { name: 'Open', exact: true }).click();
    const preview = panel.getByRole('region', { name: 'Conversation preview', exact: true });
    await expect.poll(() => preview.textContent(), SLOW).toContain(`Linked because: ${REASON}`);
    await panel.getByRole('button', { name: 'Back to ticket', exact: true }).click();
    await expect.poll(() => links().count()).toBe(2);
  });

  it('Escape cancels an edit of the reason and saves nothing', async () => {
    await link(3).getByRole('button', { name: 'Add reason', exact: true }).click();
    const box = link(3).getByRole('textbox', { name: 'Reason', exact: true });
    await box.fill('Not this one');
    await box.press('Escape');
    await expect.poll(() => link(3).getByRole('button', { name: 'Add reason', exact: true }).count()).toBe(1);
    expect(await link(3).textContent()).not.toContain('Not this one');
    expect(await activity().filter({ hasText: 'Not this one' }).count()).toBe(0);
  });

  it('an existing reason is edited in place, and over 200 characters cannot be typed', async () => {
    await link(2).getByRole('button', { name: 'Customer reported the stuck export', exact: true }).click();
    const box = link(2).getByRole('textbox', { name: 'Reason', exact: true });
    await box.fill('x'.repeat(250));
    expect((await box.inputValue()).length).toBe(200);
    await box.fill('Same root cause as the March outage');
    await box.press('Enter');
    await expect.poll(() => link(2).textContent(), SLOW).toContain('Same root cause as the March outage');
    expect(await link(2).textContent()).not.toContain('Customer reported the stuck export');
  });
});
