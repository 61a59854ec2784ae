#!/usr/bin/env node
// Prints the corpus figures for the built engine (dist/): per kind and overall, evasive
// cases blocked, twins allowed, ordinary replies allowed. Run `npm run build` first.
//   node test/corpus/report.mjs [--markdown] [--list]
import { createGate } from '../../dist/index.js';
import { KINDS, loadEvasive, loadOrdinary } from './load.mjs';

const markdown = process.argv.includes('--markdown');
const list = process.argv.includes('--list');
const gate = createGate({ cwd: '/tmp' });
const evasive = loadEvasive();
const ordinary = loadOrdinary();
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
