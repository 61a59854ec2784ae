import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WindowLimits } from '../../src/checks/window.js';
import { createGate, type Gate } from '../../src/gate.js';

export const TOKEN = '2.00SeCrEtToKeN_abc123xyz';

/** A temp directory removed after the test. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wg-sender-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const base = createGate({ cwd: fileURLToPath(new URL('../..', import.meta.url)) });

/**
 * The real gate on the shipped policy; `window` overrides rules/limits.yaml the way a
 * project config would, so the gate's findings and the ledger agree on the figures.
 */
export function gate(window?: Partial<WindowLimits>): Gate {
  if (!window) return base;
  return createGate({ policy: { ...base.policy, limits: { ...base.policy.limits, window: { ...base.policy.limits.window, ...window } } } });
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

/**
 * CLI tests run the built package (npm test builds first). Each TypeScript source they
 * run must have its compiled twin in dist/, no older than the source.
 */
export function assertBuilt(repo: string): void {
  const stale: string[] = [];
  for (const dir of ['sender', 'cli']) {
    for (const f of readdirSync(join(repo, 'src', dir)).filter((n) => n.endsWith('.ts'))) {
      const built = statSync(join(repo, 'dist', dir, f.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
      if (!built || built.mtimeMs < statSync(join(repo, 'src', dir, f)).mtimeMs) stale.push(`src/${dir}/${f}`);
    }
  }
  if (stale.length) throw new Error(`dist/ is missing or older than ${stale.join(', ')}: run \`npx tsc -p tsconfig.build.json\` (npm test does)`);
}
