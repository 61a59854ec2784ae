/**
 * Folds text the way evasions vary it: NFKC (full-width `ＶＸ` → `vx`, compatibility
 * forms), lower case, zero-width characters dropped, and spacing or filler punctuation
 * dropped between two CJK characters (`微 信`, `微·信`, `微-信`). Clause punctuation
 * (，。！？) is never dropped: the competitor check reads clauses from it.
 *
 * The fold of every BMP code unit is compiled once into a table, so the matcher folds
 * as it scans (no normalized copy, no offset map to build): calling
 * String.prototype.normalize per character is what made the first version slow.
 */

/** FOLD[c]: the single code unit c folds to, or DROP, or COMPLEX (surrogates, expansions such as ㎏ → kg). */
export const DROP = 0xffff;
export const COMPLEX = 0xfffe;

const ZERO_WIDTH = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x180e];

/** Separators an evasion puts between CJK characters; dropped only when CJK sits on both sides. */
const FILLER_CHARS = ' \t\u3000\u00a0.-_·•*|/\\~、・';

/** CJK ideographs (unified, extension A, compatibility) and kana: what counts as "between CJK". */
export function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x3040 && c <= 0x30ff);
}

/** FLAGS[c]: bit 0 filler, bit 1 CJK. */
export const FILLER = 1;
export const CJK = 2;

let table: { fold: Uint16Array; filler: Uint8Array; flags: Uint8Array } | null = null;

/** Built on first use (~30 ms), then shared by every gate in the process. */
export function foldTable(): { fold: Uint16Array; filler: Uint8Array; flags: Uint8Array } {
  if (table) return table;
  const fold = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) {
      fold[c] = COMPLEX;
      continue;
    }
    const s = String.fromCharCode(c).normalize('NFKC').toLowerCase();
    fold[c] = s.length === 1 ? s.charCodeAt(0) : s.length === 0 ? DROP : COMPLEX;
  }
  for (const z of ZERO_WIDTH) fold[z] = DROP;
  const filler = new Uint8Array(0x10000);
  for (const ch of FILLER_CHARS) filler[ch.charCodeAt(0)] = 1;
  const flags = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) flags[c] = (filler[c] ? FILLER : 0) | (isCjk(c) ? CJK : 0);
  table = { fold, filler, flags };
  return table;
}

/** Output of foldInto: reused between calls (the gate is synchronous), grown when a text needs more. */
export interface FoldBuffer {
  units: Uint16Array;
  /** Original UTF-16 offset each folded unit came from. */
  origins: Uint32Array;
}

export function foldBuffer(capacity = 1024): FoldBuffer {
  return { units: new Uint16Array(capacity), origins: new Uint32Array(capacity) };
}

function grow(buf: FoldBuffer, need: number): void {
  const size = Math.max(need, buf.units.length * 2);
  const units = new Uint16Array(size);
  units.set(buf.units);
  const origins = new Uint32Array(size);
  origins.set(buf.origins);
  buf.units = units;
  buf.origins = origins;
}

/**
 * Folds `text` into `buf` and returns how many units were written. Linear: a run of
 * fillers is looked past once and then skipped or copied. Plain loops over typed
 * arrays, no callback per character: this runs over every string the gate sees.
 */
export function foldInto(text: string, buf: FoldBuffer): number {
  const { fold, flags } = foldTable();
  const n = text.length;
  if (buf.units.length < n) grow(buf, n);
  const units = buf.units;
  const origins = buf.origins;
  let len = 0;
  let prevCjk = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const fl = flags[c]!;
    const f = fold[c]!;
    if (f < COMPLEX && (prevCjk & fl) === 0) {
      // The common case: one unit in, one unit out.
      units[len] = f;
      origins[len++] = i;
      prevCjk = (fl & CJK) >> 1;
      continue;
    }
    if (f === DROP) continue;
    if ((prevCjk & fl) !== 0) {
      // Fillers after a CJK character: dropped when another CJK character follows.
      let j = i + 1;
      while (j < n && (flags[text.charCodeAt(j)]! & FILLER || fold[text.charCodeAt(j)] === DROP)) j++;
      if (j < n && flags[text.charCodeAt(j)]! & CJK) {
        i = j - 1;
        continue;
      }
      prevCjk = 0;
      i--; // emit the filler as an ordinary character
      continue;
    }
    // A surrogate pair or an NFKC expansion (㎏ → kg): rare, and may outgrow the buffer.
    return foldComplex(text, buf, i, len);
  }
  return len;
}

/** foldInto from offset `i` on, once a character folds to something other than one unit. */
function foldComplex(text: string, buf: FoldBuffer, from: number, written: number): number {
  const { fold, flags } = foldTable();
  const n = text.length;
  let len = written;
  let prevCjk = 0;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    const f = fold[c]!;
    if (f === DROP) {
      i++;
      continue;
    }
    if (prevCjk && flags[c]! & FILLER) {
      let j = i + 1;
      while (j < n && (flags[text.charCodeAt(j)]! & FILLER || fold[text.charCodeAt(j)] === DROP)) j++;
      if (j < n && flags[text.charCodeAt(j)]! & CJK) {
        i = j;
        continue;
      }
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const folded = f !== COMPLEX ? String.fromCharCode(f) : text.slice(i, i + width).normalize('NFKC').toLowerCase();
    if (len + folded.length + (n - i) > buf.units.length) grow(buf, len + folded.length + (n - i));
    for (let k = 0; k < folded.length; k++) {
      buf.units[len] = folded.charCodeAt(k);
      buf.origins[len++] = i;
    }
    prevCjk = f !== COMPLEX && flags[c]! & CJK ? 1 : 0;
    i += width;
  }
  return len;
}

/** The folded text with, for each unit, the original offset it came from. */
export interface Normalized {
  text: string;
  /** Original UTF-16 offset where normalized unit i came from. */
  start: Uint32Array;
}

export function normalizeForMatch(input: string): Normalized {
  const buf = foldBuffer(input.length);
  const len = foldInto(input, buf);
  let text = '';
  for (let k = 0; k < len; k += 4096) text += String.fromCharCode(...buf.units.subarray(k, Math.min(len, k + 4096)));
  return { text, start: buf.origins.slice(0, len) };
}

/** Normalizes a dictionary term the same way the text is folded. */
export function normalizeTerm(term: string): string {
  return normalizeForMatch(term).text;
}

/** Offset just past the original character at `origin` (a surrogate pair is two units). */
export function originEnd(text: string, origin: number): number {
  const c = text.charCodeAt(origin);
  return c >= 0xd800 && c <= 0xdbff && origin + 1 < text.length ? origin + 2 : origin + 1;
}
