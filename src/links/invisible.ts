import { K, kindAt, widthAt } from './chars.js';
import type { InvisibleChar } from './types.js';

/**
 * Naming the invisible characters removed from a link, for the evidence a reviewer
 * reads ("U+0000 NUL at 25"). Only called for a link that folded some, never on the
 * scanning path.
 */

const C0 = ['NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'HT', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI', 'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US'];

const NAMED: ReadonlyMap<number, string> = new Map([
  [0x7f, 'DEL'],
  [0x85, 'NEL'],
  [0xad, 'SOFT HYPHEN'],
  [0x34f, 'COMBINING GRAPHEME JOINER'],
  [0x61c, 'ARABIC LETTER MARK'],
  [0x115f, 'HANGUL CHOSEONG FILLER'],
  [0x1160, 'HANGUL JUNGSEONG FILLER'],
  [0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2060, 'WORD JOINER'],
  [0x2061, 'FUNCTION APPLICATION'],
  [0x2062, 'INVISIBLE TIMES'],
  [0x2063, 'INVISIBLE SEPARATOR'],
  [0x2064, 'INVISIBLE PLUS'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
  [0x206a, 'INHIBIT SYMMETRIC SWAPPING'],
  [0x206b, 'ACTIVATE SYMMETRIC SWAPPING'],
  [0x206c, 'INHIBIT ARABIC FORM SHAPING'],
  [0x206d, 'ACTIVATE ARABIC FORM SHAPING'],
  [0x206e, 'NATIONAL DIGIT SHAPES'],
  [0x206f, 'NOMINAL DIGIT SHAPES'],
  [0x17b4, 'KHMER VOWEL INHERENT AQ'],
  [0x17b5, 'KHMER VOWEL INHERENT AA'],
  [0x180b, 'MONGOLIAN FREE VARIATION SELECTOR ONE'],
  [0x180c, 'MONGOLIAN FREE VARIATION SELECTOR TWO'],
  [0x180d, 'MONGOLIAN FREE VARIATION SELECTOR THREE'],
  [0x180f, 'MONGOLIAN FREE VARIATION SELECTOR FOUR'],
  [0x3164, 'HANGUL FILLER'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE (BOM)'],
  [0xffa0, 'HALFWIDTH HANGUL FILLER'],
]);

function invisibleName(cp: number): string {
  if (cp < 0x20) return C0[cp] as string;
  if (cp >= 0x80 && cp <= 0x9f) return NAMED.get(cp) ?? 'C1 CONTROL';
  if (cp >= 0xfe00 && cp <= 0xfe0f) return `VARIATION SELECTOR-${cp - 0xfe00 + 1}`;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return `VARIATION SELECTOR-${cp - 0xe0100 + 17}`;
  if (cp >= 0xe0000 && cp <= 0xe007f) {
    const a = cp - 0xe0000;
    return a >= 0x20 && a < 0x7f ? `TAG ${JSON.stringify(String.fromCharCode(a))}` : a === 0x7f ? 'CANCEL TAG' : 'TAG';
  }
  if (cp >= 0x1bca0 && cp <= 0x1bca3) return 'SHORTHAND FORMAT CONTROL';
  if (cp >= 0x1d173 && cp <= 0x1d17a) return 'MUSICAL SYMBOL FORMAT CONTROL';
  return NAMED.get(cp) ?? 'INVISIBLE CHARACTER';
}

function hexCode(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Every invisible character in text[from, to), with its offset. */
export function invisiblesIn(text: string, from: number, to: number): InvisibleChar[] {
  const out: InvisibleChar[] = [];
  for (let j = from; j < to; j += widthAt(text, j)) {
    if (kindAt(text, j) !== K.Ignorable) continue;
    const cp = text.codePointAt(j) as number;
    out.push({ at: j, code: hexCode(cp), name: invisibleName(cp) });
  }
  return out;
}

/** `U+0000 NUL at 25, U+200B ZERO WIDTH SPACE at 31`: how evidence names them. */
export function describeInvisible(list: readonly InvisibleChar[]): string {
  return list.map((x) => `${x.code} ${x.name} at ${x.at}`).join(', ');
}
