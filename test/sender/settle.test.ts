import { describe, expect, it } from 'vitest';
import { decodeAnswer, type Decoded } from '../../src/sender/api.js';
import { WeiboApiError, type ErrorKind } from '../../src/sender/errors.js';
import { RetrySchema } from '../../src/sender/backoff.js';
import { UnknownOutcomeSchema } from '../../src/sender/schemas.js';
import { requeueAt, settle, unknownPolicy, type SettleRecord, type SettleSettings } from '../../src/sender/settle.js';

const NOW = 1_700_000_000_000;

const settings = (o: { maxAttempts?: number; maxResends?: number; default?: 'resend' | 'hold'; mention?: 'resend' | 'hold' } = {}): SettleSettings => ({
  retry: RetrySchema.parse({ maxAttempts: o.maxAttempts ?? 4, baseMs: 100, capMs: 1_000, rateLimitPauseMs: 30_000 }),
  unknownOutcome: UnknownOutcomeSchema.parse({ maxResends: o.maxResends ?? 1, ...(o.default ? { default: o.default } : {}), ...(o.mention ? { mention: o.mention } : {}) }),
});

const record = (o: Partial<SettleRecord> = {}): SettleRecord =>
  Object.freeze({ id: 'm1', account: 'acct', receiverId: '42', attempts: 0, unknownOutcomes: 0, operatorRetries: 0, mention: false, ...o });

const failure = (kind: ErrorKind, message = `a ${kind} failure`, details: ConstructorParameters<typeof WeiboApiError>[2] = {}): Decoded => ({ ok: false, error: new WeiboApiError(kind, message, details) });

/** A jitter source that says how often it was drawn from. */
function draws(value = 0.5): { random: () => number; count: () => number } {
  let n = 0;
  return {
    random: () => {
      n++;
      return value;
    },
    count: () => n,
  };
}

describe('settle: a definite answer', () => {
  it('sent: the ids Weibo echoed, one sent event, no draw', () => {
    const j = draws();
    const d = settle(record(), { ok: true, reply: { result: true, sender_id: '7', receiver_id: '42' } }, settings(), NOW, j.random);
    expect(d).toEqual({ settlement: { kind: 'sent', detail: 'sender_id=7 receiver_id=42' }, event: { type: 'sent', id: 'm1', account: 'acct', receiverId: '42' } });
    expect(j.count()).toBe(0);
  });

  it('sent without ids in the answer: said so, not guessed', () => {
    const d = settle(record(), { ok: true, reply: { result: true } }, settings(), NOW, Math.random);
    expect(d.settlement).toEqual({ kind: 'sent', detail: 'sender_id=? receiver_id=?' });
  });

  it('permanent: failed with the reason, its slot given back (failed, not held)', () => {
    const d = settle(record(), failure('permanent', 'Weibo error 20018 (x), HTTP 400'), settings(), NOW, Math.random);
    expect(d).toEqual({ settlement: { kind: 'failed', reason: 'Weibo error 20018 (x), HTTP 400' }, event: { type: 'failed', id: 'm1', account: 'acct', reason: 'Weibo error 20018 (x), HTTP 400' } });
  });

  it('permanent after an unknown outcome: held, since the earlier attempt may have been delivered', () => {
    const d = settle(record({ unknownOutcomes: 1 }), failure('permanent', 'Weibo error 20302'), settings(), NOW, Math.random);
    const why = 'Weibo error 20302; an earlier attempt may have been delivered: held for a person';
    expect(d).toEqual({ settlement: { kind: 'held', reason: why }, event: { type: 'held', id: 'm1', account: 'acct', reason: why } });
  });
});

describe('settle: transient failures and the attempt bound', () => {
  it('retried, counted, after a jittered backoff from the attempts so far', () => {
    const j = draws(0.5);
    // attempts 2: ceiling min(1000, 100·2²) = 400; half of it.
    const d = settle(record({ attempts: 2 }), failure('transient', 'HTTP 503'), settings({ maxAttempts: 4 }), NOW, j.random);
    expect(d).toEqual({
      settlement: { kind: 'retry', nextAt: NOW + 200, reason: 'HTTP 503', counted: true },
      event: { type: 'retry', id: 'm1', account: 'acct', reason: 'HTTP 503', at: NOW + 200 },
    });
    expect(j.count()).toBe(1);
  });

  it('the backoff is capped', () => {
    const d = settle(record({ attempts: 20 }), failure('transient'), settings({ maxAttempts: 50 }), NOW, () => 0.999);
    expect(d.settlement).toMatchObject({ kind: 'retry', nextAt: NOW + 999 });
  });

  it.each([
    [4, 2, 'retry'],
    [4, 3, 'failed'],
    [1, 0, 'failed'],
    [2, 0, 'retry'],
  ] as const)('maxAttempts %i, %i attempts so far: %s', (maxAttempts, attempts, kind) => {
    const j = draws();
    const d = settle(record({ attempts }), failure('transient', 'HTTP 503'), settings({ maxAttempts }), NOW, j.random);
    expect(d.settlement.kind).toBe(kind);
    if (kind === 'failed') {
      expect(d.settlement).toEqual({ kind: 'failed', reason: `gave up after ${attempts + 1} attempts: HTTP 503` });
      expect(j.count()).toBe(0);
    }
  });

  it('at the bound after an unknown outcome: held with its slot, never failed', () => {
    const d = settle(record({ attempts: 3, unknownOutcomes: 1 }), failure('transient', 'HTTP 503'), settings({ maxAttempts: 4 }), NOW, Math.random);
    expect(d.settlement).toEqual({ kind: 'held', reason: 'gave up after 4 attempts: HTTP 503; an earlier attempt may have been delivered: held for a person' });
    expect(d.event?.type).toBe('held');
  });
});

describe('settle: account-wide answers', () => {
  it('rate limit with Retry-After: paused until then, not counted, even at the attempt bound', () => {
    const j = draws();
    const d = settle(record({ attempts: 3 }), failure('rate-limit', 'Weibo error 10023', { retryAfterMs: 2_000 }), settings({ maxAttempts: 4 }), NOW, j.random);
    expect(d).toEqual({
      settlement: { kind: 'retry', nextAt: NOW + 2_000, reason: 'rate limited: Weibo error 10023', counted: false },
      pause: { until: NOW + 2_000, reason: 'Weibo error 10023' },
    });
    expect(j.count()).toBe(0);
  });

  it('rate limit without Retry-After: paused for rateLimitPauseMs', () => {
    const d = settle(record(), failure('rate-limit', 'Weibo error 20016'), settings(), NOW, Math.random);
    expect(d.pause).toEqual({ until: NOW + 30_000, reason: 'Weibo error 20016' });
    expect(d.settlement).toMatchObject({ kind: 'retry', nextAt: NOW + 30_000, counted: false });
  });

  it('a Retry-After of 0 pauses for nothing, not for the default', () => {
    const d = settle(record(), failure('rate-limit', 'HTTP 429', { retryAfterMs: 0 }), settings(), NOW, Math.random);
    expect(d.pause?.until).toBe(NOW);
  });

  it.each(['auth', 'config'] as const)('%s: the account stops, the message stays queued and uncounted, no message event', (kind) => {
    const j = draws();
    const d = settle(record({ attempts: 3 }), failure(kind, 'Weibo error 21327 (expired_token)'), settings({ maxAttempts: 4 }), NOW, j.random);
    expect(d).toEqual({
      settlement: { kind: 'retry', nextAt: NOW, reason: 'account stopped: Weibo error 21327 (expired_token)', counted: false },
      stop: { reason: 'Weibo error 21327 (expired_token)' },
    });
    expect(j.count()).toBe(0);
  });
});

describe('settle: unknown outcomes and the resend bound', () => {
  const unknown = failure('unknown', 'no answer within 1000 ms: the request may have been delivered');

  it('resent by default while resends are left: counted as unknown, the reason as it came', () => {
    const j = draws(0.5);
    const d = settle(record({ attempts: 1 }), unknown, settings({ maxResends: 1 }), NOW, j.random);
    expect(d).toEqual({
      settlement: { kind: 'unknown', policy: 'resend', nextAt: NOW + 100, reason: unknown.ok ? '' : unknown.error.message },
      event: { type: 'unknown', id: 'm1', account: 'acct', reason: unknown.ok ? '' : unknown.error.message, policy: 'resend' },
    });
    expect(j.count()).toBe(1);
  });

  it.each([
    ['the resends are used up', record({ unknownOutcomes: 1 }), settings({ maxResends: 1 }), 'held for a person after 1 resend(s) (unknownOutcome.maxResends 1)'],
    ['maxResends 0', record(), settings({ maxResends: 0 }), 'held for a person after 0 resend(s) (unknownOutcome.maxResends 0)'],
    ['a reply to a mention (policy hold by default)', record({ mention: true }), settings(), 'held for a person (policy hold: a reply to a mention)'],
    ['the default policy is hold', record(), settings({ default: 'hold' }), 'held for a person (policy hold)'],
    ['a person sent it again (outbox retry)', record({ operatorRetries: 1 }), settings({ maxResends: 5 }), 'held for a person (it was sent again by an operator)'],
    ['no attempt left', record({ attempts: 3 }), settings({ maxAttempts: 4, maxResends: 5 }), 'held for a person after 4 attempts'],
  ])('held when %s, saying why', (_what, rec, s, why) => {
    const d = settle(rec, unknown, s, NOW, () => 0);
    expect(d.settlement).toMatchObject({ kind: 'unknown', policy: 'hold', reason: `${unknown.ok ? '' : unknown.error.message}; ${why}` });
    // The event keeps the answer's own reason; the why is for the stored row.
    expect(d.event).toMatchObject({ type: 'unknown', policy: 'hold', reason: unknown.ok ? '' : unknown.error.message });
    expect(unknownPolicy(rec, s)).toBe('hold');
  });

  it('a mention may be resent when the configuration says so', () => {
    expect(settle(record({ mention: true }), unknown, settings({ mention: 'resend' }), NOW, () => 0).settlement).toMatchObject({ policy: 'resend' });
  });

  it('the resend bound: 1 + maxResends deliveries, whatever maxAttempts allows', () => {
    const s = settings({ maxAttempts: 10, maxResends: 2 });
    let rec = record();
    const policies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = settle(rec, unknown, s, NOW, () => 0);
      if (d.settlement.kind !== 'unknown') throw new Error('not unknown');
      policies.push(d.settlement.policy);
      if (d.settlement.policy === 'hold') break;
      // What the store counts for an unknown outcome.
      rec = record({ attempts: rec.attempts + 1, unknownOutcomes: rec.unknownOutcomes + 1 });
    }
    expect(policies).toEqual(['resend', 'resend', 'hold']);
  });
});

describe('settle on decoded answers', () => {
  it.each([
    [200, '{"result":true,"sender_id":1,"receiver_id":2}', null, 'sent'],
    [200, '{"error_code":10001,"error":"system error"}', null, 'retry'],
    [429, '', '3', 'retry'],
    [401, '', null, 'retry'],
    [400, '{"error_code":20018,"error":"content illegal"}', null, 'failed'],
    [504, '', null, 'unknown'],
    [200, '<html>', null, 'unknown'],
  ] as const)('HTTP %i %j (Retry-After %s): %s', (status, body, retryAfter, kind) => {
    const d = settle(record(), decodeAnswer(status, body, retryAfter, NOW), settings(), NOW, () => 0);
    expect(d.settlement.kind).toBe(kind);
    if (status === 429) expect(d.pause).toMatchObject({ until: NOW + 3_000 });
    if (status === 401) expect(d.stop?.reason).toBe('HTTP 401 (empty body)');
  });

  it('covers every error kind errors.ts names, and never changes the record', () => {
    const kinds: ErrorKind[] = ['transient', 'rate-limit', 'auth', 'config', 'permanent', 'unknown'];
    const rec = record({ attempts: 1 });
    const seen = kinds.map((k) => settle(rec, failure(k), settings(), NOW, () => 0.25).settlement.kind);
    expect(seen).toEqual(['retry', 'retry', 'retry', 'retry', 'failed', 'unknown']);
    expect(rec).toEqual(record({ attempts: 1 }));
  });
});

describe('requeueAt', () => {
  it('keeps a message at the head of its lane only for a retry or a resend', () => {
    expect(requeueAt({ kind: 'retry', nextAt: 5, reason: '', counted: true })).toBe(5);
    expect(requeueAt({ kind: 'unknown', policy: 'resend', nextAt: 6, reason: '' })).toBe(6);
    expect(requeueAt({ kind: 'unknown', policy: 'hold', nextAt: 7, reason: '' })).toBeNull();
    expect(requeueAt({ kind: 'sent', detail: '' })).toBeNull();
    expect(requeueAt({ kind: 'failed', reason: '' })).toBeNull();
    expect(requeueAt({ kind: 'held', reason: '' })).toBeNull();
  });
});
