/**
 * Plain text from a helpdesk's HTML message body, for the preview (which shows text, never
 * markup) and for finding Backline's marker in a note the helpdesk stored as HTML. Not a
 * sanitiser: nothing here is ever inserted as HTML.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Tags become line breaks or nothing, entities their characters, runs of blank lines one. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|tr)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z0-9]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Escapes text for a helpdesk that stores notes as HTML; line breaks become <br>. */
export function textToHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '<br>');
}

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
