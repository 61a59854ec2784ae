import { childPath } from '../../checks/finding.js';
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

/**
 * A string under one of these keys (`url: '…'`, `href="…"`) is meant as a link
 * target and judged as one URL, as the audit does (src/audit/extract/data.ts keeps
 * the same set), so both front doors report the same finding for it.
 */
const URL_KEYS = new Set(['url', 'href', 'link']);

export function kindForKey(key: string | null | undefined): 'text' | 'url' {
  return key !== null && key !== undefined && URL_KEYS.has(key.toLowerCase()) ? 'url' : 'text';
}

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

/** How one language's tree reads as plain data; null means "not static here". */
export interface TreeReader<N extends object> {
  /** Entries of an object-like node, or null if `node` is not one / has a non-static key. */
  entries(node: N): Array<{ key: string; node: N | null; range: Range }> | null;
  /** Items of an array-like node, or null. */
  items(node: N): Array<N | null> | null;
  /** A string's site, or null if `node` is not a static string. */
  string(node: N): StringSite | null;
  /** A non-string scalar's value, or NOT_STATIC. */
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
 * Evaluates a literal tree to plain data, remembering each path's node. Returns null
 * as soon as any part is not static (a variable, a spread, an alias): a payload the
 * linter cannot see whole is left to the audit, and its strings are judged alone.
 */
export function evaluatePayload<N extends object>(reader: TreeReader<N>, root: N, isPayload: (value: unknown) => boolean): PayloadSite | null {
  const parts = new Map<string, StringSite | Range>();
  const nodes: object[] = [];
  const walk = (node: N | null, path: string, fallback: Range): { v: unknown } | null => {
    if (node === null) {
      parts.set(path, fallback);
      return { v: null };
    }
    if (path !== '') nodes.push(node);
    const site = reader.string(node);
    if (site) {
      if (path !== '') nodes.push(site.node);
      parts.set(path, site);
      return { v: site.value };
    }
    const entries = reader.entries(node);
    if (entries) {
      parts.set(path, reader.range(node));
      const obj: Record<string, unknown> = {};
      for (const e of entries) {
        const child = walk(e.node, childPath(path, e.key), e.range);
        if (!child) return null;
        Object.defineProperty(obj, e.key, { value: child.v, enumerable: true, writable: true, configurable: true });
      }
      return { v: obj };
    }
    const items = reader.items(node);
    if (items) {
      parts.set(path, reader.range(node));
      const arr: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        const child = walk(items[i] ?? null, childPath(path, i), reader.range(node));
        if (!child) return null;
        arr.push(child.v);
      }
      return { v: arr };
    }
    const v = reader.scalar(node);
    if (v === NOT_STATIC) return null;
    parts.set(path, reader.range(node));
    return { v };
  };
  const result = walk(root, '', reader.range(root));
  if (!result || !isPayload(result.v)) return null;
  for (const n of nodes) coveredNodes.add(n);
  return { node: root, value: result.v, range: reader.range(root), parts };
}
