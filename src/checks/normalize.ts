/**
 * Folds text the way evasions vary it, keeping a map back to the original offsets so a
 * finding's span underlines what the person wrote: NFKC (full-width `ＶＸ` → `vx`,
 * compatibility forms), lower case, zero-width characters dropped, and spacing or
 * filler punctuation dropped between two CJK characters (`微 信`, `微·信`, `微-信`).
 * One pass, linear; only characters outside ASCII, CJK ideographs and the full-width
 * block pay for String.prototype.normalize.
 */
export interface Normalized {
  text: string;
  /** Original UTF-16 offset where normalized unit i came from. */
  start: Uint32Array;
  /** Original offset just past the character normalized unit i came from. */
  end: Uint32Array;
}

const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x180e]);

/** Separators an evasion puts between CJK characters; dropped only when CJK sits on both sides. */
const FILLER = new Set([...' \t\u3000\u00a0.-_·•*|/\\~,，、。．・'].map((c) => c.codePointAt(0)!));

/** CJK ideographs (unified, extension A, compatibility) and kana: what counts as "between CJK". */
export function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x3040 && c <= 0x30ff);
}

export function normalizeForMatch(input: string): Normalized {
  const n = input.length;
  // NFKC can expand a character (㎏ → kg); grow when needed.
  let cap = n + 16;
  let start = new Uint32Array(cap);
  let end = new Uint32Array(cap);
  let out = '';
  let len = 0;
  const push = (s: string, from: number, to: number) => {
    if (len + s.length > cap) {
      cap = (len + s.length) * 2;
      const ns = new Uint32Array(cap);
      ns.set(start);
      start = ns;
      const ne = new Uint32Array(cap);
      ne.set(end);
      end = ne;
    }
    for (let k = 0; k < s.length; k++) {
      start[len] = from;
      end[len] = to;
      len++;
    }
    out += s;
  };
  let prevCjk = false;
  let i = 0;
  while (i < n) {
    const cp = input.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const from = i;
    i += width;
    if (ZERO_WIDTH.has(cp)) continue;
    if (prevCjk && FILLER.has(cp)) {
      // Look past the run of fillers: drop them only if a CJK character follows.
      let j = i;
      while (j < n && (FILLER.has(input.charCodeAt(j)) || ZERO_WIDTH.has(input.charCodeAt(j)))) j++;
      if (j < n && isCjk(input.charCodeAt(j))) {
        i = j;
        continue;
      }
    }
    let folded: string;
    if (cp < 0x80) folded = cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : input[from]!;
    else if (cp >= 0xff01 && cp <= 0xff5e) folded = String.fromCharCode(cp - 0xfee0).toLowerCase();
    else if (isCjk(cp)) folded = input[from]!;
    else folded = input.slice(from, i).normalize('NFKC').toLowerCase();
    push(folded, from, i);
    prevCjk = isCjk(cp);
  }
  return { text: out, start: start.subarray(0, len), end: end.subarray(0, len) };
}

/** Normalizes a dictionary term the same way, without the offset map. */
export function normalizeTerm(term: string): string {
  return normalizeForMatch(term).text;
}
