import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { AuditReportSchema } from '../../src/audit/model.js';
import { expiryFixture } from '../expiry-fixture.js';

// Both are CommonJS that also set `exports.default`; under NodeNext the default import is the module object.
const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;

// Spawns the built CLI (npm run build), as a user runs it. The fixture's dates are
// relative to the moment the test runs (yesterday, in ten days): a run that crosses
// midnight still sees one expired entry and one expiring within 30 days.
const MAIN = resolve('dist/cli/main.js');
const fx = expiryFixture();
const dir = mkdtempSync(join(tmpdir(), 'wg-warn-'));
writeFileSync(join(dir, 'weibo-guard.config.yaml'), fx.config);
mkdirSync(join(dir, 'templates'));
writeFileSync(join(dir, 'templates', 'a.md'), '# 活动\n\n详情见 https://lapsed-shop.example.com/a\n');
writeFileSync(join(dir, 'templates', 'b.md'), '详情见 https://lapsed-shop.example.com/b 和 https://soon-shop.example.com/c\n');

const run = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { input, cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** What check, send and explain write to stderr, once per run whatever the input holds. */
const STDERR_LINES = [
  `weibo-guard: warning: weibo-guard.config.yaml:${fx.lines.expired}: ${fx.expiredMessage}`,
  `weibo-guard: warning: weibo-guard.config.yaml:${fx.lines.expiring}: ${fx.expiringMessage}`,
];
const saysEachOnce = (text: string) => {
  expect(count(text, fx.expiredMessage)).toBe(1);
  expect(count(text, fx.expiringMessage)).toBe(1);
};
const message = (url: string) => JSON.stringify({ type: 'text', data: { text: `详情见 ${url}` }, receiver_id: '1722052204' });

describe('policy warnings: check, send, explain say them on stderr, once per run', () => {
  it('check: a single message keeps stdout the JSON verdict', () => {
    const r = run(['check', '-'], message('https://lapsed-shop.example.com/a'));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings.map((f: { rule: string }) => f.rule)).toEqual(['link/not-whitelisted']);
    expect(r.err.trimEnd().split('\n')).toEqual(STDERR_LINES);
  });

  it('check --jsonl: once for the run, not once per line', () => {
    const lines = [message('https://lapsed-shop.example.com/a'), message('https://soon-shop.example.com/b'), message('https://lapsed-shop.example.com/c')];
    const r = run(['check', '--jsonl', '-'], `${lines.join('\n')}\n`);
    expect(r.out.trimEnd().split('\n').map((l) => JSON.parse(l).line)).toEqual([1, 2, 3]);
    expect(r.err.trimEnd().split('\n')).toEqual(STDERR_LINES);
  });

  it('send --dry-run and send --json: stderr, once', () => {
    writeFileSync(join(dir, 'batch.jsonl'), `${message('https://lapsed-shop.example.com/a')}\n${message('https://soon-shop.example.com/b')}\n`);
    for (const extra of [[], ['--json']]) {
      const r = run(['send', 'batch.jsonl', '--dry-run', '--store', join(dir, 'outbox.db'), ...extra]);
      expect(r.code).toBe(1);
      expect(r.err.trimEnd().split('\n')).toEqual(STDERR_LINES);
      expect(r.out).not.toContain(fx.expiredMessage);
    }
  });

  it('explain on a host whose entry expired names the entry and its date', () => {
    const r = run(['explain', 'https://www.lapsed-shop.example.com/a']);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('no whitelist entry covers this host');
    expect(r.out).toMatch(new RegExp(`entry +none: weibo-guard\\.config\\.yaml:2 lapsed-shop\\.example\\.com expired on ${fx.expired} and no longer applies \\(renew or remove it\\)`));
    expect(r.err.trimEnd().split('\n')).toEqual(STDERR_LINES);
    const json = run(['explain', '--format', 'json', 'https://www.lapsed-shop.example.com/a']);
    expect(JSON.parse(json.out).expired).toEqual({ file: 'weibo-guard.config.yaml', line: 2, domain: 'lapsed-shop.example.com', expires: fx.expired });
    expect(json.err.trimEnd().split('\n')).toEqual(STDERR_LINES);
    // A host no entry ever covered still says so.
    expect(run(['explain', 'https://elsewhere.example.org/']).out).toMatch(/entry +none: no whitelist entry covers this host/);
    expect(JSON.parse(run(['explain', '--format', 'json', 'https://elsewhere.example.org/']).out).expired).toBeNull();
  });

  it('explain --text says them too', () => {
    const r = run(['explain', '--text', '详情见 https://lapsed-shop.example.com/a']);
    expect(r.err.trimEnd().split('\n')).toEqual(STDERR_LINES);
  });
});

describe('policy warnings: the audit report carries them, once per run, in every format', () => {
  const audit = (...args: string[]) => run(['audit', '--no-progress', ...args]);

  it('stylish: in the footer, after the summary', () => {
    const r = audit('-f', 'stylish');
    expect(r.code).toBe(1);
    saysEachOnce(r.out);
    const footer = r.out.slice(r.out.indexOf('✖'));
    expect(footer).toContain(`weibo-guard.config.yaml:${fx.lines.expired}  ${fx.expiredMessage}`);
    expect(footer).toContain(`weibo-guard.config.yaml:${fx.lines.expiring}  ${fx.expiringMessage}`);
    expect(r.err).toBe('');
  });

  it('json: a warnings array of plain data', () => {
    const report = JSON.parse(audit('-f', 'json').out);
    expect(AuditReportSchema.parse(report)).toEqual(report);
    expect(report.findings.length).toBeGreaterThan(1);
    expect(report.warnings).toEqual([
      { kind: 'expired', file: 'weibo-guard.config.yaml', line: fx.lines.expired, domain: 'lapsed-shop.example.com', expires: fx.expired, message: fx.expiredMessage },
      { kind: 'expiring', file: 'weibo-guard.config.yaml', line: fx.lines.expiring, domain: 'soon-shop.example.com', expires: fx.expiring, message: fx.expiringMessage },
    ]);
  });

  it('sarif: toolConfigurationNotifications of the run\'s invocation', () => {
    const sarif = JSON.parse(audit('-f', 'sarif').out);
    const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    const [invocation, ...more] = sarif.runs[0].invocations;
    expect(more).toEqual([]);
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolConfigurationNotifications).toEqual([
      expect.objectContaining({ level: 'warning', descriptor: { id: 'policy/expired' }, message: { text: `weibo-guard.config.yaml:${fx.lines.expired}: ${fx.expiredMessage}` } }),
      expect.objectContaining({ level: 'warning', descriptor: { id: 'policy/expiring' }, message: { text: `weibo-guard.config.yaml:${fx.lines.expiring}: ${fx.expiringMessage}` } }),
    ]);
  });

  it('html: a banner at the top of the page', () => {
    const html = audit('-f', 'html').out;
    saysEachOnce(html);
    const banner = /<section id="policy-warnings"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(banner).toContain(fx.expiredMessage);
    expect(banner).toContain(fx.expiringMessage);
    expect(html.indexOf('id="policy-warnings"')).toBeLessThan(html.indexOf('id="findings"'));
  });

  it('--write-baseline writes no report, so it says them on stderr', () => {
    const r = audit('--write-baseline', join(dir, 'baseline.json'));
    expect(r.code).toBe(0);
    saysEachOnce(r.err);
  });
});
