// The HTML report of bench/gen-repo.mjs's 10,000-file repo (seed 42) in headless
// Chromium, against the report of the build before it (WG_HTML_BASELINE, a dist/
// folder; default /work/wt-base/dist) rendering the same audit result in the same
// run. Figures: the page's size, the time from navigation to the first finding
// visible, and the time a filter change takes to be drawn. Targets: under 10 MB, first
// finding within 3 s, every filter change within 300 ms.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { generateRepo } from './gen-repo.mjs';
import { alternate, fastest, median, row, table } from './lib.mjs';

const FILES = Number(process.env.WG_BENCH_FILES ?? 10_000);
const ROUNDS = Number(process.env.WG_BENCH_ROUNDS ?? 3);
const BASELINE = process.env.WG_HTML_BASELINE ?? '/work/wt-base/dist';
const here = dirname(fileURLToPath(import.meta.url));
const executablePath = '/usr/bin/chromium';
// As test/audit/formats.test.ts launches it.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Each change as a reviewer makes it, on the controls both pages have. */
const CHANGES = [
  ['rule: link/shortener', { rule: 'link/shortener' }],
  ['rule: all again', { rule: '' }],
  ['errors off', { errors: false }],
  ['errors on', { errors: true }],
];

/**
 * Milliseconds from navigation to the first finding visible, and to the load event:
 * a page parsed as it streams in can show its first finding long before its filters
 * (run at the end) work.
 */
async function open(page, url) {
  const t = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: 300_000 });
  await page.waitForSelector('.finding', { state: 'visible', timeout: 300_000 });
  const first = performance.now() - t;
  await page.waitForLoadState('load', { timeout: 300_000 });
  return { first, load: performance.now() - t };
}

/** Milliseconds from a control's change to the next frame after it (style, layout and paint included). */
function change(page, what) {
  return page.evaluate(async (w) => {
    const t = performance.now();
    if ('rule' in w) {
      const sel = document.getElementById('rule');
      sel.value = w.rule;
      sel.dispatchEvent(new Event('change'));
    } else {
      const box = document.getElementById('sev-error');
      box.checked = w.errors;
      box.dispatchEvent(new Event('change'));
    }
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t;
  }, what);
}

async function measure(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const { first, load } = await open(page, url);
    const changes = [];
    for (const [, what] of CHANGES) changes.push(await change(page, what));
    return { first, load, changes };
  } finally {
    await page.close();
  }
}

export default async function () {
  if (!existsSync(executablePath)) {
    console.log(`Debian's chromium not found at ${executablePath} (apt-get install chromium): html benchmark left out`);
    return true;
  }
  const { runAudit } = await import(pathToFileURL(join(here, '../dist/audit/run.js')).href);
  const { createGate, looksLikePayload } = await import(pathToFileURL(join(here, '../dist/gate.js')).href);
  const { formatHtml } = await import(pathToFileURL(join(here, '../dist/audit/report/html.js')).href);
  const { policyMeta } = await import(pathToFileURL(join(here, '../dist/audit/report/meta.js')).href);
  const baselineModule = join(BASELINE, 'audit/report/html.js');
  const old = existsSync(baselineModule) ? (await import(pathToFileURL(baselineModule).href)).formatHtml : undefined;

  const repo = mkdtempSync(join(tmpdir(), 'wg-html-bench-'));
  const out = mkdtempSync(join(tmpdir(), 'wg-html-bench-out-'));
  const browser = await chromium.launch({ executablePath, args: ARGS });
  try {
    await generateRepo(repo, FILES, 42);
    const engine = createGate({ cwd: repo });
    const result = runAudit({ root: repo, engine, looksLikePayload });
    const reports = {
      new: formatHtml(result, { title: 'bench', meta: { version: 'bench', ...policyMeta(engine.policy.sources, { root: repo }) } }),
      ...(old ? { old: old(result, { title: 'bench' }) } : {}),
    };
    const urls = {};
    for (const [name, html] of Object.entries(reports)) {
      const file = join(out, `${name}.html`);
      writeFileSync(file, html);
      urls[name] = pathToFileURL(file).href;
    }
    const samples = await alternate(Object.fromEntries(Object.keys(reports).map((name) => [name, () => measure(browser, urls[name])])), ROUNDS);

    const mb = (name) => Buffer.byteLength(reports[name]) / 2 ** 20;
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
    const msf = (ms) => `${Math.round(ms)} ms`;
    // Load only adds time: the fastest round is the figure.
    const first = (name) => fastest(samples[name].map((x) => x.first));
    const load = (name) => fastest(samples[name].map((x) => x.load));
    const med = (name, k) => s(median(samples[name].map((x) => x[k])));
    const changeMs = (name, i) => fastest(samples[name].map((x) => x.changes[i]));
    const ratio = (a, b) => (b === undefined ? '—' : (a / b).toFixed(2));
    const hasOld = old !== undefined;

    console.log(
      `${result.files} files (${FILES} generated, seed 42), ${result.findings.length} findings; headless Chromium ${browser.version()}, viewport 1280×900; fastest of ${ROUNDS} rounds, new and old page alternating (medians: first finding new ${med('new', 'first')}${hasOld ? `, old ${med('old', 'first')}` : ''}; load event new ${med('new', 'load')}${hasOld ? `, old ${med('old', 'load')}` : ''}); Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}\n`,
    );
    const rows = [
      row('report size', `${mb('new').toFixed(2)} MB`, hasOld ? `${mb('old').toFixed(2)} MB` : '—', ratio(mb('new'), hasOld ? mb('old') : undefined), '< 10 MB', mb('new') < 10),
      row('navigation to first finding visible', s(first('new')), hasOld ? s(first('old')) : '—', ratio(first('new'), hasOld ? first('old') : undefined), '≤ 3 s', first('new') <= 3000),
      row('navigation to load event (filters work)', s(load('new')), hasOld ? s(load('old')) : '—', ratio(load('new'), hasOld ? load('old') : undefined), '—', null),
      ...CHANGES.map(([label], i) =>
        row(`filter change (${label}) to next frame`, msf(changeMs('new', i)), hasOld ? msf(changeMs('old', i)) : '—', ratio(changeMs('new', i), hasOld ? changeMs('old', i) : undefined), '≤ 300 ms', changeMs('new', i) <= 300),
      ),
    ];
    return table(rows);
  } finally {
    await browser.close();
    rmSync(repo, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}
