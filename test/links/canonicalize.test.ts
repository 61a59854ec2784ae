import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, findLinks } from '../../src/links/index.js';

describe('canonicalize: one string meant to be a URL', () => {
  it('spans the whole input', () => {
    const input = ' https://Example.COM/a?b=1 ';
    const l = canonicalize(input);
    expect([l?.start, l?.end, l?.raw, l?.url, l?.host]).toEqual([0, input.length, input, 'https://example.com/a?b=1', 'example.com']);
  });
  it('folds the same disguises as findLinks', () => {
    for (const input of ['https://example。com/a', 'example[.]com/x', 'ｅｘａｍｐｌｅ．ｃｏｍ', 'exa\u200bmple.com']) {
      const l = canonicalize(input);
      expect(l?.form, input).toBe('obfuscated');
      expect(l?.host, input).toBe('example.com');
    }
  });
  it('agrees with findLinks on a URL standing alone', () => {
    for (const input of ['https://weibo.com@evil.cn/x', 'http://0x7f.1/', 'alice.github.io/p', 'javascript:alert(1)', 'weixin://dl/business']) {
      const [found] = findLinks(input);
      expect(canonicalize(input)).toEqual(found);
    }
  });
  it('takes a host without a scheme as http', () => {
    const l = canonicalize('news.qq.com/a/1');
    expect([l?.scheme, l?.form, l?.url]).toEqual(['http', 'bare', 'http://news.qq.com/a/1']);
    expect(canonicalize('//x.com/p')?.url).toBe('http://x.com/p');
  });
  it('reads a host and port as such, not as a scheme', () => {
    expect(canonicalize('example.com:8080/x')?.url).toBe('http://example.com:8080/x');
    expect(canonicalize('Weibo.com:443')?.host).toBe('weibo.com');
    expect(canonicalize('localhost:3000')).toBeNull();
    expect(canonicalize('tel:12345')?.scheme).toBe('tel');
  });
  it('reports credentials and non-web schemes', () => {
    expect(canonicalize('https://user:pw@a.cn/')?.credentials).toBe(true);
    expect(canonicalize('data:text/html,hi')?.web).toBe(false);
  });
  it.each(['', '   ', 'not a url', 'report.pdf', 'example.invalid/x', 'http://', 'http://1.2.3.400/', 'example.com 点击', 'https://a..b/'])(
    'returns null for %j',
    (input) => {
      expect(canonicalize(input)).toBeNull();
    },
  );
});

describe('canonicalize and findLinks agree', () => {
  const piece = fc.constantFrom('http://', 'https://', 'weixin://', 'javascript:', '//', 'www.', 'example', 'Weibo', '.com', '.cn', '.io', '。', '[.]', ' 点 ', '\u200b', 'ｅｘ', '@', ':', '8080', '/', '/a', '?q=1', '#x', '-', '_', 'é', 'xn--', '1.2.3.4', '%41', '.');
  it('when findLinks finds one parsed link covering the whole input', () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }).map((a) => a.join('')), (input) => {
        const found = findLinks(input);
        if (found.length !== 1) return;
        const [l] = found;
        if (l === undefined || l.start !== 0 || l.end !== input.length || l.url === null) return;
        compared++;
        expect(canonicalize(input)).toEqual(l);
      }),
      { numRuns: 5000 },
    );
    expect(compared).toBeGreaterThan(200);
  });
});
