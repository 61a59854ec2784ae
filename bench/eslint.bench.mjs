// ESLint over the generated 10,000-file template repo: js.configs.recommended alone
// (plus the JSON/YAML/Markdown parsers, so both runs read and parse the same files)
// against the same with weibo-guard's rules added, in the same process, interleaved
// round by round. Target: the plugin adds at most 25% to the time.
//
// Both wall time and the ESLint process's CPU time are measured. ESLint lints in this
// one thread, so on an idle machine the two agree; on a shared machine (load average
// above the core count) wall time mostly measures the neighbours, and the verdict is
// taken on CPU time, which the output then says.
import js from '@eslint/js';
import json from '@eslint/json';
import markdown from '@eslint/markdown';
import { ESLint } from 'eslint';
import yml from 'eslint-plugin-yml';
import tseslint from 'typescript-eslint';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateRepo } from './gen-repo.mjs';
import plugin from '../dist/eslint/index.js';
import { clearGates } from '../dist/eslint/gates.js';

const FILES = Number(process.env.WG_BENCH_FILES ?? 10_000);
const ROUNDS = Number(process.env.WG_BENCH_ROUNDS ?? 3);
const TARGET = 1.25;

/** Same files, same parsers in every variant; only the rules differ. */
function baseConfig() {
  return [
    { files: ['**/*.{js,mjs,cjs,jsx}'], ...js.configs.recommended },
    { files: ['**/*.{ts,mts,cts,tsx}'], ...js.configs.recommended, languageOptions: { parser: tseslint.parser } },
    { files: ['**/*.{json,jsonc}'], plugins: { json }, language: 'json/jsonc', languageOptions: { allowTrailingCommas: true } },
    { files: ['**/*.{yaml,yml}'], plugins: { yml }, language: 'yml/yaml' },
    { files: ['**/*.md'], plugins: { markdown }, language: 'markdown/commonmark' },
  ];
}

function withPlugin(rules) {
  return [...baseConfig(), { files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,json,jsonc,yaml,yml,md}'], plugins: { 'weibo-guard': plugin }, rules }];
}

// A full collection between runs, so one run's garbage is not billed to the next.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

async function lint(cwd, config) {
  clearGates(); // each run loads its own policy, as a fresh `eslint` process would
  gc();
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config, cache: false });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await eslint.lintFiles(['.']);
  const wall = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu0);
  let problems = 0;
  for (const r of results) problems += r.messages.length;
  return { wall, cpu: (user + system) / 1000, files: results.length, problems };
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

export default async function () {
  const dir = mkdtempSync(join(tmpdir(), 'wg-eslint-bench-'));
  try {
    generateRepo(dir, FILES, 42);
    const variants = {
      base: baseConfig(),
      links: withPlugin({ 'weibo-guard/links': 'error' }),
      all: withPlugin({ 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error', 'weibo-guard/payload': 'error' }),
    };
    // Warm-up: module loading and JIT, not measured.
    for (const config of Object.values(variants)) await lint(dir, config);
    const best = Object.fromEntries(Object.keys(variants).map((k) => [k, { wall: Infinity, cpu: Infinity }]));
    const last = {};
    const loads = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, config] of Object.entries(variants)) {
        const r = await lint(dir, config);
        best[name].wall = Math.min(best[name].wall, r.wall);
        best[name].cpu = Math.min(best[name].cpu, r.cpu);
        last[name] = r;
        loads.push(loadavg()[0]);
      }
    }
    const cores = availableParallelism();
    const load = Math.max(...loads);
    const shared = load > cores;
    const wallRatio = best.all.wall / best.base.wall;
    const cpuRatio = best.all.cpu / best.base.cpu;
    const verdictRatio = shared ? cpuRatio : wallRatio;
    const pass = verdictRatio <= TARGET;
    const row = (...cells) => `| ${cells.join(' | ')} |`;
    console.log(
      `${last.base.files} files linted (${FILES} generated, seed 42), best of ${ROUNDS} interleaved rounds, Node ${process.versions.node}, ${cores} cores, ` +
        `load average up to ${load.toFixed(1)}, ${new Date().toISOString().slice(0, 10)}\n`,
    );
    console.log(row('what', 'wall', 'CPU', 'baseline (wall / CPU)', 'ratio (wall / CPU)', 'target', 'result'));
    console.log(row('---', '---', '---', '---', '---', '---', '---'));
    console.log(row('js.configs.recommended + parsers', s(best.base.wall), s(best.base.cpu), '—', '1.00 / 1.00', '—', '—'));
    for (const [name, what] of [
      ['links', '+ weibo-guard/links'],
      ['all', `+ all three weibo-guard rules (${last.all.problems} problems)`],
    ]) {
      const ok = name === 'all' ? (pass ? 'pass' : 'FAIL') + (shared ? ' (on CPU: machine shared)' : '') : '—';
      console.log(
        row(what, s(best[name].wall), s(best[name].cpu), `${s(best.base.wall)} / ${s(best.base.cpu)}`, `${(best[name].wall / best.base.wall).toFixed(2)} / ${(best[name].cpu / best.base.cpu).toFixed(2)}`, name === 'all' ? `≤ ${TARGET.toFixed(2)}` : '—', ok),
      );
    }
    const added = (name) => best[name].cpu - best.base.cpu;
    console.log(row('CPU added by three rules vs by links alone (shared findings)', s(added('all')), '—', s(added('links')), (added('all') / Math.max(1, added('links'))).toFixed(2), '—', '—'));
    return pass;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
