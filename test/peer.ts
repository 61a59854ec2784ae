import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Peer test suites live in the workplace's shared/ folder beside the repo, never in it.
 * A clone elsewhere points at them with WEIBO_GUARD_PEER_SUITES; missing suites fail
 * the tests loudly instead of passing without them.
 */
const root = process.env.WEIBO_GUARD_PEER_SUITES ?? fileURLToPath(new URL('../../shared/peer-suites/', import.meta.url));

export function peerPath(relative: string): string {
  const file = join(root, relative);
  if (!existsSync(file)) {
    throw new Error(`peer suite ${relative} not found under ${root}: the suites sit in shared/peer-suites beside the repo; set WEIBO_GUARD_PEER_SUITES to that folder when the clone is elsewhere`);
  }
  return file;
}

export const readPeer = (relative: string): string => readFileSync(peerPath(relative), 'utf8');
