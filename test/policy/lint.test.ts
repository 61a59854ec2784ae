import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintPolicy } from '../../src/policy/index.js';

const main = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');
const NOW = new Date('2026-12-01T00:00:00Z');

function project(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-lint-'));
  writeFileSync(join(dir, 'weibo-guard.config.yaml'), config);
  return dir;
}

const CONFIG = `whitelist:
  - domain: brand-one.cn
    source: Weibo enterprise verification, 2026-03
    added: 2026-03-02
  - domain: shop.brand-one.cn
    source: Weibo enterprise verification, 2026-03
    added: 2026-03-02
  - domain: lapsed-brand.cn
    source: Weibo enterprise verification, 2025-01
    added: 2025-01-02
    expires: 2026-01-02
  - domain: soon-brand.cn
    source: Weibo enterprise verification, 2026-01
    added: 2026-01-02
    expires: 2026-12-20
  - domain: vague-brand.cn
    source: TODO
    added: 2026-01-02
  - domain: plain-brand.cn
    suffix: true
    source: Weibo enterprise verification, 2026-01
    added: 2026-01-02
  - domain: douyin.com
    source: a partner deal
    added: 2026-01-02
`;

describe('policy lint', () => {
  it('finds every kind of problem, each at its file and line', () => {
    const problems = lintPolicy({ cwd: project(CONFIG), now: NOW }).filter((p) => p.file === 'weibo-guard.config.yaml');
    expect(problems.map((p) => [p.kind, p.severity, p.line])).toEqual([
      ['shadowed', 'warning', 5],
      ['expired', 'error', 11],
      ['expiring', 'warning', 15],
      ['no-source', 'warning', 16],
      ['not-a-suffix', 'warning', 19],
      ['never-applies', 'warning', 23],
    ]);
    expect(problems[0]!.message).toBe('shop.brand-one.cn: already covered by brand-one.cn (weibo-guard.config.yaml:2); remove it, or narrow the broader entry');
  });

  it('reports a policy that does not load as errors, as the loader words them', () => {
    const problems = lintPolicy({ cwd: project('whitelist:\n  - domain: com.cn\n    source: x y\n    added: 2026-01-02\n'), now: NOW });
    expect(problems).toEqual([expect.objectContaining({ kind: 'invalid', severity: 'error', file: 'weibo-guard.config.yaml', line: 2 })]);
    expect(problems[0]!.message).toMatch(/public suffix/);
  });

  it('the shipped policy is clean', () => {
    expect(lintPolicy({ cwd: project('{}\n') }).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('weibo-guard policy lint exits 1 on errors, 0 on warnings only, and prints JSON off a terminal', () => {
    const withErrors = spawnSync(process.execPath, [main, 'policy', 'lint'], { cwd: project(CONFIG), encoding: 'utf8' });
    expect(withErrors.status).toBe(1);
    const { problems } = JSON.parse(withErrors.stdout) as { problems: Array<{ kind: string }> };
    expect(problems.map((p) => p.kind)).toContain('expired');
    const warningsOnly = spawnSync(process.execPath, [main, 'policy', 'lint', '--format', 'text'], { cwd: project(CONFIG.split('  - domain: lapsed')[0]!), encoding: 'utf8' });
    expect(warningsOnly.status).toBe(0);
    expect(warningsOnly.stdout).toMatch(/weibo-guard.config.yaml:5 {2}warning {2}shop.brand-one.cn: already covered/);
    expect(warningsOnly.stdout).toMatch(/0 errors, 1 warning\n$/);
  });
});
