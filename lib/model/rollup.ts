/**
 * The ticket header's roll-up of its linked conversations ("3 linked · 2 open · 1 snoozed · last
 * customer reply 2 h ago"), from what Backline knows of each: its stored status (refreshed from the
 * helpdesk where a connection serves it) and the last customer reply a reading of it showed.
 */
import type { ConversationStatus } from './helpdesk';

/** What the roll-up reads of one link's conversation (null: Backline no longer knows it). */
export type RollupConversation = { status: ConversationStatus; lastCustomerReplyAt?: number | null } | null;

/** The order statuses are counted in, and their words. */
const ORDER: [ConversationStatus, string][] = [
  ['open', 'open'],
  ['pending', 'pending'],
  ['snoozed', 'snoozed'],
  ['resolved', 'resolved'],
  ['closed', 'closed'],
  ['unknown', 'status unknown'],
];

/** "just now", "5 min ago", "2 h ago", "3 d ago": how long before `now` `at` was. */
export function formatAgo(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/**
 * The roll-up text of a ticket's links: how many, how many in each status (statuses with none
 * left out), and the newest customer reply any of them showed.
 */
export function formatLinkRollup(conversations: readonly RollupConversation[], now: number): string {
  if (conversations.length === 0) return 'No linked conversations';
  const counts = new Map<ConversationStatus, number>();
  let lastReply: number | null = null;
  for (const c of conversations) {
    const status = c?.status ?? 'unknown';
    counts.set(status, (counts.get(status) ?? 0) + 1);
    const at = c?.lastCustomerReplyAt;
    if (typeof at === 'number' && Number.isFinite(at) && (lastReply === null || at > lastReply)) lastReply = at;
  }
  const parts = [`${conversations.length} linked`];
  for (const [status, word] of ORDER) {
    const n = counts.get(status);
    if (n) parts.push(`${n} ${word}`);
  }
  if (lastReply !== null) parts.push(`last customer reply ${formatAgo(lastReply, now)}`);
  return parts.join(' · ');
}
