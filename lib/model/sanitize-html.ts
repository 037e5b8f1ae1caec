/**
 * Rich text is sanitised where it is rendered. Only the formatting the editor produces
 * survives; links keep http(s) and mailto targets only and always open safely in a new tab.
 */
import DOMPurify from 'dompurify';

const ALLOWED_TAGS = ['p', 'br', 'strong', 'b', 'em', 'i', 's', 'u', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h2', 'h3', 'hr'];
const SAFE_PROTOCOL = /^(https?|mailto):/i;

type Purifier = ReturnType<typeof DOMPurify>;
const configured = new WeakSet<Purifier>();

function purifier(win?: Window): Purifier {
  const p = win ? DOMPurify(win as unknown as Parameters<typeof DOMPurify>[0]) : DOMPurify;
  if (!configured.has(p)) {
    p.addHook('afterSanitizeAttributes', (node) => {
      if (node.nodeName !== 'A') return;
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_PROTOCOL.test(href.trim())) node.removeAttribute('href');
      node.setAttribute('rel', 'noopener noreferrer');
      node.setAttribute('target', '_blank');
    });
    configured.add(p);
  }
  return p;
}

/** Returns safe HTML for a stored description. `win` lets tests pass a jsdom window. */
export function sanitizeRichText(html: string, win?: Window): string {
  return purifier(win).sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'rel', 'target'],
    ALLOW_DATA_ATTR: false,
    ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  }) as unknown as string;
}
