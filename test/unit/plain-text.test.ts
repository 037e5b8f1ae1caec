/** HTML message bodies as preview text, and note text as HTML that shows the same. */
import { describe, expect, it } from 'vitest';
import { htmlToText, textToHtml } from '../../lib/connectors/plain-text';

describe('htmlToText', () => {
  it('keeps the lines and drops the markup', () => {
    expect(htmlToText('<p>Hello <b>Ada</b>,</p>\n<p>line one<br>line two</p><ul><li>a</li><li>b</li></ul>')).toBe('Hello Ada,\nline one\nline two\n• a\n• b');
  });

  it('drops what is not text at all: scripts, styles, comments', () => {
    expect(htmlToText('<style>p{color:red}</style><script>alert(1)</script><!-- hidden -->visible')).toBe('visible');
  });

  it('decodes named and numeric entities once (no double decoding)', () => {
    expect(htmlToText('a &amp; b &lt;i&gt; &#233;t&#xE9; &nbsp;x &amp;lt;')).toBe('a & b <i> été x &lt;');
    expect(htmlToText('&bogus; &#0;')).toBe('&bogus; &#0;');
  });

  it('collapses source whitespace but not the lines the markup makes', () => {
    expect(htmlToText('<div>  spaced\n   out  </div>\n\n\n<div>next</div>')).toBe('spaced out\nnext');
  });
});

describe('textToHtml', () => {
  it('escapes markup and keeps line breaks, so the text reads as written', () => {
    expect(textToHtml('1 < 2 & "x"\nnext', 'lines')).toBe('1 &lt; 2 &amp; &quot;x&quot;<br>next');
    expect(htmlToText(textToHtml('<script>x</script>\nsecond', 'lines'))).toBe('<script>x</script>\nsecond');
  });
});

describe('htmlToText and textToHtml (paragraphs, what most connectors send)', () => {
  it('htmlToText keeps line breaks, drops tags and scripts, decodes entities once', () => {
    expect(htmlToText('<p>Hello <b>there</b></p><p>a &amp;lt; b &lt; c<br>next</p><script>alert(1)</script>')).toBe('Hello there\na &lt; b < c\nnext');
    expect(htmlToText('<div>caf&#233; &quot;x&quot;&nbsp;y</div>')).toBe('café "x" y');
  });

  it('textToHtml escapes and keeps paragraphs and line breaks', () => {
    expect(textToHtml('a < b & c\nd\n\n<script>')).toBe('<p>a &lt; b &amp; c<br>d</p><p>&lt;script&gt;</p>');
    expect(htmlToText(textToHtml('line one\nline two\n\n(Backline ref abc)'))).toBe('line one\nline two\n(Backline ref abc)');
  });

});
