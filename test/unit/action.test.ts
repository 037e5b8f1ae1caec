/**
 * The one action runner of both pages (components/common/action.ts): the same action done again
 * after a failure keeps its request id, a success forgets it, a second submission while one runs
 * does nothing; the panel's guard runs before anything is written; the options page captures
 * failures in `error`, the panel throws them.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({ default: { runtime: {} } }));
const { ActionModel } = await import('../../components/common/action');

/** A write that records the request ids it was given and fails while `failing` is true. */
function recorder() {
  const ids: string[] = [];
  const state = { failing: true };
  const write = async (requestId: string) => {
    ids.push(requestId);
    if (state.failing) throw new Error('The background did not answer.');
    return 'saved';
  };
  return { ids, state, write };
}

describe('the action runner', () => {
  it('reuses the request id for the same action after a failure, and forgets it after a success', async () => {
    const action = new ActionModel({ errors: 'capture' });
    const { ids, state, write } = recorder();
    await action.run('note hello', write);
    await action.run('note hello', write);
    state.failing = false;
    expect(await action.run('note hello', write)).toBe('saved');
    await action.run('note hello', write);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).not.toBe(ids[0]);
  });

  it('gives another action, or one without a key, a new id', async () => {
    const action = new ActionModel({ errors: 'capture' });
    const { ids, write } = recorder();
    await action.run('note hello', write);
    await action.run('note hello!', write);
    await action.run(write);
    await action.run(write);
    expect(new Set(ids).size).toBe(4);
  });

  it('does nothing while an action runs (double submission), and is not busy after it', async () => {
    const action = new ActionModel({ errors: 'capture' });
    let finish!: () => void;
    const fn = vi.fn((_id: string) => new Promise<void>((resolve) => (finish = resolve)));
    const first = action.run('save', fn);
    expect(action.busy.value).toBe(true);
    expect(await action.run('save', fn)).toBeUndefined();
    expect(fn).toHaveBeenCalledTimes(1);
    finish();
    await first;
    expect(action.busy.value).toBe(false);
  });

  it("captures a failure's message in `error` and clears it when the next action starts", async () => {
    const action = new ActionModel({ errors: 'capture' });
    const { state, write } = recorder();
    expect(await action.run('save', write)).toBeUndefined();
    expect(action.error.value).toBe('The background did not answer.');
    state.failing = false;
    const next = action.run('save', write);
    expect(action.error.value).toBe('');
    await next;
    expect(action.error.value).toBe('');
  });

  it('throws a failure for the caller when asked to, and keeps the id for the same action', async () => {
    const action = new ActionModel({ errors: 'throw' });
    const { ids, write } = recorder();
    await expect(action.run('save', write)).rejects.toThrow('The background did not answer.');
    await expect(action.run('save', write)).rejects.toThrow();
    expect(ids[1]).toBe(ids[0]);
    expect(action.error.value).toBe('');
    expect(action.busy.value).toBe(false);
  });

  it('writes nothing when the guard refuses, and the same action keeps its id for when it allows', async () => {
    let allowed = false;
    const guard = vi.fn(async () => allowed);
    const action = new ActionModel({ errors: 'throw', guard });
    const { ids, state, write } = recorder();
    state.failing = false;
    expect(await action.run('save', write)).toBeUndefined();
    expect(ids).toEqual([]);
    expect(action.busy.value).toBe(false);
    allowed = true;
    expect(await action.run('save', write)).toBe('saved');
    expect(guard).toHaveBeenCalledTimes(2);
    expect(ids).toHaveLength(1);
  });
});
