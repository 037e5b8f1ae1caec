/**
 * Deliveries end to end: the built extension in headless Chromium, the sandbox helpdesk as
 * Chatwoot. A back-office ticket raised from conversation 2; its cross-posted notes fail while
 * the connection's token is wrong (the helpdesk refuses it: a failure that is not retried), and
 * the options page's Deliveries lists them, retries them (each delivered once) or cancels them
 * (recorded in the ticket's Activity). Controls by role and name (../shared/ui-contract.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { connectSandboxAsAdmin, launch, type Harness } from './harness';
import { setCredential } from './connector-flow';

let h: Harness;
let page: Page;
let panel: Frame;
let options: Page;

const TITLE = 'Invoices missing VAT number';
const SLOW = { timeout: 30_000, interval: 250 };

beforeAll(async () => {
  h = await launch();
  ({ page, panel } = await h.openConversation(2));
});
afterAll(async () => {
  await h?.close();
});

/** The connection as saved, with another token (the contract names no control to edit one). */
const setToken = (token: string) => setCredential(h, 'token', token);

const notesIn2 = (text: string) => h.sandbox.state.conversations.find((c) => c.id === 2)!.messages.filter((m) => m.private && m.content.includes(text));
const activity = () => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');
const deliveries = () => options.getByRole('region', { name: 'Deliveries', exact: true }).getByRole('listitem');

/** Cross-posts `text` while the helpdesk refuses the token, and waits until Activity shows it failed. */
async function failedCrossPost(text: string): Promise<void> {
  await setToken('not-the-token');
  await page.bringToFront();
  const failed = activity().filter({ hasText: /^Internal note in / }).filter({ hasText: 'Failed' });
  const before = await failed.count();
  await panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
  await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
  await expect.poll(() => failed.count(), SLOW).toBe(before + 1);
  await setToken('sandbox-token');
}

describe('Deliveries', () => {
  it('starts with nothing to deliver', async () => {
    options = await connectSandboxAsAdmin(h, 'deliveries admin passphrase');
    await expect.poll(() => options.getByRole('region', { name: 'Deliveries', exact: true }).textContent()).toContain('Nothing waiting');
    await page.bringToFront();
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill(TITLE);
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(() => panel.getByRole('heading', { name: TITLE, exact: true }).count()).toBe(1);
  });

  it('the panel links to the Deliveries region of the options page', async () => {
    const link = panel.getByRole('link', { name: 'Deliveries', exact: true });
    const [opened] = await Promise.all([h.context.waitForEvent('page'), link.click()]);
    await opened.waitForLoadState();
    expect(opened.url()).toBe(`chrome-extension://${h.extensionId}/options.html#deliveries`);
    await expect.poll(() => opened.getByRole('region', { name: 'Deliveries', exact: true }).count()).toBe(1);
    await opened.close();
  });

  it('a failed delivery is listed with what, where, why and next try, and Retry now delivers it once', async () => {
    await failedCrossPost('Please resend the March invoices.');
    expect(notesIn2('resend the March invoices')).toHaveLength(0);

    await options.bringToFront();
    await expect.poll(() => deliveries().count(), SLOW).toBe(1);
    const item = deliveries().first();
    const text = (await item.textContent())!;
    expect(text).toContain('Internal note'); // what
    expect(text).toContain(TITLE); // which ticket
    expect(text).toContain('#2'); // which conversation
    expect(text).toContain('Failed: Chatwoot refused the access token (401)'); // why
    expect(text).toContain('Next try: No further try'); // next try

    await item.getByRole('button', { name: 'Retry now', exact: true }).click();
    await expect.poll(() => notesIn2('resend the March invoices').length, SLOW).toBe(1);
    await expect.poll(() => deliveries().count(), SLOW).toBe(0);
    // Once, also a little later.
    await options.waitForTimeout(1000);
    expect(notesIn2('resend the March invoices')).toHaveLength(1);
    await page.bringToFront();
    await expect.poll(() => activity().filter({ hasText: /^Internal note in / }).filter({ hasText: 'Delivered' }).count(), SLOW).toBe(1);
  });

  it('Cancel takes a failed delivery off the list for good, and the ticket’s Activity says who cancelled it', async () => {
    await failedCrossPost('Ignore the duplicate invoice.');
    await options.bringToFront();
    await expect.poll(() => deliveries().count(), SLOW).toBe(1);
    await deliveries().first().getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => deliveries().count(), SLOW).toBe(0);

    await page.bringToFront();
    await expect.poll(() => activity().filter({ hasText: 'Cancelled the note for' }).count(), SLOW).toBe(1);
    // The effect itself says it was cancelled and offers no retry.
    const effect = activity().filter({ hasText: /^Internal note in / }).filter({ hasText: 'Cancelled by' });
    await expect.poll(() => effect.count(), SLOW).toBe(1);
    expect(await effect.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
    await page.waitForTimeout(1000);
    expect(notesIn2('Ignore the duplicate invoice')).toHaveLength(0);
  });

  it('Retry all sends every failed delivery again, each once', async () => {
    await failedCrossPost('First of two.');
    await failedCrossPost('Second of two.');
    await options.bringToFront();
    await expect.poll(() => deliveries().count(), SLOW).toBe(2);
    await options.getByRole('region', { name: 'Deliveries', exact: true }).getByRole('button', { name: 'Retry all', exact: true }).click();
    await expect.poll(() => [notesIn2('First of two.').length, notesIn2('Second of two.').length], SLOW).toEqual([1, 1]);
    await expect.poll(() => deliveries().count(), SLOW).toBe(0);
    await options.waitForTimeout(1000);
    expect([notesIn2('First of two.').length, notesIn2('Second of two.').length]).toEqual([1, 1]);
  });
});
