// The WHATWG URL serialization of `scheme://host` + `rest` for the case that is
// most of real traffic (http/https, a plain ASCII host, an ASCII path with nothing
// to percent-encode or resolve), computed without `new URL`. `new URL` costs about
// as much as the rest of judging a link (measured: ~150-300 ns of ~1 µs a link), and
// the link bench needs the finder well ahead of linkify-it. Everything outside this
// narrow case returns null and goes to `new URL`; a property test checks that every
// answer given here is exactly what `new URL` gives.

export interface ParsedUrl {
  scheme: string;
  href: string;
  /** WHATWG hostname ('' for none). */
  hostname: string;
  /** pathname + search (search is '' when the query is empty). */
  path: string;
  /** Set by the fast path: hostname is plain LDH ASCII, labels 1-63, at most 253, ending in a letter-led label. */
  plainHost?: true;
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

/**
 * Whether text[hs, he) is a plain LDH ASCII host that WHATWG leaves alone but for
 * case: 0 no, 1 yes and lower-case already, 2 yes with capitals.
 */
function plainHost(text: string, hs: number, he: number): 0 | 1 | 2 {
  const n = he - hs;
  if (n === 0 || n > 253) return 0;
  let labelStart = hs;
  let upper = false;
  for (let i = hs; i <= he; i++) {
    const c = i < he ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const len = i - labelStart;
      if (len === 0 || len > 63) return 0;
      // Punycode labels need decoding and validation: leave them to WHATWG.
      if (len >= 4 && (text.charCodeAt(labelStart) | 0x20) === 0x78 && (text.charCodeAt(labelStart + 1) | 0x20) === 0x6e && text.charCodeAt(labelStart + 2) === 0x2d && text.charCodeAt(labelStart + 3) === 0x2d) return 0;
      labelStart = i + 1;
      continue;
    }
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) return 0;
  }
  // A last label starting with a digit may be an IPv4 number (`1.2.3.4`, `0x7f`): WHATWG's job.
  let last = he - 1;
  while (last > hs && text.charCodeAt(last - 1) !== 0x2e) last--;
  const f = text.charCodeAt(last) | 0x20;
  if (f < 0x61 || f > 0x7a) return 0;
  return upper ? 2 : 1;
}

/**
 * The fast path over spans of one text: host text[hs, he), rest text[he, re) (the
 * rest follows the host directly, as it does in a URL written out).
 */
function fastParseSpan(scheme: 'http' | 'https', text: string, hs: number, he: number, re: number): ParsedUrl | null {
  const plain = plainHost(text, hs, he);
  if (plain === 0) return null;
  if (re > he) {
    const c0 = text.charCodeAt(he);
    if (c0 !== 0x2f && c0 !== 0x3f && c0 !== 0x23) return null;
  }
  let query = -1;
  let hash = -1;
  let segStart = he;
  for (let i = he; i <= re; i++) {
    const c = i < re ? text.charCodeAt(i) : -1;
    if (c >= 0 && (c > 0x7f || SAFE[c] === 0)) return null;
    if (query < 0 && hash < 0) {
      if (c === 0x25 && i + 2 < re && text.charCodeAt(i + 1) === 0x32 && (text.charCodeAt(i + 2) | 0x20) === 0x65) return null; // %2e: an encoded dot segment
      if (c === 0x2f || c === 0x3f || c === 0x23 || c === -1) {
        // `.` and `..` segments are resolved by WHATWG: not our case.
        const len = i - segStart;
        if (segStart > he && text.charCodeAt(segStart - 1) === 0x2f && ((len === 1 && text.charCodeAt(segStart) === 0x2e) || (len === 2 && text.charCodeAt(segStart) === 0x2e && text.charCodeAt(segStart + 1) === 0x2e))) return null;
        segStart = i + 1;
      }
      if (c === 0x3f) query = i;
      else if (c === 0x23) hash = i;
    } else if (hash < 0 && c === 0x23) hash = i;
  }
  const pathEnd = query >= 0 ? query : hash >= 0 ? hash : re;
  const hostname = plain === 1 ? text.slice(hs, he) : text.slice(hs, he).toLowerCase();
  const prefix = scheme === 'http' ? 'http://' : 'https://';
  // With a lower-case host and a path, the href is the text as written.
  const href = plain === 1 && pathEnd > he ? prefix + text.slice(hs, re) : `${prefix}${hostname}/${text.slice(pathEnd > he ? he + 1 : he, re)}`;
  const pathname = pathEnd === he ? '/' : text.slice(he, pathEnd);
  const searchEnd = hash >= 0 ? hash : re;
  return {
    scheme,
    href,
    hostname,
    path: query >= 0 && searchEnd - query > 1 ? pathname + text.slice(query, searchEnd) : pathname,
    plainHost: true,
  };
}

export function fastParse(scheme: 'http' | 'https', host: string, rest: string): ParsedUrl | null {
  return fastParseSpan(scheme, host + rest, 0, host.length, host.length + rest.length);
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

/**
 * `scheme://` + host + rest, where the rest text[he, re) follows the host in `text`.
 * `host` is text[hs, he) when null (written plainly), else the folded host.
 */
export function parseParts(scheme: string, text: string, hs: number, he: number, re: number, host: string | null): ParsedUrl | null {
  if (scheme === 'http' || scheme === 'https') {
    const fast = host === null ? fastParseSpan(scheme, text, hs, he, re) : fastParse(scheme, host, text.slice(he, re));
    if (fast !== null) return fast;
  }
  return slowParse(`${scheme}://${host ?? text.slice(hs, he)}${text.slice(he, re)}`);
}
