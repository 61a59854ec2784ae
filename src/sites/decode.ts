/**
 * Where a string's *value* came from in its *source*. A finding's span indexes the
 * decoded value (`'\u4e2d'` is one character), but a report must underline the
 * characters a person wrote. Every reader (the audit's and the ESLint plugin's) decodes
 * through here, so both point at the same characters.
 *
 * Every decoder is one linear pass with no regular expressions: a literal can be a
 * megabyte of user text.
 *
 * What `raw` is, per kind (always the token's own source text, as parsers give it):
 * - `js`:          a string literal with its quotes: `'a\n'`, `"\u{1F600}"`.
 * - `template`:    one template part with its delimiters: `` `a${ ``, `}b${`, `` }c` `` or `` `d` ``.
 * - `json`:        a JSON/JSONC string token with its quotes.
 * - `yaml-double`: a double-quoted YAML scalar with its quotes (may span lines).
 * - `yaml-single`: a single-quoted YAML scalar with its quotes (may span lines).
 * - `yaml-plain`:  a plain YAML scalar (may span lines; continuation lines are folded).
 * - `yaml-block`:  a block scalar from its `|`/`>` header to the end of its last line.
 *                  The content indentation is taken from the first non-empty line; an
 *                  explicit indentation indicator is relative to a parent this
 *                  function cannot see, so callers compare `value` with their parser's.
 * - `plain`:       the value is the source (Markdown, `.txt`).
 */
export type LiteralKind = 'js' | 'template' | 'json' | 'yaml-double' | 'yaml-single' | 'yaml-plain' | 'yaml-block' | 'plain';

export interface Decoded {
  /** The string value the source denotes. */
  value: string;
  /**
   * `offsets[i]` is the offset in `raw` where value unit `i` starts; both halves of a
   * surrogate pair written as one escape map to that escape. `offsets[value.length]`
   * is where the value ends in `raw` (the closing delimiter, or `raw.length`).
   * A skipped line continuation belongs to the character after it.
   */
  offsets: Int32Array;
}

/** Decodes `raw` (see {@link LiteralKind}) and maps every value offset to a source offset. */
export function decodeLiteral(raw: string, kind: LiteralKind): Decoded {
  switch (kind) {
    case 'js':
      return decodeEcma(raw, false);
    case 'template':
      return decodeEcma(raw, true);
    case 'json':
      return decodeJson(raw);
    case 'yaml-double':
      return decodeYamlFlow(raw, 1, raw.length - (raw.length > 1 && raw.endsWith('"') ? 1 : 0), true);
    case 'yaml-single':
      return decodeYamlFlow(raw, 1, raw.length - (raw.length > 1 && raw.endsWith("'") ? 1 : 0), false);
    case 'yaml-plain':
      return decodeYamlFlow(raw, 0, raw.length, false);
    case 'yaml-block':
      return decodeYamlBlock(raw);
    case 'plain':
      return { value: raw, offsets: identity(raw.length) };
  }
}

/** 1-based line and 1-based column in UTF-16 code units (what SARIF calls `utf16CodeUnits`). */
export interface Position {
  line: number;
  column: number;
}

/**
 * Offsets of line starts in `text`, for repeated offset → line/column look-ups
 * (binary search, so a report over a large file stays n log n overall).
 * Line breaks are `\n`, `\r\n` and `\r`, as editors and SARIF viewers count them.
 */
export function lineStarts(text: string): Int32Array {
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return new Int32Array(starts);
}

/** The 1-based line/column of `offset`, given {@link lineStarts} of the same text. */
export function positionAt(starts: Int32Array, offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

// ---------------------------------------------------------------------------

function identity(n: number): Int32Array {
  const out = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) out[i] = i;
  return out;
}

/** Accumulates value units and their source offsets. */
class Builder {
  private readonly parts: string[] = [];
  private readonly offs: number[] = [];
  push(text: string, at: number): void {
    this.parts.push(text);
    for (let k = 0; k < text.length; k++) this.offs.push(at);
  }
  /** A run of `raw` copied verbatim: each unit maps to itself. */
  copy(raw: string, from: number, to: number): void {
    if (to <= from) return;
    this.parts.push(raw.slice(from, to));
    for (let k = from; k < to; k++) this.offs.push(k);
  }
  finish(end: number): Decoded {
    this.offs.push(end);
    return { value: this.parts.join(''), offsets: new Int32Array(this.offs) };
  }
}

function hexValue(raw: string, from: number, to: number): number {
  if (to > raw.length || to <= from) return -1;
  let v = 0;
  for (let k = from; k < to; k++) {
    const d = hexDigit(raw.charCodeAt(k));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}

const SIMPLE_ECMA: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

/** String literals and template parts (ECMA-262 §12.9.4, §12.9.6). */
function decodeEcma(raw: string, template: boolean): Decoded {
  let i = 1;
  let end = raw.length;
  if (template) {
    if (raw.endsWith('`') && raw.length > 1) end = raw.length - 1;
    else if (raw.endsWith('${')) end = raw.length - 2;
  } else if (raw.length > 1 && raw[raw.length - 1] === raw[0]) {
    end = raw.length - 1;
  }
  const out = new Builder();
  let runStart = i;
  while (i < end) {
    const c = raw.charCodeAt(i);
    if (c === 13 && template) {
      // Template values normalise CR and CRLF to LF.
      out.copy(raw, runStart, i);
      out.push('\n', i);
      i += raw.charCodeAt(i + 1) === 10 ? 2 : 1;
      runStart = i;
      continue;
    }
    if (c !== 92 /* \ */) {
      i++;
      continue;
    }
    out.copy(raw, runStart, i);
    const at = i;
    const n = raw[i + 1] ?? '';
    const simple = SIMPLE_ECMA[n];
    if (simple !== undefined) {
      out.push(simple, at);
      i += 2;
    } else if (n === '\r') {
      i += raw[i + 2] === '\n' ? 3 : 2; // line continuation: no value
    } else if (n === '\n' || n === '\u2028' || n === '\u2029') {
      i += 2;
    } else if (n === 'x') {
      const v = hexValue(raw, i + 2, i + 4);
      if (v >= 0) {
        out.push(String.fromCharCode(v), at);
        i += 4;
      } else {
        out.push('x', at);
        i += 2;
      }
    } else if (n === 'u') {
      if (raw[i + 2] === '{') {
        const close = raw.indexOf('}', i + 3);
        const v = close > 0 && close - i <= 12 ? hexValue(raw, i + 3, close) : -1;
        if (v >= 0 && v <= 0x10ffff) {
          out.push(String.fromCodePoint(v), at);
          i = close + 1;
        } else {
          out.push('u', at);
          i += 2;
        }
      } else {
        const v = hexValue(raw, i + 2, i + 6);
        if (v >= 0) {
          out.push(String.fromCharCode(v), at);
          i += 6;
        } else {
          out.push('u', at);
          i += 2;
        }
      }
    } else if (n >= '0' && n <= '7') {
      const next = raw.charCodeAt(i + 2);
      if (n === '0' && !(next >= 48 && next <= 57)) {
        out.push('\0', at);
        i += 2;
      } else if (template) {
        // Not valid in a template's cooked value; keep the digit rather than drop it.
        out.push(n, at);
        i += 2;
      } else {
        // Legacy octal: up to 3 digits, value ≤ 0o377.
        let j = i + 1;
        let v = 0;
        const maxLen = n <= '3' ? 3 : 2;
        while (j < end && j - (i + 1) < maxLen) {
          const d = raw.charCodeAt(j);
          if (d < 48 || d > 55) break;
          v = v * 8 + (d - 48);
          j++;
        }
        out.push(String.fromCharCode(v), at);
        i = j;
      }
    } else if (n === '') {
      out.push('\\', at); // a lone trailing backslash in malformed input
      i += 1;
    } else {
      // Identity escape (`\'`, `\8`, `\中`); a surrogate pair stays whole.
      const cp = raw.codePointAt(i + 1)!;
      const ch = String.fromCodePoint(cp);
      out.push(ch, at);
      i += 1 + ch.length;
    }
    runStart = i;
  }
  out.copy(raw, runStart, Math.min(i, end));
  return out.finish(end);
}

const SIMPLE_JSON: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function decodeJson(raw: string): Decoded {
  const end = raw.length > 1 && raw.endsWith('"') ? raw.length - 1 : raw.length;
  const out = new Builder();
  let i = 1;
  let runStart = i;
  while (i < end) {
    if (raw.charCodeAt(i) !== 92) {
      i++;
      continue;
    }
    out.copy(raw, runStart, i);
    const n = raw[i + 1] ?? '';
    const simple = SIMPLE_JSON[n];
    const v = n === 'u' ? hexValue(raw, i + 2, i + 6) : -1;
    if (simple !== undefined) {
      out.push(simple, i);
      i += 2;
    } else if (v >= 0) {
      out.push(String.fromCharCode(v), i);
      i += 6;
    } else {
      // Invalid in JSON; the tokenizer reports it. Keep the text as written.
      out.push('\\', i);
      i += 1;
    }
    runStart = i;
  }
  out.copy(raw, runStart, Math.min(i, end));
  return out.finish(end);
}

const YAML_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const YAML_HEX_LEN: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Flow scalars (YAML 1.2 §7.3): double-quoted (escapes), single-quoted (`''`) and
 * plain. A line break folds to a space, or to one `\n` per empty line after it;
 * whitespace around a break is dropped; an escaped break (`\` at line end) is dropped.
 */
function decodeYamlFlow(raw: string, start: number, end: number, double: boolean): Decoded {
  const out = new Builder();
  let i = start;
  while (i < end) {
    const c = raw.charCodeAt(i);
    if (c === 32 || c === 9) {
      // Whitespace before a line break is not content; look at the whole run once.
      let j = i;
      while (j < end && (raw.charCodeAt(j) === 32 || raw.charCodeAt(j) === 9)) j++;
      if (j < end && isLineBreak(raw.charCodeAt(j))) i = j;
      else {
        out.copy(raw, i, j);
        i = j;
      }
      continue;
    }
    if (isLineBreak(c)) {
      i = foldBreak(raw, i, end, out, false);
      continue;
    }
    if (!double && c === 39 /* ' */ && start === 1 && raw.charCodeAt(i + 1) === 39) {
      out.push("'", i);
      i += 2;
      continue;
    }
    if (double && c === 92) {
      const n = raw[i + 1] ?? '';
      if (n === '\n' || n === '\r') {
        i = foldBreak(raw, i + 1, end, out, true);
        continue;
      }
      const simple = YAML_ESCAPES[n];
      const len = YAML_HEX_LEN[n];
      const v = len !== undefined ? hexValue(raw, i + 2, i + 2 + len) : -1;
      if (simple !== undefined) {
        out.push(simple, i);
        i += 2;
      } else if (len !== undefined && v >= 0 && v <= 0x10ffff) {
        out.push(String.fromCodePoint(v), i);
        i += 2 + len;
      } else {
        out.push('\\', i);
        i += 1;
      }
      continue;
    }
    out.copy(raw, i, i + 1);
    i++;
  }
  return out.finish(end);
}

/** Folds the line break at `i` and any empty lines after it; returns where content resumes. */
function foldBreak(raw: string, i: number, end: number, out: Builder, escaped: boolean): number {
  const first = i;
  const empties: number[] = [];
  i = skipBreak(raw, i);
  for (;;) {
    let j = i;
    while (j < end && (raw.charCodeAt(j) === 32 || raw.charCodeAt(j) === 9)) j++;
    if (j < end && isLineBreak(raw.charCodeAt(j))) {
      empties.push(j);
      i = skipBreak(raw, j);
      continue;
    }
    i = j;
    break;
  }
  if (empties.length > 0) for (const at of empties) out.push('\n', at);
  else if (!escaped) out.push(' ', first);
  return i;
}

function skipBreak(raw: string, i: number): number {
  return raw.charCodeAt(i) === 13 && raw.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
}

interface BlockLine {
  /** Offset of the first character after the indentation. */
  content: number;
  /** Offset of the line break (or the end of `raw`). */
  eol: number;
  /** True when the line has a break after it. */
  broken: boolean;
  /** True for a line of whitespace no longer than the indentation. */
  empty: boolean;
  /** Folded scalars keep breaks next to lines that start with whitespace. */
  spaced: boolean;
}

/** Block scalars (YAML 1.2 §8.1): literal `|` and folded `>`, with chomping `-`/`+`. */
function decodeYamlBlock(raw: string): Decoded {
  const folded = raw[0] === '>';
  let i = 1;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  while (i < raw.length && !isLineBreak(raw.charCodeAt(i))) {
    const ch = raw[i];
    if (ch === '-') chomp = 'strip';
    else if (ch === '+') chomp = 'keep';
    i++; // indicators, then whitespace and an optional comment up to the break
  }
  if (i >= raw.length) return new Builder().finish(raw.length);
  i = skipBreak(raw, i);

  // Indentation: that of the first line with content.
  const rawLines: Array<{ start: number; eol: number; broken: boolean; ws: number }> = [];
  let indent = -1;
  while (i < raw.length) {
    let eol = i;
    while (eol < raw.length && !isLineBreak(raw.charCodeAt(eol))) eol++;
    let ws = i;
    while (ws < eol && raw.charCodeAt(ws) === 32) ws++;
    if (indent < 0 && ws < eol) indent = ws - i;
    rawLines.push({ start: i, eol, broken: eol < raw.length, ws: ws - i });
    i = eol < raw.length ? skipBreak(raw, eol) : eol;
  }
  if (indent < 0) indent = 0;
  const lines: BlockLine[] = rawLines.map((l) => {
    const len = l.eol - l.start;
    const empty = l.ws === len && len <= indent;
    const content = l.start + Math.min(indent, len);
    const first = raw.charCodeAt(content);
    return { content, eol: l.eol, broken: l.broken, empty, spaced: !empty && (first === 32 || first === 9) };
  });

  const out = new Builder();
  let lastText = -1;
  for (let k = 0; k < lines.length; k++) if (!lines[k]!.empty) lastText = k;
  let prevText = -1;
  const pendingEmpty: BlockLine[] = [];
  for (let k = 0; k <= lastText; k++) {
    const line = lines[k]!;
    if (line.empty) {
      pendingEmpty.push(line);
      continue;
    }
    if (prevText >= 0) {
      const prev = lines[prevText]!;
      const fold = folded && !prev.spaced && !line.spaced;
      if (!fold) out.push('\n', prev.eol);
      else if (pendingEmpty.length === 0) out.push(' ', prev.eol);
    }
    for (const e of pendingEmpty) out.push('\n', e.eol);
    pendingEmpty.length = 0;
    out.copy(raw, line.content, line.eol);
    prevText = k;
  }
  if (lastText >= 0) {
    const last = lines[lastText]!;
    if (chomp !== 'strip' && last.broken) out.push('\n', last.eol);
    if (chomp === 'keep') for (let k = lastText + 1; k < lines.length; k++) if (lines[k]!.broken) out.push('\n', lines[k]!.eol);
    const end = chomp === 'keep' ? raw.length : chomp === 'clip' && last.broken ? skipBreak(raw, last.eol) : last.eol;
    return out.finish(end);
  }
  if (chomp === 'keep') for (const l of lines) if (l.broken) out.push('\n', l.eol);
  return out.finish(raw.length);
}
