// What opening an outbox costs: after a clean stop (identity, the clean-stop marker)
// and after an unclean one (PRAGMA quick_check reads every page), against a bare
// better-sqlite3 open of the same file and a plain read of its bytes, in the same run.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSender, createSqliteStore } from '../dist/sender/index.js';
import { createGate } from '../dist/gate.js';
import { alternate, fmt, machine, median, msOnce, row, table } from './lib.mjs';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const repo = fileURLToPath(new URL('..', import.meta.url));
const SIZES = [10_000, 50_000];

async function fill(db, n) {
  const base = createGate({ cwd: repo });
  const gate = createGate({ policy: { ...base.policy, limits: { ...base.policy.limits, window: { ...base.policy.limits.window, quota: 1_000_000 } } } });
  const s = createSender({ gate, store: { path: db, synchronous: 'NORMAL' }, endpoint: 'http://127.0.0.1:9/x', token: 'bench' });
  for (let r = 0; r < 100; r++) await s.recordInbound({ from: String(7_000_000 + r), kind: 'message', at: Date.now() });
  for (let i = 0; i < n; i += 256) {
    await Promise.all(Array.from({ length: Math.min(256, n - i) }, (_, j) => s.enqueue({ type: 'text', data: { text: `回复 #${i + j} ${'内容'.repeat(40)}` }, receiver_id: String(7_000_000 + ((i + j) % 100)) })));
  }
  s.close();
}

export default async function () {
  console.log(`${machine()}; median of 5 alternating rounds, ms per open (open + close).\n`);
  const rows = [];
  for (const n of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'wg-open-'));
    const db = join(dir, 'outbox.db');
    try {
      await fill(db, n);
      const mb = statSync(db).size / 1e6;
      const samples = await alternate(
        {
          bare: () => msOnce(() => new Database(db).close()),
          read: () => msOnce(() => readFileSync(db)),
          clean: () => msOnce(() => createSqliteStore({ path: db }).close()),
          checked: () =>
            msOnce(() => {
              unlinkSync(`${db}-clean`);
              createSqliteStore({ path: db }).close();
            }),
        },
        5,
      );
      const [bare, read, clean, checked] = ['bare', 'read', 'clean', 'checked'].map((k) => median(samples[k]));
      rows.push(row(`${n} messages (${mb.toFixed(1)} MB): open after a clean stop`, fmt(clean), `bare open ${fmt(bare)}`, fmt(clean / bare), '—', null));
      rows.push(row(`${n} messages (${mb.toFixed(1)} MB): open after an unclean stop (quick_check)`, fmt(checked), `read the file ${fmt(read)}`, fmt(checked / read), '—', null));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return table(rows);
}
