/**
 * Small text helpers the Zammad, FreeScout, Gorgias and HubSpot connectors share (HTML to text and
 * back are in plain-text.ts): an email address's name, and a note's text without Backline's marker.
 */

/** "Ada Lovelace <ada@example.com>" → name and email; either may be ''. */
export function parseAddress(from: string): { name: string; email: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (m) return { name: m[1]!.trim(), email: m[2]!.trim() };
  return from.includes('@') ? { name: '', email: from.trim() } : { name: from.trim(), email: '' };
}

const MARKER_AT_END = /\s*\(Backline ref [0-9a-zA-Z_-]+\)\s*$/;

/** A note's text without Backline's idempotency marker (chatwoot.ts noteMarker), which is not for people. */
export function withoutMarker(text: string): string {
  return text.replace(MARKER_AT_END, '');
}
