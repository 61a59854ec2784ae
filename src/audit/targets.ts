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
 * (`${SHOP}`), so the report points at the line a person reads. The arrays are
 * built only when a finding needs them: most strings have none, and building
 * them for every string of a 10,000-file repo is most of the garbage.
 */
export interface StringMap {
  /** Value length in UTF-16 units. */
  readonly length: number;
  /** The whole string's source, for findings without a span. */
  readonly whole: Range;
  /** File offset where value unit i starts. */
  readonly starts: Int32Array;
  /** File offset where value unit i ends (exclusive). */
  readonly ends: Int32Array;
}

class LazyMap implements StringMap {
  #arrays: [Int32Array, Int32Array] | undefined;
  constructor(
    readonly length: number,
    readonly whole: Range,
    private readonly make: () => [Int32Array, Int32Array],
  ) {}
  get starts(): Int32Array {
    return (this.#arrays ??= this.make())[0];
  }
  get ends(): Int32Array {
    return (this.#arrays ??= this.make())[1];
  }
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

/**
 * The value of a literal whose source starts at `base` in the file, and its map.
 * Most literals contain no escapes or line breaks: their value is the text between
 * the delimiters and the full decoder never runs.
 */
export function literalMap(raw: string, kind: LiteralKind, base: number): { value: string; map: StringMap } {
  const whole = { start: base, end: base + raw.length };
  const plain = verbatim(raw, kind);
  if (plain) {
    const [from, to] = plain;
    return {
      value: raw.slice(from, to),
      map: new LazyMap(to - from, whole, () => {
        const starts = new Int32Array(to - from);
        const ends = new Int32Array(to - from);
        for (let i = 0; i < starts.length; i++) {
          starts[i] = base + from + i;
          ends[i] = base + from + i + 1;
        }
        return [starts, ends];
      }),
    };
  }
  const { value, offsets } = decodeLiteral(raw, kind);
  return { value, map: mapFromOffsets(offsets, base, whole) };
}

/** `[from, to)` of the value in `raw` when it is written verbatim (no escapes, no folding), else undefined. */
function verbatim(raw: string, kind: LiteralKind): [number, number] | undefined {
  if (kind === 'plain') return [0, raw.length];
  if (kind === 'yaml-block') return undefined;
  const multiLine = raw.includes('\n') || raw.includes('\r');
  if (kind === 'yaml-plain') return multiLine ? undefined : [0, raw.length];
  if (raw.includes('\\') || multiLine) return undefined;
  if (kind === 'template') return [1, raw.endsWith('${') ? raw.length - 2 : raw.length - 1];
  if (kind === 'yaml-single' && raw.slice(1, -1).includes("'")) return undefined;
  return raw.length >= 2 ? [1, raw.length - 1] : undefined;
}

/** Turns locate.ts offsets (starts plus a final end) into per-unit start/end arrays. */
export function mapFromOffsets(offsets: Int32Array, base: number, whole: Range): StringMap {
  const n = offsets.length - 1;
  return new LazyMap(n, whole, () => {
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    let nextEnd = offsets[n]! + base;
    for (let i = n - 1; i >= 0; i--) {
      starts[i] = offsets[i]! + base;
      // Both halves of one escaped astral character share a start: the high half ends where the low half does.
      ends[i] = offsets[i + 1] !== offsets[i] ? offsets[i + 1]! + base : nextEnd;
      nextEnd = ends[i]!;
    }
    return [starts, ends];
  });
}

/** A value span as a file range (the whole string when there is no span). */
export function rangeOf(map: StringMap, span: Span | undefined): Range {
  const n = map.length;
  if (!span || n === 0) return map.whole;
  const s = Math.min(span.start, n - 1);
  const e = Math.min(Math.max(span.end, span.start + 1), n);
  const start = map.starts[s]!;
  return { start, end: Math.max(start, map.ends[e - 1]!) };
}

/** Joins the maps of consecutive pieces into one string's map. */
export function concatMaps(pieces: ReadonlyArray<{ map: StringMap }>, whole: Range): StringMap {
  if (pieces.length === 1 && pieces[0]!.map.whole.start === whole.start && pieces[0]!.map.whole.end === whole.end) return pieces[0]!.map;
  let n = 0;
  for (const p of pieces) n += p.map.length;
  const maps = pieces.map((p) => p.map);
  return new LazyMap(n, whole, () => {
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    let k = 0;
    for (const m of maps) {
      starts.set(m.starts, k);
      ends.set(m.ends, k);
      k += m.length;
    }
    return [starts, ends];
  });
}

/** A string whose every unit maps to one source range (a substituted constant). */
export function uniformMap(length: number, range: Range): StringMap {
  return new LazyMap(length, range, () => [new Int32Array(length).fill(range.start), new Int32Array(length).fill(range.end)]);
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
