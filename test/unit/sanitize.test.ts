// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { isBlankRichText, normalizeHref } from '../../lib/model/rich-text';
import { sanitizeRichText } from '../../lib/model/sanitize-html';

describe('sanitizeRichText', () => {
  it('keeps the formatting the editor produces', () => {
    const html = '<p><strong>Bold</strong> <em>italic</em></p><ul><li>a</li></ul><ol><li>b</li></ol><pre><code>x = 1</code></pre><blockquote><p>q</p></blockquote>';
    expect(sanitizeRichText(html)).toBe(html);
  });

  it('drops scripts, event handlers and unknown tags', () => {
    const out = sanitizeRichText('<p onclick="alert(1)">Hi<img src=x onerror="alert(2)"><script>alert(3)</script><iframe src="https://x"></iframe><style>p{}</style></p>');
    expect(out).toBe('<p>Hi</p>');
  });

  it('only lets http, https and mailto links through, always with rel and a new tab', () => {
    const out = sanitizeRichText(
      '<a href="https://ok.example">a</a><a href="mailto:x@example.com">b</a><a href="javascript:alert(1)">c</a><a href="data:text/html,x">d</a><a href=" JaVaScRiPt:alert(1)">e</a><a href="vbscript:x">f</a>',
    );
    const doc = new DOMParser().parseFromString(out, 'text/html');
    const links = [...doc.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://ok.example', 'mailto:x@example.com', null, null, null, null]);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
      expect(a.getAttribute('target')).toBe('_blank');
    }
  });

  it('strips style and data attributes that could restyle or smuggle content', () => {
    expect(sanitizeRichText('<p style="position:fixed" data-x="1" class="evil">t</p>')).toBe('<p>t</p>');
  });

  it('tells an empty editor document from real text', () => {
    expect(isBlankRichText('<p></p>')).toBe(true);
    expect(isBlankRichText('<p>&nbsp; </p>')).toBe(true);
    expect(isBlankRichText('<p>x</p>')).toBe(false);
  });
});

describe('normalizeHref', () => {
  it('accepts web and mail addresses, adding https:// to bare hosts', () => {
    expect(normalizeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(normalizeHref('status.example.com')).toBe('https://status.example.com');
    expect(normalizeHref('ops@example.com')).toBe('mailto:ops@example.com');
  });
  it('refuses other schemes and blanks', () => {
    expect(normalizeHref('javascript:alert(1)')).toBeNull();
    expect(normalizeHref('data:text/html,x')).toBeNull();
    expect(normalizeHref('  ')).toBeNull();
  });
});
