import type { SpreadPreview } from '@/lib/model/spread';
import { t, tn } from '@/components/common/i18n';

/**
 * The Effects line's words for a preview, in the browser's language:
 * "posts a note in 3 conversations · reopens 2 (1 is already open)".
 */
export function describeSpread(p: SpreadPreview): string {
  if (p.touched === 0) return t('spreadNone');
  const parts = [tn('spreadNotes', p.notes)];
  if (p.reopens > 0) parts.push(p.alreadyOpen ? tn('spreadReopensAlreadyOpen', p.alreadyOpen, p.reopens) : t('spreadReopensX', p.reopens));
  return parts.join(' · ');
}
