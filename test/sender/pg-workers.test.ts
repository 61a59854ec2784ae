import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPostgresStore, type OutboxRecord } from '../../src/sender/index.js';
import { postgresTest } from '../system.js';
import { cliSuite, expectCrashPromisesKept, runCli } from './helpers.js';
import { freshDatabase } from './pg.js';

/**
 * Many processes on one PostgreSQL outbox, through the CLI as deployments run it:
 * workers draining together while one is SIGKILLed again and again, enqueues racing
 * for one window's quota, the same pushes recorded by two instances.
 */
const suite = cliSuite();
// An outbox of its own for each test: a worker left running by one cannot touch the next.
let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
const url = () => db!.url;
beforeEach(async () => {
  if (!postgresTest.missing) db = await freshDatabase();
});
afterEach(async () => {
  await db?.drop();
});

const run = (args: string[], killWhen?: () => boolean, stdin?: string) => runCli([...args, '--store', url()], { cwd: suite.dir, killWhen, guardMs: 150_000, ...(stdin !== undefined ? { stdin } : {}) });

async function rows(): Promise<OutboxRecord[]> {
  const store = createPostgresStore(url());
  try {
    return await store.list();
  } finally {
    store.close();
  }
}

describe.skipIf(postgresTest.missing)('many processes on one PostgreSQL outbox', () => {
  it('three workers drain together, one SIGKILLed repeatedly and restarted: nothing lost, duplicates only where the outcome was unknown, order per receiver kept', { timeout: 240_000 }, async () => {
    const N = 3000;
    const RECEIVERS = 40;
    const KILLS = 4;
    const t0 = Date.now();
    const receivers = Array.from({ length: RECEIVERS }, (_, i) => String(6_000_000_000_000_000_000n + BigInt(i)));
    writeFileSync(join(suite.dir, 'open.jsonl'), receivers.map((from, i) => JSON.stringify({ from, kind: 'message', at: t0, eventId: `open-${i}` })).join('\n'));
    for (const from of receivers) suite.mock.inbound({ from, kind: 'message', at: t0 });
    const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ key: `m${i}`, message: { type: 'text', data: { text: `回复 #${i}` }, receiver_id: receivers[i % RECEIVERS] } }));
    writeFileSync(join(suite.dir, 'batch.jsonl'), `${lines.join('\n')}\n`);
    expect((await run(['inbound', 'open.jsonl'])).stdout).toContain(`recorded ${RECEIVERS}`);
    const enqueued = await run(['send', 'batch.jsonl', '--no-drain', '--json']);
    expect(JSON.parse(enqueued.stdout)).toMatchObject({ queued: N, blocked: 0 });
    // Answers take 10 ms, so the drain lasts long enough for kills to land mid-flight.
    suite.mock.setFaults({ slowMs: 10 });

    // Three workers drain (no input of their own); --wait-for-lease: each stays until no
    // message is in flight anywhere, a killed worker's recovered once its lease (3 s) ends.
    const args = ['send', '--endpoint', suite.mock.url, '--quiet', '--json', '--concurrency', '4', '--lease', '3000', '--lease-renew', '500', '--wait-for-lease'];
    const worker = (killWhen?: () => boolean) => run(args, killWhen, '');
    const steady = [worker(), worker()];
    const kills: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const start = Date.now();
      const before = suite.mock.deliveries.length;
      const afterMs = 200 + Math.floor(Math.random() * 600);
      const afterDeliveries = 50 + Math.floor(Math.random() * 250);
      const when = k === 0 ? () => Date.now() - start >= afterMs : () => suite.mock.deliveries.length - before >= afterDeliveries;
      const r = await worker(when);
      if (r.signal === 'SIGKILL') kills.push(k === 0 ? `${afterMs} ms` : `${suite.mock.deliveries.length - before} deliveries`);
    }
    const finals = await Promise.all([...steady, worker()]);
    suite.mock.setFaults({});
    for (const f of finals) {
      expect(f.stderr).toBe('');
      expect(f.code).toBe(0);
      expect(JSON.parse(f.stdout)).toMatchObject({ failed: 0, blocked: 0 });
    }
    expect(kills.length).toBeGreaterThanOrEqual(3);

    const all = await rows();
    expect(all).toHaveLength(N);
    expect(all.filter((m) => m.state !== 'sent')).toEqual([]);
    const { duplicates, unknown } = expectCrashPromisesKept(all, suite.mock.deliveries, N, receivers);
    console.log(`pg crash test: ${N} messages, 3 workers, ${kills.length} SIGKILLs (after ${kills.join(', ')}), ${suite.mock.deliveries.length} deliveries, ${duplicates} duplicates, ${unknown} unknown outcomes`);
  });

  it('150 enqueues to one receiver from three processes at once: exactly the quota (99) queued, 51 blocked', { timeout: 60_000 }, async () => {
    const rid = '7100000000000000001';
    writeFileSync(join(suite.dir, 'open-q.jsonl'), JSON.stringify({ from: rid, kind: 'message', at: Date.now(), eventId: 'open-q' }));
    expect((await run(['inbound', 'open-q.jsonl'])).code).toBe(0);
    for (const p of [0, 1, 2]) {
      const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ key: `q${p}-${i}`, message: { type: 'text', data: { text: `配额 ${p}-${i}` }, receiver_id: rid } }));
      writeFileSync(join(suite.dir, `q${p}.jsonl`), lines.join('\n'));
    }
    const results = await Promise.all([0, 1, 2].map((p) => run(['send', `q${p}.jsonl`, '--no-drain', '--json'])));
    const summaries = results.map((r) => JSON.parse(r.stdout) as { queued: number; blocked: unknown[] | number });
    const count = (b: unknown[] | number) => (typeof b === 'number' ? b : b.length);
    expect(summaries.reduce((n, s) => n + count(s.blocked), 0)).toBe(51);
    expect((await rows()).filter((m) => m.receiverId === rid)).toHaveLength(99);
  });

  it('two instances receiving the same pushes (Weibo retrying on the other one) record each once', { timeout: 60_000 }, async () => {
    const at = Date.now();
    const pushes = Array.from({ length: 300 }, (_, i) => JSON.stringify({ from: String(7200 + (i % 30)), kind: 'message', at: at + i, eventId: `retry-${i}` }));
    writeFileSync(join(suite.dir, 'push-a.jsonl'), pushes.join('\n'));
    writeFileSync(join(suite.dir, 'push-b.jsonl'), [...pushes].reverse().join('\n'));
    const [a, b] = await Promise.all([run(['inbound', 'push-a.jsonl']), run(['inbound', 'push-b.jsonl'])]);
    const recorded = (s: string) => Number(/recorded (\d+)/.exec(s)?.[1]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(recorded(a.stdout) + recorded(b.stdout)).toBe(300);
  });

  it('outbox list, retry and drop take the URL; a URL with a password is never printed', { timeout: 60_000 }, async () => {
    const rid = '7300000000000000001';
    writeFileSync(join(suite.dir, 'open-o.jsonl'), JSON.stringify({ from: rid, kind: 'message', at: Date.now(), eventId: 'open-o' }));
    await run(['inbound', 'open-o.jsonl']);
    writeFileSync(join(suite.dir, 'o.jsonl'), [0, 1].map((i) => JSON.stringify({ key: `o${i}`, message: { type: 'text', data: { text: `列表 ${i}` }, receiver_id: rid } })).join('\n'));
    expect((await run(['send', 'o.jsonl', '--no-drain'])).code).toBe(0);
    const listed = (await run(['outbox', 'list', '--json'])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as OutboxRecord)
      .filter((m) => m.receiverId === rid);
    expect(listed.map((m) => m.state)).toEqual(['queued', 'queued']);
    const drop = await run(['outbox', 'drop', listed[0]!.id]);
    expect(drop.code).toBe(0);
    const retry = await run(['outbox', 'retry', listed[0]!.id]);
    expect(retry.stdout + retry.stderr).toMatch(/dropped|not/);
    expect((await rows()).find((m) => m.id === listed[0]!.id)!.state).toBe('dropped');

    const secret = 'postgres://app:hunter2-pw@127.0.0.1:1/outbox';
    const down = await runCli(['outbox', 'list', '--store', secret], { cwd: suite.dir, guardMs: 30_000 });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/^weibo-guard: storage failure: outbox postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/outbox: the server cannot be reached/);
    expect(down.stderr + down.stdout).not.toContain('hunter2');
  });
});
