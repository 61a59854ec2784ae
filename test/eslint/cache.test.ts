import { ESLint } from 'eslint';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Gate } from '../../src/gate.js';

/** Counts policy loads and engine calls by wrapping the real gate (nothing about its answers changes). */
const counts = vi.hoisted(() => ({ gates: 0, text: 0, url: 0, check: 0 }));
vi.mock('../../src/gate.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/gate.js')>();
  return {
    ...real,
    createGate: (options?: Parameters<typeof real.createGate>[0]): Gate => {
      counts.gates++;
      const gate = real.createGate(options);
      return {
        policy: gate.policy,
        check: (...a) => (counts.check++, gate.check(...a)),
        checkText: (...a) => (counts.text++, gate.checkText(...a)),
        checkUrl: (...a) => (counts.url++, gate.checkUrl(...a)),
      };
    },
  };
});

const { default: plugin } = await import('../../src/eslint/index.js');
const { clearGates } = await import('../../src/eslint/gates.js');

afterEach(() => {
  clearGates();
  Object.assign(counts, { gates: 0, text: 0, url: 0, check: 0 });
});

function repo(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-eslint-cache-'));
  for (let i = 0; i < files; i++) {
    writeFileSync(
      join(dir, `t${i}.js`),
      `export const a = 'see https://evil${i}.cn';\nexport const footer = '感谢关注，祝您生活愉快';\nexport const r = { receiver_id: '1', type: 'text', data: { text: 'hi ${i}' } };\n`,
    );
  }
  return dir;
}

const rules = { 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error', 'weibo-guard/payload': 'error' } as const;

describe('policy and findings are shared', () => {
  it('compiles the policy once for a whole run, however many files and rules', async () => {
    const cwd = repo(30);
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules }] });
    const results = await eslint.lintFiles(['**/*.js']);
    expect(results).toHaveLength(30);
    expect(results.every((r) => r.messages.length === 1 && r.messages[0]!.ruleId === 'weibo-guard/links')).toBe(true);
    expect(counts.gates).toBe(1);
  });

  it('judges each string of a file once with all three rules on', async () => {
    const cwd = repo(5);
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules }] });
    const results = await eslint.lintFiles(['**/*.js']);
    // Per file: its own string, the footer and one payload literal (its strings judged inside it).
    // Values are not cached across files: BENCHMARKS.md ("eslint") found no gain in it.
    expect({ text: counts.text, check: counts.check, url: counts.url }).toEqual({ text: 5 * 2, check: 5, url: 0 });
    expect(results.map((r) => r.messages.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('keeps one gate per config file, and account/channel out of the gate key', async () => {
    const cwd = repo(3);
    writeFileSync(join(cwd, 'weibo-guard.config.yaml'), 'account: enterprise\n');
    const eslint = new ESLint({
      cwd,
      overrideConfigFile: true,
      overrideConfig: [
        { files: ['t0.js'], plugins: { 'weibo-guard': plugin }, rules: { 'weibo-guard/links': ['error', { account: 'personal' }] } },
        { files: ['t1.js'], plugins: { 'weibo-guard': plugin }, rules: { 'weibo-guard/links': ['error', { channel: 'post' }] } },
        { files: ['t2.js'], plugins: { 'weibo-guard': plugin }, rules: { 'weibo-guard/links': ['error', { config: 'weibo-guard.config.yaml' }] } },
      ],
    });
    await eslint.lintFiles(['**/*.js']);
    expect(counts.gates).toBe(2);
  });

  it('rules with different options on one file each judge and report their own share', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wg-eslint-groups-'));
    writeFileSync(join(cwd, 'a.js'), "export const a = '微信支付暂不支持，详见 https://evil.cn';\n");
    const lint = async (competitor: unknown) => {
      const eslint = new ESLint({
        cwd,
        overrideConfigFile: true,
        overrideConfig: [{ files: ['**/*.js'], plugins: { 'weibo-guard': plugin }, rules: { 'weibo-guard/links': 'error', 'weibo-guard/competitor': competitor as 'error' } }],
      });
      const [r] = await eslint.lintFiles(['a.js']);
      return r!.messages.map((m) => `${m.ruleId}:${m.messageId}`).sort();
    };
    // Same options: one traversal for both rules, each reports its own finding.
    expect(await lint('error')).toEqual(['weibo-guard/competitor:competitor/mention', 'weibo-guard/links:link/not-whitelisted']);
    // Different options: each rule listens for itself and keeps its own options.
    expect(await lint(['error', { advisories: false }])).toEqual(['weibo-guard/links:link/not-whitelisted']);
    expect(await lint(['warn', { advisories: true }])).toEqual(['weibo-guard/competitor:competitor/mention', 'weibo-guard/links:link/not-whitelisted']);
  });
});
