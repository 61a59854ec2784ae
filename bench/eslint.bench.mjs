// ESLint over the generated 10,000-file template repo: js.configs.recommended alone
// (plus the JSON/YAML/Markdown parsers, so both variants read and parse the same
// files) against the same with weibo-guard's three rules added, in one process.
// Target (issue 5): the plugin adds at most 25% to the wall time.
//
// This machine is shared (2 cores, other developers' builds and tests), so one pair
// of runs says little. Rounds alternate baseline and plugin, so load falls on both
// alike; load only ever adds time, so the verdict compares the fastest run of each,
// and the median of each is printed beside it. Wall and CPU time of this process are
// both shown: ESLint lints in this one thread, but GC and I/O helper threads run
// beside it, and descheduling by neighbours shows in wall time only.
//
// WG_BENCH_BASELINE=name=dir[,name=dir…] adds other builds of the plugin (a checkout
// of another commit with dist/ built, e.g. a `git worktree`) as further variants in the
// same alternating rounds, each compared with this build: before/after in one run.
import js from '@eslint/js';
import json from '@eslint/json';
import markdown from '@eslint/markdown';
import { ESLint } from 'eslint';
import yml from 'eslint-plugin-yml';
import tseslint from 'typescript-eslint';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateRepo } from './gen-repo.mjs';
import { alternate, fastest, machine, median, row, table, otherBuilds } from './lib.mjs';
import plugin from '../dist/eslint/index.js';
import { clearGates } from '../dist/eslint/gates.js';

const FILES = Number(process.env.WG_BENCH_FILES ?? 10_000);
const ROUNDS = Number(process.env.WG_BENCH_ROUNDS ?? 5);
const TARGET = 1.25;
const OTHERS = otherBuilds();

/** Same files, same parsers in both variants; only the rules differ. */
export function baseConfig() {
  return [
    { files: ['**/*.{js,mjs,cjs,jsx}'], ...js.configs.recommended },
    { files: ['**/*.{ts,mts,cts,tsx}'], ...js.configs.recommended, languageOptions: { parser: tseslint.parser } },
    { files: ['**/*.{json,jsonc}'], plugins: { json }, language: 'json/jsonc', languageOptions: { allowTrailingCommas: true } },
    { files: ['**/*.{yaml,yml}'], plugins: { yml }, language: 'yml/yaml' },
    { files: ['**/*.md'], plugins: { markdown }, language: 'markdown/commonmark' },
  ];
}

/** The baseline plus the three weibo-guard rules (`weibo-guard/eslint-plugin`, or another build of it). */
export function withPlugin(wg = plugin) {
  const rules = { 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error', 'weibo-guard/payload': 'error' };
  return [...baseConfig(), { files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,json,jsonc,yaml,yml,md}'], plugins: { 'weibo-guard': wg }, rules }];
}

// A full collection before each run, so one run's garbage is not billed to the next.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

async function lint(cwd, config, clear = clearGates) {
  clear(); // each run loads its own policy, as a fresh `eslint` process would
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
    const variants = { base: { config: baseConfig() }, plugin: { config: withPlugin() } };
    for (const o of OTHERS) {
      const { default: other } = await import(join(o.dir, 'dist/eslint/index.js'));
      const { clearGates: clear } = await import(join(o.dir, 'dist/eslint/gates.js'));
      variants[o.name] = { config: withPlugin(other), clear };
    }
    // Warm-up: module loading and JIT, not measured.
    for (const v of Object.values(variants)) await lint(dir, v.config, v.clear);
    const runs = Object.fromEntries(Object.keys(variants).map((n) => [n, []]));
    const loads = [];
    await alternate(
      Object.fromEntries(
        Object.entries(variants).map(([name, v]) => [
          name,
          async () => {
            const r = await lint(dir, v.config, v.clear);
            runs[name].push(r);
            loads.push(loadavg()[0]);
            return r.wall;
          },
        ]),
      ),
      ROUNDS,
    );
    const of = (name, what, reduce) => reduce(runs[name].map((r) => r[what]));
    const ratio = (what, reduce) => of('plugin', what, reduce) / of('base', what, reduce);
    console.log(
      `${runs.base[0].files} files linted (${FILES} generated, seed 42), ${ROUNDS} alternating rounds, ${machine()}, ` +
        `load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}\n`,
    );
    const problems = runs.plugin[0].problems;
    return table([
      row('baseline: js.configs.recommended + parsers, fastest wall / CPU', `${s(of('base', 'wall', fastest))} / ${s(of('base', 'cpu', fastest))}`, '—', '1.00', '—', null),
      row(
        `+ three weibo-guard rules (${problems} problems), fastest wall`,
        s(of('plugin', 'wall', fastest)),
        s(of('base', 'wall', fastest)),
        ratio('wall', fastest).toFixed(2),
        `≤ ${TARGET.toFixed(2)}`,
        ratio('wall', fastest) <= TARGET,
      ),
      row('same, fastest CPU', s(of('plugin', 'cpu', fastest)), s(of('base', 'cpu', fastest)), ratio('cpu', fastest).toFixed(2), '—', null),
      row('same, median wall', s(of('plugin', 'wall', median)), s(of('base', 'wall', median)), ratio('wall', median).toFixed(2), '—', null),
      row('same, median CPU', s(of('plugin', 'cpu', median)), s(of('base', 'cpu', median)), ratio('cpu', median).toFixed(2), '—', null),
      ...OTHERS.flatMap((o) => [
        row(`${o.name} build (${o.dir}) + three rules, fastest wall`, s(of(o.name, 'wall', fastest)), s(of('base', 'wall', fastest)), (of(o.name, 'wall', fastest) / of('base', 'wall', fastest)).toFixed(2), '—', null),
        row(`this build against ${o.name}, fastest wall / fastest CPU`, `${s(of('plugin', 'wall', fastest))} / ${s(of('plugin', 'cpu', fastest))}`, `${s(of(o.name, 'wall', fastest))} / ${s(of(o.name, 'cpu', fastest))}`, `${(of('plugin', 'wall', fastest) / of(o.name, 'wall', fastest)).toFixed(2)} / ${(of('plugin', 'cpu', fastest) / of(o.name, 'cpu', fastest)).toFixed(2)}`, '≤ 1.05', of('plugin', 'wall', fastest) / of(o.name, 'wall', fastest) <= 1.05),
        row(`this build against ${o.name}, median wall`, s(of('plugin', 'wall', median)), s(of(o.name, 'wall', median)), (of('plugin', 'wall', median) / of(o.name, 'wall', median)).toFixed(2), '—', null),
      ]),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
