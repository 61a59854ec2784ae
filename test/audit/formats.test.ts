import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditReportSchema } from '../../src/audit/model.js';
import { formatHtml } from '../../src/audit/report/html.js';
import { formatJson } from '../../src/audit/report/json.js';
import { formatSarif, toSarif } from '../../src/audit/report/sarif.js';
import { formatStylish } from '../../src/audit/report/stylish.js';
import { audit, makeRepo } from './helpers.js';
import { chromiumTest, launchChromium, watchPage } from '../system.js';

// Both are CommonJS that also set `exports.default`; under NodeNext the default import is the module object.
const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;

const repo = makeRepo({
  'src/a.ts': [
    "export const a = '<script>window.__pwned = 1</script> 访问 https://evil.com/<img src=x onerror=\"window.__pwned=2\">';",
    'export function r(h: string) { return `https://${h}/x`; }',
    '',
  ].join('\n'),
  'docs/空格 and #hash.md': '请加微信 abc123 咨询\n',
  'data/t.json': '{"type": "text", "data": {"text": ""}}',
});
const result = audit(repo);

describe('json', () => {
  it('is exactly the documented contract', () => {
    const parsed = JSON.parse(formatJson(result));
    expect(AuditReportSchema.parse(parsed)).toEqual(parsed);
    expect(parsed.files).toBe(3);
    expect(parsed.findings[0]).toEqual({
      file: 'data/t.json',
      line: 1,
      column: 35,
      endLine: 1,
      endColumn: 37,
      rule: 'payload/text-empty',
      severity: 'error',
      message: expect.any(String),
      text: '""',
    });
    expect(Object.keys(parsed.findings[0]).sort()).toEqual(['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity', 'text']);
  });
});

describe('sarif', () => {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

  it('validates against the published SARIF 2.1.0 schema', () => {
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(formatSarif(result, { version: '0.1.0' }));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema check has teeth: a wrong level or a zero column is rejected.
    const bad = structuredClone(log);
    bad.runs[0].results[0].level = 'fatal';
    bad.runs[0].results[0].locations[0].physicalLocation.region.startColumn = 0;
    expect(validate(bad)).toBe(false);
  });

  it('carries what GitHub code scanning needs: rule help, stable ids, fingerprints, UTF-16 columns', () => {
    const log = toSarif(result, { version: '0.1.0', informationUri: 'https://example.org/wg', helpUri: 'https://example.org/wg#what-is-checked' }) as {
      runs: Array<{ columnKind: string; tool: { driver: { version: string; informationUri: string; rules: Array<{ id: string; helpUri: string; help: { text: string } }> } }; results: Array<Record<string, any>> }>;
    };
    const run = log.runs[0]!;
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.informationUri).toBe('https://example.org/wg');
    for (const r of run.tool.driver.rules) expect(r.helpUri).toBe('https://example.org/wg#what-is-checked');
    expect(run.columnKind).toBe('utf16CodeUnits');
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual([...new Set(result.findings.map((f) => f.rule))].sort());
    for (const r of run.tool.driver.rules) expect(r.help.text.length).toBeGreaterThan(20);
    for (const res of run.results) {
      expect(ids[res.ruleIndex]).toBe(res.ruleId);
      expect(res.partialFingerprints['weiboGuard/v1']).toMatch(/^[0-9a-f]{16}$/);
    }
    const md = run.results.find((r) => r.ruleId === 'competitor/promotion')!;
    expect(md.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'docs/%E7%A9%BA%E6%A0%BC%20and%20%23hash.md', uriBaseId: '%SRCROOT%' });
    // Same findings, same fingerprints: a second run is stable.
    const again = toSarif(audit(repo), { version: '0.1.0' }) as typeof log;
    expect(again.runs[0]!.results.map((r) => r.partialFingerprints)).toEqual(run.results.map((r) => r.partialFingerprints));
  });
});

describe('stylish', () => {
  it('groups by file, underlines the offending text, and sums up by rule', () => {
    const out = formatStylish(result, { color: false });
    expect(out).toContain('docs/空格 and #hash.md\n  1:2      error    ');
    // 请 is two columns wide in a terminal: the carets start under 加.
    expect(out).toContain('    1 | 请加微信 abc123 咨询\n      |   ^^^^^^\n');
    expect(out).toMatch(/✖ \d+ problems \(\d+ errors, 1 warning\) in 3 of 3 files/);
    expect(out).toMatch(/ {2}link\/unresolved +1\n/);
    expect(formatStylish({ ...result, findings: [] }, { color: false })).toContain('✔ 3 files checked, no problems');
  });

  it('escapes what a terminal would act on: control characters and bidi overrides in file names, messages and excerpts', () => {
    const tricky = makeRepo({ 'docs/a\x1b[2Jb\u202e.md': '请加微信 abc\u009b123 咨询 \u202e\n' });
    const out = formatStylish(audit(tricky), { color: false });
    expect(out).toContain('docs/a\\x1B[2Jb\\u202E.md\n');
    expect(out).not.toMatch(/[\x1b\u009b\u202e]/);
  });

  it('colours only when asked', () => {
    expect(formatStylish(result, { color: false })).not.toMatch(/\x1b\[/);
    expect(formatStylish(result, { color: true })).toMatch(/\x1b\[31m/);
  });
});

describe.skipIf(chromiumTest.missing)('html in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows every finding highlighted in context, filters by rule and severity, runs no template script, logs no errors', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wg-html-')), 'report.html');
    const html = formatHtml(result, { title: 'audit <test>' });
    writeFileSync(file, html);
    expect(html).not.toMatch(/<script>window/);
    expect(html).not.toMatch(/(src|href)="https?:/);

    const page = await browser.newPage();
    const problems: string[] = [];
    watchPage(page, problems);
    await page.goto(pathToFileURL(file).href);

    expect(await page.title()).toBe('audit <test>');
    expect(await page.locator('.finding:visible').count()).toBe(result.findings.length);
    expect(await page.locator('#shown').textContent()).toBe(`${result.findings.length} shown`);
    expect(await page.locator('section.file h2 .path').allTextContents()).toEqual(['data/t.json', 'docs/空格 and #hash.md', 'src/a.ts']);
    const marks = await page.locator('.finding mark').allTextContents();
    expect(marks).toContain('https://evil.com/');
    expect(marks).toContain('加微信');
    // The template's markup is shown as text, never run.
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('pre.code').first().textContent()).toBeTruthy();
    expect(await page.locator('text=<script>window.__pwned = 1</script>').count()).toBeGreaterThan(0);

    await page.selectOption('#rule', 'link/unresolved');
    expect(await page.locator('.finding:visible').count()).toBe(1);
    expect(await page.locator('section.file:visible').count()).toBe(1);
    await page.selectOption('#rule', '');
    await page.uncheck('#sev-error');
    expect(await page.locator('.finding:visible').count()).toBe(result.findings.filter((f) => f.severity === 'warning').length);
    await page.check('#sev-error');
    await page.uncheck('#sev-warning');
    expect(await page.locator('#shown').textContent()).toBe(`${result.findings.filter((f) => f.severity === 'error').length} shown`);

    // The summaries and a print (which draws every finding) show the same hostile text as text, still without running it.
    expect(await page.locator('#by-rule tbody tr td:first-child').allTextContents()).toEqual([...new Set(result.findings.map((f) => f.rule))].sort());
    expect(await page.locator('#by-host tbody tr td:first-child').allTextContents()).toContain('evil.com');
    await page.check('#sev-warning');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.finding').count()).toBe(result.findings.length);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
