/** FreeScout (self-hosted only): conversations at /conversation/{id}, optionally ?folder_id=… */
import { defineHelpdesk, ID, idFromPath, type UrlExamples } from './types';

export const freescout = defineHelpdesk({
  id: 'freescout',
  name: 'FreeScout',
  kind: 'conversation',
  loopbackOrder: 3,
  match: idFromPath(new RegExp(`^/conversation/${ID}/?$`)),
  statuses: { active: 'open', pending: 'pending', closed: 'closed', spam: 'closed' },
  connection: {
    baseUrlHint: 'The address you open FreeScout at, e.g. https://support.acme.com.',
    account: { from: 'none' },
    credentials: [
      { key: 'apiKey', label: 'API key', secret: true, hint: 'In FreeScout: Manage → API & Webhooks (the API & Webhooks module) → API Key.' },
    ],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['http://localhost:8000/conversation/15?folder_id=3', { origin: 'http://localhost:8000', account: '', conversationId: '15' }],
    ['http://127.0.0.1/conversation/15', { origin: 'http://127.0.0.1', account: '', conversationId: '15' }],
  ],
  others: ['http://localhost:8000/conversation/new', 'http://localhost:8000/conversation/15/extra', 'http://localhost:8000/mailbox/1'],
};
