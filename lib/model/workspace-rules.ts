/**
 * The team workspace's shared database: the document ids and kinds Backline writes there, the
 * CouchDB roles of a workspace, and the rules the server enforces on every write
 * (`validate_doc_update`). The rules are written once, as `validateWorkspaceDoc`, and installed
 * as its own source text, so the extension, the unit tests and the server run the same code.
 * No imports: the background, the options page and the development server all use this.
 */

/** CouchDB roles of a workspace: admins may change types, teammates and settings. */
export const WORKSPACE_ROLES = { admin: 'backline-admin', member: 'backline-member' } as const;

/** Every kind of document in a workspace database, each with its own `_id` prefix. */
export const DOC_KINDS = ['ticket', 'activity', 'link', 'type', 'teammate', 'settings'] as const;
export type WorkspaceDocKind = (typeof DOC_KINDS)[number];

/** What a workspace document holds besides `_id`/`_rev`: the Backline record and its writer. */
export interface WorkspaceDoc<R = unknown> {
  _id: string;
  _rev?: string;
  kind: WorkspaceDocKind;
  record: R;
  /** The CouchDB user name that wrote this revision (the server checks it). */
  author: string;
}

/**
 * The largest document the rules accept, in characters of its JSON (without `_revisions`, which
 * replication adds). Over it a write is refused: one runaway record must not fill the database.
 */
export const MAX_WORKSPACE_DOC_CHARS = 300_000;

/** The `_security` object of a workspace database (CouchDB: `PUT /{db}/_security`). */
export const WORKSPACE_SECURITY = {
  admins: { names: [] as string[], roles: [WORKSPACE_ROLES.admin] as string[] },
  members: { names: [] as string[], roles: [WORKSPACE_ROLES.member, WORKSPACE_ROLES.admin] as string[] },
};

/** One id segment: a record id, never empty and never holding the `:` that separates segments. */
function segment(value: string, what: string): string {
  if (typeof value !== 'string' || value === '' || value.includes(':')) {
    throw new Error(`A workspace document id needs a ${what} without ':' (got ${JSON.stringify(value)}).`);
  }
  return value;
}

/** The `_id` of each kind of workspace document. */
export const docIdFor = {
  ticket: (ticketId: string) => `ticket:${segment(ticketId, 'ticket id')}`,
  activity: (ticketId: string, activityId: string) =>
    `activity:${segment(ticketId, 'ticket id')}:${segment(activityId, 'activity id')}`,
  /** The conversation key (helpdesk, origin, account, id) is URI-encoded, so it holds no `:`. */
  link: (ticketId: string, conversationKey: string) =>
    `link:${segment(ticketId, 'ticket id')}:${segment(encodeURIComponent(conversationKey), 'conversation key')}`,
  type: (typeId: string) => `type:${segment(typeId, 'ticket type id')}`,
  teammate: (teammateId: string) => `teammate:${segment(teammateId, 'teammate id')}`,
  settings: () => 'settings',
} as const;

/** A workspace document id taken apart; the fields present depend on the kind. */
export type ParsedDocId =
  | { kind: 'ticket'; ticketId: string }
  | { kind: 'activity'; ticketId: string; activityId: string }
  | { kind: 'link'; ticketId: string; conversationKey: string }
  | { kind: 'type'; typeId: string }
  | { kind: 'teammate'; teammateId: string }
  | { kind: 'settings' };

/** Takes a workspace `_id` apart; null for anything Backline does not write (design docs too). */
export function parseDocId(id: string): ParsedDocId | null {
  if (id === 'settings') return { kind: 'settings' };
  const parts = id.split(':');
  if (parts.some((p) => p === '')) return null;
  const [kind, a, b] = parts;
  if (parts.length === 2) {
    if (kind === 'ticket') return { kind, ticketId: a! };
    if (kind === 'type') return { kind, typeId: a! };
    if (kind === 'teammate') return { kind, teammateId: a! };
  } else if (parts.length === 3) {
    if (kind === 'activity') return { kind, ticketId: a!, activityId: b! };
    if (kind === 'link') {
      try {
        return { kind, ticketId: a!, conversationKey: decodeURIComponent(b!) };
      } catch {
        return null; // a malformed %-sequence: not an id docIdFor.link made
      }
    }
  }
  return null;
}

/** The kind a workspace `_id` stands for, or null when it is none of Backline's. */
export function kindOfDocId(id: string): WorkspaceDocKind | null {
  return parseDocId(id)?.kind ?? null;
}

/** What CouchDB passes a validation function as the user (`userCtx`). */
export interface UserCtx {
  name: string | null;
  roles: string[];
  db?: string;
}

/** What CouchDB passes a validation function as the database's `_security`. */
export interface SecObj {
  admins?: { names?: string[]; roles?: string[] };
  members?: { names?: string[]; roles?: string[] };
}

/** A refusal as CouchDB expects it from a validation function (answered as 403 `forbidden`). */
export interface Forbidden {
  forbidden: string;
}

/**
 * The workspace rules, as CouchDB's `validate_doc_update`: returns when the write is allowed,
 * throws `{ forbidden: message }` (a 403 with that message) when it is not.
 *
 * Its source text is what the server runs (`WORKSPACE_DESIGN_DOC`), so it must stand alone in
 * ES5: no reference to anything outside its body, no nested functions (a bundler may wrap those
 * in a helper of its own), no `let`/`const`/arrows/template strings (CouchDB's JavaScript engine
 * may be SpiderMonkey 1.8.5). The id parsing repeats `parseDocId` for that reason; a unit test
 * keeps the two in step.
 */
export function validateWorkspaceDoc(newDoc: any, oldDoc: any, userCtx: UserCtx, secObj: SecObj | null): void {
  var ADMIN_ROLE = 'backline-admin';
  var MAX_CHARS = 300000;
  var name = userCtx && typeof userCtx.name === 'string' ? userCtx.name : null;
  var roles = userCtx && userCtx.roles ? userCtx.roles : [];
  var isAdmin = false;
  var i;

  // Server admins (set-up, migrations, repairs) are not bound by the workspace rules.
  for (i = 0; i < roles.length; i++) {
    if (roles[i] === '_admin') return;
    if (roles[i] === ADMIN_ROLE) isAdmin = true;
  }
  // A database admin named in _security is a workspace admin too.
  var secAdmins: { names?: string[]; roles?: string[] } = secObj && secObj.admins ? secObj.admins : {};
  if (name !== null && secAdmins.names) {
    for (i = 0; i < secAdmins.names.length; i++) if (secAdmins.names[i] === name) isAdmin = true;
  }
  if (secAdmins.roles) {
    for (i = 0; i < roles.length; i++) if (secAdmins.roles.indexOf(roles[i]) !== -1) isAdmin = true;
  }

  var id = String(newDoc._id);
  var deleting = newDoc._deleted === true;

  if (name === null || name === '') {
    throw { forbidden: 'Sign in as a workspace user to change this workspace.' };
  }
  // CouchDB lets only database admins write design documents; this keeps it so everywhere.
  if (id.indexOf('_design/') === 0) {
    if (!isAdmin) throw { forbidden: 'Only a workspace admin may change the workspace rules (' + id + ').' };
    return;
  }

  var parts = id.split(':');
  var kind: string | null = null;
  var empty = false;
  for (i = 0; i < parts.length; i++) if (parts[i] === '') empty = true;
  if (id === 'settings') kind = 'settings';
  else if (!empty && parts.length === 2 && (parts[0] === 'ticket' || parts[0] === 'type' || parts[0] === 'teammate')) kind = parts[0];
  else if (!empty && parts.length === 3 && (parts[0] === 'activity' || parts[0] === 'link')) kind = parts[0];
  if (kind === null) {
    throw {
      forbidden:
        'This workspace holds only Backline tickets, activity, links, ticket types, teammates and settings; "' +
        id +
        '" is none of them.',
    };
  }
  if ((!deleting || newDoc.kind !== undefined) && newDoc.kind !== kind) {
    throw { forbidden: 'Document "' + id + '" must have kind "' + kind + '", not ' + JSON.stringify(newDoc.kind) + '.' };
  }

  if (!deleting) {
    var record = newDoc.record;
    if (typeof record !== 'object' || record === null || Object.prototype.toString.call(record) === '[object Array]') {
      throw { forbidden: 'Document "' + id + '" must hold its Backline record as an object in "record".' };
    }
    if (newDoc._attachments) {
      throw { forbidden: 'Document "' + id + '" has attachments; workspace documents carry none.' };
    }
    if (newDoc.author !== name) {
      throw {
        forbidden:
          'Document "' + id + '" says it was written by ' + JSON.stringify(newDoc.author) + ', but you are signed in as "' + name + '". The author must be the signed-in user.',
      };
    }
    var sized: any = {};
    for (var key in newDoc) {
      if (key !== '_revisions' && Object.prototype.hasOwnProperty.call(newDoc, key)) sized[key] = newDoc[key];
    }
    var chars = JSON.stringify(sized).length;
    if (chars > MAX_CHARS) {
      throw {
        forbidden: 'Document "' + id + '" is too large: ' + Math.ceil(chars / 1000) + ' KB, over the workspace limit of ' + MAX_CHARS / 1000 + ' KB.',
      };
    }
  }

  if (kind === 'type' || kind === 'teammate' || kind === 'settings') {
    if (!isAdmin) {
      var what = kind === 'type' ? 'ticket types' : kind === 'teammate' ? 'teammates' : 'workspace settings';
      throw { forbidden: 'Only a workspace admin may change ' + what + '.' };
    }
  } else if (kind === 'activity') {
    if (deleting) throw { forbidden: 'Activity items are never deleted (' + id + ').' };
    if (oldDoc && oldDoc._deleted !== true) {
      throw { forbidden: 'Activity items are never changed once written (' + id + ').' };
    }
  } else if (kind === 'ticket' && deleting && !isAdmin) {
    // Resolving a conflict means deleting the losing revisions, and a member may do that. The
    // rules cannot see a document's other revisions (CouchDB passes only the one being
    // replaced), so such a deletion must say what it is and who made it.
    if (newDoc.resolvesConflict !== true) {
      throw { forbidden: 'Only a workspace admin may delete a ticket; resolve it instead.' };
    }
    if (newDoc.author !== name) {
      throw {
        forbidden:
          'Removing a conflicting revision of "' + id + '" must name the signed-in user ("' + name + '") as its author, not ' + JSON.stringify(newDoc.author) + '.',
      };
    }
  }
  // Links: any member may link and unlink.
}

/**
 * The deletion that removes a losing revision of a document in conflict (CouchDB keeps every
 * revision until the losers are deleted). A member may delete a ticket's revision only this way,
 * and the deletion records who resolved it. Send it together with the kept revision.
 */
export function conflictLoserDeletion(
  loser: { _id: string; _rev: string; kind: WorkspaceDocKind },
  author: string,
): { _id: string; _rev: string; _deleted: true; kind: WorkspaceDocKind; author: string; resolvesConflict: true } {
  return { _id: loser._id, _rev: loser._rev, _deleted: true, kind: loser.kind, author, resolvesConflict: true };
}

/** `_id` of the design document that carries the workspace rules. */
export const WORKSPACE_DESIGN_DOC_ID = '_design/backline';
/** Bumped whenever `validateWorkspaceDoc` changes, so "Set up workspace" knows to upgrade. */
export const WORKSPACE_RULES_VERSION = 1;

/** The workspace rules' design document, as installed in a workspace database. */
export interface WorkspaceDesignDoc {
  _id: typeof WORKSPACE_DESIGN_DOC_ID;
  _rev?: string;
  language: 'javascript';
  version: number;
  validate_doc_update: string;
}

/**
 * The rules' source as CouchDB takes a validation function: `function (newDoc, …) {…}`, without
 * a name. CouchDB evaluates the text and needs a function as its value; a named function is a
 * declaration, whose value is nothing (CouchDB 3 turns only anonymous ones into expressions).
 */
export function workspaceRulesSource(): string {
  return validateWorkspaceDoc.toString().replace(/^function\s*[\w$]*\s*\(/, 'function (');
}

/**
 * Builds the design document to `PUT` at `WORKSPACE_DESIGN_DOC_ID`; pass the installed one's
 * `_rev` to upgrade it in place.
 */
export function WORKSPACE_DESIGN_DOC(rev?: string): WorkspaceDesignDoc {
  return {
    _id: WORKSPACE_DESIGN_DOC_ID,
    ...(rev ? { _rev: rev } : {}),
    language: 'javascript',
    version: WORKSPACE_RULES_VERSION,
    validate_doc_update: workspaceRulesSource(),
  };
}

/** Whether an installed design document (or its absence) is older than this build's rules. */
export function workspaceRulesOutdated(installed: { version?: unknown } | null | undefined): boolean {
  return !installed || typeof installed.version !== 'number' || installed.version < WORKSPACE_RULES_VERSION;
}
