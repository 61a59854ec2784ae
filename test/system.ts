import { existsSync } from 'node:fs';

/**
 * A test that needs a system package (Debian's chromium now, PostgreSQL later) runs
 * where the package is, and is required in CI (`CI` set), where .ci/run installs it.
 * Elsewhere — a newcomer's machine with only Node and npm — it is left out with one
 * line saying what is missing and how to get it, so `npm test` still passes there.
 */
export function needsSystem(what: string, path: string, how: string): { missing: boolean } {
  const missing = !existsSync(path) && !process.env.CI;
  if (missing) process.stderr.write(`weibo-guard: ${what} not found at ${path}: leaving out its tests (${how})\n`);
  return { missing };
}
