import type { Evidence, Finding, Localized, Severity, Span } from '../findings.js';
import { decodeLiteral, type LiteralKind } from './locate.js';

/** `[start, end)` in a file's text, UTF-16 units. */
export interface Range {
  start: number;
  end: number;
}

/**
 * Where each unit of a judged string sits in its file. A unit that came from a
 * constant resolved in another file maps to the expression that brought it in
 * (`${SHOP}`), so the report points at the line a person reads.
 */
export interface StringMap {
  /** File offset where value unit i starts. */
  starts: Int32Array;
  /** File offset where value unit i ends (exclusive). */
  ends: Int32Array;
  /** The whole string's source, for findings without a span. */
  whole: Range;
}

/** One thing an extractor hands to the engine, with what it needs to point back. */
export type Target =
  | { as: 'text' | 'url'; text: string; map: StringMap }
  | {
      as: 'payload';
      value: unknown;
      /** The source of the value at a payload path (`data.articles[2].url`), or its nearest ancestor. */
      locate(path: string): { range: Range; map?: StringMap };
      /** Paths whose values could not be resolved statically: findings under them are not real. */
      unknown: ReadonlySet<string>;
      whole: Range;
    };

/** A finding placed in a file, before line/column and reporting. */
export interface Placed {
  rule: string;
  severity: Severity;
  message: Localized;
  range: Range;
  evidence?: Evidence;
}

/** The map of a literal whose source starts at `base` in the file. */
export function literalMap(raw: string, kind: LiteralKind, base: number): { value: string; map: StringMap } {
  const { value, offsets } = decodeLiteral(raw, kind);
  return { value, map: mapFromOffsets(offsets, base, { start: base, end: base + raw.length }) };
}

/** Turns locate.ts offsets (starts plus a final end) into per-unit start/end arrays. */
export function mapFromOffsets(offsets: Int32Array, base: number, whole: Range): StringMap {
  const n = offsets.length - 1;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  let nextEnd = offsets[n]! + base;
  for (let i = n - 1; i >= 0; i--) {
    starts[i] = offsets[i]! + base;
    // Both halves of one escaped astral character share a start: the high half ends where the low half does.
    ends[i] = offsets[i + 1] !== offsets[i] ? offsets[i + 1]! + base : nextEnd;
    nextEnd = ends[i]!;
  }
  return { starts, ends, whole };
}

/** A value span as a file range (the whole string when there is no span). */
export function rangeOf(map: StringMap, span: Span | undefined): Range {
  const n = map.starts.length;
  if (!span || n === 0) return map.whole;
  const s = Math.min(span.start, n - 1);
  const e = Math.min(Math.max(span.end, span.start + 1), n);
  const start = map.starts[s]!;
  return { start, end: Math.max(start, map.ends[e - 1]!) };
}

/** Joins the maps of consecutive pieces into one string's map. */
export function concatMaps(pieces: ReadonlyArray<{ map: StringMap }>, whole: Range): StringMap {
  let n = 0;
  for (const p of pieces) n += p.map.starts.length;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  let k = 0;
  for (const p of pieces) {
    starts.set(p.map.starts, k);
    ends.set(p.map.ends, k);
    k += p.map.starts.length;
  }
  return { starts, ends, whole };
}

/** A string whose every unit maps to one source range (a substituted constant). */
export function uniformMap(length: number, range: Range): StringMap {
  return { starts: new Int32Array(length).fill(range.start), ends: new Int32Array(length).fill(range.end), whole: range };
}

/** Places an engine finding on a text/url target. */
export function placeString(f: Finding, map: StringMap): Placed {
  return place(f, rangeOf(map, f.span));
}

export function place(f: Finding, range: Range): Placed {
  const p: Placed = { rule: f.rule, severity: f.severity, message: f.message, range };
  if (f.evidence) p.evidence = f.evidence;
  return p;
}

/** A finding the audit raises itself (unreadable file, unresolved host, bad suppression). */
export function own(rule: string, severity: Severity, en: string, zh: string, range: Range, evidence?: Evidence): Placed {
  const p: Placed = { rule, severity, message: { en, zh }, range };
  if (evidence) p.evidence = evidence;
  return p;
}
