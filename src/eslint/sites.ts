import { decodeLiteral, type LiteralKind } from '../audit/locate.js';
import type { Finding, Span } from '../findings.js';

/** `[start, end)` as indices into the linted file's text. */
export type Range = readonly [number, number];

/**
 * One string the engine judges, and where each of its value's characters was
 * written. `trace()[i]` is the file index where value unit `i` starts;
 * `trace()[value.length]` is where the value ends. It is null when the characters
 * cannot be traced (the parser's value and our decoding disagree): reports then cover
 * the whole string. Tracing runs only for a string that has a finding — most have none.
 */
export interface StringSite {
  readonly node: object;
  readonly value: string;
  readonly range: Range;
  trace(): Int32Array | null;
}

/** The file range of a value span: exactly the characters written for it, escapes whole. */
export function spanRange(site: StringSite, span: Span | undefined): Range {
  const at = span ? site.trace() : null;
  if (!span || !at) return site.range;
  const last = at.length - 1;
  const start = at[Math.min(Math.max(span.start, 0), last)]!;
  const end = at[Math.min(Math.max(span.end, 0), last)]!;
  return [start, Math.max(start, end)];
}

/** Shifts offsets relative to `base` into file indices. */
export function shift(offsets: Int32Array, base: number): Int32Array {
  const out = new Int32Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = offsets[i]! + base;
  return out;
}

/**
 * A literal token's site. The parser's value is what the engine judges; our decoding
 * only supplies the positions, and is trusted only when it yields the same value.
 * `token` is where the literal is written; `range`, what a report covers, defaults to it.
 */
export function literalSite(node: object, text: string, token: Range, value: string, kind: LiteralKind, range: Range = token): StringSite {
  return new LiteralSite(node, text, token, value, kind, range);
}

/** One object per string, its trace computed on first use: most strings have no finding, so never. */
class LiteralSite implements StringSite {
  private offsets: Int32Array | null | undefined;
  constructor(
    readonly node: object,
    private readonly text: string,
    private readonly token: Range,
    readonly value: string,
    private readonly kind: LiteralKind,
    readonly range: Range,
  ) {}
  trace(): Int32Array | null {
    if (this.offsets === undefined) {
      const [start, end] = this.token;
      const decoded = decodeLiteral(this.text.slice(start, end), this.kind);
      this.offsets = decoded.value === this.value ? shift(decoded.offsets, start) : null;
    }
    return this.offsets;
  }
}

/** A computation run at most once, on first use. */
export function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** A site whose characters are already traced (or cannot be). */
export function traced(at: Int32Array | null): () => Int32Array | null {
  return () => at;
}

/** A payload-shaped literal, statically evaluated, with where each of its parts was written. */
export interface PayloadSite {
  readonly node: object;
  readonly value: unknown;
  readonly range: Range;
  /** Payload path (`data.articles[2].url`, as the engine writes it) → the string or node there. */
  readonly parts: ReadonlyMap<string, StringSite | Range>;
  /** Paths whose value could not be known statically: findings under them are not real. */
  readonly unknown: ReadonlySet<string>;
}

/** Where in a payload literal a finding points: its string's exact characters, else the nearest enclosing part. */
export function payloadRange(site: PayloadSite, finding: Pick<Finding, 'path' | 'span'>): Range {
  const exact = site.parts.get(finding.path);
  if (exact) return 'value' in exact ? spanRange(exact, finding.span) : exact;
  // A missing field, or a path inside an encoded `data` string: point at what holds it.
  let path = finding.path;
  while (path !== '') {
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut < 0 ? '' : path.slice(0, cut);
    const part = site.parts.get(path);
    if (part) return 'value' in part ? part.range : part;
  }
  return site.range;
}

