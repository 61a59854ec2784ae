import { existsSync } from 'node:fs';

/**
 * A test that needs a system package (Debian's chromium now, PostgreSQL later) runs
 * where the package is, and is required in CI (`CI` set), where .ci/run installs it.
 * Elsewhere — a newcomer's machine with only Node and npm — it is left out with one
 * line saying what is missing and how to get it, so `npm test` still passes there.
 */
export function needsSystem(what: string, path: string, how: string): { missing: boolean; note?: string } {
  const missing = !existsSync(path) && !process.env.CI;
  return missing ? { missing, note: `weibo-guard: ${what} not found at ${path}: leaving out its tests (${how})` } : { missing };
}

/**
 * A system service the tests reach by a URL in the environment: run where it is set
 * and required in CI, as needsSystem. `url` is undefined where the tests are left out.
 */
export function needsService(what: string, env: string, how: string): { missing: boolean; url: string | undefined; note?: string } {
  const url = process.env[env] || undefined;
  const missing = url === undefined && !process.env.CI;
  return missing ? { missing, url, note: `weibo-guard: ${what} not configured (${env} unset): leaving out its tests (${how})` } : { missing, url };
}

/**
 * PostgreSQL for the outbox tests: a throwaway cluster's URL (a superuser's: each test
 * makes its own database). In CI it is required; a test reaching for it without the
 * URL fails with this line.
 */
export const PG_URL_ENV = 'WG_TEST_PG_URL';
export const PG_HOW = 'eval "$(scripts/pg-cluster.sh start)" starts a throwaway cluster and exports it; .ci/run does';
export const postgresTest = needsService('PostgreSQL', PG_URL_ENV, PG_HOW);
export function pgUrl(): string {
  if (!postgresTest.url) throw new Error(`PostgreSQL is required for these tests: set ${PG_URL_ENV} (${PG_HOW})`);
  return postgresTest.url;
}

/** Debian's Chromium, as the HTML report's browser tests open it. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumTest = needsSystem("Debian's chromium", CHROMIUM, 'apt-get install chromium; .ci/run installs it');

/** git, for the HTML report's commit line. */
export const gitTest = needsSystem('git', '/usr/bin/git', 'apt-get install git');

/** What this machine lacks, one line each: vitest.config says them once per run, not once per test file. */
export const missingSystemNotes = (): string[] => [chromiumTest, postgresTest, gitTest].flatMap((t) => (t.note ? [t.note] : []));

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

/** Collects what a self-contained report page must never do: log an error or warning, throw, or fetch anything but its own file. */
export function watchPage(page: import('playwright-core').Page, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
  });
}
