/**
 * Front: the API id is `cnv_` + base-36; in-app routes carry either that id or the same number
 * in base 10 as the last segment (…/open/7762260226). Both become `cnv_…`, so every route to one
 * conversation gives one key.
 */
import { defineHelpdesk, type PageMatch, type UrlExamples } from './types';

const ROOTS = new Set(['open', 'inboxes', 'conversations']);
// Segments followed by a container id (inbox, folder, view, teammate…), not a conversation.
const CONTAINERS = new Set([
  'inboxes', 'inbox', 'teams', 'teammates', 'shared', 'folders', 'views', 'tags',
  'channels', 'search', 'workspace', 'contacts', 'companies', 'settings',
]);
const CNV = /^cnv_[0-9a-z]+$/;

function match(url: URL): PageMatch | null {
  const segs = url.pathname.split('/').filter(Boolean);
  const root = segs[0] ?? '';
  if (segs.length < 2 || !ROOTS.has(root)) return null;
  if (root === 'open') {
    // Permalink: /open/cnv_… (/open/msg_… is a message, not a conversation).
    const id = segs[1] ?? '';
    return segs.length === 2 && CNV.test(id) ? { account: '', conversationId: id } : null;
  }
  const cnv = segs.slice(1).reverse().find((s) => CNV.test(s));
  if (cnv) return { account: '', conversationId: cnv };
  const last = segs[segs.length - 1] ?? '';
  const before = segs[segs.length - 2] ?? '';
  // `…/open/0` is a list with nothing selected.
  if (segs.length >= 4 && /^[1-9][0-9]*$/.test(last) && /^[a-z_-]+$/.test(before) && !CONTAINERS.has(before)) {
    const n = Number(last);
    if (Number.isSafeInteger(n)) return { account: '', conversationId: `cnv_${n.toString(36)}` };
  }
  return null;
}

export const front = defineHelpdesk({
  id: 'front',
  name: 'Front',
  kind: 'conversation',
  hosts: ['app.frontapp.com'],
  match,
  // `status` (assigned, unassigned, archived, deleted) and, with ticketing, `status_category`.
  statuses: { assigned: 'open', unassigned: 'open', open: 'open', waiting: 'pending', archived: 'closed', deleted: 'closed', resolved: 'resolved' },
  connection: {
    defaultBaseUrl: 'https://api2.frontapp.com',
    baseUrlHint: 'Front’s API: https://api2.frontapp.com.',
    account: { from: 'none' },
    credentials: [{ key: 'token', label: 'API token', secret: true, hint: 'In Front: Settings → Developers → API tokens → Create API token (with access to the shared inboxes).' }],
  },
});

const b36 = (n: number) => `cnv_${n.toString(36)}`;
export const examples: UrlExamples = {
  conversations: [
    ['https://app.frontapp.com/open/cnv_1jogvq06', { origin: 'https://app.frontapp.com', account: '', conversationId: 'cnv_1jogvq06' }],
    ['https://app.frontapp.com/inboxes/teammates/123/inbox/open/0/cnv_abc', { origin: 'https://app.frontapp.com', account: '', conversationId: 'cnv_abc' }],
    ['https://app.frontapp.com/inboxes/shared/support/open/cnv_55c8c149', { origin: 'https://app.frontapp.com', account: '', conversationId: 'cnv_55c8c149' }],
    ['https://app.frontapp.com/inboxes/teams/views/15931074/open/7762260226', { origin: 'https://app.frontapp.com', account: '', conversationId: b36(7762260226) }],
    ['https://app.frontapp.com/inboxes/teammates/20999898/inbox/all/117421069338', { origin: 'https://app.frontapp.com', account: '', conversationId: b36(117421069338) }],
    ['https://app.frontapp.com/inboxes/teams/folders/7256583/unassigned/120537545061', { origin: 'https://app.frontapp.com', account: '', conversationId: b36(120537545061) }],
  ],
  others: [
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
  ],
};
