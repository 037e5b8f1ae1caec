import { useMemo } from 'preact/hooks';
import { sanitizeRichText } from '@/lib/model/sanitize-html';
import { t } from '@/components/common/i18n';

/**
 * Sanitised rich text, or a note that there is none. Its own chunk: DOMPurify loads with the
 * first ticket shown, not with the panel's first frame (./TicketView.tsx).
 */
export default function RichText({ html, labelledBy }: { html: string; labelledBy?: string }) {
  // Sanitised when the text changes, not at every redraw of the ticket (DOMPurify parses a new
  // document each time: 5 ms a state change in a profile of the panel).
  const safe = useMemo(() => sanitizeRichText(html), [html]);
  // Sanitised by DOMPurify just above: only formatting and http(s)/mailto links survive.
  return safe ? <div class="rich" aria-labelledby={labelledBy} dangerouslySetInnerHTML={{ __html: safe }} /> : <p class="muted">{t('noDescription')}</p>;
}
