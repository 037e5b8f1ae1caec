/**
 * How Backline's shared records are named in a workspace's CouchDB database, and what a
 * workspace connection looks like from the pages. The server's rules (who may write which kind)
 * read the same ids: lib/model/workspace-rules.ts.
 */

export type DocKind = 'ticket' | 'activity' | 'link' | 'type' | 'teammate' | 'settings';

/** How many id parts each kind has after its prefix. */
const PARTS: Record<DocKind, number> = { ticket: 1, activity: 2, link: 2, type: 1, teammate: 1, settings: 0 };

/**
 * The document id of a record: `ticket:<id>`, `activity:<ticketId>:<id>`,
 * `link:<ticketId>:<conversation key, URI-encoded>`, `type:<id>`, `teammate:<id>`, `settings`.
 * A link's id is its pair, so two browsers linking the same conversation make one document.
 */
export function docIdFor(kind: DocKind, ...parts: string[]): string {
  if (parts.length !== PARTS[kind]) throw new Error(`A ${kind} document id has ${PARTS[kind]} parts.`);
  return [kind, ...parts.map(encodeURIComponent)].join(':');
}

/** The kind and parts of a document id, or null for anything else (design documents, strangers). */
export function parseDocId(id: string): { kind: DocKind; parts: string[] } | null {
  const [kind, ...rest] = id.split(':');
  if (!(kind in PARTS) || rest.length !== PARTS[kind as DocKind]) return null;
  try {
    return { kind: kind as DocKind, parts: rest.map(decodeURIComponent) };
  } catch {
    return null;
  }
}

/** What this browser's membership in a workspace looks like to a page (never the password). */
export type SyncState = 'synced' | 'syncing' | 'offline' | 'error';

/** The words a status starts with (ui-contract: Synced, Syncing, Offline, Sync error). */
export const SYNC_STATE_LABELS: Record<SyncState, string> = {
  synced: 'Synced',
  syncing: 'Syncing',
  offline: 'Offline',
  error: 'Sync error',
};

export interface WorkspaceStatus {
  joined: boolean;
  /** The database's address, without credentials. */
  url?: string;
  username?: string;
  /** The workspace roles the server gives this user. */
  role?: 'admin' | 'member';
  state?: SyncState;
  /** Why it is in error (words a person can act on). */
  problem?: string;
  /** Epoch ms of the last complete exchange with the server. */
  lastSyncedAt?: number | null;
  /** Local changes not yet sent. */
  waiting?: number;
}

/** One competing value of a ticket changed on two browsers at once. */
export interface ConflictVersion {
  /** CouchDB revision: what "Keep this" names. */
  rev: string;
  /** The workspace user who wrote it. */
  author: string;
  at: number;
  /** The fields that differ from the other versions, as shown. */
  fields: { field: string; label: string; value: string }[];
}

/** The workspace's role names, as its `_security` object and rules use them. */
export const WORKSPACE_ROLES = { admin: 'backline-admin', member: 'backline-member' } as const;

/** One line for the status element: "Synced · last synced 10:42 · 2 changes waiting". */
export function describeSyncStatus(s: WorkspaceStatus, formatTime: (at: number) => string): string {
  if (!s.joined || !s.state) return '';
  const parts = [SYNC_STATE_LABELS[s.state]];
  if (s.state === 'error' && s.problem) parts[0] += `: ${s.problem}`;
  parts.push(s.lastSyncedAt ? `last synced ${formatTime(s.lastSyncedAt)}` : 'not synced yet');
  const waiting = s.waiting ?? 0;
  parts.push(waiting ? `${waiting} local change${waiting === 1 ? '' : 's'} waiting` : 'nothing waiting');
  return parts.join(' · ');
}

/** What this browser keeps about its workspace (local, in the store's `meta`; never sent to pages). */
export interface Membership {
  url: string;
  username: string;
  password: string;
  role: 'admin' | 'member';
  /** Tickets this browser kept to itself when it joined ("Keep them local"). */
  keepLocal: string[];
  /** The local PouchDB database's name. */
  localName: string;
  /** Position in the local changes feed already applied to the store. */
  appliedSeq: string | number;
  lastSyncedAt: number | null;
}


/** Reads a membership back from storage; null when absent or not of its shape. */
export function toMembership(raw: unknown): Membership | null {
  const m = raw as Partial<Membership> | null;
  if (!m || typeof m !== 'object') return null;
  const ok =
    typeof m.url === 'string' &&
    typeof m.username === 'string' &&
    typeof m.password === 'string' &&
    (m.role === 'admin' || m.role === 'member') &&
    Array.isArray(m.keepLocal) &&
    typeof m.localName === 'string' &&
    (typeof m.appliedSeq === 'string' || typeof m.appliedSeq === 'number');
  return ok ? { ...(m as Membership), lastSyncedAt: typeof m.lastSyncedAt === 'number' ? m.lastSyncedAt : null } : null;
}
