import { childPath, type Span } from '../findings.js';
// What cannot be known is one placeholder for every front door, so all judge the same payload.
import { UNKNOWN_VALUE } from '../checks/templates.js';
import type { CharMap, PayloadPart, PayloadSite } from './model.js';

/** What a reader's `scalar` answers for a value it cannot know statically (a variable, a call, an alias). */
export const NOT_STATIC: unique symbol = Symbol('not static');

/** How one template format's tree reads as plain data: all a reader supplies to evaluate a payload. */
export interface PayloadReader<N> {
  /**
   * Entries of an object-like node, or null if `node` is not one. `partial` when some
   * of it cannot be read statically (a spread, a method, a computed key). `range` is
   * where the entry's value is reported when `node` is null (nothing written).
   */
  entries(node: N): { entries: Array<{ key: string; node: N | null; range: Span }>; partial: boolean } | null;
  /** Items of an array-like node (`partial` for spreads and holes), or null. */
  items(node: N): { items: Array<N | null>; partial: boolean } | null;
  /** A string's value and character map, or null if `node` is not a static string. */
  string(node: N): { value: string; map: CharMap } | null;
  /** A non-string scalar's value, or {@link NOT_STATIC}. */
  scalar(node: N): unknown;
  range(node: N): Span;
}

/**
 * Below this depth a payload is not evaluated further: the part is unknown and nothing
 * under it is reported. A reply payload is a handful of levels deep; this bounds the
 * work on a pathological literal, not a real one.
 */
const MAX_PAYLOAD_DEPTH = 64;

interface Frame<N> {
  node: N | null;
  path: string;
  depth: number;
  /** Where to report this part when `node` is null. */
  fallback: Span;
  into: Record<string, unknown> | unknown[];
  key: string | number;
}

/**
 * Evaluates a literal tree to plain data, remembering where each path was written.
 * What is not static becomes {@link UNKNOWN_VALUE} and its path is listed in
 * `unknown`: findings under it are not real, while the rest of the payload (the article
 * count, the other fields' text) is still judged. Iterative, so nesting depth is data.
 * `inside`, when given, receives every static node below the root (their strings are
 * judged as part of the payload, not again alone, if it is one).
 */
export function evaluatePayload<N>(reader: PayloadReader<N>, root: N, inside?: N[]): PayloadSite {
  const parts = new Map<string, PayloadPart>();
  const unknown = new Set<string>();
  const holder: Record<string, unknown> = {};
  const stack: Array<Frame<N>> = [{ node: root, path: '', depth: 0, fallback: reader.range(root), into: holder, key: 'value' }];
  while (stack.length > 0) {
    const f = stack.pop()!;
    const value = step(reader, f, parts, unknown, stack, inside);
    if (Array.isArray(f.into)) f.into[f.key as number] = value;
    // A `__proto__` key is data here, not the prototype (JSON.parse reads it the same way).
    else if (f.key === '__proto__') Object.defineProperty(f.into, f.key, { value, enumerable: true, writable: true, configurable: true });
    else f.into[f.key] = value;
  }
  const whole = reader.range(root);
  return { kind: 'payload', value: holder['value'], unknown, whole, part: (path) => parts.get(path) };
}

/** One part's value; containers come back empty, their children pushed to be filled in order. */
function step<N>(reader: PayloadReader<N>, f: Frame<N>, parts: Map<string, PayloadPart>, unknown: Set<string>, stack: Array<Frame<N>>, inside: N[] | undefined): unknown {
  const { node, path } = f;
  if (node === null) {
    parts.set(path, { range: f.fallback });
    return null;
  }
  const range = reader.range(node);
  if (f.depth > MAX_PAYLOAD_DEPTH) {
    parts.set(path, { range });
    unknown.add(path);
    return UNKNOWN_VALUE;
  }
  const str = reader.string(node);
  // What is static is judged as part of the payload; what is not stays with the string visitors.
  const static_ = (): void => void (path !== '' && inside?.push(node));
  if (str) {
    static_();
    parts.set(path, { range, map: str.map });
    return str.value;
  }
  const obj = reader.entries(node);
  if (obj) {
    static_();
    parts.set(path, { range });
    if (obj.partial) unknown.add(path);
    const out: Record<string, unknown> = {};
    for (let i = obj.entries.length - 1; i >= 0; i--) {
      const e = obj.entries[i]!;
      stack.push({ node: e.node, path: childPath(path, e.key), depth: f.depth + 1, fallback: e.range, into: out, key: e.key });
    }
    // Keys in source order: a repeated key keeps its first place and its last value, as in JS.
    for (const e of obj.entries) if (!Object.prototype.hasOwnProperty.call(out, e.key)) setKey(out, e.key, undefined);
    return out;
  }
  const arr = reader.items(node);
  if (arr) {
    static_();
    parts.set(path, { range });
    if (arr.partial) unknown.add(path);
    const out: unknown[] = new Array(arr.items.length);
    for (let i = arr.items.length - 1; i >= 0; i--) stack.push({ node: arr.items[i]!, path: childPath(path, i), depth: f.depth + 1, fallback: range, into: out, key: i });
    return out;
  }
  parts.set(path, { range });
  const v = reader.scalar(node);
  if (v !== NOT_STATIC) {
    static_();
    return v;
  }
  unknown.add(path);
  return UNKNOWN_VALUE;
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Cheap test before any evaluation: a reply payload names both `type` and `data`.
 * Only such objects are evaluated, so ordinary objects cost nothing (no key list is
 * built: this runs on every object literal of every file).
 */
export function namesTypeAndData<M>(members: readonly M[], keyOf: (member: M) => string | null | undefined): boolean {
  let type = false;
  let data = false;
  for (const m of members) {
    const k = keyOf(m);
    if (k === 'type') type = true;
    else if (k === 'data') data = true;
  }
  return type && data;
}
