/**
 * Absolute URLs a link carries to somewhere else: a redirect page's `?u=`, a search
 * engine's `/url?q=`, `/redirect/https://…` in the path. The policy judges them as the
 * link's destination (seed 002: the site a URL directs users to decides).
 *
 * Bounded on purpose: only the first MAX_SCAN characters of path and query are read,
 * at most MAX_PARAMS parameters and MAX_TARGETS targets per link, each value decoded
 * at most twice (a link inside a link inside a link is encoded twice).
 */

export interface EmbeddedTarget {
  /** Where it was found (the fragment is where a single-page app reads its redirect). */
  where: 'query' | 'path' | 'fragment';
  /** The query parameter that carried it; null in the path. */
  param: string | null;
  /** The target as decoded (an absolute URL). */
  value: string;
  /** How many times it was percent-decoded to read it (0, 1 or 2). */
  decoded: number;
}

const MAX_SCAN = 4096;
const MAX_PARAMS = 32;
const MAX_TARGETS = 8;
const MAX_DECODE = 2;

/**
 * An absolute URL a redirect can send to: a special scheme with any slash or
 * backslash (as browsers read `https:/x`), any `scheme://` (an app's deep link such as
 * `weixin://`), or a script or data URL. `12:30`, `note:abc` are not.
 */
const ABSOLUTE = /^(?:(?:https?|wss?|ftp):[/\\]|[a-z][a-z0-9+.-]{1,31}:\/\/|(?:javascript|vbscript|data):)/i;
/** The first absolute URL after a `/` in the path; each try is bounded (32 scheme characters), so linear. */
const IN_PATH = /\/((?:https?|wss?|ftp):[/\\]|[a-z][a-z0-9+.-]{1,31}:\/\/)/i;

const ENCODED_COLON = /%(?:25)?3a/i;

/**
 * Cheap test run on every allowed link: could the path or query hold an absolute URL
 * at all (a `:`, or one encoded once or twice)? Native indexOf first: most paths hold
 * neither `:` nor `%`.
 */
export function mayCarryTarget(path: string): boolean {
  const colon = path.indexOf(':', 1);
  if (colon > 0 && colon < MAX_SCAN) return true;
  const pct = path.indexOf('%', 1);
  return pct > 0 && pct < MAX_SCAN && ENCODED_COLON.test(path.length > MAX_SCAN ? path.slice(0, MAX_SCAN) : path);
}

function decodeOnce(s: string, plus: boolean): string | null {
  if (!s.includes('%') && !(plus && s.includes('+'))) return null;
  try {
    return decodeURIComponent(plus ? s.replace(/\+/g, ' ') : s);
  } catch {
    return null;
  }
}

/** `value` as an absolute URL after at most two decodings, or null. */
function asTarget(value: string, plus: boolean): { value: string; decoded: number } | null {
  let v = value.trim();
  for (let d = 0; d <= MAX_DECODE; d++) {
    if (ABSOLUTE.test(v)) return { value: v, decoded: d };
    if (d === MAX_DECODE) break;
    const next = decodeOnce(v, plus);
    if (next === null) break;
    v = next.trim();
  }
  return null;
}

/** Query parameters as [name, raw value]; at most MAX_PARAMS. */
export function queryParams(query: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let at = 0;
  while (at <= query.length && out.length < MAX_PARAMS) {
    let amp = query.indexOf('&', at);
    if (amp < 0) amp = query.length;
    const pair = query.slice(at, amp);
    if (pair !== '') {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      out.push([decodeOnce(name, true) ?? name, eq < 0 ? '' : pair.slice(eq + 1)]);
    }
    at = amp + 1;
  }
  return out;
}

function pathTarget(p: string, rest: string): { value: string; decoded: number } | null {
  for (let d = 0; d <= MAX_DECODE; d++) {
    const m = IN_PATH.exec(p);
    if (m !== null) {
      const start = (m.index as number) + 1;
      return { value: d === 0 ? p.slice(start) + rest : p.slice(start), decoded: d };
    }
    const next = d < MAX_DECODE ? decodeOnce(p, false) : null;
    if (next === null) return null;
    p = next;
  }
  return null;
}

/**
 * Absolute URLs in `path` (pathname, search and optionally `#fragment`): every query
 * value that is one (decoded up to twice), the first one in the path, then the same in
 * the fragment (`#!/go?u=…`, `#/redirect/https://…`).
 */
export function embeddedTargets(path: string): EmbeddedTarget[] {
  const all = path.length > MAX_SCAN ? path.slice(0, MAX_SCAN) : path;
  if (!mayCarryTarget(all)) return [];
  const out: EmbeddedTarget[] = [];
  const h = all.indexOf('#');
  const scanned = h < 0 ? all : all.slice(0, h);
  const q = scanned.indexOf('?');
  const pathname = q < 0 ? scanned : scanned.slice(0, q);
  if (q >= 0) {
    for (const [name, raw] of queryParams(scanned.slice(q + 1))) {
      const t = asTarget(raw, true);
      if (t !== null) out.push({ where: 'query', param: name, ...t });
      if (out.length >= MAX_TARGETS) return out;
    }
  }
  // In the path the target runs to the end, query included: `/redirect/https://x.cn/a?b=1`.
  const inPath = pathTarget(pathname, q >= 0 ? scanned.slice(q) : '');
  if (inPath !== null) out.push({ where: 'path', param: null, ...inPath });
  if (h < 0) return out;
  const frag = all.slice(h + 1);
  const fq = frag.indexOf('?');
  for (const [name, raw] of queryParams(fq >= 0 ? frag.slice(fq + 1) : frag)) {
    if (out.length >= MAX_TARGETS) return out;
    const t = asTarget(raw, true);
    if (t !== null) out.push({ where: 'fragment', param: name, ...t });
  }
  const inFrag = out.length < MAX_TARGETS ? pathTarget(`/${fq >= 0 ? frag.slice(0, fq) : frag}`, '') : null;
  if (inFrag !== null) out.push({ where: 'fragment', param: null, ...inFrag });
  return out;
}
