import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Decoded } from '../../src/sender/api.js';
import { WeiboApiError, type ErrorKind } from '../../src/sender/errors.js';
import { RetrySchema } from '../../src/sender/backoff.js';
import { UnknownOutcomeSchema, type OutboxRecord } from '../../src/sender/schemas.js';
import { createSqliteStore } from '../../src/sender/sqlite-store.js';
import { createWorker, type DrainReport, type SenderEvent } from '../../src/sender/worker.js';
import { FakeClock, settled } from './fake-clock.js';
import { gate, perTest } from './helpers.js';

const t = perTest();
const limits = gate().policy.limits.window;

type Answer = Decoded | ((rec: OutboxRecord) => Promise<Decoded>);
const sent: Decoded = { ok: true, reply: { result: true } };
const fail = (kind: ErrorKind, details: ConstructorParameters<typeof WeiboApiError>[2] = {}): Decoded => ({ ok: false, error: new WeiboApiError(kind, `a ${kind} answer`, details) });

/**
 * A worker on a real (temporary) outbox, a fake clock and a fake Weibo: `answers`
 * per receiver, in order (then sent). Returns who was posted when, on the fake clock.
 */
async function drainOnFakeClock(o: { receivers: Record<string, number>; answers?: Record<string, Answer[]>; concurrency?: number }) {
  const clock = new FakeClock();
  const store = createSqliteStore({ path: join(t.dir(), 'outbox.db') });
  t.defer(() => store.close());
  for (const r of Object.keys(o.receivers)) await store.recordInbound([{ account: 'default', from: r, kind: 'message', at: clock.now() }], clock.now());
  for (const [r, n] of Object.entries(o.receivers)) {
    for (let i = 0; i < n; i++) {
      await store.admit([
        { request: { key: null, account: 'default', receiverId: r, type: 'text', data: JSON.stringify({ text: `${r}#${i}` }), saveSenderBox: 1, now: clock.now(), limits }, decide: () => ({ allowed: true, findings: [] }) },
      ]);
    }
  }
  const posts: Array<[string, number]> = [];
  const events: SenderEvent[] = [];
  const left = Object.fromEntries(Object.entries(o.answers ?? {}).map(([r, a]) => [r, [...a]]));
  const worker = createWorker({
    store,
    settings: {
      concurrency: o.concurrency ?? 8,
      // Far beyond any fake time here: the heartbeat runs on the real clock.
      lease: { ttlMs: 1e12, renewMs: 1e9 },
      retry: RetrySchema.parse({ maxAttempts: 4, baseMs: 1_000, capMs: 60_000, rateLimitPauseMs: 30_000 }),
      unknownOutcome: UnknownOutcomeSchema.parse({}),
    },
    timers: clock,
    random: () => 0.5,
    post: async (rec) => {
      posts.push([`${(JSON.parse(rec.data) as { text: string }).text}`, clock.now() - 1_700_000_000_000]);
      const a = left[rec.receiverId]?.shift() ?? sent;
      return typeof a === 'function' ? a(rec) : a;
    },
    scrub: (s) => s,
    emit: (e) => events.push(e),
  });
  let report: DrainReport | undefined;
  const drained = worker.drain({}).then((r) => (report = r));
  // The fake clock moves only when the worker has nothing to do but wait for it.
  for (let i = 0; i < 1000 && !report; i++) {
    await settled();
    if (!report && clock.pending > 0) await clock.next();
  }
  await drained;
  return { posts, events, report: report!, store };
}

describe('the drain on a fake clock', () => {
  it('waits out a transient failure\'s backoff on the injected timers, the receiver\'s next message behind it', async () => {
    const { posts, report } = await drainOnFakeClock({ receivers: { '1': 2, '2': 1 }, answers: { '1': [fail('transient'), fail('transient')] } });
    // Backoffs: half of 1000·2⁰, then half of 1000·2¹ (random 0.5).
    expect(posts).toEqual([
      ['1#0', 0],
      ['2#0', 0],
      ['1#0', 500],
      ['1#0', 1_500],
      ['1#1', 1_500],
    ]);
    expect(report).toMatchObject({ sent: 3, retries: 2, failed: 0, queued: 0 });
  });

  it('a rate limit pauses every receiver of the account until Retry-After, then resumes them', async () => {
    const { posts, report, events } = await drainOnFakeClock({ receivers: { '1': 1, '2': 1 }, concurrency: 1, answers: { '1': [fail('rate-limit', { retryAfterMs: 5_000 })] } });
    expect(posts).toEqual([
      ['1#0', 0],
      ['2#0', 5_000],
      ['1#0', 5_000],
    ]);
    expect(report).toMatchObject({ sent: 2, retries: 0 });
    expect(events.filter((e) => e.type === 'paused')).toEqual([{ type: 'paused', account: 'default', reason: 'a rate-limit answer', until: 1_700_000_005_000 }]);
  });

  it('an auth failure stops the account: nothing more is posted, its messages stay queued', async () => {
    const { posts, report } = await drainOnFakeClock({ receivers: { '1': 2, '2': 2 }, concurrency: 1, answers: { '1': [fail('auth')] } });
    expect(posts).toEqual([['1#0', 0]]);
    expect(report).toMatchObject({ sent: 0, queued: 4, stopped: [{ account: 'default', reason: 'a auth answer' }] });
  });

  it('never more than `concurrency` requests in flight, receivers served round robin', async () => {
    let inFlight = 0;
    let peak = 0;
    // Answers take a few turns of the event loop, so requests overlap.
    const slow = async (): Promise<Decoded> => {
      peak = Math.max(peak, ++inFlight);
      for (let i = 0; i < 3; i++) await settled();
      inFlight--;
      return sent;
    };
    const receivers = { a: 3, b: 3, c: 3, d: 3 };
    const { posts, report } = await drainOnFakeClock({ receivers, concurrency: 2, answers: Object.fromEntries(Object.keys(receivers).map((r) => [r, Array.from({ length: 3 }, () => slow)])) });
    expect(report.sent).toBe(12);
    expect(peak).toBe(2);
    // Two at a time, each pair settled together, then the served lanes go to the back.
    expect(posts.map(([m]) => m)).toEqual(['a#0', 'b#0', 'c#0', 'd#0', 'a#1', 'b#1', 'c#1', 'd#1', 'a#2', 'b#2', 'c#2', 'd#2']);
  });
});
