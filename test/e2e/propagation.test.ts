/**
 * Propagation end to end: the built extension in headless Chromium, the sandbox helpdesk as
 * Chatwoot. A back-office ticket linked to a snoozed (2) and a resolved (3) conversation.
 *
 * The connection is added and the workspace setting switched on the options page, and the ticket
 * is driven through the panel, all by role and name (../shared/ui-contract.md). Two things the
 * contract names no control for are written straight into the background's IndexedDB from the
 * service worker: replacing the connection's token with a wrong one, and removing it. Outcomes are
 * read from the sandbox's own pages and its state.
 *
 * Stopping the service worker: a CDP session on any page of the context can use the
 * `ServiceWorker` domain (the extension's worker is listed there); `ServiceWorker.stopWorker`
 * stops it like Chrome's idle shutdown does, and a global set before shows it really restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { connectSandboxAsAdmin, launch, type Harness } from './harness';
import { raiseAndLinkInSandbox, setCredential } from './connector-flow';

let h: Harness;
let page: Page;
let panel: Frame;
let view: Page; // a tab for the sandbox's own conversation pages
let options: Page;

const PASS = 'propagation admin passphrase';
const SWITCH = 'Prevent state changes from reopening linked conversations';

const SLOW = { timeout: 30_000, interval: 250 };

beforeAll(async () => {
  h = await launch();
  ({ page, panel } = await h.openConversation(2));
  view = await h.context.newPage();
});
afterAll(async () => {
  await h?.close();
});

// ----- helpers ---------------------------------------------------------------------------------

async function setPreventReopen(on: boolean): Promise<void> {
  const toggle = options.getByRole('switch', { name: SWITCH, exact: true });
  await options.bringToFront();
  await (on ? toggle.check() : toggle.uncheck());
  await expect.poll(() => toggle.isChecked()).toBe(on);
  await page.bringToFront();
}

/** The connection as saved, with another token (the contract names no control to edit one). */
const setToken = (token: string) => setCredential(h, 'token', token);

const sb = (id: number) => h.sandbox.state.conversations.find((c) => c.id === id)!;
const privateNotes = (id: number, text: string) => sb(id).messages.filter((m) => m.private && m.content.includes(text));
const effectItems = () => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: /^(Internal note|Reopen) in / });

/** What the sandbox's own agent page shows for a conversation. */
async function sandboxPage(id: number): Promise<{ status: string | null; notes: string[] }> {
  await view.goto(`${h.sandbox.url}/app/accounts/1/conversations/${id}`);
  const status = await view.getByTestId('conversation-status').getAttribute('data-status');
  const notes = await view.getByTestId('private-note').allTextContents();
  return { status, notes };
}

const raiseAndLink = (title: string, type: string, linkFrom: number) => raiseAndLinkInSandbox(page, panel, title, type, linkFrom);

async function chooseState(label: string) {
  await panel.getByRole('button', { name: /^Ticket state/ }).click();
  await panel.getByRole('menuitemradio', { name: label, exact: true }).click();
  await expect.poll(() => panel.getByRole('button', { name: /^Ticket state/ }).textContent()).toContain(label);
}

async function crossPost(text: string) {
  await panel.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
  await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
  await expect.poll(() => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: text }).count()).toBe(1);
}

const failNext = (body: { count: number; status: number; match?: string }) =>
  fetch(`${h.sandbox.url}/__sandbox/fail`, { method: 'POST', body: JSON.stringify(body) });

/** Stops the extension's service worker through CDP and waits until Chrome reports it stopped. */
async function stopServiceWorker(): Promise<void> {
  const cdp = await h.context.newCDPSession(page);
  const versions = new Map<string, { versionId: string; scriptURL: string; runningStatus: string }>();
  const isMine = (v: { scriptURL: string }) => v.scriptURL.startsWith(`chrome-extension://${h.extensionId}/`);
  // Seen as an event: open pages reconnect their events port at once, which starts it again.
  let stopped = false;
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions) {
      versions.set(v.versionId, v);
      if (isMine(v) && v.runningStatus === 'stopped') stopped = true;
    }
  });
  await cdp.send('ServiceWorker.enable');
  const mine = () => [...versions.values()].find(isMine);
  await expect.poll(() => mine()?.runningStatus).toBe('running');
  await cdp.send('ServiceWorker.stopWorker', { versionId: mine()!.versionId });
  await expect.poll(() => stopped, { timeout: 10_000 }).toBe(true);
  await cdp.detach();
}

// ----- tests -----------------------------------------------------------------------------------

describe('propagation to the helpdesk', () => {
  it('a state change posts the event in both conversations and reopens the snoozed and the resolved one', async () => {
    options = await connectSandboxAsAdmin(h, PASS);
    // Background tabs are throttled; the helpdesk tab with the panel is the one the agent uses.
    await page.bringToFront();

    // A ticket raised from conversation 2, then linked from conversation 3.
    await raiseAndLink('Nightly export stuck', 'General back-office', 3);

    await chooseState('In progress');

    const event = 'moved from Submitted to In progress';
    await expect.poll(() => [privateNotes(2, event).length, privateNotes(3, event).length, sb(2).status, sb(3).status], SLOW).toEqual([1, 1, 'open', 'open']);
    for (const id of [2, 3]) {
      const shown = await sandboxPage(id);
      expect(shown.status).toBe('open');
      expect(shown.notes.filter((n) => n.includes(event))).toHaveLength(1);
    }
    expect(sb(2).snoozed_until).toBeNull();

    // Activity: every effect delivered; Links: both conversations now Open.
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(4);
    expect(await effectItems().filter({ hasText: 'Unsnoozed' }).count()).toBe(1);
    const statuses = panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').locator('.conv-status');
    await expect.poll(() => statuses.allTextContents()).toEqual(['Open', 'Open']);
  });

  it('with "Prevent state changes from reopening" on, the next change posts the event but reopens nothing', async () => {
    await setPreventReopen(true);
    // Conversation 3 is resolved again in the helpdesk; conversation 2 stays as reopened earlier.
    await view.goto(`${h.sandbox.url}/app/accounts/1/conversations/3`);
    await view.getByTestId('resolve-button').click();
    await expect.poll(() => sb(3).status).toBe('resolved');
    const toggles = () => h.sandbox.state.requests.filter((r) => r.path.endsWith('/toggle_status')).length;
    const before = toggles();

    await chooseState('Waiting on customer');
    const event = 'moved from In progress to Waiting on customer';
    await expect.poll(() => [privateNotes(2, event).length, privateNotes(3, event).length], SLOW).toEqual([1, 1]);
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(6);
    expect(toggles()).toBe(before);
    expect((await sandboxPage(3)).status).toBe('resolved');
    expect((await sandboxPage(2)).status).toBe('open');
    expect(
      await panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem').filter({ hasText: 'linked conversations not reopened' }).count(),
    ).toBe(1);
    await setPreventReopen(false);
  });

  it('a cross-posted note lands as a private note in both conversations', async () => {
    await crossPost('Engineering deployed the export fix at 14:05.');
    await expect.poll(() => [privateNotes(2, 'deployed the export fix').length, privateNotes(3, 'deployed the export fix').length], SLOW).toEqual([1, 1]);
    for (const id of [2, 3]) {
      expect((await sandboxPage(id)).notes.filter((n) => n.includes('Engineering deployed the export fix at 14:05.'))).toHaveLength(1);
    }
    // Never a customer-visible reply.
    expect(sb(2).messages.filter((m) => !m.private && m.content.includes('deployed the export fix'))).toHaveLength(0);
  });

  it('the Conversation preview shows the sandbox conversation’s real messages and notes', async () => {
    const link = panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').filter({ hasText: '#2' });
    await link.getByRole('button', { name: 'Open', exact: true }).click();
    const preview = panel.getByRole('region', { name: 'Conversation preview', exact: true });
    await expect.poll(() => preview.textContent(), SLOW).toContain('Our nightly CSV export has been stuck at 99%');
    const text = (await preview.textContent())!;
    expect(text).toContain('Engineering found a stuck worker'); // the agent's reply
    expect(text).toContain('Conversation was snoozed by Priya Shah'); // an event
    expect(text).toContain('Engineering deployed the export fix at 14:05.'); // Backline's note
    expect(text).toContain('Grace Hopper');
    expect(text).not.toContain('Backline ref'); // the idempotency marker is not for people
    expect(await preview.getByRole('status').count()).toBe(0); // read from the helpdesk, no fallback notice
    await panel.getByRole('button', { name: 'Back to ticket', exact: true }).click();
    await expect.poll(() => panel.getByRole('region', { name: 'Activity', exact: true }).count()).toBe(1);
  });

  it('effects queued while the service worker is stopped are delivered exactly once after it wakes', async () => {
    // The helpdesk is down: the effects stay queued with a retry scheduled.
    await failNext({ count: 1000, status: 503 });
    await crossPost('Second fix rolled out to all regions.');
    await expect.poll(() => h.sandbox.state.requests.filter((r) => r.injected).length, SLOW).toBeGreaterThanOrEqual(2);
    await h.worker.evaluate(() => ((globalThis as { __alive?: boolean }).__alive = true));
    // The retry is scheduled as an alarm, which outlives the worker.
    await expect.poll(() => h.worker.evaluate(async () => !!(await chrome.alarms.get('backline-outbox')))).toBe(true);

    await stopServiceWorker();
    await failNext({ count: 0, status: 503 }); // the helpdesk is back

    // The open panels' events ports wake a new worker at once (with no page open, the retry alarm
    // would); it picks up the queued effects.
    await expect.poll(() => [privateNotes(2, 'Second fix rolled out').length, privateNotes(3, 'Second fix rolled out').length], {
      timeout: 60_000,
      interval: 500,
    }).toEqual([1, 1]);
    expect(await h.context.serviceWorkers()[0]!.evaluate(() => (globalThis as { __alive?: boolean }).__alive)).toBeUndefined();
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(10);
    // Exactly once, also a little later (no late duplicate from an earlier attempt).
    await page.waitForTimeout(1000);
    expect([privateNotes(2, 'Second fix rolled out').length, privateNotes(3, 'Second fix rolled out').length]).toEqual([1, 1]);
  }, 90_000);

  it('a helpdesk failing with 500 for a while is retried until delivered, without duplicates', async () => {
    const injectedBefore = h.sandbox.state.requests.filter((r) => r.injected).length;
    await failNext({ count: 3, status: 500 });
    await crossPost('Customer data re-exported successfully.');
    await expect.poll(() => [privateNotes(2, 're-exported successfully').length, privateNotes(3, 're-exported successfully').length], SLOW).toEqual([1, 1]);
    expect(h.sandbox.state.requests.filter((r) => r.injected).length - injectedBefore).toBe(3);
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(12);
    await page.waitForTimeout(1000);
    expect([privateNotes(2, 're-exported successfully').length, privateNotes(3, 're-exported successfully').length]).toEqual([1, 1]);
  });

  it('a helpdesk that applies a note 15 s late still ends with one copy', async () => {
    // Longer than the connector's 10 s timeout: Backline stops waiting for an answer, and only
    // afterwards does the helpdesk apply the notes.
    await fetch(`${h.sandbox.url}/__sandbox/delay`, { method: 'POST', body: JSON.stringify({ ms: 15_000, count: 2, match: '/messages' }) });
    await crossPost('Refund issued on the 3rd.');
    const applied = () => h.sandbox.state.requests.filter((r) => r.delayedMs === 15_000 && r.status === 200).length;
    await expect.poll(applied, { timeout: 60_000, interval: 500 }).toBe(2);
    await expect.poll(() => effectItems().filter({ hasText: 'Delivered' }).count(), { timeout: 60_000, interval: 500 }).toBe(14);
    expect([privateNotes(2, 'Refund issued on the 3rd.').length, privateNotes(3, 'Refund issued on the 3rd.').length]).toEqual([1, 1]);
    for (const id of [2, 3]) expect((await sandboxPage(id)).notes.filter((n) => n.includes('Refund issued on the 3rd.'))).toHaveLength(1);
  }, 120_000);

  it('a wrong token shows a clear failure in Activity, and Retry delivers once it is fixed', async () => {
    await setToken('not-the-token');
    await crossPost('Please confirm the export arrived.');
    const failed = effectItems().filter({ hasText: 'Failed' });
    await expect.poll(() => failed.count(), SLOW).toBe(2);
    expect(await failed.first().textContent()).toContain("Chatwoot refused the access token (401). Check the connection's API access token on the options page.");
    expect(privateNotes(2, 'confirm the export arrived')).toHaveLength(0);

    await setToken('sandbox-token');
    await failed.first().getByRole('button', { name: 'Retry', exact: true }).click();
    await expect.poll(() => failed.count(), SLOW).toBe(1);
    await failed.first().getByRole('button', { name: 'Retry', exact: true }).click();
    await expect.poll(() => [privateNotes(2, 'confirm the export arrived').length, privateNotes(3, 'confirm the export arrived').length], SLOW).toEqual([1, 1]);
    await expect.poll(() => failed.count(), SLOW).toBe(0);
  });

  it('a tracker ticket asks what to update in each linked conversation, whatever the workspace setting says', async () => {
    await setPreventReopen(true); // trackers ignore it: the agent decides per conversation
    for (const id of [2, 3]) {
      await view.goto(`${h.sandbox.url}/app/accounts/1/conversations/${id}`);
      if (sb(id).status !== 'resolved') await view.getByTestId('resolve-button').click();
    }
    await expect.poll(() => [sb(2).status, sb(3).status]).toEqual(['resolved', 'resolved']);
    await page.bringToFront();

    // A tracker raised from conversation 3, linked from conversation 2.
    await panel.getByRole('button', { name: 'Back', exact: true }).click();
    await raiseAndLink('Export outage', 'Tracker', 2);
    expect(await panel.getByRole('img', { name: 'Tracker ticket', exact: true }).count()).toBe(1);

    // Cancel changes nothing.
    const stateButton = panel.getByRole('button', { name: /^Ticket state/ });
    await stateButton.click();
    await panel.getByRole('menuitemradio', { name: 'In progress', exact: true }).click();
    const dialog = panel.getByRole('dialog', { name: 'Update linked tickets', exact: true });
    await expect.poll(() => dialog.count()).toBe(1);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await stateButton.textContent()).toContain('Submitted');

    // Apply: notes to both, but reopen only conversation 3.
    await stateButton.click();
    await panel.getByRole('menuitemradio', { name: 'In progress', exact: true }).click();
    await expect.poll(() => dialog.getByRole('listitem').count()).toBe(2);
    await dialog.getByRole('listitem').filter({ hasText: '#2' }).getByRole('checkbox', { name: 'Reopen or unsnooze', exact: true }).uncheck();
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(() => stateButton.textContent()).toContain('In progress');

    const event = '“Export outage” moved from Submitted to In progress';
    await expect.poll(() => [privateNotes(2, event).length, privateNotes(3, event).length, sb(3).status], SLOW).toEqual([1, 1, 'open']);
    expect(privateNotes(3, event)[0]!.content).toContain('Tracker ticket');
    expect(sb(2).status).toBe('resolved');
    await setPreventReopen(false);
  });

  it('without a connection the note is saved and Activity says plainly that the helpdesk was not updated', async () => {
    await h.worker.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('backline');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = db.transaction('connections', 'readwrite');
      tx.objectStore('connections').clear();
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    });
    await crossPost('Closing the loop.');
    const notSent = effectItems().filter({ hasText: 'Not sent' }).filter({ hasText: 'No Chatwoot connection' });
    await expect.poll(() => notSent.count(), SLOW).toBe(2);
    expect(await notSent.first().textContent()).toContain(`No Chatwoot connection for ${h.sandbox.url} account 1, so the helpdesk was not updated.`);
    expect(privateNotes(2, 'Closing the loop.')).toHaveLength(0);
  });
});
