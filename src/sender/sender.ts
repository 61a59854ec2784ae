import { z } from 'zod';
import type { ContextInput, WindowState } from '../context.js';
import type { Finding, Verdict } from '../findings.js';
import { verdictOf } from '../findings.js';
import type { WindowLimits } from '../checks/window.js';
import { parseMessage } from '../payload/parse.js';
import type { Dispatcher } from 'undici';
import { createDispatcher, encodeReply, postReply, type Decoded, type PostOptions, type Timeouts } from './api.js';
import { RetrySchema } from './backoff.js';
import { checkEndpoint, DEFAULT_ENDPOINT } from './endpoint.js';
import { WeiboApiError } from './errors.js';
import { systemTimers } from './lanes.js';
import { InboundEventSchema, UnknownOutcomeSchema, type InboundEvent, type InboundEventInput, type MessageState, type OutboxRecord } from './schemas.js';
import { Redactor, tokenSource, type TokenOptions } from './secrets.js';
import { openStore, type StoreSpec } from './open-store.js';
import type { AdmitCall, ListFilter, OutboxStore } from './store.js';
import { createWorker, type DrainOptions, type DrainReport, type SenderEvent } from './worker.js';

export { OutboxBusyError, type DrainOptions, type DrainReport, type SenderEvent } from './worker.js';

/** What the sender needs from the gate (`createGate`): one synchronous judgement. */
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

export type EnqueueResult =
  | { status: 'queued'; id: string; duplicate: boolean; verdict: Verdict; window: WindowState }
  | { status: 'blocked'; verdict: Verdict; window?: WindowState };

export interface EnqueueOptions {
  /** Idempotency key: re-enqueueing the same key (a restarted batch) stores nothing new. */
  key?: string;
  account?: string;
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
  const redactor = new Redactor();
  if (options.token) redactor.add(options.token);
  const store: OutboxStore = isStore(options.store) ? options.store : openStore(options.store ?? {});
  const poster = createPoster(options, endpoint, { connectTimeoutMs: s.connectTimeoutMs, timeoutMs: s.timeoutMs }, redactor);
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

  const worker = createWorker({ store, settings: s, timers: systemTimers(now), random, post: poster.post, scrub: (t) => redactor.redact(t), emit });

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
      worker.wake();
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

    drain: (o = {}) => worker.drain(o),

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
      poster.close();
    },
  };

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

/**
 * Posts one outbox record with its account's token. The token goes into the redactor
 * before the request leaves, so no answer can quote it; a failing token hook is an
 * auth failure of the account (nothing was sent).
 */
function createPoster(options: SenderOptions, endpoint: URL, timeouts: Timeouts, redactor: Redactor): { post: (rec: OutboxRecord) => Promise<Decoded>; close: () => void } {
  const getToken = tokenSource(options);
  // Made on the first request: commands that never post (outbox list, inbound) do not load undici.
  let dispatcher: Dispatcher | undefined;
  const transport = (): Pick<PostOptions, 'fetch' | 'dispatcher'> => (options.fetch ? { fetch: options.fetch } : { dispatcher: (dispatcher ??= createDispatcher(timeouts)) });
  return {
    async post(rec) {
      try {
        const token = await getToken(rec.account);
        redactor.add(token);
        return await postReply(endpoint, encodeReply(rec, token), { ...timeouts, scrub: (t) => redactor.redact(t), ...transport() });
      } catch (err) {
        return { ok: false, error: new WeiboApiError('auth', redactor.redact((err as Error).message)) };
      }
    },
    close: () => void dispatcher?.destroy(),
  };
}
