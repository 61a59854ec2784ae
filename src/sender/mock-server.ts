import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { PayloadSchema } from '../payload/schema.js';
import { textUnits } from '../payload/units.js';
import { windowOf, OPENERS } from './ledger.js';
import { InboundEventSchema, type InboundEventInput } from './schemas.js';
import { formatWeiboDate, parsePush } from '../serve/push.js';
import { pushSignature } from '../serve/signature.js';

/**
 * Faults a test or demo can inject. Shares are probabilities in [0, 1], drawn from a
 * seeded generator so a run can be repeated.
 */
export const FaultsSchema = z
  .object({
    /** Answer HTTP 503 with a non-Weibo body (a load balancer in trouble). */
    unavailable: z.number().min(0).max(1).default(0),
    /** Close the connection before reading the request: not delivered. */
    dropBefore: z.number().min(0).max(1).default(0),
    /** Deliver, then close the connection without answering: outcome unknown to the client. */
    dropAfter: z.number().min(0).max(1).default(0),
    /** Deliver, then answer HTTP 504 from a "gateway": outcome unknown to the client. */
    gatewayTimeout: z.number().min(0).max(1).default(0),
    /** Answer HTTP 429, error 10023, with Retry-After. */
    rateLimit: z.number().min(0).max(1).default(0),
    retryAfterSeconds: z.number().int().nonnegative().default(1),
    /** Deliver, then wait this long before answering (a client timeout makes the outcome unknown). */
    slowMs: z.number().int().nonnegative().default(0),
    /** Answer every request with error 21327 expired_token. */
    expiredToken: z.boolean().default(false),
    /** Answer every request with this Weibo error code (HTTP 400, or 500 for 1000x system errors). */
    errorCode: z.number().int().positive().optional(),
    seed: z.number().int().default(1),
  })
  .strict();
export type Faults = z.infer<typeof FaultsSchema>;
export type FaultsInput = z.input<typeof FaultsSchema>;

export const MockOptionsSchema = z
  .object({
    token: z.string().min(1),
    port: z.number().int().min(0).max(65535).default(0),
    /** Loopback only: the mock is for tests and demos, never a public service. */
    host: z.enum(['127.0.0.1', '::1', 'localhost']).default('127.0.0.1'),
    senderId: z.string().regex(/^[0-9]+$/).default('1000000001'),
    /** `enforce`: replies need an inbound event (POST /__mock/inbound); `open`: every receiver may be answered. */
    windows: z.enum(['enforce', 'open']).default('enforce'),
    hours: z.number().positive().default(48),
    quota: z.number().int().nonnegative().default(99),
    mentionQuota: z.number().int().nonnegative().default(1),
    faults: FaultsSchema.default(FaultsSchema.parse({})),
    /** Append every delivery to this JSONL file (counts deliveries across processes). */
    log: z.string().optional(),
    /** The developer's push URL (`weibo-guard serve`'s /weibo/push): `push()` and POST /__mock/push send events there. */
    pushTo: z.string().url().optional(),
    /** The App Secret pushes are signed with. */
    appSecret: z.string().min(1).optional(),
  })
  .strict();
export type MockOptions = z.input<typeof MockOptionsSchema> & { now?: () => number };

export interface Delivery {
  seq: number;
  at: number;
  receiverId: string;
  type: string;
  /** JSON text of the decoded `data`. */
  data: string;
  saveSenderBox: 0 | 1;
}

/** A user's action as Weibo pushes it (weibo-push.md "Pushes"); ids as digits, `created_at` default now. */
export const PushEventSchema = z
  .object({
    type: z.string().min(1),
    sender_id: z.string().regex(/^[0-9]+$/),
    /** Default: the mock's account (`senderId`). */
    receiver_id: z.string().regex(/^[0-9]+$/).optional(),
    created_at: z.string().optional(),
    text: z.string().default(''),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type PushEvent = z.input<typeof PushEventSchema>;

export interface PushOptions {
  /** Sign with this secret instead (a forged push). */
  appSecret?: string;
  /** Leave the signature out. */
  unsigned?: boolean;
  /** Sign with this timestamp (epoch ms) instead of now (a replay). */
  timestamp?: number;
}

export interface PushResult {
  status: number;
  body: string;
  /** The body as sent, so a test can send the very same push again (Weibo's retries). */
  sent: string;
  createdAt: string;
}

export interface MockServer {
  url: string;
  /** Accepted replies, in arrival order. */
  deliveries: Delivery[];
  /** Every request to the reply endpoint, accepted or not. */
  stats: { requests: number; rejected: number; faults: number };
  inbound(event: Omit<InboundEventInput, 'account'>): void;
  setFaults(faults: FaultsInput): void;
  /**
   * Plays Weibo's side of a push: records the event in the mock's own windows (so the
   * reply it causes is accepted), signs it and POSTs it to `pushTo`. Resolves with the
   * service's answer.
   */
  push(event: PushEvent, options?: PushOptions): Promise<PushResult>;
  /** Where pushes go from now on (a service started after the mock, its port chosen at start). */
  setPushTo(url: string): void;
  /** Sends a body as it is (a retry of `sent`, a malformed push), signed. */
  pushRaw(body: string, options?: PushOptions): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export const REPLY_PATH = '/2/messages/reply/biz.json';
const MAX_BODY = 64 * 1024;

interface Lane {
  lastUnfollow: number | null;
  lastOpener: number | null;
  lastMention: number | null;
  /** Delivery times, ascending. */
  replies: number[];
}

/** A local stand-in for `POST /2/messages/reply/biz.json`, as seeds/003 describes it. */
export async function startMockServer(options: MockOptions): Promise<MockServer> {
  const { now = Date.now, ...rest } = options;
  const o = MockOptionsSchema.parse(rest);
  let faults = o.faults;
  let rand = mulberry32(faults.seed);
  const lanes = new Map<string, Lane>();
  const deliveries: Delivery[] = [];
  const stats = { requests: 0, rejected: 0, faults: 0 };
  const lane = (id: string): Lane => {
    let l = lanes.get(id);
    if (!l) lanes.set(id, (l = { lastUnfollow: null, lastOpener: null, lastMention: null, replies: [] }));
    return l;
  };

  const inbound = (input: unknown): void => {
    const e = InboundEventSchema.parse({ account: 'mock', ...(input as object) });
    const l = lane(e.from);
    const max = (a: number | null) => Math.max(a ?? -Infinity, e.at);
    if (e.kind === 'unfollow') l.lastUnfollow = max(l.lastUnfollow);
    else if (e.kind === 'mention') l.lastMention = max(l.lastMention);
    else if (OPENERS.includes(e.kind)) l.lastOpener = max(l.lastOpener);
  };

  let pushTo = o.pushTo;
  const pushRaw = async (body: string, po: PushOptions = {}): Promise<{ status: number; body: string }> => {
    if (!pushTo) throw new Error('the mock has no push URL (pushTo, --push-to)');
    const secret = po.appSecret ?? o.appSecret;
    if (!secret && !po.unsigned) throw new Error('the mock has no App Secret to sign pushes with (appSecret, --app-secret-file)');
    const url = new URL(pushTo);
    if (!po.unsigned) {
      const timestamp = String(po.timestamp ?? now());
      const nonce = String(Math.floor(rand() * 1e9));
      url.searchParams.set('signature', pushSignature(secret!, timestamp, nonce));
      url.searchParams.set('timestamp', timestamp);
      url.searchParams.set('nonce', nonce);
    }
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: await res.text() };
  };

  const push = async (input: PushEvent, po: PushOptions = {}): Promise<PushResult> => {
    const e = PushEventSchema.parse(input);
    const createdAt = e.created_at ?? formatWeiboDate(now());
    // Ids go out as bare JSON numbers, as Weibo writes them, digits exact.
    const sent =
      `{"type":${JSON.stringify(e.type)},"receiver_id":${e.receiver_id ?? o.senderId},"sender_id":${e.sender_id},` +
      `"created_at":${JSON.stringify(createdAt)},"text":${JSON.stringify(e.text)},"data":${JSON.stringify(e.data)}}`;
    const parsed = parsePush({ ...e, receiver_id: e.receiver_id ?? o.senderId, created_at: createdAt });
    if (parsed.known) inbound({ from: parsed.push.senderId, kind: parsed.push.kind, at: parsed.push.at });
    return { ...(await pushRaw(sent, po)), sent, createdAt };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) answer(res, 500, weiboError(10001, `system error: ${(err as Error).message}`));
    });
  });
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mock');
    if (url.pathname.startsWith('/__mock/')) return admin(url.pathname, req, res);
    if (url.pathname !== REPLY_PATH) return answer(res, 404, weiboError(10020, 'Api not found!', url.pathname));
    if (req.method !== 'POST') return answer(res, 405, weiboError(10021, 'HTTP method is not suported for this request!'));
    stats.requests++;
    const f = faults;
    if (f.dropBefore > 0 && rand() < f.dropBefore) {
      stats.faults++;
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    if (body === null) return reject(res, 413, 10018, 'request body length over limit');
    if (f.unavailable > 0 && rand() < f.unavailable) {
      stats.faults++;
      res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>503 Service Temporarily Unavailable</body></html>');
      return;
    }
    if (f.rateLimit > 0 && rand() < f.rateLimit) {
      stats.faults++;
      res.setHeader('retry-after', String(f.retryAfterSeconds));
      return answer(res, 429, weiboError(10023, 'User requests out of rate limit!'));
    }
    if (f.expiredToken) return reject(res, 401, 21327, 'expired_token');
    if (f.errorCode !== undefined) return reject(res, f.errorCode < 10010 ? 500 : 400, f.errorCode, 'injected error');
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
      return reject(res, 400, 10008, 'param error: Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(body);
    const token = form.get('access_token');
    if (url.searchParams.has('access_token')) return reject(res, 400, 10008, 'param error: access_token must be in the body');
    if (!token || token !== o.token) return reject(res, 401, 21301, 'auth faild!');
    for (const name of ['type', 'data', 'receiver_id']) {
      if (!form.get(name)) return reject(res, 400, 10016, `miss required parameter (${name}), see doc for more info.`);
    }
    const parsed = PayloadSchema.safeParse({
      type: form.get('type'),
      data: form.get('data'),
      receiver_id: form.get('receiver_id'),
      save_sender_box: form.get('save_sender_box') ?? '1',
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return reject(res, 400, 10017, `parameter (${issue.path.join('.') || 'type'})'s value invalid: ${issue.message}`);
    }
    const p = parsed.data;
    if (p.type === 'text') {
      if (p.data.text.trim() === '') return reject(res, 400, 20008, 'content is null!');
      if (textUnits(p.data.text) >= 300) return reject(res, 400, 20013, 'Text too long, please input text less than 300 characters!');
    }
    if (p.type === 'articles' && (p.data.articles.length < 1 || p.data.articles.length > 8)) {
      return reject(res, 400, 10017, "parameter (data.articles)'s value invalid: 1 to 8 articles");
    }
    const t = now();
    if (o.windows === 'enforce') {
      const l = lane(p.receiver_id);
      const w = windowOf(l, t, o, (since) => l.replies.length - lowerBound(l.replies, since));
      if (w.state === 'unfollowed') return reject(res, 400, 20301, "Can't send direct message to user who is not your follower!");
      if (w.state !== 'open') return reject(res, 400, 20302, 'Illegal direct message: no conversation window (48 hours)');
      if (w.remaining === 0) return reject(res, 400, 20302, 'Illegal direct message: reply quota of this window used up');
    }
    const delivery: Delivery = { seq: deliveries.length + 1, at: t, receiverId: p.receiver_id, type: p.type, data: JSON.stringify(p.data), saveSenderBox: p.save_sender_box };
    deliveries.push(delivery);
    lane(p.receiver_id).replies.push(t);
    if (o.log) appendFileSync(o.log, `${JSON.stringify(delivery)}\n`);
    if (f.dropAfter > 0 && rand() < f.dropAfter) {
      stats.faults++;
      req.socket.destroy();
      return;
    }
    if (f.slowMs > 0) await new Promise((r) => setTimeout(r, f.slowMs));
    if (f.gatewayTimeout > 0 && rand() < f.gatewayTimeout) {
      stats.faults++;
      res.writeHead(504, { 'content-type': 'text/html' }).end('<html><body>504 Gateway Time-out</body></html>');
      return;
    }
    answer(res, 200, {
      result: true,
      sender_id: o.senderId,
      receiver_id: p.receiver_id,
      type: p.type,
      data: encodeURIComponent(JSON.stringify(p.data)),
    });
  }

  async function admin(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (path === '/__mock/deliveries' && req.method === 'GET') return answer(res, 200, deliveries);
    if (req.method !== 'POST') return answer(res, 405, { error: 'POST expected' });
    const body = await readBody(req);
    let input: unknown;
    try {
      input = JSON.parse(body ?? '');
    } catch {
      return answer(res, 400, { error: 'body must be JSON' });
    }
    try {
      if (path === '/__mock/push') return answer(res, 200, await push(input as PushEvent));
      if (path === '/__mock/inbound') inbound(input);
      else if (path === '/__mock/faults') setFaults(input as FaultsInput);
      else return answer(res, 404, { error: `no admin route ${path}` });
    } catch (err) {
      return answer(res, 400, { error: err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message });
    }
    answer(res, 200, { ok: true });
  }

  function reject(res: ServerResponse, status: number, code: number, error: string): void {
    stats.rejected++;
    answer(res, status, weiboError(code, error));
  }

  function setFaults(input: FaultsInput): void {
    faults = FaultsSchema.parse(input);
    rand = mulberry32(faults.seed);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}${REPLY_PATH}`,
    deliveries,
    stats,
    inbound,
    setFaults,
    push,
    pushRaw,
    setPushTo: (url) => {
      pushTo = z.string().url().parse(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function weiboError(code: number, error: string, request = REPLY_PATH) {
  // Weibo sends error_code as a string on some paths and a number on others.
  return { request, error_code: code % 2 === 0 ? String(code) : code, error };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Index of the first element >= x in an ascending array. */
function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Small seeded PRNG (mulberry32, public domain, Tommy Ettinger): repeatable fault
 * draws here, and the benchmarks' generated data (bench/lib.mjs), so one seed names
 * one sequence everywhere.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
