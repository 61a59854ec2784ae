import { WIDE_RANGES } from './eaw.js';

/**
 * Weibo counts text length in "Chinese characters": a full-width or CJK grapheme is
 * one unit, a half-width one is half a unit, an emoji is one. We count in half-units
 * (integers) so limits compare exactly; `unit: 'chars'` counts every grapheme as one.
 */
export type TextUnit = 'weibo' | 'chars';

/** True when the code point is East Asian Width W or F. Binary search over a table compiled once. */
export function isWide(codePoint: number): boolean {
  // No W/F code point exists below U+1100: the common Latin case never searches.
  if (codePoint < 0x1100) return false;
  let lo = 0;
  let hi = (WIDE_RANGES.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (codePoint < WIDE_RANGES[mid * 2]!) hi = mid - 1;
    else if (codePoint > WIDE_RANGES[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Characters that can join a grapheme with its neighbour (marks, joiners, variation
 * selectors, conjoining jamo, astral code points such as emoji and their modifiers,
 * regional indicators, CR of CRLF, Thai/Lao AM). A string with none of them is one
 * grapheme per UTF-16 unit, so the fast path needs no segmenter. Single character
 * class: no backtracking.
 */
const NEEDS_SEGMENTER = /[\p{M}\p{Cf}\r\u0d4e\u0e33\u0eb3\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u{10000}-\u{10ffff}]/u;

/**
 * An emoji grapheme counts as one unit whatever the width of its first code point:
 * emoji presentation, an emoji variation selector or keycap, or a pictograph from
 * U+2000 on even in text presentation (☺, ✈), as twitter-text's weighted count does.
 * ©, ® and ™-like signs below U+2000 stay half-width text.
 */
const EMOJI = /[\p{Emoji_Presentation}\ufe0f\u20e3]/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}/u;
const isEmoji = (grapheme: string) => EMOJI.test(grapheme) || (grapheme.codePointAt(0)! >= 0x2000 && PICTOGRAPH.test(grapheme));

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Half-units of one grapheme in `weibo` mode. */
function graphemeHalfUnits(grapheme: string): number {
  if (isWide(grapheme.codePointAt(0)!)) return 2;
  return isEmoji(grapheme) ? 2 : 1;
}

/** Per BMP code unit: 1 half-width, 2 full-width, 0 may join a grapheme (then the segmenter decides). Built once. */
let halfUnitTable: Uint8Array | null = null;
function halfUnitsOf(): Uint8Array {
  if (halfUnitTable) return halfUnitTable;
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const surrogate = c >= 0xd800 && c <= 0xdfff;
    t[c] = surrogate || NEEDS_SEGMENTER.test(String.fromCharCode(c)) ? 0 : isWide(c) || isEmoji(String.fromCharCode(c)) ? 2 : 1;
  }
  halfUnitTable = t;
  return t;
}

/**
 * Length of `text` in half-units (so 300 units = 600). Linear: the fast path is one
 * table lookup per UTF-16 unit; Intl.Segmenter (correct, but ~20x slower) runs only
 * for text that has combining sequences, e.g. `é` written as e + U+0301, or `👨‍👩‍👧`.
 */
export function textHalfUnits(text: string, unit: TextUnit = 'weibo'): number {
  const table = halfUnitsOf();
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const h = table[text.charCodeAt(i)]!;
    if (h === 0) return textHalfUnitsSegmented(text, unit);
    n += h;
  }
  return unit === 'chars' ? text.length * 2 : n;
}

/** Same count through the segmenter only; the fast path is tested against it. */
export function textHalfUnitsSegmented(text: string, unit: TextUnit = 'weibo'): number {
  let n = 0;
  for (const { segment } of segmenter.segment(text)) n += unit === 'chars' ? 2 : graphemeHalfUnits(segment);
  return n;
}

/** Human-readable units (may end in .5). */
export function textUnits(text: string, unit: TextUnit = 'weibo'): number {
  return textHalfUnits(text, unit) / 2;
}
