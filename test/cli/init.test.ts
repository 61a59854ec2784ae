import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONFIG_TEMPLATE } from '../../src/cli/init.js';
import { loadPolicy } from '../../src/policy/index.js';
import { CONFIG_SCHEMA_PATH, configJsonSchema } from '../../src/policy/json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const main = join(root, 'dist/cli/main.js');
// CommonJS that also sets `exports.default`; under NodeNext the default import is the module object.
const Ajv2020 = Ajv2020Module.default;
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8' });

describe('weibo-guard init', () => {
  it('writes a config that loads and changes nothing, prints the ESLint and CI snippets, and refuses to overwrite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-init-'));
    const first = run(['init'], dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('wrote weibo-guard.config.yaml');
    expect(first.stdout).toContain("import weiboGuard from 'weibo-guard/eslint-plugin'");
    expect(first.stdout).toContain('weibo-guard audit');
    const written = readFileSync(join(dir, 'weibo-guard.config.yaml'), 'utf8');
    expect(written).toBe(CONFIG_TEMPLATE);

    const withConfig = loadPolicy({ cwd: dir });
    const without = loadPolicy({ cwd: mkdtempSync(join(tmpdir(), 'wg-init-empty-')) });
    expect({ ...withConfig.config, $schema: undefined }).toEqual({ ...without.config, account: 'enterprise', channel: 'reply', $schema: undefined });
    expect(withConfig.sources).toContain('weibo-guard.config.yaml');
    expect(withConfig.warnings).toEqual(without.warnings);

    writeFileSync(join(dir, 'weibo-guard.config.yaml'), 'account: personal\n');
    const again = run(['init'], dir);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe('weibo-guard: weibo-guard.config.yaml exists; pass --force to overwrite it\n');
    expect(readFileSync(join(dir, 'weibo-guard.config.yaml'), 'utf8')).toBe('account: personal\n');
    expect(run(['init', '--force'], dir).status).toBe(0);
    expect(readFileSync(join(dir, 'weibo-guard.config.yaml'), 'utf8')).toBe(CONFIG_TEMPLATE);
  });

  it('names a missing --dir', () => {
    const r = run(['init', '--dir', 'nowhere'], mkdtempSync(join(tmpdir(), 'wg-init-')));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('weibo-guard: --dir nowhere: no such folder\n');
  });
});

describe('the config JSON Schema', () => {
  const shipped = JSON.parse(readFileSync(join(root, CONFIG_SCHEMA_PATH), 'utf8')) as Record<string, unknown>;
  const validate = new Ajv2020({ strict: false }).compile(shipped);

  it('is built from the zod schema and ships where the init config points', () => {
    expect(shipped).toEqual(configJsonSchema());
    expect(CONFIG_TEMPLATE.split('\n')[0]).toBe(`# yaml-language-server: $schema=node_modules/weibo-guard/${CONFIG_SCHEMA_PATH}`);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain(CONFIG_SCHEMA_PATH.split('/')[0]);
  });

  it('accepts what the loader accepts and refuses a typo the loader refuses', () => {
    expect(validate(parseYaml(CONFIG_TEMPLATE))).toBe(true);
    const readmeExample = { account: 'enterprise', whitelist: [{ domain: 'chayutea.cn', source: 'Weibo enterprise verification, 2026-03', added: '2026-03-02' }], limits: { text: { max: 140 } } };
    expect(validate(readmeExample)).toBe(true);
    expect(validate({ whitelsit: [] })).toBe(false);
    expect(validate({ account: 'company' })).toBe(false);
    expect(validate({ whitelist: [{ domain: 'a.cn', added: '2026-01-01' }] })).toBe(false);
  });
});

describe('pre-commit hook and GitHub Action', () => {
  const help = run(['audit', '--help'], root).stdout;

  it('the pre-commit hook runs the audit with flags the audit has', () => {
    const hooks = parseYaml(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; language: string }>;
    expect(hooks.map((h) => h.id)).toEqual(['weibo-guard-audit']);
    const [bin, command, ...flags] = hooks[0]!.entry.split(' ');
    expect([bin, command, hooks[0]!.language]).toEqual(['weibo-guard', 'audit', 'node']);
    for (const f of flags.filter((x) => x.startsWith('--'))) expect(help).toContain(f);
  });

  it('the action runs the audit to SARIF with flags the audit has, and fails on the audit exit code', () => {
    const action = parseYaml(readFileSync(join(root, 'action.yml'), 'utf8')) as { runs: { using: string; steps: Array<{ run?: string; uses?: string }> } };
    expect(action.runs.using).toBe('composite');
    const script = action.runs.steps.map((s) => s.run ?? '').join('\n');
    const auditLine = script.split('\n').find((l) => l.includes(' audit '))!;
    for (const f of auditLine.match(/--[a-z-]+/g)!.filter((f) => f !== '--yes')) expect(help).toContain(f);
    expect(auditLine).toContain('--format sarif');
    expect(action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))).toBe(true);
    expect(script).toContain('exit "$WG_CODE"');
  });
});
