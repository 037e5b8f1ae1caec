/**
 * Cloud helpdesks on their real host names, for end-to-end tests: Backline recognises a cloud
 * helpdesk only on its own hosts (acme.zendesk.com, acme.freshdesk.com, app.intercom.com…, see
 * lib/helpdesks/*.ts), so a stand-in on 127.0.0.1 would never get the panel docked.
 *
 * `launchWithHelpdesks({ hosts: { 'acme.zendesk.com': standin } })` starts one HTTPS front on a
 * free loopback port, with a self-signed certificate made at test time for every host named,
 * and launches Chromium (with the built extension, as harness.ts `launch()` does) with:
 * - `--host-resolver-rules="MAP acme.zendesk.com:443 127.0.0.1:<port>, …"`: the browser connects
 *   to the front whenever it asks for one of those hosts on the default https port, while the
 *   page's origin stays https://acme.zendesk.com (so the real content script docks, and the
 *   service worker's API calls to that origin arrive too);
 * - `--ignore-certificate-errors`: the certificate is self-signed.
 *
 * The front forwards every request to the stand-in named for its Host (a plain-HTTP server with
 * a `url`, such as test/standins/<id>.mjs), method, path, query, headers and body unchanged (the
 * Host header becomes the stand-in's; `x-forwarded-host` keeps the real one). A page navigation
 * that the stand-in answers with 404 gets a minimal agent page instead, so a stand-in need not
 * serve pages of its own for the panel to dock.
 *
 * Nothing leaves the machine: the rules map only the named hosts, and only to 127.0.0.1.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { generate } from 'selfsigned';
import { launch, panelFrame, type Harness } from './harness';

/** What the front needs of a stand-in: its plain-HTTP base URL (e.g. http://127.0.0.1:40123). */
export interface StandinAddress {
  url: string;
}

export interface HelpdeskFront {
  /** The loopback port the front listens on. */
  port: number;
  /** The Chromium flags that send the hosts to this front. */
  chromiumArgs: string[];
  /** Requests the front saw, by host, in order: `METHOD /path?query`. */
  seen: { host: string; method: string; path: string }[];
  close(): Promise<void>;
}

export interface HelpdeskHarness extends Harness {
  /** `https://<host>` for each host given, by host name. */
  urls: Record<string, string>;
  front: HelpdeskFront;
  /**
   * Opens a page of one of the hosts (a full https URL on it) and waits for Backline's panel
   * frame docked in it.
   */
  openHelpdeskPage(url: string, page?: Page): Promise<{ page: Page; panel: Frame }>;
}

function minimalAgentPage(host: string, path: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(host)}</title></head><body><main><h1>${esc(host)}</h1><p data-testid="path">${esc(path)}</p></main></body></html>`;
}

/** Starts the HTTPS front for the given hosts (see the module comment). */
export async function startHelpdeskFront(hosts: Record<string, StandinAddress>): Promise<HelpdeskFront> {
  const names = Object.keys(hosts).map((h) => h.toLowerCase());
  if (!names.length) throw new Error('launchWithHelpdesks needs at least one host.');
  for (const n of names) if (!/^[a-z0-9.-]+$/.test(n)) throw new Error(`Not a host name: ${n}`);
  const pems = await generate([{ name: 'commonName', value: names[0]! }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 2 * 24 * 3600 * 1000),
    extensions: [{ name: 'subjectAltName', altNames: names.map((value) => ({ type: 2 as const, value })) }],
  });
  const seen: HelpdeskFront['seen'] = [];
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const target = Object.entries(hosts).find(([h]) => h.toLowerCase() === host)?.[1];
    seen.push({ host, method: req.method ?? 'GET', path: req.url ?? '/' });
    if (!target) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`No stand-in for ${host}`);
      return;
    }
    const to = new URL(`${target.url.replace(/\/+$/, '')}${req.url ?? '/'}`);
    const navigation = req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate';
    const upstream = http.request(
      to,
      { method: req.method, headers: { ...req.headers, host: to.host, 'x-forwarded-host': host, 'x-forwarded-proto': 'https' } },
      (answer) => {
        if (navigation && answer.statusCode === 404) {
          answer.resume();
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(minimalAgentPage(host, req.url ?? '/'));
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      // The stand-in dropped the connection (a test may do so on purpose): drop ours too.
      if (!res.headersSent) res.destroy(e);
      else res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    chromiumArgs: [`--host-resolver-rules=${names.map((n) => `MAP ${n}:443 127.0.0.1:${port}`).join(', ')}`, '--ignore-certificate-errors'],
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * The built extension in headless Chromium (harness.ts `launch()`, sandbox included) with each
 * host of `hosts` answered by its stand-in over HTTPS on its real name.
 */
export async function launchWithHelpdesks({ hosts }: { hosts: Record<string, StandinAddress> }): Promise<HelpdeskHarness> {
  const front = await startHelpdeskFront(hosts);
  let h: Harness;
  try {
    h = await launch({ args: front.chromiumArgs });
  } catch (e) {
    await front.close();
    throw e;
  }
  const urls = Object.fromEntries(Object.keys(hosts).map((n) => [n, `https://${n.toLowerCase()}`]));
  return {
    ...h,
    urls,
    front,
    async openHelpdeskPage(url, page) {
      page ??= await h.context.newPage();
      await page.goto(url);
      return { page, panel: await panelFrame(page) };
    },
    async close() {
      await h.close();
      await front.close();
    },
  };
}
