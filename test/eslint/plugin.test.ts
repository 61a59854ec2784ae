import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { ruleFor } from '../../src/eslint/engine.js';

describe('the plugin object', () => {
  it('has meta, three documented rules and a config per template format', () => {
    expect(plugin.meta).toMatchObject({ name: 'weibo-guard/eslint-plugin', namespace: 'weibo-guard' });
    expect(plugin.meta.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const [name, rule] of Object.entries(plugin.rules)) {
      expect(rule.meta?.docs?.url).toBe(`https://github.com/weibo-guard/weibo-guard#rule-weibo-guard${name}`);
      expect(Object.keys(rule.meta?.messages ?? {})).toEqual(['blocked', 'advisory', 'policy']);
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
});
