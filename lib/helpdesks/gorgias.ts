/** Gorgias: tickets at {subdomain}.gorgias.com/app/ticket/{id}, or opened inside a view. */
import { defineHelpdesk, ID, idFromPath, REST, type UrlExamples } from './types';

export const gorgias = defineHelpdesk({
  id: 'gorgias',
  name: 'Gorgias',
  kind: 'ticket',
  accountSubdomainOf: ['gorgias.com'],
  match: idFromPath(new RegExp(`^/app/(?:ticket|views/[0-9]+)/${ID}${REST}`)),
  statuses: { open: 'open', closed: 'closed' },
  connection: {
    baseUrlHint: 'The address you open Gorgias at, e.g. https://acme.gorgias.com.',
    account: { from: 'subdomain' },
    credentials: [
      { key: 'email', label: 'Email', secret: false, hint: 'The email address you sign in to Gorgias with.', inputMode: 'email' },
      { key: 'apiKey', label: 'API key', secret: true, hint: 'In Gorgias: Settings → REST API → your API key.' },
    ],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['https://acme.gorgias.com/app/ticket/63091193', { origin: 'https://acme.gorgias.com', account: 'acme', conversationId: '63091193' }],
    ['https://comfort-works.gorgias.com/app/views/1384557/202493877', { origin: 'https://comfort-works.gorgias.com', account: 'comfort-works', conversationId: '202493877' }],
  ],
  others: [
    'https://acme.gorgias.com/app/views/1384557',
    'https://acme.gorgias.com/app/ticket/new',
    'https://acme.gorgias.com/app/customers/123',
    'https://www.gorgias.com/app/ticket/1',
    'https://acme.gorgias.com.evil.example/app/ticket/1',
  ],
};
