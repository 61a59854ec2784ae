import { ESLint } from 'eslint';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { clearGates, RECHECK_MS, setGateClock } from '../../src/eslint/gates.js';
import { policyFingerprint } from '../../src/eslint/fingerprint.js';
import { loadPolicy, policyFiles } from '../../src/policy/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslintBin = join(root, 'node_modules/eslint/bin/eslint.js');
const builtPlugin = pathToFileURL(join(root, 'dist/eslint/index.js')).href;

afterEach(() => {
  clearGates();
  setGateClock();
});

const entry = (domain: string, extra = '') => `  - domain: ${domain}\n    source: "approval by private message"\n    added: 2026-01-02\n${extra}`;
const config = (...entries: string[]) => (entries.length ? `whitelist:\n${entries.join('')}` : 'whitelist: []\n');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-eslint-follow-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const template = (host: string) => `export const reply = 'details: https://${host}/autumn';\n`;

/** `eslint --cache` as a user runs it, in the project folder, with the built plugin. */
function eslintCli(cwd: string, ...args: string[]): { code: number | null; results: Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string }> }>; stderr: string } {
  const r = spawnSync(process.execPath, [eslintBin, '--format', 'json', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, results: r.stdout ? JSON.parse(r.stdout) : [], stderr: r.stderr };
}

const rulesOf = (r: ReturnType<typeof eslintCli>) => r.results.flatMap((f) => f.messages.map((m) => m.ruleId));

describe('eslint --cache follows the policy files', () => {
  it('drops a cached error once the host is whitelisted, and reports it again once the entry is removed', () => {
    const cwd = project({
      'eslint.config.js': `import weiboGuard from '${builtPlugin}';\nexport default [...weiboGuard.configs.recommended];\n`,
      'weibo-guard.config.yaml': config(),
      'a.js': template('shop.example.cn'),
      'b.js': template('shop.example.cn'),
    });
    try {
      const first = eslintCli(cwd, '--cache', '.');
      expect(first.stderr).toBe('');
      expect(rulesOf(first)).toEqual(['weibo-guard/links', 'weibo-guard/links']);

      // Listed, expiring in ten days: allowed, and the warning is said once for the run.
      const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      writeFileSync(join(cwd, 'weibo-guard.config.yaml'), config(entry('shop.example.cn', `    expires: ${soon}\n`)));
      const allowed = eslintCli(cwd, '--cache', '.');
      expect(rulesOf(allowed)).toEqual([]);
      expect(allowed.code).toBe(0);
      expect(allowed.stderr.match(/WeiboGuardPolicyWarning/g)).toHaveLength(1);
      expect(allowed.stderr).toContain(`WeiboGuardPolicyWarning: weibo-guard policy: 1 warning\n  weibo-guard.config.yaml:5: shop.example.cn: expires on ${soon}\n`);

      writeFileSync(join(cwd, 'weibo-guard.config.yaml'), config());
      const removed = eslintCli(cwd, '--cache', '.');
      expect(rulesOf(removed)).toEqual(['weibo-guard/links', 'weibo-guard/links']);
      expect(removed.code).toBe(1);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('the policy fingerprint', () => {
  it('changes with the bytes of any policy file (data folder or config), not with a touch', () => {
    const data = project({});
    const files = policyFiles({ dataDir: root, cwd: data });
    const base = policyFingerprint(files, '2026-12-01');
    expect(policyFingerprint(files, '2026-12-01')).toBe(base);
    // A copy of the shipped data folder, one whitelist file edited: the fingerprint sees it.
    const copy = mkdtempSync(join(tmpdir(), 'wg-eslint-data-'));
    for (const dir of ['whitelist', 'rules']) cpSync(join(root, dir), join(copy, dir), { recursive: true });
    const copied = policyFiles({ dataDir: copy, cwd: data });
    const before = policyFingerprint(copied, '2026-12-01');
    appendFileSync(join(copy, 'whitelist/media.yaml'), '\n');
    expect(policyFingerprint(copied, '2026-12-01')).not.toBe(before);
    appendFileSync(join(copy, 'rules/limits.yaml'), '# note\n');
    const afterRules = policyFingerprint(copied, '2026-12-01');
    expect(afterRules).not.toBe(before);
    // A config appearing where none was is a change too.
    writeFileSync(join(data, 'weibo-guard.config.yml'), config());
    expect(policyFingerprint(copied, '2026-12-01')).not.toBe(afterRules);
  });

  it('lists every file loadPolicy reads', () => {
    const cwd = project({ 'weibo-guard.config.yaml': config(entry('shop.example.cn')) });
    const read = loadPolicy({ cwd }).sources.map((s) => (s === 'weibo-guard.config.yaml' ? join(cwd, s) : join(root, s)));
    expect(policyFiles({ cwd })).toEqual(expect.arrayContaining(read));
  });

  it('changes on the day a written date passes (an entry expiring), not on other days', () => {
    const cwd = project({ 'weibo-guard.config.yaml': config(entry('shop.example.cn', '    expires: 2026-12-05\n')) });
    const files = policyFiles({ cwd, dataDir: cwd });
    const day = (d: string) => policyFingerprint(files, d);
    expect(day('2026-12-04')).toBe(day('2026-12-05'));
    expect(day('2026-12-06')).not.toBe(day('2026-12-05'));
    expect(day('2026-12-07')).toBe(day('2026-12-06'));
  });

  it('is in the settings of every config the plugin exports', () => {
    const fingerprints = Object.values(plugin.configs).map((c) => c.map((block) => (block.settings?.['weibo-guard'] as { policy?: string } | undefined)?.policy));
    expect(fingerprints.flat()).toEqual(Array(4).fill(policyFingerprint(policyFiles({ cwd: process.cwd() }), new Date().toISOString().slice(0, 10))));
  });
});

describe('a long-running ESLint re-reads the policy when its files change', () => {
  const rules = { 'weibo-guard/links': 'error' } as const;

  it('sees a whitelist edit within a second, statting no more often than that', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    setGateClock(() => now);
    const cwd = project({ 'weibo-guard.config.yaml': config(), 'a.js': template('shop.example.cn') });
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules }] });
    const lint = async () => (await eslint.lintFiles(['a.js']))[0]!.messages.map((m) => m.ruleId);

    expect(await lint()).toEqual(['weibo-guard/links']);
    writeFileSync(join(cwd, 'weibo-guard.config.yaml'), config(entry('shop.example.cn')));
    // Within the second the files are not looked at again.
    now += RECHECK_MS - 1;
    expect(await lint()).toEqual(['weibo-guard/links']);
    now += 1;
    expect(await lint()).toEqual([]);

    writeFileSync(join(cwd, 'weibo-guard.config.yaml'), config());
    now += RECHECK_MS;
    expect(await lint()).toEqual(['weibo-guard/links']);
  });

  it('drops a whitelist entry on the day it expires, with no file changed', async () => {
    let now = Date.parse('2026-12-05T23:59:59Z');
    setGateClock(() => now);
    const cwd = project({ 'weibo-guard.config.yaml': config(entry('shop.example.cn', '    expires: 2026-12-05\n')), 'a.js': template('shop.example.cn') });
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules }] });
    const lint = async () => (await eslint.lintFiles(['a.js']))[0]!.messages.map((m) => m.ruleId);
    expect(await lint()).toEqual([]);
    now += RECHECK_MS;
    expect(await lint()).toEqual(['weibo-guard/links']);
  });

  it('reports a config whose folder was replaced by a file as a load error, not a crash', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    setGateClock(() => now);
    const cwd = project({ 'a.js': template('shop.example.cn') });
    mkdirSync(join(cwd, 'conf'));
    writeFileSync(join(cwd, 'conf/policy.yaml'), config(entry('shop.example.cn')));
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules: { 'weibo-guard/links': ['error', { config: 'conf/policy.yaml' }] } }] });
    const lint = async () => (await eslint.lintFiles(['a.js']))[0]!.messages.map((m) => m.message);
    expect(await lint()).toEqual([]);
    rmSync(join(cwd, 'conf'), { recursive: true });
    writeFileSync(join(cwd, 'conf'), 'not a folder\n');
    now += RECHECK_MS;
    expect(await lint()).toEqual([expect.stringMatching(/^weibo-guard policy could not be loaded: conf\/policy\.yaml: /)]);
  });

  it('picks up a fixed config after a load error', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    setGateClock(() => now);
    const cwd = project({ 'weibo-guard.config.yaml': 'whitelist:\n  - domain: shop.example.cn\n', 'a.js': template('shop.example.cn') });
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules }] });
    const lint = async () => (await eslint.lintFiles(['a.js']))[0]!.messages.map((m) => m.message);
    expect((await lint())[0]).toMatch(/^weibo-guard policy could not be loaded: weibo-guard\.config\.yaml:2: /);
    writeFileSync(join(cwd, 'weibo-guard.config.yaml'), config(entry('shop.example.cn')));
    now += RECHECK_MS;
    expect(await lint()).toEqual([]);
  });
});
