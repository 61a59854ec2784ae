// Markdown's parsed text is not its source: character references are decoded,
// backslash escapes dropped, and block prefixes (`> `, list indentation) removed from
// continuation lines. `src/sites/decode.ts` treats Markdown as plain source, so the
// mapping from an mdast value back to the characters written lives here.

const ENTITY_MAX = 40;

function isAsciiPunctuation(c: number): boolean {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

function isAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAmpersandReference(ref: string): boolean {
  const lower = ref.toLowerCase();
  return lower === '&amp;' || /^&#0*38;$/.test(lower) || /^&#x0*26;$/.test(lower);
}

/** Length of a character reference (`&amp;`, `&#35;`, `&#x4e2d;`) starting at `i`, or 0. */
function entityLength(src: string, i: number): number {
  if (src.charCodeAt(i) !== 38 /* & */) return 0;
  const limit = Math.min(src.length, i + ENTITY_MAX);
  let j = i + 1;
  if (src[j] === '#') {
    j++;
    if (src[j] === 'x' || src[j] === 'X') j++;
  }
  const bodyStart = j;
  while (j < limit && isAlphanumeric(src.charCodeAt(j))) j++;
  return j > bodyStart && src[j] === ';' ? j + 1 - i : 0;
}

/**
 * Aligns `value` (an mdast node's text) with `source` (that node's source slice) in
 * one forward pass: a value character is matched at the next source character that
 * wrote it (itself, its backslash escape, or its character reference); any other
 * source character is markup the parser removed. Returns offsets into `source`
 * (`value.length + 1` entries) or null when the value cannot be traced.
 */
export function alignMarkdown(source: string, value: string): Int32Array | null {
  const at = new Int32Array(value.length + 1);
  let i = 0;
  let j = 0;
  while (j < value.length) {
    if (i >= source.length) return null;
    const v = value.charCodeAt(j);
    const c = source.charCodeAt(i);
    const entity = entityLength(source, i);
    if (entity > 0 && !(v === 38 && !isAmpersandReference(source.slice(i, i + entity)))) {
      // A reference decodes to one code point (one or two UTF-16 units). An unknown
      // name (`&foo;`) stays literal text, and then the `&` matches itself below.
      const units = v >= 0xd800 && v <= 0xdbff && j + 1 < value.length ? 2 : 1;
      for (let k = 0; k < units; k++) at[j++] = i;
      i += entity;
      continue;
    }
    if (c === 92 /* \ */ && isAsciiPunctuation(source.charCodeAt(i + 1)) && source.charCodeAt(i + 1) === v) {
      at[j++] = i;
      i += 2;
      continue;
    }
    if (c === v) {
      at[j++] = i++;
      continue;
    }
    i++; // markup the parser dropped
  }
  at[value.length] = i;
  return at;
}

/**
 * A link destination as written (`http://a.cn/?q=1&amp;b`, `<…>` already stripped):
 * backslash escapes and numeric character references decoded, with offsets into
 * `raw`. Named references other than `&amp;` need the HTML entity table, which this
 * module does not carry: null then, and the caller falls back to the parser's URL.
 */
export function decodeDestination(raw: string): { value: string; offsets: Int32Array } | null {
  const parts: string[] = [];
  const offs: number[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw.charCodeAt(i);
    if (c === 92 && isAsciiPunctuation(raw.charCodeAt(i + 1))) {
      parts.push(raw[i + 1]!);
      offs.push(i);
      i += 2;
      continue;
    }
    const entity = entityLength(raw, i);
    if (entity > 0) {
      const body = raw.slice(i + 1, i + entity - 1);
      let ch: string | null = null;
      if (body === 'amp') ch = '&';
      else if (body[0] === '#') {
        const hex = body[1] === 'x' || body[1] === 'X';
        const cp = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
        ch = Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      if (ch === null) return null;
      parts.push(ch);
      for (let k = 0; k < ch.length; k++) offs.push(i);
      i += entity;
      continue;
    }
    parts.push(raw[i]!);
    offs.push(i);
    i++;
  }
  offs.push(raw.length);
  return { value: parts.join(''), offsets: new Int32Array(offs) };
}
