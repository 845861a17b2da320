/** The Markdown subset, with hostile input: nothing becomes HTML, no unsafe link survives. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RichText } from '../components/RichText';
import { parseInline, parseMarkdown, parseMarkdownCached, plainText, safeHref } from './markdown';

const html = (text: string, me?: string) => renderToStaticMarkup(createElement(RichText, { text, me }));

describe('parseInline', () => {
  it('reads bold, italic, strike, code, links and mentions', () => {
    expect(parseInline('**b** *i* _i_ ~~s~~ `c*d` [x](https://a.example/p?q=1) @ann_1')).toEqual([
      { t: 'bold', c: [{ t: 'text', v: 'b' }] },
      { t: 'text', v: ' ' },
      { t: 'italic', c: [{ t: 'text', v: 'i' }] },
      { t: 'text', v: ' ' },
      { t: 'italic', c: [{ t: 'text', v: 'i' }] },
      { t: 'text', v: ' ' },
      { t: 'strike', c: [{ t: 'text', v: 's' }] },
      { t: 'text', v: ' ' },
      { t: 'code', v: 'c*d' },
      { t: 'text', v: ' ' },
      { t: 'link', href: 'https://a.example/p?q=1', c: [{ t: 'text', v: 'x' }] },
      { t: 'text', v: ' ' },
      { t: 'mention', username: 'ann_1' },
    ]);
  });

  it('leaves unclosed markers, snake_case, 2 * 3 * 4 and e-mail addresses as text', () => {
    for (const s of ['**not closed', 'snake_case_name', '2 * 3 * 4', 'a ** b **', 'me@example.com', '`open', '~~x', '_x_y']) {
      expect(parseInline(s), s).toEqual([{ t: 'text', v: s }]);
    }
  });

  it('nests emphasis and autolinks bare URLs without their trailing punctuation', () => {
    expect(parseInline('**bold _and italic_**')).toEqual([
      { t: 'bold', c: [{ t: 'text', v: 'bold ' }, { t: 'italic', c: [{ t: 'text', v: 'and italic' }] }] },
    ]);
    expect(parseInline('see https://x.example/a.')).toEqual([
      { t: 'text', v: 'see ' },
      { t: 'link', href: 'https://x.example/a', c: [{ t: 'text', v: 'https://x.example/a' }] },
      { t: 'text', v: '.' },
    ]);
  });
});

describe('parseMarkdown', () => {
  it('reads fenced code (verbatim), quotes and paragraphs', () => {
    expect(parseMarkdown('hi\n```js\n**not bold** <b>\n```\n> quoted *x*\n> more\nafter')).toEqual([
      { t: 'p', c: [{ t: 'text', v: 'hi' }] },
      { t: 'pre', v: '**not bold** <b>', lang: 'js' },
      { t: 'quote', c: [{ t: 'p', c: [{ t: 'text', v: 'quoted ' }, { t: 'italic', c: [{ t: 'text', v: 'x' }] }, { t: 'text', v: '\nmore' }] }] },
      { t: 'p', c: [{ t: 'text', v: 'after' }] },
    ]);
  });
});

describe('safeHref', () => {
  it('keeps http(s) and mailto only', () => {
    expect(safeHref('https://a.example')).toBe('https://a.example/');
    expect(safeHref('mailto:a@b.example')).toBe('mailto:a@b.example');
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '//evil.example', '/relative', 'file:///etc/passwd']) {
      expect(safeHref(bad), bad).toBeNull();
    }
  });
});

describe('RichText (rendered)', () => {
  it('never turns message text into HTML', () => {
    const hostile = [
      '<img src=x onerror="alert(1)">',
      '<script>alert(1)</script>',
      '**<script>alert(1)</script>**',
      '[<img src=x onerror=alert(1)>](https://ok.example)',
      '[click](javascript:alert(1))',
      '[click](https://ok.example" onmouseover="alert(1))',
      '```\n</code></pre><script>alert(1)</script>\n```',
      '> <iframe src="javascript:alert(1)"></iframe>',
      '`<style>body{display:none}</style>`',
      '@<svg/onload=alert(1)>',
    ];
    for (const text of hostile) {
      const out = html(text);
      expect(out, text).not.toMatch(/<(script|img|iframe|svg|style)\b/i);
      expect(out, text).not.toMatch(/href="javascript:/i);
      expect(out, text).not.toMatch(/<[a-z][^>]*\son\w+=/i);
    }
  });

  it('renders links safely and marks my mentions', () => {
    const out = html('hi @ann and @bob, see [docs](https://d.example/x)', 'ann');
    expect(out).toContain('<a href="https://d.example/x" target="_blank" rel="noopener noreferrer">docs</a>');
    expect(out).toContain('<mark class="mention mention--me" data-testid="mention" data-username="ann">@ann</mark>');
    expect(out).toContain('<span class="mention" data-testid="mention" data-username="bob">@bob</span>');
    expect(html('[click](javascript:alert(1))')).toBe('<p>[click](javascript:alert(1))</p>');
  });

  it('stays fast on pathological input', () => {
    const inputs = ['*'.repeat(4000), '**a'.repeat(1333), '_a '.repeat(1333), '['.repeat(2000) + ']('.repeat(1000), '> '.repeat(2000), '`'.repeat(4000)];
    const start = performance.now();
    for (const s of inputs) html(s);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('plainText', () => {
  it('drops the formatting marks, keeps what is read', () => {
    expect(plainText('**Hello** _team_ ~~old~~ `npm test` [docs](https://d.example) @ann\n> quoted\n```\ncode *x*\n```')).toBe(
      'Hello team old npm test docs @ann\nquoted\ncode *x*',
    );
  });
});

describe('parseMarkdownCached', () => {
  it('parses a text once: the same tree again for the same text, a fresh one once it was pushed out', () => {
    const text = `**cached** ${Math.random()}`;
    const first = parseMarkdownCached(text);
    expect(first).toEqual(parseMarkdown(text));
    expect(parseMarkdownCached(text)).toBe(first);
    // Two thousand other texts later it has gone (bounded memory) and is parsed again, equal.
    for (let i = 0; i < 2_000; i++) parseMarkdownCached(`other ${i}`);
    const again = parseMarkdownCached(text);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('keeps a text that is read again while others come and go', () => {
    const text = `kept ${Math.random()}`;
    const tree = parseMarkdownCached(text);
    for (let i = 0; i < 3_000; i++) {
      parseMarkdownCached(`churn ${i}`);
      if (i % 1_000 === 0) parseMarkdownCached(text);
    }
    expect(parseMarkdownCached(text)).toBe(tree);
  });
});
