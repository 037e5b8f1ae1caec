/** Chatwoot (cloud at app.chatwoot.com, and self-hosted): conversations under /app/accounts/{A}/. */
import { defineHelpdesk, ID, type UrlExamples } from './types';

// Dashboard routes (conversation.routes.js): a conversation may be opened from the main list or
// through an inbox, label, team, custom view, mentions, unattended or participating list.
// `/app/accounts/{A}/inbox-view/{n}` carries a notification id, not a conversation id.
const PATH = new RegExp(
  `^/app/accounts/([1-9][0-9]*)/(?:(?:inbox|label|team|custom_view)/[^/]+/|(?:mentions|unattended|participating)/)?conversations/${ID}/?$`,
);

export const chatwoot = defineHelpdesk({
  id: 'chatwoot',
  name: 'Chatwoot',
  kind: 'conversation',
  hosts: ['app.chatwoot.com'],
  loopbackOrder: 1,
  match(url) {
    const m = PATH.exec(url.pathname);
    return m?.[1] && m[2] ? { account: m[1], conversationId: m[2] } : null;
  },
  statuses: { open: 'open', pending: 'pending', snoozed: 'snoozed', resolved: 'resolved' },
  connection: {
    baseUrlHint: 'The address you open Chatwoot at, e.g. https://app.chatwoot.com or your own server.',
    account: {
      from: 'field',
      field: { key: 'account', label: 'Account ID', hint: 'The number after /app/accounts/ in Chatwoot’s address.', inputMode: 'numeric' },
    },
    credentials: [{ key: 'token', label: 'API access token', secret: true, hint: 'In Chatwoot: your avatar → Profile settings → Access token.' }],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['https://app.chatwoot.com/app/accounts/1/conversations/42', { origin: 'https://app.chatwoot.com', account: '1', conversationId: '42' }],
    ['https://app.chatwoot.com/app/accounts/7/inbox/3/conversations/42', { origin: 'https://app.chatwoot.com', account: '7', conversationId: '42' }],
    ['https://app.chatwoot.com/app/accounts/7/label/billing/conversations/42', { origin: 'https://app.chatwoot.com', account: '7', conversationId: '42' }],
    ['https://app.chatwoot.com/app/accounts/7/label/r%C3%BCckfrage/conversations/42', { origin: 'https://app.chatwoot.com', account: '7', conversationId: '42' }],
    ['https://app.chatwoot.com/app/accounts/7/team/2/conversations/42', { origin: 'https://app.chatwoot.com', account: '7', conversationId: '42' }],
    ['https://app.chatwoot.com/app/accounts/7/custom_view/5/conversations/42', { origin: 'https://app.chatwoot.com', account: '7', conversationId: '42' }],
    ['https://app.chatwoot.com/app/accounts/7/mentions/conversations/42', { origin: 'https://app.chatwoot.com', account: '7', conversationId: '42' }],
    ['https://app.chatwoot.com/app/accounts/7/unattended/conversations/42', { origin: 'https://app.chatwoot.com', account: '7', conversationId: '42' }],
    ['https://app.chatwoot.com/app/accounts/7/participating/conversations/42/', { origin: 'https://app.chatwoot.com', account: '7', conversationId: '42' }],
    ['http://localhost:3000/app/accounts/1/conversations/42', { origin: 'http://localhost:3000', account: '1', conversationId: '42' }],
    ['http://127.0.0.1:8080/app/accounts/2/inbox/1/conversations/9', { origin: 'http://127.0.0.1:8080', account: '2', conversationId: '9' }],
    ['https://localhost:8443/app/accounts/1/conversations/5', { origin: 'https://localhost:8443', account: '1', conversationId: '5' }],
  ],
  others: [
    'https://app.chatwoot.com/app/accounts/1/conversations',
    'https://app.chatwoot.com/app/accounts/1/contacts/5',
    'https://app.chatwoot.com/app/accounts/1/inbox/3',
    'https://app.chatwoot.com/app/accounts/1/inbox-view/77',
    'https://app.chatwoot.com/app/accounts/1/dashboard',
    'https://app.chatwoot.com/app/accounts/1/conversations/42/extra',
    'https://app.chatwoot.com/app/accounts/x/conversations/42',
    'https://app.chatwoot.com/app/accounts/1/conversations/042',
    'http://app.chatwoot.com/app/accounts/1/conversations/42',
    'http://localhost:3000/app/accounts/1/conversations',
  ],
};
