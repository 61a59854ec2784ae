import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { ruleFor } from '../../src/eslint/engine.js';
import { clearGates } from '../../src/eslint/gates.js';
import { createGate } from '../../src/gate.js';
import { RULES, rulesOf } from '../../src/registry.js';

describe('the plugin object', () => {
  it('has meta, three documented rules and a config per template format', () => {
    expect(plugin.meta).toMatchObject({ name: 'weibo-guard/eslint-plugin', namespace: 'weibo-guard' });
    expect(plugin.meta.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const [name, rule] of Object.entries(plugin.rules)) {
      expect(rule.meta?.docs?.url).toBe(`https://github.com/weibo-guard/weibo-guard#rule-weibo-guard${name}`);
      // One message per engine id the rule reports, plus the policy failure.
      const ids = rulesOf('engine').filter((id) => ruleFor({ rule: id }) === name);
      expect(Object.keys(rule.meta?.messages ?? {})).toEqual([...ids, 'policy']);
      expect(rule.meta?.defaultOptions).toEqual([{ advisories: true }]);
    }
    expect(Object.keys(plugin.configs)).toEqual(['recommended', 'json', 'yaml', 'markdown']);
  });

  it('refuses bad options with ESLint\'s own messages, naming the rule and the bad value or key', () => {
    const verify = (options: object) => () =>
      new Linter().verify('x', [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules: { 'weibo-guard/links': ['error', options] } }], 'a.js');
    expect(verify({ account: 'company' })).toThrow(/Key "weibo-guard\/links":\s+Value "company" should be equal to one of the allowed values/);
    expect(verify({ acount: 'personal' })).toThrow(/Key "weibo-guard\/links":[\s\S]*"acount"/);
    expect(verify({ config: '' })).toThrow(/Key "weibo-guard\/links":\s+Value "" should NOT be shorter than 1 characters/);
  });

  it('gives every engine finding to exactly one rule', () => {
    expect((['link/not-whitelisted', 'link/obfuscated', 'competitor/promotion', 'competitor/mention', 'payload/text-too-long', 'window/expired'] as const).map((rule) => ruleFor({ rule }))).toEqual([
      'links',
      'links',
      'competitor',
      'competitor',
      'payload',
      'payload',
    ]);
  });

  it('has a message for every engine rule id, in exactly one rule, and none for ids ESLint never sees', () => {
    const owners = new Map<string, string[]>();
    for (const [name, rule] of Object.entries(plugin.rules)) for (const id of Object.keys(rule.meta?.messages ?? {})) owners.set(id, [...(owners.get(id) ?? []), name]);
    for (const id of rulesOf('engine')) expect(owners.get(id), id).toHaveLength(1);
    expect([...owners.keys()].filter((id) => id !== 'policy' && !(id in RULES && RULES[id as keyof typeof RULES].origin === 'engine'))).toEqual([]);
  });

  it("reports each finding under its engine id with the engine's own words", () => {
    const text = '微信支付暂不支持，详见 https://evil.cn 或 https://t.cn/abc';
    const expected = createGate().checkText(text);
    const messages = new Linter().verify(
      `const s = ${JSON.stringify(text)};`,
      [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules: { 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error' } }],
      'a.js',
    );
    clearGates();
    const got = messages.map((m) => ({ id: m.messageId, message: m.message })).sort((a, b) => a.id!.localeCompare(b.id!));
    const want = expected
      .map((f) => ({ id: f.rule, message: `${f.severity === 'warning' ? 'Advisory, does not block sending: ' : ''}${f.message.en} / ${f.message.zh} (${f.rule})` }))
      .sort((a, b) => a.id.localeCompare(b.id));
    // An error, an advisory of each rule: the case proves both wordings.
    expect(want.map((w) => w.id)).toEqual(['competitor/mention', 'link/not-whitelisted', 'link/shortener']);
    expect(got).toEqual(want);
  });
});
