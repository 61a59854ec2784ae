import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult, ReportFinding } from '../../src/audit/model.js';
import { formatHtml, localTime, scriptJson } from '../../src/audit/report/html.js';
import { policyMeta } from '../../src/audit/report/meta.js';
import { gitCommit, runAuditCommand } from '../../src/cli/audit.js';
import { createGate } from '../../src/gate.js';
import { chromiumTest, gitTest, launchChromium, watchPage } from '../system.js';
import { makeRepo } from './helpers.js';

/** What the callbacks run in the page use; this project's types have no DOM. */
type Dom = {
  document: { body: unknown; querySelector(s: string): unknown; querySelectorAll(s: string): { length: number } };
  getComputedStyle(e: unknown): Record<'backgroundColor' | 'borderTopStyle' | 'color' | 'textDecorationLine' | 'fontWeight' | 'fontFamily', string>;
};

const hostile = '</script><script>window.__pwned=1</script><!-- <img src=x onerror="window.__pwned=2">';

/** A finding as the audit builds it, with its line shown in context and the offending text marked. */
function finding(file: string, line: number, rule: string, opts: { severity?: 'error' | 'warning'; host?: string; text?: string } = {}): ReportFinding {
  const text = opts.text ?? `https://${opts.host ?? 'example.org'}/p`;
  const src = `  reply('请访问 ${text}');`;
  const start = src.indexOf(text);
  return {
    file,
    line,
    column: start + 1,
    endLine: line,
    endColumn: start + text.length + 1,
    rule,
    severity: opts.severity ?? 'error',
    message: `${text} breaks ${rule}`,
    text,
    messages: { en: `${text} breaks ${rule}`, zh: `${text} 违反 ${rule}` },
    fingerprint: createHash('sha256').update(`${file}:${line}:${rule}`).digest('hex').slice(0, 16),
    context: [
      { line: line - 1, text: '// 上一行' },
      { line, text: src, mark: [start, start + text.length] },
      { line: line + 1, text: '' },
    ],
    ...(opts.host ? { evidence: { text, url: text, host: opts.host } } : {}),
  };
}

/** `files` files of `perFile` findings each, rules and hosts in a fixed rotation. */
function bigResult(files: number, perFile: number): AuditResult {
  const rules = ['link/not-whitelisted', 'link/shortener', 'competitor/promotion'];
  const hosts = ['cheap-deals-shop.com', 'dwz.cn', 'promo-partner.net'];
  const findings: ReportFinding[] = [];
  for (let i = 0; i < files; i++) {
    for (let j = 0; j < perFile; j++) {
      const k = (i + j) % 3;
      findings.push(finding(`src/f-${String(i).padStart(4, '0')}.ts`, 10 + j * 5, rules[k]!, { severity: k === 2 ? 'warning' : 'error', ...(k === 2 ? { text: '加微信' } : { host: hosts[k]! }) }));
    }
  }
  return { root: '/repo', files, findings, suppressed: 0, baselined: 0 };
}

describe('the HTML data block', () => {
  it('cannot end its <script> element or open a comment, and reads back exactly', () => {
    const value = { s: [hostile, '\u2028\u2029', 'a & b > c', '<\/script >', '<!--'] };
    const json = scriptJson(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('carries the template text only inside the JSON block, never as markup', () => {
    const html = formatHtml({
      root: '/r',
      files: 1,
      findings: [finding('a.ts', 2, 'link/not-whitelisted', { host: 'evil.example', text: hostile })],
      suppressed: 1,
      baselined: 0,
      suppressions: [{ ...finding('b.ts', 3, 'link/shortener'), reason: hostile, by: 'comment' }],
    });
    expect(html).not.toContain('<script>window');
    expect(html).not.toContain('<img');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});

describe('report metadata', () => {
  it('names every policy file read with its content hash, and the config', () => {
    const root = makeRepo({ 'weibo-guard.config.yaml': 'account: enterprise\n' });
    const gate = createGate({ cwd: root });
    const meta = policyMeta(gate.policy.sources, { root });
    expect(meta.config).toBe('weibo-guard.config.yaml');
    expect(meta.policy.map((p) => p.file)).toEqual([...gate.policy.sources]);
    const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
    expect(meta.policy.find((p) => p.file === 'weibo-guard.config.yaml')!.sha256).toBe(sha(join(root, 'weibo-guard.config.yaml')));
    expect(meta.policy.find((p) => p.file === 'whitelist/media.yaml')!.sha256).toBe(sha(resolve('whitelist/media.yaml')));
    for (const p of meta.policy) expect(p.sha256).toMatch(/^[0-9a-f]{12}$/);
  });

  it('resolves an explicit config inside or outside the root, and says when there is none', () => {
    const root = makeRepo({ 'conf/rules/limits.yaml': 'account: personal\n' });
    const inside = policyMeta(createGate({ cwd: root, config: 'conf/rules/limits.yaml' }).policy.sources, { root, config: 'conf/rules/limits.yaml' });
    expect(inside.config).toBe('conf/rules/limits.yaml');
    expect(inside.policy.find((p) => p.file === 'conf/rules/limits.yaml')!.sha256).toBe(createHash('sha256').update('account: personal\n').digest('hex').slice(0, 12));
    // The bundled rules/limits.yaml is another file with another hash.
    expect(inside.policy.find((p) => p.file === 'rules/limits.yaml')!.sha256).not.toBe(inside.policy.find((p) => p.file === 'conf/rules/limits.yaml')!.sha256);

    const elsewhere = join(makeRepo({ 'x.yaml': 'account: enterprise\n' }), 'x.yaml');
    const outside = policyMeta(createGate({ cwd: root, config: elsewhere }).policy.sources, { root, config: elsewhere });
    expect(outside.config).toBe(elsewhere);
    expect(outside.policy.at(-1)).toEqual({ file: elsewhere, sha256: createHash('sha256').update('account: enterprise\n').digest('hex').slice(0, 12) });

    const none = policyMeta(createGate({ cwd: makeRepo({}) }).policy.sources, { root: makeRepo({}) });
    expect(none.config).toBeUndefined();
  });

  it('shows local time with its UTC offset, the UTC instant on hover', () => {
    const tz = process.env.TZ;
    try {
      const at = new Date('2026-12-01T20:05:09Z');
      process.env.TZ = 'Asia/Shanghai';
      expect(localTime(at)).toBe('2026-12-02 04:05:09 UTC+08:00');
      process.env.TZ = 'America/St_Johns';
      expect(localTime(at)).toBe('2026-12-01 16:35:09 UTC-03:30');
      process.env.TZ = 'Asia/Shanghai';
      const html = formatHtml({ root: '/r', files: 0, findings: [], suppressed: 0, baselined: 0 }, { generatedAt: at });
      expect(html).toContain('<time id="generated" datetime="2026-12-01T20:05:09.000Z" title="2026-12-01T20:05:09.000Z">2026-12-02 04:05:09 UTC+08:00</time>');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  const git = gitTest;
  it.skipIf(git.missing)('finds the commit of the repository holding the root, and none outside one', () => {
    const dir = makeRepo({ 'sub/a.txt': 'x\n' });
    expect(gitCommit(dir)).toBeUndefined();
    const g = (...args: string[]) => spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { encoding: 'utf8' });
    g('init', '-q');
    g('add', '.');
    g('commit', '-q', '-m', 'x');
    const head = g('rev-parse', 'HEAD').stdout.trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(gitCommit(join(dir, 'sub'))).toBe(head);
    expect(gitCommit(join(dir, 'no-such-folder'))).toBeUndefined();
  });
});

describe('weibo-guard audit -f html', () => {
  const git = gitTest;
  it.skipIf(git.missing)('states the version, every policy file with its hash, the config and the commit', () => {
    const root = makeRepo({ 'weibo-guard.config.yaml': 'account: enterprise\n', 'a.txt': '请加微信 abc123 咨询\n' });
    const g = (...args: string[]) => spawnSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { encoding: 'utf8' });
    g('init', '-q');
    g('add', '.');
    g('commit', '-q', '-m', 'x');
    const sink = () => new Writable({ write: (_c, _e, done) => done() });
    const code = runAuditCommand([], { root, output: 'report.html' }, { stdout: sink(), stderr: sink(), cwd: root });
    expect(code).toBe(1);
    const html = readFileSync(join(root, 'report.html'), 'utf8');
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(html).toContain(`<dt>Tool</dt><dd>weibo-guard ${version}</dd>`);
    expect(html).toContain(`<code id="commit">${g('rev-parse', 'HEAD').stdout.trim()}</code>`);
    expect(html).toContain('<dt>Config</dt><dd><code>weibo-guard.config.yaml</code></dd>');
    const hash = createHash('sha256').update('account: enterprise\n').digest('hex').slice(0, 12);
    expect(html).toContain(`<li><code>weibo-guard.config.yaml</code> <span class="hash">sha256:${hash}</span></li>`);
    expect(html).toMatch(/<li><code>whitelist\/media\.yaml<\/code> <span class="hash">sha256:[0-9a-f]{12}<\/span><\/li>/);
  });
});

describe.skipIf(chromiumTest.missing)('the HTML report for a reviewer, in headless Chromium', () => {
  let browser: Browser;
  let problems: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => {
    expect(problems).toEqual([]);
    problems = [];
  });

  async function open(html: string): Promise<Page> {
    const file = join(mkdtempSync(join(tmpdir(), 'wg-html-')), 'report.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    watchPage(page, problems);
    await page.goto(pathToFileURL(file).href);
    return page;
  }
  const rows = (page: Page, table: string) => page.locator(`${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));

  it('sums up by rule and by host, and a row click filters the findings to it', async () => {
    const result = bigResult(30, 3);
    const page = await open(formatHtml(result));
    expect(await rows(page, '#by-rule')).toEqual([
      // rule, what, errors, warnings, findings, files
      ['competitor/promotion', expect.any(String), '0', '30', '30', '30'],
      ['link/not-whitelisted', expect.any(String), '30', '0', '30', '30'],
      ['link/shortener', expect.any(String), '30', '0', '30', '30'],
    ]);
    expect(await rows(page, '#by-host')).toEqual([
      // host, findings, files, rules; most findings first, then by name
      ['cheap-deals-shop.com', '30', '30', 'link/not-whitelisted'],
      ['dwz.cn', '30', '30', 'link/shortener'],
    ]);
    await page.click('#by-host button:text("dwz.cn")');
    expect(await page.locator('#shown').textContent()).toBe('30 shown');
    expect(await page.locator('#host').inputValue()).toBe('dwz.cn');
    expect(new Set(await page.locator('.finding').evaluateAll((fs) => fs.map((f) => (f as unknown as { dataset: { rule: string } }).dataset.rule)))).toEqual(new Set(['link/shortener']));
    await page.click('#by-rule button:text("competitor/promotion")');
    // Both filters hold: no competitor finding has a host.
    expect(await page.locator('#shown').textContent()).toBe('0 shown');
    await page.selectOption('#host', '');
    expect(await page.locator('#shown').textContent()).toBe('30 shown');
    await page.close();
  }, 60_000);

  it('states the tool, policy files with hashes, config, commit and local time', async () => {
    const meta = { version: '9.8.7', policy: [{ file: 'whitelist/media.yaml', sha256: '0123456789ab' }, { file: 'weibo-guard.config.yaml', sha256: 'ba9876543210' }, { file: hostile }], config: 'weibo-guard.config.yaml', commit: 'f'.repeat(40) };
    const page = await open(formatHtml(bigResult(1, 1), { meta, generatedAt: new Date('2026-12-01T20:05:09Z') }));
    const text = (await page.locator('#meta').textContent())!;
    expect(text).toContain('weibo-guard 9.8.7');
    expect(text).toContain('whitelist/media.yaml sha256:0123456789ab');
    expect(text).toContain('weibo-guard.config.yaml sha256:ba9876543210');
    expect(text).toContain(`${hostile} unreadable when the report was written`);
    expect(await page.locator('#commit').textContent()).toBe('f'.repeat(40));
    expect(await page.locator('#generated').getAttribute('title')).toBe('2026-12-01T20:05:09.000Z');
    expect(await page.locator('#generated').textContent()).toBe(localTime(new Date('2026-12-01T20:05:09Z')));
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  }, 60_000);

  it('lists the suppressions with who silenced them and why, all of them on demand', async () => {
    const suppressions = Array.from({ length: 150 }, (_, i) => ({ ...finding(`src/s-${i}.ts`, i + 1, 'link/not-whitelisted'), reason: i === 0 ? hostile : `approved by legal #${i}`, by: (['comment', 'config', 'baseline'] as const)[i % 3]! }));
    const page = await open(formatHtml({ ...bigResult(2, 1), suppressed: 150, suppressions }));
    const first = await rows(page, '#suppressions');
    expect(first).toHaveLength(100);
    expect(first[0]).toEqual(['src/s-0.ts:1', 'link/not-whitelisted', 'comment', hostile]);
    expect(first[1]).toEqual(['src/s-1.ts:2', 'link/not-whitelisted', 'config', 'approved by legal #1']);
    await page.click('#supp-more');
    expect(await rows(page, '#suppressions')).toHaveLength(150);
    expect(await page.locator('#supp-more').isVisible()).toBe(false);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  }, 60_000);

  it('draws findings as they scroll into reach, filters the whole data set, prints everything with no controls', async () => {
    const result = bigResult(400, 2);
    const page = await open(formatHtml(result));
    await page.waitForSelector('.finding');
    const drawn = await page.locator('.finding').count();
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThan(result.findings.length);
    expect(await page.locator('#shown').textContent()).toBe('800 shown');
    // Scrolling to the end keeps drawing until every file is there, in order.
    for (let i = 0; i < 100 && (await page.locator('section.file').count()) < 400; i++) {
      await page.locator('section.file').last().scrollIntoViewIfNeeded();
      await page.waitForTimeout(30);
    }
    expect(await page.locator('section.file h2 .path').allTextContents()).toEqual([...new Set(result.findings.map((f) => f.file))]);

    // Filters count over the data, not over what is drawn.
    await page.selectOption('#rule', 'link/shortener');
    expect(await page.locator('#shown').textContent()).toBe(`${result.findings.filter((f) => f.rule === 'link/shortener').length} shown`);
    await page.selectOption('#rule', '');
    await page.uncheck('#sev-error');
    expect(await page.locator('#shown').textContent()).toBe(`${result.findings.filter((f) => f.severity === 'warning').length} shown`);
    expect(await page.locator('.finding[data-severity=error]').count()).toBe(0);

    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction((n) => (globalThis as unknown as Dom).document.querySelectorAll('.finding').length === n, result.findings.filter((f) => f.severity === 'warning').length);
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await page.locator('#active').textContent()).toBe(`Showing ${result.findings.filter((f) => f.severity === 'warning').length} of 800 findings: warnings only.`);
    expect(await page.locator('#active').isVisible()).toBe(true);
    const look = await page.evaluate(() => {
      const w = globalThis as unknown as Dom;
      const badge = w.getComputedStyle(w.document.querySelector('.badge'));
      const mark = w.getComputedStyle(w.document.querySelector('mark'));
      return { badgeBg: badge.backgroundColor, badgeBorder: badge.borderTopStyle, badgeColor: badge.color, markBg: mark.backgroundColor, markLine: mark.textDecorationLine, markWeight: mark.fontWeight };
    });
    // Browsers drop backgrounds when printing: nothing depends on one.
    expect(look).toEqual({ badgeBg: 'rgba(0, 0, 0, 0)', badgeBorder: 'dashed', badgeColor: 'rgb(0, 0, 0)', markBg: 'rgba(0, 0, 0, 0)', markLine: 'underline', markWeight: '700' });
    await page.close();
  }, 120_000);

  it('names CJK fonts found on Linux, macOS and Windows for text and code', async () => {
    const page = await open(formatHtml(bigResult(1, 1)));
    const families = await page.evaluate(() => {
      const w = globalThis as unknown as Dom;
      return [w.getComputedStyle(w.document.body).fontFamily, w.getComputedStyle(w.document.querySelector('pre.code')).fontFamily];
    });
    for (const f of families) {
      for (const name of ['"Noto Sans CJK SC"', '"Source Han Sans SC"', '"WenQuanYi Micro Hei"', '"PingFang SC"', '"Microsoft YaHei"']) expect(f).toContain(name);
    }
    await page.close();
  }, 60_000);
});
