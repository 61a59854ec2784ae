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

/** Debian's Chromium, as the HTML report's browser tests open it. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumTest = needsSystem("Debian's chromium", CHROMIUM, 'apt-get install chromium; .ci/run installs it');

/**
 * Headless Chromium with the flags this machine needs: no sandbox (the tests run as
 * root), and no background networking (the closed network refuses it, many connections
 * at a time). Fails with one line naming the package where it is required but missing.
 */
export async function launchChromium(): Promise<import('playwright-core').Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Debian's chromium is required at ${CHROMIUM} for the HTML report tests (apt-get install chromium; .ci/run installs it)`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
