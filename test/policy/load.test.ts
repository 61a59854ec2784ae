import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPolicy, PolicyError, type PolicyIssue } from '../../src/policy/index.js';
import { dataDir, project, repoRoot, TODAY, whitelistFile } from './helpers.js';

/** Loads and returns the PolicyError, failing the test if loading succeeds. */
function loadError(options: Parameters<typeof loadPolicy>[0]): PolicyError {
  try {
    loadPolicy({ cwd: project(), now: TODAY, ...options });
  } catch (err) {
    if (err instanceof PolicyError) return err;
    throw err;
  }
  throw new Error('expected a PolicyError');
}

const only = (err: PolicyError): PolicyIssue => {
  expect(err.issues).toHaveLength(1);
  return err.issues[0]!;
};

/** The 1-based line of the first line in `text` containing `needle`. */
const lineOf = (text: string, needle: string, from = 0): number => text.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;

describe('shipped data', () => {
  const policy = loadPolicy({ cwd: project(), now: TODAY });

  it('loads every file with no issues and no warnings', () => {
    expect(policy.sources).toEqual([
      'whitelist/government.yaml',
      'whitelist/media.yaml',
      'whitelist/platforms.yaml',
      'whitelist/companies.yaml',
      'rules/competitors.yaml',
      'rules/shorteners.yaml',
      'rules/redirectors.yaml',
      'rules/limits.yaml',
    ]);
    expect(policy.warnings).toEqual([]);
  });

  it.each(['government', 'media', 'platforms', 'companies'])('whitelist/%s.yaml says at its top it is a starting point, not Weibo’s list', (name) => {
    const text = readFileSync(join(repoRoot, 'whitelist', `${name}.yaml`), 'utf8');
    expect(text.split('\n')[0]).toMatch(/maintained starting point.*NOT/);
    const about = String((parse(text) as { about: string }).about);
    expect(about).toMatch(/maintained starting point, not Weibo's own list/);
  });

  it('ships the starter set the issue names', () => {
    const allowed = (d: string) => policy.whitelist.entriesFor(d).some((e) => e.kind === 'allow');
    for (const d of ['people.com.cn', 'xinhuanet.com', 'news.cn', 'cctv.com', 'cctv.cn', 'chinadaily.com.cn', 'china.com.cn', 'gmw.cn', 'cnr.cn', 'chinanews.com.cn', 'thepaper.cn', 'caixin.com'])
      expect(allowed(d), d).toBe(true);
    for (const d of ['weibo.com', 'weibo.cn', 'sina.com.cn', 'sina.cn', 't.cn', 'taobao.com', 'tmall.com', 'alipay.com', 'jd.com']) expect(allowed(d), d).toBe(true);
    const gov = policy.whitelist.entriesFor('gov.cn')[0]!;
    expect(gov).toMatchObject({ suffix: true, category: 'government', file: 'whitelist/government.yaml' });
    expect(policy.whitelist.entriesFor('t.cn')[0]!.note).toMatch(/shorteners/);
  });

  it('compiles the limits the design fixes', () => {
    expect(policy.limits).toEqual({
      text: { unit: 'weibo', max: 300, strict: true },
      articles: { min: 1, max: 8, recommended: [1, 3] },
      image: { formats: ['jpg', 'jpeg', 'png'] },
      position: { longitude: [-180, 180], latitude: [-90, 90] },
      window: { hours: 48, quota: 99, mentionQuota: 1 },
      findings: { max: 100 },
      message: { maxBytes: 65536 },
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.limits.text)).toBe(true);
    expect(Object.isFrozen(policy.competitors.services[0])).toBe(true);
    expect(() => (policy.whitelist.entriesFor('gov.cn')[0] as { domain: string }).domain = 'x').toThrow();
  });

  it('points each entry at its own line', () => {
    const text = readFileSync(join(repoRoot, 'whitelist/media.yaml'), 'utf8');
    const entry = policy.whitelist.entriesFor('thepaper.cn')[0]!;
    expect(entry.line).toBe(lineOf(text, 'domain: thepaper.cn'));
  });
});

describe('bad files fail with file:line: what is wrong', () => {
  it('a typo’d key, with a suggestion (and what the typo left unset)', () => {
    const text = whitelistFile('  - domain: gov.cn\n    sufix: true\n    source: s\n    added: 2026-01-01\n');
    const err = loadError({ dataDir: dataDir({ 'whitelist/government.yaml': text }) });
    expect(err.message).toBe(
      'whitelist/government.yaml:3: entries[0].domain: "gov.cn" is itself a public suffix: it would allow every site registered under it; add "suffix: true" only if that is meant\n' +
        'whitelist/government.yaml:4: entries[0]: unknown key "sufix" (did you mean "suffix"?)',
    );
  });

  it('a typo’d key at the top of a rules file', () => {
    const limits = readFileSync(join(repoRoot, 'rules/limits.yaml'), 'utf8').replace('window:', 'windw:');
    const err = loadError({ dataDir: dataDir({ 'rules/limits.yaml': limits }) });
    const messages = err.issues.map((i) => `${i.file}:${i.line}: ${i.message}`);
    expect(messages).toContain(`rules/limits.yaml:${lineOf(limits, 'windw:')}: unknown key "windw" (did you mean "window"?)`);
    expect(messages).toContain(`rules/limits.yaml:${limits.split('\n').indexOf('text:') + 1}: window: is required but missing`);
  });

  it('a duplicate domain within a file', () => {
    const text = whitelistFile('  - domain: a.example.com\n    source: s\n    added: 2026-01-01\n  - domain: a.example.com\n    source: s\n    added: 2026-01-01\n');
    const issue = only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }));
    expect(issue).toMatchObject({ file: 'whitelist/companies.yaml', line: 6 });
    expect(issue.message).toBe('duplicate domain "a.example.com" (already listed at whitelist/companies.yaml:3); merge the two entries');
  });

  it('a repeated domain in shorteners.yaml or redirectors.yaml, named with where the first one is', () => {
    for (const [file, key, hint] of [
      ['rules/shorteners.yaml', 'shorteners', ''],
      ['rules/redirectors.yaml', 'redirectors', '; merge the paths and params into one entry'],
    ] as const) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      const lines = text.split('\n');
      const first = lines.findIndex((l) => /^  - domain: /.test(l));
      let end = first + 1;
      while (end < lines.length && /^    /.test(lines[end]!)) end++;
      const entry = lines.slice(first, end);
      const domain = entry[0]!.replace(/^  - domain: /, '').trim();
      const doubled = [...lines.slice(0, end), ...entry, ...lines.slice(end)].join('\n');
      const issue = only(loadError({ dataDir: dataDir({ [file]: doubled }) }));
      expect(issue).toMatchObject({ file, line: end + 1 });
      expect(issue.message).toBe(`${key}[1].domain: duplicate domain "${domain}" (already listed at line ${first + 1})${hint}`);
    }
  });

  it('a duplicate domain across files', () => {
    const text = whitelistFile('  - domain: people.com.cn\n    source: s\n    added: 2026-01-01\n');
    const issue = only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }));
    const media = readFileSync(join(repoRoot, 'whitelist/media.yaml'), 'utf8');
    expect(issue.file).toBe('whitelist/companies.yaml');
    expect(issue.line).toBe(3);
    expect(issue.message).toContain(`already listed at whitelist/media.yaml:${lineOf(media, 'domain: people.com.cn')}`);
  });

  it.each(['com.cn', 'github.io', 'blogspot.com'])('a public-suffix entry (%s) without suffix: true', (domain) => {
    const text = whitelistFile(`  - domain: x.example.com\n    source: s\n    added: 2026-01-01\n  - domain: ${domain}\n    source: s\n    added: 2026-01-01\n`);
    const issue = only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }));
    expect(issue.line).toBe(6);
    expect(issue.message).toMatch(new RegExp(`^entries\\[1\\]\\.domain: "${domain.replace('.', '\\.')}" is itself a public suffix`));
  });

  it('a public-suffix entry with suffix: true loads', () => {
    const text = whitelistFile('  - domain: github.io\n    suffix: true\n    source: s\n    added: 2026-01-01\n');
    const policy = loadPolicy({ cwd: project(), now: TODAY, dataDir: dataDir({ 'whitelist/companies.yaml': text }) });
    expect(policy.whitelist.match('someone.github.io')?.domain).toBe('github.io');
  });

  it.each([
    ['2026-02-30', 'not a real day'],
    ['yesterday', 'not a date'],
    ['2026-1-5', 'not zero-padded'],
  ])('a bad date %s (%s)', (date) => {
    const text = whitelistFile(`  - domain: x.example.com\n    source: s\n    added: ${date}\n`);
    const issue = only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }));
    expect(`${issue.file}:${issue.line}: ${issue.message}`).toBe('whitelist/companies.yaml:5: entries[0].added: expected a calendar date written YYYY-MM-DD');
  });

  it('a date YAML reads as a number', () => {
    const text = whitelistFile('  - domain: x.example.com\n    source: s\n    added: 20260101\n');
    expect(only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) })).message).toBe('entries[0].added: expected string, got number 20260101');
  });

  it('expires before added', () => {
    const text = whitelistFile('  - domain: x.example.com\n    source: s\n    added: 2026-01-01\n    expires: 2025-01-01\n');
    const issue = only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }));
    expect(issue).toMatchObject({ line: 6, message: 'entries[0].expires: expires (2025-01-01) is before added (2026-01-01)' });
  });

  it.each([
    ['People.com.cn', 'write the host in canonical form "people.com.cn"'],
    ['https://x.example.com/', 'is not a bare host name'],
    ['例子.中国', 'write the host in canonical form "xn--fsqu00a.xn--fiqs8s"'],
    ['a..example.com', 'has an empty label'],
    ['-a.example.com', 'has an invalid label "-a"'],
    ['localhost', 'is not a domain name'],
    ['10.0.0.1', 'is not a domain name'],
  ])('a non-canonical domain %s', (domain, expected) => {
    const text = whitelistFile(`  - domain: "${domain}"\n    source: s\n    added: 2026-01-01\n`);
    const issue = only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }));
    expect(issue.line).toBe(3);
    expect(issue.message).toContain(expected);
  });

  it('a missing required field points at the entry', () => {
    const text = whitelistFile('  - domain: x.example.com\n    added: 2026-01-01\n');
    expect(only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }))).toMatchObject({ line: 3, message: 'entries[0].source: is required but missing' });
  });

  it('a wrong channel name', () => {
    const text = whitelistFile('  - domain: x.example.com\n    channels: [reply, dm]\n    source: s\n    added: 2026-01-01\n');
    expect(only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }))).toMatchObject({
      line: 4,
      message: 'entries[0].channels[1]: expected one of "reply", "post", "ad", got "dm"',
    });
  });

  it('a duplicate YAML key', () => {
    const text = whitelistFile('  - domain: x.example.com\n    source: s\n    source: t\n    added: 2026-01-01\n');
    expect(only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': text }) }))).toMatchObject({ line: 5, message: 'duplicate key (YAML)' });
  });

  it('a YAML syntax error', () => {
    const err = loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': 'about: x\nentries: [\n  - a\n' }) });
    expect(err.issues[0]).toMatchObject({ file: 'whitelist/companies.yaml', line: 3, message: 'Block collections are not allowed within flow collections (YAML)' });
    for (const issue of err.issues) expect(issue.message).toMatch(/\(YAML\)$/);
  });

  it('an empty file', () => {
    expect(only(loadError({ dataDir: dataDir({ 'whitelist/companies.yaml': '' }) }))).toMatchObject({ line: 1, message: '(top level): expected object, got null' });
  });

  it('a missing file', () => {
    const dir = dataDir();
    const err = loadError({ dataDir: join(dir, 'nowhere') });
    expect(err.issues.map((i) => i.file)).toEqual([
      'whitelist/government.yaml',
      'whitelist/media.yaml',
      'whitelist/platforms.yaml',
      'whitelist/companies.yaml',
      'rules/competitors.yaml',
      'rules/shorteners.yaml',
      'rules/redirectors.yaml',
      'rules/limits.yaml',
    ]);
    expect(err.message.split('\n')[0]).toBe('whitelist/government.yaml: cannot read the file (ENOENT)');
  });

  it('reports every problem in every file at once, as plain lines', () => {
    const err = loadError({
      dataDir: dataDir({
        'whitelist/companies.yaml': whitelistFile('  - domain: com.cn\n    source: s\n    added: 2026-01-01\n'),
        'rules/shorteners.yaml': 'about: x\nshorteners:\n  - domain: bit.ly\n    operator: o\n    severity: fatal\n    note: n\n    source: s\n    added: 2026-01-01\n',
      }),
    });
    expect(err.issues.map((i) => `${i.file}:${i.line}`)).toEqual(['whitelist/companies.yaml:3', 'rules/shorteners.yaml:5']);
    for (const line of err.message.split('\n')) expect(line).toMatch(/^[a-z/]+\.yaml:\d+: \S/);
    expect(err.message).not.toMatch(/ZodError|at .*\.ts:\d+|"code":/);
  });
});

describe('rules files', () => {
  const redirectors = readFileSync(join(repoRoot, 'rules/redirectors.yaml'), 'utf8');

  it('redirectors load with their parameters and match on path segments', () => {
    const policy = loadPolicy({ cwd: project(), now: TODAY });
    expect(policy.redirectors.size).toBeGreaterThanOrEqual(6);
    expect(policy.redirectors.match('www.baidu.com', '/link?url=x')).toMatchObject({ domain: 'baidu.com', params: ['url'], file: 'rules/redirectors.yaml' });
    expect(policy.redirectors.match('www.baidu.com', '/links')).toBeUndefined();
    expect(policy.redirectors.match('weibo.cn', '/sinaurl?u=x')?.line).toBe(lineOf(redirectors, '- domain: weibo.cn'));
  });

  it('a redirector without parameters, or with a bad one, names the file and line', () => {
    const text = redirectors.replace('params: [q, url]', 'params: []').replace('params: [m, url]', 'params: ["m&x"]');
    const err = loadError({ dataDir: dataDir({ 'rules/redirectors.yaml': text }) });
    expect(err.issues.map((i) => `${i.file}:${i.line}: ${i.message}`)).toEqual([
      `rules/redirectors.yaml:${lineOf(text, 'params: []')}: redirectors[3].params: list the parameter(s) that carry the target`,
      `rules/redirectors.yaml:${lineOf(text, 'params: ["m&x"]')}: redirectors[7].params[0]: expected a query parameter name such as u or url`,
    ]);
  });

  it('a redirector listed twice', () => {
    const text = redirectors.replace('- domain: sogou.com', '- domain: baidu.com');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/redirectors.yaml': text }) }));
    expect(issue.message).toMatch(/^redirectors\[6\]\.domain: duplicate domain "baidu.com" \(already listed at line \d+\)/);
    expect(issue.line).toBe(lineOf(text, '- domain: baidu.com', lineOf(text, '- domain: google.com.hk')));
  });

  const competitors = readFileSync(join(repoRoot, 'rules/competitors.yaml'), 'utf8');

  it('a scheme claimed by two services', () => {
    const text = competitors.replace('schemes: [zhihu]', 'schemes: [zhihu, weixin]');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/competitors.yaml': text }) }));
    expect(issue.message).toMatch(/schemes\[1\]: scheme "weixin" is already listed for wechat$/);
    expect(issue.line).toBe(lineOf(text, 'schemes: [zhihu, weixin]'));
  });

  it('a competitor domain listed twice', () => {
    const text = competitors.replace('domains: [zhihu.com]', 'domains: [zhihu.com, douyin.com]');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/competitors.yaml': text }) }));
    expect(issue.message).toMatch(/^duplicate domain "douyin.com" \(already listed at rules\/competitors.yaml:\d+\)/);
  });

  it('a competitor domain that is a public suffix', () => {
    const text = competitors.replace('cdn: [zhimg.com]', 'cdn: [zhimg.com, com.cn]');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/competitors.yaml': text }) }));
    expect(issue.line).toBe(lineOf(text, 'cdn: [zhimg.com, com.cn]'));
    expect(issue.message).toMatch(/^services\[\d+\]\.cdn\[1\]: is itself a public suffix: denying it would block every site registered under it$/);
  });

  it('an exception naming both a domain and a URL', () => {
    const text = competitors.replace('      - domain: wxaurl.cn\n', '      - domain: wxaurl.cn\n        url: "weixin://x"\n');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/competitors.yaml': text }) }));
    expect(issue.message).toMatch(/^services\[4\]\.exceptions\[0\]: an exception names exactly one of "domain" or "url"/);
  });

  it('a term that is neither a string nor { text, ambiguous }', () => {
    const text = competitors.replace('aliases: [头条号', 'aliases: [[头条号]').replace('      - 头条号\n', '      - [头条号]\n');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/competitors.yaml': text }) }));
    expect(issue.message).toMatch(/aliases\[0\]: expected a name, or \{ text, ambiguous: true, note\? \}/);
  });

  it('a homophone source that is not a short Chinese name', () => {
    const text = competitors.replace('homophonesOf: [知乎]', 'homophonesOf: [zhihu]');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/competitors.yaml': text }) }));
    expect(issue.line).toBe(lineOf(text, 'homophonesOf: [zhihu]'));
    expect(issue.message).toMatch(/^services\[\d+\]\.homophonesOf\[0\]: expected a Chinese name of 2 to 4 characters/);
  });

  it('a surface that is neither a string nor { text, weak }', () => {
    const text = competitors.replace('surfaces: [知乎专栏', 'surfaces: [{ text: 知乎专栏, strong: true }');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/competitors.yaml': text }) }));
    expect(issue.message).toMatch(/surfaces\[0\]: expected a surface name, or \{ text, weak: true, note\? \}/);
  });

  it('the promotion grammar needs its word lists', () => {
    const text = competitors.replace(/\n  possessives:\n    zh: .*\n    en: .*\n/, '\n');
    const issue = only(loadError({ dataDir: dataDir({ 'rules/competitors.yaml': text }) }));
    expect(issue.message).toMatch(/^directives\.possessives: /);
  });

  it('a duplicate shortener', () => {
    const text = readFileSync(join(repoRoot, 'rules/shorteners.yaml'), 'utf8') + '  - domain: bit.ly\n    operator: o\n    note: n\n    source: s\n    added: 2026-01-01\n';
    const issue = only(loadError({ dataDir: dataDir({ 'rules/shorteners.yaml': text }) }));
    expect(issue.message).toMatch(/^shorteners\[\d+\]\.domain: duplicate domain "bit.ly" \(already listed at line \d+\)$/);
    expect(issue.line).toBe(text.split('\n').length - 5);
  });

  it('limits that contradict themselves', () => {
    const limits = readFileSync(join(repoRoot, 'rules/limits.yaml'), 'utf8').replace('recommended: [1, 3]', 'recommended: [1, 9]').replace('unit: weibo', 'unit: bytes');
    const err = loadError({ dataDir: dataDir({ 'rules/limits.yaml': limits }) });
    expect(err.issues.map((i) => `${i.line}: ${i.message}`)).toEqual([
      `${lineOf(limits, 'unit: bytes')}: text.unit: expected one of "weibo", "chars", got "bytes"`,
    ]);
    const fixed = limits.replace('unit: bytes', 'unit: chars');
    expect(only(loadError({ dataDir: dataDir({ 'rules/limits.yaml': fixed }) }))).toMatchObject({
      line: lineOf(fixed, 'recommended:'),
      message: 'articles.recommended[1]: 9 is outside [min, max] = [1, 8]',
    });
  });
});

describe('expiry', () => {
  const entries = whitelistFile(
    '  - domain: old.example.com\n    source: s\n    added: 2025-01-01\n    expires: 2026-11-01\n' +
      '  - domain: soon.example.com\n    source: s\n    added: 2025-01-01\n    expires: 2026-12-01\n' +
      '  - domain: later.example.com\n    source: s\n    added: 2025-01-01\n    expires: 2027-06-01\n',
  );
  const policy = loadPolicy({ cwd: project(), now: TODAY, dataDir: dataDir({ 'whitelist/companies.yaml': entries }) });

  it('an expired entry is a warning, not an error, and no longer allows', () => {
    expect(policy.warnings).toContainEqual(expect.objectContaining({ kind: 'expired', file: 'whitelist/companies.yaml', line: 6, domain: 'old.example.com', expires: '2026-11-01', message: 'old.example.com: expired on 2026-11-01; the entry no longer applies (renew or remove it)' }));
    expect(policy.whitelist.match('old.example.com')).toBeUndefined();
  });

  it('an entry expiring within 30 days is a warning and still allows', () => {
    expect(policy.warnings).toContainEqual({ kind: 'expiring', file: 'whitelist/companies.yaml', line: 10, domain: 'soon.example.com', expires: '2026-12-01', message: 'soon.example.com: expires on 2026-12-01' });
    expect(policy.whitelist.match('soon.example.com')?.kind).toBe('allow');
    expect(policy.warnings).toHaveLength(2);
    expect(policy.whitelist.match('later.example.com')?.kind).toBe('allow');
  });
});
