import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore, LeaseLostError, OutboxIdentityError, PG_SCHEMA_VERSION, redactUrl, StorageError, type OutboxStore } from '../../src/sender/index.js';
import { postgresTest } from '../system.js';
import { adminQuery, freshDatabase } from './pg.js';
import { gate, text } from './helpers.js';
import { createSender } from '../../src/sender/index.js';

/**
 * What only a shared server store has: several processes' workers at once, leases on
 * the server's clock, migrations racing, a server that is down, a URL with a password.
 * (The behaviour every store shares runs on both in sender, unknown and outage tests.)
 */
const open: Array<{ close: () => void }> = [];
const drops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  for (const d of drops.splice(0)) await d();
});
async function database(): Promise<string> {
  const db = await freshDatabase();
  drops.push(db.drop);
  return db.url;
}
function store(url: string): OutboxStore {
  const s = createPostgresStore(url, { poolSize: 3 });
  open.push(s);
  return s;
}
const limits = gate().policy.limits.window;
const worker = (holder: string, ttlMs: number) => ({ holder, host: `host-${holder}`, pid: 1, ttlMs, now: Date.now() });

/** Opens a window for `receiver` and queues `n` messages to it through `s`. */
async function queue(s: OutboxStore, receiver: string, n: number): Promise<string[]> {
  await s.recordInbound([{ account: 'default', from: receiver, kind: 'message', at: Date.now() }], Date.now());
  const res = await s.admit(
    Array.from({ length: n }, (_, i) => ({
      request: { key: null, account: 'default', receiverId: receiver, type: 'text' as const, data: JSON.stringify(text(receiver, `#${i}`).data), saveSenderBox: 1 as const, now: Date.now(), limits },
      decide: () => ({ allowed: true, findings: [] }),
    })),
  );
  return res.map((r) => (r.status === 'queued' ? r.record.id : ''));
}

describe.skipIf(postgresTest.missing)('PostgreSQL store: many workers', () => {
  it('claims one message per receiver at a time, in order, whoever asks; a refused claim changes nothing', async () => {
    const url = await database();
    const a = store(url);
    const b = store(url);
    await a.acquireLease(worker('a', 60_000));
    await b.acquireLease(worker('b', 60_000));
    const [m1, m2] = await queue(a, '700', 2);
    const [n1] = await queue(a, '701', 1);
    // b asks for 700's second message while its first is unsettled: refused.
    expect((await b.step([], [{ id: m2!, attemptId: 'b-0' }], Date.now(), 'b')).begun).toEqual([null]);
    const first = await a.step([], [{ id: m1!, attemptId: 'a-1' }], Date.now(), 'a');
    expect(first.begun[0]).toMatchObject({ id: m1, state: 'sending' });
    // In flight at a: b gets neither the same message nor the next one, but another receiver's.
    const other = await b.step([], [{ id: m1!, attemptId: 'b-1' }, { id: m2!, attemptId: 'b-2' }, { id: n1!, attemptId: 'b-3' }], Date.now(), 'b');
    expect(other.begun.map((r) => r?.id ?? null)).toEqual([null, null, n1]);
    expect((await a.get(m2!))!.state).toBe('queued');
    await a.step([{ id: m1!, attemptId: 'a-1', outcome: { kind: 'sent', detail: 'ok' } }], [], Date.now(), 'a');
    expect((await b.step([], [{ id: m2!, attemptId: 'b-4' }], Date.now(), 'b')).begun[0]).toMatchObject({ id: m2, state: 'sending' });
  });

  it('a worker that stops holds its messages only until its lease expires (server clock); then they are unknown outcomes and its steps are fenced', async () => {
    const url = await database();
    const a = store(url);
    const b = store(url);
    await a.acquireLease(worker('a', 400));
    await b.acquireLease(worker('b', 60_000));
    const [m1] = await queue(a, '710', 1);
    await a.step([], [{ id: m1!, attemptId: 'a-1' }], Date.now(), 'a');
    // a is alive: b recovers nothing of it.
    expect(await b.recoverInterrupted(() => 'resend', Date.now(), 'b')).toEqual([]);
    expect(await a.currentLease()).not.toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    const recovered = await b.recoverInterrupted(() => 'resend', Date.now(), 'b');
    expect(recovered).toEqual([expect.objectContaining({ id: m1, state: 'queued', unknownOutcomes: 1, attempts: 1 })]);
    // a comes back: reaped, so its settle is refused and changes nothing.
    await expect(a.step([{ id: m1!, attemptId: 'a-1', outcome: { kind: 'sent', detail: 'late' } }], [], Date.now(), 'a')).rejects.toThrow(LeaseLostError);
    expect(await a.renewLease('a', 400, Date.now())).toBeNull();
    expect((await b.get(m1!))!).toMatchObject({ state: 'queued', unknownOutcomes: 1 });
  });

  it('two instances recording the same pushes (Weibo retrying on the other one) record each once', async () => {
    const url = await database();
    const a = store(url);
    const b = store(url);
    const at = Date.now();
    const events = Array.from({ length: 200 }, (_, i) => ({ account: 'default', from: String(800 + (i % 20)), kind: 'message' as const, at: at + i, eventId: `push-${i}` }));
    const [ra, rb] = await Promise.all([a.recordInbound(events, at + 1000), b.recordInbound([...events].reverse(), at + 1000)]);
    const recorded = ra!.filter(Boolean).length + rb!.filter(Boolean).length;
    expect(recorded).toBe(200);
    // Each event recorded by exactly one of them.
    events.forEach((_, i) => expect(Number(ra![i]) + Number(rb![199 - i])).toBe(1));
  });

  it('concurrent enqueues from many connections never exceed the quota', async () => {
    const url = await database();
    const stores = [store(url), store(url), store(url)];
    await stores[0]!.recordInbound([{ account: 'default', from: '900', kind: 'message', at: Date.now() }], Date.now());
    const one = (s: OutboxStore, i: number) =>
      s.admit([
        {
          request: { key: `k${i}`, account: 'default', receiverId: '900', type: 'text', data: '{"text":"x"}', saveSenderBox: 1, now: Date.now(), limits },
          decide: (w) => (w.state === 'open' && (w.remaining ?? 0) > 0 ? { allowed: true, findings: [] } : { allowed: false, findings: [] }),
        },
      ]);
    const results = (await Promise.all(Array.from({ length: 150 }, (_, i) => one(stores[i % 3]!, i)))).flat();
    expect(results.filter((r) => r.status === 'queued')).toHaveLength(limits.quota);
    expect(results.filter((r) => r.status === 'blocked')).toHaveLength(150 - limits.quota);
  });

  it('migrations: two instances starting at once make the schema once; a newer schema and foreign tables are refused untouched', async () => {
    const url = await database();
    const starting = Array.from({ length: 4 }, () => store(url));
    await Promise.all(starting.map((s) => s.counts()));
    const schema = new URL(url).searchParams.get('options')!.split('=')[1]!;
    const meta = await adminQuery(url, 'SELECT name, value FROM wg_meta ORDER BY name');
    expect(meta.rows).toEqual([
      { name: 'application', value: 'weibo-guard outbox' },
      { name: 'schema_version', value: String(PG_SCHEMA_VERSION) },
    ]);
    await adminQuery(url, "UPDATE wg_meta SET value = '99' WHERE name = 'schema_version'");
    const newer = await store(url).counts().catch((e: unknown) => e);
    expect(newer).toBeInstanceOf(OutboxIdentityError);
    expect((newer as Error).message).toMatch(/written by a newer weibo-guard \(schema 99, this one knows 1\); upgrade weibo-guard/);

    const other = await database();
    await adminQuery(other, 'CREATE TABLE wg_outbox (id int)');
    const foreign = await store(other).list().catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(OutboxIdentityError);
    expect((foreign as Error).message).toMatch(/not a weibo-guard outbox: it has a wg_outbox table but no wg_meta/);
    expect((await adminQuery(other, 'SELECT to_regclass($1)::text AS t', ['wg_meta'])).rows[0].t).toBeNull();
    expect(schema).toMatch(/^wg_t_/);
  });

  it('a server that cannot be reached is an unavailable StorageError naming the server without its password', async () => {
    const url = 'postgres://app:s3cr3t-pw@127.0.0.1:1/outbox';
    const s = store(url);
    const err = await s.counts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).toMatchObject({ failure: 'unavailable', location: 'postgres://app:***@127.0.0.1:1/outbox' });
    expect((err as Error).message).toMatch(/^outbox postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/outbox: the server cannot be reached/);
    expect(String((err as Error).message)).not.toContain('s3cr3t');
    // Through the sender too, at enqueue.
    const sender = createSender({ gate: gate(), store: url, endpoint: 'http://127.0.0.1:9/x', token: 't' });
    open.push(sender);
    const e2 = await sender.enqueue(text('1', 'x')).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(StorageError);
    expect((e2 as Error).message).not.toContain('s3cr3t');
  });
});

describe('redactUrl', () => {
  it('hides the password and password-like parameters, keeps the rest', () => {
    expect(redactUrl('postgresql://u:p%40ss@db.example:5432/x?sslmode=require&password=zz')).toBe('postgresql://u:***@db.example:5432/x?sslmode=require&password=***');
    expect(redactUrl('postgres://db/x')).toBe('postgres://db/x');
    expect(redactUrl('postgres://u:pw@[bad')).toBe('postgres://***@[bad');
  });
});
