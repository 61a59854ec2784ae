import type { WindowState } from '../context.js';
import type { Verdict } from '../findings.js';
import type { WindowLimits } from '../checks/window.js';
import type { InboundEvent, MessageState, OutboxRecord, UnknownOutcomePolicy } from './schemas.js';

/**
 * The outbox and the conversation ledger behind one interface, so the embedded
 * SQLite store can be swapped for a distributed one without touching callers.
 * Every method that changes state is atomic on its own.
 */
export interface OutboxStore {
  /**
   * Any number of workers drain this store at once (a server store). `acquireLease`
   * then registers one worker and is never refused; each worker's lease expires on the
   * store's clock; `step` begins a message only when it is its receiver's next (nothing
   * earlier unsettled, nothing in flight), so a refusal (null) means another worker has
   * that receiver; `recoverInterrupted` takes only the messages of workers whose lease
   * expired. Absent: one draining worker per outbox, held by the drain lease.
   */
  readonly sharedDrain?: boolean;
  /**
   * One transaction for the batch; false for an event already recorded (same eventId,
   * or same sender+kind+time without one). `now` is when the events were received: an
   * event dated after it counts from `now`, so a window never starts after a reply
   * it must count.
   */
  recordInbound(events: InboundEvent[], now: number): Promise<boolean[]>;
  window(account: string, receiverId: string, now: number, limits: WindowLimits): Promise<WindowState>;
  /**
   * For each call in order: reads the window, asks `decide` (the gate) and, only if
   * allowed, stores the message and takes its quota slot. The whole batch is one
   * transaction (one disk sync: group commit), and two calls can never both take the
   * last slot.
   */
  admit(calls: AdmitCall[]): Promise<AdmitResult[]>;
  /** Queued messages with seq > afterSeq, in seq order: the worker's lanes are built from this. */
  queued(afterSeq: number): Promise<LaneItem[]>;
  /**
   * One worker step, one transaction: record the outcomes of finished attempts, then
   * move the next messages queued → sending with an attempt row written before any
   * request leaves. `begun[i]` is null when that message is no longer queued.
   * Fenced: with `holder` given, throws LeaseLostError (changing nothing) unless that
   * holder still holds the drain lease.
   */
  step(settle: SettleCall[], begin: BeginCall[], now: number, holder?: string): Promise<{ begun: Array<OutboxRecord | null> }>;
  /**
   * Messages left in `sending` by a worker that stopped (crash, SIGKILL, lost lease):
   * their outcome is unknown; `policyFor` decides resend or hold. Fenced like `step`.
   */
  recoverInterrupted(policyFor: (r: OutboxRecord) => UnknownOutcomePolicy, now: number, holder?: string): Promise<OutboxRecord[]>;
  get(id: string): Promise<OutboxRecord | null>;
  list(filter?: ListFilter): Promise<OutboxRecord[]>;
  counts(): Promise<Record<MessageState, number>>;
  /**
   * failed/uncertain → queued. A failed message gave its slot back, so it is re-admitted
   * through `decide`; an uncertain one kept its slot and is counted in `operatorRetries`.
   * Needs no lease.
   */
  retry(id: string, now: number, limits: WindowLimits, decide: (window: WindowState) => Verdict): Promise<RetryResult>;
  /** queued/failed/uncertain → dropped; the slot is given back only if no attempt may have been delivered. Needs no lease. */
  drop(id: string, now: number, reason: string): Promise<OutboxRecord>;
  /**
   * The drain lease: one draining worker per outbox, on any host. Taken when free,
   * already this holder's, or expired (`expiresAt <= now`); otherwise the current lease
   * is returned. Expiry is compared on the callers' clocks, so hosts sharing an outbox
   * need clocks closer together than the lease length (a server store may use its own).
   */
  acquireLease(request: LeaseRequest): Promise<{ acquired: true; lease: Lease } | { acquired: false; current: Lease }>;
  /** Extends the holder's lease to now + ttlMs; null when it is no longer this holder's (taken over after expiring). */
  renewLease(holder: string, ttlMs: number, now: number): Promise<Lease | null>;
  /** Gives the lease up, if this holder still has it. */
  releaseLease(holder: string): Promise<void>;
  /** The lease as it stands (live or expired), or null: for people asking who drains. */
  currentLease(): Promise<Lease | null>;
  close(): void;
}

export interface AdmitRequest {
  key: string | null;
  account: string;
  receiverId: string;
  type: OutboxRecord['type'];
  data: string;
  saveSenderBox: 0 | 1;
  now: number;
  limits: WindowLimits;
}

export interface AdmitCall {
  request: AdmitRequest;
  decide: (window: WindowState) => Verdict;
}

export interface SettleCall {
  id: string;
  attemptId: string;
  outcome: Settlement;
}

export interface BeginCall {
  id: string;
  attemptId: string;
}

export type AdmitResult =
  | { status: 'queued'; record: OutboxRecord; duplicate: boolean; window: WindowState; verdict: Verdict }
  | { status: 'blocked'; verdict: Verdict; window: WindowState };

export type RetryResult =
  | { status: 'queued'; record: OutboxRecord }
  | { status: 'blocked'; record: OutboxRecord; verdict: Verdict }
  | { status: 'not-retryable'; record: OutboxRecord };

export interface LaneItem {
  id: string;
  seq: number;
  account: string;
  receiverId: string;
  nextAt: number;
}

export type Settlement =
  | { kind: 'sent'; detail: string }
  /** Back to the queue at nextAt; `counted` is false for pauses (rate limit, auth) that say nothing about the message. */
  | { kind: 'retry'; nextAt: number; reason: string; counted: boolean }
  /** A definite failure: slot given back, unless an earlier attempt had an unknown outcome. */
  | { kind: 'failed'; reason: string }
  /** A definite failure of a message an earlier attempt of which may have been delivered: uncertain, slot kept. */
  | { kind: 'held'; reason: string }
  /** `resend`: back to the queue at nextAt; `hold`: uncertain, slot kept. Counted in unknownOutcomes. */
  | { kind: 'unknown'; policy: UnknownOutcomePolicy; nextAt: number; reason: string };

export interface ListFilter {
  states?: MessageState[];
  account?: string;
  limit?: number;
}

export interface LeaseRequest {
  /** Random per worker process: the identity. host and pid are for people reading it. */
  holder: string;
  host: string;
  pid: number;
  ttlMs: number;
  now: number;
}

export interface Lease {
  holder: string;
  host: string;
  pid: number;
  acquiredAt: number;
  expiresAt: number;
}

/** The drain lease was taken over by another worker (this one stalled past its expiry). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(
    readonly holder: string,
    readonly current: Lease | null,
  ) {
    super(
      `this worker's outbox lease was taken over${current ? ` by ${current.host} pid ${current.pid}` : ''} after it expired; ` +
        'its messages in flight are unknown outcomes for the new holder',
    );
  }
}

/** What went wrong with the storage itself (never with the message). */
export type StorageFailure = 'full' | 'read-only' | 'damaged' | 'busy' | 'io' | 'unavailable';

/**
 * The outbox could not read or write: disk or size limit full, read-only, damaged,
 * locked too long. Nothing the failed call was writing was stored. Every store throws
 * this for storage problems, so callers can tell them from a refused message.
 */
export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    readonly failure: StorageFailure,
    /** The database file or server. */
    readonly location: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why a file is not an outbox this version can use. */
export type IdentityProblem = 'empty' | 'not-sqlite' | 'foreign' | 'newer' | 'not-a-file';

/**
 * The file where an outbox was expected is not one (empty, not SQLite, another
 * application's database) or was written by a newer weibo-guard. Nothing was written
 * to it.
 */
export class OutboxIdentityError extends Error {
  override name = 'OutboxIdentityError';
  constructor(
    readonly problem: IdentityProblem,
    readonly location: string,
    message: string,
  ) {
    super(message);
  }
}
