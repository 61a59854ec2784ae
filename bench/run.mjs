// `npm run bench [area…]`: runs each bench/<area>.bench.mjs against the built package
// (dist/), each measuring itself against a baseline in the same run, and prints
// markdown that goes into BENCHMARKS.md.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.mjs', '')))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; have: ${readdirSync(here).filter((f) => f.endsWith('.bench.mjs')).join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const f of files) {
  const mod = await import(pathToFileURL(join(here, f)).href);
  console.log(`\n## ${f.replace('.bench.mjs', '')}\n`);
  const ok = await mod.default();
  if (ok === false) failed = true;
}
process.exitCode = failed ? 1 : 0;
