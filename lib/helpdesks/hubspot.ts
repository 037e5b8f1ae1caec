/** HubSpot's help desk: /help-desk/{portal}/view/{view}/ticket/{id} on the portal's data-centre domain. */
import { defineHelpdesk, ID, REST, type UrlExamples } from './types';

const PATH = new RegExp(`^/help-desk/([1-9][0-9]*)/(?:[^/]+/){0,4}?ticket/${ID}${REST}`);

export const hubspot = defineHelpdesk({
  id: 'hubspot',
  name: 'HubSpot',
  kind: 'ticket',
  // Each portal is served from its data centre's UI domain (portal info's uiDomain).
  hosts: ['app.hubspot.com', 'app-eu1.hubspot.com', 'app-na2.hubspot.com', 'app-na3.hubspot.com', 'app-ap1.hubspot.com'],
  match(url) {
    const m = PATH.exec(url.pathname);
    return m?.[1] && m[2] ? { account: m[1], conversationId: m[2] } : null;
  },
  // Threads are OPEN or CLOSED; tickets move through pipeline stages (the default pipeline's ids).
  statuses: { OPEN: 'open', CLOSED: 'closed', '1': 'open', '2': 'pending', '3': 'open', '4': 'closed' },
  connection: {
    defaultBaseUrl: 'https://api.hubapi.com',
    baseUrlHint: 'HubSpot’s API: https://api.hubapi.com.',
    // The portal (hub) id the token belongs to is the number in /help-desk/<portal>/….
    account: { from: 'api' },
    credentials: [
      {
        key: 'token',
        label: 'Access token',
        secret: true,
        hint: 'In HubSpot: Settings → Integrations → Private apps → Create (scopes tickets, conversations.read, conversations.write, crm.objects.contacts.read, crm.objects.contacts.write) → Access token.',
      },
    ],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['https://app.hubspot.com/help-desk/21635735/view/95291824/ticket/29859078751?messageId=88897188107', { origin: 'https://app.hubspot.com', account: '21635735', conversationId: '29859078751' }],
    ['https://app.hubspot.com/help-desk/21635735/view/search/ticket/123/', { origin: 'https://app.hubspot.com', account: '21635735', conversationId: '123' }],
    ['https://app-eu1.hubspot.com/help-desk/26586079/view/233410279/ticket/555', { origin: 'https://app-eu1.hubspot.com', account: '26586079', conversationId: '555' }],
    ['https://app-na2.hubspot.com/help-desk/246507261/ticket/77', { origin: 'https://app-na2.hubspot.com', account: '246507261', conversationId: '77' }],
  ],
  others: [
    'https://app.hubspot.com/help-desk/26586079/view/233410279/list-view',
    'https://app.hubspot.com/help-desk/147785398/views/all/open',
    'https://app.hubspot.com/contacts/246507261/record/0-5/123',
    'https://app.hubspot.com.evil.example/help-desk/1/view/2/ticket/3',
    'https://evil-app.hubspot.com/help-desk/1/view/2/ticket/3',
  ],
};
