/**
 * The pages' requests: a request the background did not answer is sent again, the very same
 * message (so a write keeps its request id), a bounded number of times; and a user action done
 * again after a failure keeps its request id, while a changed or succeeded one gets a new one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BacklineError } from '../../lib/model/errors';

const fake = vi.hoisted(() => ({ runtime: { sendMessage: vi.fn(), connect: vi.fn() } }));
vi.mock('webextension-polyfill', () => ({ default: fake }));
const { createActionIds, request, RESEND_DELAYS_MS } = await import('../../lib/client');

const REQUEST_ID = '0198c0de-0000-7000-8000-0000000000aa';
const note = { requestId: REQUEST_ID, ticketId: 't1', body: 'Refund issued.', crossPost: true };
const STOPPED = 'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received';

/** Runs `request` to its end with fake timers (the waits between resends pass at once). */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return settled;
}

describe('request: when the background does not answer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    fake.runtime.sendMessage.mockReset();
  });
  afterEach(() => vi.useRealTimers());

  it('sends the same message again, same request id, and returns the answer', async () => {
    fake.runtime.sendMessage
      .mockRejectedValueOnce(new Error(STOPPED))
      .mockResolvedValueOnce(undefined) // the polyfill's way of saying "the message port closed"
      .mockResolvedValueOnce({ ok: true, data: { id: 'note-1' } });
    const { value, error } = await settle(request('ui:addNote', note));
    expect(error).toBeUndefined();
    expect(value).toEqual({ id: 'note-1' });
    const sent = fake.runtime.sendMessage.mock.calls.map(([m]) => m);
    expect(sent).toHaveLength(3);
    for (const m of sent) expect(m).toEqual({ type: 'ui:addNote', payload: note });
    expect(new Set(sent.map((m) => m.payload.requestId))).toEqual(new Set([REQUEST_ID]));
  });

  it('gives up after a bounded number of resends, with a message a person can act on', async () => {
    fake.runtime.sendMessage.mockRejectedValue(new Error(STOPPED));
    const { error } = await settle(request('ui:addNote', note));
    expect(fake.runtime.sendMessage).toHaveBeenCalledTimes(1 + RESEND_DELAYS_MS.length);
    expect(error).toBeInstanceOf(BacklineError);
    expect(error).toMatchObject({ code: 'unreachable' });
    expect((error as Error).message).toBe(`Backline’s background service did not answer (${STOPPED}). Try again.`);
    for (const [m] of fake.runtime.sendMessage.mock.calls) expect(m.payload.requestId).toBe(REQUEST_ID);
  });

  it('resends reads as well', async () => {
    fake.runtime.sendMessage.mockRejectedValueOnce(new Error('Could not establish connection. Receiving end does not exist.'));
    fake.runtime.sendMessage.mockResolvedValueOnce({ ok: true, data: { preventReopen: false } });
    expect((await settle(request('ui:getSettings', {}))).value).toEqual({ preventReopen: false });
    expect(fake.runtime.sendMessage).toHaveBeenCalledTimes(2);
  });

  it('does not resend what the background answered, refusals included', async () => {
    fake.runtime.sendMessage.mockResolvedValue({ ok: false, error: { code: 'stale', message: 'Someone changed this ticket meanwhile.' } });
    const { error } = await settle(request('ui:addNote', note));
    expect(error).toMatchObject({ code: 'stale', message: 'Someone changed this ticket meanwhile.' });
    expect(fake.runtime.sendMessage).toHaveBeenCalledTimes(1);
  });

  it('does not resend from a page that outlived the extension', async () => {
    fake.runtime.sendMessage.mockRejectedValue(new Error('Extension context invalidated.'));
    const { error } = await settle(request('ui:addNote', note));
    expect(error).toMatchObject({ code: 'unreachable', message: 'Backline was updated or reloaded. Reload this page to keep working.' });
    expect(fake.runtime.sendMessage).toHaveBeenCalledTimes(1);
  });
});

describe('createActionIds: one request id per user action', () => {
  let n = 0;
  const ids = () => createActionIds(() => `id-${++n}`);

  it('doing the same action again after a failure reuses its id', () => {
    const actions = ids();
    const first = actions.begin('note A');
    expect(actions.begin('note A')).toBe(first);
    expect(actions.begin('note A')).toBe(first);
  });

  it('a changed action gets a new id, and changing back does not bring the old one back', () => {
    const actions = ids();
    const a = actions.begin('note A');
    const b = actions.begin('note A, edited');
    expect(b).not.toBe(a);
    expect(actions.begin('note A')).not.toBe(a);
  });

  it('after a success the same action again is a new action', () => {
    const actions = ids();
    const first = actions.begin('Done.');
    actions.succeeded(first);
    const second = actions.begin('Done.');
    expect(second).not.toBe(first);
    // A late success of an earlier id does not forget the pending one.
    actions.succeeded(first);
    expect(actions.begin('Done.')).toBe(second);
  });

  it('an action without a key is never the same again', () => {
    const actions = ids();
    const keyed = actions.begin('note A');
    const a = actions.begin();
    const b = actions.begin();
    expect(new Set([keyed, a, b]).size).toBe(3);
    expect(actions.begin('note A')).not.toBe(keyed);
  });

  it('makes UUIDs by default', () => {
    expect(createActionIds().begin('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
