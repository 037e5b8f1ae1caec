import { describe, expect, it } from 'vitest';
import { conversationKey, HELPDESK_NAMES, HOST_MATCH_PATTERNS, normalizeOrigin, originMatchPattern, parseHelpdeskUrl } from '../../lib/helpdesks';
import { HELPDESK_IDS, isHelpdeskId, type CustomHost, type HelpdeskId, type PageContext } from '../../lib/model/helpdesk';

type Expected = Omit<PageContext, 'kind'> & { kind?: PageContext['kind'] };

/** [url, expected] — `kind` defaults to the helpdesk's fixed kind. */
const KIND: Record<HelpdeskId, PageContext['kind']> = {
  intercom: 'conversation',
  zendesk: 'ticket',
  freshdesk: 'ticket',
  helpscout: 'conversation',
  front: 'conversation',
  zammad: 'ticket',
  chatwoot: 'conversation',
  freescout: 'conversation',
  hubspot: 'ticket',
  gorgias: 'ticket',
};

function ctx(helpdesk: HelpdeskId, origin: string, account: string, conversationId: string): PageContext {
  return { helpdesk, origin, account, conversationId, kind: KIND[helpdesk] };
}

// Cloud URLs, shaped like the ones the helpdesks put in the address bar.
const CLOUD_MATCHES: ReadonlyArray<readonly [string, PageContext]> = [
  // Intercom (US, EU, AU; current and legacy routes)
  ['https://app.intercom.com/a/inbox/abc123/inbox/shared/all/conversation/123456789', ctx('intercom', 'https://app.intercom.com', 'abc123', '123456789')],
  ['https://app.intercom.com/a/inbox/abc123/inbox/admin/42/conversation/1', ctx('intercom', 'https://app.intercom.com', 'abc123', '1')],
  ['https://app.intercom.com/a/inbox/ui6470ff/inbox/conversation/215475827415413', ctx('intercom', 'https://app.intercom.com', 'ui6470ff', '215475827415413')],
  ['https://app.intercom.com/a/inbox/gu1e0q0t/inbox/view/8857114/conversation/99?view=List', ctx('intercom', 'https://app.intercom.com', 'gu1e0q0t', '99')],
  ['https://app.eu.intercom.com/a/inbox/grcvqyws/inbox/shared/all/conversation/4137#part_id=comment-4137-23555', ctx('intercom', 'https://app.eu.intercom.com', 'grcvqyws', '4137')],
  ['https://app.au.intercom.com/a/inbox/abc123/inbox/conversation/987', ctx('intercom', 'https://app.au.intercom.com', 'abc123', '987')],
  ['https://app.intercom.com/a/apps/mya415ow/inbox/inbox/all/conversations/26964863021', ctx('intercom', 'https://app.intercom.com', 'mya415ow', '26964863021')],
  ['https://app.intercom.com/a/apps/lkqcyt9t/conversations/137324500000000', ctx('intercom', 'https://app.intercom.com', 'lkqcyt9t', '137324500000000')],
  // Zendesk
  ['https://acme.zendesk.com/agent/tickets/123', ctx('zendesk', 'https://acme.zendesk.com', 'acme', '123')],
  ['https://acme.zendesk.com/agent/tickets/123/events', ctx('zendesk', 'https://acme.zendesk.com', 'acme', '123')],
  ['https://my-shop.zendesk.com/agent/tickets/4567?foo=bar#x', ctx('zendesk', 'https://my-shop.zendesk.com', 'my-shop', '4567')],
  ['https://ACME.Zendesk.com/agent/tickets/9', ctx('zendesk', 'https://acme.zendesk.com', 'acme', '9')],
  // Freshdesk
  ['https://acme.freshdesk.com/a/tickets/8509', ctx('freshdesk', 'https://acme.freshdesk.com', 'acme', '8509')],
  ['https://netcore.freshdesk.com/a/tickets/4922591?tab=activities', ctx('freshdesk', 'https://netcore.freshdesk.com', 'netcore', '4922591')],
  // Help Scout
  ['https://secure.helpscout.net/conversation/3382659721/11535/', ctx('helpscout', 'https://secure.helpscout.net', '', '3382659721')],
  ['https://secure.helpscout.net/conversation/2199011258/891142?folderId=39835', ctx('helpscout', 'https://secure.helpscout.net', '', '2199011258')],
  ['https://secure.helpscout.net/conversation/3002667039/22184?viewId=8492330', ctx('helpscout', 'https://secure.helpscout.net', '', '3002667039')],
  ['https://secure.helpscout.net/conversation/1229180365', ctx('helpscout', 'https://secure.helpscout.net', '', '1229180365')],
  // Front: permalink, cnv_ in-app routes, and base-10 in-app ids (→ cnv_ base-36)
  ['https://app.frontapp.com/open/cnv_1jogvq06', ctx('front', 'https://app.frontapp.com', '', 'cnv_1jogvq06')],
  ['https://app.frontapp.com/inboxes/teammates/123/inbox/open/0/cnv_abc', ctx('front', 'https://app.frontapp.com', '', 'cnv_abc')],
  ['https://app.frontapp.com/inboxes/shared/support/open/cnv_55c8c149', ctx('front', 'https://app.frontapp.com', '', 'cnv_55c8c149')],
  ['https://app.frontapp.com/inboxes/teams/views/15931074/open/7762260226', ctx('front', 'https://app.frontapp.com', '', `cnv_${(7762260226).toString(36)}`)],
  ['https://app.frontapp.com/inboxes/teammates/20999898/inbox/all/117421069338', ctx('front', 'https://app.frontapp.com', '', `cnv_${(117421069338).toString(36)}`)],
  ['https://app.frontapp.com/inboxes/teams/folders/7256583/unassigned/120537545061', ctx('front', 'https://app.frontapp.com', '', `cnv_${(120537545061).toString(36)}`)],
  // Zammad hosted
  ['https://acme.zammad.com/#ticket/zoom/42', ctx('zammad', 'https://acme.zammad.com', 'acme', '42')],
  ['https://acme.zammad.com/#ticket/zoom/42/317', ctx('zammad', 'https://acme.zammad.com', 'acme', '42')],
  ['https://acme.zammad.com/desktop/tickets/42', ctx('zammad', 'https://acme.zammad.com', 'acme', '42')],
  ['https://acme.zammad.com/mobile/tickets/111', ctx('zammad', 'https://acme.zammad.com', 'acme', '111')],
  // Chatwoot cloud, every list a conversation can be opened from
  ['https://app.chatwoot.com/app/accounts/1/conversations/42', ctx('chatwoot', 'https://app.chatwoot.com', '1', '42')],
  ['https://app.chatwoot.com/app/accounts/7/inbox/3/conversations/42', ctx('chatwoot', 'https://app.chatwoot.com', '7', '42')],
  ['https://app.chatwoot.com/app/accounts/7/label/billing/conversations/42', ctx('chatwoot', 'https://app.chatwoot.com', '7', '42')],
  ['https://app.chatwoot.com/app/accounts/7/label/r%C3%BCckfrage/conversations/42', ctx('chatwoot', 'https://app.chatwoot.com', '7', '42')],
  ['https://app.chatwoot.com/app/accounts/7/team/2/conversations/42', ctx('chatwoot', 'https://app.chatwoot.com', '7', '42')],
  ['https://app.chatwoot.com/app/accounts/7/custom_view/5/conversations/42', ctx('chatwoot', 'https://app.chatwoot.com', '7', '42')],
  ['https://app.chatwoot.com/app/accounts/7/mentions/conversations/42', ctx('chatwoot', 'https://app.chatwoot.com', '7', '42')],
  ['https://app.chatwoot.com/app/accounts/7/unattended/conversations/42', ctx('chatwoot', 'https://app.chatwoot.com', '7', '42')],
  ['https://app.chatwoot.com/app/accounts/7/participating/conversations/42/', ctx('chatwoot', 'https://app.chatwoot.com', '7', '42')],
  // HubSpot help desk
  ['https://app.hubspot.com/help-desk/21635735/view/95291824/ticket/29859078751?messageId=88897188107', ctx('hubspot', 'https://app.hubspot.com', '21635735', '29859078751')],
  ['https://app.hubspot.com/help-desk/21635735/view/search/ticket/123/', ctx('hubspot', 'https://app.hubspot.com', '21635735', '123')],
  ['https://app-eu1.hubspot.com/help-desk/26586079/view/233410279/ticket/555', ctx('hubspot', 'https://app-eu1.hubspot.com', '26586079', '555')],
  ['https://app-na2.hubspot.com/help-desk/246507261/ticket/77', ctx('hubspot', 'https://app-na2.hubspot.com', '246507261', '77')],
  // Gorgias
  ['https://acme.gorgias.com/app/ticket/63091193', ctx('gorgias', 'https://acme.gorgias.com', 'acme', '63091193')],
  ['https://comfort-works.gorgias.com/app/views/1384557/202493877', ctx('gorgias', 'https://comfort-works.gorgias.com', 'comfort-works', '202493877')],
];

const CLOUD_MISSES: readonly string[] = [
  // Intercom: lists, placeholders, look-alikes, wrong scheme
  'https://app.intercom.com/a/inbox/abc123/inbox/shared/all',
  'https://app.intercom.com/a/inbox/abc123/inbox/conversation/new',
  'https://app.intercom.com/a/apps/_/inbox/inbox/all/conversations/1',
  'https://app.intercom.com/a/apps/abc123/users/5f0c',
  'https://app.intercom.com.evil.example/a/inbox/abc123/inbox/conversation/1',
  'https://evil.example/app.intercom.com/a/inbox/abc123/inbox/conversation/1',
  'https://app.intercom.com@evil.example/a/inbox/abc123/inbox/conversation/1',
  'http://app.intercom.com/a/inbox/abc123/inbox/conversation/1',
  'https://app.intercom.com:8443/a/inbox/abc123/inbox/conversation/1',
  'https://app.xx.intercom.com/a/inbox/abc123/inbox/conversation/1',
  // Zendesk
  'https://acme.zendesk.com/agent/tickets/new/1',
  'https://acme.zendesk.com/agent/filters/123',
  'https://acme.zendesk.com/hc/en-us/requests/1',
  'https://acme.zendesk.com/agent/tickets/0123',
  'https://acme.zendesk.com/agent/tickets/',
  'https://evilzendesk.com/agent/tickets/1',
  'https://zendesk.com.attacker.net/agent/tickets/1',
  'https://acme.zendesk.com.attacker.net/agent/tickets/1',
  'https://zendesk.com/agent/tickets/1',
  'https://www.zendesk.com/agent/tickets/1',
  'https://a.b.zendesk.com/agent/tickets/1',
  'https://-acme.zendesk.com/agent/tickets/1',
  'http://acme.zendesk.com/agent/tickets/1',
  'https://acme.zendesk.com./agent/tickets/1',
  // Freshdesk
  'https://acme.freshdesk.com/a/tickets/filters/all_tickets',
  'https://acme.freshdesk.com/a/tickets/filters/123',
  'https://acme.freshdesk.com/support/tickets/5',
  'https://acme.freshdesk.com/a/dashboard/default',
  'http://acme.freshdesk.com/a/tickets/1',
  // Help Scout
  'https://secure.helpscout.net/mailbox/123/',
  'https://secure.helpscout.net/mailbox/123/39835/',
  'https://secure.helpscout.net/conversation/new',
  'https://helpscout.net/conversation/1/2',
  'https://secure.helpscout.net.evil.example/conversation/1/2',
  // Front
  'https://app.frontapp.com/settings',
  'https://app.frontapp.com/settings/tools',
  'https://app.frontapp.com/open/msg_a23om0z',
  'https://app.frontapp.com/inboxes/teams/folders/7256583',
  'https://app.frontapp.com/inboxes/teammates/20999898',
  'https://app.frontapp.com/inboxes/teammates/123/inbox/open/0',
  'https://app.frontapp.com/inboxes/teams/4808209/search/workspace/12345',
  'https://app.frontapp.com/inboxes/teams/4808209/search/workspace/foo/0',
  'https://app.frontapp.com/inboxes/shared/d_architecture',
  'https://frontapp.com/open/cnv_abc',
  // Zammad
  'https://acme.zammad.com/#ticket/view/my_tickets',
  'https://acme.zammad.com/#dashboard',
  'https://acme.zammad.com/#ticket/zoom/abc',
  'https://acme.zammad.com/desktop/tickets/create',
  'https://acme.zammad.com/desktop/tickets/view/my_assigned',
  // Chatwoot
  'https://app.chatwoot.com/app/accounts/1/conversations',
  'https://app.chatwoot.com/app/accounts/1/contacts/5',
  'https://app.chatwoot.com/app/accounts/1/inbox/3',
  'https://app.chatwoot.com/app/accounts/1/inbox-view/77',
  'https://app.chatwoot.com/app/accounts/1/dashboard',
  'https://app.chatwoot.com/app/accounts/1/conversations/42/extra',
  'https://app.chatwoot.com/app/accounts/x/conversations/42',
  'http://app.chatwoot.com/app/accounts/1/conversations/42',
  // HubSpot
  'https://app.hubspot.com/help-desk/26586079/view/233410279/list-view',
  'https://app.hubspot.com/help-desk/147785398/views/all/open',
  'https://app.hubspot.com/contacts/246507261/record/0-5/123',
  'https://app.hubspot.com.evil.example/help-desk/1/view/2/ticket/3',
  'https://evil-app.hubspot.com/help-desk/1/view/2/ticket/3',
  // Gorgias
  'https://acme.gorgias.com/app/views/1384557',
  'https://acme.gorgias.com/app/ticket/new',
  'https://acme.gorgias.com/app/customers/123',
  'https://www.gorgias.com/app/ticket/1',
  'https://acme.gorgias.com.evil.example/app/ticket/1',
];

describe('parseHelpdeskUrl — cloud helpdesks', () => {
  it.each(CLOUD_MATCHES)('%s', (url, expected) => {
    expect(parseHelpdeskUrl(url)).toEqual(expected);
  });

  it.each(CLOUD_MISSES)('no match: %s', (url) => {
    expect(parseHelpdeskUrl(url)).toBeNull();
  });

  it('covers every helpdesk with cloud or localhost samples', () => {
    const seen = new Set(CLOUD_MATCHES.map(([, c]) => c.helpdesk));
    // FreeScout has no cloud; it is covered in the localhost and custom-host tables.
    expect([...seen].sort()).toEqual(HELPDESK_IDS.filter((id) => id !== 'freescout').sort());
  });
});

describe('parseHelpdeskUrl — localhost (sandbox, on-premise trials)', () => {
  const LOCAL: ReadonlyArray<readonly [string, Expected | null]> = [
    ['http://localhost:3000/app/accounts/1/conversations/42', { helpdesk: 'chatwoot', origin: 'http://localhost:3000', account: '1', conversationId: '42' }],
    ['http://127.0.0.1:8080/app/accounts/2/inbox/1/conversations/9', { helpdesk: 'chatwoot', origin: 'http://127.0.0.1:8080', account: '2', conversationId: '9' }],
    ['http://localhost/#ticket/zoom/7', { helpdesk: 'zammad', origin: 'http://localhost', account: '', conversationId: '7' }],
    ['http://localhost:8080/desktop/tickets/7', { helpdesk: 'zammad', origin: 'http://localhost:8080', account: '', conversationId: '7' }],
    ['http://localhost:8000/conversation/15?folder_id=3', { helpdesk: 'freescout', origin: 'http://localhost:8000', account: '', conversationId: '15' }],
    ['http://127.0.0.1/conversation/15', { helpdesk: 'freescout', origin: 'http://127.0.0.1', account: '', conversationId: '15' }],
    ['https://localhost:8443/app/accounts/1/conversations/5', { helpdesk: 'chatwoot', origin: 'https://localhost:8443', account: '1', conversationId: '5' }],
    // Cloud-only shapes are not guessed on localhost.
    ['http://localhost:3000/agent/tickets/1', null],
    ['http://localhost:3000/a/inbox/abc/inbox/conversation/1', null],
    ['http://localhost:3000/app/accounts/1/conversations', null],
    ['http://localhost:3000/', null],
    ['http://localhost.evil.example/app/accounts/1/conversations/42', null],
    ['http://127.0.0.2/app/accounts/1/conversations/42', null],
    ['http://localhost/conversation/15/extra', null],
  ];
  it.each(LOCAL)('%s', (url, expected) => {
    const got = parseHelpdeskUrl(url);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toEqual({ ...expected, kind: expected.kind ?? KIND[expected.helpdesk] });
  });
});

describe('parseHelpdeskUrl — custom hosts', () => {
  const HOSTS: readonly CustomHost[] = [
    { origin: 'https://support.acme.com', helpdesk: 'chatwoot' },
    { origin: 'HTTPS://Helpdesk.Acme.com:443/', helpdesk: 'zammad' },
    { origin: 'http://freescout.intranet:8080', helpdesk: 'freescout' },
    { origin: 'https://help.acme.com', helpdesk: 'zendesk' }, // host-mapped cloud helpdesk
    { origin: 'http://localhost:3001', helpdesk: 'zammad' }, // pins what a local port runs
  ];

  const CASES: ReadonlyArray<readonly [string, Expected | null]> = [
    ['https://support.acme.com/app/accounts/3/conversations/99', { helpdesk: 'chatwoot', origin: 'https://support.acme.com', account: '3', conversationId: '99' }],
    ['https://support.acme.com/app/accounts/3/team/1/conversations/99?x=1', { helpdesk: 'chatwoot', origin: 'https://support.acme.com', account: '3', conversationId: '99' }],
    ['https://helpdesk.acme.com/#ticket/zoom/1234', { helpdesk: 'zammad', origin: 'https://helpdesk.acme.com', account: '', conversationId: '1234' }],
    ['https://helpdesk.acme.com/desktop/tickets/1234', { helpdesk: 'zammad', origin: 'https://helpdesk.acme.com', account: '', conversationId: '1234' }],
    ['http://freescout.intranet:8080/conversation/77?folder_id=2', { helpdesk: 'freescout', origin: 'http://freescout.intranet:8080', account: '', conversationId: '77' }],
    ['https://help.acme.com/agent/tickets/31', { helpdesk: 'zendesk', origin: 'https://help.acme.com', account: '', conversationId: '31' }],
    ['http://localhost:3001/desktop/tickets/5', { helpdesk: 'zammad', origin: 'http://localhost:3001', account: '', conversationId: '5' }],
    // The configured helpdesk's rules only: a Chatwoot path on the Zammad host is nothing.
    ['http://localhost:3001/app/accounts/1/conversations/5', null],
    ['https://helpdesk.acme.com/app/accounts/1/conversations/5', null],
    // Origins must match exactly: scheme, host and port.
    ['http://support.acme.com/app/accounts/3/conversations/99', null],
    ['https://support.acme.com:8443/app/accounts/3/conversations/99', null],
    ['https://evil.support.acme.com/app/accounts/3/conversations/99', null],
    ['https://support.acme.com.evil.example/app/accounts/3/conversations/99', null],
    ['http://freescout.intranet/conversation/77', null],
    ['https://support.acme.com/app/accounts/3/conversations', null],
  ];
  it.each(CASES)('%s', (url, expected) => {
    const got = parseHelpdeskUrl(url, HOSTS);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toEqual({ ...expected, kind: expected.kind ?? KIND[expected.helpdesk] });
  });

  it('matches nothing on a self-hosted origin that is not configured', () => {
    expect(parseHelpdeskUrl('https://support.acme.com/app/accounts/3/conversations/99')).toBeNull();
    expect(parseHelpdeskUrl('https://support.acme.com/app/accounts/3/conversations/99', [])).toBeNull();
  });

  it('skips malformed stored entries instead of throwing', () => {
    const bad = [
      { origin: 'not a url', helpdesk: 'chatwoot' },
      { origin: 'ftp://support.acme.com', helpdesk: 'chatwoot' },
      { origin: 'https://support.acme.com', helpdesk: 'nope' },
      null,
      { origin: 42, helpdesk: 'chatwoot' },
      { origin: 'https://support.acme.com', helpdesk: 'chatwoot' },
    ] as unknown as CustomHost[];
    expect(parseHelpdeskUrl('https://support.acme.com/app/accounts/3/conversations/99', bad)).toEqual(
      ctx('chatwoot', 'https://support.acme.com', '3', '99'),
    );
  });

  it('still treats localhost by default when another port is configured', () => {
    expect(parseHelpdeskUrl('http://localhost:3000/app/accounts/1/conversations/2', HOSTS)?.helpdesk).toBe('chatwoot');
  });
});

describe('parseHelpdeskUrl — robustness', () => {
  const JUNK: readonly unknown[] = [
    '',
    'not a url',
    'app.intercom.com/a/inbox/abc/inbox/conversation/1',
    '//acme.zendesk.com/agent/tickets/1',
    'javascript:alert(1)//acme.zendesk.com/agent/tickets/1',
    'file:///agent/tickets/1',
    'ftp://acme.zendesk.com/agent/tickets/1',
    'chrome-extension://abc/app/accounts/1/conversations/1',
    'data:text/html,<a href="https://acme.zendesk.com/agent/tickets/1">',
    'https://',
    'https://[::1',
    'http://%zz/conversation/1',
    undefined,
    null,
    42,
    {},
  ];
  it.each(JUNK.map((j) => [j]))('returns null for %j', (junk) => {
    expect(() => parseHelpdeskUrl(junk as string)).not.toThrow();
    expect(parseHelpdeskUrl(junk as string)).toBeNull();
  });

  it('ignores query strings and fragments outside Zammad', () => {
    expect(parseHelpdeskUrl('https://acme.zendesk.com/agent/tickets/1?a=/agent/tickets/2#/agent/tickets/3')?.conversationId).toBe('1');
    expect(parseHelpdeskUrl('https://acme.zendesk.com/agent/dashboard#/agent/tickets/3')).toBeNull();
    expect(parseHelpdeskUrl('https://app.chatwoot.com/app/accounts/1/dashboard?next=/app/accounts/1/conversations/2')).toBeNull();
  });

  it('rejects absurdly long ids', () => {
    expect(parseHelpdeskUrl(`https://acme.zendesk.com/agent/tickets/${'9'.repeat(21)}`)).toBeNull();
  });
});

describe('conversationKey', () => {
  it('has the documented shape', () => {
    expect(conversationKey(ctx('zendesk', 'https://acme.zendesk.com', 'acme', '123'))).toBe('zendesk:https://acme.zendesk.com:acme:123');
    expect(conversationKey(ctx('chatwoot', 'http://localhost:3000', '1', '42'))).toBe('chatwoot:http://localhost:3000:1:42');
    expect(conversationKey(ctx('helpscout', 'https://secure.helpscout.net', '', '3382659721'))).toBe(
      'helpscout:https://secure.helpscout.net::3382659721',
    );
  });

  it('is the same for every route to one conversation', () => {
    const keyOf = (url: string) => {
      const c = parseHelpdeskUrl(url);
      if (!c) throw new Error(`no match: ${url}`);
      return conversationKey(c);
    };
    const groups: readonly (readonly string[])[] = [
      [
        'https://app.chatwoot.com/app/accounts/1/conversations/42',
        'https://app.chatwoot.com/app/accounts/1/inbox/3/conversations/42',
        'https://app.chatwoot.com/app/accounts/1/label/vip/conversations/42?x=1',
        'https://app.chatwoot.com/app/accounts/1/mentions/conversations/42/',
      ],
      [
        'https://app.intercom.com/a/inbox/abc123/inbox/shared/all/conversation/5',
        'https://app.intercom.com/a/inbox/abc123/inbox/admin/42/conversation/5#part_id=1',
        'https://app.intercom.com/a/apps/abc123/inbox/inbox/all/conversations/5',
      ],
      [
        'https://app.frontapp.com/open/cnv_3kxiz6q',
        `https://app.frontapp.com/inboxes/teams/views/15931074/open/${parseInt('3kxiz6q', 36)}`,
        'https://app.frontapp.com/inboxes/teammates/123/inbox/open/0/cnv_3kxiz6q',
      ],
      ['https://secure.helpscout.net/conversation/3382659721/11535/', 'https://secure.helpscout.net/conversation/3382659721'],
      ['https://acme.zammad.com/#ticket/zoom/42/9', 'https://acme.zammad.com/desktop/tickets/42', 'https://acme.zammad.com/mobile/tickets/42'],
      ['https://ACME.zendesk.com/agent/tickets/7', 'https://acme.zendesk.com:443/agent/tickets/7/events'],
    ];
    for (const urls of groups) expect(new Set(urls.map(keyOf)).size).toBe(1);
  });

  it('keeps different conversations, accounts, origins and helpdesks apart', () => {
    const keys = [
      conversationKey(ctx('chatwoot', 'https://app.chatwoot.com', '1', '42')),
      conversationKey(ctx('chatwoot', 'https://app.chatwoot.com', '1', '43')),
      conversationKey(ctx('chatwoot', 'https://app.chatwoot.com', '2', '42')),
      conversationKey(ctx('chatwoot', 'https://support.acme.com', '1', '42')),
      conversationKey(ctx('chatwoot', 'http://localhost:3000', '1', '42')),
      conversationKey(ctx('chatwoot', 'http://localhost', '3000', '1')),
      conversationKey(ctx('chatwoot', 'http://localhost:3000', '', '1')),
      conversationKey(ctx('zammad', 'http://localhost:3000', '1', '42')),
      conversationKey(ctx('intercom', 'https://app.intercom.com', 'abc', '42')),
      conversationKey(ctx('intercom', 'https://app.eu.intercom.com', 'abc', '42')),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('encodes separators so fields cannot run into each other', () => {
    const a = conversationKey({ helpdesk: 'chatwoot', origin: 'http://localhost', account: '1:2', conversationId: '3' });
    const b = conversationKey({ helpdesk: 'chatwoot', origin: 'http://localhost', account: '1', conversationId: '2:3' });
    expect(a).not.toBe(b);
    expect(a.split(':')).toHaveLength(5); // helpdesk, http, //localhost, account, id
  });

  it('canonicalises hand-built origins and tolerates odd ones', () => {
    expect(conversationKey({ helpdesk: 'zendesk', origin: 'HTTPS://Acme.Zendesk.com:443/', account: 'acme', conversationId: '1' })).toBe(
      'zendesk:https://acme.zendesk.com:acme:1',
    );
    expect(() => conversationKey({ helpdesk: 'zendesk', origin: 'garbage', account: '', conversationId: '1' })).not.toThrow();
  });
});

describe('originMatchPattern / normalizeOrigin', () => {
  it.each([
    ['https://support.acme.com', 'https://support.acme.com/*'],
    ['https://support.acme.com/', 'https://support.acme.com/*'],
    ['https://support.acme.com:8443', 'https://support.acme.com/*'],
    ['http://localhost:3000', 'http://localhost/*'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1/*'],
    ['HTTPS://Support.ACME.com:443', 'https://support.acme.com/*'],
    ['  https://support.acme.com  ', 'https://support.acme.com/*'],
    ['https://bücher.example', 'https://xn--bcher-kva.example/*'],
    ['http://[::1]:3000', 'http://[::1]/*'],
  ])('%s → %s', (origin, pattern) => {
    expect(originMatchPattern(origin)).toBe(pattern);
  });

  it.each([
    ['', /valid origin/],
    ['support.acme.com', /valid origin/],
    ['ftp://support.acme.com', /http and https/],
    ['file:///etc/passwd', /http and https/],
    ['chrome-extension://abcdef', /http and https/],
    ['javascript:alert(1)', /http and https/],
    ['https://support.acme.com/app', /bare origin/],
    ['https://support.acme.com/?x=1', /bare origin/],
    ['https://support.acme.com/#x', /bare origin/],
    ['https://user:pw@support.acme.com', /bare origin/],
    ['https://*.acme.com', /host name/],
    ['https://acme_corp.com', /host name/],
  ])('throws for %j', (origin, message) => {
    expect(() => originMatchPattern(origin)).toThrow(message);
    expect(() => normalizeOrigin(origin)).toThrow(Error);
  });

  it('normalizes to URL.origin form, keeping non-default ports', () => {
    expect(normalizeOrigin('HTTPS://Support.Acme.com:443/')).toBe('https://support.acme.com');
    expect(normalizeOrigin('http://localhost:3000/')).toBe('http://localhost:3000');
    expect(normalizeOrigin('http://localhost:80')).toBe('http://localhost');
  });
});

// Minimal Chrome match-pattern check (scheme, host with optional leading `*.`, any
// port, path `/*`), enough to prove the manifest covers every URL we parse.
function matchesPattern(pattern: string, url: string): boolean {
  const m = /^(https?):\/\/(\*|(?:\*\.)?[^/*]+)\/\*$/.exec(pattern);
  if (!m) throw new Error(`unexpected pattern ${pattern}`);
  const u = new URL(url);
  if (u.protocol !== `${m[1]}:`) return false;
  const host = m[2] ?? '';
  if (host === '*') return true;
  if (host.startsWith('*.')) return u.hostname === host.slice(2) || u.hostname.endsWith(host.slice(1));
  return u.hostname === host;
}

describe('HOST_MATCH_PATTERNS', () => {
  it('is a frozen list of whole-host patterns, with the local sandbox', () => {
    expect(Object.isFrozen(HOST_MATCH_PATTERNS)).toBe(true);
    expect(HOST_MATCH_PATTERNS).toContain('http://localhost/*');
    expect(HOST_MATCH_PATTERNS).toContain('http://127.0.0.1/*');
    for (const p of HOST_MATCH_PATTERNS) {
      expect(p).toMatch(/^https?:\/\/(\*\.)?[a-z0-9.-]+\/\*$/);
      if (!p.startsWith('http://localhost/') && !p.startsWith('http://127.0.0.1/')) expect(p.startsWith('https://')).toBe(true);
    }
    expect(new Set(HOST_MATCH_PATTERNS).size).toBe(HOST_MATCH_PATTERNS.length);
  });

  it.each(CLOUD_MATCHES.map(([url]) => [url]))('covers %s', (url) => {
    expect(HOST_MATCH_PATTERNS.some((p) => matchesPattern(p, url))).toBe(true);
  });

  it('covers the localhost sandbox on any port', () => {
    for (const url of ['http://localhost:3000/app/accounts/1/conversations/2', 'http://127.0.0.1:8080/conversation/1']) {
      expect(HOST_MATCH_PATTERNS.some((p) => matchesPattern(p, url))).toBe(true);
    }
  });

  it('does not cover look-alike hosts', () => {
    for (const url of ['https://app.intercom.com.evil.example/', 'https://evilzendesk.com/', 'https://zendesk.com.attacker.net/']) {
      expect(HOST_MATCH_PATTERNS.some((p) => matchesPattern(p, url))).toBe(false);
    }
  });
});

describe('names and ids', () => {
  it('names every helpdesk with its product spelling', () => {
    expect(HELPDESK_NAMES.helpscout).toBe('Help Scout');
    expect(HELPDESK_NAMES.hubspot).toBe('HubSpot');
    expect(HELPDESK_NAMES.chatwoot).toBe('Chatwoot');
    expect(HELPDESK_NAMES.freescout).toBe('FreeScout');
    expect(HELPDESK_IDS).toHaveLength(10);
    for (const id of HELPDESK_IDS) expect(HELPDESK_NAMES[id]).toBeTruthy();
  });

  it('guards ids from storage', () => {
    expect(isHelpdeskId('zammad')).toBe(true);
    expect(isHelpdeskId('toString')).toBe(false);
    expect(isHelpdeskId('Zendesk')).toBe(false);
    expect(isHelpdeskId(undefined)).toBe(false);
  });
});
