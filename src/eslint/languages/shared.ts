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
  /** True when the node lies inside a payload literal already judged as a whole. */
  covered(node: object): boolean;
  /** The engine's test for a reply payload (`looksLikePayload`), applied to a statically evaluated literal. */
  isPayload(value: unknown): boolean;
  string(site: StringSite, kind: 'text' | 'url'): void;
  payload(site: PayloadSite): void;
}

export type Visitors = Record<string, (node: never) => void>;

/** Blank strings hold nothing to judge. */
export function isBlank(value: string): boolean {
  return value.trim() === '';
}

/** Per-node memo: a site is built once per node however many rules ask for it. */
export function memo<N extends object, T>(build: (node: N) => T): (node: N) => T {
  const seen = new WeakMap<N, { v: T }>();
  return (node) => {
    let hit = seen.get(node);
    if (!hit) seen.set(node, (hit = { v: build(node) }));
    return hit.v;
  };
}

/** Memo for builders that also need the file's source; the node alone is the key (it belongs to one file). */
export function memoWith<N extends object, T>(build: (source: SourceLike, node: N) => T): (source: SourceLike, node: N) => T {
  const seen = new WeakMap<N, { v: T }>();
  return (source, node) => {
    let hit = seen.get(node);
    if (!hit) seen.set(node, (hit = { v: build(source, node) }));
    return hit.v;
  };
}

/** Nodes inside a payload literal: their strings are judged in the payload's context, not alone. */
const coveredNodes = new WeakSet<object>();
export function isCovered(node: object): boolean {
  return coveredNodes.has(node);
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
 * Only such objects are evaluated, so nested ordinary objects cost nothing.
 */
export function namesTypeAndData(keys: Iterable<string>): boolean {
  let type = false;
  let data = false;
  for (const k of keys) {
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
export function evaluatePayload<N extends object>(reader: TreeReader<N>, root: N, isPayload: (value: unknown) => boolean): PayloadSite | null {
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
        Object.defineProperty(out, e.key, { value: v, enumerable: true, writable: true, configurable: true });
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
  for (const n of nodes) coveredNodes.add(n);
  return { node: root, value, range: reader.range(root), parts, unknown };
}

/** A file's tree reader and its memoized payload evaluation. */
export interface FileReader<N extends object> {
  reader: TreeReader<N>;
  payloadOf: (node: N) => PayloadSite | null;
}

/**
 * One reader per file (weakly keyed on its SourceCode) for a language: `keysOf` lists
 * an object node's keys, so only nodes naming `type` and `data` are evaluated.
 */
export function fileReaders<N extends object>(
  makeReader: (source: SourceLike) => TreeReader<N>,
  keysOf: (node: N) => string[],
): (source: SourceLike, isPayload: (value: unknown) => boolean) => FileReader<N> {
  const readers = new WeakMap<SourceLike, FileReader<N>>();
  return (source, isPayload) => {
    let r = readers.get(source);
    if (!r) {
      const reader = makeReader(source);
      r = { reader, payloadOf: memo((node: N) => (namesTypeAndData(keysOf(node)) ? evaluatePayload(reader, node, isPayload) : null)) };
      readers.set(source, r);
    }
    return r;
  };
}
