import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { decodeDataString } from '../payload/data.js';
import { parseJsonExact } from '../payload/json.js';
import { kindOf, WeiboApiError } from './errors.js';
import type { OutboxRecord } from './schemas.js';

/** An id in an answer: a string, or a bare int64 that parseJsonExact kept exact. */
const IdSchema = z.union([z.string(), z.bigint(), z.number().int()]).transform(String);

/** Weibo's success body. */
export const ReplySuccessSchema = z
  .object({
    result: z.literal(true),
    sender_id: IdSchema.optional(),
    receiver_id: IdSchema.optional(),
    type: z.string().optional(),
    /** Weibo echoes `data` URL-encoded; decoded here, kept as sent when it does not decode. */
    data: z
      .string()
      .transform((d): unknown => {
        const decoded = decodeDataString(d);
        return decoded.ok ? decoded.value : d;
      })
      .optional(),
  })
  .loose();
export type ReplySuccess = z.infer<typeof ReplySuccessSchema>;

export const ReplyErrorSchema = z
  .object({
    error: z.string().optional(),
    error_code: z.union([z.string().regex(/^[0-9]+$/), z.number().int()]).transform(Number),
    request: z.string().optional(),
  })
  .loose();

/** The request body: form-encoded once, token in the body, never in the URL. */
export function encodeReply(m: Pick<OutboxRecord, 'type' | 'data' | 'receiverId' | 'saveSenderBox'>, token: string): string {
  return new URLSearchParams({
    access_token: token,
    type: m.type,
    data: m.data,
    receiver_id: m.receiverId,
    save_sender_box: String(m.saveSenderBox),
  }).toString();
}

export type Decoded = { ok: true; reply: ReplySuccess } | { ok: false; error: WeiboApiError };

/**
 * Turns an HTTP answer into a reply or a typed error (never throws). `scrub` removes
 * secrets from the whole body before any part of it is quoted, so a cut can never
 * fall inside a token and leave its first characters.
 */
export function decodeAnswer(status: number, text: string, retryAfter: string | null, now = Date.now(), scrub: (s: string) => string = (s) => s): Decoded {
  const json = parseJsonExact(text);
  const body = json.ok ? json.value : undefined;
  const err = ReplyErrorSchema.safeParse(body);
  if (err.success) {
    const code = err.data.error_code;
    const kind = kindOf(code, status);
    const said = err.data.error === undefined ? undefined : preview(scrub(err.data.error), ERROR_CHARS);
    return {
      ok: false,
      error: new WeiboApiError(kind, `Weibo error ${code}${said ? ` (${said})` : ''}, HTTP ${status}`, {
        status,
        code,
        ...(said !== undefined ? { error: said } : {}),
        ...retryAfterMs(retryAfter, now),
      }),
    };
  }
  // A gateway's own answer: it had passed the request on and lost the upstream (502) or
  // stopped waiting for it (504), so Weibo may have taken it. A 503 is a refusal to take it.
  if (status === 502 || status === 504) {
    return { ok: false, error: new WeiboApiError('unknown', `HTTP ${status} from a gateway (${describe(text, scrub)}): the request may have been delivered`, { status }) };
  }
  if (status >= 200 && status < 300) {
    const ok = ReplySuccessSchema.safeParse(body);
    if (ok.success) return { ok: true, reply: ok.data };
    // Weibo answered 2xx but not in a shape we know: it may well have sent the message.
    return { ok: false, error: new WeiboApiError('unknown', `HTTP ${status} with an unreadable body (${describe(text, scrub)})`, { status }) };
  }
  return {
    ok: false,
    error: new WeiboApiError(kindOf(null, status), `HTTP ${status} (${describe(text, scrub)})`, { status, ...retryAfterMs(retryAfter, now) }),
  };
}

/** A reason needs the start of a proxy's error page, not the page. */
const BODY_CHARS = 60;
/** Weibo's `error` is a short English phrase; anything longer is an echo. */
const ERROR_CHARS = 120;

function describe(text: string, scrub: (s: string) => string): string {
  return text.length === 0 ? 'empty body' : `${text.length} bytes: ${JSON.stringify(preview(scrub(text), BODY_CHARS))}`;
}

/** Cut after scrubbing, never before; on a code-point boundary. */
function preview(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = [...text.slice(0, max)];
  if (/[\ud800-\udbff]$/.test(text.slice(0, max))) cut.pop();
  return `${cut.join('')}…`;
}

function retryAfterMs(header: string | null, now: number): { retryAfterMs?: number } {
  if (header === null) return {};
  const s = header.trim();
  if (/^[0-9]+$/.test(s)) return { retryAfterMs: Number(s) * 1000 };
  const at = Date.parse(s);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - now) };
}

// Errors raised before a single byte of the request could have left: not delivered.
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED']);

export interface Timeouts {
  /** TCP connect and TLS handshake: nothing has been sent until they complete. */
  connectTimeoutMs: number;
  /**
   * From the request written to the answer's headers, and between chunks of its body:
   * past this the outcome is unknown. undici checks it on a ~0.5 s tick, so it fires
   * up to about a second late for values under a second.
   */
  timeoutMs: number;
}

/**
 * The HTTP client a sender posts through (undici, the library behind Node's fetch):
 * it keeps the two phases apart, so a dead endpoint fails fast and certainly
 * (connect timeout, retried freely) while a slow one gets its full answer time.
 * Loaded on first use, like better-sqlite3.
 */
export function createDispatcher(t: Timeouts): Dispatcher {
  const require = createRequire(import.meta.url);
  const { Agent } = require('undici') as typeof import('undici');
  return new Agent({ connect: { timeout: t.connectTimeoutMs }, headersTimeout: t.timeoutMs, bodyTimeout: t.timeoutMs });
}

export interface PostOptions extends Timeouts {
  fetch?: typeof fetch;
  /** Used by the default fetch; an injected fetch gets only the overall bound. */
  dispatcher?: Dispatcher;
  /** Answers longer than this are not Weibo's; read no further. */
  maxAnswerBytes?: number;
  /** Removes secrets from an answer before any of it is quoted in an error. */
  scrub?: (text: string) => string;
}

/** One POST; every failure comes back as a typed error, never as a throw. */
export async function postReply(endpoint: URL, body: string, o: PostOptions): Promise<Decoded> {
  const f = o.fetch ?? fetch;
  let res: Response;
  // The dispatcher enforces each phase; this bounds the whole call whatever fetch is used.
  const overall = o.connectTimeoutMs + o.timeoutMs;
  try {
    res = await f(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(overall),
      redirect: 'error',
      ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
    } as RequestInit);
  } catch (e) {
    return { ok: false, error: networkError(e, o) };
  }
  let text: string;
  try {
    text = await readCapped(res, o.maxAnswerBytes ?? 1 << 20);
  } catch (e) {
    // The server had started answering: it has read our request.
    return { ok: false, error: new WeiboApiError('unknown', `answer cut off after HTTP ${res.status}: ${causeOf(e)}`, { status: res.status }) };
  }
  return decodeAnswer(res.status, text, res.headers.get('retry-after'), Date.now(), o.scrub);
}

function networkError(e: unknown, t: Timeouts): WeiboApiError {
  const name = (e as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new WeiboApiError('unknown', `no answer within ${t.connectTimeoutMs + t.timeoutMs} ms: the request may have been delivered`);
  }
  const code = codeOf(e);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new WeiboApiError('transient', `no connection within ${t.connectTimeoutMs} ms: network error before sending: ${code}`);
  if (code !== undefined && BEFORE_SEND.has(code)) return new WeiboApiError('transient', `network error before sending: ${code}`);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new WeiboApiError('unknown', `no answer within ${t.timeoutMs} ms of sending: the request may have been delivered`);
  return new WeiboApiError('unknown', `connection lost: ${causeOf(e)}; the request may have been delivered`);
}

function codeOf(e: unknown): string | undefined {
  for (let c: unknown = e, i = 0; c && i < 5; c = (c as { cause?: unknown }).cause, i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function causeOf(e: unknown): string {
  const code = codeOf(e);
  const msg = (e as { cause?: { message?: string } })?.cause?.message ?? (e as Error)?.message ?? String(e);
  return code ? `${code} ${msg}` : msg;
}

async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  // Weibo declares its length; the streaming path below is only for answers that do not.
  if (Number.isFinite(declared) && declared <= max) return res.text();
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => undefined);
      throw new Error(`answer longer than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
