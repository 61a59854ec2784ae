/**
 * What a sender does with a failed request, by kind (weibo-error-codes.md):
 * - transient: retry with backoff, bounded;
 * - rate-limit: pause the account, resume later (not counted against the bound);
 * - auth / config: stop the account, keep its messages queued, say so loudly;
 * - permanent: fail the message with the reason and give its quota slot back;
 * - unknown: the request may have reached Weibo (timeout after sending, connection
 *   lost mid-answer, unreadable 2xx); the unknown-outcome policy decides.
 */
export type ErrorKind = 'transient' | 'rate-limit' | 'auth' | 'config' | 'permanent' | 'unknown';

const TRANSIENT = new Set([10001, 10002, 10003, 10009, 10010, 10011]);
const RATE_LIMIT = new Set([10004, 10022, 10023, 10024, 20016]);
// 21318 (PIN authentication failed) sits in Weibo's token range; the shared table leaves it out.
const AUTH = new Set([21301, 21314, 21315, 21316, 21317, 21318, 21319, 21327]);
const CONFIG = new Set([10014, 10020, 10021, 21320]);
// Listed refusals: the request was understood and refused whatever the HTTP status.
const PERMANENT = new Set([10008, 10012, 10016, 10017, 10018, 20003, 20008, 20013, 20017, 20018, 20019, 20020, 20021, 20301, 20302, 20306, 21602]);

/** Every code the table names. */
// test/sender/error-codes.test.ts checks it against weibo-error-codes.md.
export const KNOWN_CODES: readonly number[] = [...TRANSIENT, ...RATE_LIMIT, ...AUTH, ...CONFIG, ...PERMANENT].sort((a, b) => a - b);

/** Kind of a Weibo `error_code` (null when absent), given the HTTP status it came with. */
export function kindOf(code: number | null, status: number): ErrorKind {
  if (code !== null) {
    if (TRANSIENT.has(code)) return 'transient';
    if (RATE_LIMIT.has(code)) return 'rate-limit';
    if (AUTH.has(code)) return 'auth';
    if (CONFIG.has(code)) return 'config';
    if (PERMANENT.has(code)) return 'permanent';
    // A code Weibo adds later: refused, unless the server itself says it failed.
    if (status >= 500) return 'transient';
    return 'permanent';
  }
  if (status === 429) return 'rate-limit';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'transient';
  return 'permanent';
}

/** A failed reply request, already redacted: safe to log and to store as a reason. */
export class WeiboApiError extends Error {
  override name = 'WeiboApiError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: { status?: number; code?: number; error?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}
