// Where the ESLint plugin's time goes: `node bench/eslint-profile.mjs [other-build-dir]`
// (after `npm run build`). Not a benchmark: a diagnostic for changing src/eslint.
//
// Whole-run profiles of two separate ESLint runs differ by more than the plugin costs on
// a shared machine (neighbours, CPU speed drift). Here the variants lint the same chunk of
// files back to back, chunk after chunk, with a full GC before each and a CPU profile
// taken of each chunk separately, so drift falls on all variants alike and each
// function's self time can be subtracted: plugin minus baseline. Chunks add per-call
// overhead to every variant, so the ratios printed here run lower than the bench's.
//
// With a directory argument (a checkout of another commit, built, e.g. a `git worktree`
// with `node_modules` linked), that build of the plugin is a third variant: before/after
// comparisons of one change in one run.
//
// Environment: WG_PROFILE_FILES (generated files, default 3000), WG_PROFILE_CHUNK (files
// per chunk, default 300), WG_PROFILE_PASSES (default 2), WG_PROFILE_TOP (rows, default 30).
import { ESLint } from 'eslint';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { baseConfig, withPlugin } from './eslint.bench.mjs';
import { generateRepo } from './gen-repo.mjs';
import plugin from '../dist/eslint/index.js';
import { clearGates } from '../dist/eslint/gates.js';

const FILES = Number(process.env.WG_PROFILE_FILES ?? 3000);
const CHUNK = Number(process.env.WG_PROFILE_CHUNK ?? 300);
const PASSES = Number(process.env.WG_PROFILE_PASSES ?? 2);
const TOP = Number(process.env.WG_PROFILE_TOP ?? 30);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// Kept between runs: generating 3,000 files takes longer than a pass.
const dir = join(tmpdir(), `wg-eslint-profile-${FILES}`);
if (!existsSync(dir)) generateRepo(dir, FILES, 42);
const files = [];
(function walk(d) {
  for (const e of readdirSync(d).sort()) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|js|json|ya?ml|md)$/.test(e)) files.push(p);
  }
})(dir);

const variants = { base: { config: baseConfig(), clear: () => {} }, plugin: { config: withPlugin(), clear: clearGates } };
if (process.argv[2]) {
  const other = resolve(process.argv[2]);
  const { default: otherPlugin } = await import(join(other, 'dist/eslint/index.js'));
  const { clearGates: clearOther } = await import(join(other, 'dist/eslint/gates.js'));
  variants.other = { config: withPlugin(otherPlugin), clear: clearOther };
}
const names = Object.keys(variants);

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });

/** Self time (µs) per `package | function file:line`, per variant. */
const self = Object.fromEntries(names.map((n) => [n, new Map()]));
function addProfile(name, profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++) {
    const { functionName, url, lineNumber } = byId.get(profile.samples[i]).callFrame;
    const pkg = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? (url.includes('/dist/') ? 'weibo-guard' : functionName || url || '?');
    const key = `${pkg} | ${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    self[name].set(key, (self[name].get(key) ?? 0) + profile.timeDeltas[i]);
  }
}

const wall = Object.fromEntries(names.map((n) => [n, 0]));
const gcOf = Object.fromEntries(names.map((n) => [n, 0]));
const settle = () => new Promise((r) => setImmediate(r));
// Pass -1 warms up (module loading, JIT) and is not counted.
for (let pass = -1; pass < PASSES; pass++) {
  const eslints = Object.fromEntries(
    names.map((n) => {
      variants[n].clear(); // each pass loads its policy afresh, as a new process would
      return [n, new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: variants[n].config, cache: false })];
    }),
  );
  for (let c = 0; c < files.length; c += CHUNK) {
    const chunk = files.slice(c, c + CHUNK);
    // Rotate who goes first, so no variant always follows the same one.
    const shift = c / CHUNK + pass + names.length;
    for (let k = 0; k < names.length; k++) {
      const n = names[(k + shift) % names.length];
      gc();
      await settle();
      const gc0 = gcMs;
      await session.post('Profiler.start');
      const t0 = performance.now();
      await eslints[n].lintFiles(chunk);
      const ms = performance.now() - t0;
      const { profile } = await session.post('Profiler.stop');
      await settle();
      if (pass < 0) continue;
      wall[n] += ms;
      gcOf[n] += gcMs - gc0;
      addProfile(n, profile);
    }
  }
}

console.log(`${files.length} files in chunks of ${CHUNK}, ${PASSES} passes\n`);
for (const n of names) {
  console.log(`${n.padEnd(7)} ${(wall[n] / 1000).toFixed(2)} s, ratio ${(wall[n] / wall.base).toFixed(3)}, of which GC pauses ${(gcOf[n] / 1000).toFixed(2)} s`);
}
const byPackage = (m) => {
  const out = new Map();
  for (const [k, v] of m) out.set(k.split(' | ')[0], (out.get(k.split(' | ')[0]) ?? 0) + v);
  return out;
};
const minus = (a, b) =>
  [...new Set([...a.keys(), ...b.keys()])].map((k) => [k, ((a.get(k) ?? 0) - (b.get(k) ?? 0)) / 1000]).sort((x, y) => y[1] - x[1]);
for (const n of names.slice(1)) {
  console.log(`\nSelf time, ${n} minus base, by package (ms):`);
  for (const [k, ms] of minus(byPackage(self[n]), byPackage(self.base)).slice(0, 12)) console.log(`${ms.toFixed(0).padStart(7)}  ${k}`);
  console.log(`\nby function:`);
  for (const [k, ms] of minus(self[n], self.base).slice(0, TOP)) console.log(`${ms.toFixed(0).padStart(7)}  ${k}`);
}
