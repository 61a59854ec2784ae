#!/usr/bin/env node
// Prints the corpus figures for the built engine (dist/): per kind and overall, evasive
// cases blocked, twins allowed, ordinary replies allowed. Run `npm run build` first.
//   node test/corpus/report.mjs [--markdown] [--list] [--engine path/to/dist/index.js]
// --engine judges with another build (the old engine in a worktree, for before/after
// figures in one run); the corpus is always this checkout's.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KINDS, loadEvasive, loadOrdinary } from './load.mjs';

const at = process.argv.indexOf('--engine');
if (at !== -1 && !process.argv[at + 1]) {
  console.error('--engine needs the path of a built index.js (for example ../old/dist/index.js)');
  process.exit(2);
}
const enginePath = at === -1 ? new URL('../../dist/index.js', import.meta.url).href : pathToFileURL(resolve(process.argv[at + 1])).href;
let createGate;
try {
  ({ createGate } = await import(enginePath));
} catch (err) {
  console.error(`cannot load the engine at ${enginePath} (${err.code ?? err.message}); run npm run build first`);
  process.exit(2);
}

const markdown = process.argv.includes('--markdown');
const list = process.argv.includes('--list');
const gate = createGate({ cwd: '/tmp' });
let evasive, ordinary;
try {
  evasive = loadEvasive();
  ordinary = loadOrdinary();
} catch (err) {
  if (err?.name !== 'CorpusError') throw err;
  console.error(err.message);
  process.exit(2);
}
const allowed = (m) => gate.check(m).allowed;

const rows = [];
const missed = [];
let eb = 0, tw = 0;
for (const kind of KINDS) {
  const cases = evasive.filter((c) => c.kind === kind);
  let b = 0, t = 0;
  for (const c of cases) {
    if (!allowed(c.message)) b++; else missed.push(`${c.id} ${kind}: passed`);
    if (allowed(c.twin)) t++; else missed.push(`${c.id} ${kind}: twin blocked`);
  }
  eb += b; tw += t;
  rows.push([kind, b, t, cases.length]);
}
const blockedOrdinary = ordinary.filter((o) => !allowed(o.message));
const pct = (a, n) => (n ? ((100 * a) / n).toFixed(1) + '%' : '-');

if (markdown) {
  console.log('| kind | evasive blocked | twins allowed |');
  console.log('|---|---|---|');
  for (const [k, b, t, n] of rows) console.log(`| ${k} | ${b}/${n} (${pct(b, n)}) | ${t}/${n} (${pct(t, n)}) |`);
  console.log(`| **all** | **${eb}/${evasive.length} (${pct(eb, evasive.length)})** | **${tw}/${evasive.length} (${pct(tw, evasive.length)})** |`);
  console.log(`\nOrdinary replies allowed: ${ordinary.length - blockedOrdinary.length}/${ordinary.length} (${pct(ordinary.length - blockedOrdinary.length, ordinary.length)})`);
} else {
  const w = Math.max(...KINDS.map((k) => k.length));
  console.log(`${'kind'.padEnd(w)}  evasive blocked   twins allowed`);
  for (const [k, b, t, n] of rows) console.log(`${k.padEnd(w)}  ${`${b}/${n}`.padStart(7)} ${pct(b, n).padStart(7)}  ${`${t}/${n}`.padStart(7)} ${pct(t, n).padStart(7)}`);
  console.log(`${'all'.padEnd(w)}  ${`${eb}/${evasive.length}`.padStart(7)} ${pct(eb, evasive.length).padStart(7)}  ${`${tw}/${evasive.length}`.padStart(7)} ${pct(tw, evasive.length).padStart(7)}`);
  console.log(`ordinary allowed: ${ordinary.length - blockedOrdinary.length}/${ordinary.length} ${pct(ordinary.length - blockedOrdinary.length, ordinary.length)}`);
}
if (list) {
  for (const m of missed) console.log(m);
  for (const o of blockedOrdinary) console.log(`${o.id} ordinary: blocked (${gate.check(o.message).findings.filter((f) => f.severity === 'error').map((f) => f.rule).join(', ')})`);
}
