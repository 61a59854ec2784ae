import type { LaneItem } from './store.js';

/** The clock and timer the worker waits on; tests give a fake one. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's timers on the given clock. */
export function systemTimers(now: () => number = Date.now): Timers {
  return { now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
}

/**
 * The worker's schedule: one lane per receiver (account and receiver id) holding its
 * queued messages in seq order. Only a lane's head is ever sent, and only one head per
 * lane at a time, so a receiver gets its replies in order; at most `concurrency` are in
 * flight; lanes are served round robin, so no receiver waits for another's whole
 * backlog. An account can be paused (rate limited) until a time, or stopped for the
 * rest of the drain (auth or config refused), its messages kept. Time is passed in:
 * this holds no clock.
 */
export class Lanes {
  /** In serving order: a lane goes to the back each time its head is settled. */
  readonly #lanes = new Map<string, LaneItem[]>();
  /** Lanes whose head is in flight. */
  readonly #busy = new Set<string>();
  readonly #pausedUntil = new Map<string, number>();
  readonly #stopped = new Map<string, string>();
  #lastSeq = 0;

  constructor(readonly concurrency: number) {}

  /** The highest seq added since the last reset: the store is asked only for messages after it. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  get inFlight(): number {
    return this.#busy.size;
  }

  /** Queued messages, in seq order, each to the back of its receiver's lane. */
  add(items: Iterable<LaneItem>): void {
    for (const item of items) {
      this.#lastSeq = Math.max(this.#lastSeq, item.seq);
      const key = laneKey(item);
      const lane = this.#lanes.get(key);
      if (lane) lane.push(item);
      else this.#lanes.set(key, [item]);
    }
  }

  /** Forgets every lane before a reload from scratch; pauses and stops stay. */
  reset(): void {
    if (this.#busy.size > 0) throw new Error('lanes: reset while messages are in flight');
    this.#lanes.clear();
    this.#lastSeq = 0;
  }

  /**
   * The heads ready at `now` (not in flight, account neither stopped nor paused, their
   * own `nextAt` passed), in serving order and up to the concurrency left; each is
   * marked in flight until `release`. `nextAt` is the earliest time a head seen
   * waiting becomes ready (Infinity when none).
   */
  take(now: number): { ready: LaneItem[]; nextAt: number } {
    const ready: LaneItem[] = [];
    let nextAt = Infinity;
    for (const [key, lane] of this.#lanes) {
      if (this.#busy.size >= this.concurrency) break;
      const head = lane[0];
      if (!head || this.#busy.has(key) || this.#stopped.has(head.account)) continue;
      const readyAt = Math.max(head.nextAt, this.#pausedUntil.get(head.account) ?? 0);
      if (readyAt > now) nextAt = Math.min(nextAt, readyAt);
      else {
        ready.push(head);
        this.#busy.add(key);
      }
    }
    return { ready, nextAt };
  }

  /**
   * A head taken by `take` is settled: it stays at the head until `nextAt` (to be sent
   * again), or leaves its lane (null: sent, failed, held, or no longer queued). Either
   * way its lane goes to the back.
   */
  release(item: LaneItem, nextAt: number | null): void {
    const key = laneKey(item);
    if (!this.#busy.delete(key)) throw new Error(`lanes: message ${item.id} released but not in flight`);
    const lane = this.#lanes.get(key);
    if (!lane) return;
    if (nextAt !== null) lane[0]!.nextAt = nextAt;
    else lane.shift();
    this.#lanes.delete(key);
    if (lane.length > 0) this.#lanes.set(key, lane);
  }

  /**
   * Shared drain: queued messages read from the start. Those after lastSeq are added as
   * `add` does; earlier ones only to receivers this worker has no lane for (another
   * worker's a moment ago, or a crashed one's), whose lanes are built whole.
   */
  adopt(items: Iterable<LaneItem>): void {
    const adopted = new Set<string>();
    for (const item of items) {
      const key = laneKey(item);
      if (item.seq <= this.#lastSeq && !adopted.has(key)) {
        if (this.#lanes.has(key) || this.#busy.has(key)) continue;
        adopted.add(key);
      }
      this.add([item]);
    }
  }

  /**
   * Shared drain: a head taken by `take` that the store refused (another worker has its
   * receiver, or it is no longer queued): the whole lane is let go; `adopt` may take it
   * up again later.
   */
  yieldLane(item: LaneItem): void {
    const key = laneKey(item);
    if (!this.#busy.delete(key)) throw new Error(`lanes: message ${item.id} yielded but not in flight`);
    this.#lanes.delete(key);
  }

  /** No message of `account` starts before `until`; true when this extends its pause. */
  pause(account: string, until: number): boolean {
    if ((this.#pausedUntil.get(account) ?? 0) >= until) return false;
    this.#pausedUntil.set(account, until);
    return true;
  }

  /** No message of `account` starts again in this drain; the first reason stands. */
  stop(account: string, reason: string): void {
    if (!this.#stopped.has(account)) this.#stopped.set(account, reason);
  }

  /** Stopped accounts and why, in the order they stopped. */
  stopped(): Array<{ account: string; reason: string }> {
    return [...this.#stopped].map(([account, reason]) => ({ account, reason }));
  }
}

const laneKey = (item: Pick<LaneItem, 'account' | 'receiverId'>): string => `${item.account}\u0000${item.receiverId}`;

/**
 * What the worker sleeps on between steps: wakes at a time on the given timers, when
 * rung (a request finished, a message was enqueued here), or when the signal aborts.
 * A ring while nobody waits is not kept: the worker looks for work before it waits.
 */
export class Alarm {
  #ring: (() => void) | null = null;

  constructor(private readonly timers: Timers) {}

  wait(until: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const t = this.timers;
      const finish = (): void => {
        if (timer !== undefined) t.clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        if (this.#ring === finish) this.#ring = null;
        resolve();
      };
      const timer = until === Infinity ? undefined : t.setTimeout(finish, Math.max(1, until - t.now()));
      signal?.addEventListener('abort', finish, { once: true });
      this.#ring = finish;
    });
  }

  ring(): void {
    const r = this.#ring;
    this.#ring = null;
    r?.();
  }
}
