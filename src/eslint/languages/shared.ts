import { childPath } from '../../checks/finding.js';
// What cannot be known is the audit's placeholder too, so both judge the same payload.
import { UNKNOWN_VALUE } from '../../checks/templates.js';
import type { PayloadSite, Range, StringSite } from '../sites.js';

/** What the rules need from any language's SourceCode (JS, JSON, YAML and Markdown all have it). */
export interface SourceLike {
  readonly text: string;
  getLocFromIndex(index: number): { line: number; column: number };
  getRange(node: unknown): Range;
  getParent?(node: unknown): unknown;
}

/** Where a language's visitors hand what they found. */
export interface Sink {
  /** The engine's test for a reply payload (`looksLikePayload`), applied to a statically evaluated literal. */
  isPayload(value: unknown): boolean;
  string(site: StringSite, kind: 'text' | 'url'): void;
  payload(site: PayloadSite): void;
}

export type Visitors = Record<string, (node: never) => void>;

/**
 * Blank strings hold nothing to judge. Most strings start with a printable ASCII
 * character, which settles it without `trim()` copying the string.
 */
export function isBlank(value: string): boolean {
  const c = value.charCodeAt(0);
  if (c > 32 && c < 0x7f) return false;
  return value.trim() === '';
}

/** How one language's tree reads as plain data. */
export interface TreeReader<N extends object> {
  /**
   * Entries of an object-like node, or null if `node` is not one. `partial` when some
   * of it cannot be read statically (a spread, a method, a computed key).
   */
  entries(node: N): { entries: Array<{ key: string; node: N | null; range: Range }>; partial: boolean } | null;
  /** Items of an array-like node (`partial` for spreads and holes), or null. */
  items(node: N): { items: Array<N | null>; partial: boolean } | null;
  /** A string's site, or null if `node` is not a static string. */
  string(node: N): StringSite | null;
  /** A non-string scalar's value, or NOT_STATIC (a variable, a call, an alias). */
  scalar(node: N): unknown;
  range(node: N): Range;
}

export const NOT_STATIC: unique symbol = Symbol('not static');


/**
 * Cheap test before any evaluation: a reply payload names both `type` and `data`.
 * Only such objects are evaluated, so nested ordinary objects cost nothing (no key
 * list is built: this runs on every object literal of every file).
 */
export function namesTypeAndData<M>(members: readonly M[], keyOf: (member: M) => string | null): boolean {
  let type = false;
  let data = false;
  for (const m of members) {
    const k = keyOf(m);
    if (k === 'type') type = true;
    else if (k === 'data') data = true;
  }
  return type && data;
}

/**
 * Evaluates a literal tree to plain data, remembering where each path was written.
 * What is not static (a variable, a call, a spread) becomes {@link UNKNOWN_VALUE} and
 * its path is listed in `unknown`: findings under it are not real and are dropped,
 * while the rest of the payload (the article count, the text of the other fields) is
 * still judged — as the audit does. Strings read into the payload are judged as part
 * of it, not again on their own; unknown parts stay with the string visitors.
 */
function evaluatePayload<N extends object>(reader: TreeReader<N>, root: N, isPayload: (value: unknown) => boolean, covered: Set<object>): PayloadSite | null {
  const parts = new Map<string, StringSite | Range>();
  const unknown = new Set<string>();
  const nodes: object[] = [];
  const walk = (node: N | null, path: string, fallback: Range): unknown => {
    if (node === null) {
      parts.set(path, fallback);
      return null;
    }
    const site = reader.string(node);
    if (site) {
      if (path !== '') nodes.push(node, site.node);
      parts.set(path, site);
      return site.value;
    }
    const obj = reader.entries(node);
    if (obj) {
      if (path !== '') nodes.push(node);
      parts.set(path, reader.range(node));
      if (obj.partial) unknown.add(path);
      const out: Record<string, unknown> = {};
      for (const e of obj.entries) {
        const v = walk(e.node, childPath(path, e.key), e.range);
        // A `__proto__` key is data here, not the prototype (JSON.parse reads it the same way).
        if (e.key === '__proto__') Object.defineProperty(out, e.key, { value: v, enumerable: true, writable: true, configurable: true });
        else out[e.key] = v;
      }
      return out;
    }
    const arr = reader.items(node);
    if (arr) {
      if (path !== '') nodes.push(node);
      parts.set(path, reader.range(node));
      if (arr.partial) unknown.add(path);
      return arr.items.map((item, i) => walk(item, childPath(path, i), reader.range(node)));
    }
    parts.set(path, reader.range(node));
    const v = reader.scalar(node);
    if (v !== NOT_STATIC) {
      if (path !== '') nodes.push(node);
      return v;
    }
    unknown.add(path);
    return UNKNOWN_VALUE;
  };
  const value = walk(root, '', reader.range(root));
  if (!isPayload(value)) return null;
  for (const n of nodes) covered.add(n);
  return { node: root, value, range: reader.range(root), parts, unknown };
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
 * Set dropped with the file.
 * `namesTypeAndData(node)` is the language's {@link namesTypeAndData}: only such nodes are evaluated.
 */
export function payloadsOf<N extends object>(reader: TreeReader<N>, namesTypeAndData: (node: N) => boolean, sink: Sink): Payloads<N> {
  const covered = new Set<object>();
  return {
    visit(node) {
      if (covered.has(node) || !namesTypeAndData(node)) return;
      const site = evaluatePayload(reader, node, sink.isPayload, covered);
      if (site) sink.payload(site);
    },
    covered: (node) => covered.has(node),
  };
}
