/** Intercom (US, EU and AU regions): the inbox's conversation routes, current and legacy. */
import { defineHelpdesk, ID, type UrlExamples } from './types';

const PATHS = [
  // /a/inbox/{workspace}/inbox/[shared/all|admin/42|view/7|…]/conversation/{id}
  new RegExp(`^/a/inbox/([a-z0-9]+)/inbox/(?:[^/]+/){0,4}conversation/${ID}/?$`),
  // Older: /a/apps/{workspace}/inbox/inbox/all/conversations/{id}, /a/apps/{workspace}/conversations/{id}
  new RegExp(`^/a/apps/([a-z0-9]+)/(?:inbox/(?:[^/]+/){0,4})?conversations?/${ID}/?$`),
];

export const intercom = defineHelpdesk({
  id: 'intercom',
  name: 'Intercom',
  // Intercom tickets live under conversation URLs too.
  kind: 'conversation',
  hosts: ['app.intercom.com', 'app.eu.intercom.com', 'app.au.intercom.com'],
  match(url) {
    for (const re of PATHS) {
      const m = re.exec(url.pathname);
      // The workspace placeholder `_` only redirects to the real one; [a-z0-9]+ rejects it.
      if (m?.[1] && m[2]) return { account: m[1], conversationId: m[2] };
    }
    return null;
  },
  statuses: { open: 'open', snoozed: 'snoozed', closed: 'closed' },
  connection: {
    defaultBaseUrl: 'https://api.intercom.io',
    baseUrlHint: 'Intercom’s API: https://api.intercom.io, or https://api.eu.intercom.io / https://api.au.intercom.io for those regions.',
    // The workspace (`app.id_code` of GET /me) is the id in app.intercom.com/a/inbox/<id>/….
    account: { from: 'api' },
    credentials: [
      {
        key: 'token',
        label: 'Access token',
        secret: true,
        hint: 'In Intercom’s Developer Hub: your app → Configure → Authentication → Access token.',
      },
    ],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['https://app.intercom.com/a/inbox/abc123/inbox/shared/all/conversation/123456789', { origin: 'https://app.intercom.com', account: 'abc123', conversationId: '123456789' }],
    ['https://app.intercom.com/a/inbox/abc123/inbox/admin/42/conversation/1', { origin: 'https://app.intercom.com', account: 'abc123', conversationId: '1' }],
    ['https://app.intercom.com/a/inbox/ui6470ff/inbox/conversation/215475827415413', { origin: 'https://app.intercom.com', account: 'ui6470ff', conversationId: '215475827415413' }],
    ['https://app.intercom.com/a/inbox/gu1e0q0t/inbox/view/8857114/conversation/99?view=List', { origin: 'https://app.intercom.com', account: 'gu1e0q0t', conversationId: '99' }],
    ['https://app.eu.intercom.com/a/inbox/grcvqyws/inbox/shared/all/conversation/4137#part_id=comment-4137-23555', { origin: 'https://app.eu.intercom.com', account: 'grcvqyws', conversationId: '4137' }],
    ['https://app.au.intercom.com/a/inbox/abc123/inbox/conversation/987', { origin: 'https://app.au.intercom.com', account: 'abc123', conversationId: '987' }],
    ['https://app.intercom.com/a/apps/mya415ow/inbox/inbox/all/conversations/26964863021', { origin: 'https://app.intercom.com', account: 'mya415ow', conversationId: '26964863021' }],
    ['https://app.intercom.com/a/apps/lkqcyt9t/conversations/137324500000000', { origin: 'https://app.intercom.com', account: 'lkqcyt9t', conversationId: '137324500000000' }],
  ],
  others: [
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
    'http://localhost:3000/a/inbox/abc/inbox/conversation/1',
  ],
};
