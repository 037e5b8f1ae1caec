import { describe, expect, it } from 'vitest';
import { formatAgo, formatLinkRollup } from '../../lib/model/rollup';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const H = 3600_000;

describe('formatLinkRollup', () => {
  it('says so for a ticket without links', () => {
    expect(formatLinkRollup([], NOW)).toBe('No linked conversations');
  });

  it('counts links by status and names the newest customer reply', () => {
    const text = formatLinkRollup(
      [
        { status: 'open', lastCustomerReplyAt: NOW - 5 * H },
        { status: 'snoozed', lastCustomerReplyAt: null },
        { status: 'open', lastCustomerReplyAt: NOW - 2 * H - 10 * 60_000 },
      ],
      NOW,
    );
    expect(text).toBe('3 linked · 2 open · 1 snoozed · last customer reply 2 h ago');
  });

  it('leaves out statuses with no link and the reply when none was read', () => {
    expect(formatLinkRollup([{ status: 'resolved' }, { status: 'closed' }], NOW)).toBe('2 linked · 1 resolved · 1 closed');
  });

  it('counts a conversation Backline no longer knows as status unknown', () => {
    expect(formatLinkRollup([null, { status: 'unknown' }, { status: 'pending' }], NOW)).toBe('3 linked · 1 pending · 2 status unknown');
  });

  it('ignores reply times that are not numbers', () => {
    expect(formatLinkRollup([{ status: 'open', lastCustomerReplyAt: Number.NaN }], NOW)).toBe('1 linked · 1 open');
  });
});

describe('formatAgo', () => {
  it('reads minutes, hours and days', () => {
    expect(formatAgo(NOW - 20_000, NOW)).toBe('just now');
    expect(formatAgo(NOW - 5 * 60_000, NOW)).toBe('5 min ago');
    expect(formatAgo(NOW - 47 * H, NOW)).toBe('47 h ago');
    expect(formatAgo(NOW - 72 * H, NOW)).toBe('3 d ago');
    // A clock a little ahead of this one reads as just now, not as the future.
    expect(formatAgo(NOW + 5_000, NOW)).toBe('just now');
  });
});
