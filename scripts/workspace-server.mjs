#!/usr/bin/env node
// @ts-check
/**
 * A team workspace server for development and tests: pouchdb-server's CouchDB-compatible HTTP API
 * (express-pouchdb), in memory or in a folder, with one workspace database set up the way
 * Backline's "Set up workspace" sets up a real one (`_security` with the workspace roles, the
 * rules' design document) and two users. Production runs Apache CouchDB 3 or Cloudant instead.
 *
 *   node scripts/workspace-server.mjs     # port from $WORKSPACE_PORT or 5984, in memory
 *
 * pouchdb-server 4.2.0 has two defects that matter here, fixed by the patches in `patches/`
 * (applied by `npm ci`): replicated edits dropped under a `validate_doc_update` (issue #419), and
 * any user able to give themselves any role through their own `_users` document.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// pouchdb-server's own dependencies (PouchDB 7, express-pouchdb), resolved from where it sits,
// so that the extension's PouchDB (a later major version) installed beside it is never picked up.
const requireFromHere = createRequire(import.meta.url);
const requireFromServer = createRequire(requireFromHere.resolve('pouchdb-server/package.json'));
const express = requireFromServer('express');
const expressPouchDB = requireFromServer('express-pouchdb');
const PouchDBCore = requireFromServer('pouchdb-core')
  .plugin(requireFromServer('pouchdb-adapter-http'))
  .plugin(requireFromServer('pouchdb-replication'))
  .plugin(requireFromServer('pouchdb-mapreduce'));

export const WORKSPACE_DB = 'backline';
/** The two workspace users every server starts with: a workspace admin and a member. */
export const WORKSPACE_USERS = {
  admin: { name: 'alice', password: 'alice-pass', roles: ['backline-admin'] },
  member: { name: 'bob', password: 'bob-pass', roles: ['backline-member'] },
};

const RULES_SOURCE = resolve(import.meta.dirname, '../lib/model/workspace-rules.ts');

/**
 * The workspace rules module (lib/model/workspace-rules.ts), compiled on the fly: plain Node
 * cannot import TypeScript, and the rules must be the very ones the extension installs.
 * @returns {Promise<{ WORKSPACE_DESIGN_DOC(rev?: string): object, WORKSPACE_SECURITY: object }>}
 */
async function loadWorkspaceRules() {
  const { transformWithEsbuild } = await import('vite');
  const { code } = await transformWithEsbuild(readFileSync(RULES_SOURCE, 'utf8'), RULES_SOURCE, {
    format: 'cjs',
    target: 'node20',
  });
  const module = { exports: {} };
  new Function('module', 'exports', code)(module, module.exports);
  return /** @type {any} */ (module.exports);
}

/** Extension pages and workers: Chrome/Edge, Firefox and Safari extension origins. */
const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[^/]+$/;

/**
 * CORS for extension origins only, with credentials (Basic auth headers, the session cookie).
 * An extension with host permissions needs none of it in Chromium, but its pages may, and so
 * may browsers that apply CORS to extensions.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {() => void} next
 */
function extensionCors(req, res, next) {
  const origin = req.headers.origin;
  if (!origin || !EXTENSION_ORIGIN.test(origin)) return next();
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Type, Cache-Control, ETag, Server, X-Couch-Request-ID');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, DELETE, COPY');
    res.setHeader(
      'Access-Control-Allow-Headers',
      req.headers['access-control-request-headers'] || 'Accept, Authorization, Content-Type, Origin, Referer',
    );
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    res.end();
    return;
  }
  next();
}

/**
 * Starts a workspace server on 127.0.0.1.
 * @param {{ port?: number, dir?: string, host?: string }} [options] `port` 0 picks a free one;
 *   `dir` keeps the databases in that folder (LevelDB) instead of in memory.
 */
export async function startWorkspaceServer({ port = 0, dir, host = '127.0.0.1' } = {}) {
  const rules = await loadWorkspaceRules();
  // express-pouchdb writes a log file; it goes in a folder of its own, removed on close.
  const scratch = mkdtempSync(join(tmpdir(), 'backline-workspace-'));

  let PouchDB;
  if (dir) {
    PouchDBCore.plugin(requireFromServer('pouchdb-adapter-leveldb'));
    PouchDB = PouchDBCore.defaults({ prefix: resolve(dir) + '/', adapter: 'leveldb' });
  } else {
    PouchDBCore.plugin(requireFromServer('pouchdb-adapter-memory'));
    // The memory adapter's stores are global to the process: a prefix of its own keeps two
    // servers in one process (two test files) apart.
    PouchDB = PouchDBCore.defaults({ prefix: `workspace-${randomUUID()}-`, adapter: 'memory' });
  }

  const couch = expressPouchDB(PouchDB, {
    mode: 'fullCouchDB',
    inMemoryConfig: true,
    logPath: join(scratch, 'log.txt'),
    // Like CouchDB 3, which answers /_all_dbs to server admins only: names of other databases
    // are nobody's business. The replicator daemon is not needed and would outlive close().
    overrideMode: { exclude: ['routes/all-dbs', 'routes/replicate', 'replicator', 'routes/fauxton'] },
  });
  couch.couchConfig.set('log', 'level', 'warning', () => {});

  const serverAdmin = { name: 'admin', password: randomUUID() };
  await new Promise((done, fail) =>
    couch.couchConfig.set('admins', serverAdmin.name, serverAdmin.password, (/** @type {unknown} */ err) =>
      err ? fail(err) : done(undefined),
    ),
  );

  const app = express();
  app.disable('x-powered-by');
  app.use(extensionCors);
  app.use(couch);
  const server = createServer(app);
  try {
    await new Promise((done, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        done(undefined);
      });
    });
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://${host}:${address.port}`;
  const dbUrl = `${url}/${WORKSPACE_DB}`;

  const asAdmin = 'Basic ' + Buffer.from(`${serverAdmin.name}:${serverAdmin.password}`).toString('base64');
  /** @param {string} path @param {unknown} body @param {number[]} ok */
  async function put(path, body, ok = [200, 201]) {
    const res = await fetch(url + path, {
      method: 'PUT',
      headers: { authorization: asAdmin, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!ok.includes(res.status)) throw new Error(`Setting up the workspace server: PUT ${path} answered ${res.status} ${await res.text()}`);
    return res;
  }

  const close = async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(() => done(undefined)));
    if (!dir) {
      // Free the memory adapter's global stores.
      const names = await PouchDB.allDbs().catch(() => []);
      await Promise.all([...names, 'pouch__all_dbs__'].map((name) => new PouchDB(name).destroy().catch(() => {})));
    }
    rmSync(scratch, { recursive: true, force: true });
  };

  try {
    // A database that exists already (a `dir` used before) is set up again the same way.
    await put(`/${WORKSPACE_DB}`, {}, [201, 412]);
    await put(`/${WORKSPACE_DB}/_security`, rules.WORKSPACE_SECURITY);
    const installed = await fetch(`${dbUrl}/_design/backline`, { headers: { authorization: asAdmin } });
    const rev = installed.ok ? (await installed.json())._rev : undefined;
    await put(`/${WORKSPACE_DB}/_design/backline`, rules.WORKSPACE_DESIGN_DOC(rev));
    for (const user of Object.values(WORKSPACE_USERS)) {
      const path = `/_users/org.couchdb.user:${user.name}`;
      const existing = await fetch(url + path, { headers: { authorization: asAdmin } });
      const userRev = existing.ok ? (await existing.json())._rev : undefined;
      await put(path, { _id: `org.couchdb.user:${user.name}`, ...(userRev ? { _rev: userRev } : {}), type: 'user', ...user });
    }
  } catch (error) {
    await close();
    throw error;
  }

  /** @param {object[]} docs */
  const seed = async (docs) => {
    // Straight into the database, as a server admin's write would be but without checking
    // each document against the rules over HTTP: for benchmarks that need tens of thousands.
    const db = new PouchDB(WORKSPACE_DB);
    const failed = [];
    // In batches: one write of tens of thousands of documents is much slower than many of 500.
    for (let i = 0; i < docs.length; i += 500) {
      const results = await db.bulkDocs(docs.slice(i, i + 500));
      failed.push(...results.filter((/** @type {{ error?: unknown }} */ r) => r.error));
    }
    if (failed.length) throw new Error(`Seeding the workspace: ${failed.length} documents refused, first ${JSON.stringify(failed[0])}`);
  };

  return {
    url,
    dbUrl,
    seed,
    storage: dir ? resolve(dir) : 'memory',
    users: {
      admin: { name: WORKSPACE_USERS.admin.name, password: WORKSPACE_USERS.admin.password },
      member: { name: WORKSPACE_USERS.member.name, password: WORKSPACE_USERS.member.password },
    },
    serverAdmin,
    close,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.WORKSPACE_PORT ?? 5984);
  try {
    const workspace = await startWorkspaceServer({ port, dir: process.env.WORKSPACE_DIR || undefined });
    console.log(describeWorkspace(workspace));
    console.log('Press Ctrl+C to stop.');
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.on(signal, async () => {
        await workspace.close();
        process.exit(0);
      });
    }
  } catch (error) {
    const err = /** @type {NodeJS.ErrnoException} */ (error);
    console.error(
      err.code === 'EADDRINUSE'
        ? `Port ${port} is taken (a CouchDB already running?). Set WORKSPACE_PORT to another port.`
        : `The workspace server did not start: ${err.message}`,
    );
    process.exit(1);
  }
}

/**
 * How to join the workspace a server holds, for the console.
 * @param {{ dbUrl: string, storage: string, users: { admin: { name: string, password: string }, member: { name: string, password: string } }, serverAdmin: { name: string, password: string } }} workspace
 */
export function describeWorkspace(workspace) {
  const { admin, member } = workspace.users;
  return [
    `Team workspace (pouchdb-server, in ${workspace.storage}): ${workspace.dbUrl}`,
    `  workspace admin: ${admin.name} / ${admin.password}    member: ${member.name} / ${member.password}`,
    `  server admin: ${workspace.serverAdmin.name} / ${workspace.serverAdmin.password}`,
  ].join('\n');
}
