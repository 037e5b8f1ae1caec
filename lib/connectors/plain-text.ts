/**
 * HTML message bodies as plain text for the preview, and note text as HTML: the one helper every
 * connector uses. Connectors run in the service worker, which has no DOMParser, so this is a small tag stripper: it only has to turn markup into readable
 * text, never to make HTML safe (the preview renders the result as text, never as markup).
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Readable text of an HTML fragment: block ends become line breaks, tags go, entities decode. */
export function htmlToText(html: string): string {
  return (
    html
      // Content that is not text at all.
      .replace(/<(script|style|head|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      // Source line breaks carry no meaning in HTML; the tags below say where lines end.
      .replace(/\s*\n\s*/g, ' ')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|h[1-6]|blockquote|pre|tr|table|ul|ol)\s*>/gi, '\n')
      .replace(/<li\b[^>]*>/gi, '• ')
      .replace(/<[^>]*>/g, '')
      .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+[0-9]*);/gi, (whole, name: string) => {
        if (name[0] === '#') {
          const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
          return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
        }
        return ENTITIES[name.toLowerCase()] ?? whole;
      })
      .split('\n')
      .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/**
 * Plain text as HTML that shows the same (for APIs whose note body is HTML), escaped so nothing in
 * it is markup. `paragraphs` (what most connectors send): each blank-line-separated block a `<p>`,
 * single line breaks `<br>`. `lines` (Help Scout's note body): every line break a `<br>`, quotes
 * escaped too.
 */
export function textToHtml(text: string, layout: 'paragraphs' | 'lines' = 'paragraphs'): string {
  if (layout === 'lines') {
    return text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/\r?\n/g, '<br>');
  }
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return esc
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('');
}
