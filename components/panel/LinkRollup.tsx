import { memo } from 'preact/compat';
import { formatLinkRollup } from '@/lib/model/rollup';
import type { LinkView } from '@/lib/model/views';
import { useClock } from './ui';
import { t } from '@/components/common/i18n';

/**
 * The ticket header's sum of its linked conversations ("3 linked · 2 open · 1 snoozed · last
 * customer reply 2 h ago"), from each conversation's status as Backline knows it (the ticket view
 * freshens stale ones from their helpdesks, and their new status arrives as a change).
 */
function LinkRollupView({ links }: { links: LinkView[] }) {
  const now = useClock();
  // Always there (also with no links), so that a screen reader hears it change when links do.
  return (
    <p role="status" aria-label={t('linkedConversations')} class="link-rollup small muted">
      {formatLinkRollup(
        links.map((l) => l.conversation),
        now,
      )}
    </p>
  );
}

/**
 * Drawn again only when its ticket or links change: a burst of effect outcomes changes the
 * ticket view many times a second without touching these.
 */
export const LinkRollup = memo(LinkRollupView);
