import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, findLinks, type FoundLink } from '../../src/links/index.js';

/** What a browser opens, however the reply types it (issue 10, kind 2). */

function one(text: string): FoundLink {
  const links = findLinks(text);
  expect(links, `exactly one link in ${JSON.stringify(text)}`).toHaveLength(1);
  return links[0] as FoundLink;
}
const hosts = (text: string) => findLinks(text).map((l) => l.host);

describe('special schemes: backslashes and any number of slashes, as WHATWG reads them', () => {
  it.each([
    ['https:/evil.cn/x', 'https', 'evil.cn', 'https://evil.cn/x'],
    ['https:\\evil.cn/x', 'https', 'evil.cn', 'https://evil.cn/x'],
    ['https:\\\\evil.cn\\x', 'https', 'evil.cn', 'https://evil.cn/x'],
    ['http:/\\evil.cn/a', 'http', 'evil.cn', 'http://evil.cn/a'],
    ['http:\\/evil.cn', 'http', 'evil.cn', 'http://evil.cn/'],
    ['https:///evil.cn', 'https', 'evil.cn', 'https://evil.cn/'],
    ['HTTPS:\\/\\/Evil.CN/a', 'https', 'evil.cn', 'https://evil.cn/a'],
    ['ws:/evil.cn/s', 'ws', 'evil.cn', 'ws://evil.cn/s'],
    ['ftp:\\evil.cn/f', 'ftp', 'evil.cn', 'ftp://evil.cn/f'],
  ])('%s opens %s://%s', (written, scheme, host, url) => {
    const text = `请点 ${written} 领取`;
    const l = one(text);
    expect([l.raw, l.scheme, l.host, l.url]).toEqual([written, scheme, host, url]);
    expect(l.url).toBe(new URL(written).href);
  });
  it('is the same link glued to Chinese text', () => {
    expect(one('请点https:\\evil.cn/x领取').raw).toBe('https:\\evil.cn/x');
  });
  it('keeps a non-special scheme as written: one slash is a path there', () => {
    expect(findLinks('see foo:/bar and weixin:\\dl')).toEqual([]);
  });
  it('judges a one-slash URL field like findLinks does', () => {
    for (const u of ['https:/evil.cn/x', 'https:\\\\evil.cn', 'http:/\\evil.cn/a']) expect(canonicalize(u)?.host).toBe('evil.cn');
  });
});

describe('all-CJK hosts under a CJK TLD', () => {
  it.each([
    ['访问 商城.中国 领取', '商城.中国', null],
    ['访问 购物.商城。', '购物.商城', null],
    ['官网：某某.公司/x 谢谢', '某某.公司/x', null],
    ['详情 例子.中國', '例子.中國', null],
    ['地址 网站.在线，欢迎', '网站.在线', null],
    ['见 官方.网络', '官方.网络', null],
  ])('%s', (text, raw, host) => {
    const l = one(text);
    expect(l.raw).toBe(raw);
    expect(l.host).toBe(host ?? new URL(`http://${raw}`).hostname);
    expect(l.host).toMatch(/^xn--[a-z0-9-]+\.xn--[a-z0-9-]+$/);
  });
  it('is found with a full-width dot as an obfuscated link', () => {
    const l = one('访问 商城．中国 领取');
    expect([l.form, l.folded, l.host]).toEqual(['obfuscated', ['fullwidth-dot'], new URL('http://商城.中国').hostname]);
  });
  it.each([
    '欢迎来到中国。',
    '我们在中国.中国很大',
    '我们在中国。中国很大',
    '价格是3.5元，在中国.谢谢',
    '请到公司.公司里有人接待',
    '一起去购物.商城里人很多',
    '这是中国、公司、商城',
    '你好.再见',
    '我们.朋友们',
    '第1.中国队 第2.日本队',
  ])('ordinary Chinese text is not a link: %s', (text) => {
    expect(findLinks(text)).toEqual([]);
  });
  it('keeps the existing IDN-TLD and scheme forms', () => {
    expect(one('http://例子.中国/路径').host).toBe('xn--fsqu00a.xn--fiqs8s');
    expect(hosts('twitter.みんなです')).toEqual(['twitter.xn--q9jyb4c']);
  });
});

describe('dot look-alikes between host labels, only before a real TLD', () => {
  it.each([
    'evil、cn', 'evil⚫cn', 'evil●cn', 'evil•cn', 'evil·cn', 'evil∙cn', 'evil︒cn', 'evil﹒cn', 'evil・cn', 'evil‧cn', 'evil∘cn', 'evil◦cn',
    'evil😀cn', 'evil🔴cn', 'evil⭕️cn', 'evil • cn', 'evil · com',
    // Dots by kind: what NFKC folds to a full stop (․ ﹒), middle dots of other scripts (･ ㆍ ⸱ ⋅), 丶 and its Kangxi radical ⼂.
    'evil․cn', 'evil･cn', 'evilㆍcn', 'evil⸱cn', 'evil⋅cn', 'evil丶cn', 'evil⼂cn',
  ])('%s is an obfuscated link', (written) => {
    const text = `加我看 ${written} 领取`;
    const l = one(text);
    expect(l.raw).toBe(written);
    expect(l.form).toBe('obfuscated');
    expect(l.folded).toContain('lookalike-dot');
    expect(l.host).toMatch(/^evil\.(cn|com)$/);
  });
  it.each([
    '价格、数量、颜色',
    '约翰·史密斯',
    'A·B 两款',
    'iPhone、iPad、Mac',
    'AI、AR、VR',
    'Mary·Me 乐队',
    '支持Visa、MasterCard、JCB',
    '功能：拍照•录像•直播',
    '好评😀谢谢',
    'nice😀good',
    'go·to 门店',
    '版本1·2·3',
  ])('ordinary text stays text: %s', (text) => {
    expect(findLinks(text)).toEqual([]);
  });
  it.each([
    ['www丶fuli丶cc', 'www.fuli.cc'],
    ['people●com●cn', 'people.com.cn'],
    ['m•evil•com', 'm.evil.com'],
    // Led by www, a chain is a host in any case: capitals are no sign of a list there.
    ['WWW丶FULI丶CC', 'www.fuli.cc'],
    ['Www•Evil•Com', 'www.evil.com'],
  ])('a chain of look-alike joins %s spells every label (%s)', (written, host) => {
    const l = one(`看 ${written} 吧`);
    expect([l.raw, l.host, l.form]).toEqual([written, host, 'obfuscated']);
  });
  it.each([
    ['http://evil●cn/x', 'evil.cn', 'http://evil.cn/x'],
    ['https://weibo丶com/u/1', 'weibo.com', 'https://weibo.com/u/1'],
    ['http://www•people•com•cn', 'www.people.com.cn', 'http://www.people.com.cn/'],
  ])('after a scheme a look-alike before a real TLD is a dot too: %s', (written, host, url) => {
    const l = one(`点 ${written} 看`);
    expect([l.raw, l.host, l.url, l.form]).toEqual([written, host, url, 'obfuscated']);
    expect(l.folded).toContain('lookalike-dot');
  });
  it.each(['好的丶谢谢', '价格丶数量', 'Mr丶Li', '1丶2丶3', 'A․B 两款', '苹果、ios、Mac', 'AI、AR、VR', 'WWW、AI、VR'])('ordinary text with the new look-alikes stays text: %s', (text) => {
    expect(findLinks(text)).toEqual([]);
  });
  it('still folds the existing disguises', () => {
    for (const t of ['example。cn', 'example[.]cn', 'example 点 cn']) expect(one(t).host).toBe('example.cn');
  });
});

describe('invisible characters inside a URL are removed before judging', () => {
  it('a NUL before "@" makes what comes before it userinfo, as in a browser', () => {
    const l = one('https://www.people.com.cn\u0000@evil.cn/x');
    expect([l.host, l.credentials, l.raw]).toEqual(['evil.cn', true, 'https://www.people.com.cn\u0000@evil.cn/x']);
  });
  it.each([
    ['\u0000', 'U+0000'], ['\u0001', 'U+0001'], ['\u001f', 'U+001F'], ['\u007f', 'U+007F'], ['\u0085', 'U+0085'],
    ['\u200b', 'U+200B'], ['\u200c', 'U+200C'], ['\u200d', 'U+200D'], ['\u200e', 'U+200E'], ['\u200f', 'U+200F'], ['\u061c', 'U+061C'],
    ['\u202a', 'U+202A'], ['\u202e', 'U+202E'], ['\u2066', 'U+2066'], ['\u2069', 'U+2069'], ['\u{e0001}', 'U+E0001'], ['\u{e0063}', 'U+E0063'],
    ['\ufe0f', 'U+FE0F'], ['\u{e0100}', 'U+E0100'], ['\u00ad', 'U+00AD'], ['\ufeff', 'U+FEFF'], ['\u2060', 'U+2060'],
    // The rest of Unicode's default-ignorable kind: deprecated format controls, Mongolian and Khmer fillers, astral format controls.
    ['\u206a', 'U+206A'], ['\u206f', 'U+206F'], ['\u180b', 'U+180B'], ['\u17b4', 'U+17B4'], ['\u{1d173}', 'U+1D173'], ['\u{1bca0}', 'U+1BCA0'], ['\u{e0fff}', 'U+E0FFF'],
  ])('%j inside a host is dropped and named (%s)', (ch, name) => {
    for (const written of [`https://ev${ch}il.cn/x`, `ev${ch}il.cn`, `https://evil${ch}.cn`]) {
      const text = `看 ${written} 吧`;
      const l = one(text);
      expect(l.raw, JSON.stringify(written)).toBe(written);
      expect(l.host).toBe('evil.cn');
      expect(l.form).toBe('obfuscated');
      expect(l.invisible?.map((x) => x.code)).toEqual([name]);
      const at = l.invisible![0]!.at;
      expect(text.codePointAt(at)).toBe(ch.codePointAt(0));
    }
  });
  it('in the scheme too', () => {
    const l = one('ht\u200btps://evil.cn/x');
    expect([l.scheme, l.host, l.invisible?.map((x) => x.code)]).toEqual(['https', 'evil.cn', ['U+200B']]);
  });
  it('in userinfo before "@"', () => {
    const l = one('https://weibo.com\u202e@evil.cn/x');
    expect([l.host, l.credentials, l.invisible?.map((x) => x.code)]).toEqual(['evil.cn', true, ['U+202E']]);
  });
  it('a plainly written link carries no list', () => {
    expect(one('https://weibo.com/x').invisible).toBeUndefined();
  });
  it('canonicalize drops them too', () => {
    const l = canonicalize('https://ev\u0000il.cn/x');
    expect([l?.host, l?.invisible?.map((x) => x.code)]).toEqual(['evil.cn', ['U+0000']]);
  });
});

describe('mini-program text links', () => {
  it.each(['#小程序://京东购物/abc123', '＃小程序：//京东购物/abc123', '#小程序://京东购物/AbC-12_x'])('%s is a WeChat mini-program link', (written) => {
    const text = `打开 ${written} 即可`;
    const l = one(text);
    expect([l.raw, l.scheme, l.web, l.form]).toEqual([written, 'weixin', false, 'miniprogram']);
  });
  it.each([
    // Traditional 小程式, no `#` (then a code is needed), spaces after `//`, a full-width colon.
    '#小程式://鮮果/AbCd12', '小程序://店铺名/abc123', '#小程序:// 店铺/AbCd12', '小程序：//团购/Tg01', '小程式：／／好店/Q9', '#小程序 :// 好店/x',
  ])('%s is one too', (written) => {
    const l = one(`打开 ${written} 即可`);
    expect([l.raw, l.scheme, l.form]).toEqual([written, 'weixin', 'miniprogram']);
  });
  it('glued to Chinese text', () => {
    expect(one('打开#小程序://美团外卖/x1y2领取').raw).toBe('#小程序://美团外卖/x1y2');
    expect(one('打开小程序://美团外卖/x1y2领取').raw).toBe('小程序://美团外卖/x1y2');
  });
  it('a mention of mini programs is not a link', () => {
    expect(findLinks('#小程序# 上线了，小程序://是什么')).toEqual([]);
    expect(findLinks('小程序：//后面跟名称，小程序里下单')).toEqual([]);
  });
});

describe('properties with the new characters', () => {
  const piece = fc.constantFrom(
    'https:', 'http:', 'ws:', '/', '\\', '//', 'evil', 'www.', '.cn', '.com', '.', '、', '⚫', '●', '•', '·', '∙', '︒', '﹒', '點', '点', '・', '‧', '∘', '◦',
    '😀', '⭕️', '\u0000', '\u0007', '\u007f', '\u200b', '\u200e', '\u061c', '\u202e', '\u2066', '\u{e0063}', '\ufe0f', '\u{e0100}', '\u00ad', '\ufeff',
    '@', ':', '：', '#', '＃', '小程序', '://', '：//', '商城', '中国', '公司', '．', '。', ' ', '领取', '\ud800', '\udc00', '?u=', '%3A%2F%2F',
    '丶', '․', '･', '\u206a', '\u180b', '\u{1d173}', '小程式', '小', '程', '／', 'WWW', 'readme', '.md', 'CC',
  );
  const textish = fc.array(piece, { maxLength: 40 }).map((a) => a.join(''));
  it('never throws, spans inside the text, invisible offsets inside the span', () => {
    fc.assert(
      fc.property(textish, (text) => {
        let last = 0;
        for (const l of findLinks(text)) {
          expect(l.start).toBeGreaterThanOrEqual(last);
          expect(l.end).toBeGreaterThan(l.start);
          expect(l.end).toBeLessThanOrEqual(text.length);
          expect(l.raw).toBe(text.slice(l.start, l.end));
          for (const x of l.invisible ?? []) expect(x.at >= l.start && x.at < l.end).toBe(true);
          if (l.form === 'obfuscated') expect(l.folded.length).toBeGreaterThan(0);
          last = l.end;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
