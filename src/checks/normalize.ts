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

let table: { fold: Uint16Array; filler: Uint8Array } | null = null;

/** Built on first use (~30 ms), then shared by every gate in the process. */
export function foldTable(): { fold: Uint16Array; filler: Uint8Array } {
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
  table = { fold, filler };
  return table;
}

/**
 * Calls `emit(unit, origin)` for each folded code unit of `text`, in order, where
 * `origin` is the UTF-16 offset of the original character it came from. Linear: a
 * run of fillers is looked past once and then skipped or emitted.
 */
export function foldInto(text: string, emit: (unit: number, origin: number) => void): void {
  const { fold, filler } = foldTable();
  const n = text.length;
  let prevCjk = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (prevCjk && filler[c]) {
      let j = i + 1;
      while (j < n && (filler[text.charCodeAt(j)] || fold[text.charCodeAt(j)] === DROP)) j++;
      if (j < n && isCjk(text.charCodeAt(j))) {
        i = j;
        continue;
      }
      // Not between CJK: emit the run as it is.
      for (; i < j; i++) {
        const f = fold[text.charCodeAt(i)]!;
        if (f !== DROP) emit(f === COMPLEX ? text.charCodeAt(i) : f, i);
      }
      prevCjk = false;
      continue;
    }
    const f = fold[c]!;
    if (f === DROP) {
      i++;
      continue;
    }
    if (f !== COMPLEX) {
      emit(f, i);
      prevCjk = isCjk(c);
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const folded = text.slice(i, i + width).normalize('NFKC').toLowerCase();
    for (let k = 0; k < folded.length; k++) emit(folded.charCodeAt(k), i);
    prevCjk = false;
    i += width;
  }
}

/** The folded text with, for each unit, the original offset it came from. */
export interface Normalized {
  text: string;
  /** Original UTF-16 offset where normalized unit i came from. */
  start: Uint32Array;
}

export function normalizeForMatch(input: string): Normalized {
  const units: number[] = [];
  const origins: number[] = [];
  foldInto(input, (u, o) => {
    units.push(u);
    origins.push(o);
  });
  let text = '';
  for (let k = 0; k < units.length; k += 4096) text += String.fromCharCode(...units.slice(k, k + 4096));
  return { text, start: Uint32Array.from(origins) };
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
