import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ContextError, createGate, looksLikePayload } from '../../src/gate.js';
import { VerdictSchema } from '../../src/findings.js';
import { loadPolicy } from '../../src/policy/index.js';
import * as api from '../../src/index.js';

const gate = createGate({ cwd: '/tmp' });
const rules = (v: { findings: Array<{ rule: string; path: string }> }) => v.findings.map((f) => `${f.rule}@${f.path}`);
const text = (t: string, extra: Record<string, unknown> = {}) => ({ type: 'text', data: { text: t }, receiver_id: '1722052204', ...extra });
const article = (over: Record<string, string> = {}) => ({ display_name: '两个故事', summary: '今天讲两个故事', image: 'https://wx1.sinaimg.cn/a.jpg', url: 'https://weibo.com/ttarticle/1', ...over });

describe('gate.check', () => {
  test('a clean reply is allowed with no findings', () => {
    expect(gate.check(text('您好，订单已发货，详情见 https://weibo.com/u/1'))).toEqual({ allowed: true, findings: [] });
  });
  test('allowed is false iff a finding is an error', () => {
    const warn = gate.check(text('详情 http://t.cn/A6abc'));
    expect(warn.allowed).toBe(true);
    expect(rules(warn)).toEqual(['link/shortener@data.text']);
    const err = gate.check(text('加我微信'));
    expect(err.allowed).toBe(false);
  });
  test('the API document example, data URL-encoded', () => {
    const v = gate.check({ type: 'text', data: '%7B%22text%22%3A%22%E7%BA%AF%E6%96%87%E6%9C%AC%E5%9B%9E%E5%A4%8D%22%7D', receiver_id: '1' });
    expect(v).toEqual({ allowed: true, findings: [] });
  });
  test('raw JSON text keeps an int64 receiver exactly; a lossy JS number is refused', () => {
    expect(gate.check('{"type":"text","data":{"text":"hi"},"receiver_id":9223372036854775807}').allowed).toBe(true);
    expect(rules(gate.check(text('hi', { receiver_id: 9223372036854775807 })))).toEqual(['payload/receiver-id-unsafe@receiver_id']);
  });
  test('every finding about a string carries its payload path and a span into it', () => {
    const v = gate.check({
      type: 'articles',
      data: { articles: [article(), article({ summary: '加我微信领取' }), article({ url: 'https://evil.cn/x', image: 'https://evil.cn/a.gif' })] },
      receiver_id: '1',
    });
    expect(rules(v)).toEqual([
      'payload/image-format@data.articles[2].image',
      'competitor/promotion@data.articles[1].summary',
      'link/not-whitelisted@data.articles[2].url',
      'link/not-whitelisted@data.articles[2].image',
    ]);
    for (const f of v.findings) expect(f.span, f.rule).toBeDefined();
    expect(v.findings[1]!.span).toEqual({ start: 0, end: 4 });
  });
  test('content is still judged when the envelope is wrong', () => {
    expect(rules(gate.check(text('加我微信', { receiver_id: 'x' })))).toEqual(['payload/receiver-id@receiver_id', 'competitor/promotion@data.text']);
    expect(rules(gate.check(text('中'.repeat(300), { save_sender_box: 3 })))).toEqual(['payload/save-sender-box@save_sender_box', 'payload/text-too-long@data.text']);
  });
  test('links in an article title are judged too', () => {
    expect(rules(gate.check({ type: 'articles', data: { articles: [article({ display_name: '见 evil.cn' })] }, receiver_id: '1' }))).toEqual([
      'link/not-whitelisted@data.articles[0].display_name',
    ]);
  });
  test('positions', () => {
    const pos = (longitude: string, latitude: string) => gate.check({ type: 'position', data: { longitude, latitude }, receiver_id: '1' });
    expect(pos('116.397128', '39.916527').allowed).toBe(true);
    expect(rules(pos('180.1', '39'))).toEqual(['payload/position-range@data.longitude']);
  });
  test('the conversation window from the sender ledger is checked when the context has it', () => {
    expect(gate.check(text('hi'), { window: { state: 'open', remaining: 5 } }).allowed).toBe(true);
    expect(gate.check(text('hi'), { window: { state: 'expired' } }).findings.map((f) => f.rule)).toContain('window/expired');
    expect(gate.check(text('hi'), { window: { state: 'unfollowed' } }).findings.map((f) => f.rule)).toEqual(['window/unfollowed']);
  });
  test('verdicts are plain data matching the shared schema', () => {
    const v = gate.check({ type: 'articles', data: { articles: [article({ url: 'javascript:x' })] }, receiver_id: 1 });
    expect(VerdictSchema.parse(JSON.parse(JSON.stringify(v)))).toEqual(v);
  });
  test('a wrong context is a clear error naming the field', () => {
    expect(() => gate.check(text('hi'), { channel: 'sms' as 'ad' })).toThrow(ContextError);
    expect(() => gate.check(text('hi'), { channel: 'sms' as 'ad' })).toThrow(/context\.channel/);
  });
  test('1 MB of text is refused by size at once; with the limit raised it is judged, not hung', () => {
    const big = text('您好 '.repeat(350_000));
    expect(rules(gate.check(big))).toEqual(['payload/too-large@']);
    const dir = mkdtempSync(join(tmpdir(), 'wg-gate-'));
    writeFileSync(join(dir, 'weibo-guard.config.yaml'), 'limits: { message: { maxBytes: 4194304 } }\n');
    expect(rules(createGate({ cwd: dir }).check(big))).toEqual(['payload/text-too-long@data.text']);
  });
});

describe('context defaults come from the project config', () => {
  test('a personal account config applies when the caller says nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-gate-'));
    writeFileSync(join(dir, 'weibo-guard.config.yaml'), 'account: personal\n');
    const g = createGate({ cwd: dir });
    expect(rules(g.check(text('见 https://weibo.com/x')))).toEqual(['link/personal-account@data.text']);
    expect(g.check(text('见 https://weibo.com/x'), { account: 'enterprise' }).allowed).toBe(true);
    expect(g.check(text('见 https://weibo.com/x'), { paidLinks: true }).allowed).toBe(true);
  });
  test('a policy passed in is used as is', () => {
    const policy = loadPolicy({ cwd: '/tmp' });
    expect(createGate({ policy }).policy).toBe(policy);
  });
});

describe('checkText and checkUrl', () => {
  test('checkText: spans into the text, path defaults to text', () => {
    const [f] = gate.checkText('请 加我微信 谢谢');
    expect(f).toMatchObject({ rule: 'competitor/promotion', path: 'text', span: { start: 2, end: 6 } });
    expect(gate.checkText('x evil.cn', undefined, 'templates.greeting')[0]!.path).toBe('templates.greeting');
  });
  test('checkUrl: one string meant as a URL', () => {
    expect(gate.checkUrl('https://weibo.com/x')).toEqual([]);
    expect(gate.checkUrl('https://evil.cn/x', undefined, 'data.articles[0].url')[0]).toMatchObject({ rule: 'link/not-whitelisted', path: 'data.articles[0].url', span: { start: 0, end: 17 } });
  });
});

describe('looksLikePayload', () => {
  test.each([
    [{ type: 'text', data: { text: 'x' } }, true],
    [{ type: 'articles', data: '%7B%7D' }, true],
    [{ type: 'position', data: {} }, true],
    [{ type: 'image', data: {} }, false],
    [{ type: 'text' }, false],
    [{ data: {} }, false],
    [null, false],
    ['text', false],
    [[{ type: 'text', data: {} }], false],
  ])('%j → %s', (v, expected) => expect(looksLikePayload(v)).toBe(expected));
});

describe('package API', () => {
  test('the main entry exports the gate and its helpers', () => {
    expect(typeof api.createGate).toBe('function');
    expect(typeof api.looksLikePayload).toBe('function');
    expect(typeof api.verdictOf).toBe('function');
    expect(typeof api.PayloadSchema.safeParse).toBe('function');
  });
});
