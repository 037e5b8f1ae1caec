import { afterEach, describe, expect, it } from 'vitest';
import { effectiveSettings, parsePolicy, policyConflictMessage, policyConflicts, policyKeys } from '../../lib/model/settings';
import { openBacklineDb, type BacklineDatabase } from '../../lib/store/schema';
import { BacklineError } from '../../lib/model/errors';
import { uuidv7 } from '../../lib/model/ids';
import { DEFAULT_SETTINGS } from '../../lib/model/settings';
import { Store } from '../../lib/store';

describe('parsePolicy', () => {
  it('takes known settings with the right type', () => {
    expect(parsePolicy({ preventReopen: true })).toEqual({ values: { preventReopen: true }, ignored: [] });
    expect(parsePolicy({ preventReopen: false })).toEqual({ values: { preventReopen: false }, ignored: [] });
  });

  it('has no policy when storage.managed is empty or not an object', () => {
    for (const raw of [{}, undefined, null, 'x', 42, [true]]) expect(parsePolicy(raw)).toEqual({ values: {}, ignored: [] });
  });

  it('ignores, and reports, unknown keys and values of the wrong type', () => {
    const r = parsePolicy({ preventReopen: 'yes', adminPassphrase: 'x', __proto__: { preventReopen: true } });
    expect(r.values).toEqual({});
    expect(r.ignored).toEqual(['preventReopen: expected a boolean, got "yes"', 'adminPassphrase: not a Backline setting']);
    expect(parsePolicy({ preventReopen: null }).values).toEqual({});
  });
});

describe('precedence', () => {
  it('a policy value wins over the stored one, and an unset policy leaves it alone', () => {
    expect(effectiveSettings({ ...DEFAULT_SETTINGS, preventReopen: false }, { preventReopen: true })).toEqual({ ...DEFAULT_SETTINGS, preventReopen: true });
    expect(effectiveSettings({ ...DEFAULT_SETTINGS, preventReopen: true }, { preventReopen: false })).toEqual({ ...DEFAULT_SETTINGS, preventReopen: false });
    expect(effectiveSettings({ ...DEFAULT_SETTINGS, preventReopen: true }, {})).toEqual({ ...DEFAULT_SETTINGS, preventReopen: true });
    expect(effectiveSettings(DEFAULT_SETTINGS, {})).toEqual(DEFAULT_SETTINGS);
  });

  it('reports which keys are policy-set', () => {
    expect(policyKeys({})).toEqual([]);
    expect(policyKeys({ preventReopen: false })).toEqual(['preventReopen']);
  });

  it('any write touching a policy-set key conflicts, even with the same value', () => {
    expect(policyConflicts({ preventReopen: true }, { preventReopen: true })).toEqual(['preventReopen']);
    expect(policyConflicts({ preventReopen: false }, { preventReopen: true })).toEqual(['preventReopen']);
    expect(policyConflicts({ preventReopen: true }, {})).toEqual([]);
    expect(policyConflicts({}, { preventReopen: true })).toEqual([]);
    expect(policyConflictMessage(['preventReopen'])).toMatch(/“Prevent state changes from reopening linked conversations” is set by your organisation/);
  });
});

describe('the store under a policy', () => {
  const dbs: BacklineDatabase[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });
  async function store() {
    const db = await openBacklineDb(`policy-test-${crypto.randomUUID()}`);
    dbs.push(db);
    return new Store(db);
  }

  it('reads the policy value, keeps the admin’s own value underneath, and refuses to change a policy-set key', async () => {
    const s = await store();
    await s.saveSettings(uuidv7(), { preventReopen: false });
    s.setPolicy({ preventReopen: true });
    expect(await s.getSettings()).toEqual({ ...DEFAULT_SETTINGS, preventReopen: true });
    expect(await s.getStoredSettings()).toEqual({ ...DEFAULT_SETTINGS, preventReopen: false });

    const err = await s.saveSettings(uuidv7(), { preventReopen: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacklineError);
    expect((err as BacklineError).code).toBe('forbidden');
    expect((err as BacklineError).message).toMatch(/set by your organisation/);
    expect(await s.getStoredSettings()).toEqual({ ...DEFAULT_SETTINGS, preventReopen: false });
    expect(await s.db.count('requests')).toBe(1); // only the first save ran

    // The policy is lifted: the admin's value is back in force.
    s.setPolicy({});
    expect(await s.getSettings()).toEqual({ ...DEFAULT_SETTINGS, preventReopen: false });
  });

  it('a state change made under a "prevent reopening" policy does not reopen, whatever is stored', async () => {
    const s = await store();
    const me = await s.me();
    const conv = { key: 'chatwoot:http://localhost:3000:1:7', helpdesk: 'chatwoot' as const, origin: 'http://localhost:3000', account: '1', conversationId: '7', kind: 'conversation' as const, title: 'T', customerName: '', customerEmail: '', company: '' };
    const ticket = await s.createTicket({ requestId: uuidv7(), actorId: me.id, title: 'Policy', typeId: 'type-general', conversation: conv });
    s.setPolicy({ preventReopen: true });
    await s.changeState({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, baseVersion: 1, stateId: 'in_progress' });
    const kinds = (await s.db.getAll('outbox')).map((o) => o.kind);
    expect(kinds).toEqual(['note']);

    s.setPolicy({ preventReopen: false });
    await s.changeState({ requestId: uuidv7(), actorId: me.id, ticketId: ticket.id, baseVersion: 2, stateId: 'resolved' });
    expect((await s.db.getAll('outbox')).map((o) => o.kind).sort()).toEqual(['note', 'note', 'reopen']);
  });
});
