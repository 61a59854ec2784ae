import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalize } from '../../src/links/index.js';
import type { FoundLink } from '../../src/links/types.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The date the shipped data was written; fixes expiry checks so tests do not drift. */
export const TODAY = new Date('2026-11-23T12:00:00Z');

/** A FoundLink from the real link finder (src/links canonicalize), which classifyLink is fed in production. */
export function link(text: string): FoundLink {
  const found = canonicalize(text);
  if (!found) throw new Error(`canonicalize refused ${JSON.stringify(text)}`);
  return found;
}

/**
 * A data folder: the shipped whitelist/ and rules/ copied, then `files` written
 * over them (relative paths such as `whitelist/media.yaml`).
 */
export function dataDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-policy-'));
  cpSync(join(repoRoot, 'whitelist'), join(dir, 'whitelist'), { recursive: true });
  cpSync(join(repoRoot, 'rules'), join(dir, 'rules'), { recursive: true });
  writeFiles(dir, files);
  return dir;
}

/** An empty project folder holding only `files` (a config, usually). */
export function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-project-'));
  writeFiles(dir, files);
  return dir;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A minimal valid whitelist file with the given entries (YAML list items). */
export function whitelistFile(entries: string): string {
  return `about: test list\nentries:\n${entries}`;
}
