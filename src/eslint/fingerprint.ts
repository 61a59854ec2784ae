import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { MAX_POLICY_FILE_BYTES } from '../policy/load.js';

/**
 * What `stat` says about each file, cheap enough to ask once a second: an edit, a
 * replacement (an editor's rename over the file changes the inode), a removal or a
 * creation each change it. Only a change here makes the files be read again.
 */
export function statStamp(files: readonly string[]): string {
  let out = '';
  for (const file of files) {
    try {
      const s = statSync(file, { bigint: true, throwIfNoEntry: false });
      out += s ? `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}|` : '-|';
    } catch (err) {
      // A folder made unreadable is a change too; the loader then names the problem.
      out += `!${(err as NodeJS.ErrnoException).code ?? 'error'}|`;
    }
  }
  return out;
}

/** The file's bytes, or why there are none; never blocks on a FIFO and never reads past the loader's cap. */
function contentOf(file: string): Buffer | string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 'absent';
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) return 'not a file';
    // The loader refuses such a file; its size and time are enough to notice it change.
    if (s.size > MAX_POLICY_FILE_BYTES) return `too large:${s.size}:${s.mtimeMs}`;
    const bytes = Buffer.alloc(s.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } catch {
    return 'unreadable';
  } finally {
    closeSync(fd);
  }
}

const DATE = /\d{4}-\d{2}-\d{2}/g;

/**
 * A content hash of the policy files (path, then bytes or why there are none), plus how
 * many of the dates written in them are already past `today` (YYYY-MM-DD, UTC, as the
 * loader compares). Lint results change when a file does and when a whitelist entry
 * expires, which no file change announces: counting the past dates (every date-shaped
 * token, so no `expires` is missed whatever the syntax around it) changes the fingerprint
 * on exactly the days one of them passes, instead of every day.
 */
export function policyFingerprint(files: readonly string[], today: string): string {
  const hash = createHash('sha256');
  const past = new Set<string>();
  for (const file of files) {
    const content = contentOf(file);
    hash.update(`${file}\0`);
    if (typeof content === 'string') {
      hash.update(`${content}\0`);
      continue;
    }
    hash.update(`${content.length}\0`).update(content);
    for (const m of content.toString('latin1').matchAll(DATE)) if (m[0] < today) past.add(m[0]);
  }
  hash.update(`past dates:${past.size}`);
  return hash.digest('hex').slice(0, 32);
}

/** "Today" as the policy loader reads expiry dates. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
