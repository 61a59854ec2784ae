import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { lineIndex } from '../lines.js';
import type { z } from 'zod';

/** One problem in one policy file, located for a person: `file:line: message`. */
export interface PolicyIssue {
  file: string;
  /** 1-based; 0 when the file as a whole is the problem (unreadable). */
  line: number;
  column?: number;
  message: string;
}

export function formatIssue(issue: PolicyIssue): string {
  return issue.line > 0 ? `${issue.file}:${issue.line}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/** A parsed file that can still answer "which line is this field on?". */
export interface Source {
  file: string;
  data: unknown;
  /** Line and column of the value at `path` (of the key itself when `key` is given), or of the nearest enclosing value that exists. */
  locate(path: Path, key?: string): { line: number; column: number };
}

type Path = ReadonlyArray<PropertyKey>;

export function parseSource(text: string, file: string, format: 'yaml' | 'json'): { source?: Source; issues: PolicyIssue[] } {
  return format === 'json' ? parseJson(text.replace(/^\uFEFF/, ''), file) : parseYaml(text, file);
}

/** YAML through `yaml`'s Document, which keeps every node's range; duplicate keys are errors. */
function parseYaml(text: string, file: string): { source?: Source; issues: PolicyIssue[] } {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (err) {
    // The parser recurses per nesting level; absurd nesting is refused, not a crash.
    return { issues: [{ file, line: 1, message: `not accepted: ${err instanceof Error ? err.message : String(err)} (YAML)` }] };
  }
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return {
      issues: problems.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        const what = e.code === 'DUPLICATE_KEY' ? 'duplicate key' : e.message.split('\n')[0];
        return { file, line: pos.line, column: pos.col, message: `${what} (YAML)` };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Only an alias bomb gets here: refuse it instead of expanding it.
    return { issues: [{ file, line: 1, message: err instanceof Error ? err.message : String(err) }] };
  }
  const locate = (path: Path, key?: string) => {
    const node = nodeAt(doc, path, key);
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    return { line: pos.line, column: pos.col };
  };
  return { source: { file, data, locate }, issues: [] };
}

/** Where each JSON value starts, mirroring the value's shape. */
interface JsonPos {
  start: number;
  keyStart?: number;
  items?: JsonPos[];
  fields?: Map<string, JsonPos>;
}

const MAX_DEPTH = 256;

/**
 * JSON.parse gives the data (fast, native, strict); this one linear scan over the
 * same, already-valid text records where every value and key starts, and finds
 * duplicate keys, which JSON.parse silently resolves to the last one. The YAML
 * parser could do both, but a 100,000-entry config takes it seconds and most of
 * the heap; this takes a fraction of JSON.parse's time.
 */
function scanJson(text: string): { root: JsonPos; duplicate?: { offset: number; key: string } } {
  let i = 0;
  let duplicate: { offset: number; key: string } | undefined;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const string = (): string => {
    const from = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(from, i)) as string;
  };
  const value = (depth: number): JsonPos => {
    if (depth > MAX_DEPTH) throw new RangeError(`nested deeper than ${MAX_DEPTH} levels`);
    ws();
    const node: JsonPos = { start: i };
    const c = text[i];
    if (c === '{') {
      node.fields = new Map();
      i++;
      ws();
      while (text[i] !== '}') {
        const keyStart = i;
        const key = string();
        ws();
        i++; // ':'
        const child = value(depth + 1);
        child.keyStart = keyStart;
        if (node.fields.has(key)) duplicate ??= { offset: keyStart, key };
        node.fields.set(key, child);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      node.items = [];
      i++;
      ws();
      while (text[i] !== ']') {
        node.items.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') {
      string();
    } else {
      while (i < text.length && !',]}'.includes(text[i]!) && text[i] !== ' ' && text[i] !== '\n' && text[i] !== '\r' && text[i] !== '\t') i++;
    }
    return node;
  };
  const root = value(0);
  return duplicate ? { root, duplicate } : { root };
}

function parseJson(text: string, file: string): { source?: Source; issues: PolicyIssue[] } {
  const position = lineIndex(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    const pos = position(at ? Number(at[1]) : 0);
    return { issues: [{ file, line: pos.line, column: pos.column, message: `not valid JSON: ${message}` }] };
  }
  let scanned: ReturnType<typeof scanJson>;
  try {
    scanned = scanJson(text);
  } catch (err) {
    return { issues: [{ file, line: 1, message: `not accepted: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (scanned.duplicate) {
    const pos = position(scanned.duplicate.offset);
    return { issues: [{ file, line: pos.line, column: pos.column, message: `duplicate key "${scanned.duplicate.key}" (JSON)` }] };
  }
  const locate = (path: Path, key?: string) => {
    let node = scanned.root;
    for (const step of path) {
      const next = typeof step === 'number' ? node.items?.[step] : node.fields?.get(String(step));
      if (!next) break;
      node = next;
    }
    const keyed = key === undefined ? undefined : node.fields?.get(key)?.keyStart;
    return position(keyed ?? node.start);
  };
  return { source: { file, data, locate }, issues: [] };
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/** The deepest node on `path` (its key node when `key` is given and present). */
function nodeAt(doc: Document, path: Path, key?: string): Node | undefined {
  let node = doc.contents as Node | null;
  if (!node) return undefined;
  const steps: Array<PropertyKey> = key === undefined ? [...path] : [...path, key];
  for (const [i, step] of steps.entries()) {
    const last = i === steps.length - 1;
    if (isMap(node)) {
      const pair: Pair<unknown, unknown> | undefined = node.items.find((p) => keyText(p.key) === String(step));
      if (!pair) return node;
      // For an unknown key the key itself is the place to point at.
      if (last && key !== undefined) return (pair.key as Node) ?? node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

export function locate(source: Source, path: Path, key?: string): { line: number; column: number } {
  return source.locate(path, key);
}

/** `entries[3].domain` for people; zod's path array for the locator. */
function pathText(path: Path): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out === '' ? String(step) : `.${String(step)}`;
  return out;
}

function editDistance(a: string, b: string): number {
  // Keys are short; the classic two-row table is plenty.
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `"${input.length > 40 ? `${input.slice(0, 40)}…` : input}"`;
  return `${typeof input} ${String(input)}`;
}

/** zod's raw issue as the per-parse error callback sees it (with the schema that raised it). */
type RawIssue = {
  code?: string;
  input?: unknown;
  expected?: string;
  keys?: string[];
  values?: unknown[];
  origin?: string;
  minimum?: number | bigint;
  inst?: unknown;
  message?: string;
};

/** Messages for someone editing YAML, not a zod dump. */
function friendly(iss: RawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? 'is required but missing' : `expected ${iss.expected}, got ${describeInput(iss.input)}`;
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } })?._zod?.def?.shape;
      const known = shape ? Object.keys(shape) : [];
      return (iss.keys ?? [])
        .map((k) => {
          const near = closest(k, known);
          return `unknown key "${k}"${near ? ` (did you mean "${near}"?)` : known.length ? ` (allowed: ${known.join(', ')})` : ''}`;
        })
        .join('; ');
    }
    case 'invalid_value':
      return `expected one of ${(iss.values ?? []).map((v) => JSON.stringify(v)).join(', ')}, got ${describeInput(iss.input)}`;
    case 'too_small':
      return iss.origin === 'array' ? `needs at least ${String(iss.minimum)} item(s)` : undefined;
    default:
      return undefined;
  }
}

/**
 * Validates a parsed file against its schema; every zod issue becomes
 * `file:line: field: message`, one per unknown key so each points at its own line.
 */
export function validate<S extends z.ZodType>(source: Source, schema: S, data: unknown = source.data, base: Path = []): { data?: z.infer<S>; issues: PolicyIssue[] } {
  const result = schema.safeParse(data, { error: (iss) => friendly(iss as RawIssue) });
  if (result.success) return { data: result.data, issues: [] };
  const issues: PolicyIssue[] = [];
  for (const iss of result.error.issues) {
    const path = [...base, ...iss.path];
    const where = pathText(path);
    if (iss.code === 'unrecognized_keys') {
      const parts = iss.message.split('; ');
      iss.keys.forEach((key, i) => {
        const { line, column } = locate(source, path, key);
        issues.push({ file: source.file, line, column, message: `${where ? `${where}: ` : ''}${parts[i] ?? `unknown key "${key}"`}` });
      });
      continue;
    }
    const { line, column } = locate(source, path);
    issues.push({ file: source.file, line, column, message: `${where || '(top level)'}: ${iss.message}` });
  }
  issues.sort((a, b) => a.line - b.line);
  return { issues };
}
