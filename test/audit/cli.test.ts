import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo } from './helpers.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const bin = join(repoRoot, 'dist/cli/main.js');

/** Runs the built CLI (npm test builds first) without a terminal, as CI does. */
function cli(args: string[], cwd = repoRoot): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [bin, 'audit', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `line:col severity rule` per finding line of a stylish report: what must not drift, whatever the wording. */
function locations(stylish: string): string[] {
  const out: string[] = [];
  let file = '';
  for (const line of stylish.split('\n')) {
    if (/^\S/.test(line) && !line.startsWith('✖') && !line.startsWith('$')) file = line.trim();
    const m = /^ {2}(\d+:\d+) +(error|warning) +.* (\S+)$/.exec(line);
    if (m) out.push(`${file} ${m[1]} ${m[2]} ${m[3]}`);
  }
  return out;
}

describe('weibo-guard audit (built CLI)', () => {
  it("audits the example repo exactly as its README shows, and exits 1", () => {
    const readme = readFileSync(join(repoRoot, 'examples/template-repo/README.md'), 'utf8');
    const block = /```console\n\$ node dist\/cli\/main\.js (audit [^\n]+)\n([\s\S]*?)```/.exec(readme);
    expect(block, 'the README opens with a console block running the audit').not.toBeNull();
    const r = cli(block![1]!.split(' ').slice(1));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const shown = locations(block![2]!);
    expect(shown.length).toBeGreaterThan(10);
    expect(locations(r.stdout)).toEqual(shown);
    expect(r.stdout).toContain('(2 suppressed; not shown)');
  });

  it('prints stylish by default even when stdout is not a terminal, as ESLint does; -f json or -o x.json for the JSON contract; exit 0 when clean', () => {
    const repo = makeRepo({ 'a.txt': '欢迎访问 https://www.people.com.cn', 'b.txt': 'https://evil.com' });
    const r = cli([repo]);
    expect(r.code).toBe(1);
    expect(locations(r.stdout)).toEqual(['b.txt 1:1 error link/not-whitelisted']);
    expect(r.stderr).toBe('');
    const json = cli([repo, '-f', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: 2, findings: [{ file: 'b.txt', rule: 'link/not-whitelisted' }] });
    cli([repo, '-o', join(repo, 'out.json')]);
    expect(JSON.parse(readFileSync(join(repo, 'out.json'), 'utf8'))).toEqual(JSON.parse(json.stdout));
    const clean = makeRepo({ 'a.txt': '欢迎访问 https://www.people.com.cn' });
    expect(cli([clean]).code).toBe(0);
    expect(JSON.parse(cli([clean, '-f', 'json']).stdout)).toEqual({ files: 1, findings: [] });
  });

  it('warnings pass unless there are more than --max-warnings', () => {
    const repo = makeRepo({ 'a.ts': 'export const f = (h: string) => `https://${h}/x`;\n' });
    expect(cli([repo]).code).toBe(0);
    expect(cli([repo, '--max-warnings', '1']).code).toBe(0);
    const r = cli([repo, '--max-warnings', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 warnings, more than --max-warnings 0');
  });

  it('a bad config is exit 2 naming the file and line', () => {
    const repo = makeRepo({ 'weibo-guard.config.yaml': 'whitelist:\n  - domain: shop.example.cn\n    added: not-a-date\n', 'a.txt': 'x' });
    const r = cli([repo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/weibo-guard\.config\.yaml:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('bad flags and missing paths are exit 2 with a clear message', () => {
    const repo = makeRepo({ 'a.txt': 'x' });
    const a = cli([repo, '--max-warnings', 'lots']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--max-warnings: expected a whole number, got "lots"');
    const b = cli([join(repo, 'missing')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('missing: no such file or folder');
    expect(cli([repo, '--format', 'xml']).code).toBe(2);
  });

  it('-o writes the report in the format its name says, and the audit never reads its own output', () => {
    const repo = makeRepo({ 'a.txt': 'https://evil.com' });
    const r = cli([repo, '-o', join(repo, 'report.sarif')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const log = JSON.parse(readFileSync(join(repo, 'report.sarif'), 'utf8'));
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results).toHaveLength(1);
    const { driver } = log.runs[0].tool;
    expect(driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(driver.informationUri).toMatch(/^https:\/\//);
    expect(driver.rules[0].helpUri).toMatch(/^https:\/\/.*#what-is-checked$/);
    cli([repo, '-o', join(repo, 'report.html')]);
    expect(readFileSync(join(repo, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    const again = JSON.parse(cli([repo, '-f', 'json']).stdout);
    expect(again.files).toBe(1);
  });

  it('--write-baseline then --baseline fails only on new findings', () => {
    const repo = makeRepo({ 'a.txt': 'https://evil.com' });
    const w = cli([repo, '--write-baseline', join(repo, 'weibo-guard-baseline.json')]);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('wrote 1 finding to the baseline');
    const clean = cli([repo, '--baseline', join(repo, 'weibo-guard-baseline.json'), '-f', 'stylish']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('1 in the baseline');
    writeFileSync(join(repo, 'b.txt'), 'https://evil-two.com');
    const dirty = JSON.parse(cli([repo, '--baseline', join(repo, 'weibo-guard-baseline.json'), '-f', 'json']).stdout);
    expect(dirty.findings.map((f: { file: string }) => f.file)).toEqual(['b.txt']);
  });

  it("never reads its own outputs: a baseline, JSON and SARIF reports left in the repo, .weibo-guard/", () => {
    const repo = makeRepo({ 'a.txt': '加我微信 abc123，详情 https://evil.com', '.weibo-guard/state.json': '{"text": "https://evil-state.com"}' });
    const first = JSON.parse(cli([repo, '-f', 'json']).stdout);
    expect(first.files).toBe(1);
    cli([repo, '--write-baseline', join(repo, '.weibo-guard-baseline.json')]);
    cli([repo, '-o', join(repo, 'audit-report.json')]);
    cli([repo, '-o', join(repo, 'old.sarif.json'), '-f', 'sarif']);
    const again = JSON.parse(cli([repo, '-f', 'json']).stdout);
    expect(again.files).toBe(1);
    expect(again.findings).toEqual(first.findings);
  });

  it('says how many baseline entries matched nothing, and how to prune them', () => {
    const repo = makeRepo({ 'a.txt': 'https://evil.com', 'b.txt': 'https://evil-two.com' });
    const baseline = join(repo, 'weibo-guard-baseline.json');
    cli([repo, '--write-baseline', baseline]);
    writeFileSync(join(repo, 'b.txt'), 'fixed');
    const r = cli([repo, '--baseline', baseline, '-f', 'stylish']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 baseline entry matched no finding (fixed or moved since); prune them by writing the baseline again with --write-baseline');
    expect(JSON.parse(cli([repo, '--baseline', baseline, '-f', 'json']).stdout).staleBaseline).toBe(1);
  });
});
