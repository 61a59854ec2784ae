import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLink, loadPolicy, normalizeTerm } from '../../src/policy/index.js';
import { link, project, repoRoot, TODAY } from './helpers.js';

const policy = loadPolicy({ cwd: project(), now: TODAY });
const { competitors } = policy;
const service = (id: string) => {
  const s = competitors.byId.get(id);
  if (!s) throw new Error(`no service ${id}`);
  return s;
};

describe('normalizeTerm', () => {
  it('folds full-width forms and Latin case, as the checker will fold text', () => {
    expect(normalizeTerm('ＶＸ')).toBe('vx');
    expect(normalizeTerm('＋Ｖ')).toBe('+v');
    expect(normalizeTerm('WeChat')).toBe('wechat');
    expect(normalizeTerm('微信')).toBe('微信');
  });
});

describe('competitor data for the checks', () => {
  it.each([
    // 威信 is also a county (威信县): counted only with a directive right next to it.
    ['wechat', ['微信', 'weixin', 'wechat', 'vx', 'v信', '薇信', '微❤', '➕v'], ['v', '+v', '加v', '威信']],
    ['wechat-official-accounts', ['微信公众号'], []],
    ['wechat-channels', ['微信视频号'], []],
    ['wechat-moments', ['微信朋友圈'], []],
    ['wechat-mini-programs', ['微信小程序'], []],
    ['douyin', ['抖音', 'douyin', 'tiktok'], ['dy']],
    ['kuaishou', ['快手', 'kuaishou'], []],
    ['xiaohongshu', ['小红书', 'xhs', 'xhslink'], ['红薯']],
    ['qq', ['qq', 'qq群', '扣扣'], []],
    ['zhihu', ['知乎'], []],
    ['toutiao', ['今日头条', 'toutiao'], ['头条']],
    ['xigua', ['西瓜视频'], ['西瓜']],
  ])('%s: names and ambiguous names, normalised', (id, names, ambiguous) => {
    const s = service(id);
    for (const n of names) expect(s.names, n).toContain(n);
    for (const n of ambiguous) {
      expect(s.ambiguousNames, n).toContain(n);
      expect(s.names, n).not.toContain(n);
    }
    expect(s.note.length).toBeGreaterThan(20);
  });

  it.each([
    ['wechat-official-accounts', '公众号'],
    ['wechat-channels', '视频号'],
    ['wechat-moments', '朋友圈'],
  ])('%s: the short name %s is a place inside WeChat, a surface', (id, surface) => {
    const s = service(id);
    expect(s.surfaces.map((x) => x.normalized)).toContain(surface);
    expect(s.surfaces.find((x) => x.normalized === surface)!.weak).toBe(false);
  });

  it('short aliases are all marked ambiguous', () => {
    for (const s of competitors.services) for (const t of s.terms) if ([...t.normalized].length <= 1) expect(t.ambiguous, `${s.id}: ${t.text}`).toBe(true);
  });

  it('surfaces, mention-only uses, homophone sources and the grammar words are there, normalised', () => {
    expect(service('wechat-mini-programs').surfaces).toEqual(expect.arrayContaining([{ text: '小程序', normalized: '小程序', weak: true }]));
    expect(service('douyin').surfaces.map((x) => x.normalized)).toEqual(expect.arrayContaining(['抖店', '抖音小店', 'tiktok shop']));
    expect(service('wechat').mentionsOnly).toEqual(expect.arrayContaining(['微信支付', 'wechat pay']));
    expect(service('wechat').homophonesOf).toEqual(['微信']);
    expect(competitors.directives.directionPrepositions.zh).toEqual(expect.arrayContaining(['去', '在', '上']));
    expect(competitors.directives.possessives.en).toEqual(expect.arrayContaining(['our', 'official']));
    expect(competitors.directives.negations.zh).toContain('请勿');
    expect(competitors.notCompetitors).toEqual(expect.arrayContaining(['支付宝', '微博']));
  });

  it('ID words and calls to action are there, normalised', () => {
    expect(service('wechat').idPatterns).toEqual(expect.arrayContaining(['微信号', 'vx号', 'wechat id']));
    expect(service('douyin').idPatterns).toContain('抖音号');
    expect(competitors.callsToAction.zh).toEqual(expect.arrayContaining(['加', '添加', '关注', '搜索', '扫码', '下载', '➕']));
    expect(competitors.callsToAction.en).toEqual(expect.arrayContaining(['follow', 'add us on', 'add', 'scan', 'download']));
  });

  it('app schemes map to their service', () => {
    expect(competitors.schemes.get('weixin')?.id).toBe('wechat');
    expect(competitors.schemes.get('snssdk1128')?.id).toBe('douyin');
    expect(competitors.schemes.get('https')).toBeUndefined();
  });

  it('the ad exception is data, on the mini-program service', () => {
    expect(service('wechat-mini-programs').channelExceptions.map((e) => [e.domain ?? e.url, e.channels])).toEqual([
      ['wxaurl.cn', ['ad']],
      ['weixin://dl/business/', ['ad']],
    ]);
  });

  it('Bilibili is deliberately not a competitor (a documented judgement call)', () => {
    expect(competitors.services.some((s) => s.domains.includes('bilibili.com'))).toBe(false);
    expect(classifyLink(link('https://www.bilibili.com/video/BV1xx'), policy).allowed).toBe(true);
  });
});

describe('the shipped lists agree with each other', () => {
  it('every competitor domain, CDN host and scheme is decided as that competitor', () => {
    for (const s of competitors.services) {
      for (const d of [...s.domains, ...s.cdn]) {
        const decision = classifyLink(link(`https://x.${d}/`), policy);
        expect(decision.rule, d).toBe('link/competitor');
        expect(decision.entry?.service, d).toBe(s.id);
      }
      for (const scheme of s.schemes) expect(classifyLink(link(`${scheme}://open`), policy).entry?.service, scheme).toBe(s.id);
    }
  });

  it('every shipped whitelist entry allows its own domain (t.cn aside: shorteners run first)', () => {
    const shipped = policy.sources.filter((f) => f.startsWith('whitelist/'));
    expect(shipped).toHaveLength(4);
    let checked = 0;
    for (const file of shipped) {
      for (const domain of domainsIn(file)) {
        const decision = classifyLink(link(`https://${domain}/`), policy);
        if (domain === 't.cn') expect(decision).toMatchObject({ rule: 'link/shortener', severity: 'warning' });
        else expect(decision, domain).toMatchObject({ allowed: true, entry: { domain, file } });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(70);
  });

  it('every shortener is decided as a shortener', () => {
    for (const domain of ['t.cn', 'url.cn', 'dwz.cn', 'suo.im', 'bit.ly', 'tinyurl.com', 'goo.gl', 'ow.ly', 'is.gd', 'buff.ly', 'rebrand.ly', 't.co']) {
      expect(classifyLink(link(`https://${domain}/abc`), policy).rule, domain).toBe('link/shortener');
    }
    expect(policy.shorteners.size).toBeGreaterThanOrEqual(20);
  });
});

/** Domains as written in a shipped whitelist file (every entry line starts this way). */
function domainsIn(file: string): string[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  return lines.filter((l) => l.startsWith('  - domain: ')).map((l) => l.slice('  - domain: '.length).trim());
}
