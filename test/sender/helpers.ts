import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verdictOf } from '../../src/findings.js';
import type { ContextInput } from '../../src/context.js';
import { checkWindow, type WindowLimits } from '../../src/checks/window.js';
import { parseMessage } from '../../src/payload/parse.js';
import type { GateLike } from '../../src/sender/index.js';

export const TOKEN = '2.00SeCrEtToKeN_abc123xyz';

/** A temp directory removed after the test. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wg-sender-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The gate's payload and window checks through the same functions the gate calls;
 * used until src/gate.ts lands. The same tests then run through createGate().
 */
export function payloadGate(window: WindowLimits = { hours: 48, quota: 99, mentionQuota: 1 }): GateLike {
  return {
    policy: { limits: { window } },
    check: (message: unknown, context?: ContextInput) => verdictOf([...parseMessage(message).findings, ...checkWindow(context, window)]),
  };
}

export function text(receiver: string, body: string): { type: 'text'; data: { text: string }; receiver_id: string } {
  return { type: 'text', data: { text: body }, receiver_id: receiver };
}

export const HOUR = 3_600_000;

/** A settable clock for window tests. */
export function clock(start = Date.parse('2026-01-01T00:00:00Z')): { now: () => number; set: (t: number) => void; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, set: (x) => (t = x), advance: (ms) => (t += ms) };
}
