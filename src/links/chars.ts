/**
 * Character classes for the link scanner, one byte per UTF-16 code unit, compiled
 * once at load time. The scanner looks a class up per character instead of running
 * a regular expression over user text, which keeps every pass linear and lets the
 * rules for Chinese text (where CJK ends a link) be stated as data.
 */
export const enum K {
  /** Non-ASCII symbol or unassigned (✪, ☀, private use): allowed in a scheme URL's host only. */
  Symbol = 0,
  /** ASCII letter or digit. */
  Alnum,
  Hyphen,
  Underscore,
  Dot,
  /** What a reader sees as a dot: 。 U+3002, ． U+FF0E, ｡ U+FF61. */
  AltDot,
  /**
   * A letter or digit NFKC folds to one ASCII letter or digit: full-width (Ａ, ｅ, ０),
   * circled (ⓔ, ①), super/subscript (ᵉ, ²), letterlike (ℯ). Read as that ASCII character.
   */
  FullAlnum,
  /**
   * Renders as nothing, so a reader never sees it, while a URL parser may act on it:
   * zero-width space/joiners, word joiner, BOM, soft hyphen, variation selectors, C0
   * and C1 controls other than white space (NUL included), DEL, bidi marks, embeddings,
   * overrides and isolates, tag characters. Dropped inside a link and reported.
   */
  Ignorable,
  /** CJK ideographs, kana, hangul, bopomofo: end a bare host and a path. */
  Cjk,
  /** CJK and full-width punctuation (，、）」 …): end every link. */
  CjkPunct,
  /** Unicode white space. */
  Space,
  /** A lone surrogate: no character at all, it ends every link. */
  Control,
  /** Non-ASCII, non-CJK letter, mark or digit (é, д, ം): a host or path character. */
  Letter,
  /** Quotes and angle brackets that end a link: `" < > \`` and “”‘’«». */
  Quote,
  /** Other printable ASCII punctuation (path characters). */
  AsciiPunct,
  /** Non-ASCII, non-CJK punctuation (– en dash, …): a path character. */
  Punct,
  /** A UTF-16 surrogate: classified from the whole code point at run time. */
  Surrogate,
}

const P_LETTER = 1;
const P_PUNCT = 2;
const P_SPACE = 4;
const P_CJK = 8;
const P_CONTROL = 16;
const P_IGNORABLE = 32;

/**
 * Unicode properties of every BMP code unit, found with one global regex pass per
 * property over a string of all of them (surrogates replaced by U+0000, so a match
 * index is the code unit). One pass costs a few ms; a test per code unit cost ~70 ms
 * of start-up (measured), which every CLI command pays.
 */
const PROPS: Uint8Array = (() => {
  const units = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) units[c] = c >= 0xd800 && c <= 0xdfff ? 0 : c;
  const all = new TextDecoder('utf-16le', { ignoreBOM: true }).decode(units);
  const bits = new Uint8Array(0x10000);
  const mark = (re: RegExp, bit: number): void => {
    for (const m of all.matchAll(re)) for (let i = m.index; i < m.index + m[0].length; i++) bits[i] = (bits[i] as number) | bit;
  };
  mark(/[\p{L}\p{M}\p{N}]+/gu, P_LETTER);
  mark(/\p{P}+/gu, P_PUNCT);
  mark(/\s+/gu, P_SPACE);
  mark(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]+/gu, P_CJK);
  mark(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu, P_CONTROL);
  mark(/\p{Default_Ignorable_Code_Point}+/gu, P_IGNORABLE);
  return bits;
})();

const has = (c: number, bit: number): boolean => ((PROPS[c] as number) & bit) !== 0;

/**
 * The ASCII letter or digit NFKC folds a compatibility character to (0 for none).
 * Looked for outside the CJK blocks only, where such characters live, and in one
 * normalize() call: each candidate is followed by U+0001, a control that composes
 * with nothing, so the result splits back into one piece per candidate.
 */
const FOLD_ASCII: Uint8Array = (() => {
  const t = new Uint8Array(0x10000);
  const candidates: number[] = [];
  for (const [from, to] of [
    [0x00a0, 0x33ff],
    [0xa700, 0xa7ff],
    [0xff00, 0xffef],
  ] as const) {
    for (let c = from; c <= to; c++) if (!has(c, P_CJK) && !has(c, P_SPACE) && !has(c, P_CONTROL)) candidates.push(c);
  }
  const pieces = candidates.map((c) => String.fromCharCode(c)).join('\u0001').normalize('NFKC').split('\u0001');
  if (pieces.length !== candidates.length) throw new Error('links/chars: NFKC merged a separator; the fold table would be wrong');
  for (let i = 0; i < candidates.length; i++) {
    const n = pieces[i] as string;
    if (n.length !== 1) continue;
    const a = n.charCodeAt(0);
    if ((a >= 0x30 && a <= 0x39) || (a >= 0x41 && a <= 0x5a) || (a >= 0x61 && a <= 0x7a)) t[candidates[i] as number] = a;
  }
  return t;
})();

/** Mathematical alphanumerics (U+1D400–1D7FF: 𝐞, 𝑒, 𝕖, 𝟎): the astral block NFKC folds to ASCII. */
const MATH_FROM = 0x1d400;
const MATH_TO = 0x1d7ff;
const MATH_FOLD: Uint8Array = (() => {
  const t = new Uint8Array(MATH_TO - MATH_FROM + 1);
  const cps: number[] = [];
  for (let cp = MATH_FROM; cp <= MATH_TO; cp++) cps.push(cp);
  const pieces = cps.map((cp) => String.fromCodePoint(cp)).join('\u0001').normalize('NFKC').split('\u0001');
  if (pieces.length !== cps.length) throw new Error('links/chars: NFKC merged a separator; the fold table would be wrong');
  for (let i = 0; i < cps.length; i++) {
    const n = pieces[i] as string;
    const a = n.length === 1 ? n.charCodeAt(0) : 0;
    if ((a >= 0x30 && a <= 0x39) || (a >= 0x41 && a <= 0x5a) || (a >= 0x61 && a <= 0x7a)) t[i] = a;
  }
  return t;
})();

/**
 * Characters that render as nothing between two letters, by kind rather than by list:
 * Unicode's Default_Ignorable_Code_Point (zero-width space and joiners, word joiner and
 * the invisible operators, the deprecated format controls U+206A–206F, bidi marks,
 * embeddings, overrides and isolates, ALM, BOM, soft hyphen, combining grapheme joiner,
 * Mongolian and Khmer fillers, variation selectors, Hangul fillers), and the C1 controls
 * (NEL included: no line break to a URL parser).
 */
function isInvisible(c: number): boolean {
  return has(c, P_IGNORABLE) || (c >= 0x80 && c <= 0x9f);
}

/**
 * Astral characters that render as nothing: Default_Ignorable_Code_Point's astral part
 * (shorthand format controls, musical formatting controls, the tag block with the
 * variation selectors supplement, U+E0000–E0FFF).
 */
function isInvisibleAstral(cp: number): boolean {
  return (cp >= 0xe0000 && cp <= 0xe0fff) || (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a);
}

function classify(c: number): K {
  if (c >= 0xd800 && c <= 0xdfff) return K.Surrogate;
  if (c < 0x80) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return K.Alnum;
    if (c === 0x2d) return K.Hyphen;
    if (c === 0x5f) return K.Underscore;
    if (c === 0x2e) return K.Dot;
    if (c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60) return K.Quote;
    if (has(c, P_SPACE)) return K.Space;
    // NUL and the other non-space controls: WHATWG keeps them inside a URL (`a.cn\0@evil.cn` opens evil.cn).
    if (c < 0x20 || c === 0x7f) return K.Ignorable;
    return K.AsciiPunct;
  }
  if (c === 0x3002 || c === 0xff0e || c === 0xff61) return K.AltDot;
  if (FOLD_ASCII[c] !== 0) return K.FullAlnum;
  if (isInvisible(c)) return K.Ignorable;
  if (has(c, P_SPACE)) return K.Space;
  if (has(c, P_CONTROL)) return K.Control;
  if (c === 0x201c || c === 0x201d || c === 0x2018 || c === 0x2019 || c === 0xab || c === 0xbb || c === 0x2039 || c === 0x203a) return K.Quote;
  // CJK symbols and punctuation, CJK compatibility and small forms, half- and full-width forms.
  if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xfe10 && c <= 0xfe1f) || (c >= 0xfe30 && c <= 0xfe6f) || (c >= 0xff00 && c <= 0xffef)) {
    return has(c, P_LETTER) ? K.Cjk : K.CjkPunct;
  }
  if (has(c, P_CJK) || (c >= 0x3200 && c <= 0x33ff) || (c >= 0x31c0 && c <= 0x31ef)) return K.Cjk;
  if (has(c, P_LETTER)) return K.Letter;
  if (has(c, P_PUNCT)) return K.Punct;
  return K.Symbol;
}

const TABLE: Uint8Array = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) t[c] = classify(c);
  return t;
})();

/**
 * Code units where a link can start (ASCII letters and digits, full-width letters
 * and digits, other letters): everything else, which is most of a Chinese text,
 * is skipped by one table lookup per character.
 */
/** CAN_START value of the punctuation that may start a link (the rest are 1: letters and digits). */
export const START_PUNCT = 2;

export const CAN_START: Uint8Array = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const k = TABLE[c];
    t[c] = k === K.Alnum || k === K.FullAlnum || k === K.Letter ? 1 : 0;
  }
  // The high surrogate of the mathematical alphanumerics (𝐞xample.com) may start one too.
  t[0xd835] = 1;
  // A dot between CJK runs may join an all-CJK host (商城.中国); `#` / `＃` / `小` may open `#小程序://`.
  t[0x2e] = t[0xff0e] = t[0x23] = t[0xff03] = t[0x5c0f] = START_PUNCT;
  return t;
})();

/** Class of one BMP code unit, for building other tables from this one. */
export function kindOfUnit(c: number): K {
  return TABLE[c] as K;
}

/** Class of the code unit at `i`; a surrogate pair is classed by its code point, a lone surrogate is a Control. */
// Kept tiny so the JIT inlines it into every scan loop; the rare surrogate case is a separate call.
export function kindAt(text: string, i: number): K {
  const k = TABLE[text.charCodeAt(i)] as K;
  return k === K.Surrogate ? surrogateKind(text, i) : k;
}

function surrogateKind(text: string, i: number): K {
  const c = text.charCodeAt(i);
  let hi = c;
  let lo = -1;
  if (c <= 0xdbff) {
    if (i + 1 < text.length) lo = text.charCodeAt(i + 1);
  } else if (i > 0) {
    hi = text.charCodeAt(i - 1);
    lo = c;
  }
  if (hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
    const cp = ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    if (cp >= MATH_FROM && cp <= MATH_TO && MATH_FOLD[cp - MATH_FROM] !== 0) return K.FullAlnum;
    if (isInvisibleAstral(cp)) return K.Ignorable;
    // Supplementary ideographs (Extension B and later) read as Chinese text.
    return cp >= 0x20000 && cp <= 0x3ffff ? K.Cjk : K.Symbol;
  }
  return K.Control;
}

/** Code units the character at `i` occupies (2 for a surrogate pair). */
export function widthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** Host label characters in free text: ASCII and full-width alphanumerics, hyphen, non-CJK letters. */
export function isBareLabelKind(k: K): boolean {
  return k === K.Alnum || k === K.FullAlnum || k === K.Letter || k === K.Hyphen;
}

/** Characters a path or query may hold: ASCII URL characters and non-CJK letters and punctuation. */
export function isPathKind(k: K): boolean {
  return k === K.Alnum || k === K.Hyphen || k === K.Underscore || k === K.Dot || k === K.AsciiPunct || k === K.Letter || k === K.Punct || k === K.Ignorable;
}

/** isPathKind per BMP code unit (surrogates excluded: they are classed by code point), one lookup per character. */
export const PATH_UNIT: Uint8Array = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) t[c] = isPathKind(TABLE[c] as K) ? 1 : 0;
  return t;
})();

/** The ASCII letter or digit the FullAlnum character at `i` reads as (it may be a surrogate pair). */
export function foldAt(text: string, i: number): string {
  const cp = text.codePointAt(i) as number;
  return String.fromCharCode(cp > 0xffff ? (MATH_FOLD[cp - MATH_FROM] as number) : (FOLD_ASCII[cp] as number));
}

/** How the FullAlnum character at `i` is reported: full-width forms by name, the others as compatibility letters. */
export function foldKindAt(text: string, i: number): 'fullwidth-letter' | 'compat-letter' {
  const c = text.charCodeAt(i);
  return c >= 0xff00 && c <= 0xffef ? 'fullwidth-letter' : 'compat-letter';
}

/**
 * Characters used in place of a dot between host labels (`evil、cn`, `evil•cn`,
 * `evil⚫cn`, `evil丶cn`): list commas, bullets, middle dots of any script, small and
 * vertical full stops, one-dot leaders, ring and dot operators, and by kind every
 * character NFKC folds to one of those (․ ﹒ → `.`, ･ → ・, ︑ ､ ﹑ → 、, ⼂ → 丶). Symbols
 * and emoji (K.Symbol) count as well. Read as a dot only before a TLD spam uses
 * (host.ts), so enumerations and names stay text.
 */
const DOT_SHAPES = '.、⚫●•·∙︒﹒・‧∘◦⋅⸱⸳ㆍᐧ⦁⬤․丶。．｡';
/** Blocks holding the compatibility forms of those (Greek, punctuation, Kangxi, CJK and small/half-width forms): looked at once, at load. */
const DOT_BLOCKS: ReadonlyArray<readonly [number, number]> = [[0x0080, 0x03ff], [0x2000, 0x2fff], [0x3000, 0x33ff], [0xfe10, 0xff6f]];
export const LOOKALIKE_DOT: Uint8Array = (() => {
  const t = new Uint8Array(0x10000);
  for (const ch of DOT_SHAPES) t[ch.charCodeAt(0)] = 1;
  for (let c = 0; c < 0x10000; c++) if (TABLE[c] === K.Symbol) t[c] = 1;
  for (const [from, to] of DOT_BLOCKS) {
    for (let c = from; c <= to; c++) {
      const n = String.fromCharCode(c).normalize('NFKC');
      if (n.length === 1 && DOT_SHAPES.includes(n)) t[c] = 1;
    }
  }
  // The dots a reader types (. 。 ．｡) are separators of their own (readSep), never look-alikes.
  t[0x2e] = t[0x3002] = t[0xff0e] = t[0xff61] = 0;
  return t;
})();
