/**
 * One user action has one effect, even when the service worker stops after it saved the write
 * and before it answered: the panel sends the same request again (same request id) and gets the
 * stored result; and when it still gets no answer, the agent's own retry of the same action
 * reuses the id, while an edited note is a new action.
 *
 * The sandbox is connected as Chatwoot, so cross-posts reach it: notes are counted there, and in
 * Backline's database. How the worker is stopped at the worst moment: see ./worker-control.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { connectSandboxAsAdmin, launch, type Harness } from './harness';
import { controlWorker, countRecords, holdAfterNextWrite, holdStore, type WorkerControl } from './worker-control';

let h: Harness;
let page: Page;
let panel: Frame;
let options: Page; // also where the test reads Backline's database
let worker: WorkerControl;

const PASS = 'resend admin passphrase';
const SLOW = { timeout: 30_000, interval: 200 };
const TITLE = 'Duplicate charge on invoice 1042';

beforeAll(async () => {
  h = await launch();
  ({ page, panel } = await h.openConversation(2));
  options = await connectSandboxAsAdmin(h, PASS);
  await page.bringToFront();
  worker = await controlWorker(h, page);
});
afterAll(async () => {
  await worker?.close();
  await h?.close();
});

const sb = (id: number) => h.sandbox.state.conversations.find((c) => c.id === id)!;
const privateNotes = (text: string) => [2, 3].map((id) => sb(id).messages.filter((m) => m.private && m.content.includes(text)).length);
const noteBox = () => panel.getByRole('textbox', { name: 'Note', exact: true });
const activity = () => panel.getByRole('region', { name: 'Activity', exact: true }).getByRole('listitem');
const notesInActivity = (text: string) => activity().filter({ hasText: text });
const notesSaved = (text: string) => countRecords(options, 'activity', 'body', text);
const noAnswer = () => panel.getByRole('alert').filter({ hasText: 'did not answer' });

/** Cross-posts `text`; the worker saves it and is stopped before it answers. */
async function crossPostStoppedAfterSave(text: string): Promise<void> {
  await holdAfterNextWrite(h, ['activity', 'outbox', 'requests']);
  await noteBox().fill(text);
  await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
  await expect.poll(() => notesSaved(text), SLOW).toBe(1);
  await worker.stop();
}

/** Cross-posts `text`: saved, and then no answer at all, whatever the panel resends, until it gives up. */
async function crossPostUnanswered(text: string): Promise<void> {
  await holdAfterNextWrite(h, ['activity', 'outbox', 'requests']);
  await noteBox().fill(text);
  await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
  await expect.poll(() => notesSaved(text), SLOW).toBe(1);
  // Every worker that wakes for a resend waits for the held store, and is stopped. The outbox is
  // held too: a delivery stopped after its request was marked sent waits out the settle window
  // (minutes, see lib/background/outbox.ts) by design, which is not what this file tests.
  const release = await holdStore(options, ['requests', 'outbox']);
  await worker.keepStopped(async () => (await noAnswer().count()) === 1);
  await release();
  expect(await noteBox().inputValue()).toBe(text); // what the agent wrote is still there
}

describe('the worker stopped after saving, before answering', () => {
  it('Create ticket yields one ticket, shown and linked once', async () => {
    await holdAfterNextWrite(h, ['tickets', 'ticketTypes', 'requests']);
    await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).click();
    await panel.getByRole('textbox', { name: 'Title', exact: true }).fill(TITLE);
    await panel.getByRole('button', { name: 'Create ticket', exact: true }).click();
    await expect.poll(() => countRecords(options, 'tickets', 'title', TITLE), SLOW).toBe(1);
    await worker.stop();

    // The panel asked again, got the ticket it had created, and shows it.
    await expect.poll(() => panel.getByRole('heading', { name: TITLE, exact: true }).count(), SLOW).toBe(1);
    expect(await noAnswer().count()).toBe(0);
    expect(await countRecords(options, 'tickets', 'title', TITLE)).toBe(1);
    await panel.getByRole('button', { name: 'Back', exact: true }).click();
    const linked = panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('listitem');
    await expect.poll(() => linked.allTextContents(), SLOW).toEqual([expect.stringContaining(TITLE)]);

    // Linked from conversation 3 as well, for the cross-posts below.
    await page.locator('a[href$="/conversations/3"]').first().click();
    await expect.poll(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain('#3');
    await panel.getByRole('button', { name: 'Link existing ticket', exact: true }).click();
    await panel.getByRole('searchbox', { name: 'Find ticket', exact: true }).fill(TITLE);
    const match = panel.getByRole('listitem').filter({ hasText: TITLE });
    await expect.poll(() => match.count(), SLOW).toBe(1);
    await match.getByRole('button', { name: 'Link', exact: true }).click();
    await panel.getByRole('region', { name: 'Linked tickets', exact: true }).getByRole('button', { name: TITLE, exact: true }).click();
    await expect.poll(() => panel.getByRole('region', { name: 'Links', exact: true }).getByRole('listitem').count(), SLOW).toBe(2);
  });

  it('Cross-post yields one note in Backline and one in each linked conversation', async () => {
    const text = 'Refund of the duplicate charge approved.';
    await crossPostStoppedAfterSave(text);

    // The panel asked again and was told the note was saved: the box is empty, no error.
    await expect.poll(() => noteBox().inputValue(), SLOW).toBe('');
    expect(await noAnswer().count()).toBe(0);
    await expect.poll(() => notesInActivity(text).count(), SLOW).toBe(1);
    await expect.poll(() => privateNotes(text), SLOW).toEqual([1, 1]);
    // Both deliveries are done, and nothing else was queued: one note, once.
    const delivered = activity().filter({ hasText: 'Delivered' });
    await expect.poll(() => delivered.count(), SLOW).toBe(2);
    expect(await notesSaved(text)).toBe(1);
    expect(privateNotes(text)).toEqual([1, 1]);
  });
});

describe('the agent retries after "did not answer"', () => {
  it('pressing Cross-post again with the same note applies it once', async () => {
    const text = 'Customer confirmed the refund arrived.';
    await crossPostUnanswered(text);

    await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
    await expect.poll(() => noteBox().inputValue(), SLOW).toBe('');
    await expect.poll(() => notesInActivity(text).count(), SLOW).toBe(1);
    await expect.poll(() => privateNotes(text), SLOW).toEqual([1, 1]);
    await expect.poll(() => activity().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(4);
    expect(await notesSaved(text)).toBe(1);
    expect(privateNotes(text)).toEqual([1, 1]);
  });

  it('an edited note is a new action: both are posted, once each', async () => {
    const first = 'Escalated to the payments provider.';
    const edited = 'Escalated to the payments provider, case PAY-77.';
    await crossPostUnanswered(first);

    await noteBox().fill(edited);
    await panel.getByRole('button', { name: 'Cross-post note', exact: true }).click();
    await expect.poll(() => noteBox().inputValue(), SLOW).toBe('');
    await expect.poll(() => notesSaved(edited), SLOW).toBe(1);
    await expect.poll(() => notesInActivity(edited).count(), SLOW).toBe(1);
    await expect.poll(() => privateNotes(edited), SLOW).toEqual([1, 1]);
    // The first one was saved before the worker stopped, and is delivered too: once.
    await expect.poll(() => privateNotes(first), SLOW).toEqual([1, 1]);
    await expect.poll(() => activity().filter({ hasText: 'Delivered' }).count(), SLOW).toBe(8);
    expect(await notesSaved(first)).toBe(1);
  });
});
