/**
 * Zammad (hosted at {subdomain}.zammad.com, and self-hosted). The classic UI routes in the
 * fragment (#ticket/zoom/{id}[/{article}]); the new desktop and mobile views use real paths.
 * Ids are Zammad's internal ticket ids.
 */
import { defineHelpdesk, ID, REST, type UrlExamples } from './types';

const HASH = new RegExp(`^#ticket/zoom/${ID}(?:/[0-9]+)?/?$`);
const PATH = new RegExp(`^/(?:desktop|mobile)/tickets/${ID}${REST}`);

export const zammad = defineHelpdesk({
  id: 'zammad',
  name: 'Zammad',
  kind: 'ticket',
  accountSubdomainOf: ['zammad.com'],
  loopbackOrder: 2,
  match(url, hostAccount) {
    const m = (url.pathname === '/' ? HASH.exec(url.hash) : null) ?? PATH.exec(url.pathname);
    return m?.[1] ? { account: hostAccount, conversationId: m[1] } : null;
  },
  // There is no snooze; "pending reminder" (back to open at a time) is the nearest thing.
  statuses: { new: 'open', open: 'open', 'pending reminder': 'snoozed', 'pending close': 'pending', closed: 'closed', merged: 'closed' },
  connection: {
    baseUrlHint: 'The address you open Zammad at, e.g. https://acme.zammad.com or your own server.',
    account: { from: 'subdomain' },
    credentials: [
      { key: 'token', label: 'Access token', secret: true, hint: 'In Zammad: your avatar → Profile → Token Access → Create (permission ticket.agent).' },
    ],
  },
});

export const examples: UrlExamples = {
  conversations: [
    ['https://acme.zammad.com/#ticket/zoom/42', { origin: 'https://acme.zammad.com', account: 'acme', conversationId: '42' }],
    ['https://acme.zammad.com/#ticket/zoom/42/317', { origin: 'https://acme.zammad.com', account: 'acme', conversationId: '42' }],
    ['https://acme.zammad.com/desktop/tickets/42', { origin: 'https://acme.zammad.com', account: 'acme', conversationId: '42' }],
    ['https://acme.zammad.com/mobile/tickets/111', { origin: 'https://acme.zammad.com', account: 'acme', conversationId: '111' }],
    ['http://localhost/#ticket/zoom/7', { origin: 'http://localhost', account: '', conversationId: '7' }],
    ['http://localhost:8080/desktop/tickets/7', { origin: 'http://localhost:8080', account: '', conversationId: '7' }],
  ],
  others: [
    'https://acme.zammad.com/#ticket/view/my_tickets',
    'https://acme.zammad.com/#dashboard',
    'https://acme.zammad.com/#ticket/zoom/abc',
    'https://acme.zammad.com/desktop/tickets/create',
    'https://acme.zammad.com/desktop/tickets/view/my_assigned',
  ],
};
