/**
 * The failures every connector must turn into a clear ConnectorError, run against a
 * connector's stand-in over real HTTP: 401, 403, 404, 429 with Retry-After, 5xx (a write's
 * outcome unknown), a dropped connection, no answer (timeout) and an answer that is not JSON.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError, type Connector, type ConnectorOptions } from '../../lib/connectors';

export interface FailureSetup {
  /** The product name as messages say it. */
  name: string;
  /** The stand-in's base URL (read when each test runs). */
  url(): string;
  /** A connector on a base URL, with the right credentials or a wrong one. */
  make(baseUrl: string, opts?: ConnectorOptions & { wrongCredentials?: boolean }): Connector;
  /** An existing conversation id, and one that does not exist. */
  id: string;
  missingId: string;
  /** A part of the note write's path, so injected failures hit the write itself. */
  writeMatch: string;
  /** Injects failures in the stand-in (its /__standin/fail control). */
  fail(plan: { count?: number; status: number; retryAfter?: number; match?: string }): Promise<void>;
  /** Makes the stand-in apply its next matching request, then drop the connection unanswered. */
  drop(plan: { count?: number; match?: string }): Promise<void>;
  /** Notes in the conversation whose text includes `text`. */
  notesWith(text: string): number;
}

async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
}

export function describeFailures(s: FailureSetup): void {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const srv of servers.splice(0)) {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });
  /**
   * A local server. With `forwardReads`, reads go to the stand-in (Intercom reads GET /me before
   * it writes) and only writes meet `handler`.
   */
  const local = async (handler: http.RequestListener, forwardReads = false) => {
    const srv = http.createServer((req, res) => {
      if (!forwardReads || req.method !== 'GET') return handler(req, res);
      void fetch(`${s.url()}${req.url}`, { headers: { authorization: String(req.headers.authorization ?? '') } }).then(async (r) => {
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(await r.text());
      });
    });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  };
  const note = (c: Connector, text: string) => c.postInternalNote(s.id, text, { idempotencyKey: 'failcase0001' });

  describe(`${s.name}: failures as clear errors`, () => {
    it('401: wrong credentials, permanent, nothing posted', async () => {
      const e = await rejection(note(s.make(s.url(), { wrongCredentials: true }), 'not with this token'));
      expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 401, outcomeUnknown: false });
      expect(e.message).toContain(`${s.name} refused the credentials (401)`);
      expect(s.notesWith('not with this token')).toBe(0);
    });

    it('403: not allowed, permanent, says so', async () => {
      await s.fail({ status: 403 });
      const e = await rejection(s.make(s.url()).readStatus(s.id));
      expect(e).toMatchObject({ kind: 'unauthorized', permanent: true, status: 403 });
      expect(e.message).toMatch(/did not allow/);
    });

    it('404: no such conversation, permanent, names it', async () => {
      const e = await rejection(s.make(s.url()).readStatus(s.missingId));
      expect(e).toMatchObject({ kind: 'not_found', permanent: true, status: 404 });
      expect(e.message).toContain(s.missingId);
    });

    it('429 with Retry-After: transient, with the delay asked for', async () => {
      await s.fail({ status: 429, retryAfter: 7, match: s.writeMatch });
      const e = await rejection(note(s.make(s.url()), 'rate limited note'));
      expect(e).toMatchObject({ kind: 'rate_limited', permanent: false, status: 429, retryAfterMs: 7000 });
      expect(e.message).toContain('wait 7 s');
      expect(s.notesWith('rate limited note')).toBe(0);
    });

    it('500 on a write: transient, outcome unknown (a search comes before a second try)', async () => {
      await s.fail({ status: 500, match: s.writeMatch });
      const e = await rejection(note(s.make(s.url()), 'server error note'));
      expect(e).toMatchObject({ kind: 'server', permanent: false, status: 500, outcomeUnknown: true, mayApplyLater: false });
      expect(e.message).toContain(`${s.name} had a server error (HTTP 500)`);
    });

    it('no answer: a timeout, which may still be applied', async () => {
      const url = await local(() => {}, true);
      const e = await rejection(note(s.make(url, { timeoutMs: 1000 }), 'x'));
      expect(e).toMatchObject({ kind: 'timeout', outcomeUnknown: true, mayApplyLater: true });
      expect(e.message).toContain('did not answer');
    });

    it('malformed JSON or an HTML page: not the API, says to check the Base URL', async () => {
      const url = await local((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"half": ');
      });
      const e = await rejection(s.make(url).readStatus(s.id));
      expect(e).toMatchObject({ kind: 'invalid', permanent: true });
      expect(e.message).toContain(`is not ${s.name}'s API`);
      expect(e.message).toContain('Base URL');
    });

    it('a note applied but never answered (connection dropped): outcome unknown, and findNote finds it', async () => {
      await s.drop({ match: s.writeMatch });
      const c = s.make(s.url());
      const e = await rejection(c.postInternalNote(s.id, 'applied but unanswered', { idempotencyKey: 'dropped00001' }));
      expect(e).toMatchObject({ kind: 'unreachable', outcomeUnknown: true, mayApplyLater: true });
      expect(s.notesWith('applied but unanswered')).toBe(1);
      expect(await s.make(s.url()).findNote(s.id, 'dropped00001', { since: Date.now() - 60_000 })).not.toBeNull();
    });

    it('a dropped connection after the request left: outcome unknown', async () => {
      const url = await local((req) => req.socket.destroy(), true);
      const e = await rejection(note(s.make(url), 'x'));
      expect(e).toMatchObject({ kind: 'unreachable', outcomeUnknown: true });
    });
  });
}
