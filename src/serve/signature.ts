import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Weibo's push signature (weibo-push.md): the app secret, `timestamp` and `nonce`
 * sorted in dictionary order, joined, SHA-1, lowercase hex.
 */
export function pushSignature(appSecret: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([appSecret, timestamp, nonce].sort().join('')).digest('hex');
}

export type Verification = { ok: true } | { ok: false; reason: string };

export interface VerifyOptions {
  appSecret: string;
  /** The query string's values (only the first of a repeated name counts). */
  query: Record<string, unknown>;
  now: number;
  /** How far `timestamp` (epoch ms) may be from `now`: a captured request replayed later is refused. */
  maxSkewMs: number;
}

const first = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);

/** Checks a request's signature in constant time, then its age. The reason is for the log, never for the caller. */
export function verifyPush(o: VerifyOptions): Verification {
  const signature = first(o.query.signature);
  const timestamp = first(o.query.timestamp);
  const nonce = first(o.query.nonce);
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    const missing = (['signature', 'timestamp', 'nonce'] as const).filter((k) => first(o.query[k]) === undefined);
    return { ok: false, reason: `missing ${missing.join(', ')} in the query string` };
  }
  const expected = Buffer.from(pushSignature(o.appSecret, timestamp, nonce), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  // The length of a SHA-1 hex digest is public; only equal-length buffers can be compared.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
  if (!/^[0-9]{1,16}$/.test(timestamp)) return { ok: false, reason: `timestamp ${JSON.stringify(timestamp.slice(0, 40))} is not epoch milliseconds` };
  const age = o.now - Number(timestamp);
  if (Math.abs(age) > o.maxSkewMs) {
    return { ok: false, reason: `timestamp ${new Date(Number(timestamp)).toISOString()} is ${Math.round(Math.abs(age) / 1000)} s ${age > 0 ? 'old' : 'ahead'}, more than the allowed ${Math.round(o.maxSkewMs / 1000)} s (a replay, or a wrong clock)` };
  }
  return { ok: true };
}
