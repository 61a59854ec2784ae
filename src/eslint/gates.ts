import { resolve } from 'node:path';
import { createGate, type Gate } from '../gate.js';
import { formatIssue, loadPolicy, policyFiles, type LoadPolicyOptions } from '../policy/index.js';
import { policyFingerprint, statStamp, utcDay } from './fingerprint.js';

export type Loaded = { gate: Gate } | { error: Error };

/**
 * One compiled policy per process per (cwd, config file), shared by every rule and
 * every file: loading the whitelist and rules is the expensive part, judging a
 * string is cheap. A policy that fails to load is remembered too, so a broken
 * config is reported on each file without being re-read for each file.
 */
interface Entry {
  readonly loaded: Loaded;
  /** Every file the policy is read from (config names included, present or not). */
  readonly files: readonly string[];
  readonly fingerprint: string;
  stamp: string;
  day: string;
  checkedAt: number;
}

const gates = new Map<string, Entry>();

/**
 * A process that lints many times (an editor's ESLint server) must see a policy edit;
 * statting the policy files on every file linted would cost a CLI run thousands of
 * syscalls, so they are statted at most once a second per policy.
 */
export const RECHECK_MS = 1000;

let clock: () => number = Date.now;

/** Replaces the clock that paces the re-checks and dates expiry (tests); no argument restores `Date.now`. */
export function setGateClock(now?: () => number): void {
  clock = now ?? Date.now;
}

export function gateKey(cwd: string, config: string | undefined): string {
  return `${resolve(cwd)}\0${config === undefined ? '' : resolve(cwd, config)}`;
}

function optionsFor(cwd: string, config: string | undefined): Pick<LoadPolicyOptions, 'cwd' | 'config'> {
  return config === undefined ? { cwd } : { cwd, config: resolve(cwd, config) };
}

/** The fingerprint of the policy files as they are now: what the plugin's configs put in `settings`. */
export function currentFingerprint(cwd: string, config?: string): string {
  return policyFingerprint(policyFiles(optionsFor(cwd, config)), utcDay(clock()));
}

/**
 * Policies whose warnings were already said in this process (key and fingerprint).
 * Warnings (entries expired or expiring soon) are about the policy files, not about
 * any file linted, so they are said once per policy per process on stderr, through
 * `process.emitWarning` as ESLint says its own run-level notices: a lint message would
 * land on whichever file happened to be linted first (another one with `--cache` or
 * `--concurrency`), be replayed from the cache and count against `--max-warnings`.
 */
const warned = new Set<string>();

function sayWarnings(key: string, entry: Entry): void {
  if (!('gate' in entry.loaded)) return;
  const { warnings } = entry.loaded.gate.policy;
  const id = `${key}\0${entry.fingerprint}`;
  if (warnings.length === 0 || warned.has(id)) return;
  warned.add(id);
  const lines = warnings.map((w) => `  ${formatIssue(w)}`).join('\n');
  process.emitWarning(`weibo-guard policy: ${warnings.length} warning${warnings.length === 1 ? '' : 's'}\n${lines}`, { type: 'WeiboGuardPolicyWarning' });
}

function load(cwd: string, config: string | undefined, now: number): Entry {
  const options = optionsFor(cwd, config);
  const files = policyFiles(options);
  // Stamp and hash before reading: an edit made while loading shows at the next check.
  const stamp = statStamp(files);
  const day = utcDay(now);
  const fingerprint = policyFingerprint(files, day);
  let loaded: Loaded;
  try {
    loaded = { gate: createGate({ policy: loadPolicy({ ...options, now: new Date(now) }) }) };
  } catch (err) {
    loaded = { error: err instanceof Error ? err : new Error(String(err)) };
  }
  return { loaded, files, fingerprint, stamp, day, checkedAt: now };
}

/** Whether the entry still matches its files; a touch that changes no byte keeps it. */
function stillFresh(entry: Entry, now: number): boolean {
  entry.checkedAt = now;
  const stamp = statStamp(entry.files);
  const day = utcDay(now);
  if (stamp === entry.stamp && day === entry.day) return true;
  if (policyFingerprint(entry.files, day) !== entry.fingerprint) return false;
  entry.stamp = stamp;
  entry.day = day;
  return true;
}

/** The shared gate, or the load error (a PolicyError names `file:line: what`). */
export function gateFor(cwd: string, config: string | undefined, key = gateKey(cwd, config)): Loaded {
  const now = clock();
  let entry = gates.get(key);
  if (entry && Math.abs(now - entry.checkedAt) >= RECHECK_MS && !stillFresh(entry, now)) entry = undefined;
  if (!entry) {
    entry = load(cwd, config, now);
    gates.set(key, entry);
    sayWarnings(key, entry);
  }
  return entry.loaded;
}

/** Forgets every compiled policy and which warnings were said: for tests. */
export function clearGates(): void {
  gates.clear();
  warned.clear();
}
