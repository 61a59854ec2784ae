import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileCompetitorChecker } from '../../src/checks/competitor.js';
import { normalizeForMatch } from '../../src/checks/normalize.js';
import { AhoCorasick } from '../../src/checks/aho.js';
import { loadPolicy } from '../../src/policy/index.js';
import type { Channel } from '../../src/context.js';

const policy = loadPolicy({ cwd: '/tmp' });
const checker = compileCompetitorChecker(policy.competitors);
const judge = (text: string, channel: Channel = 'reply') =>
  checker.check(text, 'data.text', channel).map((f) => `${f.rule}:${f.severity}:${text.slice(f.span!.start, f.span!.end)}`);

describe('competitor/promotion and its non-promotion twin', () => {
  const pairs: Array<[string, string[], string, string[]]> = [
    // [promotion, findings, twin, findings]
    ['加我微信', ['competitor/promotion:error:加我微信'], '微信支付暂不支持', ['competitor/mention:warning:微信支付']],
    ['微信号：abc123', ['competitor/promotion:error:微信号：abc123'], '微信号是什么？', ['competitor/mention:warning:微信号']],
    ['VX：abc', ['competitor/promotion:error:VX：abc'], '我们不用 VX', ['competitor/mention:warning:VX']],
    ['Add me on WeChat', ['competitor/promotion:error:Add me on WeChat'], 'WeChat is down today', ['competitor/mention:warning:WeChat']],
    ['Follow us on TikTok', ['competitor/promotion:error:Follow us on TikTok'], 'As seen on TikTok', ['competitor/mention:warning:TikTok']],
    ['扫码关注公众号', ['competitor/promotion:error:关注公众号'], '公众号已停更', ['competitor/mention:warning:公众号']],
    ['搜一搜小红书', ['competitor/promotion:error:搜一搜小红书'], '小红书上有人问', ['competitor/mention:warning:小红书']],
    ['QQ群号 123456', ['competitor/promotion:error:QQ群号 123456'], 'QQ群已满', ['competitor/mention:warning:QQ群']],
    ['加西瓜', ['competitor/promotion:error:加西瓜'], '西瓜很甜', []],
    ['加V：abc888', ['competitor/promotion:error:加V：abc888'], '加V认证流程', []],
  ];
  test.each(pairs)('%s', (promo, promoFindings, twin, twinFindings) => {
    expect(judge(promo)).toEqual(promoFindings);
    expect(judge(twin)).toEqual(twinFindings);
  });

  test('evasions: full-width, spaces and zero-width between CJK, homophones', () => {
    expect(judge('加 ＶＸ：abcd')).toEqual(['competitor/promotion:error:加 ＶＸ：abcd']);
    expect(judge('加我 微 信')).toEqual(['competitor/promotion:error:加我 微 信']);
    expect(judge('加我微\u200b信')).toEqual(['competitor/promotion:error:加我微\u200b信']);
    expect(judge('威 信 搜索 abc')).toEqual(['competitor/promotion:error:威 信 搜索']);
    expect(judge('ＷｅＣｈａｔ ＩＤ： brand_01')).toEqual(['competitor/promotion:error:ＷｅＣｈａｔ ＩＤ： brand_01']);
  });

  test('everyday words and Weibo itself are not competitors', () => {
    for (const t of ['加油', '关注我们的微博', '欢迎关注我们的微博，搜索“某某品牌”即可', '卫星发射成功', 'online shop', 'add to cart', '打开微博搜索', '点击链接了解更多']) {
      expect(judge(t), t).toEqual([]);
    }
  });

  test('a call to action in another clause or too far away does not count', () => {
    expect(judge('欢迎关注！微信支付暂不支持')).toEqual(['competitor/mention:warning:微信支付']);
    // Within one sentence distance no longer matters (issue 10: intent per sentence, not an 8-unit window).
    expect(judge('关注我们的官方账号。我们的朋友们也在朋友圈')).toEqual(['competitor/mention:warning:朋友圈']);
    expect(judge('关注我们的官方账号和我们的朋友们在朋友圈')).toEqual(['competitor/promotion:error:关注我们的官方账号和我们的朋友们在朋友圈']);
  });

  test('a negated call to action warns users off: a mention, not promotion', () => {
    expect(judge('请勿添加陌生人微信')).toEqual(['competitor/mention:warning:微信']);
    expect(judge("Don't add strangers on WeChat")).toEqual(['competitor/mention:warning:WeChat']);
  });

  test('the longest name wins (微信公众号 over 微信 and 公众号)', () => {
    expect(judge('关注微信公众号')).toEqual(['competitor/promotion:error:关注微信公众号']);
  });

  test('channel exceptions: an ad may point to a WeChat mini-program', () => {
    expect(judge('打开微信小程序', 'reply')).toEqual(['competitor/promotion:error:打开微信小程序']);
    expect(judge('打开微信小程序', 'ad')).toEqual(['competitor/promotion:warning:打开微信小程序']);
  });

  test('evidence names the rules entry', () => {
    const [f] = checker.check('加我微信', 'data.text', 'reply');
    expect(f).toMatchObject({ path: 'data.text', span: { start: 0, end: 4 }, evidence: { text: '加我微信' } });
    expect(f!.evidence!.entry).toMatch(/^rules\/competitors\.yaml:\d+ wechat$/);
    expect(f!.message.zh).toContain('微信');
  });

  test('linear on 1 MB of dense names and calls to action', () => {
    const text = '加微信'.repeat(350_000);
    const findings = checker.check(text, 'text', 'reply');
    expect(findings.length).toBe(350_000);
    expect(findings.every((f) => f.rule === 'competitor/promotion')).toBe(true);
  });
});

describe('the quick first passes never hide a name the folded text contains', () => {
  test('whenever the folded text has 微信 or 抖音, there is a finding', () => {
    const alphabet = fc.constantFrom('微', '信', '抖', '音', '加', ' ', '\u200b', '·', 'ｗ', 'a', '好', '，', '㎏', '👍', '\u3000');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }).map((a) => a.join('')), (text) => {
        const folded = normalizeForMatch(text).text;
        if (folded.includes('微信') || folded.includes('抖音')) expect(checker.check(text, 'text', 'reply').length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
  test('whenever the folded text has WeChat as a whole word, there is a finding', () => {
    const alphabet = fc.constantFrom('wechat', 'ＷｅＣｈａｔ', 'we\u200bchat', 'a', 'x', '1', ' ', '微', '信', '·', '\u200b', 'have');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')), (text) => {
        if (/(^|[^a-z0-9])wechat([^a-z0-9]|$)/.test(normalizeForMatch(text).text)) expect(checker.check(text, 'text', 'reply').length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('normalizeForMatch keeps a map to the original offsets', () => {
  test('full-width, NFKC expansion, zero-width, invisible controls, traditional characters', () => {
    // Noise between a name's characters (微 · 信) is the name matcher's to skip, bounded; the fold keeps it.
    const n = normalizeForMatch('Ａ㎏微 · 信\u200bx\u202e號\u{e0041}');
    expect(n.text).toBe('akg微 · 信x号');
    expect([...n.start]).toEqual([0, 1, 1, 2, 3, 4, 5, 6, 8, 10]);
  });
  test('spaces between Latin words stay', () => {
    expect(normalizeForMatch('Add Me').text).toBe('add me');
    expect(normalizeForMatch('微信 abc').text).toBe('微信 abc');
  });
});

describe('AhoCorasick', () => {
  test('finds overlapping patterns in one pass', () => {
    const ac = new AhoCorasick([['he', 1], ['she', 2], ['his', 3], ['hers', 4]] as const);
    expect(ac.findAll('ushers').map((m) => [m.start, m.end, m.value])).toEqual([
      [1, 4, 2],
      [2, 4, 1],
      [2, 6, 4],
    ]);
  });
});
