/** Zendesk Support: tickets at {subdomain}.zendesk.com/agent/tickets/{id}. */
import { defineHelpdesk, ID, idFromPath, REST, type UrlExamples } from './types';

export const zendesk = defineHelpdesk({
  id: 'zendesk',
  name: 'Zendesk',
  kind: 'ticket',
  accountSubdomainOf: ['zendesk.com'],
  // `new`, filters and the Help Center (/hc/…) are not tickets.
  match: idFromPath(new RegExp(`^/agent/tickets/${ID}${REST}`)),
  statuses: { new: 'open', open: 'open', pending: 'pending', hold: 'pending', solved: 'resolved', closed: 'closed' },
  connection: {
    baseUrlHint: 'The address you open Zendesk at, e.g. https://acme.zendesk.com.',
    account: { from: 'subdomain' },
    credentials: [
      { key: 'email', label: 'Email', secret: false, hint: 'The email address of the agent the API token acts for.', inputMode: 'email' },
      { key: 'token', label: 'API token', secret: true, hint: 'Admin Center → Apps and integrations → APIs → Zendesk API → Add API token.' },
    ],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['https://acme.zendesk.com/agent/tickets/123', { origin: 'https://acme.zendesk.com', account: 'acme', conversationId: '123' }],
    ['https://acme.zendesk.com/agent/tickets/123/events', { origin: 'https://acme.zendesk.com', account: 'acme', conversationId: '123' }],
    ['https://my-shop.zendesk.com/agent/tickets/4567?foo=bar#x', { origin: 'https://my-shop.zendesk.com', account: 'my-shop', conversationId: '4567' }],
    ['https://ACME.Zendesk.com/agent/tickets/9', { origin: 'https://acme.zendesk.com', account: 'acme', conversationId: '9' }],
  ],
  others: [
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
    'http://localhost:3000/agent/tickets/1',
  ],
};
