/** Freshdesk: tickets at {subdomain}.freshdesk.com/a/tickets/{id}. */
import { defineHelpdesk, ID, idFromPath, REST, type UrlExamples } from './types';

export const freshdesk = defineHelpdesk({
  id: 'freshdesk',
  name: 'Freshdesk',
  kind: 'ticket',
  accountSubdomainOf: ['freshdesk.com'],
  // /a/tickets/filters/… is a list.
  match: idFromPath(new RegExp(`^/a/tickets/${ID}${REST}`)),
  // Freshdesk's API reports statuses as numbers; custom statuses (6 and up) are not known here.
  statuses: { '2': 'open', '3': 'pending', '4': 'resolved', '5': 'closed' },
  connection: {
    baseUrlHint: 'The address you open Freshdesk at, e.g. https://acme.freshdesk.com.',
    account: { from: 'subdomain' },
    credentials: [{ key: 'apiKey', label: 'API key', secret: true, hint: 'In Freshdesk: your profile picture → Profile settings → View API key.' }],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['https://acme.freshdesk.com/a/tickets/8509', { origin: 'https://acme.freshdesk.com', account: 'acme', conversationId: '8509' }],
    ['https://netcore.freshdesk.com/a/tickets/4922591?tab=activities', { origin: 'https://netcore.freshdesk.com', account: 'netcore', conversationId: '4922591' }],
  ],
  others: [
    'https://acme.freshdesk.com/a/tickets/filters/all_tickets',
    'https://acme.freshdesk.com/a/tickets/filters/123',
    'https://acme.freshdesk.com/support/tickets/5',
    'https://acme.freshdesk.com/a/dashboard/default',
    'http://acme.freshdesk.com/a/tickets/1',
  ],
};
