import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileCompetitorChecker } from '../../src/checks/competitor.js';
import { normalizeForMatch } from '../../src/checks/normalize.js';
import { loadPolicy } from '../../src/policy/index.js';

const policy = loadPolicy({ cwd: '/tmp' });
const checker = compileCompetitorChecker(policy.competitors);
/** The strongest verdict on a text: promotion (blocks), mention (warns) or nothing. */
const verdict = (text: string): 'promotion' | 'mention' | 'nothing' => {
  const fs = checker.check(text, 'data.text', 'reply');
  if (fs.some((f) => f.rule === 'competitor/promotion' && f.severity === 'error')) return 'promotion';
  return fs.length > 0 ? 'mention' : 'nothing';
};
const expectAll = (texts: string[], want: ReturnType<typeof verdict>) => {
  for (const t of texts) expect(verdict(t), t).toBe(want);
};

describe('promotion by intent, per sentence', () => {
  test('direction: 去/到/上/在/来 + service + 看/搜/找/关注/私信/下单/购买', () => {
    expectAll(['去抖音搜我们', '在小红书看笔记', '上快手找我', '到知乎私信我们', '来抖音直播间下单', '在快手上购买更便宜', '去小红书上搜一下我们的店名就能看到'], 'promotion');
  });
  test('direction, English: on/via/go to + service, the verb several words away', () => {
    expectAll(['Watch the full video on TikTok', 'Go to Douyin and search for our brand', 'You can find all of our tutorials on Kuaishou', 'Search "acme" on Xiaohongshu', 'Message our team via WeChat', 'Find us on RedNote'], 'promotion');
  });
  test('account pointer: ID word or colon + value, 同号, my number is', () => {
    expectAll(['抖音账号 acme_official', '小红书名：某某旗舰店', '快手：acme888', 'Kuaishou: acme888', '微信同号', '微信手机同号，随时联系', 'WeChat is the same as my phone number', '我的抖音号是acme2024', '知乎昵称：小王说', '抖音ID acme123'], 'promotion');
  });
  test('account pointer: an arrow, bar or spaced dash points like a colon; @handles; an ID in parentheses', () => {
    expectAll(['快手 | shop_2024', 'Douyin ID » mia.daily', '知乎 ➡️ laowang_99', 'Kuaishou ID - ks_shop01', '抖音：@小美的厨房', 'RedNote: @mia.daily', '快手（ks_laowang88）每晚直播'], 'promotion');
    // Parentheses hold a translation as often as an ID; a lone English word followed by prose is a sentence.
    expectAll(['微信（WeChat）支付暂不支持', 'TikTok: some customers asked about it'], 'mention');
  });
  test('same number: anywhere in the sentence for a name that is no everyday word', () => {
    expectAll(['Text or message on WeChat, same number: 139 2222 3333', 'QQ = my phone'], 'promotion');
  });
  test('English: a name used as the verb, "X is where …", verbs of posting and moving', () => {
    expectAll(['QQ me for the price list', 'WeChat us anytime', 'Kuaishou is where we stream the unboxing', 'Zhihu is the best way to reach our engineers', 'We publish the full review on Zhihu', 'We moved the fan club to QQ'], 'promotion');
    expectAll(['We moved the fan club to Weibo', 'How do I move my order to another address?'], 'nothing');
  });
  test('possession: 我们的/我的/官方/本店/our/official + service or surface', () => {
    expectAll(['咱家快手每晚直播', '俺们的知乎专栏更新了', '自家的抖音小店上新', '我们家的QQ群有福利'], 'promotion');
    expectAll(['我们的公众号每天更新', '官方抖音每晚直播', '本店快手小店有优惠', 'Check our official WeChat for updates', 'our Douyin has more videos', '我的朋友圈有更多新品'], 'promotion');
  });
  test('a surface with a call to action, direction verb or surface verb anywhere in its sentence', () => {
    expectAll(['每晚八点视频号开播', '朋友圈每天更新新品', '企业微信里有专属客服', '抖音小黄车已上架'], 'promotion');
    expectAll(['每晚八点微博开播', '微博每天更新新品'], 'nothing');
  });
  test('surfaces of a service count like its name', () => {
    expectAll(['关注我们的视频号', '扫码进入小程序领取', '打开抖店下单', '添加企业微信客服', '上QQ空间看相册', '关注头条号获取资讯', '去快手小店下单'], 'promotion');
  });
  test('euphemisms and emoji stand-ins', () => {
    expectAll(['有问题可以直接V我：acme', '购买请认准我们快手小店', '商品链接放在抖音橱窗了', 'V信同步手机号', '更多优惠请移步某音', '去某乎搜我们的专栏', '加薇：abc123', '来小🍠看笔记', '去🎵搜我们', '加绿泡泡：acme2024', '加🐧：123456789', '扣扣：123456789', '小🍠搜：acme', '加V❤：acme2024', '加V心 acme2024'], 'promotion');
  });
  test('noise inside a name', () => {
    expectAll(['加我微🌟信', '加我微.信', '关注抖-音', '加Q.Q：123456', 'add me on W e C h a t', '加V❤信', '加微\u202e信', '加微\u{e0041}信', '关注抖\ufe0f音'], 'promotion');
  });
  test('letters that only look Latin (Cyrillic, Greek, small capitals) spell the name', () => {
    expectAll(['Dоuyin ID: shop_777', 'ᴋᴜᴀɪsʜᴏᴜ: ks_shop01', 'add me on QQ: 5566778899'.replace('o', 'ο')], 'promotion');
  });
  test('请看/请到 and a pointing hand are calls to action; a pointer a few words on points with quotes or a colon', () => {
    expectAll(['更多案例请看知乎', '详情请到抖音', '直播👉抖音', '我们在快手的主页叫「老王钓鱼」'], 'promotion');
    expectAll(['更多案例请看微博'], 'nothing');
    expectAll(['我们在快手的主页不更新了'], 'mention');
  });
  test('a name spelled in spaced pinyin, and an English product name that is also an everyday word', () => {
    expectAll(['dou yin hao: shop_99', 'Streaming live on Channels tonight'], 'promotion');
    expectAll(['We sell through many channels', 'Available on all channels'], 'nothing');
  });
  test('an everyday word around a name is no name (抠抠搜搜: stingy)', () => {
    expectAll(['抠抠搜搜的优惠我们不搞'], 'nothing');
  });
  test('a heart reads 心 and an enclosed or squared letter reads as the letter', () => {
    expectAll(['加卫♥号：kk_2024', '薇💕号：abc_123', '🅀🅀：5566778899', '🆆🅴🅲🅷🅰🆃 ID: shop_88'], 'promotion');
    expectAll(['谢谢您的支持💕', '新年快乐🇨🇳', '今天也要开心♥'], 'nothing');
  });
  test('two overlapping names: the later one that runs on wins (腾讯QQ|QQ群), and a group word takes a bare number', () => {
    expectAll(['腾讯QQ群：12345678', '企鹅群 5566778', 'QQ group 5566778'], 'promotion');
  });
  test('号码 after an ID word and 同名 point like 号', () => {
    expectAll(['QQ号码：5566778899', '快手 同名：老王钓鱼'], 'promotion');
  });
  test('noise inside a directive word between Chinese characters', () => {
    expectAll(['微 信 同 号', '关 注 我们的公众号'], 'promotion');
    expect(verdict('请 勿 添 加 微信')).toBe('mention');
  });
  test('a verb that reports is no direction; the same verb directing is', () => {
    expect(verdict('您在抖音上找到的商品不是我们的')).toBe('mention');
    expect(verdict('可以到知乎上找到我们的专栏')).toBe('promotion');
  });
  test('traditional characters fold to simplified', () => {
    expectAll(['加我微信號：abc123', '關注小紅書', '請加我們的微信', '抖音號：acme_1'], 'promotion');
  });
  test('homophones from pinyin count in strong context only', () => {
    expectAll(['加薇芯：abc123', '加威心 abc123', '围信号：abc123', '加逗音号 acme_1'], 'promotion');
    expectAll(['为新用户准备了礼包', '威信县的客户请注意', '卫星发射成功', '微型计算器已发货', '维新时期的历史', '斗音乐节门票已售罄'], 'nothing');
  });
});

describe('stays a mention or nothing', () => {
  test('negated directives', () => {
    expectAll(['请勿在抖音购买假冒商品', '不要添加任何自称客服的微信', "Don't search for us on TikTok, we are not there", '我们没有官方抖音账号', '请不要私信小红书上的假冒账号'], 'mention');
  });
  test('a negation covers its clause: the directives up to the first name, and that name with the names coordinated to it', () => {
    expectAll(['我们从来不会让顾客去抖音下单', '本店不在小红书开店', '提醒您警惕有人假冒客服让您下载快手极速版', 'We will never ask you to follow us on Kuaishou', 'We are not on Xiaohongshu or Zhihu: this account is the only one', '本店没有知乎账号，也没有开通抖音小店'], 'mention');
  });
  test("a negation's scope ends at a word that says rather than denies, and some words hold a negation that does not negate", () => {
    // A covered name still points when an ID is shown: a warning names no ID.
    expectAll(['不在线时加微信：abc_123', '没有微信的加QQ：5566778'], 'promotion');
    expectAll(['没收到货的话请加微信 abc123', '没问题加我微信abc123', "Don't forget to follow us on TikTok", '不要犹豫，直接关注我们的抖音', '别错过我们的快手直播'], 'promotion');
  });
  test('an everyday word that shares a name never promotes by possession alone', () => {
    expectAll(['我们的西瓜今天到货', '本店红薯现挖现发', '官方头条今天发布了新政策'], 'nothing');
  });
  test('everyday words holding a name character, and Weibo\'s own badges, are no name', () => {
    expectAll(['点击开启防抖后再拍摄', '画面抖动时请打开防抖', '请认准黄V认证的官方账号', '申请加V认证请联系客服'], 'nothing');
  });
  test('a verb with a result that reports (看到, 刷到) is no direction', () => {
    expectAll(['有用户在抖音刷到了仿冒的店铺', '我在快手看到过这款'], 'mention');
  });
  test('bare mentions and payment methods', () => {
    expectAll(['微信支付暂不支持', 'We accept WeChat Pay', '支持微信支付和支付宝', '本店支持微信支付，下单后48小时内发货', '用微信扫码付款即可', 'Please pay via WeChat at checkout', '您在抖音看到的店铺不是我们的', 'As seen on TikTok'], 'mention');
  });
  test('generic surfaces alone, or tied to a non-competitor, are not WeChat', () => {
    expectAll(['打开支付宝小程序下单', '关注我们的微博小程序', '小程序暂时无法访问', '服务号已停用'], 'nothing');
    expectAll(['打开抖音小程序下单'], 'promotion');
  });
  test('everyday customer-service text', () => {
    expectAll(
      ['关注我们的微博，了解最新活动', '您的订单已发货，请在App内查看物流', '请到门店购买', '上周下单的商品已发出', '在我们的官网下单可享九折', 'Go to Settings and search for updates', 'Find us on Weibo', 'Our official store opens at 9', '我们的客服电话与手机同号吗？请拨打400-123-4567', 'We chat with customers every day', '请在订单页面搜索您的订单号：A123456', '我们会加快手续办理，请放心。', '我们的小程序正在维护中', 'Please follow our official account on Weibo', 'Follow our store for more moments of joy', 'Please contact our service account manager'],
      'nothing',
    );
  });
});

describe('spans and sentences', () => {
  test('the finding spans the name and the directive, in the original text', () => {
    const [f] = checker.check('您好！去抖音搜我们。', 'data.text', 'reply');
    expect(f).toMatchObject({ rule: 'competitor/promotion' });
    expect('您好！去抖音搜我们。'.slice(f!.span!.start, f!.span!.end)).toBe('去抖音搜');
  });
  test('a directive in another sentence does not count', () => {
    expect(verdict('请关注我们。抖音上也有人问过')).toBe('mention');
    expect(verdict('Follow us! TikTok is popular')).toBe('mention');
    // A full stop ends an English sentence before Chinese text too; inside Q.Q or 1.5 it does not.
    expect(verdict('Please do not add strangers on WeChat.如有疑问请随时私信我们。')).toBe('mention');
  });
});

describe('trace: one implementation behind check and explain', () => {
  test('names the sentence, the matched parts and why', () => {
    const t = checker.trace('您好。去抖🌟音搜我们！');
    const s = t.sentences.find((x) => x.result === 'promotion')!;
    expect(s.text).toBe('去抖🌟音搜我们！');
    expect(s.names.map((n) => [n.service, n.original])).toEqual([['douyin', '抖🌟音']]);
    expect(s.names[0]!.directive!.kind).toBe('direction');
    expect(s.directives.map((d) => d.kind)).toEqual(expect.arrayContaining(['prep', 'verb']));
    expect(s.why.en).toMatch(/direction/);
    expect(t.normalized).toContain('抖');
  });
});

describe('normalization properties', () => {
  const alphabet = fc.constantFrom('微', '信', '抖', '音', '加', '號', ' ', '\u200b', '\u202e', '\u{e0041}', '\ufe0f', '·', '🌟', '❤', 'ｗ', 'a', 'Q', '.', '，', '。', '㎏', '\u0000', '\u{20000}', '去', '搜', '：', '1');
  const texts = fc.array(alphabet, { maxLength: 16 }).map((a) => a.join(''));
  test('never throws; spans and origins stay inside the text', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const n = normalizeForMatch(text);
        for (const o of n.start) expect(o).toBeLessThan(text.length);
        for (const f of checker.check(text, 'text', 'reply')) {
          expect(f.span!.start).toBeGreaterThanOrEqual(0);
          expect(f.span!.end).toBeLessThanOrEqual(text.length);
          expect(f.span!.start).toBeLessThan(f.span!.end);
        }
        const t = checker.trace(text);
        for (const s of t.sentences) for (const m of [...s.names, ...s.directives]) expect(m.end).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 3000 },
    );
  });
  test('the quick first look never hides a name with noise inside it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('', ' ', '🌟', '.', '\u202e', '·', '-'), { minLength: 1, maxLength: 1 }), fc.constantFrom('微信', '抖音', '快手'), (noise, name) => {
        const text = `加${name[0]}${noise[0]}${name[1]}`;
        expect(verdict(text), text).toBe('promotion');
      }),
    );
  });
  test('a long run of noise is not inside a name', () => {
    expect(verdict('微🌟🌟🌟🌟信')).toBe('nothing');
  });
});
