// `node bench/gate-pass.mjs <dir>/dist/index.js <messages.json>`: the fastest CPU time
// (ms) of one gate.check pass over the messages, for the build given, alone in this
// process, so no other build's code shares its JIT state or heap. gate.bench.mjs runs it
// for this build and each WG_BENCH_BASELINE build in turn, on its mixed set.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { createGate } = await import(pathToFileURL(process.argv[2]).href);
const messages = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const gate = createGate({ cwd: '/tmp' });
const pass = () => {
  const t = process.cpuUsage();
  for (const m of messages) gate.check(m);
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
for (let i = 0; i < 5; i++) pass();
let best = Infinity;
for (let i = 0; i < 40; i++) best = Math.min(best, pass());
console.log(best);
