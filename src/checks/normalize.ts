import { ConverterFactory, Locale } from 'opencc-js/t2cn';

/**
 * Folds text the way evasions vary it, one code unit at a time: NFKC (full-width `ＶＸ`
 * → `vx`, compatibility forms), lower case, traditional → simplified Chinese (`號` →
 * `号`), invisible characters dropped (zero-width, C0/C1 controls, DEL, bidi marks,
 * embeddings, overrides and isolates, variation selectors, tag characters). Noise
 * between a name's characters (`微🌟信`, `Q.Q`) is not dropped here: the competitor
 * matcher skips a bounded run of NOISE units only inside a name, so punctuation keeps
 * its meaning everywhere else (`请➕微信`, sentence ends).
 *
 * The fold of every BMP code unit is compiled once into a table, so the matcher folds
 * as it scans (no normalized copy, no offset map to build): calling
 * String.prototype.normalize (or a converter) per character is what made the first
 * version slow.
 */

/** FOLD[c]: the single code unit c folds to, or DROP, or COMPLEX (surrogates, expansions such as ㎏ → kg). */
export const DROP = 0xffff;
export const COMPLEX = 0xfffe;

const ZERO_WIDTH = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x180e, 0x061c, 0x200e, 0x200f, 0x034f, 0x115f, 0x1160, 0x3164, 0xffa0];

/** Invisible ranges a browser or chat client renders as nothing. */
function invisible(c: number): boolean {
  return (
    (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
    (c >= 0x7f && c <= 0x9f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    (c >= 0x2061 && c <= 0x2064) ||
    (c >= 0xfe00 && c <= 0xfe0f)
  );
}

/** High surrogate of U+E0000–E03FF: tag characters and the variation selectors supplement, dropped as a pair. */
export const TAG_HIGH = 0xdb40;

/** CJK ideographs (unified, extension A, compatibility) and kana. */
function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x3040 && c <= 0x30ff);
}

/** FLAGS[c] (of the folded unit): bit 0 noise, bit 1 CJK, bit 2 Latin letter, bit 3 white space, bit 4 clause end, bit 5 sentence end. */
export const NOISE = 1;
export const CJK = 2;
export const LATIN = 4;
export const SPACE = 8;
export const CLAUSE_END = 16;
export const SENTENCE_END = 32;

/** Where a sentence ends (`.` only before white space or the end, so `Q.Q` and `1.5` stay whole). */
const SENTENCE_ENDERS = '。！？!?；;\n\r…｡‼⁇⁈⁉';
/** Clause ends: the competitor grammar joins most directives to a name only within a clause. */
const CLAUSE_ENDERS = '，,、､︐︑﹐﹑';

type Table = { fold: Uint16Array; flags: Uint8Array };
let table: Table | null = null;

/**
 * Traditional → simplified for single characters, from opencc-js: the character-level
 * dictionaries of its Taiwan-to-mainland chain (variants, then TSCharacters) make the
 * converter, their keys are the candidates, converted in one call (separated by line
 * breaks). The phrase dictionaries are left out: they never apply to one character,
 * and building their tries was 60–90 ms of start-up (measured on the 2-core machine).
 */
function traditionalToSimplified(): Map<number, number> {
  const charLevel = (groups: readonly (readonly (string | readonly (readonly [string, string])[])[])[]) =>
    groups.map((g) => g.filter((d): d is string => typeof d === 'string' && d.indexOf(' ') === 1));
  const chain = [...charLevel(Locale.from.tw ?? []), ...charLevel(Locale.to.cn ?? [])].filter((g) => g.length > 0);
  const candidates = new Set<string>();
  for (const group of chain) for (const dict of group) for (const pair of dict.split('|')) if (pair.indexOf(' ') === 1) candidates.add(pair[0]!);
  const list = [...candidates];
  const converted = ConverterFactory(...chain)(list.join('\n')).split('\n');
  const map = new Map<number, number>();
  if (converted.length !== list.length) return map;
  for (let k = 0; k < list.length; k++) {
    const to = converted[k]!;
    if (to.length === 1 && to !== list[k]) map.set(list[k]!.charCodeAt(0), to.charCodeAt(0));
  }
  return map;
}

const NOISE_CLASS = /^[\p{P}\p{S}\p{Zs}\t]$/u;
/** Blocks of letters only (Hangul, Yi, CJK extension A): no need to ask the regex. */
const letterBlock = (c: number) => (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xa000 && c <= 0xa48c) || (c >= 0x3400 && c <= 0x4dbf);

/** CJK unified ideographs (and extension A) and Hangul syllables: NFKC and lower case leave them alone. */
const unchanged = (c: number) => (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xac00 && c <= 0xd7a3);

/** [look-alike, Latin letter] pairs: Cyrillic, Greek and small-capital letters that read as a Latin one. */
const CONFUSABLE_PAIRS: ReadonlyArray<readonly [number, number]> = (() => {
  const pairs: Array<[string, string]> = [];
  const add = (from: string, to: string) => {
    const f = [...from];
    const t = [...to];
    for (let i = 0; i < f.length; i++) pairs.push([f[i]!, t[i]!]);
  };
  add('аеорсухіјѕԁԛԝһӏ', 'aeopcyxijsdqwhl'); // Cyrillic small
  add('АЕОРСХІЈЅВНКМТԚԜ', 'aeopcxijsbhkmtqw'); // Cyrillic capital
  add('οαιτνκρχ', 'oaitvkpx'); // Greek small
  add('ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ', 'abezhikmnoptyx'); // Greek capital
  add('ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ', 'abcdefghijklmnopqrstuvwyz'); // small capitals
  return pairs.map(([a, b]) => [a.charCodeAt(0), b.charCodeAt(0)] as const);
})();

/** Built on first use, then shared by every gate in the process. */
export function foldTable(): Table {
  if (table) return table;
  const t2s = traditionalToSimplified();
  const fold = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) {
      fold[c] = COMPLEX;
      continue;
    }
    if (invisible(c)) {
      fold[c] = DROP;
      continue;
    }
    if (unchanged(c)) {
      // No compatibility decomposition and no case: NFKC leaves these as they are (half the BMP; a third of the build time).
      fold[c] = t2s.get(c) ?? c;
      continue;
    }
    const s = String.fromCharCode(c).normalize('NFKC').toLowerCase();
    const f = s.length === 1 ? s.charCodeAt(0) : s.length === 0 ? DROP : COMPLEX;
    fold[c] = f < COMPLEX ? (t2s.get(f) ?? f) : f;
  }
  for (const z of ZERO_WIDTH) fold[z] = DROP;
  fold[TAG_HIGH] = DROP;
  // Letters that look Latin but NFKC leaves alone (Cyrillic е in WеChat, small capitals ᴡᴇᴄʜᴀᴛ): folded to the Latin
  // letter so a name spelled with them is the name. No npm package carries Unicode's confusables table (TR39) in a
  // form worth a dependency for these few dozen letters; the pairs are from its confusables.txt.
  for (const [from, to] of CONFUSABLE_PAIRS) fold[from] = to;
  // A heart reads xin (心) in every evasion that uses one (微❤, 威♥号, V♡): folded to 心, a spelling is a pinyin homophone.
  for (const heart of '❤♥♡❥') fold[heart.charCodeAt(0)] = 0x5fc3;
  const flags = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (isCjk(c) && c >= 0x3400) {
      flags[c] = CJK;
      continue;
    }
    const ch = String.fromCharCode(c);
    let fl = isCjk(c) ? CJK : 0;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) fl |= LATIN;
    if (c === 0x20 || c === 0x09 || c === 0x3000 || c === 0xa0) fl |= SPACE;
    if (SENTENCE_ENDERS.includes(ch)) fl |= SENTENCE_END | CLAUSE_END;
    else if (CLAUSE_ENDERS.includes(ch)) fl |= CLAUSE_END;
    else if (!(fl & CJK) && !letterBlock(c) && (c < 0xd800 || c > 0xdfff) && NOISE_CLASS.test(ch)) fl |= NOISE;
    flags[c] = fl;
  }
  // Emoji (U+1F000–1FAFF, high surrogates D83C–D83E) are noise inside a name: both halves.
  for (let c = 0xd83c; c <= 0xd83e; c++) flags[c] = NOISE;
  for (let c = 0xdc00; c <= 0xdfff; c++) flags[c] = NOISE;
  table = { fold, flags };
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
 * Folds `text` into `buf` and returns how many units were written. Linear, one table
 * read per unit; plain loops over typed arrays, no callback per character: this runs
 * over every string the gate sees.
 */
export function foldInto(text: string, buf: FoldBuffer): number {
  const { fold } = foldTable();
  const n = text.length;
  if (buf.units.length < n) grow(buf, n);
  const units = buf.units;
  const origins = buf.origins;
  let len = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const f = fold[c]!;
    if (f < COMPLEX) {
      units[len] = f;
      origins[len++] = i;
      continue;
    }
    if (f === DROP) {
      if (c === TAG_HIGH && i + 1 < n) i++;
      continue;
    }
    // A surrogate pair or an NFKC expansion (㎏ → kg): rare, and may outgrow the buffer.
    return foldComplex(text, buf, i, len);
  }
  return len;
}

/**
 * The letter an emoji stands for, or -1: enclosed and squared Latin capitals and regional
 * indicators (🅠🅠, 🆀🆀, 🅆🄴🄲🄷🄰🅃: NFKC folds only some of them) read as the letter, and
 * hearts (💗, 💕) as 心, the way ❤ does in the fold table.
 */
function emojiLetter(cp: number): number {
  if (cp >= 0x1f130 && cp <= 0x1f149) return 0x61 + cp - 0x1f130;
  if (cp >= 0x1f150 && cp <= 0x1f169) return 0x61 + cp - 0x1f150;
  if (cp >= 0x1f170 && cp <= 0x1f189) return 0x61 + cp - 0x1f170;
  if (cp >= 0x1f1e6 && cp <= 0x1f1ff) return 0x61 + cp - 0x1f1e6;
  if ((cp >= 0x1f493 && cp <= 0x1f49f) || cp === 0x1f5a4 || cp === 0x1f90d || cp === 0x1f90e || cp === 0x1f9e1) return 0x5fc3;
  return -1;
}

/** Low surrogates of the emoji emojiLetter reads (the first look sends a text holding one down the slow path). */
export function emojiLetterLow(u: number): boolean {
  return (u >= 0xdd30 && u <= 0xdd89) || (u >= 0xdde6 && u <= 0xddff) || (u >= 0xdc93 && u <= 0xdc9f) || u === 0xdda4 || u === 0xdd0d || u === 0xdd0e || u === 0xdde1;
}

/** foldInto from offset `i` on, once a character folds to something other than one unit. */
function foldComplex(text: string, buf: FoldBuffer, from: number, written: number): number {
  const { fold } = foldTable();
  const n = text.length;
  let len = written;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    const f = fold[c]!;
    if (f === DROP) {
      i += c === TAG_HIGH && i + 1 < n ? 2 : 1;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const stand = emojiLetter(cp);
    if (stand >= 0) {
      if (len + 1 + (n - i) > buf.units.length) grow(buf, len + 1 + (n - i));
      buf.units[len] = stand;
      buf.origins[len++] = i;
      i += width;
      continue;
    }
    // An emoji keeps its two units (the matcher reads them as noise); other pairs fold by NFKC.
    const emoji = c >= 0xd83c && c <= 0xd83e;
    const folded = f !== COMPLEX ? String.fromCharCode(f) : emoji ? text.slice(i, i + width) : text.slice(i, i + width).normalize('NFKC').toLowerCase();
    if (len + folded.length + (n - i) > buf.units.length) grow(buf, len + folded.length + (n - i));
    for (let k = 0; k < folded.length; k++) {
      const u = folded.charCodeAt(k);
      const g = fold[u]!;
      buf.units[len] = g < COMPLEX && !emoji ? g : u;
      buf.origins[len++] = i;
    }
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
