import { describe, expect, test } from 'vitest';
import { createGate } from '../../src/gate.js';
import type { ContextInput } from '../../src/context.js';

const gate = createGate({ cwd: '/tmp' });
const inText = (text: string, ctx?: ContextInput) => gate.checkText(text, ctx).map((f) => `${f.rule}:${f.severity}:${text.slice(f.span!.start, f.span!.end)}`);
const url = (u: string, ctx?: ContextInput) => gate.checkUrl(u, ctx, 'data.articles[0].url').map((f) => `${f.rule}:${f.severity}`);

describe('link rules', () => {
  test('link/not-whitelisted, with its twin on the whitelist', () => {
    expect(inText('详情 https://evil.cn/x 查看')).toEqual(['link/not-whitelisted:error:https://evil.cn/x']);
    expect(inText('详情 https://www.people.com.cn/x 查看')).toEqual([]);
    expect(inText('evilgov.cn 与 www.beijing.gov.cn')).toEqual(['link/not-whitelisted:error:evilgov.cn']);
  });
  test('link/competitor', () => {
    expect(url('https://weixin.qq.com/r/abc')).toEqual(['link/competitor:error']);
    expect(url('https://news.qq.com/a/1')).toEqual([]);
    expect(url('weixin://dl/chat')).toEqual(['link/competitor:error']);
  });
  test('link/shortener: unknown targets block, Weibo t.cn is a warning', () => {
    expect(url('https://bit.ly/abc')).toEqual(['link/shortener:error']);
    expect(url('http://t.cn/A6abc')).toEqual(['link/shortener:warning']);
  });
  test('link/ip-address', () => {
    expect(inText('去 http://1.2.3.4/a 看')).toEqual(['link/ip-address:error:http://1.2.3.4/a']);
  });
  test('link/scheme', () => {
    expect(url('javascript:alert(1)')).toEqual(['link/scheme:error']);
    expect(url('data:text/html,hi')).toEqual(['link/scheme:error']);
  });
  test('link/credentials: the host that opens is not the one you read', () => {
    expect(url('https://weibo.com@evil.cn/')).toEqual(['link/credentials:error']);
    expect(url('https://weibo.com/')).toEqual([]);
  });
  test('link/obfuscated: an error when the host is not allowed, a warning when it is', () => {
    expect(inText('访问 evil[.]cn 领取')).toEqual(['link/obfuscated:error:evil[.]cn']);
    expect(inText('访问 weibo。com 领取')).toEqual(['link/obfuscated:warning:weibo。com']);
    const [f] = gate.checkText('访问 evil[.]cn 领取');
    expect(f!.evidence).toMatchObject({ host: 'evil.cn', detail: 'folded: bracket-dot' });
  });
  test('link/personal-account: no links at all, unless the account pays for them', () => {
    expect(inText('看 https://weibo.com/x', { account: 'personal' })).toEqual(['link/personal-account:error:https://weibo.com/x']);
    expect(inText('看 https://weibo.com/x', { account: 'personal', paidLinks: true })).toEqual([]);
    expect(inText('看 https://evil.cn/x', { account: 'personal', paidLinks: true })).toEqual(['link/not-whitelisted:error:https://evil.cn/x']);
    // The competitor finding still says what the host is.
    expect(inText('看 https://weixin.qq.com/x', { account: 'personal' })).toEqual([
      'link/personal-account:error:https://weixin.qq.com/x',
      'link/competitor:error:https://weixin.qq.com/x',
    ]);
  });
  test('channel exceptions: an ad may link a WeChat mini-program', () => {
    expect(url('https://wxaurl.cn/abc', { channel: 'ad' })).toEqual([]);
    expect(url('https://wxaurl.cn/abc', { channel: 'reply' })).toEqual(['link/competitor:error']);
    expect(url('weixin://dl/business/?t=abc', { channel: 'ad' })).toEqual([]);
  });
  test('a URL field that is not a link', () => {
    expect(url('请点击这里')).toEqual(['link/invalid-url:error']);
  });
  test('evidence carries url, host and the deciding entry', () => {
    const [f] = gate.checkUrl('https://weixin.qq.com/r/abc', undefined, 'data.articles[2].url');
    expect(f).toMatchObject({ path: 'data.articles[2].url', evidence: { url: 'https://weixin.qq.com/r/abc', host: 'weixin.qq.com' } });
    expect(f!.evidence!.entry).toMatch(/^rules\/competitors\.yaml:\d+ weixin\.qq\.com$/);
  });
  test('link/invisible: characters a reader cannot see are removed before judging, and named', () => {
    const text = 'https://www.people.com.cn\u0000@evil.cn/x';
    const found = gate.checkText(text);
    expect(found.map((f) => `${f.rule}:${f.severity}`)).toEqual(['link/invisible:error', 'link/credentials:error']);
    expect(found[0]!.evidence).toMatchObject({ host: 'evil.cn', detail: 'removed: U+0000 NUL at 25' });
    expect(found[0]!.span).toEqual({ start: 0, end: text.length });
    // A whitelisted host is still refused when written with a hidden character in it.
    expect(inText('看 weibo\u200b.com 吧')).toEqual(['link/invisible:error:weibo\u200b.com']);
    expect(inText('看 https://ev\u202eil.cn/x 吧')).toEqual(['link/invisible:error:https://ev\u202eil.cn/x', 'link/not-whitelisted:error:https://ev\u202eil.cn/x']);
    expect(url('https://weibo.com\u2066/x')).toEqual(['link/invisible:error']);
    // Its twin, written plainly.
    expect(inText('看 weibo.com 吧')).toEqual([]);
  });
  test('special schemes with one slash or backslashes are judged by the host they open', () => {
    expect(inText('点 https:\\evil.cn/x 领取')).toEqual(['link/not-whitelisted:error:https:\\evil.cn/x']);
    expect(inText('点 http:/\\weibo.com/x 领取')).toEqual([]);
    expect(url('https:/evil.cn/x')).toEqual(['link/not-whitelisted:error']);
  });
  test('dot look-alikes and all-CJK hosts are links', () => {
    expect(inText('访问 evil、cn 领取')).toEqual(['link/obfuscated:error:evil、cn']);
    expect(inText('访问 evil⚫com 领取')).toEqual(['link/obfuscated:error:evil⚫com']);
    expect(inText('访问 商城.中国 领取')).toEqual(['link/not-whitelisted:error:商城.中国']);
    expect(inText('价格、数量、颜色都可以选，欢迎来到中国。')).toEqual([]);
  });
  test('a mini-program text link is a WeChat link, allowed only where mini programs are', () => {
    expect(inText('打开 #小程序://某某商城/abc123 下单')).toEqual(['link/competitor:error:#小程序://某某商城/abc123']);
    expect(inText('打开＃小程序：//某某商城/abc123下单')).toEqual(['link/competitor:error:＃小程序：//某某商城/abc123']);
    expect(inText('打开 #小程序://某某商城/abc123 下单', { channel: 'ad' })).toEqual([]);
    const [f] = gate.checkText('打开 #小程序://某某商城/abc123 下单');
    expect(f!.message.en).toMatch(/mini program/);
    expect(f!.evidence!.entry).toMatch(/^rules\/competitors\.yaml:\d+ /);
  });
});

describe('a bare name that reads as a file name (its TLD is a common file extension)', () => {
  test.each([
    '附件 readme.md 请查收',
    '说明文档是 CHANGELOG.md。',
    '请运行 install.sh 后重启',
    '视频 Demo.mov 已上传',
    'see LICENSE.md and main.py',
    '压缩包 backup.zip 在网盘',
    'Makefile.am 已更新',
  ])('is at most a warning: %s', (text) => {
    const found = inText(text);
    expect(found.length, text).toBeGreaterThan(0);
    for (const f of found) expect(f).toMatch(/^link\/not-whitelisted:warning:/);
  });
  test.each([
    ['https://readme.md', 'https://readme.md'],
    ['www.readme.md', 'www.readme.md'],
    ['readme.md/x', 'readme.md/x'],
    ['docs.readme.md', 'docs.readme.md'],
    ['readme。md', 'readme。md'],
    ['readme.md:8080', 'readme.md:8080'],
    ['fuli.zip', 'fuli.zip'],
    ['README.cc', 'README.cc'],
  ])('a scheme, www, a path, more labels, a disguise, a port, a stem that is no file name, a spam TLD keep it a link: %s', (text, raw) => {
    const found = inText(`看 ${text} 吧`);
    expect(found.some((f) => f.endsWith(`:error:${raw}`)), found.join(' ')).toBe(true);
  });
});
