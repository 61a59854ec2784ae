// ESLint over the generated 10,000-file template repo: js.configs.recommended alone
// (plus the JSON/YAML/Markdown parsers, so both runs read the same files) against the
// same with weibo-guard's rules added, in the same process and run. Target: the
// plugin adds at most 25% to the wall time.
import js from '@eslint/js';
import json from '@eslint/json';
import markdown from '@eslint/markdown';
import { ESLint } from 'eslint';
import yml from 'eslint-plugin-yml';
import tseslint from 'typescript-eslint';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateRepo } from './gen-repo.mjs';
import plugin from '../dist/eslint/index.js';
import { clearGates } from '../dist/eslint/gates.js';

const FILES = Number(process.env.WG_BENCH_FILES ?? 10_000);
const ROUNDS = Number(process.env.WG_BENCH_ROUNDS ?? 2);
const TARGET = 1.25;

const JS_FILES = ['**/*.{js,mjs,cjs,jsx}'];
const TS_FILES = ['**/*.{ts,mts,cts,tsx}'];

/** Same files, same parsers in both runs; only the rules differ. */
function baseConfig() {
  return [
    { files: JS_FILES, ...js.configs.recommended },
    { files: TS_FILES, ...js.configs.recommended, languageOptions: { parser: tseslint.parser } },
    { files: ['**/*.{json,jsonc}'], plugins: { json }, language: 'json/jsonc', languageOptions: { allowTrailingCommas: true } },
    { files: ['**/*.{yaml,yml}'], plugins: { yml }, language: 'yml/yaml' },
    { files: ['**/*.md'], plugins: { markdown }, language: 'markdown/commonmark' },
  ];
}

const ALL = { 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error', 'weibo-guard/payload': 'error' };

function withPlugin(rules) {
  return [...baseConfig(), { files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,json,yaml,yml,md}'], plugins: { 'weibo-guard': plugin }, rules }];
}

// A full collection between runs, so one run's garbage is not billed to the next.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

async function lint(cwd, config) {
  clearGates(); // each run pays for its own policy load, as a fresh `eslint` process would
  gc();
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config, cache: false });
  const start = performance.now();
  const results = await eslint.lintFiles(['.']);
  const ms = performance.now() - start;
  let problems = 0;
  for (const r of results) problems += r.messages.length;
  return { ms, files: results.length, problems };
}

export default async function () {
  const dir = mkdtempSync(join(tmpdir(), 'wg-eslint-bench-'));
  try {
    await generateRepo(dir, FILES, 42);
    const variants = {
      base: baseConfig(),
      links: withPlugin({ 'weibo-guard/links': 'error' }),
      all: withPlugin(ALL),
    };
    // Warm-up: module loading and JIT, not measured.
    for (const config of Object.values(variants)) await lint(dir, config);
    const best = { base: Infinity, links: Infinity, all: Infinity };
    const info = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, config] of Object.entries(variants)) {
        const r = await lint(dir, config);
        best[name] = Math.min(best[name], r.ms);
        info[name] = r;
      }
    }
    const ratio = best.all / best.base;
    const shared = (best.all - best.base) / Math.max(1, best.links - best.base);
    const pass = ratio <= TARGET;
    const row = (what, figure, baseline, r, target, ok) => `| ${what} | ${figure} | ${baseline} | ${r} | ${target} | ${ok} |`;
    console.log(`${info.base.files} files (${FILES} generated), best of ${ROUNDS} rounds, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log('| what | figure | baseline | ratio | target | result |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(row('ESLint, js.configs.recommended + parsers', `${(best.base / 1000).toFixed(2)} s`, '—', '1.00', '—', '—'));
    console.log(row('+ weibo-guard/links', `${(best.links / 1000).toFixed(2)} s`, `${(best.base / 1000).toFixed(2)} s`, (best.links / best.base).toFixed(2), '—', '—'));
    console.log(row('+ all three weibo-guard rules', `${(best.all / 1000).toFixed(2)} s (${info.all.problems} problems)`, `${(best.base / 1000).toFixed(2)} s`, ratio.toFixed(2), `≤ ${TARGET.toFixed(2)}`, pass ? 'pass' : 'FAIL'));
    console.log(row('three rules vs one (shared findings cache)', `${((best.all - best.base) / 1000).toFixed(2)} s added`, `${((best.links - best.base) / 1000).toFixed(2)} s added`, shared.toFixed(2), '—', '—'));
    return pass;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
