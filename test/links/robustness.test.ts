import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findLinks, type FoundLink } from '../../src/links/index.js';

/** Spans in order, non-empty, inside the text, and raw is exactly the text they cover. */
function checkSpans(text: string, links: FoundLink[]): void {
  const bad: string[] = [];
  let last = 0;
  for (const l of links) {
    if (!(l.start >= last && l.start < l.end && l.end <= text.length && l.raw === text.slice(l.start, l.end))) {
      bad.push(`${l.start}-${l.end} ${JSON.stringify(l.raw.slice(0, 40))}`);
    }
    last = l.end;
  }
  expect(bad).toEqual([]);
}

/** Pieces that exercise every path of the scanner: schemes, hosts, disguised dots, CJK, surrogates. */
const piece = fc.constantFrom(
  'http://', 'https://', 'weixin://', 'javascript:', 'data:', 'mailto:', '//', 'www.', 'example', '.com', '.cn', '。', '．', '[.]', '(.)',
  ' 点 ', ' dot ', ' . ', '\u200b', '\u00ad', 'ｅｘ', '请访问', '谢谢', '，', '）', '(', ')', '[', ']', '@', ':', '8080', '/', '?a=1', '#x', '.', '-', '_',
  ' ', '\n', '"', "'", '<', '>', '\ud800', '\udc00', '😀', '𠀀', '𝐞', '\ud835', 'é', 'xn--', '1.2.3.4', '[::1]', '%65',
);
const textish = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(piece, { maxLength: 40 }).map((a) => a.join('')),
  fc.array(fc.oneof(piece, fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 40 }).map((a) => a.join('')),
);

describe('findLinks never throws and keeps spans inside the text', () => {
  it('holds for arbitrary strings, including lone surrogates', () => {
    fc.assert(
      fc.property(textish, (text) => {
        const links = findLinks(text);
        checkSpans(text, links);
        for (const l of links) {
          if (l.url !== null) expect(() => new URL(l.url as string)).not.toThrow();
          if (l.form === 'obfuscated') expect(l.folded.length).toBeGreaterThan(0);
          else expect(l.folded).toEqual([]);
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('finds the same links after unrelated text is put in front of a hard boundary', () => {
    // Spaces are not a hard boundary (`hello 点 data` is hello.data, a real gTLD); a
    // newline or `，` is: text before it cannot change what is found after it.
    const bounded = fc.tuple(fc.constantFrom('\n', '，'), textish).map(([b, t]) => b + t);
    fc.assert(
      fc.property(bounded, fc.constantFrom('前言', 'hello', 'example.com', 'http://x.cn/a'), (text, prefix) => {
        const a = findLinks(text).map((l) => [l.raw, l.start + prefix.length]);
        const b = findLinks(prefix + text)
          .filter((l) => l.start >= prefix.length)
          .map((l) => [l.raw, l.start]);
        expect(b).toEqual(a);
      }),
      { numRuns: 5000 },
    );
  });
});

const MB = 1 << 20;
function fill(unit: string, size = MB): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

describe('1 MB adversarial inputs complete with sane output', () => {
  it.each([
    ['a.', 0],
    ['。。。', 0],
    ['a', 0],
    ['[.]', 0],
    ['a 点 ', 0],
    ['(', 0],
    ['@a.', 0],
    ['中.', 0],
    ['a、', 0],
    ['a😀', 0],
    ['#小程序://', 0],
    ['\u0000a.', 0],
  ])('%j repeated', (unit, count) => {
    const text = fill(unit);
    const links = findLinks(text);
    expect(links).toHaveLength(count);
  });
  it('http:// repeated is one link holding the whole text', () => {
    const text = fill('http://');
    const links = findLinks(text);
    checkSpans(text, links);
    expect(links.length).toBeLessThanOrEqual(1);
  });
  it('example.com repeated with spaces finds every one', () => {
    const text = fill('example.com ');
    const links = findLinks(text);
    checkSpans(text, links);
    expect(links.length).toBe(Math.floor(MB / 12) + (MB % 12 >= 11 ? 1 : 0));
  });
  it('one giant label is not a host', () => {
    expect(findLinks(`${'a'.repeat(MB)}.com`)).toEqual([]);
    expect(findLinks(`http://${'a'.repeat(MB)}.com`)).toEqual([]);
  });
  it('a giant path stays one link', () => {
    const text = `http://example.com/${'a/'.repeat(MB / 2)}`;
    const links = findLinks(text);
    expect(links).toHaveLength(1);
    expect((links[0] as FoundLink).end).toBe(text.length);
  });
  it('many disguised dots in a row are read in bounded pieces', () => {
    const text = fill('ab[.]');
    const links = findLinks(text);
    checkSpans(text, links);
    expect(links).toEqual([]);
  });
  it('Chinese text with a link every 300 characters finds them all', () => {
    const chunk = `${'微博'.repeat(140)}weibo.com/u/1，`;
    const text = chunk.repeat(Math.floor(MB / chunk.length));
    const links = findLinks(text);
    expect(links).toHaveLength(Math.floor(MB / chunk.length));
    expect(new Set(links.map((l) => l.raw))).toEqual(new Set(['weibo.com/u/1']));
  });
});
