import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WindowLimits } from '../../src/checks/window.js';
import { createGate, type Gate } from '../../src/gate.js';
import { startMockServer, type Delivery, type MockServer } from '../../src/mock/index.js';
import type { OutboxRecord } from '../../src/sender/index.js';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export const TOKEN = '2.00SeCrEtToKeN_abc123xyz';

/** A temp directory removed after the test. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wg-sender-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Teardown for one test at a time: temporary folders and whatever `defer` is given
 * (closing a sender) are undone after each test, last first.
 */
export function perTest(): { dir: () => string; defer: (undo: () => void) => void } {
  const undo: Array<() => void> = [];
  afterEach(() => {
    for (const u of undo.splice(0).reverse()) u();
  });
  return {
    dir: () => {
      const t = tempDir();
      undo.push(t.cleanup);
      return t.dir;
    },
    defer: (u) => {
      undo.push(u);
    },
  };
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

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO, 'dist/cli/main.js');

/**
 * What the CLI test files share: the built CLI, a mock Weibo and a temp working
 * directory, set up before the file's tests and torn down after.
 */
export function cliSuite(): { readonly mock: MockServer; readonly dir: string } {
  let mock: MockServer | undefined;
  let tmp: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    assertBuilt(REPO);
    mock = await startMockServer({ token: TOKEN });
    tmp = tempDir();
  });
  afterAll(async () => {
    await mock?.close();
    tmp?.cleanup();
  });
  return {
    get mock() {
      return mock!;
    },
    get dir() {
      return tmp!.dir;
    },
  };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  /** Written to stdin, which is then closed; left open when not given. */
  stdin?: string;
  env?: Record<string, string>;
  /** Bounded: no run may hang the suite. */
  guardMs: number;
  /** Resolve early (code and signal null) once stdout satisfies this; the process keeps running. */
  until?: (stdout: string) => boolean;
  /** SIGKILL the process as soon as this holds (polled every 2 ms). */
  killWhen?: () => boolean;
  /** Called with everything the process printed once it has exited. */
  onExit?: (run: CliRun) => void;
}

/** Runs the built CLI with the test token in the environment. */
export function runCli(args: string[], o: CliRunOptions): Promise<CliRun & { kill: () => void }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd, env: { ...process.env, WEIBO_GUARD_TOKEN: TOKEN, ...o.env } });
    // Decoded as a stream: a character split across two chunks must not become U+FFFD.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const kill = () => child.kill('SIGTERM');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: string) => {
      stdout += d;
      if (o.until?.(stdout)) resolve({ code: null, signal: null, stdout, stderr, kill });
    });
    child.stderr.on('data', (d: string) => (stderr += d));
    if (o.stdin !== undefined) child.stdin.end(o.stdin);
    const killWhen = o.killWhen;
    const poll = killWhen === undefined ? undefined : setInterval(() => killWhen() && child.kill('SIGKILL'), 2);
    const guard = setTimeout(() => child.kill('SIGKILL'), o.guardMs);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(guard);
      o.onExit?.({ code, signal, stdout, stderr });
      resolve({ code, signal, stdout, stderr, kill });
    });
  });
}

/**
 * What a crash test promises after every worker has finished: every message delivered,
 * a message delivered k times has at least k-1 unknown outcomes recorded, and each
 * receiver's first deliveries come in enqueue order (texts end in `#<n>`).
 */
export function expectCrashPromisesKept(rows: OutboxRecord[], deliveries: readonly Delivery[], n: number, receivers: Iterable<string>): { duplicates: number; unknown: number } {
  const textOf = (data: string) => (JSON.parse(data) as { text: string }).text;
  const delivered = new Map<string, number>();
  for (const d of deliveries) delivered.set(textOf(d.data), (delivered.get(textOf(d.data)) ?? 0) + 1);
  expect(delivered.size).toBe(n);
  const unknownByText = new Map(rows.map((m) => [textOf(m.data), m.unknownOutcomes]));
  for (const [t, times] of delivered) expect(times - 1).toBeLessThanOrEqual(unknownByText.get(t)!);
  const duplicates = deliveries.length - n;
  const unknown = rows.reduce((k, m) => k + m.unknownOutcomes, 0);
  expect(duplicates).toBeLessThanOrEqual(unknown);
  for (const rid of receivers) {
    const firsts: number[] = [];
    const seen = new Set<string>();
    for (const d of deliveries) {
      if (d.receiverId !== rid) continue;
      const t = textOf(d.data);
      if (!seen.has(t)) firsts.push(Number(t.slice(t.indexOf('#') + 1)));
      seen.add(t);
    }
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  }
  return { duplicates, unknown };
}
