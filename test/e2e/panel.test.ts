import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { launch, sendRaw, type Harness } from './harness';

let h: Harness;
let page: Page;
let panel: Frame;

beforeAll(async () => {
  h = await launch();
  ({ page, panel } = await h.openConversation(1));
});
afterAll(async () => {
  await h?.close();
});

const activity = () => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');

describe('the back-office ticket panel', () => {
  it('creates a ticket from the conversation and lists it under Linked tickets', async () => {
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill('Refund double charge');
    await panel.getByRole('combobox', { name: 'Ticket type', exact: true }).selectOption({ label: 'Bug report' });
    // A required custom attribute is enforced with a clear message.
    await panel.getByRole('textbox', { name: 'Description', exact: true }).click();
    await page.keyboard.type('Customer was charged twice.');
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(() => panel.getByText('Severity is required.').count()).toBeGreaterThan(0);
    await panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption('High');
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();

    // The ticket view: heading holds the title, state Submitted, ID #1, user from the conversation.
    await expect.poll(() => panel.getByRole('heading', { name: 'Refund double charge', exact: true }).count()).toBe(1);
    await expect.poll(() => panel.getByRole('button', { name: /^Ticket state/ }).textContent()).toContain('Submitted');
    expect(await panel.getByLabel('Ticket ID', { exact: true }).textContent()).toBe('#1');
    expect(await panel.locator('.rich').innerHTML()).toContain('Customer was charged twice.');

    await panel.getByRole('button', { name: 'Back', exact: true }).click();
    const item = panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getByRole('img', { name: 'Back-office ticket', exact: true }).count()).toBe(1);
    const text = await item.textContent();
    expect(text).toContain('#1');
    expect(text).toContain('Refund double charge');
    expect(text).toMatch(/Created by/);
  });

  it('edits the title, the description (bold, list, link) and a custom attribute in place', async () => {
    await panel.getByRole('button', { name: 'Refund double charge', exact: true }).click();
    await panel.getByRole('heading', { name: 'Refund double charge', exact: true }).click();
    const title = panel.getByRole('textbox', { name: 'Title', exact: true });
    await title.fill('Refund the double charge');
    await title.press('Enter');
    await expect.poll(() => panel.getByRole('heading', { name: 'Refund the double charge', exact: true }).count()).toBe(1);

    await panel.getByRole('button', { name: 'Edit Description', exact: true }).click();
    const editor = panel.getByRole('textbox', { name: 'Description', exact: true });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+B');
    await page.keyboard.type('Urgent');
    await page.keyboard.press('Control+B');
    await page.keyboard.press('Enter');
    await panel.getByRole('button', { name: 'Bulleted list', exact: true }).click();
    await page.keyboard.type('First step');
    await page.keyboard.press('Enter');
    await page.keyboard.type('See ');
    await panel.getByRole('button', { name: 'Link', exact: true }).click();
    const address = panel.getByRole('textbox', { name: 'Link address', exact: true });
    await address.fill('https://status.example.com');
    await address.press('Enter');
    await panel.getByRole('button', { name: 'Save description', exact: true }).click();

    const rich = panel.locator('.rich');
    await expect.poll(() => rich.locator('strong').textContent()).toBe('Urgent');
    expect(await rich.locator('ul li').first().textContent()).toBe('First step');
    const link = rich.locator('a');
    expect(await link.getAttribute('href')).toBe('https://status.example.com');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');

    await panel.getByRole('button', { name: 'Severity High', exact: true }).click();
    await panel.getByRole('combobox', { name: 'Severity', exact: true }).selectOption('Critical');
    await panel.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => panel.getByRole('button', { name: 'Severity Critical', exact: true }).count()).toBe(1);
    await expect.poll(() => activity().filter({ hasText: 'Changed Severity from “High” to “Critical”' }).count()).toBe(1);
  });

  it('changes state from the menu with the mouse and with the keyboard', async () => {
    const stateButton = panel.getByRole('button', { name: /^Ticket state/ });
    expect(await stateButton.getAttribute('aria-haspopup')).toBe('menu');
    await stateButton.click();
    await panel.getByRole('menuitemradio', { name: 'In progress', exact: true }).click();
    await expect.poll(() => stateButton.textContent()).toContain('In progress');

    await stateButton.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => panel.getByRole('menuitemradio', { name: 'In progress', exact: true }).getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => stateButton.textContent()).toContain('Waiting on customer');
    // Focus returns to the menu button.
    expect(await panel.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu');
    await expect.poll(() => activity().filter({ hasText: 'Changed state from In progress to Waiting on customer' }).count()).toBe(1);
  });

  it('adds a note and cross-posts one with Ctrl+Shift+Enter, exactly once each', async () => {
    const note = panel.getByRole('textbox', { name: 'Note', exact: true });
    await panel.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect.poll(() => panel.getByRole('alert').filter({ hasText: 'Write something' }).count()).toBe(1);

    await note.fill('Checked the payment provider.');
    await note.press('Control+Enter');
    await expect.poll(() => activity().filter({ hasText: 'Checked the payment provider.' }).count()).toBe(1);
    await expect.poll(() => note.inputValue()).toBe('');

    await note.fill('Refund issued, tell the customer.');
    await note.press('Control+Shift+Enter');
    const crossPosted = activity().filter({ hasText: 'Refund issued, tell the customer.' });
    await expect.poll(() => crossPosted.count()).toBe(1);
    expect(await crossPosted.textContent()).toContain('Cross-posted');
    // Enter while an IME is composing never posts.
    await note.fill('かんじ');
    await note.evaluate((el) =>
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, isComposing: true, bubbles: true, cancelable: true })),
    );
    await page.waitForTimeout(200);
    expect(await activity().filter({ hasText: 'かんじ' }).count()).toBe(0);
    // A note beyond the limit is refused with a message and kept in the box.
    await note.fill('x'.repeat(50_001));
    await panel.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect.poll(() => panel.getByRole('alert').filter({ hasText: 'the limit is 50,000' }).count()).toBe(1);
    expect((await note.inputValue()).length).toBe(50_001);
    await note.fill('');

    // One key press, one note: nothing was posted twice.
    await page.waitForTimeout(300);
    expect(await activity().filter({ hasText: 'Checked the payment provider.' }).count()).toBe(1);
  });

  it('previews a linked conversation and comes back to the ticket, with the note being written still there', async () => {
    await page.bringToFront();
    const draft = 'Half-written: waiting for the bank to';
    await panel.getByRole('textbox', { name: 'Note', exact: true }).fill(draft);
    const links = panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem');
    await expect.poll(() => links.count()).toBe(1);
    await links.getByRole('button', { name: 'Open', exact: true }).click();
    const preview = panel.getByRole('region', { name: 'Conversation preview', exact: true });
    await expect.poll(() => preview.count()).toBe(1);
    await expect.poll(() => preview.getByRole('heading').first().textContent()).toContain('#1');
    await panel.getByRole('button', { name: 'Back to ticket', exact: true }).click();
    await expect.poll(() => panel.getByRole('heading', { name: 'Refund the double charge', exact: true }).count()).toBe(1);
    expect(await panel.getByRole('textbox', { name: 'Note', exact: true }).inputValue()).toBe(draft);
    await panel.getByRole('textbox', { name: 'Note', exact: true }).fill('');
  });

  it('shows changes made in one tab in another tab at once', async () => {
    const other = await h.openConversation(1);
    const item = other.panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem');
    await expect.poll(() => item.count()).toBe(1);
    await other.panel.getByRole('button', { name: 'Refund the double charge', exact: true }).click();
    const otherState = other.panel.getByRole('button', { name: /^Ticket state/ });
    await expect.poll(() => otherState.textContent()).toContain('Waiting on customer');

    // Tab 1 changes state; tab 2 sees it without reloading.
    await panel.getByRole('button', { name: /^Ticket state/ }).click();
    await panel.getByRole('menuitemradio', { name: 'Resolved', exact: true }).click();
    await expect.poll(() => otherState.textContent(), { timeout: 2000 }).toContain('Resolved');

    // Tab 2 adds a note; tab 1 sees it.
    await other.panel.getByRole('textbox', { name: 'Note', exact: true }).fill('Seen from the second tab');
    await other.panel.getByRole('button', { name: 'Add note', exact: true }).click();
    await expect.poll(() => activity().filter({ hasText: 'Seen from the second tab' }).count(), { timeout: 2000 }).toBe(1);

    // A change made against an old version is refused with a clear message, not saved.
    const view = (await sendRaw(panel, { type: 'ui:queryTickets', payload: { text: '#1' } })) as { data: { ticket: { id: string; version: number } }[] };
    const { id, version } = view.data[0]!.ticket;
    const stale = await sendRaw(panel, {
      type: 'ui:changeState',
      payload: { requestId: '0198c0de-0000-7000-8000-0000000000aa', ticketId: id, baseVersion: version - 1, stateId: 'submitted' },
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'stale' } });
    await other.page.close();
  });

  it('renders hostile description HTML harmlessly', async () => {
    await page.bringToFront();
    const view = (await sendRaw(panel, { type: 'ui:queryTickets', payload: { text: '#1' } })) as { data: { ticket: { id: string; version: number } }[] };
    const { id, version } = view.data[0]!.ticket;
    const saved = await sendRaw(panel, {
      type: 'ui:updateTicket',
      payload: {
        requestId: '0198c0de-0000-7000-8000-0000000000bb',
        ticketId: id,
        baseVersion: version,
        changes: {
          description:
            '<p>Hi<img src="x" onerror="window.__pwned = 1"></p><p><a href="javascript:window.__pwned = 2">click me</a></p><script>window.__pwned = 3</script>',
        },
      },
    });
    expect(saved).toMatchObject({ ok: true });
    const rich = panel.locator('.rich');
    await expect.poll(() => rich.textContent()).toContain('click me');
    expect(await rich.locator('img[onerror], script').count()).toBe(0);
    expect(await rich.locator('a').getAttribute('href')).toBeNull();
    await rich.getByText('click me').click();
    await page.waitForTimeout(200);
    expect(await panel.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('links an existing ticket to another conversation, unlinks it, and finds tickets in the queue', async () => {
    const second = await h.openConversation(2);
    const p2 = second.panel;
    await p2.getByRole('button', { name: 'Link existing ticket', exact: true }).click();
    const find = p2.getByRole('searchbox', { name: 'Find ticket', exact: true });
    await find.fill('double charge');
    const match = p2.getByRole('listitem').filter({ hasText: 'Refund the double charge' });
    await expect.poll(() => match.count()).toBe(1);
    await match.getByRole('button', { name: 'Link', exact: true }).click();
    const linked = p2.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem');
    await expect.poll(() => linked.count()).toBe(1);
    expect(await linked.textContent()).toContain('#1');

    // The ticket now lists both conversations under Links.
    await p2.getByRole('button', { name: 'Refund the double charge', exact: true }).click();
    await expect.poll(() => p2.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').count()).toBe(2);
    await p2.getByRole('button', { name: 'Back', exact: true }).click();

    await linked.getByRole('button', { name: 'Unlink #1', exact: true }).click();
    await expect.poll(() => linked.count()).toBe(0);

    // The queue: search and filters, keyboard shortcut g opens it.
    await p2.locator('body').press('g');
    const search = p2.getByRole('searchbox', { name: 'Search tickets', exact: true });
    await expect.poll(() => search.count()).toBe(1);
    const results = p2.getByRole('region', { name: 'Tickets', exact: true }).getByRole('listitem');
    await expect.poll(() => results.count()).toBe(1);
    await p2.getByRole('combobox', { name: 'Filter by state', exact: true }).selectOption({ label: 'Submitted' });
    await expect.poll(() => p2.getByText('No tickets match.').count()).toBe(1);
    await p2.getByRole('combobox', { name: 'Filter by state', exact: true }).selectOption({ label: 'Resolved' });
    await expect.poll(() => results.count()).toBe(1);
    await search.fill('#1');
    await expect.poll(() => results.count()).toBe(1);
    await search.fill('nothing like this');
    await expect.poll(() => p2.getByText('No tickets match.').count()).toBe(1);

    // `?` lists the shortcuts.
    await search.press('Escape');
    await expect.poll(() => p2.getByRole('button', { name: 'New back-office ticket', exact: true }).count()).toBe(1);
    await second.page.keyboard.press('?');
    const dialog = p2.getByRole('dialog', { name: 'Keyboard shortcuts', exact: true });
    await expect.poll(() => dialog.count()).toBe(1);
    expect(await dialog.textContent()).toContain('Cross-post note');
    await second.page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await second.page.close();
  });

  it('works without a mouse: n, Enter, s, arrows, c and Ctrl+Enter', async () => {
    const third = await h.openConversation(4);
    const p3 = third.panel;
    const keys = third.page.keyboard;
    await p3.getByRole('region', { name: 'Linked tickets', exact: true }).waitFor();
    await p3.evaluate(() => window.focus());
    await keys.press('n');
    await expect.poll(() => p3.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Title');
    await keys.type('Keyboard-only ticket');
    await keys.press('Enter');
    const state = p3.getByRole('button', { name: /^Ticket state/ });
    await expect.poll(() => state.count()).toBe(1);
    await expect.poll(() => p3.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await keys.press('s');
    await expect.poll(() => p3.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('menuitemradio');
    await keys.press('ArrowDown');
    await keys.press('Enter');
    await expect.poll(() => state.textContent()).toContain('In progress');

    await keys.press('c');
    await expect.poll(() => p3.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Note');
    await keys.type('Typed without a mouse');
    await keys.press('Control+Enter');
    await expect.poll(() => p3.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: 'Typed without a mouse' }).count()).toBe(1);
    await third.page.close();
  });
});
