import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLink, describeEntry, loadPolicy, type LinkDecision } from '../../src/policy/index.js';
import { link, project, repoRoot, TODAY } from './helpers.js';

const policy = loadPolicy({ cwd: project(), now: TODAY });
const decide = (url: string, channel?: 'reply' | 'post' | 'ad'): LinkDecision => classifyLink(link(url), policy, channel);
const rule = (url: string, channel?: 'reply' | 'post' | 'ad') => decide(url, channel).rule;

describe('host matching on label boundaries', () => {
  it.each([
    ['https://www.gov.cn/zhengce/', 'gov.cn'],
    ['https://www.beijing.gov.cn/', 'gov.cn'],
    ['http://people.com.cn', 'people.com.cn'],
    ['https://politics.people.com.cn/n1/2026/1123/c1001.html', 'people.com.cn'],
    ['https://m.weibo.cn/status/1', 'weibo.cn'],
  ])('%s is allowed by %s', (url, domain) => {
    expect(decide(url)).toMatchObject({ allowed: true, rule: 'link/allowed', severity: null, entry: { domain, kind: 'allow' } });
  });

  it.each(['https://evilgov.cn/', 'https://gov.cn.evil.com/', 'https://people.com.cn.example.net/', 'https://notweibo.com/', 'https://weibo.com.cn/', 'https://example.com/'])(
    '%s is not whitelisted',
    (url) => {
      expect(decide(url)).toMatchObject({ allowed: false, rule: 'link/not-whitelisted', severity: 'error' });
      expect(decide(url).entry).toBeUndefined();
    },
  );
});

describe('obfuscated links are judged by their canonical host', () => {
  it.each([
    ['weixin[.]qq[.]com', 'link/competitor'],
    ['ｗｗｗ．ｐｅｏｐｌｅ．ｃｏｍ．ｃｎ', 'link/allowed'],
    ['evilgov。cn', 'link/not-whitelisted'],
    ['HTTPS://WWW.GOV.CN./', 'link/allowed'],
  ])('%s → %s', (text, expected) => {
    expect(rule(text)).toBe(expected);
  });
});

describe('most specific wins; deny beats allow at equal specificity', () => {
  it('news.qq.com is licensed media while qq.com is a competitor', () => {
    expect(decide('https://news.qq.com/rain/a/2026')).toMatchObject({ allowed: true, entry: { domain: 'news.qq.com', category: 'media' } });
    expect(decide('https://v.qq.com/x/cover')).toMatchObject({ allowed: false, rule: 'link/competitor', entry: { domain: 'qq.com', service: 'qq' } });
  });

  it('weixin.qq.com is WeChat and mp.weixin.qq.com the more specific Official Accounts', () => {
    expect(decide('https://weixin.qq.com/')).toMatchObject({ rule: 'link/competitor', entry: { domain: 'weixin.qq.com', service: 'wechat', category: 'competitors', kind: 'deny' } });
    expect(decide('https://mp.weixin.qq.com/s/abc')).toMatchObject({ rule: 'link/competitor', entry: { domain: 'mp.weixin.qq.com', service: 'wechat-official-accounts' } });
    expect(decide('https://mp.weixin.qq.com/s/abc').reason.en).toBe('mp.weixin.qq.com belongs to WeChat Official Accounts (公众号), a service competing with Weibo');
  });

  it('competitor CDN hosts are denied: mmbiz.qpic.cn', () => {
    expect(decide('https://mmbiz.qpic.cn/mmbiz_jpg/x/0?wx_fmt=jpeg')).toMatchObject({ rule: 'link/competitor', entry: { domain: 'mmbiz.qpic.cn', service: 'wechat' } });
    expect(rule('https://qpic.cn/')).toBe('link/not-whitelisted');
  });

  it('an allow for the very same host as a deny loses', () => {
    const cwd = project({ 'weibo-guard.config.yaml': 'whitelist:\n  - domain: weixin.qq.com\n    source: s\n    added: 2026-01-01\n' });
    const p = loadPolicy({ cwd, now: TODAY });
    expect(classifyLink(link('https://weixin.qq.com/'), p)).toMatchObject({ rule: 'link/competitor', entry: { file: 'rules/competitors.yaml' } });
    expect(p.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^weixin\.qq\.com: never applies: rules\/competitors\.yaml:\d+ denies the same domain/)]);
  });

  it('a more specific allow under a deny wins, and only there', () => {
    const cwd = project({ 'weibo-guard.config.yaml': 'whitelist:\n  - domain: kf.qq.com\n    source: Tencent customer service, our support partner\n    added: 2026-01-01\n' });
    const p = loadPolicy({ cwd, now: TODAY });
    expect(classifyLink(link('https://kf.qq.com/faq'), p).allowed).toBe(true);
    expect(classifyLink(link('https://im.qq.com/'), p).rule).toBe('link/competitor');
  });
});

describe('path prefixes and channels narrow an entry', () => {
  const yaml = [
    'whitelist:',
    '  - domain: example.com',
    '    paths: [/news, /help/]',
    '    source: s',
    '    added: 2026-01-01',
    '  - domain: ads.example.org',
    '    channels: [ad, post]',
    '    source: s',
    '    added: 2026-01-01',
    '  - domain: weixin.qq.com',
    '    paths: [/cgi-bin/readtemplate]',
    '    source: WeChat help page our support team is told to cite',
    '    added: 2026-01-01',
    '',
  ].join('\n');
  const p = loadPolicy({ cwd: project({ 'weibo-guard.config.yaml': yaml }), now: TODAY });
  const r = (url: string, channel: 'reply' | 'post' | 'ad' = 'reply') => classifyLink(link(url), p, channel);

  it.each([
    ['https://example.com/news', true],
    ['https://example.com/news/2026/1', true],
    ['https://example.com/news?id=7', true],
    ['https://www.example.com/news/1', true],
    ['https://example.com/newsletter', false],
    ['https://example.com/', false],
    ['https://example.com/help/faq', true],
    ['https://example.com/help', false],
    ['https://example.com/NEWS', false],
  ])('%s → allowed %s', (url, allowed) => {
    expect(r(url).allowed).toBe(allowed);
    if (!allowed) expect(r(url).rule).toBe('link/not-whitelisted');
  });

  it('a channel-limited entry applies only in its channels', () => {
    expect(r('https://ads.example.org/', 'ad').allowed).toBe(true);
    expect(r('https://ads.example.org/', 'post').allowed).toBe(true);
    expect(r('https://ads.example.org/', 'reply').rule).toBe('link/not-whitelisted');
    expect(classifyLink(link('https://ads.example.org/'), p).rule).toBe('link/not-whitelisted');
  });

  it('a path entry is more specific than a deny on the same host; off its path the deny decides', () => {
    expect(r('https://weixin.qq.com/cgi-bin/readtemplate?t=x').allowed).toBe(true);
    expect(r('https://weixin.qq.com/cgi-bin/other')).toMatchObject({ rule: 'link/competitor', entry: { service: 'wechat' } });
  });
});

describe('WeChat mini-programs: allowed in ads only', () => {
  it('the URL Link host', () => {
    expect(decide('https://wxaurl.cn/bVaR0tPsrtt', 'ad')).toMatchObject({ allowed: true, entry: { domain: 'wxaurl.cn', kind: 'allow', service: 'wechat-mini-programs' } });
    expect(decide('https://wxaurl.cn/bVaR0tPsrtt', 'reply')).toMatchObject({ allowed: false, rule: 'link/competitor', entry: { kind: 'deny', service: 'wechat-mini-programs' } });
    expect(rule('https://wxaurl.cn/bVaR0tPsrtt', 'post')).toBe('link/competitor');
  });

  it('the weixin:// URL Scheme for mini-programs, and no other weixin:// link', () => {
    expect(decide('weixin://dl/business/?t=abc123', 'ad')).toMatchObject({ allowed: true, rule: 'link/allowed', entry: { domain: 'weixin://dl/business/', service: 'wechat' } });
    expect(decide('weixin://dl/business/?t=abc123', 'reply')).toMatchObject({ allowed: false, rule: 'link/competitor', entry: { domain: 'weixin:', service: 'wechat' } });
    expect(rule('weixin://dl/chat', 'ad')).toBe('link/competitor');
  });
});

describe('links that are findings of their own', () => {
  it.each(['http://1.2.3.4/', 'https://127.0.0.1:8080/login', 'http://[::1]/', 'http://[2001:db8::1]/x'])('%s is an IP address', (url) => {
    expect(decide(url)).toMatchObject({ allowed: false, rule: 'link/ip-address', severity: 'error' });
  });

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'mailto:a@b.cn', 'ftp://files.gov.cn/a'])('%s is a non-web scheme', (url) => {
    const d = decide(url);
    expect(d).toMatchObject({ allowed: false, rule: 'link/scheme', severity: 'error' });
    expect(d.reason.en).toContain(`"${link(url).scheme}:"`);
  });

  it.each([
    ['snssdk1128://aweme/detail/123', 'douyin'],
    ['kwai://profile/1', 'kuaishou'],
    ['xhsdiscover://user/1', 'xiaohongshu'],
    ['mqqwpa://im/chat?uin=1', 'qq'],
  ])('%s opens a competitor app (%s)', (url, service) => {
    expect(decide(url)).toMatchObject({ allowed: false, rule: 'link/competitor', severity: 'error', entry: { service, kind: 'deny', file: 'rules/competitors.yaml' } });
  });

  it('credentials: the host a reader sees is not the one that opens', () => {
    expect(decide('https://weibo.com@evil.cn/')).toMatchObject({ allowed: false, rule: 'link/credentials', severity: 'error' });
    expect(decide('https://weibo.com@evil.cn/').reason.en).toContain('evil.cn');
    expect(rule('https://user:pass@www.gov.cn/')).toBe('link/credentials');
  });

  it('t.cn is Weibo’s own shortener: a warning, even though t.cn is whitelisted', () => {
    expect(decide('http://t.cn/A6abcdE')).toMatchObject({ allowed: false, rule: 'link/shortener', severity: 'warning', entry: { domain: 't.cn', category: 'shorteners' } });
  });

  it.each([
    ['https://bit.ly/3xyz', 'bit.ly'],
    ['https://w.url.cn/s/abc', 'url.cn'],
    ['https://u.jd.com/abc', 'u.jd.com'],
    ['https://b23.tv/BV1', 'b23.tv'],
  ])('%s is a shortener with an unknown target (%s)', (url, domain) => {
    expect(decide(url)).toMatchObject({ allowed: false, rule: 'link/shortener', severity: 'error', entry: { domain } });
  });

  it('label boundaries hold for shorteners too', () => {
    expect(rule('https://notbit.ly/')).toBe('link/not-whitelisted');
    expect(rule('https://item.jd.com/100.html')).toBe('link/allowed');
  });

  it('scheme before IP before credentials before shortener', () => {
    expect(rule('https://u:p@1.2.3.4/')).toBe('link/ip-address');
    expect(rule('https://u:p@bit.ly/x')).toBe('link/credentials');
  });

  it('a 1 MB host of one-letter labels is refused at once, not walked label by label', () => {
    const host = `${'a.'.repeat(500_000)}gov.cn`;
    const l = { ...link('https://www.gov.cn/'), host, raw: host };
    expect(classifyLink(l, policy)).toMatchObject({ allowed: false, rule: 'link/not-whitelisted', reason: { en: 'the host is 1000006 characters long; a host name has at most 253' } });
    expect(policy.whitelist.match(host)).toBeUndefined();
    expect(policy.shorteners.match(`${'a.'.repeat(500_000)}t.cn`)).toBeUndefined();
  });

  it('a web link whose host could not be read', () => {
    const l = { ...link('https://example.com/'), host: null, hostType: null, url: null, raw: 'https://exa mple.com' };
    expect(classifyLink(l, policy)).toMatchObject({ allowed: false, rule: 'link/not-whitelisted', reason: { en: '"https://exa mple.com" cannot be read as a web address' } });
  });
});

describe('evidence', () => {
  it('every decision explains itself in English and Chinese', () => {
    for (const url of ['https://www.gov.cn/', 'https://evilgov.cn/', 'https://weixin.qq.com/', 'http://1.2.3.4/', 'javascript:x', 'https://a:b@weibo.com/', 'http://t.cn/x', 'weixin://x']) {
      const { reason } = decide(url);
      expect(reason.en.length, url).toBeGreaterThan(10);
      expect(reason.zh, url).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('the entry names the real file and line, in the Evidence.entry form', () => {
    const d = decide('https://www.thepaper.cn/newsDetail_forward_1');
    const text = readFileSync(join(repoRoot, d.entry!.file), 'utf8').split('\n');
    expect(text[d.entry!.line - 1]).toBe('  - domain: thepaper.cn');
    expect(describeEntry(d.entry!)).toBe(`whitelist/media.yaml:${d.entry!.line} thepaper.cn`);
    const c = decide('weixin://dl/chat');
    expect(readFileSync(join(repoRoot, c.entry!.file), 'utf8').split('\n')[c.entry!.line - 1]).toBe('  - id: wechat');
  });

  it('defaults to the reply channel', () => {
    expect(classifyLink(link('https://wxaurl.cn/x'), policy).rule).toBe('link/competitor');
  });
});
