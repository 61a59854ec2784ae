import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { ContextInput, WindowState } from '../context.js';
import type { Finding, Verdict } from '../findings.js';
import { verdictOf } from '../findings.js';
import type { WindowLimits } from '../checks/window.js';
import { parseMessage } from '../payload/parse.js';
import { encodeReply, postReply, type Decoded } from './api.js';
import { backoffMs, RetrySchema } from './backoff.js';
import { checkEndpoint, DEFAULT_ENDPOINT } from './endpoint.js';
import { WeiboApiError } from './errors.js';
import {
  InboundEventSchema,
  UnknownOutcomeSchema,
  type InboundEvent,
  type InboundEventInput,
  type MessageState,
  type OutboxRecord,
  type UnknownOutcomePolicy,
} from './schemas.js';
import { Redactor, tokenSource, type TokenOptions } from './secrets.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { AdmitCall, AdmitResult, LaneItem, ListFilter, OutboxStore, Settlement, WorkerOwner } from './store.js';

/** What the sender needs from the gate (src/gate.ts): one synchronous judgement. */
export interface GateLike {
  check(message: unknown, context?: ContextInput): Verdict;
  policy: { limits: { window: WindowLimits } };
}

/** Plain settings, validated; injected dependencies are in SenderOptions below. */
export const SenderSettingsSchema = z
  .object({
    endpoint: z.string().default(DEFAULT_ENDPOINT),
    /** The business account this sender speaks for when a message names none. */
    account: z.string().min(1).default('default'),
    /** Receivers served at once; one message at a time per receiver keeps their order. */
    concurrency: z.number().int().positive().default(8),
    timeoutMs: z.number().int().positive().default(10_000),
    /** How far ahead of this clock an inbound event may be dated before it is refused. */
    eventSkewMs: z.number().int().nonnegative().default(300_000),
    retry: RetrySchema.default(RetrySchema.parse({})),
    unknownOutcome: UnknownOutcomeSchema.default(UnknownOutcomeSchema.parse({})),
  })
  .strict();
export type SenderSettings = z.input<typeof SenderSettingsSchema>;

export interface SenderOptions extends SenderSettings, TokenOptions {
  gate: GateLike;
  /** An outbox store, or options for the embedded SQLite one (default `.weibo-guard/outbox.db`). */
  store?: OutboxStore | SqliteStoreOptions;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
  /** Progress and alarms; an account stopped for auth is also written to stderr unless this is given. */
  onEvent?: (event: SenderEvent) => void;
}

export type SenderEvent =
  | { type: 'sent'; id: string; account: string; receiverId: string }
  | { type: 'retry'; id: string; account: string; reason: string; at: number }
  | { type: 'failed'; id: string; account: string; reason: string }
  | { type: 'unknown'; id: string; account: string; reason: string; policy: UnknownOutcomePolicy }
  | { type: 'recovered'; id: string; account: string; policy: UnknownOutcomePolicy }
  | { type: 'paused'; account: string; reason: string; until: number }
  | { type: 'stopped'; account: string; reason: string; queued: number };

export type EnqueueResult =
  | { status: 'queued'; id: string; duplicate: boolean; verdict: Verdict; window: WindowState }
  | { status: 'blocked'; verdict: Verdict; window?: WindowState };

export interface EnqueueOptions {
  /** Idempotency key: re-enqueueing the same key (a restarted batch) stores nothing new. */
  key?: string;
  account?: string;
}

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
}

export interface DrainReport {
  sent: number;
  failed: number;
  /** Held for a person: outcome unknown on a reply that must not be duplicated. */
  held: number;
  /** Requests whose outcome was unknown (including ones interrupted by a crash); the only possible duplicates. */
  unknownOutcomes: number;
  /** Of those, found in `sending` after a crash. */
  recovered: number;
  /** Transient failures retried. */
  retries: number;
  /** Still queued when the drain ended (stopped accounts, or `wait: false`). */
  queued: number;
  stopped: Array<{ account: string; reason: string }>;
  failures: Array<{ id: string; reason: string }>;
}

export interface Sender {
  enqueue(message: unknown, context?: ContextInput, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Judges without storing or sending: what `enqueue` would decide and what would be posted. */
  judge(message: unknown, context?: ContextInput, options?: EnqueueOptions): Promise<Judgement>;
  recordInbound(event: InboundEventInput): Promise<{ recorded: boolean }>;
  window(receiverId: string, account?: string): Promise<WindowState>;
  drain(options?: DrainOptions): Promise<DrainReport>;
  retry(id: string): Promise<{ status: 'queued' | 'blocked' | 'not-retryable'; record: OutboxRecord; verdict?: Verdict }>;
  drop(id: string, reason?: string): Promise<OutboxRecord>;
  list(filter?: ListFilter): Promise<OutboxRecord[]>;
  counts(): Promise<Record<MessageState, number>>;
  readonly store: OutboxStore;
  readonly limits: WindowLimits;
  close(): void;
}

export interface Judgement {
  verdict: Verdict;
  window?: WindowState;
  /** The form fields that would be posted (without the token). */
  request?: { type: string; data: string; receiver_id: string; save_sender_box: 0 | 1 };
}

/** Another live process is draining the same outbox; its messages stay queued for that worker. */
export class OutboxBusyError extends Error {
  override name = 'OutboxBusyError';
  constructor(readonly holder: WorkerOwner) {
    super(`another worker (pid ${holder.pid} on ${holder.host}) has been draining this outbox since ${new Date(holder.since).toISOString()}`);
  }
}

/** A bad argument to the sender (an inbound event, an option): names the field. */
export class SenderInputError extends Error {
  override name = 'SenderInputError';
  constructor(
    message: string,
    /** The field at fault, when one is. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Beyond ±8.64e15 ms a Date cannot say it: the number itself then. */
const isoOr = (t: number): string => (Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : `${t} ms`);

function ahead(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

export function createSender(options: SenderOptions): Sender {
  const settingsInput = Object.fromEntries(Object.entries(options).filter(([k]) => k in SenderSettingsSchema.shape));
  const parsed = SenderSettingsSchema.safeParse(settingsInput);
  if (!parsed.success) throw new SenderInputError(`sender options: ${issues(parsed.error)}`);
  const s = parsed.data;
  const endpoint = checkEndpoint(s.endpoint);
  const gate = options.gate;
  // One source for the figures: the gate's policy (rules/limits.yaml, project config).
  const limits: WindowLimits = gate.policy.limits.window;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const getToken = tokenSource(options);
  const redactor = new Redactor();
  if (options.token) redactor.add(options.token);
  const store: OutboxStore = isStore(options.store) ? options.store : createSqliteStore(options.store ?? {});
  const emit =
    options.onEvent ??
    ((e: SenderEvent) => {
      if (e.type === 'stopped') process.stderr.write(`weibo-guard sender: ACCOUNT ${e.account} STOPPED: ${e.reason}; ${e.queued} message(s) stay queued\n`);
    });

  // The payload is decoded by the same code the gate uses: receiver_id stays an exact string.
  const prepare = (message: unknown, options: EnqueueOptions) => ({ parsed: parseMessage(message), account: options.account ?? s.account });

  /** A message whose shape cannot be posted: the gate names why (payload findings). */
  const shapeVerdict = (message: unknown, context: ContextInput, findings: Finding[]): Verdict => {
    const verdict = gate.check(message, context);
    return verdict.allowed ? verdictOf([...verdict.findings, ...findings]) : verdict;
  };

  // Group commit: calls made in the same turn of the event loop (Promise.all over a
  // batch, concurrent requests to a service) share one transaction and one disk sync;
  // each still resolves only after its own write is durable.
  const admitGrouped = grouped((calls: AdmitCall[]) => store.admit(calls));
  const inboundGrouped = grouped((events: InboundEvent[]) => store.recordInbound(events, now()));

  /** Set while a drain waits, so a new enqueue here starts it without polling. */
  let wakeWorker: (() => void) | undefined;

  const policyFor = (r: OutboxRecord): UnknownOutcomePolicy => (r.mention ? s.unknownOutcome.mention : s.unknownOutcome.default);

  const sender: Sender = {
    store,
    limits,

    async enqueue(message, context = {}, o = {}) {
      const { parsed, account } = prepare(message, o);
      const m = parsed.payload;
      if (!m) return { status: 'blocked', verdict: shapeVerdict(message, context, parsed.findings) };
      let thrown: { error: unknown } | undefined;
      const result = await admitGrouped({
        request: { key: o.key ?? null, account, receiverId: m.receiver_id, type: m.type, data: JSON.stringify(m.data), saveSenderBox: m.save_sender_box, now: now(), limits },
        decide: (window) => {
          try {
            return gate.check(message, { ...context, window });
          } catch (error) {
            // A bad context (ContextError) is this caller's error, not the batch's.
            thrown = { error };
            return { allowed: false, findings: [] };
          }
        },
      });
      if (thrown) throw thrown.error;
      if (result.status === 'blocked') return result;
      wakeWorker?.();
      return { status: 'queued', id: result.record.id, duplicate: result.duplicate, verdict: result.verdict, window: result.window };
    },

    async judge(message, context = {}, o = {}) {
      const { parsed, account } = prepare(message, o);
      const m = parsed.payload;
      if (!m) return { verdict: shapeVerdict(message, context, parsed.findings) };
      const window = await store.window(account, m.receiver_id, now(), limits);
      return {
        verdict: gate.check(message, { ...context, window }),
        window,
        request: { type: m.type, data: JSON.stringify(m.data), receiver_id: m.receiver_id, save_sender_box: m.save_sender_box },
      };
    },

    async recordInbound(event) {
      const e = InboundEventSchema.safeParse({ ...event, account: event.account ?? s.account });
      if (!e.success) throw new SenderInputError(`inbound event: ${issues(e.error)}`);
      const t = now();
      if (e.data.at > t + s.eventSkewMs) {
        throw new SenderInputError(
          `inbound event: at: ${isoOr(e.data.at)} is ${ahead(e.data.at - t)} ahead of this clock (${new Date(t).toISOString()}), ` +
            `more than the allowed skew of ${ahead(s.eventSkewMs)} (eventSkewMs): a wrong clock, or a time not in epoch milliseconds`,
          'at',
        );
      }
      return { recorded: await inboundGrouped(e.data) };
    },

    window: (receiverId, account = s.account) => store.window(account, receiverId, now(), limits),

    drain: (o = {}) => drain(o),

    async retry(id) {
      const rec = await store.get(id);
      if (!rec) throw new SenderInputError(`outbox has no message ${id}`);
      // Re-judged as the gate sees it now: the policy or the window may have changed.
      const message = { type: rec.type, data: JSON.parse(rec.data) as unknown, receiver_id: rec.receiverId, save_sender_box: rec.saveSenderBox };
      return store.retry(id, now(), limits, (window) => gate.check(message, { window }));
    },
    drop: (id, reason = 'dropped by operator') => store.drop(id, now(), reason),
    list: (filter) => store.list(filter),
    counts: () => store.counts(),
    close: () => store.close(),
  };


  async function drain(o: DrainOptions): Promise<DrainReport> {
    const owner: WorkerOwner = { pid: process.pid, host: hostname(), since: now() };
    const holder = await store.acquireWorker(owner);
    if (holder) throw new OutboxBusyError(holder);
    try {
      return await run(o);
    } finally {
      await store.releaseWorker(owner);
    }
  }

  async function run(o: DrainOptions): Promise<DrainReport> {
    const wait = o.wait ?? true;
    const report: DrainReport = { sent: 0, failed: 0, held: 0, unknownOutcomes: 0, recovered: 0, retries: 0, queued: 0, stopped: [], failures: [] };
    for (const r of await store.recoverInterrupted(policyFor, now())) {
      report.recovered++;
      report.unknownOutcomes++;
      if (r.state === 'uncertain') report.held++;
      emit({ type: 'recovered', id: r.id, account: r.account, policy: policyFor(r) });
    }
    const lanes = new Map<string, LaneItem[]>();
    const pausedUntil = new Map<string, number>();
    const stopped = new Map<string, string>();
    const busy = new Set<string>();
    const done: Array<{ key: string; lane: LaneItem[]; rec: OutboxRecord; attemptId: string; answer: Decoded }> = [];
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    wakeWorker = notify;
    let lastSeq = 0;

    const load = async (full: boolean) => {
      if (full) {
        lanes.clear();
        lastSeq = 0;
      }
      for (const item of await store.queued(lastSeq)) {
        lastSeq = Math.max(lastSeq, item.seq);
        const key = `${item.account}\u0000${item.receiverId}`;
        const lane = lanes.get(key);
        if (lane) lane.push(item);
        else lanes.set(key, [item]);
      }
    };

    const request = async (rec: OutboxRecord): Promise<Decoded> => {
      try {
        const token = await getToken(rec.account);
        redactor.add(token);
        return await postReply(endpoint, encodeReply(rec, token), { timeoutMs: s.timeoutMs, scrub: (t) => redactor.redact(t), ...(options.fetch ? { fetch: options.fetch } : {}) });
      } catch (err) {
        // The token hook failed: nothing was sent.
        return { ok: false, error: new WeiboApiError('auth', redactor.redact((err as Error).message)) };
      }
    };

    const settle = (rec: OutboxRecord, answer: Decoded): Settlement => {
      const t = now();
      if (answer.ok) {
        report.sent++;
        emit({ type: 'sent', id: rec.id, account: rec.account, receiverId: rec.receiverId });
        const r = answer.reply;
        return { kind: 'sent', detail: `sender_id=${r.sender_id ?? '?'} receiver_id=${r.receiver_id ?? '?'}` };
      }
      const e = answer.error;
      const reason = redactor.redact(e.message);
      switch (e.kind) {
        case 'transient': {
          if (rec.attempts + 1 >= s.retry.maxAttempts) return fail(rec, `gave up after ${rec.attempts + 1} attempts: ${reason}`);
          const at = t + backoffMs(rec.attempts, s.retry, random);
          report.retries++;
          emit({ type: 'retry', id: rec.id, account: rec.account, reason, at });
          return { kind: 'retry', nextAt: at, reason, counted: true };
        }
        case 'rate-limit': {
          const until = t + (e.details.retryAfterMs ?? s.retry.rateLimitPauseMs);
          if ((pausedUntil.get(rec.account) ?? 0) < until) {
            pausedUntil.set(rec.account, until);
            emit({ type: 'paused', account: rec.account, reason, until });
          }
          return { kind: 'retry', nextAt: until, reason: `rate limited: ${reason}`, counted: false };
        }
        case 'auth':
        case 'config': {
          if (!stopped.has(rec.account)) stopped.set(rec.account, reason);
          return { kind: 'retry', nextAt: t, reason: `account stopped: ${reason}`, counted: false };
        }
        case 'permanent':
          return fail(rec, reason);
        case 'unknown': {
          const policy = policyFor(rec);
          report.unknownOutcomes++;
          if (policy === 'hold') report.held++;
          else if (rec.attempts + 1 >= s.retry.maxAttempts) return fail(rec, `gave up after ${rec.attempts + 1} attempts: ${reason}`);
          emit({ type: 'unknown', id: rec.id, account: rec.account, reason, policy });
          return { kind: 'unknown', policy, nextAt: t + backoffMs(rec.attempts, s.retry, random), reason };
        }
      }
    };

    const fail = (rec: OutboxRecord, reason: string): Settlement => {
      report.failed++;
      report.failures.push({ id: rec.id, reason });
      emit({ type: 'failed', id: rec.id, account: rec.account, reason });
      return { kind: 'failed', reason };
    };

    const advance = (key: string, lane: LaneItem[], stays: { nextAt: number } | null) => {
      if (stays) lane[0]!.nextAt = stays.nextAt;
      else lane.shift();
      lanes.delete(key);
      // Round robin: a served receiver goes to the back, so no receiver waits for
      // another's whole backlog.
      if (lane.length > 0) lanes.set(key, lane);
    };

    await load(true);
    let reloaded = true;
    for (;;) {
      // Let every answer that has arrived be read first, so one step settles them all.
      if (busy.size > 0) await new Promise((resolve) => setImmediate(resolve));
      const aborted = o.signal?.aborted ?? false;
      if (!aborted) await load(false);
      // Outcomes of finished requests are decided here, committed below together with
      // the next claims: one transaction, one disk sync per step (group commit).
      const finished = done.splice(0);
      const settles = finished.map((c) => ({ id: c.rec.id, attemptId: c.attemptId, outcome: settle(c.rec, c.answer) }));
      finished.forEach((c, i) => {
        const outcome = settles[i]!.outcome;
        busy.delete(c.key);
        // Order per receiver: the lane's next message waits until this one is settled.
        const stays = outcome.kind === 'retry' || (outcome.kind === 'unknown' && outcome.policy === 'resend');
        advance(c.key, c.lane, stays ? outcome : null);
      });
      const t = now();
      let nextReady = Infinity;
      const starts: Array<{ key: string; lane: LaneItem[]; id: string; attemptId: string }> = [];
      if (!aborted) {
        for (const [key, lane] of lanes) {
          if (busy.size + starts.length >= s.concurrency) break;
          const head = lane[0];
          if (!head || busy.has(key) || stopped.has(head.account)) continue;
          const readyAt = Math.max(head.nextAt, pausedUntil.get(head.account) ?? 0);
          if (readyAt > t) nextReady = Math.min(nextReady, readyAt);
          else starts.push({ key, lane, id: head.id, attemptId: randomUUID() });
        }
      }
      if (settles.length > 0 || starts.length > 0) {
        reloaded = false;
        const { begun } = await store.step(settles, starts, now());
        starts.forEach((st, i) => {
          const rec = begun[i];
          if (!rec) return advance(st.key, st.lane, null); // dropped or taken meanwhile
          busy.add(st.key);
          void request(rec).then((answer) => {
            done.push({ key: st.key, lane: st.lane, rec, attemptId: st.attemptId, answer });
            notify();
          });
        });
        continue;
      }
      if (busy.size > 0) {
        await waitFor(nextReady);
        continue;
      }
      if (aborted) break;
      if (nextReady === Infinity) {
        // Nothing ready or waiting here: look once more from scratch, for messages
        // requeued by another process (outbox retry) below the last seq seen.
        if (reloaded) {
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

    /** Until a request finishes, the next backoff ends, or the drain is aborted. */
    function waitFor(until: number): Promise<void> {
      return new Promise((resolve) => {
        if (done.length > 0) return resolve();
        const timer = until === Infinity ? undefined : setTimeout(finish, Math.max(1, until - now()));
        const onAbort = () => finish();
        o.signal?.addEventListener('abort', onAbort, { once: true });
        function finish() {
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          if (wake === finish) wake = null;
          resolve();
        }
        wake = finish;
      });
    }

    wakeWorker = undefined;
    const left = await store.list({ states: ['queued'] });
    report.queued = left.length;
    for (const [account, reason] of stopped) {
      const queued = left.filter((r) => r.account === account).length;
      report.stopped.push({ account, reason });
      emit({ type: 'stopped', account, reason, queued });
    }
    return report;
  }

  return sender;
}

/** Batches calls made in one event-loop turn into one `run` (one transaction). */
function grouped<C, R>(run: (calls: C[]) => Promise<R[]>): (call: C) => Promise<R> {
  let pending: Array<{ call: C; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    run(batch.map((b) => b.call)).then(
      (results) => results.forEach((r, i) => batch[i]!.resolve(r)),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
  };
  return (call) =>
    new Promise<R>((resolve, reject) => {
      if (pending.push({ call, resolve, reject }) === 1) setImmediate(flush);
    });
}

function isStore(x: unknown): x is OutboxStore {
  return typeof x === 'object' && x !== null && typeof (x as OutboxStore).admit === 'function';
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
