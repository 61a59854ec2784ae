// What every benchmark here does the same way: time in rounds, alternate subject and
// baseline so that load from other processes on this shared machine falls on both
// alike, reduce rounds to the fastest or the median, sample a child's peak memory, and
// print the markdown table that goes into BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

// One seeded generator for the bench data and the mock server's fault draws, so a seed
// names the same sequence everywhere.
export { mulberry32 } from '../dist/mock/server.js';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** For deterministic CPU work: load only ever adds time, so the fastest round is the figure. */
export const fastest = (xs) => Math.min(...xs);
/** The same for rates (higher is better). */
export const best = (xs) => Math.max(...xs);

/** Milliseconds one call of `fn` takes (awaited when it returns a promise). */
export async function msOnce(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Median ms of `fn()` over `rounds` synchronous runs. */
export function msOf(fn, rounds = 5) {
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

/** Median ns per call over `rounds` rounds of `fn` applied to every input. */
export function nsPerCall(fn, inputs, rounds = 15) {
  const times = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (const x of inputs) if (fn(x)) sink++;
    times.push(Number(process.hrtime.bigint() - t) / inputs.length);
  }
  // Keeps the results observable so the JIT cannot drop the calls.
  if (sink < 0) console.log(sink);
  return median(times);
}

/**
 * `rounds` rounds, each measuring every contender once in turn (`measure` returns a
 * figure, sync or async); returns each contender's figures in round order.
 */
export async function alternate(contenders, rounds) {
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [name, measure] of Object.entries(contenders)) samples[name].push(await measure());
  return samples;
}

/**
 * Peak resident memory (MB) of a child process, read from /proc (VmHWM). Call
 * `sample()` whenever the child shows progress; it also samples every 50 ms until
 * `stop()`, which returns the peak seen.
 */
export function watchPeakRss(pid) {
  let peak = 0;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // The child has exited: its last sample stands.
    }
  };
  const timer = setInterval(sample, 50);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

/** A number for a table cell: '—' for NaN, whole above 100, two decimals below. */
export const fmt = (n) => (Number.isNaN(n) ? '—' : n >= 100 ? n.toFixed(0) : n.toFixed(2));

/** The machine line above a table. */
export const machine = () => `Node ${process.version}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`;

/** A table row; cells already formatted, `pass` null for an informational row. */
export const row = (what, figure, baseline, ratio, target, pass) => ({ what, figure, baseline, ratio, target, pass });

export const COLUMNS = ['what', 'figure', 'baseline', 'ratio', 'target', 'result'];

/**
 * Prints rows `{ what, figure, baseline, ratio, target, pass }` (cells already
 * formatted; `pass` true, false, or null for an informational row) as a markdown
 * table, and returns whether no row failed: what a bench's default export returns.
 */
export function table(rows, columns = COLUMNS) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  console.log(line(columns));
  console.log(line(columns.map(() => '---')));
  for (const r of rows) console.log(line([r.what, r.figure, r.baseline, r.ratio, r.target, r.pass === null ? 'info' : r.pass ? 'pass' : 'FAIL']));
  return rows.every((r) => r.pass !== false);
}

/**
 * Other builds to measure beside this one, from `WG_BENCH_BASELINE=name=dir[,name=dir…]`
 * (a bare `dir` is named "other"): checkouts built in their own worktrees.
 */
export function otherBuilds(env = process.env) {
  return (env.WG_BENCH_BASELINE ?? '')
    .split(',')
    .filter((x) => x !== '')
    .map((x) => {
      const eq = x.indexOf('=');
      return eq > 0 ? { name: x.slice(0, eq), dir: resolve(x.slice(eq + 1)) } : { name: 'other', dir: resolve(x) };
    });
}
