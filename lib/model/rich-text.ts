/**
 * Rich text: what the editor's output means (blank or not) and which link addresses it may
 * hold. Sanitising it for display is ./sanitize-html.ts (DOMPurify, loaded with the views that
 * show rich text, not with every page).
 */
/** True when a description has no visible text (an editor's empty "<p></p>"). */
export function isBlankRichText(html: string): boolean {
  return html.replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ').trim() === '';
}

/** Turns what an agent typed as a link address into a safe href, or null when it is not allowed. */
export function normalizeHref(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  if (/^(https?:|mailto:)/i.test(value)) return value;
  if (/^[^\s:/]+@[^\s/]+$/.test(value)) return `mailto:${value}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return null; // javascript:, data: and friends
  return `https://${value}`;
}
