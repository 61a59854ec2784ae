import { randomUUID } from 'node:crypto';
import type { ContextInput, WindowState } from '../context.js';
import type { Finding } from '../findings.js';
import { parseJsonExact } from '../payload/json.js';
import { SenderInputError, type EnqueueResult, type Sender } from '../sender/sender.js';
import { StorageError } from '../sender/store.js';
import { PushFormatError } from './errors.js';
import type { ServeMetrics } from './metrics.js';
import { parsePush, type Push } from './push.js';
import { verifyPush } from './signature.js';

/** The part of a pino logger the service writes to. */
export interface LogSink {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What a bot may answer a push with: nothing, a text, a reply payload, or an envelope. */
export type BotReply =
  | undefined
  | null
  | string
  | Record<string, unknown>
  | {
      message: unknown;
      /** Answer in the push response itself when it is ready in time (still gated); else it is queued. */
      passive?: boolean;
      context?: ContextInput;
    };

export interface BotInfo {
  /** The conversation window with this user, as it stands after the push was recorded. */
  window: WindowState;
}

/** A bot: receives each new push (never Weibo's retries of one), may return a reply to its sender. */
export type Bot = (push: Push, info: BotInfo) => BotReply | Promise<BotReply>;

export interface PushHandlerOptions {
  sender: Sender;
  /** The App Secret that signs Weibo's requests; without one every request is refused. */
  appSecret: string | undefined;
  bot?: Bot;
  log?: LogSink;
  metrics?: ServeMetrics;
  now?: () => number;
  /** How far a request's timestamp may be from this clock (default 5 minutes). */
  maxSkewMs?: number;
  /** A bot reply ready within this long may be answered passively (default 1500 ms). */
  passiveWithinMs?: number;
  /** Answer by then whatever is still running (default 3000 ms, inside Weibo's 5 s). */
  answerWithinMs?: number;
}

export interface PushRequest {
  method: string;
  /** Parsed query string. */
  query: Record<string, unknown>;
  /** The raw body text (POST). */
  body?: string;
}

export interface PushResponse {
  status: number;
  contentType: string;
  body: string;
  /**
   * Set on a passive reply: call it once the response was written (true) or the
   * connection was lost first (false: the reply goes to the outbox and is sent by the
   * worker). Uncalled, it settles itself as written after `answerWithinMs`.
   */
  written?: (delivered: boolean) => Promise<void>;
}

export interface PushHandler {
  handle(req: PushRequest): Promise<PushResponse>;
  /** Resolves when every bot reply still being worked on is queued or refused (for a graceful stop). */
  idle(): Promise<void>;
}

const EMPTY: PushResponse = { status: 200, contentType: 'text/plain; charset=utf-8', body: '' };
const refused = (): PushResponse => ({ status: 403, contentType: 'text/plain; charset=utf-8', body: 'forbidden' });
const bad = (message: string): PushResponse => ({ status: 400, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error: message }) });
const retryLater = (): PushResponse => ({ status: 503, contentType: 'text/plain; charset=utf-8', body: 'storage unavailable' });

const brief = (f: Finding[]) => f.filter((x) => x.severity === 'error').map((x) => ({ rule: x.rule, path: x.path, message: x.message.en }));

/**
 * Weibo's push URL as plain request → response, for an application with its own HTTP
 * server (the `serve` command mounts it on Fastify): URL verification (GET), signed
 * pushes recorded in the ledger and de-duplicated (POST), and the bot's replies
 * through the gate, the window and the outbox.
 */
export function createPushHandler(o: PushHandlerOptions): PushHandler {
  const now = o.now ?? Date.now;
  const maxSkewMs = o.maxSkewMs ?? 300_000;
  const passiveWithinMs = o.passiveWithinMs ?? 1500;
  const answerWithinMs = o.answerWithinMs ?? 3000;
  const log: LogSink = o.log ?? { info: () => undefined, warn: () => undefined, error: () => undefined };
  const sender = o.sender;
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };

  const verify = (req: PushRequest, route: 'verify' | 'push'): boolean => {
    if (o.appSecret === undefined || o.appSecret === '') {
      log.warn({ route }, 'push request refused: no app secret configured (--app-secret-file or $WEIBO_GUARD_APP_SECRET)');
      o.metrics?.refusedPush(route);
      return false;
    }
    const v = verifyPush({ appSecret: o.appSecret, query: req.query, now: now(), maxSkewMs });
    if (!v.ok) {
      log.warn({ route, reason: v.reason }, 'push request refused');
      o.metrics?.refusedPush(route);
    }
    return v.ok;
  };

  /** The bot's answer as a message for this push's sender, or null for none. */
  const normalize = (r: BotReply, push: Push): { message: unknown; passive: boolean; context?: ContextInput } | null => {
    if (r === undefined || r === null) return null;
    if (typeof r === 'string') return { message: { type: 'text', data: { text: r }, receiver_id: push.senderId }, passive: false };
    if (typeof r !== 'object' || Array.isArray(r)) throw new TypeError(`the bot returned ${Array.isArray(r) ? 'an array' : typeof r}; expected nothing, a text, a reply payload or {message, passive, context}`);
    if ('message' in r && !('type' in r)) {
      const env = r as { message: unknown; passive?: unknown; context?: ContextInput };
      const inner = normalize(env.message as BotReply, push);
      if (!inner) return null;
      return { message: inner.message, passive: env.passive === true, ...(env.context !== undefined ? { context: env.context } : {}) };
    }
    const m = r as Record<string, unknown>;
    return { message: 'receiver_id' in m ? m : { ...m, receiver_id: push.senderId }, passive: false };
  };

  const enqueue = async (push: Push, reply: { message: unknown; context?: ContextInput }): Promise<EnqueueResult> => {
    // One message per push, even if the bot ran twice for it (a restart between retries).
    const res = await sender.enqueue(reply.message, reply.context ?? {}, { key: `${push.eventId}:reply` });
    o.metrics?.verdict(res.verdict, 'handler');
    if (res.status === 'blocked') {
      o.metrics?.reply('blocked');
      log.warn({ push: push.eventId, receiverId: push.senderId, window: res.window, findings: brief(res.verdict.findings) }, 'bot reply blocked by the gate: not sent');
    }
    return res;
  };

  /** Queues a reply the worker will send; failures are logged (the push was answered long ago). */
  const queueActive = async (push: Push, reply: { message: unknown; context?: ContextInput }): Promise<void> => {
    try {
      const res = await enqueue(push, reply);
      if (res.status === 'queued') {
        o.metrics?.reply('queued');
        log.info({ push: push.eventId, id: res.id, duplicate: res.duplicate }, 'bot reply queued');
      }
    } catch (err) {
      o.metrics?.reply('error');
      log.error({ push: push.eventId, error: (err as Error).message }, 'bot reply not queued');
    }
  };

  async function runBot(push: Push, answered: { done: boolean }): Promise<PushResponse> {
    const bot = o.bot!;
    let timer: NodeJS.Timeout | undefined;
    const late = Symbol('late');
    const botResult = track(
      (async () => {
        const window = await sender.window(push.senderId);
        return normalize(await bot(push, { window }), push);
      })(),
    );
    const first = await Promise.race([botResult, new Promise<typeof late>((r) => (timer = setTimeout(() => r(late), passiveWithinMs)))]).catch((err: unknown) => {
      o.metrics?.reply('error');
      log.error({ push: push.eventId, error: (err as Error).message }, 'bot failed');
      return null;
    });
    clearTimeout(timer);
    if (first === late) {
      // Too slow for a passive reply: answer empty now, queue whatever it returns.
      track(
        botResult.then(
          (r) => (r ? queueActive(push, r) : o.metrics?.reply('none')),
          (err: unknown) => {
            o.metrics?.reply('error');
            log.error({ push: push.eventId, error: (err as Error).message }, 'bot failed');
          },
        ),
      );
      return EMPTY;
    }
    if (first === null) {
      o.metrics?.reply('none');
      return EMPTY;
    }
    if (!first.passive) {
      await track(queueActive(push, first));
      return EMPTY;
    }
    return passive(push, first, answered);
  }

  /**
   * A passive reply is admitted like any other (gate, window, quota slot, outbox row),
   * then claimed from the outbox as this response: whoever moves it to `sending` first,
   * this response or the worker, sends it, so it can never go out twice.
   */
  async function passive(push: Push, reply: { message: unknown; context?: ContextInput }, answered: { done: boolean }): Promise<PushResponse> {
    let res: EnqueueResult;
    try {
      res = await enqueue(push, reply);
    } catch (err) {
      o.metrics?.reply('error');
      log.error({ push: push.eventId, error: (err as Error).message }, 'bot reply not queued');
      return EMPTY;
    }
    if (res.status === 'blocked') return EMPTY;
    const rec = await sender.store.get(res.id);
    if (!rec || rec.state !== 'queued' || rec.receiverId !== push.senderId || answered.done) {
      o.metrics?.reply('queued');
      log.info({ push: push.eventId, id: res.id }, 'bot reply queued (not answerable in the push response)');
      return EMPTY;
    }
    const attemptId = randomUUID();
    const { begun } = await sender.store.step([], [{ id: rec.id, attemptId }], now());
    if (!begun[0]) {
      o.metrics?.reply('queued');
      return EMPTY;
    }
    let settled = false;
    const written = async (delivered: boolean): Promise<void> => {
      if (settled) return;
      settled = true;
      clearTimeout(fallback);
      const t = now();
      const outcome = delivered
        ? ({ kind: 'sent', detail: 'passive reply in the push response' } as const)
        : ({ kind: 'retry', nextAt: t, reason: 'passive reply not delivered: the push connection closed first', counted: false } as const);
      await sender.store.step([{ id: rec.id, attemptId, outcome }], [], t);
      o.metrics?.reply(delivered ? 'passive' : 'queued');
      log.info({ push: push.eventId, id: rec.id, delivered }, delivered ? 'bot reply answered in the push response' : 'passive reply not delivered: queued for the worker');
    };
    const fallback = setTimeout(() => void track(written(true)), answerWithinMs);
    fallback.unref();
    if (answered.done) {
      await written(false);
      return EMPTY;
    }
    const body =
      `{"result":true,"sender_id":${push.receiverId},"receiver_id":${rec.receiverId},` +
      `"type":${JSON.stringify(rec.type)},"data":${JSON.stringify(encodeURIComponent(rec.data))}}`;
    return { status: 200, contentType: 'application/json; charset=utf-8', body, written: (d) => track(written(d)) };
  }

  async function onPost(req: PushRequest): Promise<PushResponse> {
    if (!verify(req, 'push')) return refused();
    const parsedJson = parseJsonExact(req.body ?? '');
    if (!parsedJson.ok) {
      log.warn({ error: parsedJson.message }, 'push refused: body is not JSON');
      return bad(`push body is not JSON: ${parsedJson.message}`);
    }
    let push: Push;
    try {
      const p = parsePush(parsedJson.value);
      if (!p.known) {
        o.metrics?.push(null);
        log.info({ type: p.type, subtype: p.subtype }, 'push of a type this version does not know: accepted, not recorded');
        return EMPTY;
      }
      push = p.push;
    } catch (err) {
      if (!(err instanceof PushFormatError)) throw err;
      log.warn({ field: err.field, error: err.message }, 'push refused');
      return bad(err.message);
    }
    const t = now();
    let recorded: boolean;
    try {
      // Received now: a push dated ahead of this clock counts from now.
      ({ recorded } = await sender.recordInbound({ from: push.senderId, kind: push.kind, at: Math.min(push.at, t), eventId: push.eventId }));
    } catch (err) {
      if (err instanceof StorageError) {
        log.error({ push: push.eventId, failure: err.failure, error: err.message }, 'push not recorded: storage failure; Weibo will retry');
        return retryLater();
      }
      if (err instanceof SenderInputError) return bad(err.message);
      throw err;
    }
    if (!recorded) {
      o.metrics?.duplicate();
      log.info({ push: push.eventId }, "push already recorded (Weibo's retry): dropped");
      return EMPTY;
    }
    o.metrics?.push(push.label);
    log.info({ push: push.eventId, type: push.label, kind: push.kind, senderId: push.senderId }, 'push recorded');
    if (!o.bot) return EMPTY;
    const answered = { done: false };
    let timer: NodeJS.Timeout | undefined;
    const botRun = track(runBot(push, answered));
    const out = await Promise.race([
      botRun.then((r) => ({ r })),
      new Promise<null>((r) => (timer = setTimeout(() => r(null), Math.max(0, answerWithinMs - (now() - t))))),
    ]);
    clearTimeout(timer);
    answered.done = true;
    if (out) return out.r;
    // Answered empty before the bot's reply was ready: a reply claimed for this response goes to the worker.
    track(botRun.then((r) => r.written?.(false)));
    return EMPTY;
  }

  return {
    async handle(req) {
      if (req.method === 'GET') {
        if (!verify(req, 'verify')) return refused();
        const echostr = req.query.echostr;
        if (typeof echostr !== 'string') return bad('verification needs echostr in the query string');
        log.info({}, 'push URL verified');
        return { status: 200, contentType: 'text/plain; charset=utf-8', body: echostr };
      }
      if (req.method === 'POST') return onPost(req);
      return { status: 405, contentType: 'text/plain; charset=utf-8', body: 'method not allowed' };
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
