/**
 * The rules and the words of the panel's guards against a hostile page (./visibility.ts for
 * clickjacking, ./focus-guard.ts for focus theft), apart from the browser APIs they watch.
 */

/** How long the panel must have been visible again before a click on it counts. */
export const SETTLE_MS = 500;

export const COVERED_MESSAGE =
  'Backline is covered or hidden by something on this page, so it did not act on that click or key press and nothing was changed. ' +
  'A page that does this may be trying to make you click Backline without seeing it. Check what is over the panel, then try again.';
export const JUST_SHOWN_MESSAGE =
  'Backline was covered or hidden by this page a moment ago, so it did not act on that click or key press and nothing was changed. ' +
  'Check the panel, then try again.';

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
  const where = field ? `“${field}”` : 'a text field';
  return (
    `The helpdesk page moved the keyboard focus out of Backline while you were typing in ${where}. ` +
    `Keys you pressed after that went to the page, not to Backline. Click ${where} to carry on typing there.`
  );
}
