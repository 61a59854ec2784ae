// `weibo-guard audit` over a generated 10,000-file template repo, against ESLint
// with the project's own plugin over the same files, in the same run. Each tool runs
// in a fresh Node process (as a user or CI runs it), so wall time includes loading
// and peak memory is that process's max RSS. Targets: the audit is not slower than
// ESLint, and doubling the repo does not more than double the audit's time.
//
// WG_BENCH_BASELINE=name=dir[,name=dir…] also runs the audit and the plugin of other
// builds (a checkout of another commit with dist/ built) on the same repo, rounds
// interleaved with this build's, and compares: before/after in one run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateRepo } from './gen-repo.mjs';
import { row, table, otherBuilds } from './lib.mjs';

const FILES = Number(process.env.WG_BENCH_FILES ?? 10_000);
const ROUNDS = Number(process.env.WG_BENCH_ROUNDS ?? 2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OTHERS = otherBuilds();

/** The audit as the CLI runs it: list, extract, resolve across files, judge, place. */
const auditOf = (build) => `
import { runAudit } from ${JSON.stringify(pathToFileURL(join(build, 'dist/audit/run.js')).href)};
import { createGate, looksLikePayload } from ${JSON.stringify(pathToFileURL(join(build, 'dist/gate.js')).href)};
const dir = process.argv[1];
const r = runAudit({ root: dir, engine: createGate({ cwd: dir }), looksLikePayload });
console.log(JSON.stringify({ files: r.files, problems: r.findings.length, rss: process.resourceUsage().maxRSS }));
`;

/** ESLint with weibo-guard's plugin on every file type the audit reads, and only the parsers those need. */
const eslintOf = (build) => `
import { ESLint } from 'eslint';
import json from '@eslint/json';
import markdown from '@eslint/markdown';
import yml from 'eslint-plugin-yml';
import tseslint from 'typescript-eslint';
import plugin from ${JSON.stringify(pathToFileURL(join(build, 'dist/eslint/index.js')).href)};
const dir = process.argv[1];
const rules = { 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error', 'weibo-guard/payload': 'error' };
const config = [
  { files: ['**/*.{js,mjs,cjs,jsx}'], plugins: { 'weibo-guard': plugin }, rules },
  { files: ['**/*.{ts,mts,cts,tsx}'], languageOptions: { parser: tseslint.parser }, plugins: { 'weibo-guard': plugin }, rules },
  { files: ['**/*.{json,jsonc}'], plugins: { json, 'weibo-guard': plugin }, language: 'json/jsonc', languageOptions: { allowTrailingCommas: true }, rules },
  { files: ['**/*.{yaml,yml}'], plugins: { yml, 'weibo-guard': plugin }, language: 'yml/yaml', rules },
  { files: ['**/*.md'], plugins: { markdown, 'weibo-guard': plugin }, language: 'markdown/commonmark', rules },
];
const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, cache: false });
const results = await eslint.lintFiles(['.']);
let problems = 0;
for (const x of results) problems += x.messages.length;
console.log(JSON.stringify({ files: results.length, problems, rss: process.resourceUsage().maxRSS }));
`;

function run(code, dir) {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, dir], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`benchmark child failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return { ms, ...JSON.parse(r.stdout.trim().split('\n').pop()) };
}

/** Fastest of ROUNDS fresh processes for each program, rounds interleaved; peak memory the highest seen. */
function best(codes, dir) {
  const top = codes.map(() => undefined);
  for (let i = 0; i < ROUNDS; i++) {
    codes.forEach((code, k) => {
      const r = run(code, dir);
      const t = top[k];
      if (!t || r.ms < t.ms) top[k] = { ...r, rss: Math.max(r.rss, t?.rss ?? 0) };
    });
  }
  return top;
}

export default async function () {
  const small = mkdtempSync(join(tmpdir(), 'wg-audit-bench-'));
  const large = mkdtempSync(join(tmpdir(), 'wg-audit-bench-2x-'));
  try {
    await generateRepo(small, FILES, 42);
    await generateRepo(large, FILES * 2, 42);
    const [eslint, ...otherEslint] = best([eslintOf(root), ...OTHERS.map((o) => eslintOf(o.dir))], small);
    const [audit, ...otherAudit] = best([auditOf(root), ...OTHERS.map((o) => auditOf(o.dir))], small);
    const [audit2] = best([auditOf(root)], large);

    const vsEslint = audit.ms / eslint.ms;
    const scaling = audit2.ms / audit.ms;
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
    const mb = (kb) => `${Math.round(kb / 1024)} MB`;
      console.log(`${audit.files} files (${FILES} generated, seed 42), best of ${ROUNDS} fresh processes each, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}\n`);
    return table([
      row('ESLint + weibo-guard plugin, wall time', `${s(eslint.ms)} (${eslint.problems} problems)`, '—', '1.00', '—', null),
      row('weibo-guard audit, wall time', `${s(audit.ms)} (${audit.problems} findings)`, s(eslint.ms), vsEslint.toFixed(2), '≤ 1.00', vsEslint <= 1),
      row(`audit of ${FILES * 2} files, wall time`, s(audit2.ms), s(audit.ms), scaling.toFixed(2), '≤ 2.00', scaling <= 2),
      row('ESLint peak memory (max RSS)', mb(eslint.rss), '—', '1.00', '—', null),
      row('audit peak memory (max RSS)', mb(audit.rss), mb(eslint.rss), (audit.rss / eslint.rss).toFixed(2), '—', null),
      row(`audit of ${FILES * 2} files, peak memory`, mb(audit2.rss), mb(audit.rss), (audit2.rss / audit.rss).toFixed(2), '—', null),
      ...OTHERS.flatMap((o, k) => [
        row(`audit, this build against ${o.name} (${o.dir}), wall time`, `${s(audit.ms)} (${audit.problems} findings)`, `${s(otherAudit[k].ms)} (${otherAudit[k].problems} findings)`, (audit.ms / otherAudit[k].ms).toFixed(2), '≤ 1.05', audit.ms / otherAudit[k].ms <= 1.05),
        row(`audit, this build against ${o.name}, peak memory`, mb(audit.rss), mb(otherAudit[k].rss), (audit.rss / otherAudit[k].rss).toFixed(2), '≤ 1.05', audit.rss / otherAudit[k].rss <= 1.05),
        row(`ESLint + plugin, this build against ${o.name}, wall time`, `${s(eslint.ms)} (${eslint.problems} problems)`, `${s(otherEslint[k].ms)} (${otherEslint[k].problems} problems)`, (eslint.ms / otherEslint[k].ms).toFixed(2), '—', null),
      ]),
    ]);
  } finally {
    rmSync(small, { recursive: true, force: true });
    rmSync(large, { recursive: true, force: true });
  }
}
