import { lineIndex } from '../lines.js';

/**
 * JSON text → value without losing int64 digits. JSON.parse turns 1234567890123456789
 * into 1234567890123456800, and Node 20's reviver has no access to the source text, so
 * we scan the raw text once (linear, strings skipped) for integer literals beyond
 * 2^53 and hand them to JSON.parse as marked strings, which the reviver turns into
 * bigint. A bigint where the schema wants a string or number is then refused by the
 * schema, never silently converted.
 *
 * JSON.parse also keeps the last of two equal keys and says nothing, while some servers
 * keep the first: `{"text":"<evil link>","text":"ok"}` would pass a last-wins check and
 * send the evil text. So every valid text is walked once more for duplicate keys
 * (findDuplicateKeys). JSON.parse defines `__proto__` as a plain own property, never as
 * the prototype, and the reviver only returns values, so neither sets a prototype.
 */

export interface TextPosition {
  /** UTF-16 offset of the key's opening quote in the text. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 units. */
  column: number;
}

export interface DuplicateKey {
  /** The key as a parser reads it (escapes decoded). */
  key: string;
  /** Path of the key in the document (`data.articles[1].url`; `''`-rooted, so a top-level key is its own name). */
  path: string;
  /** The earlier occurrence and the later one that replaced it in JSON.parse's value. */
  first: TextPosition;
  second: TextPosition;
  /** [start, end) of the earlier occurrence's value in the text: what a first-wins parser reads. */
  value: { start: number; end: number };
}

export type JsonResult = { ok: true; value: unknown; duplicates: readonly DuplicateKey[] } | { ok: false; message: string };

/** Any run of 16 digits: the cheap test that lets ordinary input skip the scan. */
const LONG_DIGITS = /\d{16}/;
const MARK = '\u0000int64:';
const NONE: readonly DuplicateKey[] = Object.freeze([]);

export function parseJsonExact(text: string): JsonResult {
  const exact = LONG_DIGITS.test(text) ? markUnsafeIntegers(text) : null;
  let value: unknown;
  try {
    value = exact === null ? JSON.parse(text) : JSON.parse(exact, reviveInt64);
  } catch (err) {
    // Report the error against the original text, whose positions the user can see.
    try {
      JSON.parse(text);
    } catch (original) {
      return { ok: false, message: (original as Error).message };
    }
    return { ok: false, message: (err as Error).message };
  }
  return { ok: true, value, duplicates: typeof value === 'object' && value !== null ? findDuplicateKeys(text) : NONE };
}

function reviveInt64(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(MARK) ? BigInt(value.slice(MARK.length)) : value;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Rewrites unsafe integer literals outside strings as `"\u0000int64:<digits>"`. */
function markUnsafeIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 45 /* - */ || isDigit(c)) {
      const start = i;
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const next = text.charCodeAt(i);
      const first = c === 45 ? start + 1 : start;
      // A leading zero is invalid JSON: leave it for JSON.parse to refuse.
      const isInteger = text.charCodeAt(first) !== 48 && !(next === 46 /* . */ || next === 101 /* e */ || next === 69 /* E */);
      if (isInteger && i - first >= 16 && !Number.isSafeInteger(Number(text.slice(start, i)))) {
        out += `${text.slice(copied, start)}"\\u0000int64:${text.slice(start, i)}"`;
        copied = i;
      }
      // Skip the rest of a non-integer number literal.
      while (i < n && /[0-9.eE+-]/.test(text[i]!)) i++;
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Paths deeper than this are shown cut (`a.b…`): building every level of a 20,000-deep path per duplicate would be quadratic. */
const MAX_PATH_DEPTH = 32;

interface Member {
  keyAt: number;
  valueStart: number;
  valueEnd: number;
}

interface Frame {
  parent: Frame | null;
  /** Object keys seen so far, or null for an array. */
  keys: Map<string, Member> | null;
  /** The member (object) or element index (array) the scan is in. */
  key: string;
  index: number;
  member: Member | null;
  expectKey: boolean;
  depth: number;
  /** This frame's own segment in its parent (`.data`, `[2]`), '' for the root. */
  segment: string;
  path: string | null;
}

const segmentOf = (parent: Frame): string => (parent.keys ? (parent.depth === 0 ? parent.key : `.${parent.key}`) : `[${parent.index}]`);

function pathOf(frame: Frame): string {
  if (frame.path !== null) return frame.path;
  const parts: string[] = [];
  for (let f: Frame | null = frame; f !== null && f.parent !== null; f = f.parent) parts.push(f.segment);
  parts.reverse();
  const cut = parts.length > MAX_PATH_DEPTH;
  let p = (cut ? parts.slice(0, MAX_PATH_DEPTH) : parts).join('');
  if (p.startsWith('.')) p = p.slice(1);
  if (cut) p += `…(${parts.length} levels)`;
  // Only shallow paths are remembered, so memory stays linear in the text.
  if (frame.depth <= MAX_PATH_DEPTH) frame.path = p;
  return p;
}

function keyPath(frame: Frame, key: string): string {
  const base = pathOf(frame);
  return base === '' ? key : `${base}.${key}`;
}

/**
 * Every key that appears twice in one object of a text JSON.parse accepted, at any
 * depth, in document order. One linear pass: string bodies are skipped with indexOf.
 */
export function findDuplicateKeys(text: string): readonly DuplicateKey[] {
  let out: DuplicateKey[] | null = null;
  const at = lineIndex(text);
  const position = (offset: number): TextPosition => ({ offset, ...at(offset) });
  let top: Frame | null = null;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let end = text.indexOf('"', i + 1);
      for (;;) {
        let b = end - 1;
        while (text.charCodeAt(b) === 92 /* \ */) b--;
        if ((end - 1 - b) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (top !== null && top.keys !== null && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const member: Member = { keyAt: i, valueStart: -1, valueEnd: -1 };
        const earlier = top.keys.get(key);
        if (earlier !== undefined) {
          (out ??= []).push({ key, path: keyPath(top, key), first: position(earlier.keyAt), second: position(i), value: { start: earlier.valueStart, end: earlier.valueEnd } });
        }
        top.keys.set(key, member);
        top.key = key;
        top.member = member;
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (c === 58 /* : */) {
      if (top?.member) top.member.valueStart = i + 1;
    } else if (c === 44 /* , */) {
      if (top !== null) {
        if (top.keys === null) top.index++;
        else {
          if (top.member) top.member.valueEnd = i;
          top.expectKey = true;
        }
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      const frame: Frame = { parent: top, keys: c === 123 ? new Map() : null, key: '', index: 0, member: null, expectKey: true, depth: top === null ? 0 : top.depth + 1, segment: top === null ? '' : segmentOf(top), path: top === null ? '' : null };
      top = frame;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (top !== null) {
        if (top.member) top.member.valueEnd = i;
        top = top.parent;
      }
    }
    i++;
  }
  return out ?? NONE;
}
