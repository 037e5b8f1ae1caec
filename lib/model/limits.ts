/**
 * Every limit on what Backline stores, in one place. The record schemas (lib/schemas.ts) that
 * the message protocol, the import and the options page's forms share read them from here, and
 * so do the panel's own checks (lib/domain.ts). No imports: any page may use this.
 */
export const LIMITS = {
  /** Record ids (UUIDs, or the slugs of the default types and states). */
  id: 200,
  /** Ticket title, after trimming. */
  title: 300,
  /** A note, after trimming (about 20 printed pages). */
  note: 50_000,
  /** A ticket's description (rich text, HTML). */
  description: 200_000,
  /** A ticket's User and Company fields. */
  ticketField: 1_000,
  /** A custom attribute's key in a ticket. */
  attributeKey: 200,
  /** A text attribute's value; a multi-line text attribute's value. */
  textValue: 1_000,
  textareaValue: 20_000,
  typeName: 80,
  /** A ticket type's icon, in characters (Unicode code points): one emoji or a few letters. */
  typeIcon: 4,
  attributesPerType: 100,
  attributeName: 80,
  listItems: 200,
  listItem: 200,
  statesPerType: 50,
  stateLabel: 60,
  teammateName: 100,
  email: 320,
  baseUrl: 500,
  accountId: 100,
  token: 1_000,
  connectionLabel: 100,
  /** Why a conversation is linked to a ticket (free text, one line). */
  linkReason: 200,
} as const;

/** The only colour form Backline stores and renders: `#rrggbb`, lower case. */
export const HEX_COLOR = /^#[0-9a-f]{6}$/;

/**
 * A colour that is safe to put in a style: the value itself when it is a `#rrggbb` colour,
 * otherwise `fallback`. Whatever a stored record holds, a page never hands anything else (a
 * `url(…)` that would make the page fetch an address, a `;` that would add declarations) to CSS.
 */
export function safeColor(value: unknown, fallback = '#8a8f98'): string {
  return typeof value === 'string' && HEX_COLOR.test(value) ? value : fallback;
}
