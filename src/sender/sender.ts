import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { ContextInput, WindowState } from '../context.js';
import type { Finding, Verdict } from '../findings.js';
import { verdictOf } from '../findings.js';
import type { WindowLimits } from '../checks/window.js';
import { parseMessage } from '../payload/parse.js';
import type { Dispatcher } from 'undici';
import { createDispatcher, encodeReply, postReply, type Decoded } from './api.js';
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
import { openStore, type StoreSpec } from './open-store.js';
import { LeaseLostError, type AdmitCall, type AdmitResult, type LaneItem, type Lease, type ListFilter, type OutboxStore, type Settlement } from './store.js';

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
    /** Response timeout: from the request written to the answer read. Past it the outcome is unknown. */
    timeoutMs: z.number().int().positive().default(10_000),
    /** Connect (TCP + TLS) timeout: nothing was sent, so it is retried like any transient failure. */
    connectTimeoutMs: z.number().int().positive().default(5_000),
    /** The drain lease: held while draining, renewed every renewMs; another worker takes over only once it expired. */
    lease: z
      .object({ ttlMs: z.number().int().positive().default(30_000), renewMs: z.number().int().positive().optional() })
      .strict()
      .refine((l) => l.renewMs === undefined || l.renewMs < l.ttlMs, { message: 'renewMs must be shorter than ttlMs', path: ['renewMs'] })
      // Three beats per lease: one late or failed renewal does not lose it.
      .transform((l) => ({ ttlMs: l.ttlMs, renewMs: l.renewMs ?? Math.max(1, Math.floor(l.ttlMs / 3)) }))
      .default({ ttlMs: 30_000, renewMs: 10_000 }),
    /** How far ahead of this clock an inbound event may be dated before it is refused. */
    eventSkewMs: z.number().int().nonnegative().default(300_000),
    retry: RetrySchema.default(RetrySchema.parse({})),
    unknownOutcome: UnknownOutcomeSchema.default(UnknownOutcomeSchema.parse({})),
  })
  .strict();
export type SenderSettings = z.input<typeof SenderSettingsSchema>;

export interface SenderOptions extends SenderSettings, TokenOptions {
  gate: GateLike;
  /**
   * An outbox store, or where it is: a SQLite file (default `.weibo-guard/outbox.db`)
   * or a `postgres://` URL (as `url`, `path` or the string itself).
   */
  store?: OutboxStore | StoreSpec | string;
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
  /** A definite failure of a message an earlier attempt of which may have been delivered. */
  | { type: 'held'; id: string; account: string; reason: string }
  /** Another worker holds the drain lease; waiting for it to expire (`waitForLease`). */
  | { type: 'waiting'; lease: Lease }
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
  /** When another worker holds the lease: wait until it expires (default: throw OutboxBusyError). */
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
  const store: OutboxStore = isStore(options.store) ? options.store : openStore(options.store ?? {});
  const timeouts = { connectTimeoutMs: s.connectTimeoutMs, timeoutMs: s.timeoutMs };
  // Made on the first request: commands that never post (outbox list, inbound) do not load undici.
  let dispatcher: Dispatcher | undefined;
  const dispatcherFor = (): Dispatcher | undefined => (options.fetch ? undefined : (dispatcher ??= createDispatcher(timeouts)));
  /** This process's identity in the lease; host and pid are only for people reading it. */
  const holder = randomUUID();
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

  const policyOf = (r: OutboxRecord): UnknownOutcomePolicy => (r.mention ? s.unknownOutcome.mention : s.unknownOutcome.default);
  /**
   * After an unknown outcome of `r` (counted as it was before it): resend only while the
   * policy allows, automatic resends are left and no person has stepped in — after an
   * `outbox retry` each further doubt goes back to a person.
   */
  const decideUnknown = (r: OutboxRecord): UnknownOutcomePolicy =>
    policyOf(r) === 'resend' && r.operatorRetries === 0 && r.unknownOutcomes < s.unknownOutcome.maxResends && r.attempts + 1 < s.retry.maxAttempts ? 'resend' : 'hold';
  const heldWhy = (r: OutboxRecord): string => {
    if (policyOf(r) === 'hold') return `held for a person (policy hold${r.mention ? ': a reply to a mention' : ''})`;
    if (r.operatorRetries > 0) return 'held for a person (it was sent again by an operator)';
    if (r.unknownOutcomes >= s.unknownOutcome.maxResends) return `held for a person after ${r.unknownOutcomes} resend(s) (unknownOutcome.maxResends ${s.unknownOutcome.maxResends})`;
    return `held for a person after ${r.attempts + 1} attempts`;
  };

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
    close: () => {
      store.close();
      void dispatcher?.destroy();
    },
  };


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

  async function takeLease(o: DrainOptions): Promise<Lease> {
    for (;;) {
      const r = await store.acquireLease({ holder, host: hostname(), pid: process.pid, ttlMs: s.lease.ttlMs, now: now() });
      if (r.acquired) return r.lease;
      if (!o.waitForLease || o.signal?.aborted) throw new OutboxBusyError(r.current);
      emit({ type: 'waiting', lease: r.current });
      await sleep(Math.max(1, r.current.expiresAt - now() + 1), o.signal);
    }
  }

  async function run(o: DrainOptions): Promise<DrainReport> {
    const wait = o.wait ?? true;
    const report: DrainReport = { sent: 0, failed: 0, held: 0, unknownOutcomes: 0, resent: 0, recovered: 0, retries: 0, queued: 0, stopped: [], failures: [] };
    const recover = async () => {
      for (const r of await store.recoverInterrupted(decideUnknown, now(), holder)) {
        report.recovered++;
        report.unknownOutcomes++;
        const policy: UnknownOutcomePolicy = r.state === 'uncertain' ? 'hold' : 'resend';
        if (policy === 'hold') report.held++;
        else report.resent++;
        emit({ type: 'recovered', id: r.id, account: r.account, policy });
      }
    };
    await recover();
    /**
     * A store drained by many workers at once (sharedDrain): a receiver another worker
     * is serving is refused at begin and left out of this worker's lanes; every
     * `sweepMs` this worker recovers the messages of workers whose lease expired and
     * takes up the receivers it has no lane for. `refused` counts refusals since the
     * last look, so a worker with nothing of its own pauses instead of spinning.
     */
    const shared = store.sharedDrain === true;
    // A sweep reads every queued message: once a second bounds that cost, and a
    // crashed worker's messages wait at most its lease plus a second.
    const sweepMs = 1000;
    let lastSweep = now();
    let refused = 0;
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
      for (const item of await store.queued(lastSeq)) add(item);
    };
    const add = (item: LaneItem) => {
      lastSeq = Math.max(lastSeq, item.seq);
      const key = `${item.account}\u0000${item.receiverId}`;
      const lane = lanes.get(key);
      if (lane) lane.push(item);
      else lanes.set(key, [item]);
    };
    /** Shared drain: new messages, and every queued receiver this worker has no lane for. */
    const sweep = async () => {
      lastSweep = now();
      await recover();
      const taken = new Set<string>();
      for (const item of await store.queued(0)) {
        const key = `${item.account}\u0000${item.receiverId}`;
        if (item.seq <= lastSeq && !taken.has(key)) {
          if (lanes.has(key) || busy.has(key)) continue;
          taken.add(key);
        }
        add(item);
      }
    };

    const request = async (rec: OutboxRecord): Promise<Decoded> => {
      try {
        const token = await getToken(rec.account);
        redactor.add(token);
        return await postReply(endpoint, encodeReply(rec, token), { ...timeouts, scrub: (t) => redactor.redact(t), ...(options.fetch ? { fetch: options.fetch } : { dispatcher: dispatcherFor() }) });
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
          if (rec.attempts + 1 >= s.retry.maxAttempts) return giveUp(rec, `gave up after ${rec.attempts + 1} attempts: ${reason}`);
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
          return giveUp(rec, reason);
        case 'unknown': {
          const policy = decideUnknown(rec);
          report.unknownOutcomes++;
          if (policy === 'hold') report.held++;
          else report.resent++;
          emit({ type: 'unknown', id: rec.id, account: rec.account, reason, policy });
          return { kind: 'unknown', policy, nextAt: t + backoffMs(rec.attempts, s.retry, random), reason: policy === 'hold' ? `${reason}; ${heldWhy(rec)}` : reason };
        }
      }
    };

    /** The end of a message that cannot be sent: failed, unless an earlier attempt may have been delivered. */
    const giveUp = (rec: OutboxRecord, reason: string): Settlement => {
      if (rec.unknownOutcomes > 0) {
        const why = `${reason}; an earlier attempt may have been delivered: held for a person`;
        report.held++;
        emit({ type: 'held', id: rec.id, account: rec.account, reason: why });
        return { kind: 'held', reason: why };
      }
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
      if (!aborted) await (shared && now() - lastSweep >= sweepMs ? sweep() : load(false));
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
        const { begun } = await store.step(settles, starts, now(), holder);
        starts.forEach((st, i) => {
          const rec = begun[i];
          if (!rec && shared) {
            // Another worker has this receiver (or the message was dropped): the next sweep looks again.
            refused++;
            lanes.delete(st.key);
            return;
          }
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
        if (shared && refused > 0) {
          // Every receiver left is another worker's right now: look again at the next sweep.
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

function isStore(x: unknown): x is OutboxStore {
  return typeof x === 'object' && x !== null && typeof (x as OutboxStore).admit === 'function';
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
