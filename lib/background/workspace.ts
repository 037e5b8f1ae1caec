/**
 * The team workspace in the background: joining and leaving, and the bridge between the store
 * (IndexedDB, the read model every query uses) and PouchDB, which replicates the shared records
 * with the workspace's CouchDB database. PouchDB does all of the replication (revision trees,
 * checkpoints, retries); this module only copies records between the two local databases:
 * - out: records the store queued (lib/store/sync.ts) are put into the local PouchDB;
 * - in: the local PouchDB's changes feed (which carries what replication brought) is applied to
 *   the store, with the position in the feed saved beside the data.
 */
import { BacklineError } from '../model/errors';
import { throttledRun } from '../model/throttle';
import type { Ticket } from '../model/domain';
import type { ChangeSet } from '../model/views';
import { docIdFor, parseDocId, WORKSPACE_ROLES, type ConflictVersion, type Membership, type SyncState, type WorkspaceStatus } from '../model/workspace-docs';
import type { Store } from '../store';
import { applyRemoteDocs, clearQueue, clearSent, localTicketCount, localTicketIds, markMirrored, markSent, queuedCount, queuedRecords, queueEverything, unmirrored, type QueuedRecord, type SyncQueueEntry, type WorkspaceDoc } from '../store/sync';

type Pouch = PouchDB.Database<WorkspaceDoc>;

/** Whether a position in the local changes feed is at or past another (the local adapters count 1, 2, 3…). */
function seqAtLeast(a: string | number, b: string | number): boolean {
  return Number(a) >= Number(b);
}

/** The documents PouchDB holds under these ids now, in the order asked (null: none, or deleted). */
async function currentDocs(local: Pouch, ids: string[]): Promise<(WorkspaceDoc | null)[]> {
  const { rows } = await local.allDocs({ keys: ids, include_docs: true });
  return rows.map((row) => ('doc' in row && row.doc && !row.value?.deleted ? (row.doc as WorkspaceDoc) : null));
}

export interface WorkspaceDeps {
  store(): Promise<Store>;
  /** The PouchDB constructor (./pouchdb.ts: core, the indexeddb adapter, HTTP and replication). */
  PouchDB: PouchDB.Static;
  fetch(input: string, init: RequestInit): Promise<Response>;
  /** Resolves when the copy-out may go on (pages' requests first: ./foreground.ts). */
  yieldTo?(): Promise<void>;
  loadMembership(): Promise<Membership | null>;
  saveMembership(m: Membership | null): Promise<void>;
  /** Tells open pages (status changes, records received). */
  notify(changes: Partial<ChangeSet>): void;
  now?(): number;
}

const ROLE_LABEL = { admin: 'admin', member: 'member' } as const;

/** Ticket fields people see, and their names, for the conflicts region. */
const TICKET_FIELDS: [keyof Ticket, string][] = [
  ['title', 'Title'],
  ['description', 'Description'],
  ['stateId', 'State'],
  ['assigneeId', 'Assignee'],
  ['user', 'User'],
  ['company', 'Company'],
  ['sharing', 'Sharing'],
  ['typeId', 'Type'],
  ['attributes', 'Attributes'],
];

function normaliseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new BacklineError('invalid', 'Enter the workspace server URL, for example https://couch.example.com/backline.', { field: 'url' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new BacklineError('invalid', 'The workspace server URL starts with https:// (or http:// on this computer).', { field: 'url' });
  if (u.username || u.password) throw new BacklineError('invalid', 'Put the username and password in their own fields, not in the URL.', { field: 'url' });
  u.search = '';
  u.hash = '';
  return u.href.replace(/\/+$/, '');
}

function basic(username: string, password: string): string {
  return 'Basic ' + btoa(unescape(encodeURIComponent(`${username}:${password}`)));
}

/** The workspace service: one per background. */
export function createWorkspace(deps: WorkspaceDeps) {
  const now = deps.now ?? Date.now;
  let membership: Membership | null = null;
  let local: Pouch | null = null;
  let sync: PouchDB.Replication.Sync<WorkspaceDoc> | null = null;
  let feed: PouchDB.Core.Changes<WorkspaceDoc> | null = null;
  let state: SyncState = 'syncing';
  let problem = '';
  /** The server refused a change this session (its rules): shown until the browser leaves. */
  let refused = false;
  /** Replication stopped for good (the server no longer accepts this login). */
  let fatal = false;
  let started: Promise<void> | null = null;
  let pushing: Promise<void> | null = null;
  let pushAgain = false;
  /**
   * The copy-out after writes: 20 ms after the write that caused it (which has answered by then),
   * and while writes keep coming (an outbox run records an outcome every few dozen milliseconds)
   * at most every 200 ms, each copy-out taking all that was queued meanwhile.
   */
  const copyOutSoon = throttledRun(() => push(), { quietMs: 20, minGapMs: 200 });
  /** Revisions this browser wrote into PouchDB, whose echo in the changes feed needs no applying. */
  const ownRevs = new Set<string>();
  let pending: WorkspaceDoc[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let applying: Promise<void> = Promise.resolve();
  /** Replication went idle with the store behind: synced once the feed has applied this far. */
  let syncedAtSeq: string | number | null = null;

  const remoteFetch = (url: string | Request, opts?: RequestInit) => deps.fetch(typeof url === 'string' ? url : url.url, opts ?? {});

  /** Asks the server who this user is in the database at `url`; throws what a person can act on. */
  async function verify(url: string, username: string, password: string): Promise<'admin' | 'member'> {
    const headers = { Authorization: basic(username, password), Accept: 'application/json' };
    let res: Response;
    try {
      res = await deps.fetch(url, { headers, credentials: 'omit' });
    } catch {
      throw new BacklineError('unreachable', `Backline could not reach the workspace server at ${url}. Check the address, and that the server is running and reachable from this computer.`);
    }
    if (res.status === 401) throw new BacklineError('unauthorized', 'The workspace server refused this username and password. Check them and try again.');
    if (res.status === 403) throw new BacklineError('forbidden', `The user ${username} is not a member of this workspace. Ask a workspace admin to add them.`);
    if (res.status === 404) throw new BacklineError('not_found', 'There is no workspace database at that address. Check the URL: it ends with the database’s name.');
    const body = (await res.json().catch(() => null)) as { db_name?: unknown } | null;
    if (!res.ok || typeof body?.db_name !== 'string') {
      throw new BacklineError('invalid', 'That address is not a CouchDB-compatible database. The workspace server URL is the address of the workspace’s database, for example https://couch.example.com/backline.');
    }
    const session = await deps.fetch(new URL('/_session', url).href, { headers, credentials: 'omit' }).catch(() => null);
    const ctx = (await session?.json().catch(() => null)) as { userCtx?: { roles?: unknown } } | null;
    const roles = Array.isArray(ctx?.userCtx?.roles) ? (ctx.userCtx.roles as unknown[]) : [];
    return roles.includes(WORKSPACE_ROLES.admin) || roles.includes('_admin') ? 'admin' : 'member';
  }

  function setState(next: SyncState, why = '') {
    // A refused change or a refused login stays on screen until the browser leaves.
    if ((refused || fatal) && next !== 'error') return;
    if (next === state && why === problem) return;
    state = next;
    problem = why;
    deps.notify({ workspace: true });
  }

  function remoteDb(m: Membership): Pouch {
    return new deps.PouchDB<WorkspaceDoc>(m.url, { skip_setup: true, fetch: remoteFetch as never, auth: { username: m.username, password: m.password } } as PouchDB.Configuration.RemoteDatabaseConfiguration);
  }

  /** Starts replicating and applying (idempotent; at every start of the worker while joined). */
  function start(): Promise<void> {
    return (started ??= (async () => {
      membership ??= await deps.loadMembership();
      const m = membership;
      if (!m) {
        started = null; // not in a workspace: joining starts it later
        return;
      }
      const store = await deps.store();
      store.setSharing({ keepLocal: new Set(m.keepLocal) });
      local = new deps.PouchDB<WorkspaceDoc>(m.localName, { auto_compaction: true });
      void push();
      feed = local
        .changes({ since: m.appliedSeq, live: true, include_docs: true, conflicts: true })
        .on('change', (change) => {
          if (change.doc) pending.push(change.doc);
          const seq = change.seq;
          clearTimeout(flushTimer);
          flushTimer = setTimeout(() => void flush(seq), pending.length >= 500 ? 0 : 30);
        })
        .on('error', (e) => setState('error', `Backline could not read its copy of the workspace (${(e as Error).message}).`));
      setState('syncing');
      sync = local
        .sync(remoteDb(m), {
          live: true,
          retry: true,
          batch_size: 500,
          // PouchDB's own back-off grows to 10 minutes; a team waits at most 5 s after an outage.
          back_off_function: (delay: number) => (delay === 0 ? 500 : Math.min(delay * 2, 5000)),
        } as PouchDB.Replication.SyncOptions)
        .on('change', (info) => {
          // What went out is no longer waiting.
          if (info.direction !== 'push') return;
          noteSent((info.change.docs as { _id: string; _rev: string }[]).map((d) => ({ id: d._id, rev: d._rev })));
        })
        .on('denied', (err) => {
          refused = true;
          const msg = (err as { message?: string } | undefined)?.message ?? 'not allowed';
          setState('error', `The workspace server refused a change: ${msg}`);
        })
        .on('error', (err) => {
          setState('error', describeRemoteError(err));
          fatal = true;
        });
      // Each direction says for itself whether it is working, waiting for changes or failing
      // (the two-way object reports "paused" only when both are).
      const directions = { push: 'active', pull: 'active' } as Record<'push' | 'pull', 'active' | 'idle' | 'offline'>;
      const settle = () => {
        const states = Object.values(directions);
        if (states.includes('offline')) setState('offline', 'The workspace server cannot be reached; changes wait here and go out when it can.');
        else if (states.includes('active')) {
          syncedAtSeq = null;
          setState('syncing');
        } else void deps.store().then(clearSent).then(markSyncedOnceApplied);
      };
      for (const dir of ['push', 'pull'] as const) {
        const replication = (sync as unknown as Record<typeof dir, PouchDB.Replication.Replication<WorkspaceDoc>>)[dir];
        replication
          .on('active', () => ((directions[dir] = 'active'), settle()))
          .on('paused', (err) => ((directions[dir] = err ? 'offline' : 'idle'), settle()))
          .on('requestError' as 'error', () => ((directions[dir] = 'offline'), settle()));
      }
    })().catch((e) => {
      started = null;
      throw e;
    }));
  }

  let sent: { id: string; rev: string }[] = [];
  let sentTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Drops what replication sent from the queue, a quarter of a second's batches at a time: a
   * transaction per batch (several a second while the outbox records outcomes) held the sync
   * queue from the writes that queue into it.
   */
  function noteSent(docs: { id: string; rev: string }[]) {
    sent.push(...docs);
    sentTimer ??= setTimeout(() => {
      sentTimer = undefined;
      const batch = sent;
      sent = [];
      void deps.store().then((store) => markSent(store, batch)).then(() => deps.notify({ workspace: true }));
    }, 250);
  }

  /** Replication is idle: synced once the store holds all that PouchDB has (see flush). */
  async function markSyncedOnceApplied() {
    if (!local || !membership) return;
    const { update_seq } = await local.info();
    if (seqAtLeast(membership.appliedSeq, update_seq)) return markSynced();
    // Replication is done, the store is still applying what it brought: not synced yet (the
    // queue would show part of the workspace under "Synced").
    syncedAtSeq = update_seq;
  }

  async function markSynced() {
    if (!membership) return;
    membership = { ...membership, lastSyncedAt: now() };
    await deps.saveMembership(membership);
    setState('synced');
    deps.notify({ workspace: true });
  }

  function describeRemoteError(err: unknown): string {
    const e = err as { status?: number; message?: string; name?: string };
    if (e?.status === 401) return 'The workspace server no longer accepts this username and password. Leave the workspace and join again.';
    if (e?.status === 403) return 'The workspace server refused this user. Ask a workspace admin.';
    return `The workspace server answered with an error (${e?.message ?? e?.name ?? 'unknown'}).`;
  }

  /** Applies what the changes feed brought, in order, one transaction per batch. */
  function flush(seq: string | number): Promise<void> {
    const docs = pending;
    pending = [];
    applying = applying.then(async () => {
      const m = membership;
      if (!m) return;
      // This browser's own copies coming back through the feed are already in the store: no
      // transaction for them (it would hold up the agent's next write).
      const foreign = docs.filter((d) => !(d._rev && ownRevs.delete(d._rev) && !d._conflicts?.length));
      const store = await deps.store();
      const changes = foreign.length ? await applyRemoteDocs(store, foreign, new Set(m.keepLocal)) : { ticketIds: [], conversationKeys: [] };
      membership = { ...m, appliedSeq: seq };
      if (syncedAtSeq !== null && seqAtLeast(seq, syncedAtSeq)) {
        syncedAtSeq = null;
        void markSynced();
      }
      saveSeqSoon();
      const conflicted = foreign.filter((d) => d.kind === 'ticket' && unresolvedConflicts(d).length).map((d) => parseDocId(d._id)!.parts[0]!);
      const ticketIds = [...new Set([...changes.ticketIds, ...conflicted])];
      if (ticketIds.length || changes.conversationKeys.length || changes.types || changes.teammates || changes.settings) {
        store.notify({ ...changes, ticketIds });
      }
      // A ticket renumbered on arrival was queued: send it.
      if (foreign.length) void push();
    });
    return applying;
  }

  let seqTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The feed's position is saved at most every half second: applying a document twice (after
   * the worker stopped in between) changes nothing, so a slightly old position is safe.
   */
  function saveSeqSoon() {
    if (seqTimer) return;
    seqTimer = setTimeout(() => {
      seqTimer = undefined;
      if (membership) void deps.saveMembership(membership);
    }, 500);
  }

  function unresolvedConflicts(doc: WorkspaceDoc): string[] {
    const resolved = new Set(((doc as { resolvedRevs?: string[] }).resolvedRevs ?? []) as string[]);
    return (doc._conflicts ?? []).filter((r) => !resolved.has(r));
  }

  /**
   * Copies queued records into the local PouchDB, which replication sends on: up to 500 at a
   * time, read from the store in one transaction and written with one `bulkDocs`, so that the
   * copy-out keeps up with a busy outbox (each outcome is a shared item while in a workspace).
   */
  function push(): Promise<void> {
    if (pushing) {
      pushAgain = true;
      return pushing;
    }
    pushing = (async () => {
      do {
        pushAgain = false;
        const m = membership;
        if (!m || !local) return;
        await deps.yieldTo?.();
        const store = await deps.store();
        const entries = await unmirrored(store);
        if (!entries.length) break;
        const [records, existing] = await Promise.all([queuedRecords(store, entries), currentDocs(local, entries.map((e) => e.docId))]);
        const done: { entry: SyncQueueEntry; rev: string | null }[] = [];
        const writes: { entry: SyncQueueEntry; doc: WorkspaceDoc }[] = [];
        entries.forEach((entry, i) => {
          const doc = nextDoc(m, entry, records[i]!, existing[i]);
          if (doc) writes.push({ entry, doc });
          else done.push({ entry, rev: null });
        });
        const results = writes.length ? await local.bulkDocs(writes.map((w) => w.doc)) : [];
        results.forEach((r, i) => {
          const { entry } = writes[i]!;
          if ('ok' in r && r.ok) {
            ownRevs.add(r.rev);
            done.push({ entry, rev: r.rev });
          } else if ((r as PouchDB.Core.Error).status === 409) {
            // A concurrent write of the same document: the entry stays, and goes out next time.
          } else {
            throw Object.assign(new Error((r as PouchDB.Core.Error).message ?? 'PouchDB refused a write'), r);
          }
        });
        await markMirrored(store, done);
        deps.notify({ workspace: true });
      } while (pushAgain);
    })()
      .catch((e: unknown) => {
        // Nothing is lost: the entries stay queued, and the next write or start copies them again.
        setState('error', `Backline could not copy local changes into its copy of the workspace (${(e as Error)?.message ?? String(e)}); they wait here and are tried again with the next change.`);
      })
      .finally(() => {
        pushing = null;
      });
    return pushing;
  }

  /**
   * The document to write for a queued entry, or null when there is nothing to write: an unknown
   * id, a deletion of what is not there, activity already out (append-only: never written again)
   * or a record PouchDB already holds as it is.
   */
  function nextDoc(m: Membership, entry: SyncQueueEntry, current: QueuedRecord, existing: WorkspaceDoc | null): WorkspaceDoc | null {
    const parsed = parseDocId(entry.docId);
    if (!parsed) return null;
    if (!current) return existing ? { _id: entry.docId, _rev: existing._rev, _deleted: true } : null;
    if (existing && (parsed.kind === 'activity' || JSON.stringify(existing.record) === JSON.stringify(current.record))) return null;
    const doc: WorkspaceDoc = { _id: entry.docId, kind: parsed.kind, record: current.record, author: m.username };
    if (current.conversation) doc.conversation = current.conversation;
    if (existing) {
      doc._rev = existing._rev;
      const resolved = (existing as { resolvedRevs?: string[] }).resolvedRevs;
      if (resolved) (doc as { resolvedRevs?: string[] }).resolvedRevs = resolved;
    }
    return doc;
  }

  async function stop() {
    sync?.cancel();
    feed?.cancel();
    sync = null;
    feed = null;
    started = null;
    clearTimeout(flushTimer);
    await applying.catch(() => {});
  }

  return {
    start,
    /** Called after every store write: queued shared records go out soon. */
    pushSoon(): void {
      if (membership && local) copyOutSoon.soon();
    },
    async status(): Promise<WorkspaceStatus & { localTickets: number }> {
      const store = await deps.store();
      const m = membership ?? (await deps.loadMembership());
      const localTickets = await localTicketCount(store);
      if (!m) return { joined: false, localTickets };
      return {
        joined: true,
        url: m.url,
        username: m.username,
        role: m.role,
        state,
        problem: problem || undefined,
        lastSyncedAt: m.lastSyncedAt,
        waiting: await queuedCount(store),
        localTickets,
      };
    },
    /** The role this browser's user has, or null when not in a workspace. */
    async role(): Promise<'admin' | 'member' | null> {
      const m = membership ?? (await deps.loadMembership());
      return m?.role ?? null;
    },
    /**
     * Joins: checks the server and the credentials first (nothing is saved when they fail).
     * With tickets on this browser and no choice made, it only checks, and says how many there
     * are, for the page to ask.
     */
    async join(input: { url: string; username: string; password: string; localTickets?: 'bring' | 'keep' }): Promise<{ joined: boolean; localTickets: number; role?: 'admin' | 'member' }> {
      if (membership ?? (await deps.loadMembership())) throw new BacklineError('invalid', 'This browser is already in a workspace. Leave it first.');
      const url = normaliseUrl(input.url);
      const username = input.username.trim();
      if (!username) throw new BacklineError('invalid', 'Enter your workspace username.', { field: 'username' });
      if (!input.password) throw new BacklineError('invalid', 'Enter your workspace password.', { field: 'password' });
      const role = await verify(url, username, input.password);
      const store = await deps.store();
      const ids = await localTicketIds(store);
      if (ids.length && !input.localTickets) return { joined: false, localTickets: ids.length, role };
      const keepLocal = input.localTickets === 'keep' ? ids : [];
      membership = {
        url,
        username,
        password: input.password,
        role,
        keepLocal,
        localName: `backline-workspace-${now().toString(36)}`,
        appliedSeq: 0,
        lastSyncedAt: null,
      };
      await deps.saveMembership(membership);
      if (input.localTickets === 'bring') await queueEverythingButConfig(store);
      await start();
      deps.notify({ workspace: true });
      return { joined: true, localTickets: ids.length, role };
    },
    /** Leaves: stops syncing and forgets the credentials; the records stay on this browser. */
    async leave(): Promise<void> {
      const m = membership ?? (await deps.loadMembership());
      await stop();
      const store = await deps.store();
      store.setSharing(null);
      await clearQueue(store);
      if (local) await local.destroy().catch(() => {});
      else if (m) await new deps.PouchDB(m.localName).destroy().catch(() => {});
      local = null;
      membership = null;
      refused = false;
      fatal = false;
      await deps.saveMembership(null);
      deps.notify({ workspace: true });
    },
    /** Installs or upgrades the workspace's rules and shares this browser's types, teammates and settings where it has none. */
    async setUp(rules: { designDoc: Record<string, unknown> & { _id: string }; security: Record<string, unknown> }): Promise<string> {
      const m = membership ?? (await deps.loadMembership());
      if (!m) throw new BacklineError('invalid', 'Join a workspace first.');
      if (m.role !== 'admin') throw new BacklineError('forbidden', 'Only a workspace admin can set up the workspace.');
      const headers = { Authorization: basic(m.username, m.password), 'Content-Type': 'application/json', Accept: 'application/json' };
      const designUrl = `${m.url}/${rules.designDoc._id}`;
      const current = (await (await deps.fetch(designUrl, { headers, credentials: 'omit' })).json().catch(() => ({}))) as { _rev?: string; version?: number };
      const res = await deps.fetch(designUrl, { method: 'PUT', headers, credentials: 'omit', body: JSON.stringify({ ...rules.designDoc, ...(current._rev ? { _rev: current._rev } : {}) }) });
      if (!res.ok) throw new BacklineError('forbidden', `The workspace server refused the rules (${res.status}). Setting up needs a workspace admin.`);
      const sec = await deps.fetch(`${m.url}/_security`, { method: 'PUT', headers, credentials: 'omit', body: JSON.stringify(rules.security) });
      const store = await deps.store();
      const shared = await queueConfigIfMissing(store);
      void push();
      const what = current._rev ? `Upgraded the workspace’s rules (version ${String(current.version ?? '?')} → ${String(rules.designDoc.version ?? '?')})` : 'Installed the workspace’s rules';
      return `${what}${sec.ok ? ' and who may read and write' : ''}${shared ? `; shared ${shared} ticket types, teammates and settings from this browser` : ''}.`;
    },
    /** The competing versions of a ticket changed on two browsers at once (none when it has none). */
    async conflicts(ticketId: string, teammateName: (id: string | null) => string): Promise<ConflictVersion[]> {
      if (!local) return [];
      const doc = await local.get(docIdFor('ticket', ticketId), { conflicts: true }).catch(() => null);
      const revs = doc ? unresolvedConflicts(doc) : [];
      if (!doc || !revs.length) return [];
      const others = await Promise.all(revs.map((rev) => local!.get(doc._id, { rev }).catch(() => null)));
      const versions = [doc, ...others.filter((d): d is NonNullable<typeof d> => !!d)];
      const tickets = versions.map((v) => v.record as Ticket);
      const differing = TICKET_FIELDS.filter(([f]) => new Set(tickets.map((t) => JSON.stringify(t[f] ?? null))).size > 1);
      if (!differing.length) return [];
      return versions.map((v) => {
        const t = v.record as Ticket;
        return {
          rev: v._rev,
          author: v.author ?? 'someone',
          at: t.updatedAt,
          fields: differing.map(([f, label]) => ({ field: f, label, value: f === 'assigneeId' ? teammateName(t.assigneeId) : typeof t[f] === 'string' ? (t[f] as string) : JSON.stringify(t[f] ?? '') })),
        };
      });
    },
    /** Keeps one competing version: it becomes the ticket on every browser; the others are marked resolved (none is deleted). */
    async resolveConflict(ticketId: string, rev: string): Promise<void> {
      const m = membership;
      if (!m || !local) throw new BacklineError('invalid', 'This browser is not in a workspace.');
      const id = docIdFor('ticket', ticketId);
      const winner = await local.get(id, { conflicts: true });
      const revs = unresolvedConflicts(winner);
      if (rev !== winner._rev && !revs.includes(rev)) throw new BacklineError('stale', 'That version was already resolved. The ticket shows what was kept.');
      const chosen = rev === winner._rev ? winner : await local.get(id, { rev });
      const all = [winner, ...(await Promise.all(revs.map((r) => local!.get(id, { rev: r }))))];
      const version = Math.max(...all.map((d) => (d.record as Ticket).version)) + 1;
      const record = { ...(chosen.record as Ticket), version, updatedAt: now() };
      const resolvedRevs = [...((winner as { resolvedRevs?: string[] }).resolvedRevs ?? []), ...revs];
      await local.put({ _id: id, _rev: winner._rev, kind: 'ticket', record, author: m.username, resolvedRevs } as WorkspaceDoc);
    },
    /** Stops everything (tests). */
    stop,
  };

  async function queueEverythingButConfig(store: Store): Promise<void> {
    await queueEverything(store, new Set(), { config: false });
  }

  async function queueConfigIfMissing(store: Store): Promise<number> {
    if (!local) return 0;
    const existing = await local.allDocs({ startkey: 'type:', endkey: 'type:\uffff', limit: 1 });
    if (existing.rows.length) return 0;
    return queueEverything(store, new Set(), { tickets: false });
  }
}

export type WorkspaceService = ReturnType<typeof createWorkspace>;
export { ROLE_LABEL };
