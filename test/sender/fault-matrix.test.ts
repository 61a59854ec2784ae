import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStore, type OutboxRecord } from '../../src/sender/index.js';
import { startMockServer, type FaultsInput, type MockServer } from '../../src/mock/index.js';
import { assertBuilt, runCli, tempDir, TOKEN, type CliRun } from './helpers.js';

/**
 * The sender's promise under each fault, over the real CLI against the mock: every
 * approved message ends sent, failed with a reason, queued, or uncertain; a failed one
 * was never delivered and gave its slot back; duplicates in the mock's delivery log are
 * at most the unknown outcomes counted (per message and in the run's summary).
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const N = 12;
const RECEIVERS = 6;
const QUOTA = 99;

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  assertBuilt(REPO);
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

interface Row {
  name: string;
  faults: FaultsInput;
  flags: string[];
  /** What this fault allows beyond the shared invariant. */
  also?: (o: Outcome) => void;
}

interface Outcome {
  rows: OutboxRecord[];
  times: Map<string, number>;
  summary: { sent: number; failed: number; queued: number; held: number; unknownOutcomes: number };
  run: CliRun;
  mock: MockServer;
}

const FAST = ['--timeout', '2000', '--connect-timeout', '500', '--max-attempts', '4', '--lease', '5000'];

const ROWS: Row[] = [
  {
    name: 'slow answers within the response timeout',
    faults: { slowMs: 300 },
    flags: ['--timeout', '3000', '--connect-timeout', '100'],
    also: (o) => {
      expect(o.summary).toMatchObject({ sent: N, unknownOutcomes: 0 });
      expect(o.mock.deliveries).toHaveLength(N);
    },
  },
  {
    name: 'slow answers past the response timeout',
    faults: { slowMs: 1500 },
    flags: ['--timeout', '200', '--max-attempts', '3'],
    also: (o) => {
      // 1 + maxResends (1) deliveries each, then held for a person.
      expect(o.mock.deliveries.length).toBeLessThanOrEqual(2 * N);
      expect(o.rows.every((m) => m.state === 'uncertain')).toBe(true);
      expect(o.run.code).toBe(1);
    },
  },
  {
    name: 'connections dropped before the request is read',
    faults: { dropBefore: 0.3, seed: 3 },
    flags: FAST,
    also: (o) => expect(o.mock.deliveries).toHaveLength(new Set(o.mock.deliveries.map((d) => d.data)).size),
  },
  { name: 'connections dropped after delivery', faults: { dropAfter: 0.3, seed: 4 }, flags: FAST },
  {
    name: 'every connection dropped after delivery, --max-resends 0',
    faults: { dropAfter: 1 },
    flags: [...FAST, '--max-resends', '0'],
    also: (o) => {
      expect(o.mock.deliveries).toHaveLength(N);
      expect(o.summary).toMatchObject({ held: N, unknownOutcomes: N, failed: 0 });
      expect(o.run.code).toBe(1);
    },
  },
  {
    name: '503 from a load balancer',
    faults: { unavailable: 0.4, seed: 5 },
    flags: FAST,
    also: (o) => expect(o.summary.unknownOutcomes).toBe(0),
  },
  { name: '504 from a gateway after delivery', faults: { gatewayTimeout: 0.3, seed: 6 }, flags: FAST },
  {
    name: '429 rate limits',
    faults: { rateLimit: 0.3, retryAfterSeconds: 1, seed: 7 },
    flags: FAST,
    also: (o) => {
      expect(o.summary).toMatchObject({ sent: N, failed: 0 });
      expect(o.rows.every((m) => m.attempts === 0)).toBe(true);
    },
  },
  { name: 'all of them at once', faults: { dropBefore: 0.1, dropAfter: 0.1, unavailable: 0.1, gatewayTimeout: 0.1, rateLimit: 0.1, retryAfterSeconds: 1, seed: 8 }, flags: FAST },
];

let serial = 0;
async function prepare(dir: string, tag: string, n = N): Promise<{ receivers: string[] }> {
  mkdirSync(dir, { recursive: true });
  const receivers = Array.from({ length: RECEIVERS }, () => String(8_000_000_000 + serial++));
  writeFileSync(join(dir, 'events.jsonl'), receivers.map((from) => JSON.stringify({ from, kind: 'message', at: Date.now() })).join('\n'));
  writeFileSync(join(dir, 'batch.jsonl'), lines(tag, receivers, 0, n));
  const inbound = await runCli(['inbound', 'events.jsonl'], { cwd: dir, guardMs: 20_000 });
  expect(inbound.code).toBe(0);
  return { receivers };
}

const lines = (tag: string, receivers: string[], from: number, n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ key: `${tag}-${from + i}`, message: { type: 'text', data: { text: `${tag} #${from + i}` }, receiver_id: receivers[(from + i) % receivers.length] } })).join('\n');

/** The shared invariant, from the outbox and the mock's log. */
async function check(dir: string, mock: MockServer, approved: number, counted: number): Promise<Pick<Outcome, 'rows' | 'times'>> {
  const store = createSqliteStore({ path: join(dir, '.weibo-guard/outbox.db') });
  try {
    const rows = await store.list();
    expect(rows).toHaveLength(approved);
    const times = new Map<string, number>();
    for (const d of mock.deliveries) times.set(d.data, (times.get(d.data) ?? 0) + 1);
    let unknown = 0;
    for (const m of rows) {
      expect(['sent', 'failed', 'queued', 'uncertain'], `${m.id} ${m.state}`).toContain(m.state);
      const n = times.get(m.data) ?? 0;
      if (m.state !== 'sent' && m.state !== 'queued') expect(m.reason, m.id).toBeTruthy();
      if (m.state === 'sent') expect(n).toBeGreaterThanOrEqual(1);
      // Failed means never delivered: only a message no attempt of which may have reached Weibo.
      if (m.state === 'failed') expect([n, m.unknownOutcomes]).toEqual([0, 0]);
      expect(n - 1, `${m.data} delivered ${n} times, ${m.unknownOutcomes} unknown outcomes`).toBeLessThanOrEqual(m.unknownOutcomes);
      unknown += m.unknownOutcomes;
    }
    const duplicates = mock.deliveries.length - times.size;
    expect(duplicates).toBeLessThanOrEqual(unknown);
    expect(duplicates).toBeLessThanOrEqual(counted);
    // The quota: a slot is given back only by a message that failed (never delivered).
    for (const rid of new Set(rows.map((m) => m.receiverId))) {
      const kept = rows.filter((m) => m.receiverId === rid && m.state !== 'failed').length;
      expect((await store.window('default', rid, Date.now(), { hours: 48, quota: QUOTA, mentionQuota: 1 })).remaining).toBe(QUOTA - kept);
    }
    return { rows, times };
  } finally {
    store.close();
  }
}

const noStack = (r: CliRun) => expect(r.stderr).not.toMatch(/\n\s+at /);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('fault matrix: weibo-guard send against the mock', { timeout: 60_000 }, () => {
  for (const row of ROWS) it(row.name, async () => {
    const dir = join(tmp.dir, row.name.replace(/\W+/g, '-'));
    const mock = await startMockServer({ token: TOKEN, windows: 'open', faults: row.faults });
    try {
      await prepare(dir, row.name);
      const run = await runCli(['send', 'batch.jsonl', '--endpoint', mock.url, '--json', '--quiet', ...row.flags], { cwd: dir, guardMs: 40_000 });
      noStack(run);
      const summary = JSON.parse(run.stdout) as Outcome['summary'];
      const { rows, times } = await check(dir, mock, N, summary.unknownOutcomes);
      expect(summary.sent + summary.failed + summary.queued + summary.held).toBe(N);
      row.also?.({ rows, times, summary, run, mock });
    } finally {
      await mock.close();
    }
  });


  it('a full disk (a small tmpfs): nothing stored is lost, nothing unstored is claimed, the next run finishes', async (ctx) => {
    const mnt = join(tmp.dir, 'tmpfs');
    mkdirSync(mnt, { recursive: true });
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { stdio: 'ignore' });
      mounted = true;
    } catch {
      if (process.env.CI) throw new Error('fault matrix: CI must run the full-disk row (as root, able to mount a tmpfs)');
    }
    if (!mounted) return ctx.skip('full disk: not root or cannot mount a tmpfs');
    const mock = await startMockServer({ token: TOKEN, windows: 'open' });
    try {
      const tag = 'disk';
      const { receivers } = await prepare(mnt, tag);
      writeFileSync(join(mnt, 'more.jsonl'), lines(tag, receivers, N, 6));
      const queued = await runCli(['send', 'batch.jsonl', '--no-drain', '--json', '--quiet'], { cwd: mnt, guardMs: 20_000 });
      expect(JSON.parse(queued.stdout)).toMatchObject({ queued: N, blocked: 0 });
      // Fill the disk but for 48 KiB: enough to open the outbox (its WAL index needs
      // 32 KiB), not to finish the run, so it fails in the middle.
      const filler = join(mnt, 'filler');
      const keep = join(mnt, 'keep');
      writeFileSync(keep, Buffer.alloc(48 * 1024));
      const fd = openSync(filler, 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch {
        for (let size = 4096; size >= 1; size >>= 1) {
          try {
            for (;;) writeSync(fd, chunk, 0, size);
          } catch {
            /* smaller */
          }
        }
      } finally {
        closeSync(fd);
      }
      rmSync(keep);
      const lease = ['--lease', '1500'];
      const full = await runCli(['send', 'more.jsonl', '--endpoint', mock.url, '--json', '--quiet', ...FAST, ...lease], { cwd: mnt, guardMs: 30_000 });
      noStack(full);
      expect(full.stdout).not.toMatch(/blocked/);
      expect(full.stderr).toMatch(new RegExp(`^weibo-guard: storage failure: outbox ${esc(join(mnt, '.weibo-guard/outbox.db'))}: the disk, or the outbox size limit \\(--store-limit\\), is full \\(SQLITE_FULL in \\w+: `));
      // The disk fills while enqueueing (the lines from there on are named) or while
      // sending (what this run queued stays in the outbox); which one depends on how
      // the file system hands out its last blocks.
      expect(full.stderr).toMatch(/nothing was queued from more\.jsonl:\d+ on \(\d+ line\(s\)\); \d+ line\(s\) before it are queued|while sending: the \d+ line\(s\) queued by this run stay in the outbox/);
      expect(full.code).toBe(3);
      // Space again: the next run finishes what is stored. The failed run could not
      // write its lease away on the full disk: the next one waits for it to expire.
      rmSync(filler);
      const after = await runCli(['send', '-', '--endpoint', mock.url, '--json', '--quiet', ...FAST, ...lease, '--wait-for-lease'], { cwd: mnt, stdin: '', guardMs: 30_000 });
      noStack(after);
      const summary = JSON.parse(after.stdout) as Outcome['summary'];
      const store = createSqliteStore({ path: join(mnt, '.weibo-guard/outbox.db') });
      const stored = (await store.list()).length;
      store.close();
      // The first N were stored before the disk filled; of the 6 sent on a full disk,
      // those stored are in the outbox and must be finished like the rest.
      expect(stored).toBeGreaterThanOrEqual(N);
      const { rows } = await check(mnt, mock, stored, summary.unknownOutcomes);
      expect(rows.every((m) => m.state === 'sent')).toBe(true);
    } finally {
      await mock.close();
      if (mounted) execFileSync('umount', ['-l', mnt], { stdio: 'ignore' });
    }
  });

  it('the store size limit (--store-limit): exit 3 naming the first line not queued; the next run sends all that was stored', async () => {
    const dir = join(tmp.dir, 'store-limit');
    const mock = await startMockServer({ token: TOKEN, windows: 'open' });
    try {
      const tag = 'limit';
      const { receivers } = await prepare(dir, tag);
      const queued = await runCli(['send', 'batch.jsonl', '--no-drain', '--json', '--quiet'], { cwd: dir, guardMs: 20_000 });
      expect(JSON.parse(queued.stdout)).toMatchObject({ queued: N, blocked: 0 });
      // Lines of about 0.9 KB each (text under the 300 limit): together they need pages the outbox may not grow by.
      const big = Array.from({ length: 10 }, (_, i) =>
        JSON.stringify({ key: `${tag}-big-${i}`, message: { type: 'text', data: { text: `${'消息'.repeat(140)} ${i}` }, receiver_id: receivers[i % receivers.length] } }),
      );
      writeFileSync(join(dir, 'more.jsonl'), big.join('\n'));
      const db = join(dir, '.weibo-guard/outbox.db');
      // At most the size it has: SQLite never shrinks a limit below the file.
      const full = await runCli(['send', 'more.jsonl', '--endpoint', mock.url, '--store-limit', String(statSync(db).size), ...FAST], { cwd: dir, guardMs: 30_000 });
      noStack(full);
      expect(full.stdout).not.toMatch(/blocked/);
      expect(full.stderr).toMatch(new RegExp(`^weibo-guard: storage failure: outbox ${esc(db)}: the disk, or the outbox size limit \\(--store-limit\\), is full \\(SQLITE_FULL in admit: `));
      // One group commit holds the ten lines: none of them was stored.
      expect(full.stderr).toContain('nothing was queued from more.jsonl:1 on (10 line(s)); 0 line(s) before it are queued');
      expect(full.code).toBe(3);
      // A storage failure while queueing stops the run before it sends anything.
      expect(mock.deliveries).toHaveLength(0);
      const after = await runCli(['send', '-', '--endpoint', mock.url, '--json', '--quiet', ...FAST], { cwd: dir, stdin: '', guardMs: 30_000 });
      noStack(after);
      expect(after.code).toBe(0);
      const summary = JSON.parse(after.stdout) as Outcome['summary'];
      const { rows } = await check(dir, mock, N, summary.unknownOutcomes);
      expect(rows.every((m) => m.state === 'sent')).toBe(true);
    } finally {
      await mock.close();
    }
  });

  it('a corrupt outbox file: refused loudly, nothing sent twice', async () => {
    const dir = join(tmp.dir, 'corrupt');
    const mock = await startMockServer({ token: TOKEN, windows: 'open' });
    try {
      const tag = 'corrupt';
      const n = 300;
      const { receivers } = await prepare(dir, tag, n);
      const queued = await runCli(['send', 'batch.jsonl', '--no-drain', '--json', '--quiet'], { cwd: dir, guardMs: 20_000 });
      expect(JSON.parse(queued.stdout)).toMatchObject({ queued: n });
      const db = join(dir, '.weibo-guard/outbox.db');
      const size = statSync(db).size;
      const fd = openSync(db, 'r+');
      writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
      closeSync(fd);
      const run = await runCli(['send', '-', '--endpoint', mock.url, '--json', '--quiet', ...FAST], { cwd: dir, stdin: '', guardMs: 30_000 });
      noStack(run);
      // The header page is intact, so the file is still an outbox by its identity; the
      // changed file fails the clean-stop marker, and quick_check finds the damage.
      expect(run.stderr).toMatch(new RegExp(`^weibo-guard: storage failure: outbox ${esc(db)} is damaged \\(quick_check: .+\\); nothing was written to it: restore it from a backup`));
      expect(run.code).toBe(3);
      expect(mock.deliveries).toHaveLength(0);
      // Enqueueing into it fails the same way and stores nothing.
      const before = readFileSync(db);
      writeFileSync(join(dir, 'one.jsonl'), lines(tag, receivers, n, 1));
      const more = await runCli(['send', 'one.jsonl', '--no-drain'], { cwd: dir, guardMs: 20_000 });
      noStack(more);
      expect(more.stdout).not.toMatch(/blocked|queued 1/);
      expect(more.stderr).toMatch(new RegExp(`^weibo-guard: storage failure: outbox ${esc(db)} is damaged`));
      expect(more.code).toBe(3);
      expect(readFileSync(db).equals(before)).toBe(true);
    } finally {
      await mock.close();
    }
  });
});
