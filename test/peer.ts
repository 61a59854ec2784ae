import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Peer test suites live in the workplace's shared/ folder beside the repo, never in it.
 * A clone elsewhere points at them with WEIBO_GUARD_PEER_SUITES; missing suites fail
 * the tests loudly in CI; elsewhere (a newcomer's clone in /tmp) vitest.config leaves
 * those test files out and says so, so `npm test` still runs everything else.
 */
export const PEER_ROOT = process.env.WEIBO_GUARD_PEER_SUITES ?? fileURLToPath(new URL('../../shared/peer-suites/', import.meta.url));

/** The tests that read peer suites, so the runner can leave them out (loudly) outside CI. */
export const PEER_TESTS = 'test/**/peer-*.test.ts';
export const peerSuitesPresent = (): boolean => existsSync(PEER_ROOT);

export function peerPath(relative: string): string {
  const file = join(PEER_ROOT, relative);
  if (!existsSync(file)) {
    throw new Error(`peer suite ${relative} not found under ${PEER_ROOT}: the suites sit in shared/peer-suites beside the repo; set WEIBO_GUARD_PEER_SUITES to that folder when the clone is elsewhere`);
  }
  return file;
}

export const readPeer = (relative: string): string => readFileSync(peerPath(relative), 'utf8');
