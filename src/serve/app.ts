import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type Logger } from 'pino';
import type { ContextInput } from '../context.js';
import { ContextError, type Gate } from '../gate.js';
import { parseJsonExact } from '../payload/json.js';
import { parseMessage } from '../payload/parse.js';
import { Redactor } from '../sender/secrets.js';
import type { Sender, SenderEvent } from '../sender/sender.js';
import { StorageError } from '../sender/store.js';
import { ServeConfigError } from './errors.js';
import { checkExposure } from './exposure.js';
import { createPushHandler, type Bot, type PushResponse } from './handler.js';
import { ServeMetrics } from './metrics.js';

export interface ServiceOptions {
  gate: Gate;
  /** The sender, or a factory given the service's event sink (so send outcomes are counted and logged). */
  sender: Sender | ((onEvent: (e: SenderEvent) => void) => Sender);
  /** Default 127.0.0.1. Any other address needs `apiToken`. */
  host?: string;
  /** Default 8080; 0 takes any free port. */
  port?: number;
  /** Signs Weibo's requests to /weibo/push; without it every push is refused (403). */
  appSecret?: string;
  /** Bearer token of /v1/*; required unless the host is loopback. */
  apiToken?: string;
  bot?: Bot;
  /** A pino logger of the application's own; by default JSON lines on stderr, every known secret scrubbed. */
  logger?: Logger;
  logLevel?: string;
  /** More strings never to log (the access token). */
  secrets?: string[];
  /** Receivers served at once by the worker is the sender's `concurrency`. */
  pushMaxSkewMs?: number;
  passiveWithinMs?: number;
  answerWithinMs?: number;
  /** A stop finishes in-flight requests and sends within this long (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Largest /v1/check batch (default 1000 messages). */
  maxBatch?: number;
  now?: () => number;
}

export interface Readiness {
  ready: boolean;
  policy: { ok: boolean; rules?: number };
  store: { ok: boolean; error?: string };
  worker: { ok: boolean; state: WorkerState; error?: string };
}

export type WorkerState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface Service {
  /** `http://HOST:PORT` */
  url: string;
  readonly metrics: ServeMetrics;
  readonly log: Logger;
  readiness(): Promise<Readiness>;
  /** Stops accepting, finishes in-flight requests, bot replies and sends, closes the outbox. `clean` is false when the bound ran out first. */
  close(): Promise<{ clean: boolean }>;
}

/** Body limits: nothing a client sends is read unbounded. */
export const BODY_LIMITS = { push: 64 * 1024, check: 4 * 1024 * 1024, messages: 256 * 1024 } as const;

const JSON_TYPE = 'application/json; charset=utf-8';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The digest makes both sides one length, so the comparison is constant-time whatever the length of a guess. */
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * `weibo-guard serve` as a library: the push URL, the HTTP API, the worker, health and
 * metrics in one Fastify server. Resolves once it listens.
 */
export async function startService(o: ServiceOptions): Promise<Service> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? 8080;
  checkExposure(host, o.apiToken);
  const now = o.now ?? Date.now;
  const redactor = new Redactor();
  for (const s of [o.appSecret, o.apiToken, ...(o.secrets ?? [])]) if (s) redactor.add(s);
  const log =
    o.logger ??
    pino(
      {
        level: o.logLevel ?? 'info',
        base: { service: 'weibo-guard' },
        redact: { paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'appSecret', 'apiToken', 'token', 'access_token'], censor: '[redacted]' },
      },
      // Every line is scrubbed of every secret, in every spelling the Redactor knows.
      { write: (line: string) => void process.stderr.write(redactor.redact(line)) },
    );

  let workerState: WorkerState = 'starting';
  let workerError: string | undefined;
  let sender!: Sender;
  const metrics = new ServeMetrics({
    counts: () => sender.counts(),
    oldestQueuedAt: async () => (await sender.list({ states: ['queued'], limit: 1 }))[0]?.createdAt ?? null,
    now,
  });
  const onEvent = (e: SenderEvent): void => {
    metrics.senderEvent(e);
    if (e.type === 'sent') log.info({ id: e.id, account: e.account, receiverId: e.receiverId }, 'sent');
    else if (e.type === 'waiting') log.info({ holder: { host: e.lease.host, pid: e.lease.pid }, expiresAt: e.lease.expiresAt }, 'another worker holds the outbox lease: waiting');
    else if (e.type === 'stopped' || e.type === 'failed' || e.type === 'held') log.error(e, `message ${e.type}`);
    else log.warn(e, `message ${e.type}`);
  };
  sender = typeof o.sender === 'function' ? o.sender(onEvent) : o.sender;
  const gate = o.gate;
  const maxBatch = o.maxBatch ?? 1000;

  const push = createPushHandler({
    sender,
    appSecret: o.appSecret,
    ...(o.bot ? { bot: o.bot } : {}),
    log,
    metrics,
    now,
    ...(o.pushMaxSkewMs !== undefined ? { maxSkewMs: o.pushMaxSkewMs } : {}),
    ...(o.passiveWithinMs !== undefined ? { passiveWithinMs: o.passiveWithinMs } : {}),
    ...(o.answerWithinMs !== undefined ? { answerWithinMs: o.answerWithinMs } : {}),
  });

  const app = Fastify({
    loggerInstance: log,
    // One access line per request is written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMITS.check,
    // Our ids are short; a huge path parameter is refused, not matched.
    routerOptions: { maxParamLength: 200 },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    genReqId: () => randomUUID(),
  });
  // Every body is read as text and parsed here: JSON ids keep their int64 digits
  // (parseJsonExact), and a push is accepted whatever Content-Type Weibo labels it with.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.latency.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (route !== '/metrics' && route !== '/healthz' && route !== '/readyz') {
      log.info({ reqId: req.id, method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
    done();
  });

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).type(JSON_TYPE).send({ error: err.message, ...err.extra });
    if (err instanceof StorageError) {
      log.error({ reqId: req.id, failure: err.failure, error: err.message }, 'storage failure');
      return reply.code(503).type(JSON_TYPE).send({ error: `outbox storage failure (${err.failure}): nothing was stored; try again` });
    }
    const status = (err as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const message = (err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `request body over the limit of ${req.routeOptions.bodyLimit ?? BODY_LIMITS.check} bytes` : err.message;
      return reply.code(status).type(JSON_TYPE).send({ error: message });
    }
    log.error({ reqId: req.id, error: err.message }, 'internal error');
    return reply.code(500).type(JSON_TYPE).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).type(JSON_TYPE).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));

  const apiKey = o.apiToken ? digest(o.apiToken) : null;
  const auth = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!apiKey) return;
    const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    if (!m || !timingSafeEqual(digest(m[1]!), apiKey)) {
      await reply.code(401).header('www-authenticate', 'Bearer realm="weibo-guard"').type(JSON_TYPE).send({ error: 'missing or wrong API token: send Authorization: Bearer <token>' });
    }
  };

  const sendPush = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const r: PushResponse = await push.handle({ method: req.method, query: req.query as Record<string, unknown>, body: typeof req.body === 'string' ? req.body : '' });
    if (r.written) {
      const written = r.written;
      let finished = false;
      reply.raw.once('finish', () => {
        finished = true;
        void written(true);
      });
      reply.raw.once('close', () => {
        if (!finished) void written(false);
      });
    }
    await reply.code(r.status).type(r.contentType).send(r.body);
  };
  app.get('/weibo/push', sendPush);
  app.post('/weibo/push', { bodyLimit: BODY_LIMITS.push }, sendPush);

  app.get('/healthz', async () => ({ status: 'ok' }));
  const readiness = async (): Promise<Readiness> => {
    let store: Readiness['store'];
    try {
      // A write statement that matches no row: it fails on a read-only or unreachable
      // store without changing anything.
      await sender.store.renewLease(`readyz-probe-${randomUUID()}`, 1, now());
      store = { ok: true };
    } catch (err) {
      store = { ok: false, error: (err as Error).message };
    }
    const policy = { ok: gate.policy !== undefined };
    const worker = { ok: workerState === 'running', state: workerState, ...(workerError !== undefined && workerState !== 'running' ? { error: workerError } : {}) };
    return { ready: policy.ok && store.ok && worker.ok, policy, store, worker };
  };
  app.get('/readyz', async (_req, reply) => {
    const r = await readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()));

  const readJson = (body: unknown): unknown => {
    const text = typeof body === 'string' ? body : '';
    if (text.trim() === '') throw new HttpError(400, 'request body is empty: send JSON (a message, {message, context}, or an array of them)');
    const r = parseJsonExact(text);
    if (!r.ok) throw new HttpError(400, `request body is not JSON: ${r.message}`);
    return r.value;
  };

  /** A message, or {message, context[, account]}: the same envelope as `send`'s JSON Lines. */
  const envelope = (v: unknown, where: string, allowed: readonly string[]): { message: unknown; context?: ContextInput; account?: string } => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !('message' in v) || 'type' in v) return { message: v };
    const e = v as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!allowed.includes(k)) throw new HttpError(400, `${where}: unknown field ${k} (expected ${allowed.join(', ')})`, { path: `${where}.${k}` });
    if (e.context !== undefined && (typeof e.context !== 'object' || e.context === null || Array.isArray(e.context))) throw new HttpError(400, `${where}.context must be an object`, { path: `${where}.context` });
    if (e.account !== undefined && (typeof e.account !== 'string' || e.account === '')) throw new HttpError(400, `${where}.account must be a non-empty string`, { path: `${where}.account` });
    return { message: e.message, ...(e.context !== undefined ? { context: e.context as ContextInput } : {}), ...(e.account !== undefined ? { account: e.account as string } : {}) };
  };
  const contextFault = (err: unknown, where: string): never => {
    if (err instanceof ContextError) throw new HttpError(400, `${where}: ${err.message}`, { path: `${where}.context` });
    throw err;
  };

  await app.register(async (v1) => {
    v1.addHook('onRequest', auth);
    v1.post('/v1/check', async (req) => {
      const body = readJson(req.body);
      const batch = Array.isArray(body);
      const items = batch ? body : [body];
      if (items.length > maxBatch) throw new HttpError(413, `a batch holds at most ${maxBatch} messages, got ${items.length}`);
      const envelopes = items.map((item, i) => envelope(item, batch ? `[${i}]` : 'body', ['message', 'context']));
      const verdicts = envelopes.map((e, i) => {
        try {
          const v = gate.check(e.message, e.context);
          metrics.verdict(v, 'check');
          return v;
        } catch (err) {
          return contextFault(err, batch ? `[${i}]` : 'body');
        }
      });
      return batch ? verdicts : verdicts[0];
    });
    v1.post('/v1/messages', { bodyLimit: BODY_LIMITS.messages }, async (req, reply) => {
      const body = readJson(req.body);
      if (Array.isArray(body)) throw new HttpError(400, 'POST /v1/messages takes one message (or {message, context, account}); send a batch as one request each');
      const e = envelope(body, 'body', ['message', 'context', 'account']);
      const keyHeader = req.headers['idempotency-key'];
      const key = typeof keyHeader === 'string' ? keyHeader : undefined;
      if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) throw new HttpError(400, 'Idempotency-Key must be 1 to 200 visible ASCII characters');
      let res;
      try {
        res = await sender.enqueue(e.message, e.context ?? {}, { ...(key !== undefined ? { key: `api:${key}` } : {}), ...(e.account !== undefined ? { account: e.account } : {}) });
      } catch (err) {
        return contextFault(err, 'body');
      }
      if (res.status === 'blocked') {
        metrics.verdict(res.verdict, 'messages');
        return reply.code(422).send({ status: 'blocked', verdict: res.verdict, ...(res.window ? { window: res.window } : {}) });
      }
      if (res.duplicate) {
        // The same key for another message is the caller's bug: say so rather than pretend it was queued.
        const rec = await sender.store.get(res.id);
        const p = parseMessage(e.message).payload;
        if (rec && p && (rec.receiverId !== p.receiver_id || rec.type !== p.type || rec.data !== JSON.stringify(p.data))) {
          throw new HttpError(409, `Idempotency-Key ${JSON.stringify(key)} was already used for another message (${res.id})`, { id: res.id });
        }
      } else metrics.verdict(res.verdict, 'messages');
      return reply.code(202).send({ status: 'queued', id: res.id, duplicate: res.duplicate, window: res.window });
    });
    v1.get('/v1/messages/:id', async (req) => {
      const { id } = req.params as { id: string };
      const rec = await sender.store.get(id);
      if (!rec) throw new HttpError(404, `no message ${id}`);
      return rec;
    });
  });

  // The worker: the sender's drain in follow mode, restarted after a failure (a store
  // that cannot be written, a lease lost to another instance) with a growing pause.
  const stop = new AbortController();
  const worker = (async () => {
    let pause = 500;
    while (!stop.signal.aborted) {
      workerState = 'running';
      try {
        await sender.drain({ follow: true, signal: stop.signal, waitForLease: true });
        pause = 500;
      } catch (err) {
        workerState = 'restarting';
        workerError = (err as Error).message;
        log.error({ error: workerError, retryInMs: pause }, 'worker stopped; restarting');
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, pause);
          stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
        });
        pause = Math.min(pause * 2, 30_000);
      }
    }
    workerState = 'stopped';
  })();

  try {
    await app.listen({ host, port });
  } catch (err) {
    stop.abort();
    await worker;
    throw new ServeConfigError(`cannot listen on ${host}:${port}: ${(err as Error).message}`, 'port');
  }
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr : { address: host, port, family: 'IPv4' };
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  log.info({ url, push: Boolean(o.appSecret), auth: Boolean(o.apiToken), bot: Boolean(o.bot) }, 'listening');

  let closing: Promise<{ clean: boolean }> | undefined;
  const close = (): Promise<{ clean: boolean }> =>
    (closing ??= (async () => {
      const bound = o.shutdownTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const orderly = (async () => {
        // Stop accepting and let in-flight requests finish while the worker finishes
        // its in-flight sends; bot replies still being worked on are queued before the
        // outbox closes.
        const http = app.close();
        stop.abort();
        await http;
        await push.idle();
        await worker;
        return true;
      })();
      const clean = await Promise.race([orderly, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), bound)))]);
      clearTimeout(timer);
      if (!clean) log.error({ boundMs: bound }, 'stop took longer than its bound: requests still in flight are unknown outcomes at the next start');
      sender.close();
      log.info({ clean }, 'stopped');
      return { clean };
    })());

  return { url, metrics, log, readiness, close };
}
