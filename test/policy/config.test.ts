import { describe, expect, it } from 'vitest';
import { classifyLink, loadPolicy, PolicyError, type PolicyIssue } from '../../src/policy/index.js';
import { link, project, TODAY } from './helpers.js';

function loadError(cwd: string, config?: string): PolicyError {
  try {
    loadPolicy(config === undefined ? { cwd, now: TODAY } : { cwd, config, now: TODAY });
  } catch (err) {
    if (err instanceof PolicyError) return err;
    throw err;
  }
  throw new Error('expected a PolicyError');
}
const lines = (err: PolicyError) => err.issues.map((i: PolicyIssue) => `${i.file}:${i.line}: ${i.message}`);

const companyYaml = `# our verified site
whitelist:
  - domain: shop.example.com
    source: "Weibo whitelist approval, private message from @企业微博助理, 2026-10-02"
    added: 2026-10-02
`;

describe('project config adds to the shipped lists', () => {
  it('weibo-guard.config.yaml in cwd: a company entry, category companies by default', () => {
    const policy = loadPolicy({ cwd: project({ 'weibo-guard.config.yaml': companyYaml }), now: TODAY });
    expect(policy.sources.at(-1)).toBe('weibo-guard.config.yaml');
    const decision = classifyLink(link('https://www.shop.example.com/p/1'), policy);
    expect(decision).toMatchObject({ allowed: true, rule: 'link/allowed', severity: null });
    expect(decision.entry).toEqual({ file: 'weibo-guard.config.yaml', line: 3, domain: 'shop.example.com', category: 'companies', kind: 'allow' });
    // The shipped lists are all still there.
    expect(classifyLink(link('https://www.people.com.cn/'), policy).allowed).toBe(true);
    expect(classifyLink(link('https://example.com/'), policy).rule).toBe('link/not-whitelisted');
  });

  it('weibo-guard.config.json, with lines mapped the same way', () => {
    const json = JSON.stringify({ whitelist: [{ domain: 'shop.example.com', category: 'media', source: 's', added: '2026-10-02' }] }, null, 2);
    const policy = loadPolicy({ cwd: project({ 'weibo-guard.config.json': json }), now: TODAY });
    expect(classifyLink(link('shop.example.com'), policy).entry).toMatchObject({ file: 'weibo-guard.config.json', line: 3, category: 'media' });
  });

  it('an explicit config path, relative to cwd', () => {
    const cwd = project({ 'conf/policy.yml': companyYaml });
    const policy = loadPolicy({ cwd, config: 'conf/policy.yml', now: TODAY });
    expect(policy.sources.at(-1)).toBe('conf/policy.yml');
    expect(classifyLink(link('shop.example.com'), policy).allowed).toBe(true);
  });

  it('no config is fine: defaults', () => {
    const policy = loadPolicy({ cwd: project(), now: TODAY });
    expect(policy.config).toEqual({ whitelist: [], deny: [], ignore: [] });
    expect(policy.sources).not.toContain('weibo-guard.config.yaml');
  });

  it('keeps account, channel, paidLinks and ignore as validated', () => {
    const yaml = `account: personal\nchannel: post\npaidLinks: true\nignore:\n  - path: "templates/legacy/**"\n    rule: link/not-whitelisted\n    reason: retired templates, never sent\n`;
    const policy = loadPolicy({ cwd: project({ 'weibo-guard.config.yaml': yaml }), now: TODAY });
    expect(policy.config).toMatchObject({ account: 'personal', channel: 'post', paidLinks: true, ignore: [{ path: 'templates/legacy/**', rule: 'link/not-whitelisted', reason: 'retired templates, never sent' }] });
  });

  it('a config deny beats a shipped allow for the same domain, and says the allow never applies', () => {
    const yaml = `deny:\n  - domain: bilibili.com\n    service: bilibili\n    source: our legal team treats Bilibili as a competitor\n`;
    const policy = loadPolicy({ cwd: project({ 'weibo-guard.config.yaml': yaml }), now: TODAY });
    const decision = classifyLink(link('https://www.bilibili.com/video/BV1'), policy);
    expect(decision).toMatchObject({ allowed: false, rule: 'link/competitor', severity: 'error', entry: { file: 'weibo-guard.config.yaml', line: 2, kind: 'deny', service: 'bilibili' } });
    expect(policy.warnings).toHaveLength(1);
    expect(policy.warnings[0]!.message).toBe('bilibili.com: never applies: weibo-guard.config.yaml:2 denies the same domain, and deny wins');
    expect(policy.warnings[0]!.file).toBe('whitelist/platforms.yaml');
  });

  it('limits: a partial override keeps the other fields', () => {
    const policy = loadPolicy({ cwd: project({ 'weibo-guard.config.yaml': 'limits:\n  text: { max: 140 }\n  window: { quota: 50 }\n' }), now: TODAY });
    expect(policy.limits.text).toEqual({ unit: 'weibo', max: 140, strict: true });
    expect(policy.limits.window).toEqual({ hours: 48, quota: 50, mentionQuota: 1 });
    expect(policy.limits.articles.max).toBe(8);
  });
});

describe('bad config files', () => {
  it('a typo’d key in YAML', () => {
    expect(lines(loadError(project({ 'weibo-guard.config.yaml': 'whitelst: []\n' })))).toEqual(['weibo-guard.config.yaml:1: unknown key "whitelst" (did you mean "whitelist"?)']);
  });

  it('a typo’d key in JSON, on its own line', () => {
    const json = '{\n  "whitelist": [\n    {\n      "domain": "shop.example.com",\n      "sorce": "x",\n      "added": "2026-10-02"\n    }\n  ]\n}\n';
    expect(lines(loadError(project({ 'weibo-guard.config.json': json })))).toEqual([
      'weibo-guard.config.json:3: whitelist[0].source: is required but missing',
      'weibo-guard.config.json:5: whitelist[0]: unknown key "sorce" (did you mean "source"?)',
    ]);
  });

  it('a duplicate key in JSON is an error, not "last one wins"', () => {
    const json = '{\n  "channel": "reply",\n  "channel": "ad"\n}\n';
    expect(lines(loadError(project({ 'weibo-guard.config.json': json })))).toEqual(['weibo-guard.config.json:3: duplicate key "channel" (JSON)']);
  });

  it('JSON lines stay right past escaped quotes, unicode and a BOM', () => {
    const json = '\uFEFF{"whitelist": [\n {"domain": "a.example.com", "source": "say \\"hi\\" \\\\", "added": "2026-01-01", "note": "微博 \\u5fae"},\n {"domain": "b.example.com", "source": "s", "added": "2026-01-01", "nope": 1}\n]}';
    expect(lines(loadError(project({ 'weibo-guard.config.json': json })))).toEqual(['weibo-guard.config.json:3: whitelist[1]: unknown key "nope" (did you mean "note"?)']);
  });

  it('absurdly deep JSON is refused, not a stack overflow', () => {
    const json = `{"limits": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const err = loadError(project({ 'weibo-guard.config.json': json }));
    expect(lines(err)).toEqual(['weibo-guard.config.json:1: not accepted: nested deeper than 256 levels']);
  });

  it('absurdly deep YAML is refused with a located message, not a crash', () => {
    const err = loadError(project({ 'weibo-guard.config.yaml': `limits: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n` }));
    expect(err.issues.length).toBeGreaterThan(0);
    expect(lines(err)[0]).toMatch(/^weibo-guard\.config\.yaml:1: /);
  });

  it('YAML-only syntax in a .json file', () => {
    const err = loadError(project({ 'weibo-guard.config.json': "{\n  channel: 'ad'\n}\n" }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.file).toBe('weibo-guard.config.json');
    expect(err.issues[0]!.message).toMatch(/^not valid JSON: /);
  });

  it('a duplicate of a shipped domain', () => {
    const yaml = 'whitelist:\n  - domain: weibo.com\n    source: s\n    added: 2026-01-01\n';
    expect(lines(loadError(project({ 'weibo-guard.config.yaml': yaml })))[0]).toMatch(/^weibo-guard\.config\.yaml:2: duplicate domain "weibo\.com" \(already listed at whitelist\/platforms\.yaml:\d+\)/);
  });

  it('a public suffix, a bad category and a bad ignore, all at once', () => {
    const yaml = [
      'whitelist:',
      '  - domain: com.cn',
      '    source: s',
      '    added: 2026-01-01',
      '  - domain: ok.example.com',
      '    category: friends',
      '    source: s',
      '    added: 2026-01-01',
      'ignore:',
      '  - path: "a/**"',
      '    rule: not a rule',
      '  - path: "b/**"',
      '',
    ].join('\n');
    expect(lines(loadError(project({ 'weibo-guard.config.yaml': yaml })))).toEqual([
      'weibo-guard.config.yaml:2: whitelist[0].domain: "com.cn" is itself a public suffix: it would allow every site registered under it; add "suffix: true" only if that is meant',
      'weibo-guard.config.yaml:6: whitelist[1].category: expected one of "government", "media", "platforms", "companies", got "friends"',
      'weibo-guard.config.yaml:10: ignore[0].reason: is required but missing',
      'weibo-guard.config.yaml:11: ignore[0].rule: expected a rule id such as link/not-whitelisted',
      'weibo-guard.config.yaml:12: ignore[1].reason: is required but missing',
    ]);
  });

  it('a limits override that contradicts the shipped limits points at the config', () => {
    expect(lines(loadError(project({ 'weibo-guard.config.yaml': 'channel: reply\nlimits:\n  articles:\n    max: 2\n' })))).toEqual([
      // Line 4: the overridden section's first field, where the contradiction comes from.
      'weibo-guard.config.yaml:4: limits.articles.recommended[1]: 3 is outside [min, max] = [1, 2]',
    ]);
    expect(lines(loadError(project({ 'weibo-guard.config.yaml': 'limits:\n  text:\n    max: -1\n' })))[0]).toMatch(/^weibo-guard\.config\.yaml:3: limits\.text\.max: /);
  });

  it('a typo inside a limits override', () => {
    expect(lines(loadError(project({ 'weibo-guard.config.yaml': 'limits:\n  text:\n    maxx: 140\n' })))).toEqual(['weibo-guard.config.yaml:3: limits.text: unknown key "maxx" (did you mean "max"?)']);
  });

  it('an explicit config that does not exist', () => {
    expect(lines(loadError(project(), 'missing.yaml'))).toEqual(['missing.yaml:0: cannot read the file (ENOENT)']);
    expect(loadError(project(), 'missing.yaml').message).toBe('missing.yaml: cannot read the file (ENOENT)');
  });

  it('two config files in one folder', () => {
    const err = loadError(project({ 'weibo-guard.config.json': '{}', 'weibo-guard.config.yaml': 'channel: ad\n' }));
    expect(err.message).toBe('weibo-guard.config.yaml: more than one config file (weibo-guard.config.json, weibo-guard.config.yaml); keep one');
  });

  it('an expired config entry is a warning', () => {
    const yaml = 'whitelist:\n  - domain: promo.example.com\n    source: s\n    added: 2026-01-01\n    expires: 2026-06-30\n';
    const policy = loadPolicy({ cwd: project({ 'weibo-guard.config.yaml': yaml }), now: TODAY });
    expect(policy.warnings).toEqual([expect.objectContaining({ kind: 'expired', file: 'weibo-guard.config.yaml', line: 5, domain: 'promo.example.com', expires: '2026-06-30', message: 'promo.example.com: expired on 2026-06-30; the entry no longer applies (renew or remove it)' })]);
    expect(classifyLink(link('promo.example.com'), policy).rule).toBe('link/not-whitelisted');
  });
});
