import { ESLint } from 'eslint';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { clearGates, RECHECK_MS, setGateClock } from '../../src/eslint/gates.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-eslint-report-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const allRules = { 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error', 'weibo-guard/payload': 'error' } as const;
const lintWith = (cwd: string) => new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules: allRules }] });
const templates = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`t${i}.js`, `export const a = 'see https://shop${i}.example.cn';\n`]));

afterEach(() => {
  clearGates();
  setGateClock();
});

describe('a policy that does not load', () => {
  it('is reported once per file, whatever the number of rules, naming file:line as the loader does', async () => {
    const cwd = project({ ...templates, 'weibo-guard.config.yaml': 'whitelist:\n  - domain: shop.example.cn\n    sorce: typo\n' });
    const results = await lintWith(cwd).lintFiles(['*.js']);
    expect(results).toHaveLength(4);
    for (const r of results) {
      expect(r.messages).toHaveLength(1);
      expect(r.messages[0]).toMatchObject({ ruleId: 'weibo-guard/links', severity: 2, line: 1, column: 1 });
      expect(r.messages[0]!.message).toMatch(/^weibo-guard policy could not be loaded: weibo-guard\.config\.yaml:2: whitelist\[0\]\.source: /);
      expect(r.messages[0]!.message).toMatch(/weibo-guard\.config\.yaml:3: whitelist\[0\]: unknown key "sorce" \(did you mean "source"\?\)/);
    }
  });

  it('is still reported when the first rule is off', async () => {
    const cwd = project({ 't0.js': templates['t0.js']!, 'weibo-guard.config.yaml': 'whitelist: 3\n' });
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules: { ...allRules, 'weibo-guard/links': 'off' } }] });
    const [r] = await eslint.lintFiles(['t0.js']);
    expect(r!.messages.map((m) => m.ruleId)).toEqual(['weibo-guard/competitor']);
  });
});

describe('policy warnings', () => {
  let said: Error[] = [];
  const listen = (w: Error) => void (w.name === 'WeiboGuardPolicyWarning' && said.push(w));
  beforeEach(() => {
    said = [];
    process.on('warning', listen);
  });
  afterEach(() => void process.off('warning', listen));
  /** `process.emitWarning` delivers on the next tick. */
  const settle = () => new Promise((r) => setImmediate(r));

  const expiring = (expires: string) => `whitelist:\n  - domain: shop0.example.cn\n    source: "approval by private message"\n    added: 2026-01-02\n    expires: ${expires}\n  - domain: shop1.example.cn\n    source: "approval by private message"\n    added: 2026-01-02\n    expires: 2026-11-30\n`;

  it('are said once per process and policy, not once per file or per run of the same instance', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    setGateClock(() => now);
    const cwd = project({ ...templates, 'weibo-guard.config.yaml': expiring('2026-12-20') });
    const eslint = lintWith(cwd);
    const results = await eslint.lintFiles(['*.js']);
    await eslint.lintFiles(['*.js']);
    await lintWith(cwd).lintFiles(['*.js']);
    await settle();
    expect(said.map((w) => w.message)).toEqual([
      'weibo-guard policy: 2 warnings\n' +
        '  weibo-guard.config.yaml:5: shop0.example.cn: expires on 2026-12-20\n' +
        '  weibo-guard.config.yaml:9: shop1.example.cn: expired on 2026-11-30; the entry no longer applies (renew or remove it)',
    ]);
    // No file carries them: they are about the policy, not the file.
    expect(results.map((r) => r.messages.map((m) => m.ruleId))).toEqual([[], ['weibo-guard/links'], ['weibo-guard/links'], ['weibo-guard/links']]);

    // A changed policy is a new one: its warnings are said again, once.
    writeFileSync(join(cwd, 'weibo-guard.config.yaml'), expiring('2026-12-21'));
    now += RECHECK_MS;
    await eslint.lintFiles(['*.js']);
    await eslint.lintFiles(['*.js']);
    await settle();
    expect(said).toHaveLength(2);
    expect(said[1]!.message).toContain('weibo-guard.config.yaml:5: shop0.example.cn: expires on 2026-12-21');
  });
});
