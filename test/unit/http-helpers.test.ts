/** The small HTTP helpers the connectors share (lib/connectors/http.ts, types.ts). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { basicAuth } from '../../lib/connectors/http';
import { IntercomConnector, parseRetryAfter } from '../../lib/connectors';

describe('shared HTTP helpers', () => {
  it('basicAuth encodes user:password as UTF-8 base64 (RFC 7617)', () => {
    expect(basicAuth('agent@acme.test/token', 'abc')).toEqual({ authorization: `Basic ${Buffer.from('agent@acme.test/token:abc').toString('base64')}` });
    expect(basicAuth('jürgen@acme.test/token', 'ö')).toEqual({ authorization: `Basic ${Buffer.from('jürgen@acme.test/token:ö', 'utf8').toString('base64')}` });
  });

  it('a reset time given in unix seconds (Intercom’s X-RateLimit-Reset) is read as a time, not a delay', async () => {
    const now = Date.now();
    expect(parseRetryAfter(String(Math.round(now / 1000) + 9), now)).toBeGreaterThan(7000);
    expect(parseRetryAfter(String(Math.round(now / 1000) + 9), now)).toBeLessThanOrEqual(10_000);
    expect(parseRetryAfter('9', now)).toBe(9000);
    const server = http.createServer((_req, res) => {
      res.writeHead(429, { 'x-ratelimit-reset': String(Math.round(Date.now() / 1000) + 5), 'content-type': 'application/json' });
      res.end('{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const c = new IntercomConnector({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't' });
      const e = await c.readStatus('1').catch((x: unknown) => x);
      expect(e).toMatchObject({ kind: 'rate_limited', status: 429 });
      const wait = (e as { retryAfterMs: number }).retryAfterMs;
      expect(wait).toBeGreaterThan(3000);
      expect(wait).toBeLessThanOrEqual(6000);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
