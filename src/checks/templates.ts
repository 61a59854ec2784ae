import type { Finding, Verdict } from '../findings.js';

/**
 * Judging a template, not a live message. The audit and the ESLint plugin read reply
 * templates out of source files; both call these helpers so they read a template the
 * same way and report the same findings for it.
 */

/**
 * Keys whose string value is meant as a link target (`url: '…'`, `href="…"`): such a
 * string is judged as one URL, any other string as free text.
 */
const URL_KEYS: ReadonlySet<string> = new Set(['url', 'href', 'link']);

/** How a string found under `key` (a property, attribute or mapping key) is judged. */
export function kindForKey(key: string | null | undefined): 'text' | 'url' {
  return key !== null && key !== undefined && URL_KEYS.has(key.toLowerCase()) ? 'url' : 'text';
}

/** What stands for a part of a template that cannot be known statically (a variable, a call, a spread). */
export const UNKNOWN_VALUE = '\u2026';

/**
 * True when `path` is one of the `unknown` paths or lies under one (`data` covers
 * `data.text` and `data[0]`; `''` covers everything): a finding there is about a value
 * the template does not fix, so it is not real. One set look-up per ancestor of
 * `path`, so the cost does not grow with the number of unknown parts.
 */
function underUnknown(path: string, unknown: ReadonlySet<string>): boolean {
  if (unknown.size === 0) return false;
  if (unknown.has('') || unknown.has(path)) return true;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if ((c === '.' || c === '[') && unknown.has(path.slice(0, i))) return true;
  }
  return false;
}

/**
 * A template has no receiver yet (the sender fills it in at send time), so its absence
 * is not a finding: a stand-in receiver is added and its path counted as unknown. Any
 * other value (a receiver the template does set, a non-object) is left as it is.
 */
function withReceiverStandIn(value: unknown, unknown: ReadonlySet<string>): { value: unknown; unknown: ReadonlySet<string> } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'receiver_id' in value) return { value, unknown };
  return { value: { receiver_id: '1', ...value }, unknown: new Set([...unknown, 'receiver_id']) };
}

/**
 * A payload template's findings: `check` (the gate's, with the caller's context) judges
 * the value with a stand-in receiver, and findings under unknown parts are dropped.
 */
export function templatePayloadFindings(check: (message: unknown) => Verdict, value: unknown, unknown: ReadonlySet<string>): Finding[] {
  const t = withReceiverStandIn(value, unknown);
  return check(t.value).findings.filter((f) => !underUnknown(f.path, t.unknown));
}
