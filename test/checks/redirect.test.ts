import { describe, expect, test } from 'vitest';
import { createGate } from '../../src/gate.js';
import { embeddedTargets } from '../../src/links/index.js';

/** The destination decides (seed 002): a link is judged by where it sends the user. */

const gate = createGate({ cwd: '/tmp' });
const inText = (text: string) => gate.checkText(text).map((f) => `${f.rule}:${f.severity}:${text.slice(f.span!.start, f.span!.end)}`);
const url = (u: string) => gate.checkUrl(u, undefined, 'data.articles[0].url').map((f) => `${f.rule}:${f.severity}`);

describe('embeddedTargets: absolute URLs carried in a link', () => {
  test.each([
    ['/sinaurl?u=https%3A%2F%2Fevil.cn%2Fx', 'query', 'u', 'https://evil.cn/x'],
    ['/sinaurl?u=https%253A%252F%252Fevil.cn%252Fx', 'query', 'u', 'https://evil.cn/x'],
    ['/r?a=1&target=http://evil.cn/', 'query', 'target', 'http://evil.cn/'],
    ['/redirect/https://evil.cn/a?b=1', 'path', null, 'https://evil.cn/a?b=1'],
    ['/go/https%3A%2F%2Fevil.cn', 'path', null, 'https://evil.cn'],
    ['/url?q=HTTPS:%5C%5Cevil.cn', 'query', 'q', 'HTTPS:\\\\evil.cn'],
  ])('%s', (path, where, param, value) => {
    expect(embeddedTargets(path)[0]).toMatchObject({ where, param, value });
  });
  test('nothing in an ordinary path', () => {
    for (const p of ['/', '/n1/2026/1123/c1001.html', '/search?q=weibo&page=2', '/wiki/File:Logo.png', '/a?time=12:30']) expect(embeddedTargets(p)).toEqual([]);
  });
  test('bounded: a huge query yields a few targets, not one per parameter', () => {
    const path = `/r?${Array.from({ length: 5000 }, (_, i) => `p${i}=https://e${i}.cn/`).join('&')}`;
    expect(embeddedTargets(path).length).toBeLessThanOrEqual(8);
  });
});

describe('link/redirect', () => {
  test("Weibo's outbound page carrying a target that is not on the whitelist", () => {
    const text = '详情 https://weibo.cn/sinaurl?u=https%3A%2F%2Fevil.cn%2Fx 查看';
    expect(inText(text)).toEqual(['link/redirect:error:https://weibo.cn/sinaurl?u=https%3A%2F%2Fevil.cn%2Fx']);
    const [f] = gate.checkText(text);
    expect(f!.message.en).toContain('weibo.cn');
    expect(f!.message.en).toContain('evil.cn');
    expect(f!.evidence).toMatchObject({ host: 'weibo.cn' });
    expect(f!.evidence!.detail).toMatch(/weibo\.cn → evil\.cn/);
    // Its twin: the same page sending to a whitelisted site.
    expect(inText('详情 https://weibo.cn/sinaurl?u=https%3A%2F%2Fwww.people.com.cn%2Fx 查看')).toEqual([]);
  });
  test('any parameter of any allowed host, encoded twice, and in the path', () => {
    expect(url('https://www.people.com.cn/r?next=https%253A%252F%252Fevil.cn')).toEqual(['link/redirect:error']);
    expect(url('https://www.people.com.cn/redirect/https://evil.cn/x')).toEqual(['link/redirect:error']);
    expect(url('https://weibo.com/?to=https://weixin.qq.com/r/abc')).toEqual(['link/redirect:error']);
    expect(url('https://weibo.com/?to=https://m.weibo.cn/status/1')).toEqual([]);
    // A competitor's app deep link or a script URL as the target.
    expect(url('https://weibo.com/jump?url=weixin%3A%2F%2Fdl%2Fchat')).toEqual(['link/redirect:error']);
    expect(url('https://weibo.com/login?next=javascript:alert(1)')).toEqual(['link/redirect:error']);
  });
  test('in the fragment, where a single-page app reads its redirect', () => {
    expect(url('https://weibo.com/#!/go?u=https%3A%2F%2Fevil.cn')).toEqual(['link/redirect:error']);
    expect(url('https://weibo.com/#/redirect/https://evil.cn/')).toEqual(['link/redirect:error']);
    expect(url('https://weibo.com/#!/u/1722052204')).toEqual([]);
  });
  test('a bare link carrying one', () => {
    expect(inText('见 weibo.cn/sinaurl?u=https://evil.cn/x 谢谢')).toEqual(['link/redirect:error:weibo.cn/sinaurl?u=https://evil.cn/x']);
  });
  test('a target written the lenient way browsers accept', () => {
    expect(url('https://weibo.com/?to=https:%5C%5Cevil.cn/')).toEqual(['link/redirect:error']);
    expect(url('https://weibo.com/go/https:/evil.cn/')).toEqual(['link/redirect:error']);
  });
  test('recursively, but bounded', () => {
    const inner = encodeURIComponent('https://weibo.cn/sinaurl?u=' + encodeURIComponent('https://evil.cn/'));
    expect(url(`https://weibo.com/?to=${inner}`)).toEqual(['link/redirect:error']);
    const [f] = gate.checkUrl(`https://weibo.com/?to=${inner}`, undefined, 'url');
    expect(f!.evidence!.detail).toMatch(/weibo\.com → weibo\.cn → evil\.cn/);
    // Deeper than three hops is not followed; what is reached is allowed.
    let deep = 'https://evil.cn/';
    for (let i = 0; i < 6; i++) deep = `https://weibo.com/?to=${encodeURIComponent(deep)}`;
    expect(() => url(deep)).not.toThrow();
  });
  test('a listed redirector whose target cannot be read is refused like a shortener', () => {
    expect(url('https://www.baidu.com/link?url=dBqcnUOOuGRCrjVp2FyN1GbKRsJ5')).toEqual(['link/redirect:error']);
    expect(url('https://www.baidu.com/s?wd=weibo')).toEqual([]);
    expect(url('https://www.baidu.com/link?url=https%3A%2F%2Fwww.people.com.cn%2F')).toEqual([]);
  });
  test('a host that is not allowed stays one finding', () => {
    expect(url('https://evil.cn/?u=https://weibo.com/')).toEqual(['link/not-whitelisted:error']);
  });
  test('a shortener target keeps its severity', () => {
    expect(url('https://weibo.com/?u=http://t.cn/A6abc')).toEqual(['link/redirect:warning']);
  });
});

describe('following targets never throws and stays bounded', () => {
  test('random links carrying links', async () => {
    const fc = (await import('fast-check')).default;
    const piece = fc.constantFrom('https://weibo.com/', 'https://weibo.cn/sinaurl?u=', 'https://www.baidu.com/link?url=', 'https:/', 'evil.cn', 'weibo.com', '%3A%2F%2F', '%253A%252F%252F', '%', '%2', '?', '&', '=', 'u=', '/', '\\', 'http:', 'weixin://', 'javascript:', '#', '%E4', '\u0000', '\u202e');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((a) => a.join('')), (text) => {
        for (const f of gate.checkText(text)) expect(f.span!.end).toBeLessThanOrEqual(text.length);
        gate.checkUrl(text, undefined, 'url');
      }),
      { numRuns: 2000 },
    );
  });
});
