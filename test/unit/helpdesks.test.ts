/**
 * Every helpdesk descriptor's example URLs, run in a loop (as refined-github's
 * github-url-detection tests the URLs kept beside each detector). A new descriptor file in
 * lib/helpdesks/ is picked up here without editing this test.
 */
import { describe, expect, it } from 'vitest';
import { DESCRIPTORS, HELPDESKS, HOST_MATCH_PATTERNS, parseHelpdeskUrl } from '../../lib/helpdesks';
import type { HelpdeskDescriptor } from '../../lib/helpdesks';
import type { UrlExamples } from '../../lib/helpdesks/types';
import { HELPDESK_IDS } from '../../lib/model/helpdesk';

type DescriptorModule = { examples?: UrlExamples } & Record<string, unknown>;
const modules = import.meta.glob<DescriptorModule>(['../../lib/helpdesks/*.ts', '!../../lib/helpdesks/index.ts', '!../../lib/helpdesks/types.ts', '!../../lib/helpdesks/base-url.ts'], {
  eager: true,
});
const files = Object.entries(modules).map(([path, mod]) => {
  const descriptor = Object.values(mod).find((v): v is HelpdeskDescriptor => !!v && typeof v === 'object' && 'match' in v && 'id' in v);
  return { path, descriptor, examples: mod.examples };
});

describe('the registry', () => {
  it('has one descriptor file per helpdesk id, each registered and with example URLs', () => {
    expect(files.map((f) => f.descriptor?.id).sort()).toEqual([...HELPDESK_IDS].sort());
    for (const f of files) {
      expect(f.descriptor, f.path).toBeDefined();
      expect(DESCRIPTORS[f.descriptor!.id], f.path).toBe(f.descriptor);
      expect(f.examples?.conversations.length, `${f.path} has example conversation URLs`).toBeGreaterThan(0);
      expect(f.examples?.others.length, `${f.path} has example URLs that are not conversations`).toBeGreaterThan(0);
    }
    expect(HELPDESKS.map((d) => d.id)).toEqual([...HELPDESK_IDS]);
  });

  it('names the credential fields and Base URL of every helpdesk (the connection form is built from them)', () => {
    for (const d of HELPDESKS) {
      expect(d.connection.credentials.length, d.id).toBeGreaterThan(0);
      expect(d.connection.credentials.some((f) => f.secret), `${d.id} has a secret`).toBe(true);
      expect(d.connection.baseUrlHint, d.id).toBeTruthy();
      if (d.connection.defaultBaseUrl) expect(d.connection.defaultBaseUrl).toMatch(/^https:\/\/[a-z0-9.-]+$/);
    }
  });
});

for (const { path, descriptor, examples } of files) {
  if (!descriptor || !examples) continue;
  describe(`${descriptor.name} (${path.replace('../../', '')})`, () => {
    it.each(examples.conversations.map(([url, expected]) => [url, expected] as const))('%s', (url, expected) => {
      expect(parseHelpdeskUrl(url)).toEqual({ helpdesk: descriptor.id, kind: descriptor.kind, ...expected });
      // Cloud pages are covered by the manifest's host patterns (localhost too).
      const u = new URL(url);
      expect(HOST_MATCH_PATTERNS.some((p) => covers(p, u)), `manifest covers ${url}`).toBe(true);
    });
    it.each(examples.others.map((url) => [url]))('not a conversation: %s', (url) => {
      expect(parseHelpdeskUrl(url)).toBeNull();
    });
  });
}

function covers(pattern: string, u: URL): boolean {
  const m = /^(https?):\/\/(\*\.)?([^/]+)\/\*$/.exec(pattern);
  if (!m || u.protocol !== `${m[1]}:`) return false;
  return m[2] ? u.hostname.endsWith(`.${m[3]}`) : u.hostname === m[3];
}
