import { t } from '@/components/common/i18n';
/**
 * The rules and the words of the panel's guards against a hostile page (./visibility.ts for
 * clickjacking, ./focus-guard.ts for focus theft), apart from the browser APIs they watch.
 */

/** How long the panel must have been visible again before a click on it counts. */
export const SETTLE_MS = 500;

export const COVERED_MESSAGE = t('coveredMessage');
export const JUST_SHOWN_MESSAGE = t('justShownMessage');

/** What is known about the docked panel's visibility at one moment (times from performance.now()). */
export interface VisibilityFacts {
  /** The panel's own IntersectionObserver v2 reading; null without one (unsupported, or none yet). */
  visibleNow: boolean | null;
  /** When the panel became visible again after a reading said hidden; null if never hidden. */
  shownAt: number | null;
  /** The content script's answer; null when not asked or no answer. */
  contentCovered: boolean | null;
  now: number;
}

/** Why an action must be refused, in words for the agent, or null when it may go ahead. */
export function refusalFor(facts: VisibilityFacts): string | null {
  if (facts.visibleNow === false) return COVERED_MESSAGE;
  if (facts.visibleNow === true) {
    // A page could uncover the panel just as the agent clicks what they took for something else.
    return facts.shownAt !== null && facts.now - facts.shownAt < SETTLE_MS ? JUST_SHOWN_MESSAGE : null;
  }
  return facts.contentCovered === true ? COVERED_MESSAGE : null;
}

/** The alert for keys that may have gone to the page, naming the field when it has a name. */
export function focusTakenMessage(field: string): string {
  const where = field ? t('quotedX', field) : t('aTextField');
  return t('focusTakenMessage', where);
}
