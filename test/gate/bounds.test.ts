import { describe, expect, test } from 'vitest';
import { createGate } from '../../src/gate.js';
import { loadPolicy, PolicyError } from '../../src/policy/index.js';
import { project, TODAY } from '../policy/helpers.js';

const gate = createGate({ cwd: '/tmp' });
const text = (t: string) => ({ type: 'text', data: { text: t }, receiver_id: '1722052204' });
/** `n` distinct non-whitelisted links, one finding each. */
const links = (n: number) => Array.from({ length: n }, (_, i) => `x${i}.cn`).join(' ');
const withConfig = (yaml: string) => createGate({ policy: loadPolicy({ cwd: project({ 'weibo-guard.config.yaml': yaml }), now: TODAY }) });

describe('limits.yaml: findings and message size', () => {
  test('shipped values, validated by the schema', () => {
    expect(gate.policy.limits.findings).toEqual({ max: 100 });
    expect(gate.policy.limits.message).toEqual({ maxBytes: 65536 });
  });
  test('a config overrides one field; a wrong value names file and field', () => {
    expect(withConfig('limits: { findings: { max: 5 } }\n').policy.limits.findings.max).toBe(5);
    for (const bad of ['limits: { findings: { max: 0 } }\n', 'limits: { message: { maxBytes: "64k" } }\n']) {
      let err: unknown;
      try {
        loadPolicy({ cwd: project({ 'weibo-guard.config.yaml': bad }), now: TODAY });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).message).toMatch(/weibo-guard\.config\.yaml:1: limits\.(findings\.max|message\.maxBytes)/);
    }
  });
});

describe('at most N findings per message', () => {
  test('the first N, then one summary with the total', () => {
    const v = gate.check(text(links(300)));
    expect(v.allowed).toBe(false);
    expect(v.findings).toHaveLength(101);
    // The text is too long as well (checked first), then one finding per link.
    expect(v.findings[0]!.rule).toBe('payload/text-too-long');
    expect(v.findings.slice(1, 100).every((f) => f.rule === 'link/not-whitelisted')).toBe(true);
    expect(v.findings[1]!.evidence?.host).toBe('x0.cn');
    const last = v.findings[100]!;
    expect(last).toMatchObject({ rule: 'limits/too-many-findings', severity: 'error' });
    expect(last.message.en).toContain('301 findings');
    expect(last.message.en).toContain('first 100');
    expect(last.evidence?.detail).toContain('limits.findings.max: 100');
  });
  test('the summary is an error iff a dropped finding is one, so allowed never changes', () => {
    const g = withConfig('limits: { findings: { max: 2 } }\n');
    // Three shortener warnings (t.cn) and nothing else: still allowed.
    const warn = g.check(text('http://t.cn/A1 http://t.cn/A2 http://t.cn/A3'));
    expect(warn.allowed).toBe(true);
    expect(warn.findings.map((f) => `${f.rule}:${f.severity}`)).toEqual(['link/shortener:warning', 'link/shortener:warning', 'limits/too-many-findings:warning']);
    // Two warnings then an error: the error is dropped, the summary carries it.
    const err = g.check(text('http://t.cn/A1 http://t.cn/A2 https://evil.cn'));
    expect(err.allowed).toBe(false);
    expect(err.findings.at(-1)).toMatchObject({ rule: 'limits/too-many-findings', severity: 'error' });
  });
  test('checkText and checkUrl are capped too', () => {
    const found = gate.checkText(links(5000));
    expect(found).toHaveLength(101);
    expect(found[100]).toMatchObject({ rule: 'limits/too-many-findings', path: 'text' });
    expect(found[100]!.message.en).toContain('5000 findings');
    const g = withConfig('limits: { findings: { max: 1 } }\n');
    // A personal account linking a competitor: two findings for one URL.
    expect(gate.checkUrl('https://weixin.qq.com/r/x', { account: 'personal' })).toHaveLength(2);
    const url = g.checkUrl('https://weixin.qq.com/r/x', { account: 'personal' });
    expect(url).toHaveLength(2);
    expect(url[0]!.rule).toBe('link/personal-account');
    expect(url[1]!.rule).toBe('limits/too-many-findings');
  });
  test('a template far larger than a message still gives a bounded answer', () => {
    // 400,000 links: one finding each before the cap.
    const found = gate.checkText('a.cn '.repeat(400_000));
    expect(found).toHaveLength(101);
    expect(JSON.stringify(found).length).toBeLessThan(100_000);
  });
});

describe('a message above limits.message.maxBytes is refused unread', () => {
  test('one finding, whatever it holds', () => {
    const big = 'a.cn '.repeat(20_000); // 100 KB of links
    for (const m of [text(big), JSON.stringify(text(big)), `type=text&data=${encodeURIComponent(JSON.stringify({ text: big }))}&receiver_id=1`]) {
      const v = gate.check(m);
      expect(v.allowed).toBe(false);
      expect(v.findings).toHaveLength(1);
      expect(v.findings[0]).toMatchObject({ rule: 'payload/too-large', severity: 'error', path: '' });
      expect(v.findings[0]!.message.en).toMatch(/65536 bytes/);
    }
  });
  test('size is in UTF-8 bytes: 30,000 CJK characters are 90 KB', () => {
    const v = gate.check(text('好'.repeat(30_000)));
    expect(v.findings.map((f) => f.rule)).toEqual(['payload/too-large']);
    expect(v.findings[0]!.message.en).toContain('more than 65536 bytes');
    // Just under the limit: judged normally.
    expect(gate.check(text('好'.repeat(20_000))).findings.map((f) => f.rule)).toEqual(['payload/text-too-long']);
  });
  test('a 20 MB link-dense message returns at once with one finding', () => {
    const v = gate.check(JSON.stringify(text('a.cn '.repeat(4_000_000))));
    expect(v.findings).toHaveLength(1);
    expect(v.findings[0]!.message.en).toContain('20000');
  });
  test('the limit is policy', () => {
    const g = withConfig('limits: { message: { maxBytes: 1000 } }\n');
    expect(g.check(text('x'.repeat(2000))).findings.map((f) => f.rule)).toEqual(['payload/too-large']);
    expect(g.check(text('x'.repeat(100))).findings).toEqual([]);
  });
});
