import { CAN_START, K, PATH_UNIT, START_PUNCT, isPathKind, kindAt, kindOfUnit, widthAt } from './chars.js';
import { MAX_HOST_SCAN, foldSchemeHost, foldsOf, hostOf, isBareIpv4, readHostRun, settleLabels, type Label } from './host.js';
import { parseParts, slowParse, type ParsedUrl } from './fasturl.js';
import { isKnownTld, judge, lowerAscii, unparsedLink, type Candidate } from './judge.js';
import { resolveFindLinksOptions, type FindLinksOptions, type ResolvedFindLinksOptions } from './options.js';
import { invisiblesIn } from './invisible.js';
import { readsAsFileName } from './filename.js';
import { MINI_PROGRAM_SCHEME, type FoundLink } from './types.js';

/**
 * findLinks: one left-to-right pass. At each position it asks two cheap questions
 * (could a scheme start here? could a bare host start here?) and each candidate is
 * read with a bounded look-ahead. Two floors make the pass linear: once a scheme
 * read fails at j, or a host run fails at j, no other start before j is tried.
 */

const MAX_SCHEME = 32;
/** Longest authority (userinfo + host + port) read; longer is not something a reader follows. */
const MAX_AUTHORITY = 2048;

/** Schemes a reader can tap that carry no `//`. Others need `scheme://` to count. */
export const OPAQUE_SCHEMES: ReadonlySet<string> = new Set(['javascript', 'vbscript', 'data', 'mailto', 'tel', 'sms', 'blob', 'intent']);

/**
 * WHATWG's special schemes other than file: after `scheme:` any run of `/` and `\`
 * starts the authority (`https:/x`, `https:\x`, `http:/\x`, `https:///x` all open x).
 */
export const SPECIAL_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ws', 'wss', 'ftp']);

/** SPECIAL_SCHEMES.has, without hashing a freshly sliced string on every scheme read. */
function isSpecial(s: string): boolean {
  return s === 'https' || s === 'http' || s === 'wss' || s === 'ws' || s === 'ftp';
}

/** Longest run of slashes read after a special scheme; WHATWG takes any number, a reader a few. */
const MAX_SLASHES = 16;

function code(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : -1;
}

function isSchemeChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** A scheme may start here: not in the middle of a word, a cashtag (`$http`) or an identifier (`_http`). */
function schemeBoundary(text: string, i: number): boolean {
  if (i === 0) return true;
  const p = text.charCodeAt(i - 1);
  return !isSchemeChar(p) && p !== 0x24 && p !== 0x5f;
}

/**
 * A bare host may start here. Not inside a word or host, not after `@` (e-mail
 * addresses are contact details, not links), `$` (cashtag), `/` or `\` (file
 * paths: `/path/to/file.pl`), nor inside a colon chain (`path:to:file.pm`); but
 * after `URL:`, Chinese text, `。`, spaces and brackets (`请访问example.com`).
 */
function bareBoundary(text: string, i: number): boolean {
  if (i === 0) return true;
  const k = kindAt(text, i - 1);
  if (k === K.Alnum || k === K.FullAlnum || k === K.Letter || k === K.Hyphen || k === K.Underscore) return false;
  // After `...`, ` .` or `：.` a host may start; after `a.` it is inside a host that
  // already failed, after `//.` inside a URL that did.
  if (k === K.Dot) return i === 1 || opensText(kindAt(text, i - 2));
  const p = text.charCodeAt(i - 1);
  if (p === 0x40 || p === 0x24 || p === 0x5c) return false;
  if (p === 0x2f) return protocolRelative(text, i);
  if (p === 0x3a) return !colonChain(text, i - 1);
  return true;
}

/** Whether the `:` at `colon` ends the second link of a chain like `path:to:` (looked back at most 32). */
function colonChain(text: string, colon: number): boolean {
  let j = colon;
  while (j > 0 && colon - j < 32 && kindAt(text, j - 1) === K.Alnum) j--;
  return j < colon && j > 0 && text.charCodeAt(j - 1) === 0x3a;
}

function opensText(k: K): boolean {
  return k === K.Dot || k === K.Space || k === K.Cjk || k === K.CjkPunct || k === K.AltDot || k === K.Quote || k === K.Control;
}

/** `//example.com` standing alone (not `///x`, not `a//x`, not `http://`). */
function protocolRelative(text: string, i: number): boolean {
  if (i < 2 || text.charCodeAt(i - 2) !== 0x2f) return false;
  if (i === 2) return true;
  const k = kindAt(text, i - 3);
  return k === K.Space || k === K.CjkPunct || k === K.Cjk || k === K.Quote || k === K.AltDot || k === K.Control || text.charCodeAt(i - 3) === 0x28;
}

/** Trailing characters that end a sentence rather than a URL (`http://x.com/a.`, `…/a!!!`). */
function isTrailingPunct(c: number): boolean {
  return c === 0x2e || c === 0x2c || c === 0x3b || c === 0x3a || c === 0x21 || c === 0x3f || c === 0x2a;
}

/**
 * End of a path or query starting at `i`: ASCII URL characters and non-CJK
 * letters; a CJK character, full-width punctuation, space, quote or an unmatched
 * closing bracket ends it (`详情见weibo.com/u/1谢谢`, `(see http://x.com/a)`).
 */
export function scanPath(text: string, i: number): number {
  depth.fill(0);
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (PATH_UNIT[c] === 0) {
      // Surrogates are not in the table; an astral character is a path character only by its code point.
      if (c < 0xd800 || c > 0xdfff || !isPathKind(kindAt(text, j))) break;
      j += widthAt(text, j);
      continue;
    }
    if (!countBracket(c)) break;
    j++;
  }
  return j;
}

/** Open-bracket depths `(`, `[`, `{` of the URL part being scanned; one scratch array, reset by each scan (scans never nest). */
const depth = new Int32Array(3);

/**
 * Counts `c` if it is a bracket. False for a closer without its opener: it closes
 * text around the link (`(see http://x.com/a)`), so the URL part ends there.
 */
function countBracket(c: number): boolean {
  // `(` `)` are 0x28-0x29, `[` `]` 0x5b/0x5d, `{` `}` 0x7b/0x7d: the high bits pick the pair.
  if (c === 0x28 || c === 0x5b || c === 0x7b) depth[(c >> 5) - 1]!++;
  else if (c === 0x29 || c === 0x5d || c === 0x7d) {
    const b = (c >> 5) - 1;
    if (depth[b] === 0) return false;
    depth[b]!--;
  }
  return true;
}

/**
 * Drop sentence punctuation from the end of [start, end). A trailing `'` goes when
 * the link holds an odd number of them (it closes a quote around the link), stays
 * when balanced (`…/'singlequoted'`). Counted once, so trimming stays linear.
 */
export function trimTrailing(text: string, start: number, end: number): number {
  let quotes = -1;
  let e = end;
  while (e > start) {
    const c = text.charCodeAt(e - 1);
    if (isTrailingPunct(c) || kindAt(text, e - 1) === K.Ignorable) e--;
    else if (c === 0x27) {
      if (quotes < 0) {
        quotes = 0;
        for (let j = start; j < e; j++) if (text.charCodeAt(j) === 0x27) quotes++;
      }
      if (quotes % 2 === 0) break;
      quotes--;
      e--;
    } else break;
  }
  return e;
}

interface Hit {
  link: FoundLink | null;
  /** Where scanning resumes (after the link), or the floor for further starts of this kind. */
  next: number;
}

function isAuthorityEnd(c: number): boolean {
  return c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c;
}

/**
 * `scheme:` at i: the scheme's end (index of `:`), or -1 with `floor` the first index
 * no scheme can span. Invisible characters inside it (`ht\u200btps:`) are skipped:
 * `hidden` is the first of them (-1 for none).
 */
function readScheme(text: string, i: number): { colon: number; floor: number; hidden: number } {
  let j = i;
  while (j < text.length && j - i <= MAX_SCHEME && isSchemeChar(text.charCodeAt(j))) j++;
  if (j < text.length && j - i <= MAX_SCHEME && kindAt(text, j) === K.Ignorable) return readHiddenScheme(text, i, j);
  if (j - i > MAX_SCHEME || code(text, j) !== 0x3a) return { colon: -1, floor: j, hidden: -1 };
  return { colon: j, floor: j, hidden: -1 };
}

/** readScheme from the first invisible character `hidden` on: kept apart so the common read stays small. */
function readHiddenScheme(text: string, i: number, hidden: number): { colon: number; floor: number; hidden: number } {
  let j = hidden;
  while (j < text.length && j - i <= MAX_SCHEME) {
    if (isSchemeChar(text.charCodeAt(j))) j++;
    else if (kindAt(text, j) === K.Ignorable) j += widthAt(text, j);
    else break;
  }
  if (j - i > MAX_SCHEME || code(text, j) !== 0x3a) return { colon: -1, floor: j, hidden };
  return { colon: j, floor: j, hidden };
}

/** text[from, to) without its invisible characters (only called when there are some). */
function withoutHidden(text: string, from: number, to: number): string {
  let out = '';
  for (let j = from; j < to; j += widthAt(text, j)) if (kindAt(text, j) !== K.Ignorable) out += text.charAt(j) + (widthAt(text, j) === 2 ? text.charAt(j + 1) : '');
  return out;
}

/** Scan the authority of `scheme://` from `a`: its end and the last `@` in it. */
function scanAuthority(text: string, a: number): { end: number; at: number } | null {
  let j = a;
  let at = -1;
  depth.fill(0);
  const limit = Math.min(text.length, a + MAX_AUTHORITY + 1);
  while (j < limit) {
    const c = text.charCodeAt(j);
    const u = AUTH_UNIT[c];
    if (u === AUTH_PLAIN) {
      j++;
      continue;
    }
    if (u === AUTH_STOP) break;
    if (u === AUTH_ASTRAL) {
      const k = kindAt(text, j);
      if (k === K.Control) break;
      j += widthAt(text, j);
      continue;
    }
    if (c === 0x40) at = j;
    else if (!countBracket(c)) break;
    j++;
  }
  if (j - a > MAX_AUTHORITY) return null;
  return { end: j, at };
}

const AUTH_PLAIN = 0;
const AUTH_STOP = 1;
const AUTH_SPECIAL = 2;
const AUTH_ASTRAL = 3;

/**
 * What each code unit does to an authority: ends it (`/?#\`, `}`, spaces, controls,
 * quotes, CJK punctuation), needs a look (brackets, `@`), or is part of it.
 */
const AUTH_UNIT: Uint8Array = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) t[c] = AUTH_ASTRAL;
    else if (isAuthorityEnd(c) || c === 0x7d) t[c] = AUTH_STOP;
    else if (c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || c === 0x40) t[c] = AUTH_SPECIAL;
    else {
      const k = kindOfUnit(c);
      t[c] = k === K.Space || k === K.Control || k === K.Quote || k === K.CjkPunct ? AUTH_STOP : AUTH_PLAIN;
    }
  }
  return t;
})();

/** Host span inside [hs, end): up to the port colon (outside an IPv6 literal). Searches only inside the span. */
function hostEnd(text: string, hs: number, end: number): number {
  if (code(text, hs) === 0x5b) {
    for (let j = hs; j < end; j++) if (text.charCodeAt(j) === 0x5d) return j + 1;
    return end;
  }
  for (let j = end - 1; j >= hs; j--) if (text.charCodeAt(j) === 0x3a) return j;
  return end;
}

function lastLabel(host: string): string {
  const dot = host.lastIndexOf('.');
  return dot >= 0 ? host.slice(dot + 1) : host;
}

function tryHierarchical(text: string, i: number, scheme: string, a: number, schemeHidden: boolean): Hit | null {
  const auth = scanAuthority(text, a);
  if (auth === null) return null;
  const hs = auth.at >= 0 ? auth.at + 1 : a;
  let he = hostEnd(text, hs, auth.end);
  const heFolded = he;
  let folded = foldSchemeHost(text, hs, he);
  let end: number;
  if (folded.firstGlued >= 0 && !isKnownTld(lastLabel(folded.host))) {
    // `http://example.com中国語` or `http://t.cn😀`: a host running into Chinese text or
    // an emoji without ending in a real TLD stops where that text begins.
    end = folded.firstGlued;
    while (end > hs && kindAt(text, end - 1) === K.AltDot) end--;
    end = trimTrailing(text, hs, end);
    he = Math.min(he, end);
  } else {
    end = isAuthorityEnd(code(text, auth.end)) ? scanPath(text, auth.end) : auth.end;
    end = trimTrailing(text, i, end);
    if (end < auth.end) he = hostEnd(text, hs, end);
  }
  if (he > end) he = end;
  if (he !== heFolded) folded = foldSchemeHost(text, hs, he);
  if (folded.host.length === 0 && scheme !== 'file') return null;
  const raw = text.slice(i, end);
  // Without userinfo or port the parts are scheme, host and rest: the fast path may apply.
  if (auth.at < 0 && !schemeHidden && code(text, he) !== 0x3a) {
    const cand: Candidate = { start: i, end, raw, form: folded.folds.length > 0 ? 'obfuscated' : 'scheme', folded: folded.folds, credentials: false };
    const url = parseParts(scheme, text, hs, he, end, folded.folds.length === 0 && folded.firstGlued < 0 ? null : folded.host);
    return judged(url, cand, scheme, text, i, auth.end);
  }
  const userinfo = auth.at >= 0 ? text.slice(a, hs) : '';
  const hiddenInfo = userinfo !== '' && hasHidden(userinfo);
  let folds = folded.folds;
  if ((schemeHidden || hiddenInfo) && !folds.includes('zero-width')) folds = [...folds, 'zero-width'];
  const cand: Candidate = { start: i, end, raw, form: folds.length > 0 ? 'obfuscated' : 'scheme', folded: folds, credentials: auth.at >= 0 && auth.at < end };
  const url = slowParse(`${scheme}://${hiddenInfo ? withoutHidden(userinfo, 0, userinfo.length) : userinfo}${folded.host}${text.slice(he, end)}`);
  return judged(url, cand, scheme, text, i, auth.end);
}

/**
 * The hit for a parsed (or unparseable) scheme URL. A written URL no parser accepts
 * (bad port, `xn--` garbage) is still shown to the reader as a link: reported with url
 * null, for the policy to refuse.
 */
function judged(url: ParsedUrl | null, cand: Candidate, scheme: string, text: string, i: number, authEnd: number): Hit | null {
  if (url === null) return { link: withInvisible(unparsedLink(cand, scheme), text, i, Math.min(authEnd, cand.end)), next: cand.end };
  const link = judge(url, cand, { requireKnownSuffix: false });
  if (link === null) return null;
  return { link: link.folded.length === 0 ? link : withInvisible(link, text, i, Math.min(authEnd, cand.end)), next: cand.end };
}

function hasHidden(s: string): boolean {
  for (let j = 0; j < s.length; j++) if (kindAt(s, j) === K.Ignorable) return true;
  return false;
}

/** The link with the invisible characters of text[from, to) listed, when it folded any. */
function withInvisible(link: FoundLink, text: string, from: number, to: number): FoundLink {
  if (!link.folded.includes('zero-width')) return link;
  const found = invisiblesIn(text, from, to);
  if (found.length > 0) link.invisible = found;
  return link;
}

/**
 * Where the body of an opaque scheme link ends, or -1 when it is a word and a colon
 * rather than a link: `Data:2024` is a label, `data:text/html,…` a URL (RFC 2397
 * needs the comma, which stays in the span even when `<` follows it); `tel:`/`sms:`
 * need a number.
 */
function opaqueEnd(scheme: string, text: string, start: number): number {
  const scanned = scanPath(text, start);
  const end = trimTrailing(text, start, scanned);
  if (end <= start) return -1;
  if (scheme === 'data') {
    for (let j = start; j < scanned; j++) if (text.charCodeAt(j) === 0x2c) return Math.max(end, j + 1);
    return -1;
  }
  if (scheme === 'tel' || scheme === 'sms') {
    const c = text.charCodeAt(start);
    return c === 0x2b || (c >= 0x30 && c <= 0x39) ? end : -1;
  }
  return end;
}

function tryOpaque(text: string, i: number, colon: number): Hit | null {
  const scheme = lowerAscii(text.slice(i, colon));
  const end = opaqueEnd(scheme, text, colon + 1);
  if (end < 0) return null;
  const raw = text.slice(i, end);
  const cand: Candidate = { start: i, end, raw, form: 'scheme', folded: [], credentials: false };
  const url = slowParse(raw);
  return { link: url === null ? unparsedLink(cand, scheme) : judge(url, cand, { requireKnownSuffix: false }), next: end };
}

/** Index after the run of `/` and `\` at `j` (at most MAX_SLASHES read). */
function slashRun(text: string, j: number): number {
  let e = j;
  while (e - j < MAX_SLASHES && (code(text, e) === 0x2f || code(text, e) === 0x5c)) e++;
  return e;
}

/** A link written with a scheme at i, or null with the floor for further scheme starts. */
function tryScheme(text: string, i: number): Hit {
  const read = readScheme(text, i);
  const { colon, floor } = read;
  if (colon < 0) return { link: null, next: floor };
  const hidden = read.hidden >= 0;
  const scheme = lowerAscii(hidden ? withoutHidden(text, i, colon) : text.slice(i, colon));
  // `ht\u200btps://` reads as https to anyone; an invisible character in any other scheme ends it where it stands.
  if (hidden && !isSpecial(scheme)) return { link: null, next: read.hidden };
  if (isSpecial(scheme)) {
    const a = slashRun(text, colon + 1);
    if (a > colon + 1) return tryHierarchical(text, i, scheme, a, hidden) ?? { link: null, next: a };
  } else if (code(text, colon + 1) === 0x2f && code(text, colon + 2) === 0x2f) {
    return tryHierarchical(text, i, scheme, colon + 3, hidden) ?? { link: null, next: colon + 1 };
  }
  if (OPAQUE_SCHEMES.has(scheme)) return tryOpaque(text, i, colon) ?? { link: null, next: colon + 1 };
  return { link: null, next: colon + 1 };
}

/** Characters an e-mail local part may hold after a host-like start (RFC 5322 atext and `.`). */
function isAtext(c: number): boolean {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  return c === 0x2e || c === 0x2b || c === 0x2d || c === 0x5f || c === 0x21 || c === 0x23 || c === 0x24 || c === 0x25 || c === 0x26 || c === 0x27 || c === 0x2a || c === 0x3d || c === 0x5e || c === 0x7b || c === 0x7d || c === 0x7c || c === 0x7e;
}

/** Whether text from `i` continues an e-mail local part up to `@` (looked at for at most 64 characters). */
function isEmailLocalPart(text: string, i: number): boolean {
  let j = i;
  while (j < text.length && j - i < 64 && isAtext(text.charCodeAt(j))) j++;
  return code(text, j) === 0x40;
}

function ldh(labels: Label[]): boolean {
  for (const l of labels) {
    if (l.value.charCodeAt(0) === 0x2d || l.value.charCodeAt(l.value.length - 1) === 0x2d) return false;
  }
  return true;
}

/** `:8080` after a bare host: the index after the port, or `i` when there is none. */
function readPort(text: string, i: number): number {
  if (code(text, i) !== 0x3a) return i;
  let j = i + 1;
  while (j < text.length && j - i <= 5) {
    const c = text.charCodeAt(j);
    if (c < 0x30 || c > 0x39) break;
    j++;
  }
  if (j === i + 1 || j - i > 6 || kindAt(text, j) === K.Alnum) return i;
  return j;
}

/** A scheme-less host at i (`example.com`, `example 点 cn`), with its port and path. */
function tryBare(text: string, i: number, start: number): Hit {
  const run = readHostRun(text, i, true);
  const fail: Hit = { link: null, next: run.scanEnd };
  const labels = isBareIpv4(run.labels) ? run.labels : settleLabels(run.labels);
  if (labels === null || !ldh(labels)) return fail;
  const last = labels[labels.length - 1] as Label;
  // `a_b.com` is no DNS host; `name.al+x@foo.com`, `john.doe.gov@mail.com` are e-mail addresses.
  if (code(text, last.end) === 0x5f || isEmailLocalPart(text, last.end)) return fail;
  let end = readPort(text, last.end);
  const c = code(text, end);
  if (c === 0x2f || c === 0x3f || c === 0x23) end = Math.max(end, trimTrailing(text, end, scanPath(text, end)));
  const folds = foldsOf(labels);
  const cand: Candidate = { start, end, raw: text.slice(start, end), form: folds.length > 0 ? 'obfuscated' : 'bare', folded: folds, credentials: false };
  const first = labels[0] as Label;
  const url = parseParts('http', text, first.start, last.end, end, folds.length === 0 ? null : hostOf(text, labels, folds));
  const link = url === null ? null : judge(url, cand, { requireKnownSuffix: true });
  if (link === null) return fail;
  if (folds.length === 0 && start === i && readsAsFileName(labels, last.end, end)) link.fileName = true;
  return { link: folds.length === 0 ? link : withInvisible(link, text, start, last.end), next: end };
}

const MAX_CJK_LABEL = 63;

function isCjkDot(c: number): boolean {
  return c === 0x2e || c === 0xff0e;
}

/**
 * An all-CJK host around the dot at `d` (`访问 商城.中国 领取`): the CJK run before
 * the dot (not before `from`), then CJK labels joined by `.` or `．`, the last a real
 * TLD (tldts) with a boundary after it. The boundary keeps ordinary text out:
 * `我们在中国.中国很大` has no TLD label standing alone. `。` never joins CJK labels:
 * it ends Chinese sentences. `next` is where a failed read stopped.
 */
function tryCjkHost(text: string, d: number, from: number): Hit | null {
  if (d === 0 || kindAt(text, d - 1) !== K.Cjk || d + 1 >= text.length || kindAt(text, d + 1) !== K.Cjk) return null;
  let s = d;
  const lo = Math.max(from, d - MAX_CJK_LABEL);
  while (s > lo && kindAt(text, s - 1) === K.Cjk) s--;
  const fail: Hit = { link: null, next: d + 1 };
  if (s === d || (s > from && kindAt(text, s - 1) === K.Cjk)) return fail;
  let dot = d;
  let labelEnd = d;
  let total = d - s;
  let fullwidth = text.charCodeAt(d) === 0xff0e;
  for (;;) {
    let e = dot + 1;
    while (e < text.length && e - dot <= MAX_CJK_LABEL && kindAt(text, e) === K.Cjk) e++;
    if (e === dot + 1 || e - dot > MAX_CJK_LABEL) return { link: null, next: e };
    total += e - dot;
    labelEnd = e;
    if (total > MAX_HOST_SCAN) return { link: null, next: e };
    const c = code(text, e);
    if (isCjkDot(c) && e + 1 < text.length && kindAt(text, e + 1) === K.Cjk) {
      if (c === 0xff0e) fullwidth = true;
      dot = e;
      continue;
    }
    break;
  }
  const after = labelEnd < text.length ? kindAt(text, labelEnd) : K.Space;
  if (after === K.Alnum || after === K.FullAlnum || after === K.Letter || after === K.Hyphen || after === K.Underscore) return { link: null, next: labelEnd };
  if (!isKnownTld(text.slice(dot + 1, labelEnd))) return { link: null, next: labelEnd };
  const host = fullwidth ? text.slice(s, labelEnd).replace(/．/g, '.') : text.slice(s, labelEnd);
  let end = readPort(text, labelEnd);
  const c = code(text, end);
  if (c === 0x2f || c === 0x3f || c === 0x23) end = Math.max(end, trimTrailing(text, end, scanPath(text, end)));
  const folds = fullwidth ? ['fullwidth-dot'] : [];
  const cand: Candidate = { start: s, end, raw: text.slice(s, end), form: fullwidth ? 'obfuscated' : 'bare', folded: folds, credentials: false };
  const url = cjkParse(`http://${host}${text.slice(labelEnd, end)}`);
  const link = url === null ? null : judge(url, cand, { requireKnownSuffix: true });
  return link === null ? { link: null, next: labelEnd } : { link, next: end };
}

/**
 * slowParse of an all-CJK host URL, remembered: IDNA makes `new URL` the main cost of
 * such a link (measured: findLinks on 1 Mi of `商城.中国 ` took 317 ms of CPU without
 * this, 101 ms with it), and one account's replies repeat their hosts. Bounded like
 * suffixFacts' memo.
 */
function cjkParse(href: string): ParsedUrl | null {
  let hit = cjkMemo.get(href);
  if (hit === undefined) {
    hit = slowParse(href);
    if (cjkMemo.size >= 4096) cjkMemo.clear();
    cjkMemo.set(href, hit === null ? null : Object.freeze(hit));
  }
  return hit;
}

const cjkMemo = new Map<string, ParsedUrl | null>();

/** `小程序` or traditional `小程式` at i. */
function miniProgramAt(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== 0x5c0f || text.charCodeAt(i + 1) !== 0x7a0b) return false;
  const c = text.charCodeAt(i + 2);
  return c === 0x5e8f || c === 0x5f0f;
}

const MAX_MINI_NAME = 64;
const MAX_MINI_CODE = 128;
/** Spaces taken around `:` and after `//` (`#小程序 :// 店铺/x`): a typing slip, not a new sentence. */
const MAX_MINI_GAP = 2;

function isMiniCodeChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f;
}

function skipMiniGap(text: string, j: number): number {
  let e = j;
  while (e - j < MAX_MINI_GAP && (code(text, e) === 0x20 || code(text, e) === 0x3000)) e++;
  return e;
}

/**
 * `#小程序://名称/code` (also `＃`, `：`, `／`, traditional 小程式, a space or two around
 * `:` or after `//`): how WeChat shares a mini program as text; WeChat opens it as it
 * opens its mini-program URL Scheme. The name runs to `/`, a space or punctuation; the
 * code is the short ASCII token after it. Without the `#` the code is required, so that
 * prose about the format (`小程序://是什么`) stays text.
 */
function tryMiniProgram(text: string, i: number): Hit | null {
  const c0 = text.charCodeAt(i);
  const hash = c0 === 0x23 || c0 === 0xff03;
  if (!miniProgramAt(text, hash ? i + 1 : i)) return null;
  let j = skipMiniGap(text, hash ? i + 4 : i + 3);
  const colon = code(text, j);
  if (colon !== 0x3a && colon !== 0xff1a) return null;
  j = skipMiniGap(text, j + 1);
  for (let n = 0; n < 2; n++, j++) if (code(text, j) !== 0x2f && code(text, j) !== 0xff0f) return null;
  j = skipMiniGap(text, j);
  const nameStart = j;
  while (j < text.length && j - nameStart < MAX_MINI_NAME) {
    const c = text.charCodeAt(j);
    const k = kindAt(text, j);
    if (c === 0x2f || c === 0xff0f || k === K.Space || k === K.CjkPunct || k === K.Quote || k === K.Control || (k === K.AsciiPunct && c !== 0x2d && c !== 0x2e)) break;
    j += widthAt(text, j);
  }
  if (j === nameStart || j - nameStart >= MAX_MINI_NAME) return null;
  let end = j;
  if (code(text, j) === 0x2f || code(text, j) === 0xff0f) {
    let e = j + 1;
    while (e < text.length && e - j <= MAX_MINI_CODE && isMiniCodeChar(text.charCodeAt(e))) e++;
    if (e > j + 1) end = e;
  }
  if (!hash && end === j) return null;
  end = trimTrailing(text, i, end);
  const raw = text.slice(i, end);
  return { link: miniProgramLink(i, end, raw, text.slice(nameStart, end)), next: end };
}

function miniProgramLink(start: number, end: number, raw: string, body: string): FoundLink {
  const link = unparsedLink({ start, end, raw, form: 'miniprogram', folded: [], credentials: false }, MINI_PROGRAM_SCHEME);
  link.path = `/${body}`;
  return link;
}

function keep(link: FoundLink, o: ResolvedFindLinksOptions): boolean {
  if (!o.obfuscated && link.form === 'obfuscated') return false;
  if (!o.schemes && !link.web) return false;
  return true;
}

/**
 * The next index where a link could start. Most of a Chinese text cannot: it is
 * skipped by table lookups, four at a time (measured ~25% faster than one at a time,
 * and this loop is a third of scanning a typical reply).
 */
function skipToStart(text: string, from: number): number {
  let i = from;
  const n = text.length;
  const n4 = n - 3;
  for (;;) {
    while (i < n4 && (CAN_START[text.charCodeAt(i)]! | CAN_START[text.charCodeAt(i + 1)]! | CAN_START[text.charCodeAt(i + 2)]! | CAN_START[text.charCodeAt(i + 3)]!) === 0) i += 4;
    while (i < n && CAN_START[text.charCodeAt(i)] === 0) i++;
    // An ASCII dot starts something only after CJK text (商城.中国): passed over here, not
    // in the main loop (measured: +50% CPU on 1 Mi of `a.` when each dot took a turn of
    // the main loop; a dot-aware inner loop here cost replies 4%, so the loops stay tight).
    if (i >= n) return i;
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (i > 0 && text.charCodeAt(i - 1) >= 0x2e80) return i;
    } else if (c !== 0x5c0f || text.charCodeAt(i + 1) === 0x7a0b) return i;
    // `小` starts something only as 小程序/小程式: 小时, 小店 are passed over here too.
    i++;
  }
}

/**
 * Every link a reader could follow in `text`, in order, with UTF-16 spans into the
 * original text. Linear in the length of `text`.
 */
export function findLinks(text: string, options?: FindLinksOptions): FoundLink[] {
  const o = resolveFindLinksOptions(options);
  const out: FoundLink[] = [];
  const n = text.length;
  let schemeFloor = 0;
  let bareFloor = 0;
  let i = 0;
  let cjkFloor = 0;
  let lastEnd = 0;
  const max = o.maxLinks ?? Infinity;
  while (i < n && out.length < max) {
    i = skipToStart(text, i);
    if (i >= n) break;
    const k = kindAt(text, i);
    if (k === K.Alnum && i >= schemeFloor && isAsciiLetter(text.charCodeAt(i)) && schemeBoundary(text, i)) {
      const hit = tryScheme(text, i);
      if (hit.link !== null) {
        if (keep(hit.link, o)) out.push(hit.link);
        i = bareFloor = schemeFloor = lastEnd = hit.next;
        continue;
      }
      schemeFloor = hit.next;
    }
    if (o.bare && (k === K.Alnum || k === K.FullAlnum || k === K.Letter) && i >= bareFloor && bareBoundary(text, i)) {
      const start = i >= 1 && text.charCodeAt(i - 1) === 0x2f ? i - 2 : i;
      const hit = tryBare(text, i, start);
      if (hit.link !== null) {
        if (keep(hit.link, o)) out.push(hit.link);
        i = bareFloor = schemeFloor = lastEnd = hit.next;
        continue;
      }
      bareFloor = hit.next;
    }
    if (CAN_START[text.charCodeAt(i)] === START_PUNCT) {
      // The starts that are not letters: a dot inside CJK text, `#` or `小` of 小程序.
      const hit = isCjkDot(text.charCodeAt(i)) ? (o.bare && i >= cjkFloor && i > lastEnd ? tryCjkHost(text, i, lastEnd) : null) : o.schemes ? tryMiniProgram(text, i) : null;
      if (hit !== null) {
        if (hit.link !== null) {
          if (keep(hit.link, o)) out.push(hit.link);
          i = bareFloor = schemeFloor = lastEnd = hit.next;
          continue;
        }
        if (isCjkDot(text.charCodeAt(i))) cjkFloor = hit.next;
      }
    }
    // One unit on: after a start that is a surrogate pair (𝐞), its low half starts nothing.
    i++;
  }
  return out;
}
