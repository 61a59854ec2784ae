import type { Span } from '../../findings.js';
import type { PayloadSite, StringSite } from '../../sites/model.js';
import { evaluatePayload, type PayloadReader } from '../../sites/payload.js';

/** What the rules need from any language's SourceCode (JS, JSON, YAML and Markdown all have it). */
export interface SourceLike {
  readonly text: string;
  getLocFromIndex(index: number): { line: number; column: number };
  getRange(node: unknown): readonly [number, number];
  getParent?(node: unknown): unknown;
  getAllComments?(): Array<{ range?: readonly [number, number] }>;
}

/** Where a language's visitors hand what they found. */
export interface Sink {
  /** The engine's test for a reply payload (`looksLikePayload`), applied to a statically evaluated literal. */
  isPayload(value: unknown): boolean;
  string(site: StringSite): void;
  payload(site: PayloadSite): void;
}

export type Visitors = Record<string, (node: never) => void>;

/** A node's `[start, end)` as the one range type. */
export function rangeOf(node: { range: readonly [number, number] }): Span {
  return { start: node.range[0], end: node.range[1] };
}

/**
 * Blank strings hold nothing to judge. Most strings start with a printable ASCII
 * character, which settles it without `trim()` copying the string.
 */
export function isBlank(value: string): boolean {
  const c = value.charCodeAt(0);
  if (c > 32 && c < 0x7f) return false;
  return value.trim() === '';
}

/** One file's payload literals: each judged whole, and what lies inside it not again alone. */
export interface Payloads<N extends object> {
  /** The visitor for an object-like node: judges it when it is a reply payload. */
  visit(node: N): void;
  /** True when the node lies inside a payload literal already judged as a whole. */
  covered(node: object): boolean;
}

/**
 * Per file, built by the one listener that traverses it, so every node is visited once
 * and nothing needs remembering per node across files: the covered nodes are a plain
 * Set dropped with the file. Only nodes `namesTypeAndData` accepts are evaluated;
 * `unwrap` gives the node a visitor sees inside a wrapper (`x as const`, a YAML tag).
 */
export function payloadsOf<N extends object>(reader: PayloadReader<N>, namesTypeAndData: (node: N) => boolean, sink: Sink, unwrap: (node: N) => N = (n) => n): Payloads<N> {
  const covered = new Set<object>();
  return {
    visit(node) {
      if (covered.has(node) || !namesTypeAndData(node)) return;
      const inside: N[] = [];
      const site = evaluatePayload(reader, node, inside);
      if (!sink.isPayload(site.value)) return;
      for (const n of inside) {
        covered.add(n);
        covered.add(unwrap(n));
      }
      sink.payload(site);
    },
    covered: (node) => covered.has(node),
  };
}
