import { K, LOOKALIKE_DOT, foldAt, foldKindAt, isBareLabelKind, kindAt, widthAt } from './chars.js';
import { isKnownTld, lowerAscii } from './judge.js';
import type { FoldKind } from './types.js';

/**
 * Reading a host out of free text, one label and one separator at a time, folding
 * what a reader sees as a dot. Every loop is bounded by the host caps below, so a
 * candidate costs O(253) at most whatever the text around it holds.
 */

export const MAX_HOST_SCAN = 253;
const MAX_LABEL = 63;
const MAX_GAP = 3;

/** How two labels were joined. Weak joins (spaced, English word) are the easiest to hit by accident. */
export const enum Sep {
  Dot,
  AltDot,
  Bracket,
  WordZh,
  WordEn,
  Spaced,
  /** A list comma, bullet, middle dot or emoji in place of the dot (`evil、cn`, `evil•cn`): only before the TLD. */
  LookAlike,
}

const SEP_FOLD: Record<Sep, FoldKind | null> = {
  [Sep.Dot]: null,
  [Sep.AltDot]: 'fullwidth-dot',
  [Sep.Bracket]: 'bracket-dot',
  [Sep.WordZh]: 'word-dot',
  [Sep.WordEn]: 'word-dot',
  [Sep.Spaced]: 'spaced-dot',
  [Sep.LookAlike]: 'lookalike-dot',
};

/** The bracket closing `c`, or -1 when `c` opens none of the brackets a dot is hidden in. */
function closerOf(c: number): number {
  switch (c) {
    case 0x5b: return 0x5d; // [ ]
    case 0x28: return 0x29; // ( )
    case 0x7b: return 0x7d; // { }
    case 0xff08: return 0xff09; // （ ）
    case 0x3010: return 0x3011; // 【 】
    case 0xff3b: return 0xff3d; // ［ ］
    case 0xff5b: return 0xff5d; // ｛ ｝
    case 0x3014: return 0x3015; // 〔 〕
    default: return -1;
  }
}

const DIAN = 0x70b9; // 点
const DIAN_TRAD = 0x9ede; // 點

/**
 * TLDs a spaced or English-word dot may end in. `dot` and ` . ` occur in ordinary
 * English (`polka dot dress`, `red dot design`), and new gTLDs make nearly any word a
 * TLD, so these weak joins count only before the suffixes spam actually uses.
 */
const WEAK_TLDS: ReadonlySet<string> = new Set([
  'com', 'net', 'org', 'cn', 'info', 'biz', 'top', 'xyz', 'vip', 'cc', 'club', 'online', 'io', 'co', 'tv', 'wang', 'ltd', 'icu', 'hk', 'tw', 'us', 'uk',
]);

/**
 * TLDs a `。`-joined host may end in besides two-letter country codes: the weak-join
 * list and the cheap gTLDs spam registers. `。` is the Chinese full stop, so a TLD
 * that is a capitalised word (`Apple`) is read as the next sentence anyway.
 */
const ALTDOT_TLDS: ReadonlySet<string> = new Set([
  ...WEAK_TLDS,
  'shop', 'site', 'store', 'fun', 'live', 'link', 'work', 'pro', 'asia', 'mobi', 'win', 'ren', 'kim', 'ink', 'art', 'love', 'life', 'tech',
  'app', 'dev', 'xin', 'group', 'cloud', 'space', 'website', 'press', 'host', 'bid', 'loan', 'men', 'date', 'party', 'trade', 'cyou', 'buzz', 'sbs', 'cfd', 'bond',
]);

/** Words that, before ` dot com`, make ordinary English (`the dot com bubble`), not a host. */
const DOT_STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'my', 'your', 'his', 'her', 'its', 'our', 'their', 'of', 'in', 'on', 'at',
  'by', 'for', 'with', 'from', 'to', 'into', 'and', 'or', 'but', 'no', 'any', 'each', 'every', 'some', 'polka', 'red', 'one',
]);

function isSpaceAt(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c === 0x20 || c === 0x3000 || c === 0xa0 || c === 0x09;
}

function skipSpaces(text: string, i: number, max: number): number {
  let j = i;
  while (j - i < max && isSpaceAt(text, j)) j++;
  return j;
}

function isWordDot(text: string, i: number): boolean {
  return (
    i + 3 <= text.length &&
    (text.charCodeAt(i) | 0x20) === 0x64 &&
    (text.charCodeAt(i + 1) | 0x20) === 0x6f &&
    (text.charCodeAt(i + 2) | 0x20) === 0x74
  );
}

/** `[.]`, `(.)`, `（。）`, `[dot]`, `(点)` at `i`: the index after the closer, or -1. */
function readBracketDot(text: string, i: number): number {
  const closer = closerOf(text.charCodeAt(i));
  if (closer < 0) return -1;
  let j = skipSpaces(text, i + 1, 2);
  if (j >= text.length) return -1;
  const c = text.charCodeAt(j);
  if (c === 0x2e || c === 0x3002 || c === 0xff0e || c === 0xff61 || c === DIAN || c === DIAN_TRAD) j++;
  else if (isWordDot(text, j)) j += 3;
  else return -1;
  j = skipSpaces(text, j, 2);
  return j < text.length && text.charCodeAt(j) === closer ? j + 1 : -1;
}

/** Most look-alike characters taken as one dot (an emoji, its modifier, a ZWJ-joined one). */
const MAX_LOOKALIKE = 3;

/** A run of look-alike dot characters at `i` (invisible ones between them allowed): the index after it, or -1. */
function readLookalike(text: string, i: number): number {
  let j = i;
  let n = 0;
  while (j < text.length && n < MAX_LOOKALIKE) {
    const c = text.charCodeAt(j);
    const k = kindAt(text, j);
    if (k === K.Symbol || LOOKALIKE_DOT[c] === 1) n++;
    else if (k !== K.Ignorable || n === 0) break;
    j += widthAt(text, j);
  }
  return n === 0 ? -1 : j;
}

export interface SepHit {
  sep: Sep;
  next: number;
}

/** A separator starting at `i` (right after a label) and where the next label would start. */
function readSep(text: string, i: number, allowWeak: boolean): SepHit | null {
  if (i >= text.length) return null;
  const c = text.charCodeAt(i);
  if (c === 0x2e) return { sep: Sep.Dot, next: i + 1 };
  const k = kindAt(text, i);
  if (k === K.AltDot) return { sep: Sep.AltDot, next: i + 1 };
  if (!allowWeak) {
    const b = readBracketDot(text, i);
    return b < 0 ? null : { sep: Sep.Bracket, next: b };
  }
  if (c === DIAN || c === DIAN_TRAD) return { sep: Sep.WordZh, next: skipSpaces(text, i + 1, MAX_GAP) };
  const b = readBracketDot(text, i);
  if (b >= 0) return { sep: Sep.Bracket, next: skipSpaces(text, b, MAX_GAP) };
  // Gated by the table (an astral emoji starts with a high surrogate): most hosts end at CJK text or `/`.
  if (LOOKALIKE_DOT[c] === 1 || (c & 0xfc00) === 0xd800) {
    const l = readLookalike(text, i);
    if (l >= 0) return { sep: Sep.LookAlike, next: skipSpaces(text, l, MAX_GAP) };
  }
  if (!isSpaceAt(text, i)) return null;
  const s = skipSpaces(text, i, MAX_GAP);
  if (s >= text.length) return null;
  const d = text.charCodeAt(s);
  if (d === 0x2e || d === 0x3002) {
    const t = skipSpaces(text, s + 1, MAX_GAP);
    return t > s + 1 ? { sep: Sep.Spaced, next: t } : null;
  }
  if (d === DIAN || d === DIAN_TRAD) return { sep: Sep.WordZh, next: skipSpaces(text, s + 1, MAX_GAP) };
  if (isWordDot(text, s)) {
    const t = skipSpaces(text, s + 3, MAX_GAP);
    return t > s + 3 ? { sep: Sep.WordEn, next: t } : null;
  }
  const bb = readBracketDot(text, s);
  if (bb >= 0) return { sep: Sep.Bracket, next: skipSpaces(text, bb, MAX_GAP) };
  const ll = readLookalike(text, s);
  if (ll >= 0) return { sep: Sep.LookAlike, next: skipSpaces(text, ll, MAX_GAP) };
  return null;
}

export interface Label {
  /** Folded text: full-width letters made ASCII, invisible characters dropped. */
  value: string;
  start: number;
  end: number;
  /** Separator before this label (Dot for the first). */
  sep: Sep;
  folds: FoldKind[];
}

const NO_FOLDS: readonly FoldKind[] = Object.freeze([]);

/**
 * One label of a bare host at `i`, or null. Ignorables count only between label
 * characters. A label written plainly is sliced from the text; only a disguised one
 * is rebuilt character by character.
 */
function readLabel(text: string, i: number, sep: Sep): Label | null {
  let j = i;
  let end = i;
  let len = 0;
  let plain = true;
  while (j < text.length && len <= MAX_LABEL) {
    const k = kindAt(text, j);
    if (k === K.Ignorable) {
      plain = false;
      j += widthAt(text, j);
      continue;
    }
    if (!isBareLabelKind(k)) break;
    if (k === K.FullAlnum) {
      plain = false;
      // A mathematical letter is a surrogate pair; every other label character one unit.
      j += widthAt(text, j);
    } else j++;
    len++;
    end = j;
  }
  if (len === 0 || len > MAX_LABEL) return null;
  if (plain) return { value: text.slice(i, end), start: i, end, sep, folds: NO_FOLDS as FoldKind[] };
  let value = '';
  const folds: FoldKind[] = [];
  for (let x = i; x < end; x += widthAt(text, x)) {
    const k = kindAt(text, x);
    let fold: FoldKind | null = null;
    if (k === K.Ignorable) fold = 'zero-width';
    else if (k === K.FullAlnum) {
      fold = foldKindAt(text, x);
      value += foldAt(text, x);
    } else value += text.charAt(x);
    if (fold !== null && !folds.includes(fold)) folds.push(fold);
  }
  return { value, start: i, end, sep, folds };
}

export interface HostRun {
  labels: Label[];
  /** Where reading stopped: no bare host starts before this in the same run. */
  scanEnd: number;
}

function startsLabel(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const k = kindAt(text, i);
  return k === K.Alnum || k === K.FullAlnum || k === K.Letter;
}

const IDN_TLD_MAX = 8;

/**
 * An internationalized TLD glued to Chinese text (`twitter.みんなです`): the longest
 * prefix of the CJK run that is a real TLD, tried longest first (at most 8 lookups).
 */
function readIdnTld(text: string, i: number): Label | null {
  let j = i;
  while (j < text.length && j - i < IDN_TLD_MAX && kindAt(text, j) === K.Cjk) j++;
  for (let e = j; e > i; e--) {
    const v = text.slice(i, e);
    if (isKnownTld(v)) return { value: v, start: i, end: e, sep: Sep.Dot, folds: [] };
  }
  return null;
}

function skipInvisible(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < MAX_GAP && kindAt(text, j) === K.Ignorable) j += widthAt(text, j);
  return j;
}

/** `example.com.中国人`: a run that already ends in a TLD does not reach into Chinese text for another. */
function endsInTld(labels: Label[]): boolean {
  return labels.length >= 2 && isKnownTld((labels[labels.length - 1] as Label).value);
}

/** Labels and separators from `i`, greedy, stopping at the first thing that is neither. */
export function readHostRun(text: string, i: number, allowWeak: boolean): HostRun {
  const labels: Label[] = [];
  const first = readLabel(text, i, Sep.Dot);
  if (first === null) return { labels, scanEnd: i + 1 };
  labels.push(first);
  let total = first.value.length;
  let p = first.end;
  while (total <= MAX_HOST_SCAN) {
    // Invisible characters around a dot (`example\u200b.com`) are folded like those inside a label.
    const q = skipInvisible(text, p);
    const hit = readSep(text, q, allowWeak);
    if (hit === null) break;
    const next = skipInvisible(text, hit.next);
    let label: Label | null = null;
    if (hit.sep === Sep.LookAlike) {
      // Taken only as the join before the TLD, or as one of a chain of look-alike joins
      // that ends in one (`www丶fuli丶cc`, `people●com●cn`); never after a run that already
      // ends in a TLD with a real dot: `example.com、weibo.com` is a list of two hosts,
      // `ios、weibo.com` one host.
      const prev = labels[labels.length - 1] as Label;
      if ((endsInTld(labels) && prev.sep !== Sep.LookAlike) || !startsLabel(text, next)) break;
      const tld = readLabel(text, next, hit.sep);
      if (tld === null) break;
      if (q > p || next > hit.next) tld.folds = [...tld.folds, 'zero-width'];
      const after = skipInvisible(text, tld.end);
      const more = readSep(text, after, allowWeak);
      if (more !== null && more.sep === Sep.LookAlike && isLowerLdh(wwwLed(labels) ? lowerAscii(tld.value) : tld.value) && startsLabel(text, skipInvisible(text, more.next))) {
        // A label inside the chain: settleLabels backs off to the last join that ends in a TLD.
        labels.push(tld);
        total += tld.value.length + 1;
        p = tld.end;
        continue;
      }
      if (readSep(text, after, false) !== null || !lookalikeTld(prev, tld, wwwLed(labels))) break;
      labels.push(tld);
      p = tld.end;
      break;
    }
    if (startsLabel(text, next)) label = readLabel(text, next, hit.sep);
    else if (hit.sep === Sep.Dot && next < text.length && kindAt(text, next) === K.Cjk && !endsInTld(labels) && !isDigits((labels[labels.length - 1] as Label).value)) {
      label = readIdnTld(text, next);
      if (label !== null) {
        labels.push(label);
        p = label.end;
        break;
      }
    }
    if (label === null) break;
    if ((q > p || next > hit.next) && !label.folds.includes('zero-width')) label.folds = [...label.folds, 'zero-width'];
    labels.push(label);
    total += label.value.length + 1;
    p = label.end;
  }
  return { labels, scanEnd: Math.max(p, i + 1) };
}

/** `1.中国`: a list number before a glued IDN TLD is a list item, not a host. */
function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * A look-alike join ends in a lower-case TLD of the `。` list (spam writes `evil、cn`),
 * never after an English function word: `AI、AR`, `Mary·Me`, `for😀us` stay text.
 * `caseless` for a run led by `www` (`WWW丶FULI丶CC`): there capitals are no sign of a list.
 */
function lookalikeTld(left: Label, tld: Label, caseless = false): boolean {
  const t = caseless ? lowerAscii(tld.value) : tld.value;
  return isLowerAsciiWord(t) && ALTDOT_TLDS.has(t) && isKnownTld(t) && !DOT_STOPWORDS.has(lowerAscii(left.value));
}

/** A run whose first label is `www`, in any case. */
function wwwLed(labels: readonly Label[]): boolean {
  const v = (labels[0] as Label).value;
  return v.length === 3 && lowerAscii(v) === 'www';
}

/** A host label as spam writes it: lower-case ASCII letters, digits and hyphens. */
function isLowerLdh(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
  }
  return s.length > 0;
}

function isLowerAsciiWord(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) return false;
  }
  return s.length > 0;
}

function isAsciiWord(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return s.length > 0;
}

/** `Apple`, `Nokia`: a capitalised word, which after `。` starts the next sentence. */
function isTitleCase(s: string): boolean {
  const c0 = s.charCodeAt(0);
  if (s.length < 2 || c0 < 0x41 || c0 > 0x5a) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

/** TLDs that a `。` joining plain words may end in: two-letter country codes and the `。` list. */
function disguiseTld(t: string): boolean {
  return (t.length === 2 && isKnownTld(t)) || (ALTDOT_TLDS.has(t) && isKnownTld(t));
}

/** Whether labels[0..m) (m >= 2) end in a TLD the join before it allows. */
function tailAllowed(labels: Label[], m: number): boolean {
  const tld = labels[m - 1] as Label;
  const left = labels[m - 2] as Label;
  const t = lowerAscii(tld.value);
  switch (tld.sep) {
    case Sep.Dot:
      return isKnownTld(t);
    case Sep.WordEn:
      return WEAK_TLDS.has(t) && !DOT_STOPWORDS.has(lowerAscii(left.value));
    case Sep.Spaced:
      return WEAK_TLDS.has(t);
    case Sep.LookAlike:
      return lookalikeTld(left, tld, wwwLed(labels));
    case Sep.AltDot:
      // `。` is also the Chinese full stop: `我买了iPhone。Apple发布…` must not become iphone.apple.
      return isAsciiWord(t) && !isTitleCase(tld.value) && disguiseTld(t);
    default:
      // Brackets and 点 are deliberate; any real ASCII TLD. A non-ASCII one after them is prose.
      return isAsciiWord(t) && isKnownTld(t);
  }
}

function isWeak(sep: Sep): boolean {
  return sep === Sep.WordEn || sep === Sep.Spaced || sep === Sep.WordZh || sep === Sep.Bracket || sep === Sep.AltDot || sep === Sep.LookAlike;
}

/**
 * The longest prefix of the run that ends in an acceptable TLD, backing off only
 * over disguised joins (`example.com dot matrix` → example.com), never over real dots.
 */
export function settleLabels(labels: Label[]): Label[] | null {
  let m = labels.length;
  while (m >= 2) {
    if (tailAllowed(labels, m)) return m === labels.length ? labels : labels.slice(0, m);
    if (!isWeak((labels[m - 1] as Label).sep)) return null;
    m--;
  }
  return null;
}

export function foldsOf(labels: Label[]): FoldKind[] {
  // Most hosts are written plainly: they share one empty list instead of allocating one per link.
  let out: FoldKind[] | null = null;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as Label;
    if (i > 0) {
      const f = SEP_FOLD[l.sep];
      if (f !== null) {
        if (out === null) out = [f];
        else if (!out.includes(f)) out.push(f);
      }
    }
    for (const f of l.folds) {
      if (out === null) out = [f];
      else if (!out.includes(f)) out.push(f);
    }
  }
  return out ?? (NO_FOLDS as FoldKind[]);
}

/** The host the labels spell; a plainly written one is sliced from the text as it stands. */
export function hostOf(text: string, labels: Label[], folds: FoldKind[]): string {
  if (folds.length === 0) return text.slice((labels[0] as Label).start, (labels[labels.length - 1] as Label).end);
  return labels.map((l) => l.value).join('.');
}

/** Dotted-decimal IPv4 written bare (`192.168.1.1`): four decimal labels, each at most 255. */
export function isBareIpv4(labels: Label[]): boolean {
  if (labels.length !== 4) return false;
  for (const l of labels) {
    if (l.sep !== Sep.Dot || l.value.length > 3) return false;
    for (let i = 0; i < l.value.length; i++) {
      const c = l.value.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return false;
    }
    if (Number(l.value) > 255) return false;
  }
  return true;
}

export interface FoldedHost {
  host: string;
  folds: FoldKind[];
  /** First CJK or symbol character in the host, -1 if none: where glued text may begin. */
  firstGlued: number;
}

/**
 * Fold the host of a URL written with a scheme: dots a reader sees (。．｡, `[.]`),
 * full-width letters, invisible characters. Everything else is left to WHATWG.
 */
export function foldSchemeHost(text: string, start: number, end: number): FoldedHost {
  let special = false;
  for (let j = start; j < end; j++) {
    const k = kindAt(text, j);
    if (k !== K.Alnum && k !== K.Dot && k !== K.Hyphen && k !== K.Underscore) {
      special = true;
      break;
    }
  }
  if (!special) return { host: text.slice(start, end), folds: NO_FOLDS as FoldKind[], firstGlued: -1 };
  let host = '';
  const folds = new Set<FoldKind>();
  let firstGlued = -1;
  let lookalike = false;
  let j = start;
  while (j < end) {
    const k = kindAt(text, j);
    const c = text.charCodeAt(j);
    if (k === K.AltDot) {
      host += '.';
      folds.add('fullwidth-dot');
      j++;
    } else if (k === K.FullAlnum) {
      host += foldAt(text, j);
      folds.add(foldKindAt(text, j));
      j += widthAt(text, j);
    } else if (k === K.Ignorable) {
      folds.add('zero-width');
      j += widthAt(text, j);
    } else {
      const b = closerOf(c) >= 0 ? readBracketDot(text, j) : -1;
      if (b >= 0 && b <= end) {
        host += '.';
        folds.add('bracket-dot');
        j = b;
        continue;
      }
      if (firstGlued < 0 && (k === K.Cjk || k === K.Symbol)) firstGlued = j;
      if (LOOKALIKE_DOT[c] === 1) lookalike = true;
      const w = widthAt(text, j);
      host += text.slice(j, j + w);
      j += w;
    }
  }
  if (firstGlued >= 0 || lookalike) {
    // `http://evil●cn/x`: look-alike dots before a real TLD are dots here as in free text.
    const la = lookalikeHost(text, start, end);
    if (la !== null) {
      folds.add('lookalike-dot');
      return { host: la, folds: [...folds], firstGlued: -1 };
    }
  }
  return { host, folds: [...folds], firstGlued };
}

/**
 * The host of a scheme URL's authority text[start, end) read with look-alike dots as
 * dots, or null unless every look-alike stands between two lower-case LDH labels and the
 * last label is a TLD a look-alike join may end in (the free-text rule, lookalikeTld).
 * Anything else in the host (CJK text, an emoji not between labels) keeps it as written.
 */
function lookalikeHost(text: string, start: number, end: number): string | null {
  let host = '';
  let label = '';
  let prev = '';
  let joins = 0;
  let j = start;
  while (j < end) {
    const k = kindAt(text, j);
    const c = text.charCodeAt(j);
    if (k === K.Alnum || k === K.Hyphen) {
      label += String.fromCharCode(c | (k === K.Alnum && c >= 0x41 && c <= 0x5a ? 0x20 : 0));
      j++;
    } else if (k === K.FullAlnum) {
      label += foldAt(text, j).toLowerCase();
      j += widthAt(text, j);
    } else if (k === K.Ignorable) {
      j += widthAt(text, j);
    } else if (k === K.Dot || k === K.AltDot) {
      if (label === '') return null;
      host += `${label}.`;
      prev = label;
      label = '';
      j++;
    } else {
      const r = LOOKALIKE_DOT[c] === 1 || k === K.Symbol ? readLookalike(text, j) : -1;
      if (r < 0 || r > end || label === '' || !isLowerLdh(label)) return null;
      host += `${label}.`;
      prev = label;
      label = '';
      joins++;
      j = r;
    }
  }
  if (joins === 0 || label === '' || prev === '') return null;
  if (!isLowerAsciiWord(label) || !ALTDOT_TLDS.has(label) || !isKnownTld(label) || DOT_STOPWORDS.has(prev)) return null;
  return host + label;
}
