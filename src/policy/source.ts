import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { z } from 'zod';

/** One problem in one policy file, located for a person: `file:line: message`. */
export interface PolicyIssue {
  file: string;
  /** 1-based; 0 when the file as a whole is the problem (unreadable). */
  line: number;
  column?: number;
  message: string;
}

export type PolicyWarning = Omit<PolicyIssue, 'column'>;

export function formatIssue(issue: PolicyIssue): string {
  return issue.line > 0 ? `${issue.file}:${issue.line}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/** A parsed file that can still answer "which line is this field on?". */
export interface Source {
  file: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

type Path = ReadonlyArray<PropertyKey>;

/**
 * Parses YAML, or JSON through the same YAML parser (JSON is a YAML 1.2 subset), so
 * both get one path-to-line mapping. Duplicate keys are errors, never "last one
 * wins"; JSON is also run through JSON.parse so YAML-only syntax in a .json file
 * is refused rather than quietly accepted.
 */
export function parseSource(text: string, file: string, format: 'yaml' | 'json'): { source?: Source; issues: PolicyIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return {
      issues: problems.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        const what = e.code === 'DUPLICATE_KEY' ? 'duplicate key' : e.message.split('\n')[0];
        return { file, line: pos.line, column: pos.col, message: `${what} (${format === 'json' ? 'JSON' : 'YAML'})` };
      }),
    };
  }
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = /position (\d+)/.exec(message);
      const pos = at ? lines.linePos(Number(at[1])) : { line: 1, col: 1 };
      return { issues: [{ file, line: pos.line, column: pos.col, message: `not valid JSON: ${message}` }] };
    }
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Only an alias bomb gets here: refuse it instead of expanding it.
    return { issues: [{ file, line: 1, message: err instanceof Error ? err.message : String(err) }] };
  }
  return { source: { file, doc, lines, data }, issues: [] };
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
  const node = nodeAt(source.doc, path, key);
  const offset = node?.range?.[0] ?? 0;
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** `entries[3].domain` for people; zod's path array for the locator. */
export function pathText(path: Path): string {
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
