import { describe, expect, it } from 'vitest';
import { extract, payloadRange, spanRange, textAt, whole, type Seen } from './harness.js';

/** The source characters written for `needle` inside the value of the only string judged. */
function written(seen: Seen, needle: string, index = 0): string {
  const { site } = seen.strings[index]!;
  const start = site.value.indexOf(needle);
  expect(start, `${JSON.stringify(needle)} in ${JSON.stringify(site.value)}`).toBeGreaterThanOrEqual(0);
  return textAt(seen, spanRange(site, { start, end: start + needle.length }));
}

describe('JS and TS strings', () => {
  it('maps a value span back across unicode and hex escapes', () => {
    const seen = extract('js', String.raw`const a = 'see \u0065vil.c\x6e now';`);
    expect(seen.strings.map((s) => s.site.value)).toEqual(['see evil.cn now']);
    expect(written(seen, 'evil.cn')).toBe(String.raw`\u0065vil.c\x6e`);
  });

  it('judges a template literal part by part between interpolations, mapping across lines', () => {
    const code = 'const t = `line one\n${name} visit https://evil.cn/a\\u0062c`;';
    const seen = extract('js', code);
    expect(seen.strings.map((s) => s.site.value)).toEqual(['line one\n', ' visit https://evil.cn/abc']);
    expect(written(seen, 'https://evil.cn/abc', 1)).toBe('https://evil.cn/a\\u0062c');
    const start = spanRange(seen.strings[1]!.site, { start: 7, end: 26 })[0];
    expect(seen.source.getLocFromIndex(start)).toEqual({ line: 2, column: 14 });
  });

  it('skips names: property keys, module specifiers, directives, TS literal types', () => {
    const seen = extract(
      'ts',
      ["'use strict';", "import x from 'http://a.cn/x.js';", "type T = 'http://b.cn';", "const o = { 'http://c.cn': 1, [`k`]: 'http://d.cn' };"].join('\n'),
    );
    expect(seen.strings.map((s) => s.site.value)).toEqual(['k', 'http://d.cn']);
  });

  it('evaluates a payload-shaped object literal and judges its strings only as part of it', () => {
    const code = "export const reply = { type: 'articles', data: { articles: [{ display_name: 'A', url: 'https://\\x65vil.cn' }] } } as const;";
    const seen = extract('ts', code);
    expect(seen.strings).toEqual([]);
    expect(seen.payloads).toHaveLength(1);
    const site = seen.payloads[0]!;
    expect(site.value).toEqual({ type: 'articles', data: { articles: [{ display_name: 'A', url: 'https://evil.cn' }] } });
    expect(textAt(seen, payloadRange(site, { path: 'data.articles[0].url', span: { start: 8, end: 15 } }))).toBe('\\x65vil.cn');
    // A missing field points at the object that lacks it.
    expect(textAt(seen, payloadRange(site, { path: 'data.articles[0].image' }))).toBe("{ display_name: 'A', url: 'https://\\x65vil.cn' }");
  });

  it('judges a payload with non-static parts, those parts marked unknown and judged alone', () => {
    const seen = extract('js', "const r = { type: 'text', data: { text: `hi ${name}`, extra: 'x', ...more } };");
    expect(seen.payloads).toHaveLength(1);
    expect(seen.payloads[0]!.value).toEqual({ type: 'text', data: { text: '\u2026', extra: 'x' } });
    expect([...seen.payloads[0]!.unknown].sort()).toEqual(['data', 'data.text']);
    expect(seen.strings.map((s) => s.site.value)).toEqual(['hi ']);
  });

  it('keeps an unsafe integer receiver id as written when it is a bigint literal', () => {
    const seen = extract('js', "const r = { receiver_id: 1234567890123456789n, type: 'text', data: { text: 'hi' } };");
    expect((seen.payloads[0]!.value as { receiver_id: unknown }).receiver_id).toBe(1234567890123456789n);
  });
});

describe('JSON strings', () => {
  it('maps across \\u escapes and skips member names', () => {
    const seen = extract('json', String.raw`{"url": "go \u0068ttps://evil.cn", "http://key.cn": 1}`);
    expect(seen.strings.map((s) => s.site.value)).toEqual(['go https://evil.cn']);
    expect(written(seen, 'https://evil.cn')).toBe(String.raw`\u0068ttps://evil.cn`);
  });

  it('evaluates a payload object', () => {
    const seen = extract('json', '{"type": "position", "data": {"longitude": "116.3", "latitude": 39.9}}');
    expect(seen.payloads[0]!.value).toEqual({ type: 'position', data: { longitude: '116.3', latitude: 39.9 } });
    expect(seen.strings).toEqual([]);
  });
});

describe('YAML scalars', () => {
  it('maps double-quoted escapes, block literals and folded plain scalars', () => {
    const seen = extract('yaml', ['a: "x\\ty \\x65vil.cn"', 'b: |', '  line1', '  http://f.cn', 'c: one', '  two http://g.cn', 'http://key.cn: 1'].join('\n'));
    expect(seen.strings.map((s) => s.site.value)).toEqual(['x\ty evil.cn', 'line1\nhttp://f.cn\n', 'one two http://g.cn']);
    expect(written(seen, 'evil.cn', 0)).toBe('\\x65vil.cn');
    expect(written(seen, 'http://f.cn', 1)).toBe('http://f.cn');
    expect(seen.source.getLocFromIndex(spanRange(seen.strings[1]!.site, { start: 6, end: 17 })[0])).toEqual({ line: 4, column: 2 });
    expect(written(seen, 'http://g.cn', 2)).toBe('http://g.cn');
  });

  it('evaluates a payload mapping and skips its strings', () => {
    const seen = extract('yaml', 'type: text\ndata:\n  text: "hi http://x.cn"\n');
    expect(seen.payloads[0]!.value).toEqual({ type: 'text', data: { text: 'hi http://x.cn' } });
    expect(seen.strings).toEqual([]);
    expect(textAt(seen, payloadRange(seen.payloads[0]!, { path: 'data.text', span: { start: 3, end: 14 } }))).toBe('http://x.cn');
  });
});

describe('Markdown', () => {
  it('traces text through block quotes, escapes and character references', () => {
    const seen = extract('markdown', '> hello &amp; \\* one\n> visit evil。cn now\n');
    const text = seen.strings.find((s) => s.kind === 'text')!;
    expect(text.site.value).toBe('hello & * one\nvisit evil。cn now');
    expect(written(seen, '&', 0)).toBe('&amp;');
    expect(written(seen, '* one', 0)).toBe('\\* one');
    expect(written(seen, 'evil。cn', 0)).toBe('evil。cn');
    const start = spanRange(text.site, { start: 20, end: 27 })[0];
    expect(seen.source.getLocFromIndex(start)).toEqual({ line: 2, column: 9 });
  });

  it('judges link, image and definition destinations as URLs at the destination', () => {
    const seen = extract('markdown', '[a `]` b](<https://x.cn/p q> "t") ![alt [1]](https://y.cn/i.png)\n\n[r]: https://z.cn/\\_a\n');
    const urls = seen.strings.filter((s) => s.kind === 'url');
    expect(urls.map((s) => s.site.value)).toEqual(['https://x.cn/p q', 'https://y.cn/i.png', 'https://z.cn/_a']);
    expect(urls.map((s) => textAt(seen, whole(s.site)))).toEqual(['https://x.cn/p q', 'https://y.cn/i.png', 'https://z.cn/\\_a']);
  });

  it('judges an autolink once, as a URL', () => {
    const seen = extract('markdown', 'see <https://x.cn>\n');
    expect(seen.strings.map((s) => [s.kind, s.site.value, textAt(seen, whole(s.site))])).toEqual([
      ['text', 'see ', 'see '],
      ['url', 'https://x.cn', 'https://x.cn'],
    ]);
  });

  it('judges code as text, without the fence info string', () => {
    const seen = extract('markdown', '```js\njs.cn\n```\n\n`evil.cn`\n');
    expect(seen.strings.map((s) => textAt(seen, spanRange(s.site, { start: 0, end: s.site.value.length })))).toEqual(['js.cn', 'evil.cn']);
  });
});

describe('large input', () => {
  it('traces a link at the end of a 1 MB escaped JS string and a 1 MB Markdown quote', () => {
    const filler = '\\u4e2d'.repeat(200_000); // 1.2 MB of source, 200,000 characters of value
    const js = extract('js', `const a = '${filler} https://evil.cn/end';`);
    expect(written(js, 'https://evil.cn/end')).toBe('https://evil.cn/end');
    const md = extract('markdown', `> ${'中文 &amp; '.repeat(100_000)}\n> https://evil.cn/end\n`);
    expect(written(md, 'https://evil.cn/end')).toBe('https://evil.cn/end');
  });
});
