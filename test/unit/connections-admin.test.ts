import { describe, expect, it } from 'vitest';
import { CUSTOM_SCRIPT_PREFIX, syncCustomHosts, type HostSyncApi } from '../../lib/background/custom-hosts';
import { customHostsFor, isBuiltInOrigin, isCloudApiOrigin, normalizeBaseUrl, permissionPatternFor } from '../../lib/helpdesks/base-url';
import { maskToken, toConnectionView } from '../../lib/store/workspace';
import type { ConnectionRecord } from '../../lib/model/records';
import type { CustomHost } from '../../lib/model/helpdesk';

const conn = (over: Partial<ConnectionRecord>): ConnectionRecord => ({
  id: 'c',
  helpdesk: 'chatwoot',
  baseUrl: 'https://support.acme.com',
  account: '1',
  credentials: { token: 'secret-token-1234' },
  label: 'Acme',
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

describe('base URLs and origins', () => {
  it('normalises base URLs and keeps a path prefix', () => {
    expect(normalizeBaseUrl(' HTTPS://Support.Acme.com:443/ ')).toBe('https://support.acme.com');
    expect(normalizeBaseUrl('http://localhost:3000/')).toBe('http://localhost:3000');
    expect(normalizeBaseUrl('https://acme.com/chatwoot//')).toBe('https://acme.com/chatwoot');
    expect(() => normalizeBaseUrl('https://acme.com/?x=1')).toThrow(/after “\?” or “#”/);
    expect(() => normalizeBaseUrl('javascript:alert(1)')).toThrow(/must start with https/);
  });

  it('knows which origins the manifest already covers', () => {
    expect(isBuiltInOrigin('https://app.chatwoot.com')).toBe(true);
    expect(isBuiltInOrigin('https://acme.zendesk.com')).toBe(true);
    expect(isBuiltInOrigin('http://localhost:3000')).toBe(true);
    expect(isBuiltInOrigin('http://127.0.0.1:4517')).toBe(true);
    expect(isBuiltInOrigin('http://app.chatwoot.com')).toBe(false); // cloud hosts are https only
    expect(isBuiltInOrigin('https://support.acme.com')).toBe(false);
    expect(isBuiltInOrigin('https://zendesk.com.evil.example')).toBe(false);
    expect(permissionPatternFor('https://support.acme.com:8443/chatwoot')).toBe('https://support.acme.com/*');
    expect(permissionPatternFor('https://app.chatwoot.com')).toBeNull();
  });

  it('treats the cloud helpdesks’ public API addresses as granted, never as self-hosted pages', () => {
    for (const api of ['https://api.helpscout.net', 'https://api2.frontapp.com', 'https://api.intercom.io']) {
      expect(isCloudApiOrigin(api), api).toBe(true);
      expect(isBuiltInOrigin(api), api).toBe(false); // no panel docks on an API host
      expect(permissionPatternFor(api), api).toBeNull();
    }
    expect(isCloudApiOrigin('https://api.helpscout.net.evil.example')).toBe(false);
    expect(isCloudApiOrigin('http://api.helpscout.net')).toBe(false);
    expect(permissionPatternFor('https://helpscout-proxy.acme.com')).toBe('https://helpscout-proxy.acme.com/*');
    expect(customHostsFor([conn({ helpdesk: 'helpscout', baseUrl: 'https://api.helpscout.net' })])).toEqual([]);
  });

  it('masks tokens and lists self-hosted origins once, without tokens', () => {
    expect(maskToken('secret-token-1234')).toBe('••••1234');
    expect(maskToken('short')).toBe('••••');
    const view = toConnectionView(conn({}));
    expect(JSON.stringify(view)).not.toContain('secret-token');
    expect(view).toMatchObject({ secretHints: { token: '••••1234' }, selfHosted: true });

    const hosts = customHostsFor([
      conn({ id: 'a', baseUrl: 'https://support.acme.com/chatwoot', updatedAt: 1 }),
      conn({ id: 'b', baseUrl: 'https://support.acme.com', account: '2', updatedAt: 2, helpdesk: 'zammad' }),
      conn({ id: 'c', baseUrl: 'https://app.chatwoot.com' }),
      conn({ id: 'd', baseUrl: 'http://localhost:3000' }),
      conn({ id: 'e', baseUrl: 'not a url' }),
    ]);
    expect(hosts).toEqual([{ origin: 'https://support.acme.com', helpdesk: 'zammad' }]);
  });

  it('an API address of its own (Intercom) is neither self-hosted nor a page origin to recognise, and the manifest already allows it (no prompt)', () => {
    const intercom = conn({ helpdesk: 'intercom', baseUrl: 'https://api.intercom.io', account: 'abc123', credentials: { token: 'secret-token-5678' } });
    expect(toConnectionView(intercom).selfHosted).toBe(false);
    expect(customHostsFor([intercom, conn({ id: 'z', helpdesk: 'zendesk', baseUrl: 'https://help.acme.com', account: '' })])).toEqual([{ origin: 'https://help.acme.com', helpdesk: 'zendesk' }]);
    expect(permissionPatternFor('https://api.intercom.io')).toBeNull();
    // A stand-in or proxy address for the same API is asked for like any other origin.
    expect(permissionPatternFor('https://intercom-proxy.acme.com')).toBe('https://intercom-proxy.acme.com/*');
  });
});

describe('syncCustomHosts', () => {
  function fakeApi(initial: { id: string; matches?: string[] }[], granted: string[]) {
    let registered = [...initial];
    const saved: CustomHost[][] = [];
    const api: HostSyncApi = {
      getRegistered: async () => registered,
      register: async (scripts) => {
        for (const s of scripts) {
          if (registered.some((r) => r.id === s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
        }
        registered.push(...scripts);
      },
      unregister: async (ids) => {
        registered = registered.filter((r) => !ids.includes(r.id));
      },
      hasPermission: async (pattern) => granted.includes(pattern),
      saveCustomHosts: async (hosts) => {
        saved.push(hosts);
      },
    };
    return { api, saved, registered: () => registered };
  }

  it('registers new origins, reports those without permission, removes stale ones and keeps foreign scripts', async () => {
    const f = fakeApi(
      [
        { id: `${CUSTOM_SCRIPT_PREFIX}https://old.example`, matches: ['https://old.example/*'] },
        { id: 'someone-else', matches: ['https://x.example/*'] },
      ],
      ['https://support.acme.com/*'],
    );
    const hosts: CustomHost[] = [
      { origin: 'https://support.acme.com', helpdesk: 'chatwoot' },
      { origin: 'https://denied.example', helpdesk: 'chatwoot' },
    ];
    const r = await syncCustomHosts(hosts, f.api);
    expect(r).toEqual({ registered: ['https://support.acme.com', 'https://denied.example'], missingPermission: ['https://denied.example'] });
    expect(f.registered().map((s) => s.id).sort()).toEqual([
      `${CUSTOM_SCRIPT_PREFIX}https://denied.example`,
      `${CUSTOM_SCRIPT_PREFIX}https://support.acme.com`,
      'someone-else',
    ]);
    expect(f.registered().find((s) => s.id.endsWith('support.acme.com'))!.matches).toEqual(['https://support.acme.com/*']);
    expect(f.saved.at(-1)).toEqual(hosts);

    // Running again changes nothing (no duplicate registration).
    await syncCustomHosts(hosts, f.api);
    expect(f.registered()).toHaveLength(3);

    await syncCustomHosts([], f.api);
    expect(f.registered().map((s) => s.id)).toEqual(['someone-else']);
    expect(f.saved.at(-1)).toEqual([]);
  });
});
