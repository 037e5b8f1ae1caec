/**
 * Undo end to end (issue 15): the built extension in headless Chromium, the sandbox helpdesk as
 * Chatwoot. A back-office ticket linked to two snoozed conversations (2 and 6).
 *
 * The ticket is driven through the panel by role and name (../shared/ui-contract.md). The front
 * line's change between a state change and its undo is made through the sandbox's Chatwoot API,
 * as an agent's own Chatwoot would make it. Outcomes are read from the sandbox's state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { connectSandboxAsAdmin, launch, type Harness } from './harness';
import { raiseAndLinkInSandbox } from './connector-flow';
import { SANDBOX_TOKEN } from '../sandbox/server.mjs';

let h: Harness;
let page: Page;
let panel: Frame;

const PASS = 'undo admin passphrase';
const SLOW = { timeout: 30_000, interval: 250 };

beforeAll(async () => {
  h = await launch();
  ({ page, panel } = await h.openConversation(2));
});
afterAll(async () => {
  await h?.close();
});

// ----- helpers ---------------------------------------------------------------------------------

const sb = (id: number) => h.sandbox.state.conversations.find((c) => c.id === id)!;
const privateNotes = (id: number, text: string) => sb(id).messages.filter((m) => m.private && m.content.includes(text));
const activity = () => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');
const undoButton = () => panel.getByRole('button', { name: 'Undo', exact: true });
const stateButton = () => panel.getByRole('button', { name: /^Ticket state/ });

/** What an agent does in Chatwoot itself: sets a conversation's status through its API. */
async function frontLineSets(id: number, status: string): Promise<void> {
  const r = await fetch(`${h.sandbox.url}/api/v1/accounts/1/conversations/${id}/toggle_status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', api_access_token: SANDBOX_TOKEN },
    body: JSON.stringify({ status }),
  });
  expect(r.ok).toBe(true);
}

/** Raises a General back-office ticket here, links it from conversation `linkFrom`, and opens it there. */
const raiseAndLink = (title: string, linkFrom: number) => raiseAndLinkInSandbox(page, panel, title, 'General back-office', linkFrom);

async function chooseState(label: string) {
  await stateButton().click();
  await panel.getByRole('menuitemradio', { name: label, exact: true }).click();
  await expect.poll(() => stateButton().textContent()).toContain(label);
}

// ----- tests -----------------------------------------------------------------------------------

describe('Undo', () => {
  it('puts a reopened snoozed conversation back (same time), posts one correcting note, and leaves one the front line changed', async () => {
    await connectSandboxAsAdmin(h, PASS);
    await page.bringToFront();
    await raiseAndLink('Refund run failed', 6);
    const until2 = sb(2).snoozed_until;
    expect(sb(2).status).toBe('snoozed');
    expect(until2).not.toBeNull();
    expect(sb(6).status).toBe('snoozed');

    await chooseState('In progress');
    const event = 'moved from Submitted to In progress';
    // Delivered: both reopened, the event note in both.
    await expect.poll(() => [sb(2).status, sb(6).status, privateNotes(2, event).length, privateNotes(6, event).length], SLOW).toEqual(['open', 'open', 1, 1]);
    // Meanwhile someone on the front line resolves conversation 6 in Chatwoot.
    await frontLineSets(6, 'resolved');

    await undoButton().click();
    await expect.poll(() => stateButton().textContent()).toContain('Submitted');
    const undone = 'The previous update on';
    await expect.poll(() => [privateNotes(2, undone).length, privateNotes(6, undone).length, sb(2).status], SLOW).toEqual([1, 1, 'snoozed']);
    expect(sb(2).snoozed_until).toBe(until2);
    expect(privateNotes(2, undone)[0]!.content).toContain('(moved from Submitted to In progress) was undone');
    // The front line's change stands, and the Activity says why it was left.
    await expect.poll(() => activity().filter({ hasText: 'changed in Chatwoot since Backline reopened it' }).count(), SLOW).toBe(1);
    expect(sb(6).status).toBe('resolved');
    // The Activity shows both the change and its undo.
    expect(await activity().filter({ hasText: 'Changed state from Submitted to In progress' }).count()).toBe(1);
    expect(await activity().filter({ hasText: 'Undid the change to In progress: state back to Submitted' }).count()).toBe(1);
    // Nothing more goes out.
    expect(privateNotes(2, undone)).toHaveLength(1);
    expect(await undoButton().count()).toBe(0);
  });

  it('Ctrl/Cmd+Z outside text fields undoes a cross-posted note', async () => {
    const text = 'Refunds are paused until Monday.';
    await panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
    await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
    await expect.poll(() => activity().filter({ hasText: text }).count()).toBe(1);
    await expect.poll(() => undoButton().count()).toBe(1);

    // In the Note box, Ctrl+Z is the text field's own: it takes back typing, not the cross-post
    // (an undo would have disabled the button at once, and then removed it).
    const box = panel.getByRole('textbox', { name: 'Note', exact: true });
    await box.focus();
    await page.keyboard.type('draft');
    await page.keyboard.press('Control+z');
    await expect.poll(() => box.inputValue()).toBe('');
    expect(await undoButton().isEnabled()).toBe(true);
    expect(await activity().filter({ hasText: 'Undid the cross-posted note' }).count()).toBe(0);

    await stateButton().focus();
    await page.keyboard.press('Control+z');
    await expect.poll(() => activity().filter({ hasText: 'Undid the cross-posted note' }).count()).toBe(1);
    await expect.poll(() => undoButton().count()).toBe(0);
    // Each conversation either never got the note, or got it and then exactly one correction.
    const correction = '(a note) was undone';
    await expect
      .poll(() => activity().filter({ hasText: /^(Internal note) in .*(Queued)/ }).count(), SLOW)
      .toBe(0);
    for (const id of [2, 6]) expect(privateNotes(id, correction).length).toBe(privateNotes(id, text).length);
  });

  it('after 10 seconds the Undo button is gone and the change stands', async () => {
    await chooseState('Waiting on customer');
    await expect.poll(() => undoButton().count()).toBe(1);
    await expect.poll(() => undoButton().count(), { timeout: 20_000, interval: 500 }).toBe(0);
    await stateButton().focus();
    await page.keyboard.press('Control+z');
    expect(await stateButton().textContent()).toContain('Waiting on customer');
    expect(await activity().filter({ hasText: 'Undid the change to Waiting on customer' }).count()).toBe(0);
  });
});
