import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'acorn';
import { transformWithEsbuild } from 'vite';
import { describe, expect, it } from 'vitest';
import {
  conflictLoserDeletion,
  DOC_KINDS,
  docIdFor,
  kindOfDocId,
  MAX_WORKSPACE_DOC_CHARS,
  parseDocId,
  validateWorkspaceDoc,
  WORKSPACE_DESIGN_DOC,
  WORKSPACE_DESIGN_DOC_ID,
  WORKSPACE_ROLES,
  WORKSPACE_RULES_VERSION,
  WORKSPACE_SECURITY,
  workspaceRulesOutdated,
  type SecObj,
  type UserCtx,
} from '@/lib/model/workspace-rules';

type Validate = typeof validateWorkspaceDoc;

const secObj: SecObj = WORKSPACE_SECURITY;
const alice: UserCtx = { name: 'alice', roles: [WORKSPACE_ROLES.admin] };
const bob: UserCtx = { name: 'bob', roles: [WORKSPACE_ROLES.member] };
const server: UserCtx = { name: 'root', roles: ['_admin'] };

const T = '0190a3c1-0000-7000-8000-000000000001';
const A = '0190a3c1-0000-7000-8000-0000000000a1';
const CONV = 'chatwoot|http://127.0.0.1:4517|1|42';

function doc(id: string, kind: string, author: string, record: unknown = { id: 'x' }) {
  return { _id: id, kind, record, author };
}
const ticket = (author = 'bob') => doc(docIdFor.ticket(T), 'ticket', author, { id: T, title: 'Refund' });
const activity = (author = 'bob') => doc(docIdFor.activity(T, A), 'activity', author, { id: A, ticketId: T });
const link = (author = 'bob') => doc(docIdFor.link(T, CONV), 'link', author, { ticketId: T, conversationKey: CONV });
const type = (author = 'bob') => doc(docIdFor.type('billing'), 'type', author, { id: 'billing', name: 'Billing' });
const teammate = (author = 'bob') => doc(docIdFor.teammate('tm1'), 'teammate', author, { id: 'tm1', name: 'Ann' });
const settings = (author = 'bob') => doc(docIdFor.settings(), 'settings', author, { preventReopen: true });
const deletion = (id: string, extra: object = {}) => ({ _id: id, _rev: '2-abc', _deleted: true, ...extra });

/** The refusal message, or null when the write is allowed. */
function verdict(validate: Validate, newDoc: unknown, oldDoc: unknown, user: UserCtx, sec: SecObj | null = secObj) {
  try {
    validate(newDoc, oldDoc, user, sec);
    return null;
  } catch (e) {
    expect(e, 'refusals are thrown as { forbidden }').toEqual({ forbidden: expect.any(String) });
    return (e as { forbidden: string }).forbidden;
  }
}

// The source text is what the server runs: the same cases go through the function as installed.
const installed = eval('(' + validateWorkspaceDoc.toString() + ')') as Validate;
const implementations: [string, Validate][] = [
  ['the function', validateWorkspaceDoc],
  ['its source text, evaluated', installed],
];

describe.each(implementations)('workspace rules: %s', (_label, validate) => {
  const check = (newDoc: unknown, oldDoc: unknown, user: UserCtx, sec?: SecObj | null) =>
    verdict(validate, newDoc, oldDoc, user, sec);

  it('lets server admins write anything, even what breaks every rule', () => {
    expect(check({ _id: 'whatever', record: 5 }, null, server)).toBeNull();
    expect(check(deletion(docIdFor.activity(T, A)), activity(), server)).toBeNull();
    expect(check(activity('someone'), activity(), server)).toBeNull();
  });

  it('refuses ids Backline does not write, and kinds that do not match the id', () => {
    for (const id of ['notes:1', 'ticket', 'ticket:', 'ticket:a:b', 'activity:1', 'activity::2', 'link:1', 'settings:x', 'Ticket:1', '']) {
      expect(check(doc(id, 'ticket', 'bob'), null, alice), id).toMatch(/holds only Backline tickets, activity, links/);
    }
    expect(check(doc(docIdFor.ticket(T), 'activity', 'bob'), null, bob)).toBe(
      `Document "ticket:${T}" must have kind "ticket", not "activity".`,
    );
    expect(check({ _id: docIdFor.ticket(T), record: {}, author: 'bob' }, null, bob)).toMatch(/must have kind "ticket", not undefined/);
    expect(check(deletion(docIdFor.link(T, CONV), { kind: 'ticket' }), link(), bob)).toMatch(/must have kind "link"/);
  });

  it('needs the record as an object, except in a deletion', () => {
    for (const record of [null, 'text', 3, [1], undefined]) {
      const newDoc = { _id: docIdFor.ticket(T), kind: 'ticket', record, author: 'bob' };
      expect(check(newDoc, null, bob)).toMatch(/record as an object in "record"/);
    }
    expect(check(ticket(), null, bob)).toBeNull();
    expect(check(deletion(docIdFor.link(T, CONV)), link(), bob)).toBeNull();
  });

  it('needs the author to be the signed-in user on every write, admins included', () => {
    expect(check(ticket('bob'), null, bob)).toBeNull();
    expect(check(ticket('alice'), null, bob)).toBe(
      `Document "ticket:${T}" says it was written by "alice", but you are signed in as "bob". The author must be the signed-in user.`,
    );
    expect(check(activity('alice'), null, bob)).toMatch(/says it was written by "alice"/);
    expect(check({ ...ticket(), author: undefined }, null, bob)).toMatch(/written by undefined/);
    expect(check(settings('bob'), null, alice)).toMatch(/you are signed in as "alice"/);
    expect(check(ticket(), null, { name: null, roles: [] })).toBe('Sign in as a workspace user to change this workspace.');
  });

  it('lets only workspace admins write or delete ticket types, teammates and settings', () => {
    expect(check(type('bob'), null, bob)).toBe('Only a workspace admin may change ticket types.');
    expect(check(teammate('bob'), null, bob)).toBe('Only a workspace admin may change teammates.');
    expect(check(settings('bob'), null, bob)).toBe('Only a workspace admin may change workspace settings.');
    expect(check(deletion(docIdFor.type('billing')), type(), bob)).toBe('Only a workspace admin may change ticket types.');
    expect(check(deletion(docIdFor.teammate('tm1')), teammate(), bob)).toBe('Only a workspace admin may change teammates.');
    expect(check(type('alice'), null, alice)).toBeNull();
    expect(check(teammate('alice'), teammate(), alice)).toBeNull();
    expect(check(settings('alice'), settings(), alice)).toBeNull();
    expect(check(deletion(docIdFor.type('billing')), type(), alice)).toBeNull();
  });

  it('counts a database admin named in _security as a workspace admin, and only then', () => {
    const carol: UserCtx = { name: 'carol', roles: [] };
    expect(check(settings('carol'), null, carol, { admins: { names: ['carol'], roles: [] } })).toBeNull();
    expect(check(settings('carol'), null, { name: 'carol', roles: ['ops'] }, { admins: { roles: ['ops'] } })).toBeNull();
    expect(check(settings('carol'), null, carol, { admins: { names: ['dave'] } })).toMatch(/Only a workspace admin/);
    expect(check(settings('carol'), null, carol, null)).toMatch(/Only a workspace admin/);
  });

  it('writes activity once: never changed, never deleted, by anyone but a server admin', () => {
    expect(check(activity(), null, bob)).toBeNull();
    expect(check(activity(), { _id: docIdFor.activity(T, A), _rev: '2-x', _deleted: true }, bob)).toBeNull();
    expect(check(activity(), activity(), bob)).toBe(`Activity items are never changed once written (activity:${T}:${A}).`);
    expect(check(activity('alice'), activity('alice'), alice)).toMatch(/never changed once written/);
    expect(check(deletion(docIdFor.activity(T, A)), activity(), bob)).toBe(`Activity items are never deleted (activity:${T}:${A}).`);
    expect(check(deletion(docIdFor.activity(T, A)), activity(), alice)).toMatch(/never deleted/);
  });

  it('lets members create and change tickets but only workspace admins delete them', () => {
    expect(check(ticket(), ticket('alice'), bob)).toBeNull();
    expect(check(deletion(docIdFor.ticket(T)), ticket(), bob)).toBe('Only a workspace admin may delete a ticket; resolve it instead.');
    expect(check(deletion(docIdFor.ticket(T), { kind: 'ticket', author: 'bob' }), ticket(), bob)).toMatch(/resolve it instead/);
    expect(check(deletion(docIdFor.ticket(T)), ticket(), alice)).toBeNull();
  });

  it('lets a member delete a losing revision of a ticket in conflict, in his own name', () => {
    const loser = { ...ticket('alice'), kind: 'ticket' as const, _rev: '2-loser' };
    expect(check(conflictLoserDeletion(loser, 'bob'), loser, bob)).toBeNull();
    expect(check(conflictLoserDeletion(loser, 'alice'), loser, bob)).toBe(
      `Removing a conflicting revision of "ticket:${T}" must name the signed-in user ("bob") as its author, not "alice".`,
    );
    expect(check({ ...conflictLoserDeletion(loser, 'bob'), resolvesConflict: 'yes' }, loser, bob)).toMatch(/resolve it instead/);
    expect(check({ ...conflictLoserDeletion(loser, 'bob'), kind: 'link' }, loser, bob)).toMatch(/must have kind "ticket"/);
    // Activity never conflicts and never goes, whatever the deletion says.
    const item = { ...activity(), kind: 'activity' as const, _rev: '1-a' };
    expect(check(conflictLoserDeletion(item, 'bob'), item, bob)).toMatch(/never deleted/);
  });

  it('lets members link and unlink conversations', () => {
    expect(check(link(), null, bob)).toBeNull();
    expect(check(link(), link('alice'), bob)).toBeNull();
    expect(check(deletion(docIdFor.link(T, CONV)), link(), bob)).toBeNull();
  });

  it('lets only workspace admins change design documents', () => {
    const ddoc = WORKSPACE_DESIGN_DOC();
    expect(check(ddoc, null, bob)).toBe('Only a workspace admin may change the workspace rules (_design/backline).');
    expect(check(ddoc, null, alice)).toBeNull();
  });

  it('refuses attachments and documents over the size limit', () => {
    expect(check({ ...ticket(), _attachments: { 'a.txt': { content_type: 'text/plain', data: 'aGk=' } } }, null, bob)).toBe(
      `Document "ticket:${T}" has attachments; workspace documents carry none.`,
    );
    const base = JSON.stringify({ ...ticket(), record: { pad: '' } }).length;
    const atLimit = { ...ticket(), record: { pad: 'x'.repeat(MAX_WORKSPACE_DOC_CHARS - base) } };
    expect(JSON.stringify(atLimit).length).toBe(MAX_WORKSPACE_DOC_CHARS);
    expect(check(atLimit, null, bob)).toBeNull();
    const over = { ...ticket(), record: { pad: 'x'.repeat(MAX_WORKSPACE_DOC_CHARS - base + 1) } };
    expect(check(over, null, bob)).toBe(`Document "ticket:${T}" is too large: 301 KB, over the workspace limit of 300 KB.`);
    // Replication's revision history does not count against the record's room.
    const revisions = { start: 900, ids: Array.from({ length: 900 }, (_, i) => `${i}`.padStart(32, '0')) };
    expect(check({ ...atLimit, _revisions: revisions }, null, bob)).toBeNull();
  });

  it('does not change the document it checks', () => {
    const newDoc = { ...ticket(), _rev: '2-b', _revisions: { start: 2, ids: ['b', 'a'] } };
    const before = JSON.stringify(newDoc);
    check(newDoc, { ...ticket(), _rev: '1-a', _revisions: { start: 1, ids: ['a'] } }, bob);
    expect(JSON.stringify(newDoc)).toBe(before);
  });
});

describe('workspace document ids', () => {
  it('builds one id per kind that parses back to the same parts', () => {
    expect(docIdFor.ticket(T)).toBe(`ticket:${T}`);
    expect(docIdFor.activity(T, A)).toBe(`activity:${T}:${A}`);
    expect(docIdFor.link(T, CONV)).toBe(`link:${T}:${encodeURIComponent(CONV)}`);
    expect(docIdFor.type('billing')).toBe('type:billing');
    expect(docIdFor.teammate('tm1')).toBe('teammate:tm1');
    expect(docIdFor.settings()).toBe('settings');
    expect(parseDocId(docIdFor.link(T, 'a:b|c%d'))).toEqual({ kind: 'link', ticketId: T, conversationKey: 'a:b|c%d' });
    expect(parseDocId(docIdFor.activity(T, A))).toEqual({ kind: 'activity', ticketId: T, activityId: A });
    expect(parseDocId(docIdFor.teammate('tm1'))).toEqual({ kind: 'teammate', teammateId: 'tm1' });
    expect(parseDocId(`link:${T}:%E0%A4%A`)).toBeNull();
  });

  it('refuses id parts that would make an ambiguous id', () => {
    expect(() => docIdFor.ticket('')).toThrow(/ticket id without ':'/);
    expect(() => docIdFor.activity(T, 'a:b')).toThrow(/activity id without ':'/);
    expect(() => docIdFor.link(T, '')).toThrow(/conversation key/);
  });

  it('agrees with the server rules on which ids are Backline documents and of what kind', () => {
    const ids = [
      ...DOC_KINDS.map((k) => ({ ticket: docIdFor.ticket(T), activity: docIdFor.activity(T, A), link: docIdFor.link(T, CONV), type: docIdFor.type('t'), teammate: docIdFor.teammate('m'), settings: docIdFor.settings() })[k]),
      'ticket', 'ticket:', ':x', 'ticket:a:b', 'activity:a', 'activity:a:', 'link:a:b:c', 'settings:', 'settingsx', 'type:a:b', 'teammate:', 'note:a', '_design/x', '',
    ];
    for (const id of ids) {
      const kind = kindOfDocId(id);
      // An admin writing a well-formed doc of the parsed kind is refused only for an unknown id.
      const refusal = verdict(validateWorkspaceDoc, doc(id, kind ?? 'ticket', 'alice'), null, alice);
      if (id.startsWith('_design/')) continue;
      expect(refusal === null, id).toBe(kind !== null);
    }
  });
});

describe('workspace design document', () => {
  it('carries the rules as ES5 source that stands alone', () => {
    const ddoc = WORKSPACE_DESIGN_DOC();
    expect(ddoc).toMatchObject({ _id: WORKSPACE_DESIGN_DOC_ID, language: 'javascript', version: WORKSPACE_RULES_VERSION });
    expect(() => parse('(' + ddoc.validate_doc_update + ')', { ecmaVersion: 5 })).not.toThrow();
    // Anonymous, as CouchDB needs it: a named function would be a declaration, not a value.
    expect(ddoc.validate_doc_update).toMatch(/^function \(newDoc, oldDoc, userCtx, secObj\) \{/);
    const fromDoc = eval('(' + ddoc.validate_doc_update + ')') as Validate;
    expect(verdict(fromDoc, settings('bob'), null, bob)).toBe('Only a workspace admin may change workspace settings.');
    expect(WORKSPACE_DESIGN_DOC('3-abc')._rev).toBe('3-abc');
  });

  it('survives minification as the production build does it', async () => {
    // The extension ships a minified bundle and installs the rules from it; the minifier must
    // neither pull anything out of the function nor bring in syntax CouchDB cannot run.
    const source = readFileSync(resolve(import.meta.dirname, '../../lib/model/workspace-rules.ts'), 'utf8');
    const { code } = await transformWithEsbuild(source, 'workspace-rules.ts', { minify: true, target: 'es2022', format: 'esm' });
    const dir = mkdtempSync(join(tmpdir(), 'backline-rules-'));
    try {
      writeFileSync(join(dir, 'rules.mjs'), code);
      const built = (await import(/* @vite-ignore */ pathToFileURL(join(dir, 'rules.mjs')).href)) as { WORKSPACE_DESIGN_DOC(): { validate_doc_update: string } };
      const text = built.WORKSPACE_DESIGN_DOC().validate_doc_update;
      expect(text).toMatch(/^function \(\w+,\w+,\w+,\w+\)\{/);
      expect(text.length).toBeLessThan(validateWorkspaceDoc.toString().length);
      expect(() => parse('(' + text + ')', { ecmaVersion: 5 })).not.toThrow();
      const minified = eval('(' + text + ')') as Validate;
      expect(verdict(minified, activity('alice'), null, bob)).toMatch(/says it was written by "alice"/);
      expect(verdict(minified, settings('bob'), null, bob)).toBe('Only a workspace admin may change workspace settings.');
      expect(verdict(minified, activity(), activity(), bob)).toMatch(/never changed once written/);
      expect(verdict(minified, ticket(), null, bob)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells when an installed design document is older than these rules', () => {
    expect(workspaceRulesOutdated(null)).toBe(true);
    expect(workspaceRulesOutdated({})).toBe(true);
    expect(workspaceRulesOutdated({ version: WORKSPACE_RULES_VERSION - 1 })).toBe(true);
    expect(workspaceRulesOutdated({ version: WORKSPACE_RULES_VERSION })).toBe(false);
    expect(workspaceRulesOutdated({ version: WORKSPACE_RULES_VERSION + 1 })).toBe(false);
  });
});
