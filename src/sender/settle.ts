import type { Decoded } from './api.js';
import { backoffMs, type RetrySettings } from './backoff.js';
import type { OutboxRecord, UnknownOutcome, UnknownOutcomePolicy } from './schemas.js';
import type { Settlement } from './store.js';

/** The settings an attempt's outcome depends on (validated sender settings). */
export interface SettleSettings {
  retry: RetrySettings;
  unknownOutcome: UnknownOutcome;
}

/** What of a message the decision reads: its identity and its counts so far (before this attempt). */
export type SettleRecord = Pick<OutboxRecord, 'id' | 'account' | 'receiverId' | 'attempts' | 'unknownOutcomes' | 'operatorRetries' | 'mention'>;

/** What happened to one message, as the sender reports it. */
export type MessageEvent =
  | { type: 'sent'; id: string; account: string; receiverId: string }
  | { type: 'retry'; id: string; account: string; reason: string; at: number }
  | { type: 'failed'; id: string; account: string; reason: string }
  | { type: 'unknown'; id: string; account: string; reason: string; policy: UnknownOutcomePolicy }
  /** A definite failure of a message an earlier attempt of which may have been delivered. */
  | { type: 'held'; id: string; account: string; reason: string };

/** An attempt's meaning: what the store records, what is reported, and what it says about the account. */
export interface Decision {
  settlement: Settlement;
  /** Nothing for an account-wide pause or stop: those are reported per account, not per message. */
  event?: MessageEvent;
  /** Rate limited: no message of this account goes out before `until`. */
  pause?: { until: number; reason: string };
  /** Auth or config refused: the account stops for the rest of the drain, its messages queued. */
  stop?: { reason: string };
}

const policyOf = (r: SettleRecord, s: SettleSettings): UnknownOutcomePolicy => (r.mention ? s.unknownOutcome.mention : s.unknownOutcome.default);

/**
 * After an unknown outcome of `r` (counted as it was before it): resend only while the
 * policy allows, automatic resends are left and no person has stepped in — after an
 * `outbox retry` each further doubt goes back to a person.
 */
export function unknownPolicy(r: SettleRecord, s: SettleSettings): UnknownOutcomePolicy {
  return policyOf(r, s) === 'resend' && r.operatorRetries === 0 && r.unknownOutcomes < s.unknownOutcome.maxResends && r.attempts + 1 < s.retry.maxAttempts ? 'resend' : 'hold';
}

function heldWhy(r: SettleRecord, s: SettleSettings): string {
  if (policyOf(r, s) === 'hold') return `held for a person (policy hold${r.mention ? ': a reply to a mention' : ''})`;
  if (r.operatorRetries > 0) return 'held for a person (it was sent again by an operator)';
  if (r.unknownOutcomes >= s.unknownOutcome.maxResends) return `held for a person after ${r.unknownOutcomes} resend(s) (unknownOutcome.maxResends ${s.unknownOutcome.maxResends})`;
  return `held for a person after ${r.attempts + 1} attempts`;
}

/**
 * What one attempt's answer means for its message (errors.ts names the kinds). Pure:
 * `now` is the time the answer was read, `random` the jitter source of the backoff, and
 * the answer's reason is already free of secrets (the sender scrubs it before).
 */
export function settle(rec: SettleRecord, answer: Decoded, s: SettleSettings, now: number, random: () => number): Decision {
  const id = rec.id;
  const account = rec.account;
  if (answer.ok) {
    const r = answer.reply;
    return { settlement: { kind: 'sent', detail: `sender_id=${r.sender_id ?? '?'} receiver_id=${r.receiver_id ?? '?'}` }, event: { type: 'sent', id, account, receiverId: rec.receiverId } };
  }
  const e = answer.error;
  const reason = e.message;
  switch (e.kind) {
    case 'transient': {
      if (rec.attempts + 1 >= s.retry.maxAttempts) return giveUp(rec, `gave up after ${rec.attempts + 1} attempts: ${reason}`);
      const at = now + backoffMs(rec.attempts, s.retry, random);
      return { settlement: { kind: 'retry', nextAt: at, reason, counted: true }, event: { type: 'retry', id, account, reason, at } };
    }
    case 'rate-limit': {
      const until = now + (e.details.retryAfterMs ?? s.retry.rateLimitPauseMs);
      return { settlement: { kind: 'retry', nextAt: until, reason: `rate limited: ${reason}`, counted: false }, pause: { until, reason } };
    }
    case 'auth':
    case 'config':
      return { settlement: { kind: 'retry', nextAt: now, reason: `account stopped: ${reason}`, counted: false }, stop: { reason } };
    case 'permanent':
      return giveUp(rec, reason);
    case 'unknown': {
      const policy = unknownPolicy(rec, s);
      return {
        settlement: { kind: 'unknown', policy, nextAt: now + backoffMs(rec.attempts, s.retry, random), reason: policy === 'hold' ? `${reason}; ${heldWhy(rec, s)}` : reason },
        event: { type: 'unknown', id, account, reason, policy },
      };
    }
  }
}

/** The end of a message that cannot be sent: failed, unless an earlier attempt may have been delivered. */
function giveUp(rec: SettleRecord, reason: string): Decision {
  if (rec.unknownOutcomes > 0) {
    const why = `${reason}; an earlier attempt may have been delivered: held for a person`;
    return { settlement: { kind: 'held', reason: why }, event: { type: 'held', id: rec.id, account: rec.account, reason: why } };
  }
  return { settlement: { kind: 'failed', reason }, event: { type: 'failed', id: rec.id, account: rec.account, reason } };
}

/** When the message is tried again (it stays at the head of its lane till then), or null when it leaves the queue. */
export function requeueAt(s: Settlement): number | null {
  if (s.kind === 'retry' || (s.kind === 'unknown' && s.policy === 'resend')) return s.nextAt;
  return null;
}
