import { describe, expect, it } from 'vitest';
import { FindLinksOptionsSchema, findLinks, type FoundLink } from '../../src/links/index.js';

function one(text: string): FoundLink {
  const links = findLinks(text);
  expect(links, `exactly one link in ${JSON.stringify(text)}`).toHaveLength(1);
  return links[0] as FoundLink;
}

function hosts(text: string): (string | null)[] {
  return findLinks(text).map((l) => l.host);
}

describe('links glued to Chinese text', () => {
  it('finds a bare host between Chinese words', () => {
    const l = one('请访问example.com领取');
    expect([l.raw, l.start, l.end, l.form, l.host, l.url]).toEqual(['example.com', 3, 14, 'bare', 'example.com', 'http://example.com/']);
  });
  it('ends the path at the first CJK character', () => {
    const l = one('详情见weibo.com/u/1谢谢');
    expect([l.raw, l.path, l.host]).toEqual(['weibo.com/u/1', '/u/1', 'weibo.com']);
  });
  it.each([
    ['访问http://example.com，谢谢', 'http://example.com'],
    ['见http://example.com/a。', 'http://example.com/a'],
    ['（http://example.com/a）', 'http://example.com/a'],
    ['「example.com/x」', 'example.com/x'],
    ['链接：https://t.cn/A6x8、备用', 'https://t.cn/A6x8'],
    ['http://t.cn/abc😀好', 'http://t.cn/abc'],
  ])('ends at full-width punctuation: %s', (text, raw) => {
    expect(one(text).raw).toBe(raw);
  });
  it('cuts a scheme host that runs into Chinese text without a real TLD', () => {
    expect(one('访问http://example.com中文说明').raw).toBe('http://example.com');
    expect(one('访问http://example.com!中文').raw).toBe('http://example.com');
    expect(one('访问http://example.com。中文').raw).toBe('http://example.com');
  });
  it('keeps an IDN host written with a scheme', () => {
    const l = one('http://例子.中国/路径');
    expect([l.raw, l.host]).toEqual(['http://例子.中国/', 'xn--fsqu00a.xn--fiqs8s']);
  });
  it('finds an IDN TLD glued to Japanese text', () => {
    expect(hosts('twitter.みんなです')).toEqual(['twitter.xn--q9jyb4c']);
  });
  it('finds a link after a Weibo topic', () => {
    expect(one('#话题#http://t.cn/abc').raw).toBe('http://t.cn/abc');
  });
  it('finds a link after an ellipsis or a sentence end', () => {
    expect(hosts('详见...example.com 或者 谢谢。weibo.com')).toEqual(['example.com', 'weibo.com']);
  });
  it('finds the host when the scheme is written in full-width characters', () => {
    expect(hosts('ｈｔｔｐｓ：／／example.com/a 和 http：//weibo.com')).toEqual(['example.com', 'weibo.com']);
  });
  it('reports UTF-16 offsets past astral characters', () => {
    const text = '𠀀😀看example.com';
    const l = one(text);
    expect([l.start, l.end, text.slice(l.start, l.end)]).toEqual([5, 16, 'example.com']);
  });
});

describe('the replies the link bench measures (two links each)', () => {
  it.each([
    ['您好！本次活动的详细规则请访问example.com领取优惠券，另外您也可以关注我们的官方微博，详情见weibo.com/u/1234567谢谢您的耐心等待。', ['example.com', 'weibo.com/u/1234567']],
    ['亲爱的用户您好，活动页面：https://www.people.com.cn/n1/2026/1123/c1001.html，报名入口http://t.cn/A6abcDE。如有疑问请随时私信我们。', ['https://www.people.com.cn/n1/2026/1123/c1001.html', 'http://t.cn/A6abcDE']],
    ['您反馈的问题我们已经记录（详见www.example.com.cn）。也可以打开「https://m.weibo.cn/status/4981234567」查看最新的处理进度。', ['www.example.com.cn', 'https://m.weibo.cn/status/4981234567']],
    ['#双十一活动#https://t.cn/A6x8Qz 点击进入会场，领取红包请前往news.qq.com/a/20261123，数量有限先到先得。', ['https://t.cn/A6x8Qz', 'news.qq.com/a/20261123']],
    ['您好，新品介绍在 https://www.example.com/products/new 页面，售后政策请看 https://help.example.com/policy 谢谢。', ['https://www.example.com/products/new', 'https://help.example.com/policy']],
  ])('%s', (text, raws) => {
    const links = findLinks(text);
    expect(links.map((l) => l.raw)).toEqual(raws);
    for (const l of links) expect(text.slice(l.start, l.end)).toBe(l.raw);
  });
});

describe('folding what a reader sees as a dot', () => {
  it.each([
    ['example。cn', 'fullwidth-dot'],
    ['example．cn', 'fullwidth-dot'],
    ['example｡cn', 'fullwidth-dot'],
    ['example[.]cn', 'bracket-dot'],
    ['example(.)cn', 'bracket-dot'],
    ['example（.）cn', 'bracket-dot'],
    ['example【.】cn', 'bracket-dot'],
    ['example [dot] cn', 'bracket-dot'],
    ['example 点 cn', 'word-dot'],
    ['example点cn', 'word-dot'],
    ['see example dot cn', 'word-dot'],
    ['example . cn', 'spaced-dot'],
    ['exa\u200bmple.cn', 'zero-width'],
    ['exa\u00admple.cn', 'zero-width'],
    ['example\u200b.cn', 'zero-width'],
    ['ｅｘａｍｐｌｅ.cn', 'fullwidth-letter'],
    ['ⓔⓧⓐⓜⓟⓛⓔ.cn', 'compat-letter'],
    ['ᵉxample.cn', 'compat-letter'],
    ['examplℯ.cn', 'compat-letter'],
    ['𝐞𝐱𝐚𝐦𝐩𝐥𝐞.cn', 'compat-letter'],
    ['𝕖𝕩𝕒𝕞𝕡𝕝𝕖.𝕔𝕟', 'compat-letter'],
  ])('%s is an obfuscated link to example.cn (%s)', (text, fold) => {
    const l = one(text);
    expect(l.form).toBe('obfuscated');
    expect(l.folded).toContain(fold);
    expect(l.host).toBe('example.cn');
    expect(l.url).toBe('http://example.cn/');
    expect(l.raw).toBe(text.slice(l.start, l.end));
  });
  it('lists every fold used', () => {
    expect(one('ｗｅｉｂｏ．ｃｏｍ').folded.sort()).toEqual(['fullwidth-dot', 'fullwidth-letter']);
  });
  it('folds compatibility letters in a URL written with a scheme, as WHATWG does', () => {
    const l = one('http://ⓦⓔⓘⓑⓞ.com/a');
    expect([l.form, l.host, l.folded]).toEqual(['obfuscated', 'weibo.com', ['compat-letter']]);
  });
  it('spans mathematical letters (surrogate pairs) exactly', () => {
    const text = '请看𝐰𝐞𝐢𝐛𝐨.com/a谢谢';
    const l = one(text);
    expect([l.start, l.end, l.raw, l.host]).toEqual([2, 18, '𝐰𝐞𝐢𝐛𝐨.com/a', 'weibo.com']);
  });
  it('keeps real non-ASCII letters as IDN, not as disguises', () => {
    const l = one('café.fr');
    expect([l.form, l.host]).toEqual(['bare', 'xn--caf-dma.fr']);
  });
  it('folds disguised dots in a URL written with a scheme too', () => {
    const l = one('https://example。com/a');
    expect([l.form, l.host, l.folded]).toEqual(['obfuscated', 'example.com', ['fullwidth-dot']]);
  });
  it('finds a full-width dot before the cheap TLDs spam uses', () => {
    expect(hosts('加微信看example。shop 或 example。xyz')).toEqual(['example.shop', 'example.xyz']);
  });
  it('takes the Chinese full stop as a sentence end, not a dot', () => {
    expect(findLinks('我买了iPhone。Apple发布了新品')).toEqual([]);
    expect(hosts('访问example.com。谢谢')).toEqual(['example.com']);
  });
  it('does not read ordinary English as a word-dot link', () => {
    expect(findLinks('the dot com bubble')).toEqual([]);
    expect(findLinks('a polka dot dress, a red dot design')).toEqual([]);
    expect(findLinks('dot com')).toEqual([]);
  });
  it('backs off over a weak join to the real host', () => {
    expect(one('see example.com dot matrix').raw).toBe('example.com');
  });
  it('needs a real TLD on the right of a spaced or word dot', () => {
    expect(findLinks('example 点 pdf, example . js')).toEqual([]);
  });
});

describe('judging hosts the way a browser does', () => {
  it('takes the host after userinfo', () => {
    const l = one('https://weibo.com@evil.cn/x');
    expect([l.host, l.credentials, l.domain, l.url]).toEqual(['evil.cn', true, 'evil.cn', 'https://weibo.com@evil.cn/x']);
  });
  it('percent-decodes the host', () => {
    expect(one('http://%65vil.cn/').host).toBe('evil.cn');
  });
  it('converts IDN to punycode', () => {
    const l = one('http://bücher.de/');
    expect([l.host, l.domain, l.publicSuffix]).toEqual(['xn--bcher-kva.de', 'xn--bcher-kva.de', 'de']);
  });
  it.each([
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
  ])('canonicalizes IPv4 %s', (text, host) => {
    const l = one(text);
    expect([l.host, l.hostType, l.domain]).toEqual([host, 'ipv4', null]);
  });
  it('recognises IPv6', () => {
    const l = one('http://[::1]:8080/x');
    expect([l.host, l.hostType, l.path]).toEqual(['[::1]', 'ipv6', '/x']);
  });
  it('finds a bare dotted IPv4', () => {
    expect(one('登录192.168.1.1/admin').hostType).toBe('ipv4');
  });
  it('lower-cases and drops the trailing dot', () => {
    expect(one('http://WWW.Example.COM./A?b=1').host).toBe('www.example.com');
  });
  it('names the registrable domain and public suffix', () => {
    const l = one('http://news.people.com.cn/a.html');
    expect([l.domain, l.publicSuffix, l.path]).toEqual(['people.com.cn', 'com.cn', '/a.html']);
  });
  it('exposes the private-section suffix (github.io)', () => {
    const l = one('alice.github.io');
    expect([l.domain, l.publicSuffix, l.privateDomain, l.privateSuffix]).toEqual(['github.io', 'io', 'alice.github.io', 'github.io']);
  });
  it('accepts a scheme host with no known suffix, without a domain', () => {
    const l = one('http://intranet/x');
    expect([l.host, l.domain, l.publicSuffix]).toEqual(['intranet', null, null]);
  });
  it('reports a written URL no parser accepts with url null', () => {
    const l = one('打开http://1.2.3.400/x');
    expect([l.raw, l.url, l.host]).toEqual(['http://1.2.3.400/x', null, null]);
  });
  it('drops a host DNS could not hold', () => {
    expect(findLinks(`http://${'a'.repeat(64)}.com/`)).toEqual([]);
    expect(findLinks('http://.example.com')).toEqual([]);
  });
});

describe('scheme-less candidates need a real TLD', () => {
  it.each(['report.pdf', 'Vue.js', '3.5元', 'v2.1.0', 'node.js and io.js', 'test.tar.bz2', 'example.invalid', 'foo.123', '1.2.3.4.5'])(
    '%s is not a link',
    (text) => {
      expect(findLinks(text)).toEqual([]);
    },
  );
  it.each(['example.com', 'example.top', 'example.xn--fiqs8s', 't.cn/abc', 'президент.рф'])('%s is a link', (text) => {
    expect(one(text).form).toBe('bare');
  });
  it('does not start inside a word, a file path or a colon chain', () => {
    expect(findLinks('abc_example.com /path/to/file.pl path:to:file.pm $TVI.CA')).toEqual([]);
  });
  it('starts after a label and a colon', () => {
    expect(hosts('URL:example.com 官网:weibo.com Web：t.cn/x')).toEqual(['example.com', 'weibo.com', 't.cn']);
  });
  it('finds a protocol-relative host', () => {
    expect(one('see //example.com/x').raw).toBe('//example.com/x');
  });
  it('keeps a port', () => {
    expect(one('example.com:8080/a').url).toBe('http://example.com:8080/a');
  });
});

describe('e-mail addresses are contact details, not links', () => {
  it.each(['user@example.com', 'name.al+lastname@foo.com', 'john.doe.gov@mail.com', '联系:kefu@weibo.com'])('%s', (text) => {
    expect(findLinks(text)).toEqual([]);
  });
  it('still reports mailto: written out', () => {
    const l = one('mailto:kefu@weibo.com');
    expect([l.scheme, l.web, l.host]).toEqual(['mailto', false, null]);
  });
});

describe('non-web schemes a user can tap', () => {
  it.each([
    ['javascript:alert(1)', 'javascript', null],
    ['data:text/html,<b>', 'data', null],
    ['weixin://dl/business/?t=abc', 'weixin', 'dl'],
    ['snssdk1128://user/profile/1', 'snssdk1128', 'user'],
    ['ftp://files.example.com/a', 'ftp', 'files.example.com'],
    ['tel:+8610123', 'tel', null],
  ])('%s', (text, scheme, host) => {
    const l = one(`点这里${text} 吧`);
    expect([l.scheme, l.web, l.host]).toEqual([scheme, false, host]);
  });
  it('does not take a label and a colon for a scheme', () => {
    expect(findLinks('Data:2024年 Sms: 好 时间:10:30 javascript: 空')).toEqual([]);
  });
  it('treats http and https as web', () => {
    expect(findLinks('http://a.cn https://b.cn').map((l) => [l.scheme, l.web])).toEqual([
      ['http', true],
      ['https', true],
    ]);
  });
});

describe('where a link ends', () => {
  it.each([
    ['http://example.com/a.', 'http://example.com/a'],
    ['http://example.com/a!!!', 'http://example.com/a'],
    ['(see http://example.com/a)', 'http://example.com/a'],
    ['http://en.wikipedia.org/wiki/Primer_(film)', 'http://en.wikipedia.org/wiki/Primer_(film)'],
    ["'http://example.com/a'", 'http://example.com/a'],
    ['<http://example.com/a>', 'http://example.com/a'],
    ['"http://example.com/a"', 'http://example.com/a'],
    ['http://example.com/a\u201d', 'http://example.com/a'],
    ['http://example.com/a b', 'http://example.com/a'],
  ])('%s', (text, raw) => {
    expect(one(text).raw).toBe(raw);
  });
  it('finds every link in order with spans that slice back to raw', () => {
    const text = '官网example.com，微博weibo.com/u/1，活动https://t.cn/A6abc。';
    const links = findLinks(text);
    expect(links.map((l) => l.raw)).toEqual(['example.com', 'weibo.com/u/1', 'https://t.cn/A6abc']);
    for (const l of links) expect(text.slice(l.start, l.end)).toBe(l.raw);
  });
});

describe('options', () => {
  const text = 'example。cn javascript:alert(1) http://a.cn b.cn';
  it('defaults report every kind', () => {
    expect(findLinks(text).map((l) => l.raw)).toEqual(['example。cn', 'javascript:alert(1)', 'http://a.cn', 'b.cn']);
  });
  it('obfuscated: false leaves disguised links out', () => {
    expect(findLinks(text, { obfuscated: false }).map((l) => l.raw)).toEqual(['javascript:alert(1)', 'http://a.cn', 'b.cn']);
  });
  it('schemes: false leaves non-web schemes out', () => {
    expect(findLinks(text, { schemes: false }).map((l) => l.raw)).toEqual(['example。cn', 'http://a.cn', 'b.cn']);
  });
  it('bare: false finds only links written with a scheme', () => {
    expect(findLinks(text, { bare: false }).map((l) => l.raw)).toEqual(['javascript:alert(1)', 'http://a.cn']);
  });
  it('maxLinks stops early', () => {
    expect(findLinks(text, { maxLinks: 2 })).toHaveLength(2);
  });
  it('rejects unknown or invalid options by name', () => {
    expect(() => findLinks(text, { maxLinks: 0 })).toThrow(/maxLinks/);
    expect(() => findLinks(text, { fuzzy: true } as never)).toThrow(/fuzzy/);
  });
  it('the schema is the single definition of the defaults', () => {
    expect(FindLinksOptionsSchema.parse({})).toEqual({ obfuscated: true, schemes: true, bare: true });
  });
});
