/**
 * What the toolbar button (the browser action) says about the current tab: its badge and its
 * tooltip. Pure, so that the background only has to apply it.
 */

/** The badge text and the tooltip for a tab whose conversation has `linked` linked tickets. */
export interface ToolbarLook {
  /** Badge text: the count, '' for none (no badge), '99+' beyond 99 (a badge holds ~4 characters). */
  badge: string;
  /** The button's accessible name and tooltip. */
  title: string;
}

/** The tooltip's words in one language (the background passes the catalogue's). */
export interface ToolbarWords {
  /** No conversation in the tab. */
  plain: string;
  /** A conversation without linked tickets. */
  none: string;
  linked(n: number): string;
  /** Deliveries that failed (anywhere): the badge says so before anything else. */
  failed(n: number): string;
}

/** English, as in public/_locales/en (toolbarPlain, toolbarNone, toolbarLinked_one/_other). */
export const ENGLISH_TOOLBAR_WORDS: ToolbarWords = {
  plain: 'Backline',
  none: 'Backline: no linked tickets on this conversation',
  linked: (n) => `Backline: ${n} linked ${n === 1 ? 'ticket' : 'tickets'} on this conversation`,
  failed: (n) => `${n} ${n === 1 ? 'delivery' : 'deliveries'} failed: see Deliveries on the options page`,
};

/**
 * `linked` is the number of tickets linked to the tab's conversation, or null when the tab shows
 * no conversation Backline knows of.
 */
export function toolbarLook(linked: number | null, words: ToolbarWords = ENGLISH_TOOLBAR_WORDS, failed = 0): ToolbarLook {
  const n = linked === null ? 0 : Math.floor(linked);
  const look = n <= 0 ? { badge: '', title: linked === null ? words.plain : words.none } : { badge: n > 99 ? '99+' : String(n), title: words.linked(n) };
  // A failed delivery needs someone to act: '!' wins over the count, and the tooltip says both.
  if (failed > 0) return { badge: '!', title: `${look.title} · ${words.failed(Math.floor(failed))}` };
  return look;
}
