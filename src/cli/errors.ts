/**
 * Exit codes every command shares: 0 clean, 1 findings/blocked, 2 usage or unreadable
 * input (an outbox file that is not one included), 3 the outbox storage failed (disk
 * or size limit full, read-only, damaged, locked).
 */
export const exitCodes = { ok: 0, findings: 1, usage: 2, storage: 3 } as const;

/**
 * A problem with what the user gave us (a flag, a file, a config line). The CLI
 * prints its message alone, never a stack, and exits 2. The message must name what
 * and where (file:line, field).
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
