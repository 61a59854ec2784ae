import { resolve } from 'node:path';
import { createGate, type Gate } from '../gate.js';

/**
 * One compiled policy per process per (cwd, config file), shared by every rule and
 * every file: loading the whitelist and rules is the expensive part, judging a
 * string is cheap. A policy that fails to load is remembered too, so a broken
 * config is reported on each file without being re-read for each file.
 */
const gates = new Map<string, { gate: Gate } | { error: Error }>();

export function gateKey(cwd: string, config: string | undefined): string {
  return `${resolve(cwd)}\0${config === undefined ? '' : resolve(cwd, config)}`;
}

/** The shared gate, or the load error (a PolicyError names `file:line: what`). */
export function gateFor(cwd: string, config: string | undefined, key = gateKey(cwd, config)): { gate: Gate } | { error: Error } {
  let entry = gates.get(key);
  if (!entry) {
    try {
      entry = { gate: createGate(config === undefined ? { cwd } : { cwd, config: resolve(cwd, config) }) };
    } catch (err) {
      entry = { error: err instanceof Error ? err : new Error(String(err)) };
    }
    gates.set(key, entry);
  }
  return entry;
}

/** Forgets every compiled policy: for tests and editors that watch the config. */
export function clearGates(): void {
  gates.clear();
}
