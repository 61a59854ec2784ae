/**
 * The WHATWG URL serialization of `scheme://host` + `rest` for the case that is
 * most of real traffic (http/https, a plain ASCII host, an ASCII path with nothing
 * to percent-encode or resolve), computed without `new URL`. `new URL` costs about
 * as much as the rest of judging a link (measured: ~150-300 ns of ~1 µs a link), and
 * the link bench needs the finder well ahead of linkify-it. Everything outside this
 * narrow case returns null and goes to `new URL`; a property test checks that every
 * answer given here is exactly what `new URL` gives.
 */

export interface ParsedUrl {
  scheme: string;
  href: string;
  /** WHATWG hostname ('' for none). */
  hostname: string;
  /** pathname + search (search is '' when the query is empty). */
  path: string;
}

/** Characters WHATWG keeps as they are in path, query and fragment of a special URL. */
const SAFE: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (const ch of "-._~!$&()*+,;=:@/?#%") t[ch.charCodeAt(0)] = 1;
  return t;
})();

/** Lower-cased `host` when it is plain LDH ASCII that WHATWG leaves alone, else null. */
function plainHost(host: string): string | null {
  const n = host.length;
  if (n === 0 || n > 253) return null;
  let labelStart = 0;
  let upper = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? host.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const len = i - labelStart;
      if (len === 0 || len > 63) return null;
      // Punycode labels need decoding and validation: leave them to WHATWG.
      if (len >= 4 && (host.charCodeAt(labelStart) | 0x20) === 0x78 && (host.charCodeAt(labelStart + 1) | 0x20) === 0x6e && host.charCodeAt(labelStart + 2) === 0x2d && host.charCodeAt(labelStart + 3) === 0x2d) return null;
      labelStart = i + 1;
      continue;
    }
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) return null;
  }
  // A last label starting with a digit may be an IPv4 number (`1.2.3.4`, `0x7f`): WHATWG's job.
  const last = host.lastIndexOf('.') + 1;
  const f = host.charCodeAt(last) | 0x20;
  if (f < 0x61 || f > 0x7a) return null;
  return upper ? host.toLowerCase() : host;
}

export function fastParse(scheme: 'http' | 'https', host: string, rest: string): ParsedUrl | null {
  const h = plainHost(host);
  if (h === null) return null;
  const n = rest.length;
  if (n > 0) {
    const c0 = rest.charCodeAt(0);
    if (c0 !== 0x2f && c0 !== 0x3f && c0 !== 0x23) return null;
  }
  let query = -1;
  let hash = -1;
  let segStart = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? rest.charCodeAt(i) : -1;
    if (c >= 0 && (c > 0x7f || SAFE[c] === 0)) return null;
    if (query < 0 && hash < 0) {
      if (c === 0x25 && i + 2 < n && rest.charCodeAt(i + 1) === 0x32 && (rest.charCodeAt(i + 2) | 0x20) === 0x65) return null; // %2e: an encoded dot segment
      if (c === 0x2f || c === 0x3f || c === 0x23 || c === -1) {
        // `.` and `..` segments are resolved by WHATWG: not our case.
        const len = i - segStart;
        if (segStart > 0 && rest.charCodeAt(segStart - 1) === 0x2f && ((len === 1 && rest.charCodeAt(segStart) === 0x2e) || (len === 2 && rest.charCodeAt(segStart) === 0x2e && rest.charCodeAt(segStart + 1) === 0x2e))) return null;
        segStart = i + 1;
      }
      if (c === 0x3f) query = i;
      else if (c === 0x23) hash = i;
    } else if (hash < 0 && c === 0x23) hash = i;
  }
  const pathEnd = query >= 0 ? query : hash >= 0 ? hash : n;
  const pathname = pathEnd === 0 ? '/' : rest.slice(0, pathEnd);
  const search = query >= 0 ? rest.slice(query, hash >= 0 ? hash : n) : '';
  const tail = pathEnd === 0 ? rest : rest.slice(pathEnd);
  return {
    scheme,
    href: `${scheme}://${h}${pathname}${tail}`,
    hostname: h,
    path: pathname + (search.length > 1 ? search : ''),
  };
}

/** What a browser makes of `href`: the fields the judge reads, or null when it makes no URL. */
export function slowParse(href: string): ParsedUrl | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  return { scheme: url.protocol.slice(0, -1), href: url.href, hostname: url.hostname, path: url.pathname + url.search };
}

/** `scheme://host` + `rest` parsed by the fast path when it applies, else by WHATWG. */
export function parseParts(scheme: string, host: string, rest: string): ParsedUrl | null {
  if (scheme === 'http' || scheme === 'https') {
    const fast = fastParse(scheme, host, rest);
    if (fast !== null) return fast;
  }
  return slowParse(`${scheme}://${host}${rest}`);
}
