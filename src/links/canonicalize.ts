import { K, kindAt } from './chars.js';
import { foldSchemeHost, foldsOf, hostOf, isBareIpv4, readHostRun, settleLabels, type FoldedHost, type Label } from './host.js';
import { slowParse } from './fasturl.js';
import { OPAQUE_SCHEMES, SPECIAL_SCHEMES } from './find.js';
import { invisiblesIn } from './invisible.js';
import { judge, lowerAscii, type Candidate } from './judge.js';
import type { FoundLink } from './types.js';

/**
 * Judge one string that is meant to be a URL (an article's `url` or `image` field)
 * with the same folding and canonicalization as findLinks. The span covers the whole
 * input. Null when the string is not a URL at all.
 */

function isSchemeChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

/** WHATWG strips leading and trailing C0 controls and spaces; so do we, to find the parts. */
function isStrippable(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c <= 0x20 || kindAt(text, i) === K.Ignorable;
}

function schemeEnd(text: string, s: number, e: number): number {
  const c0 = text.charCodeAt(s);
  if (!((c0 >= 0x61 && c0 <= 0x7a) || (c0 >= 0x41 && c0 <= 0x5a))) return -1;
  let j = s + 1;
  while (j < e && j - s <= 32 && isSchemeChar(text.charCodeAt(j))) j++;
  return j < e && text.charCodeAt(j) === 0x3a ? j : -1;
}

function authorityEnd(text: string, a: number, e: number): number {
  let j = a;
  while (j < e) {
    const c = text.charCodeAt(j);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) break;
    j++;
  }
  return j;
}

function hostSpan(text: string, a: number, authEnd: number): { hs: number; he: number; at: boolean } {
  let hs = a;
  for (let j = authEnd - 1; j >= a; j--) {
    if (text.charCodeAt(j) === 0x40) {
      hs = j + 1;
      break;
    }
  }
  let he = authEnd;
  if (text.charCodeAt(hs) === 0x5b) {
    for (let j = hs; j < authEnd; j++) {
      if (text.charCodeAt(j) === 0x5d) {
        he = j + 1;
        break;
      }
    }
  } else {
    for (let j = authEnd - 1; j >= hs; j--) {
      if (text.charCodeAt(j) === 0x3a) {
        he = j;
        break;
      }
    }
  }
  return { hs, he, at: hs > a };
}

function judgeHref(href: string, cand: Candidate, requireKnownSuffix: boolean): FoundLink | null {
  const url = slowParse(href);
  return url === null ? null : judge(url, cand, { requireKnownSuffix });
}

/** Where the authority starts after `scheme:`, or -1: any run of `/` and `\` for a special scheme (as WHATWG), `//` for others. */
function authorityStart(input: string, scheme: string, colon: number, e: number): number {
  if (!SPECIAL_SCHEMES.has(scheme)) return input.charCodeAt(colon + 1) === 0x2f && input.charCodeAt(colon + 2) === 0x2f ? colon + 3 : -1;
  let a = colon + 1;
  while (a < e && (input.charCodeAt(a) === 0x2f || input.charCodeAt(a) === 0x5c)) a++;
  return a > colon + 1 ? a : -1;
}

function withScheme(input: string, s: number, e: number, colon: number): FoundLink | null {
  const base: Candidate = { start: 0, end: input.length, raw: input, form: 'scheme', folded: [], credentials: false };
  const c3 = input.charCodeAt(colon + 3);
  // `scheme://host`, the common case, needs no scheme read; other slash runs only count for special schemes.
  const plainSlashes = input.charCodeAt(colon + 1) === 0x2f && input.charCodeAt(colon + 2) === 0x2f && c3 !== 0x2f && c3 !== 0x5c;
  const a = plainSlashes ? colon + 3 : authorityStart(input, lowerAscii(input.slice(s, colon)), colon, e);
  if (a < 0) return judgeHref(input.slice(s, e), base, false);
  const authEnd = authorityEnd(input, a, e);
  const { hs, he, at } = hostSpan(input, a, authEnd);
  const folded = foldSchemeHost(input, hs, he);
  // Only a folded host or a written userinfo can hold one: the scheme was read as scheme characters.
  if (plainSlashes && !folded.folds.includes('zero-width') && !(at && hasHidden(input, a, hs))) {
    const cand: Candidate = { ...base, form: folded.folds.length > 0 ? 'obfuscated' : 'scheme', folded: folded.folds, credentials: at };
    return judgeHref(input.slice(s, hs) + folded.host + input.slice(he, e), cand, false);
  }
  return withHidden(input, s, e, colon, a, authEnd, hs, he, at, folded, base);
}

/** withScheme for a lenient slash run or invisible characters: the href is rebuilt from its parts. */
function withHidden(input: string, s: number, e: number, colon: number, a: number, authEnd: number, hs: number, he: number, at: boolean, folded: FoldedHost, base: Candidate): FoundLink | null {
  const hidden = invisiblesIn(input, s, authEnd);
  const folds = hidden.length > 0 && !folded.folds.includes('zero-width') ? [...folded.folds, 'zero-width'] : folded.folds;
  const cand: Candidate = { ...base, form: folds.length > 0 ? 'obfuscated' : 'scheme', folded: folds, credentials: at };
  const userinfo = input.slice(a, hs);
  const link = judgeHref(`${lowerAscii(input.slice(s, colon))}://${hidden.length > 0 ? stripHidden(userinfo) : userinfo}${folded.host}${input.slice(he, e)}`, cand, false);
  if (link !== null && hidden.length > 0) link.invisible = hidden;
  return link;
}

function hasHidden(s: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (kindAt(s, j) === K.Ignorable) return true;
  return false;
}

function stripHidden(s: string): string {
  let out = '';
  for (let j = 0; j < s.length; j++) if (kindAt(s, j) !== K.Ignorable) out += s.charAt(j);
  return out;
}

/** `example.com/path`, `//example.com`, `example[.]com`: a host that must fill the input up to its port/path. */
function withoutScheme(input: string, s: number, e: number): FoundLink | null {
  let h = s;
  if (input.charCodeAt(h) === 0x2f && input.charCodeAt(h + 1) === 0x2f) h += 2;
  const run = readHostRun(input, h, true);
  const labels = isBareIpv4(run.labels) ? run.labels : settleLabels(run.labels);
  if (labels === null) return null;
  const last = labels[labels.length - 1] as Label;
  const rest = input.slice(last.end, e);
  if (rest !== '' && !/^[:/?#]/.test(rest)) return null;
  const folds = foldsOf(labels);
  const cand: Candidate = { start: 0, end: input.length, raw: input, form: folds.length > 0 ? 'obfuscated' : 'bare', folded: folds, credentials: false };
  const link = judgeHref(`http://${hostOf(input, labels, folds)}${rest}`, cand, true);
  if (link !== null && folds.includes('zero-width')) {
    const hidden = invisiblesIn(input, s, last.end);
    if (hidden.length > 0) link.invisible = hidden;
  }
  return link;
}

/**
 * `example.com:8080/x` and `localhost:3000` are a host and a port, not the schemes
 * `example.com` and `localhost` that the URL grammar would make of them: a browser's
 * address bar reads them as hosts, and so do we. Followed by `//` it is a scheme
 * (apps register reverse-DNS ones: `com.example.app://`).
 */
function hostAndPort(input: string, s: number, colon: number, e: number): boolean {
  if (input.charCodeAt(colon + 1) === 0x2f && input.charCodeAt(colon + 2) === 0x2f) return false;
  for (let j = s; j < colon; j++) if (input.charCodeAt(j) === 0x2e) return true;
  if (OPAQUE_SCHEMES.has(input.slice(s, colon).toLowerCase())) return false;
  let j = colon + 1;
  while (j < e && j - colon <= 5 && input.charCodeAt(j) >= 0x30 && input.charCodeAt(j) <= 0x39) j++;
  if (j === colon + 1) return false;
  const c = j < e ? input.charCodeAt(j) : -1;
  return c === -1 || c === 0x2f || c === 0x3f || c === 0x23;
}

export function canonicalize(input: string): FoundLink | null {
  let s = 0;
  let e = input.length;
  while (s < e && isStrippable(input, s)) s++;
  while (e > s && isStrippable(input, e - 1)) e--;
  if (s === e) return null;
  const colon = schemeEnd(input, s, e);
  return colon >= 0 && !hostAndPort(input, s, colon, e) ? withScheme(input, s, e, colon) : withoutScheme(input, s, e);
}
