import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Decoded } from './api.js';
import { WeiboApiError } from './errors.js';
import { Alarm, Lanes, type Timers } from './lanes.js';
import type { OutboxRecord, UnknownOutcomePolicy } from './schemas.js';
import { requeueAt, settle, unknownPolicy, type MessageEvent, type SettleSettings } from './settle.js';
import { LeaseLostError, type LaneItem, type Lease, type OutboxStore, type SettleCall, type Settlement } from './store.js';

export type SenderEvent =
  /** sent, retry, failed, unknown, held: what happened to one message (settle.ts). */
  | MessageEvent
  /** Another worker holds the drain lease; waiting for it to expire (`waitForLease`). */
  | { type: 'waiting'; lease: Lease }
  | { type: 'recovered'; id: string; account: string; policy: UnknownOutcomePolicy }
  | { type: 'paused'; account: string; reason: string; until: number }
  | { type: 'stopped'; account: string; reason: string; queued: number };

export interface DrainOptions {
  signal?: AbortSignal;
  /** Wait out backoffs and rate-limit pauses (default) or return as soon as nothing is ready. */
  wait?: boolean;
  /**
   * Keep running when the outbox is empty (a service's worker) until `signal` aborts:
   * this sender's own enqueues wake it at once, other processes' within `pollMs`.
   */
  follow?: boolean;
  pollMs?: number;
  /**
   * When another worker holds the lease: wait until it expires (default: throw
   * OutboxBusyError). On a store many workers drain at once (sharedDrain), where no
   * lease is refused: do not end while other workers' messages are in flight; a
   * crashed worker's are recovered once its lease expires.
   */
  waitForLease?: boolean;
}

export interface DrainReport {
  sent: number;
  failed: number;
  /** Held for a person (`uncertain`): an attempt may have been delivered and no automatic resend is left. */
  held: number;
  /** Requests whose outcome was unknown (including ones interrupted by a crash); the only possible duplicates. */
  unknownOutcomes: number;
  /** Of those, followed by an automatic resend (at most unknownOutcome.maxResends per message). */
  resent: number;
  /** Of those, found in `sending` after a crash. */
  recovered: number;
  /** Transient failures retried. */
  retries: number;
  /** Still queued when the drain ended (stopped accounts, or `wait: false`). */
  queued: number;
  stopped: Array<{ account: string; reason: string }>;
  failures: Array<{ id: string; reason: string }>;
}

/** Another worker holds the drain lease; its messages stay queued for it. */
export class OutboxBusyError extends Error {
  override name = 'OutboxBusyError';
  constructor(readonly lease: Lease) {
    super(
      `another worker (pid ${lease.pid} on ${lease.host}) holds this outbox's drain lease since ${new Date(lease.acquiredAt).toISOString()}, ` +
        `renewed while it runs; it can be taken over once it expires (at ${new Date(lease.expiresAt).toISOString()} unless renewed)`,
    );
  }
}

export interface WorkerOptions {
  store: OutboxStore;
  settings: SettleSettings & { concurrency: number; lease: { ttlMs: number; renewMs: number } };
  /** The clock every time is read from, and the timer backoffs are waited out on. */
  timers: Timers;
  random: () => number;
  /** One request; every failure comes back as a typed error, never as a throw. */
  post: (rec: OutboxRecord) => Promise<Decoded>;
  /** Removes every secret this sender knows from a text about to be stored or reported. */
  scrub: (text: string) => string;
  emit: (event: SenderEvent) => void;
}

export interface Worker {
  drain(options: DrainOptions): Promise<DrainReport>;
  /** Something was enqueued here: a waiting drain looks at once instead of at its next poll. */
  wake(): void;
}

/** A request on its way: the lane head it is for and the attempt the store wrote before it left. */
interface InFlight {
  item: LaneItem;
  rec: OutboxRecord;
  attemptId: string;
}

/**
 * The drain: holds the outbox's lease (renewed by a heartbeat, fenced in every step),
 * recovers what a stopped worker left in `sending`, then steps: settle the finished
 * attempts (settle.ts), start the ready lane heads (lanes.ts), both in one store
 * transaction, and wait for an answer, a backoff's end or new work.
 */
export function createWorker(w: WorkerOptions): Worker {
  const { store, settings: s, timers, emit } = w;
  const now = () => timers.now();
  /** This process's identity in the lease; host and pid are only for people reading it. */
  const holder = randomUUID();
  /** Set while a drain runs, so a new enqueue here starts it without polling. */
  let alarm: Alarm | undefined;

  async function takeLease(o: DrainOptions): Promise<Lease> {
    for (;;) {
      const r = await store.acquireLease({ holder, host: hostname(), pid: process.pid, ttlMs: s.lease.ttlMs, now: now() });
      if (r.acquired) return r.lease;
      if (!o.waitForLease || o.signal?.aborted) throw new OutboxBusyError(r.current);
      emit({ type: 'waiting', lease: r.current });
      await sleep(Math.max(1, r.current.expiresAt - now() + 1), o.signal);
    }
  }

  async function drain(o: DrainOptions): Promise<DrainReport> {
    await takeLease(o);
    const lost = new AbortController();
    let lostError: LeaseLostError | undefined;
    const heartbeat = setInterval(() => {
      store.renewLease(holder, s.lease.ttlMs, now()).then(
        (lease) => {
          if (lease || lostError) return;
          lostError = new LeaseLostError(holder, null);
          lost.abort();
        },
        // Storage trouble: the next beat tries again; if the lease expires meanwhile and
        // another worker takes it, the fence in step() stops this one.
        () => undefined,
      );
    }, s.lease.renewMs);
    heartbeat.unref();
    try {
      const report = await run({ ...o, signal: o.signal ? AbortSignal.any([o.signal, lost.signal]) : lost.signal });
      if (lostError) throw lostError;
      return report;
    } finally {
      clearInterval(heartbeat);
      await store.releaseLease(holder).catch(() => undefined);
    }
  }

  async function run(o: DrainOptions): Promise<DrainReport> {
    const wait = o.wait ?? true;
    const report: DrainReport = { sent: 0, failed: 0, held: 0, unknownOutcomes: 0, resent: 0, recovered: 0, retries: 0, queued: 0, stopped: [], failures: [] };
    const recover = async () => {
      for (const r of await store.recoverInterrupted((r) => unknownPolicy(r, s), now(), holder)) {
        report.recovered++;
        report.unknownOutcomes++;
        const policy: UnknownOutcomePolicy = r.state === 'uncertain' ? 'hold' : 'resend';
        if (policy === 'hold') report.held++;
        else report.resent++;
        emit({ type: 'recovered', id: r.id, account: r.account, policy });
      }
    };
    await recover();
    const lanes = new Lanes(s.concurrency);
    /**
     * A store drained by many workers at once (sharedDrain): a receiver another worker
     * is serving is refused at begin and let go (lanes.yieldLane); once a second, the
     * sweep recovers what workers whose lease expired left in `sending` and takes up
     * the receivers this worker has no lane for. A sweep reads every queued message, so
     * once a second bounds its cost; a crashed worker's messages wait at most its lease
     * plus a second. `refused` counts refusals since the last sweep, so a worker left
     * with nothing of its own waits for the sweep instead of spinning.
     */
    const shared = store.sharedDrain === true;
    const sweepMs = 1000;
    let lastSweep = now();
    let refused = 0;
    const sweep = async () => {
      lastSweep = now();
      await recover();
      lanes.adopt(await store.queued(0));
    };
    const bell = new Alarm(timers);
    alarm = bell;
    /** Answers read and not yet settled. */
    const answered: Array<InFlight & { answer: Decoded }> = [];

    const load = async (full: boolean) => {
      if (full) lanes.reset();
      lanes.add(await store.queued(lanes.lastSeq));
    };

    /** Decides what a finished attempt means and reports it; the store records it in the next step. */
    const conclude = (rec: OutboxRecord, answer: Decoded): Settlement => {
      const d = settle(rec, scrubbed(answer, w.scrub), s, now(), w.random);
      tally(report, rec.id, d.settlement);
      if (d.pause && lanes.pause(rec.account, d.pause.until)) emit({ type: 'paused', account: rec.account, reason: d.pause.reason, until: d.pause.until });
      if (d.stop) lanes.stop(rec.account, d.stop.reason);
      if (d.event) emit(d.event);
      return d.settlement;
    };

    /** Until an answer arrives, the next backoff ends, or the drain is aborted. */
    const waitFor = (until: number): Promise<void> => (answered.length > 0 ? Promise.resolve() : bell.wait(until, o.signal));

    await load(true);
    let reloaded = true;
    for (;;) {
      // Let every answer that has arrived be read first, so one step settles them all.
      if (lanes.inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
      const aborted = o.signal?.aborted ?? false;
      if (!aborted) await (shared && now() - lastSweep >= sweepMs ? sweep() : load(false));
      // Outcomes of finished requests are decided here, committed below together with
      // the next claims: one transaction, one disk sync per step (group commit).
      const settles: SettleCall[] = answered.splice(0).map((a) => {
        const outcome = conclude(a.rec, a.answer);
        // Order per receiver: the lane's next message waits until this one is settled.
        lanes.release(a.item, requeueAt(outcome));
        return { id: a.rec.id, attemptId: a.attemptId, outcome };
      });
      const { ready, nextAt: nextReady } = aborted ? { ready: [], nextAt: Infinity } : lanes.take(now());
      if (settles.length > 0 || ready.length > 0) {
        reloaded = false;
        const starts = ready.map((item) => ({ item, id: item.id, attemptId: randomUUID() }));
        const { begun } = await store.step(settles, starts.map(({ id, attemptId }) => ({ id, attemptId })), now(), holder);
        starts.forEach(({ item, attemptId }, i) => {
          const rec = begun[i];
          if (!rec && shared) {
            refused++;
            return lanes.yieldLane(item);
          }
          if (!rec) return lanes.release(item, null); // dropped or taken meanwhile
          void w.post(rec).then((answer) => {
            answered.push({ item, rec, attemptId, answer });
            bell.ring();
          });
        });
        continue;
      }
      if (lanes.inFlight > 0) {
        await waitFor(nextReady);
        continue;
      }
      if (aborted) break;
      if (nextReady === Infinity) {
        if (shared && refused > 0) {
          // Every receiver left is another worker's right now: look again at the sweep.
          refused = 0;
          await waitFor(lastSweep + sweepMs);
          continue;
        }
        // Nothing ready or waiting here: look once more from scratch, for messages
        // requeued by another process (outbox retry) below the last seq seen.
        if (reloaded) {
          if (shared && o.waitForLease && !o.follow && (await store.counts()).sending > 0) {
            // Other workers' messages in flight: wait until they are settled, or until a
            // stopped worker's lease runs out and the sweep recovers them.
            await waitFor(lastSweep + sweepMs);
            if (o.signal?.aborted) break;
            continue;
          }
          if (!o.follow) break;
          await waitFor(now() + (o.pollMs ?? 1000));
          if (o.signal?.aborted) break;
        }
        await load(true);
        reloaded = true;
        continue;
      }
      if (!wait) break;
      await waitFor(nextReady);
      reloaded = false;
    }

    alarm = undefined;
    const left = await store.list({ states: ['queued'] });
    report.queued = left.length;
    for (const { account, reason } of lanes.stopped()) {
      const queued = left.filter((r) => r.account === account).length;
      report.stopped.push({ account, reason });
      emit({ type: 'stopped', account, reason, queued });
    }
    return report;
  }

  return { drain, wake: () => alarm?.ring() };
}

/** The reason may quote what a server echoed: every secret the sender knows is taken out first. */
function scrubbed(answer: Decoded, scrub: (text: string) => string): Decoded {
  return answer.ok ? answer : { ok: false, error: new WeiboApiError(answer.error.kind, scrub(answer.error.message), answer.error.details) };
}

/** A drain's counts, from each settlement as it is decided. */
function tally(report: DrainReport, id: string, outcome: Settlement): void {
  switch (outcome.kind) {
    case 'sent':
      report.sent++;
      return;
    case 'retry':
      if (outcome.counted) report.retries++;
      return;
    case 'failed':
      report.failed++;
      report.failures.push({ id, reason: outcome.reason });
      return;
    case 'held':
      report.held++;
      return;
    case 'unknown':
      report.unknownOutcomes++;
      if (outcome.policy === 'hold') report.held++;
      else report.resent++;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
