import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The published declarations (`dist/**\/*.d.ts`, built by `npm run build`, which
 * `npm test` runs first) are read by users in their editors. tsc copies every JSDoc
 * comment of a declaration into them, so a note meant for this repository's
 * maintainers ends up in every user's hover. Such notes belong in `//` comments, which
 * tsc leaves out. A comment in a declaration file is an internal note when it:
 *
 * - names a file of this repository that is not in the package (`src/…`, `test/…`,
 *   `bench/…`, `scripts/…`, `.ci/…`, BENCHMARKS.md): a user cannot open it;
 * - cites how the implementation was measured or tuned (measured, profiled, bench,
 *   cache misses, V8, the JIT, garbage): true of this build, not a promise of the API;
 * - is a work note (TODO:, FIXME, XXX, HACK, an issue number, `@internal`).
 */
const INTERNAL_NOTES: ReadonlyArray<[string, RegExp]> = [
  ['names a repository file', /(?<![\w./-])(?:src|test|bench|scripts|\.ci)\/[\w*-]+(?:[./][\w*-]+)*|\bBENCHMARKS(?:\.md)?\b/],
  ['cites a measurement', /\b(?:measured|measuring|profiled|profiling|benchmarks?|bench|cache miss(?:es)?|V8|JIT|garbage)\b/i],
  ['is a work note', /\b(?:TODO|FIXME)\b\s*[:(]|\bXXX\b|\bHACK\b|\bissue\s+#?\d+|(?<![\w&])#\d+\b|@internal\b/i],
];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

function declarationFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...declarationFiles(p));
    else if (e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every comment of a TypeScript text, each once, with its line. */
function comments(file: string, text: string): Array<{ line: number; text: string }> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Set<number>();
  const out: Array<{ line: number; text: string }> = [];
  const take = (pos: number) => {
    for (const r of [...(ts.getLeadingCommentRanges(text, pos) ?? []), ...(ts.getTrailingCommentRanges(text, pos) ?? [])]) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      out.push({ line: sf.getLineAndCharacterOfPosition(r.pos).line + 1, text: text.slice(r.pos, r.end) });
    }
  };
  const visit = (n: ts.Node): void => {
    take(n.getFullStart());
    take(n.getEnd());
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** `file:line: why: the comment's first words` for every internal note in `text`. */
function internalNotes(file: string, text: string): string[] {
  const out: string[] = [];
  for (const c of comments(file, text)) {
    for (const [why, pattern] of INTERNAL_NOTES) {
      const m = pattern.exec(c.text);
      if (m) {
        out.push(`${file}:${c.line}: ${why} (${m[0]})`);
        break;
      }
    }
  }
  return out;
}

describe('published declarations', () => {
  const built = existsSync(join(DIST, 'index.d.ts'));

  it.runIf(built)('carry no internal notes', () => {
    const found: string[] = [];
    for (const f of declarationFiles(DIST)) found.push(...internalNotes(relative(ROOT, f).split(sep).join('/'), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it.runIf(built)('are only those of the current sources (the build starts from an empty dist/)', () => {
    const stale = declarationFiles(DIST)
      .map((f) => relative(DIST, f).split(sep).join('/'))
      .filter((rel) => !existsSync(join(ROOT, 'src', rel.replace(/\.d\.ts$/, '.ts'))));
    expect(stale).toEqual([]);
  });

  it('the note finder tells notes from API text', () => {
    const dts = [
      '/** Loads the policy once; see BENCHMARKS.md for the cost. */',
      'export declare function a(): void;',
      '/** Parsed by hand: `new URL` costs ~300 ns (measured). */',
      'export declare function b(): void;',
      '/** Same rule as src/checks/payload.ts. */',
      'export declare const c = 1;',
      '/** TODO: drop once Weibo documents it. */',
      'export declare const d = 1;',
      '/** @internal */',
      'export declare const e = 1;',
      '/** Kept small so the JIT inlines it. */',
      'export declare const f = 1;',
      // API text that mentions what a user sees: none of it is a note.
      '/** A placeholder source such as TODO or "?" is reported; a 20 MB message costs one byte count. */',
      'export declare const g = 1;',
      '/** Redraws at most every 100 ms; `<` never appears raw, for good measure. Paths like /src/a are URLs. */',
      'export declare const h = 1;',
      '/** A colour such as #fff, an entity &#39;, a Markdown heading `# Title`. */',
      'export declare const i = 1;',
    ].join('\n');
    expect(internalNotes('x.d.ts', dts)).toEqual([
      'x.d.ts:1: names a repository file (BENCHMARKS.md)',
      'x.d.ts:3: cites a measurement (measured)',
      'x.d.ts:5: names a repository file (src/checks/payload.ts)',
      'x.d.ts:7: is a work note (TODO:)',
      'x.d.ts:9: is a work note (@internal)',
      'x.d.ts:11: cites a measurement (JIT)',
    ]);
  });
});
