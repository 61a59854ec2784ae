import type { Evidence, Finding, Localized, RuleId, Severity, Span } from '../findings.js';
import { decodeLiteral, type LiteralKind } from './decode.js';

/**
 * A string or payload found in a template, as every front door hands it to the engine:
 * its value, what it is judged as, where it was written and, for a string, where each
 * of its characters was written. Readers (the audit's and the ESLint plugin's, one per
 * template format) build these; nothing downstream looks at a syntax tree again.
 */

/**
 * Where each unit of a string's value sits in its file. A unit that came from a
 * constant resolved elsewhere maps to the expression that brought it in (`${SHOP}`),
 * so a report points at the line a person reads.
 */
// The arrays are built only when a finding needs them: most strings have none, and
// building them for every string of a 10,000-file repo is most of the garbage.
export interface CharMap {
  /** Value length in UTF-16 units. */
  readonly length: number;
  /** The whole string's source, for findings without a span or when characters cannot be traced. */
  readonly whole: Span;
  /** File offset where value unit i starts. */
  readonly starts: Int32Array;
  /** File offset where value unit i ends (exclusive). */
  readonly ends: Int32Array;
}

/** A string judged as free text or as one URL. */
export interface StringSite {
  readonly kind: 'text' | 'url';
  readonly value: string;
  readonly map: CharMap;
}

/** Where a payload path was written: a string there has its own character map. */
export interface PayloadPart {
  range: Span;
  map?: CharMap;
}

/** A payload-shaped literal, evaluated to plain data, with where each of its parts was written. */
export interface PayloadSite {
  readonly kind: 'payload';
  readonly value: unknown;
  /** Paths whose values could not be known statically: findings under them are not real. */
  readonly unknown: ReadonlySet<string>;
  readonly whole: Span;
  /** The part written at a payload path (`data.articles[2].url`), if any. */
  part(path: string): PayloadPart | undefined;
}

export type Site = StringSite | PayloadSite;

/** A finding placed in a file, before line/column and reporting. */
export interface Placed {
  rule: RuleId;
  severity: Severity;
  message: Localized;
  range: Span;
  evidence?: Evidence;
}

class LazyMap implements CharMap {
  #arrays: [Int32Array, Int32Array] | undefined;
  constructor(
    readonly length: number,
    readonly whole: Span,
    private readonly make: () => [Int32Array, Int32Array],
  ) {}
  get starts(): Int32Array {
    return (this.#arrays ??= this.make())[0];
  }
  get ends(): Int32Array {
    return (this.#arrays ??= this.make())[1];
  }
}

/**
 * The value of a literal whose source starts at `base` in the file, and its map.
 * Most literals contain no escapes or line breaks: their value is the text between
 * the delimiters and the full decoder never runs.
 */
export function literalMap(raw: string, kind: LiteralKind, base: number): { value: string; map: CharMap } {
  const whole = { start: base, end: base + raw.length };
  const plain = verbatim(raw, kind);
  if (plain) {
    const [from, to] = plain;
    return { value: raw.slice(from, to), map: new LazyMap(to - from, whole, () => runArrays(base + from, to - from)) };
  }
  const { value, offsets } = decodeLiteral(raw, kind);
  return { value, map: mapFromOffsets(offsets, base, whole) };
}

function runArrays(first: number, n: number): [Int32Array, Int32Array] {
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = first + i;
    ends[i] = first + i + 1;
  }
  return [starts, ends];
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

/**
 * A literal whose value a parser already gave: our decoding of its token (at `token`
 * in `text`) supplies only the positions, and is trusted only when it yields the same
 * value; otherwise every unit points at `whole`. Decoded on first use.
 */
export function parsedLiteralMap(text: string, token: Span, value: string, kind: LiteralKind, whole: Span = token): CharMap {
  return new ParsedLiteralMap(text, token, value, kind, whole);
}

/** One object per string and no closure: a linted repo has hundreds of thousands of strings, and most never need their map. */
class ParsedLiteralMap implements CharMap {
  #arrays: [Int32Array, Int32Array] | undefined;
  constructor(
    private readonly text: string,
    private readonly token: Span,
    private readonly value: string,
    private readonly kind: LiteralKind,
    readonly whole: Span,
  ) {}
  get length(): number {
    return this.value.length;
  }
  get starts(): Int32Array {
    return (this.#arrays ??= this.make())[0];
  }
  get ends(): Int32Array {
    return (this.#arrays ??= this.make())[1];
  }
  private make(): [Int32Array, Int32Array] {
    const decoded = decodeLiteral(this.text.slice(this.token.start, this.token.end), this.kind);
    return decoded.value === this.value ? offsetArrays(decoded.offsets, this.token.start) : uniformArrays(this.value.length, this.whole);
  }
}

/**
 * A map from a trace computed on first use: `trace()[i]` is the file offset where unit
 * i starts and `trace()[length]` where the value ends; null when the characters cannot
 * be traced, and then every unit points at `whole`.
 */
export function tracedMap(length: number, whole: Span, trace: () => Int32Array | null): CharMap {
  return new LazyMap(length, whole, () => {
    const at = trace();
    return at && at.length === length + 1 ? offsetArrays(at, 0) : uniformArrays(length, whole);
  });
}

/** Turns decoder offsets (starts plus a final end, relative to `base`) into a map. */
export function mapFromOffsets(offsets: Int32Array, base: number, whole: Span): CharMap {
  return new LazyMap(offsets.length - 1, whole, () => offsetArrays(offsets, base));
}

function offsetArrays(offsets: Int32Array, base: number): [Int32Array, Int32Array] {
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
  return [starts, ends];
}

/** Offsets relative to `base` as file offsets. */
export function shift(offsets: Int32Array, base: number): Int32Array {
  const out = new Int32Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = offsets[i]! + base;
  return out;
}

/** A string whose every unit maps to one source range (a substituted constant). */
export function uniformMap(length: number, range: Span): CharMap {
  return new LazyMap(length, range, () => uniformArrays(length, range));
}

function uniformArrays(length: number, range: Span): [Int32Array, Int32Array] {
  return [new Int32Array(length).fill(range.start), new Int32Array(length).fill(range.end)];
}

/** Joins the maps of consecutive pieces into one string's map. */
export function concatMaps(pieces: ReadonlyArray<{ map: CharMap }>, whole: Span): CharMap {
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

/** A value span as a file range: exactly the characters written for it, escapes whole (the whole string when there is no span). */
export function rangeOf(map: CharMap, span: Span | undefined): Span {
  const n = map.length;
  if (!span || n === 0) return map.whole;
  const s = Math.min(Math.max(span.start, 0), n - 1);
  const e = Math.min(Math.max(span.end, s + 1), n);
  const start = map.starts[s]!;
  return { start, end: Math.max(start, map.ends[e - 1]!) };
}

/**
 * Where a finding on a site points. In a payload: the exact characters of the string
 * at its path, else the nearest enclosing part that was written (a missing field, or a
 * path inside an encoded `data` string, points at what holds it).
 */
export function findingRange(site: Site, f: Pick<Finding, 'path' | 'span'>): Span {
  if (site.kind !== 'payload') return rangeOf(site.map, f.span);
  const exact = site.part(f.path);
  if (exact) return exact.map ? rangeOf(exact.map, f.span) : exact.range;
  for (let p = parentPath(f.path); ; p = parentPath(p)) {
    const hit = site.part(p);
    if (hit) return hit.range;
    if (p === '') return site.whole;
  }
}

/** `data.articles[2]` → `data.articles` → `data` → `''`. */
function parentPath(p: string): string {
  const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
  return cut <= 0 ? '' : p.slice(0, cut);
}

/** The site's whole source. */
export function wholeOf(site: Site): Span {
  return site.kind === 'payload' ? site.whole : site.map.whole;
}

/** An engine finding placed at `range`. */
export function place(f: Finding, range: Span): Placed {
  const p: Placed = { rule: f.rule, severity: f.severity, message: f.message, range };
  if (f.evidence) p.evidence = f.evidence;
  return p;
}

/** A finding a front door raises itself (unreadable file, unresolved host, bad suppression). */
export function own(rule: RuleId, severity: Severity, en: string, zh: string, range: Span, evidence?: Evidence): Placed {
  const p: Placed = { rule, severity, message: { en, zh }, range };
  if (evidence) p.evidence = evidence;
  return p;
}

/**
 * The same rule on the same characters with the same words once, however many sites
 * led to it (a string judged both as a constant and where it is used). One instance per
 * file; `first` is true the first time a finding is offered.
 */
export class Dedupe {
  private readonly seen = new Set<string>();
  first(rule: string, range: Span, en: string): boolean {
    const key = `${rule}\0${range.start}\0${range.end}\0${en}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
