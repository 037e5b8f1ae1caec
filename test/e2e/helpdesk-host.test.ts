/**
 * The e2e helper that puts stand-ins on cloud helpdesks' real host names (helpdesk-host.ts):
 * the real content script docks the panel on https://acme.zendesk.com, and the extension's
 * service worker reaches the same stand-in at that origin.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchWithHelpdesks, type HelpdeskHarness } from './helpdesk-host';

let h: HelpdeskHarness;
let standin: http.Server;
const hits: string[] = [];

beforeAll(async () => {
  standin = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers['x-forwarded-host']}`);
    if (req.url === '/api/v2/ping') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"pong":true}');
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => standin.listen(0, '127.0.0.1', r));
  h = await launchWithHelpdesks({ hosts: { 'acme.zendesk.com': { url: `http://127.0.0.1:${(standin.address() as AddressInfo).port}` } } });
});
afterAll(async () => {
  await h?.close();
  standin?.closeAllConnections();
  await new Promise((r) => standin?.close(r));
});

it('docks the panel on the real host name, served by the stand-in', async () => {
  const { page, panel } = await h.openHelpdeskPage(`${h.urls['acme.zendesk.com']}/agent/tickets/7`);
  expect(page.url()).toBe('https://acme.zendesk.com/agent/tickets/7');
  await panel.getByRole('button', { name: 'New back-office ticket', exact: true }).waitFor();
  expect(hits).toContain('GET /agent/tickets/7 acme.zendesk.com');
});

it('lets the service worker call the stand-in at that origin', async () => {
  const answer = await h.worker.evaluate(async () => (await fetch('https://acme.zendesk.com/api/v2/ping')).json());
  expect(answer).toEqual({ pong: true });
});
