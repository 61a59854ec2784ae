import { z } from 'zod';

export const RetrySchema = z
  .object({
    /** Attempts (transient failures and unknown outcomes) before a message fails for good. */
    maxAttempts: z.number().int().positive().default(8),
    baseMs: z.number().nonnegative().default(500),
    capMs: z.number().nonnegative().default(60_000),
    /** Pause for a rate-limited account when Weibo gives no Retry-After. */
    rateLimitPauseMs: z.number().nonnegative().default(60_000),
  })
  .strict();
export type RetrySettings = z.infer<typeof RetrySchema>;

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff
 * and Jitter"): uniform in [0, min(cap, base·2^attempt)], so many senders that failed
 * together do not come back together.
 */
export function backoffMs(attempt: number, s: Pick<RetrySettings, 'baseMs' | 'capMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(s.capMs, s.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
