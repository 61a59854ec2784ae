import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSender, createSqliteStore, LeaseLostError, OutboxBusyError } from '../../src/sender/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { assertBuilt, gate, runCli, tempDir, text, TOKEN } from './helpers.js';
import { rig, type Rig } from './setup.js';
import { fileURLToPath } from 'node:url';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const lease = (holder: string, now: number, ttlMs = 1000) => ({ holder, host: `host-${holder}`, pid: 4242, ttlMs, now });

describe('the drain lease (store)', () => {
  it('is taken only when free, already the holder\'s, or expired; renewal and fencing follow the holder, not a pid', async () => {
    r = await rig();
    const store = r.sender.store;
    const t = 1_000_000;
    expect(await store.acquireLease(lease('a', t))).toMatchObject({ acquired: true, lease: { holder: 'a', expiresAt: t + 1000 } });
    // Same pid, another holder: refused while live, with who holds it.
    expect(await store.acquireLease(lease('b', t + 999))).toEqual({
      acquired: false,
      current: { holder: 'a', host: 'host-a', pid: 4242, acquiredAt: t, expiresAt: t + 1000 },
    });
    expect(await store.renewLease('a', 1000, t + 500)).toMatchObject({ expiresAt: t + 1500 });
    expect(await store.acquireLease(lease('b', t + 1499))).toMatchObject({ acquired: false });
    // Expired: taken over, on whatever host.
    expect(await store.acquireLease(lease('b', t + 1500))).toMatchObject({ acquired: true, lease: { holder: 'b' } });
    expect(await store.renewLease('a', 1000, t + 1600)).toBeNull();
    // The old holder's steps are fenced off and change nothing.
    await r.open('401');
    const res = await r.sender.enqueue(text('401', 'x'));
    if (res.status !== 'queued') throw new Error('not queued');
    await expect(store.step([], [{ id: res.id, attemptId: 'a-1' }], t + 1600, 'a')).rejects.toThrow(LeaseLostError);
    expect((await store.get(res.id))!.state).toBe('queued');
    await expect(store.recoverInterrupted(() => 'resend', t + 1600, 'a')).rejects.toThrow(LeaseLostError);
    await store.releaseLease('a'); // not a's any more: no effect
    expect(await store.acquireLease(lease('c', t + 1700))).toMatchObject({ acquired: false, current: { holder: 'b' } });
    expect(await store.currentLease()).toMatchObject({ holder: 'b' });
    await store.releaseLease('b');
    expect(await store.currentLease()).toBeNull();
    expect(await store.acquireLease(lease('c', t + 1700))).toMatchObject({ acquired: true });
  });
});

describe('the drain lease (sender)', () => {
  it('a second worker in the same process and host is refused while the first drains, then drains after it stopped', async () => {
    r = await rig();
    await r.open('410');
    const stop = new AbortController();
    const first = r.sender.drain({ follow: true, pollMs: 20, signal: stop.signal });
    const second = createSender({ gate: gate(), store: { path: r.db }, endpoint: r.mock.url, token: TOKEN });
    try {
      await new Promise((res) => setTimeout(res, 50));
      const refused = await second.drain().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OutboxBusyError);
      expect((refused as OutboxBusyError).lease).toMatchObject({ pid: process.pid });
      expect((refused as Error).message).toMatch(/holds this outbox's drain lease .* taken over once it expires/);
      // Outbox operations need no lease.
      await second.enqueue(text('410', 'from the second'));
      expect(await second.list()).toHaveLength(1);
      stop.abort();
      expect(await first).toMatchObject({ sent: expect.any(Number) });
      expect(await second.drain()).toMatchObject({ queued: 0 });
      expect(r.mock.deliveries).toHaveLength(1);
    } finally {
      second.close();
    }
  });

  it('list, retry and drop work while another worker holds the lease', async () => {
    r = await rig({ mock: { faults: { dropAfter: 1 } }, sender: { unknownOutcome: { maxResends: 0 } } });
    await r.open('420');
    await r.sender.enqueue(text('420', 'a'));
    const b = await r.sender.enqueue(text('420', 'b'));
    await r.sender.drain({ wait: false });
    await r.sender.store.acquireLease({ holder: 'elsewhere', host: 'another-host', pid: 1, ttlMs: 60_000, now: Date.now() });
    const held = (await r.sender.list({ states: ['uncertain'] }))[0]!;
    expect((await r.sender.retry(held.id)).status).toBe('queued');
    if (b.status !== 'queued') throw new Error('not queued');
    const rest = (await r.sender.list({ states: ['queued', 'uncertain'] })).filter((m) => m.id !== held.id);
    for (const m of rest) expect((await r.sender.drop(m.id)).state).toBe('dropped');
    await expect(r.sender.drain()).rejects.toThrow(OutboxBusyError);
  });

  it('a worker whose lease was taken over (it stalled past expiry) stops with LeaseLostError', async () => {
    r = await rig({ sender: { lease: { ttlMs: 300, renewMs: 30 } } });
    await r.open('430');
    const stop = new AbortController();
    const drained = r.sender.drain({ follow: true, pollMs: 10, signal: stop.signal }).catch((e: unknown) => e);
    await new Promise((res) => setTimeout(res, 50));
    // Another worker, its clock past this lease's expiry, takes over.
    expect(await r.sender.store.acquireLease({ holder: 'usurper', host: 'h2', pid: 2, ttlMs: 60_000, now: Date.now() + 10_000 })).toMatchObject({ acquired: true });
    const result = await Promise.race([drained, new Promise((res) => setTimeout(() => res('still draining'), 2_000))]);
    stop.abort();
    expect(result).toBeInstanceOf(LeaseLostError);
  });

  it('waitForLease waits for a stopped holder\'s lease to expire, then takes over', async () => {
    r = await rig();
    await r.open('440');
    await r.sender.enqueue(text('440', 'x'));
    await r.sender.store.acquireLease({ holder: 'killed', host: 'h3', pid: 3, ttlMs: 200, now: Date.now() });
    await expect(r.sender.drain()).rejects.toThrow(OutboxBusyError);
    expect(await r.sender.drain({ waitForLease: true })).toMatchObject({ sent: 1 });
    expect(r.events.some((e) => e.type === 'waiting' && e.lease.host === 'h3')).toBe(true);
  });
});

const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('two `send` processes on one outbox, on different hostnames', { timeout: 90_000 }, () => {
  let mock: MockServer | undefined;
  let tmp: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await mock?.close();
    tmp?.cleanup();
    mock = undefined;
  });

  /** A process whose os.hostname() is `name`: another container sharing the volume. */
  const otherHost = (dir: string, name: string): Record<string, string> => {
    const preload = join(dir, `host-${name}.cjs`);
    writeFileSync(preload, `const os = require('node:os'); os.hostname = () => ${JSON.stringify(name)}; require('node:module').syncBuiltinESMExports();\n`);
    return { NODE_OPTIONS: `--require ${preload}` };
  };

  const setup = async (n: number, slowMs: number) => {
    assertBuilt(REPO);
    tmp = tempDir();
    mock = await startMockServer({ token: TOKEN, windows: 'open', faults: { slowMs } });
    const receivers = Array.from({ length: 20 }, (_, i) => String(7_100_000_000 + i));
    writeFileSync(join(tmp.dir, 'events.jsonl'), receivers.map((from) => JSON.stringify({ from, kind: 'message', at: Date.now() })).join('\n'));
    writeFileSync(join(tmp.dir, 'batch.jsonl'), Array.from({ length: n }, (_, i) => JSON.stringify({ key: `k${i}`, message: text(receivers[i % receivers.length]!, `#${i}`) })).join('\n'));
    const inbound = await runCli(['inbound', 'events.jsonl'], { cwd: tmp.dir, guardMs: 20_000 });
    expect(inbound.code).toBe(0);
    return tmp.dir;
  };

  const duplicates = (m: MockServer) => m.deliveries.length - new Set(m.deliveries.map((d) => d.data)).size;
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 2000 && !cond(); i++) await new Promise((res) => setTimeout(res, 5));
  };

  it('the second leaves the outbox to the first while its lease is live: no duplicates', async () => {
    // Slow answers keep the first draining (≥ 3 s) while the second starts.
    const N = 300;
    const dir = await setup(N, 80);
    const m = mock!;
    const args = ['send', '--endpoint', m.url, '--quiet', '--json'];
    const first = runCli([...args, 'batch.jsonl'], { cwd: dir, guardMs: 60_000 });
    await until(() => m.deliveries.length >= 20);
    const second = await runCli([...args, '-'], { cwd: dir, stdin: '', env: otherHost(dir, 'container-b'), guardMs: 60_000 });
    expect(second.stderr).toMatch(/not draining: another worker \(pid \d+ on \S+\) holds this outbox's drain lease/);
    expect(second.code).toBe(1);
    const done = await first;
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ sent: N, queued: 0, unknownOutcomes: 0 });
    expect(m.deliveries).toHaveLength(N);
    expect(duplicates(m)).toBe(0);
  });

  it('after the first is SIGKILLed the second takes over once the lease expired; in-flight messages are counted unknown outcomes', async () => {
    const N = 200;
    const dir = await setup(N, 40);
    const m = mock!;
    // Long enough that the two runs below (each a CLI start, several seconds on a loaded
    // 2-core machine) both see the dead worker's lease still live.
    const args = ['send', '--endpoint', m.url, '--quiet', '--json', '--lease', '10000', '--lease-renew', '1000'];
    const first = await runCli([...args, 'batch.jsonl'], { cwd: dir, guardMs: 60_000, killWhen: () => m.deliveries.length >= 40 });
    expect(first.signal).toBe('SIGKILL');
    // Who holds it is one command away, and asking needs no lease: both at once, inside the lease.
    const [refused, list] = await Promise.all([
      runCli([...args, '-'], { cwd: dir, stdin: '', env: otherHost(dir, 'container-c'), guardMs: 20_000 }),
      runCli(['outbox', 'list'], { cwd: dir, guardMs: 20_000 }),
    ]);
    expect(refused.stderr).toMatch(/not draining: .*drain lease/);
    expect(list.stdout).toMatch(/\ndrain lease: pid \d+ on \S+, expires \S+ unless renewed\n$/);
    const takeover = await runCli([...args, '--wait-for-lease', '-'], { cwd: dir, stdin: '', env: otherHost(dir, 'container-c'), guardMs: 60_000 });
    expect(takeover.code).toBe(0);
    const summary = JSON.parse(takeover.stdout) as { queued: number; held: number; unknownOutcomes: number };
    expect(summary).toMatchObject({ queued: 0, held: 0 });
    expect(summary.unknownOutcomes).toBeGreaterThan(0);
    const store = createSqliteStore({ path: join(dir, '.weibo-guard/outbox.db') });
    const rows = await store.list();
    store.close();
    expect(rows).toHaveLength(N);
    expect(rows.every((x) => x.state === 'sent')).toBe(true);
    expect(new Set(m.deliveries.map((d) => d.data)).size).toBe(N);
    expect(duplicates(m)).toBeLessThanOrEqual(rows.reduce((n, x) => n + x.unknownOutcomes, 0));
  });
});
