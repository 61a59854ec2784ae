import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, lowest first. A unit is a folder under src/ or a file directly in
 * it (without `.ts`). A module may import its own unit and units of lower layers only;
 * two units of one layer never import each other, so no two units import each other.
 * A new folder fails the test until it is given its place here.
 */
const LAYERS: readonly (readonly string[])[] = [
  // Every rule defined once: ids, severities, texts.
  ['registry'],
  // Plain shapes and readers every layer shares: the finding and context shapes,
  // line/column indexes, reading a text file.
  ['findings', 'context', 'lines', 'text-file', 'missing-dependency'],
  // URLs: finding, canonicalising, judging hosts.
  ['links'],
  // The loaded, validated policy (whitelist, competitors, limits).
  ['policy'],
  // The reply API's message shapes and their measurement.
  ['payload'],
  // The rules that turn a message and a policy into findings.
  ['checks'],
  // The gate: one call that runs every check.
  ['gate'],
  // Strings and payloads found in template files, shared by the audit and the plugin;
  // text made fit for a terminal, shared by the CLI and the audit's stylish report.
  ['sites', 'terminal'],
  // Front doors that are libraries.
  ['audit', 'eslint', 'sender'],
  // The service Weibo pushes to, over the sender.
  ['serve'],
  // Weibo's side, for tests and demos: its reply API and its pushes.
  ['mock'],
  // The command line, and the package's public API.
  ['cli', 'index'],
];

/** Packages one unit alone may use, because their job belongs to that unit. */
const ONLY_IN: Readonly<Record<string, string>> = { commander: 'cli' };
/** Ending the process or choosing its exit code is the CLI's job. */
const EXIT_UNIT = 'cli';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(m|c)?tsx?$/.test(e.name) && !/\.d\.(m|c)?ts$/.test(e.name)) out.push(p);
  }
  return out;
}

/** `links/find.ts` → `links`; `gate.ts` → `gate`. */
function unitOf(file: string, root = SRC): string {
  const rel = relative(root, file).split(sep);
  return rel.length > 1 ? rel[0]! : rel[0]!.replace(/\.(m|c)?tsx?$/, '');
}

interface Use {
  file: string;
  line: number;
  /** The specifier as written. */
  spec: string;
  /** The src/ file it names, for a relative specifier. */
  target?: string;
}

interface Scan {
  uses: Use[];
  /** `process.exit`/`process.exitCode` uses, and imports whose specifier is not a literal. */
  exits: { file: string; line: number; text: string }[];
  unreadable: { file: string; line: number; text: string }[];
}

/** Every module a file names: static imports and exports, `import()`, `require()` and `import x = require()`. */
function scan(files: string[]): Scan {
  const result: Scan = { uses: [], exits: [], unreadable: [] };
  for (const file of files) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const use = (n: ts.Node, spec: string) => {
      const u: Use = { file, line: lineOf(n), spec };
      if (spec.startsWith('.')) u.target = resolve(dirname(file), spec).replace(/\.(m|c)?js$/, (ext) => ext.replace('js', 'ts'));
      result.uses.push(u);
    };
    const visit = (n: ts.Node): void => {
      if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
        use(n, n.moduleSpecifier.text);
      } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
        const e = n.moduleReference.expression;
        if (ts.isStringLiteral(e)) use(n, e.text);
        else result.unreadable.push({ file, line: lineOf(n), text: n.getText(sf) });
      } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
        use(n, n.argument.literal.text);
      } else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
        const arg = n.arguments[0];
        if (arg && ts.isStringLiteralLike(arg)) use(n, arg.text);
        else if (!(arg && loadsUserModule(file, arg, sf))) result.unreadable.push({ file, line: lineOf(n), text: n.getText(sf) });
      } else if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'process' && (n.name.text === 'exit' || n.name.text === 'exitCode')) {
        result.exits.push({ file, line: lineOf(n), text: n.getText(sf) });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return result;
}

/** The command line loading a user's own module (`serve --handler`) by its file URL: not a module of src/. */
function loadsUserModule(file: string, arg: ts.Expression, sf: ts.SourceFile): boolean {
  return file.startsWith(join(SRC, 'cli') + sep) && ts.isPropertyAccessExpression(arg) && arg.name.text === 'href' && /^pathToFileURL\(/.test(arg.expression.getText(sf));
}

/** The package a bare specifier names: `opencc-js/t2cn` → `opencc-js`, `@a/b/c` → `@a/b`. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const where = (u: { file: string; line: number }, root: string) => `src/${relative(root, u.file).split(sep).join('/')}:${u.line}`;

/** What is wrong with the imports of `files`, one line each; empty when the layers hold. */
function layerViolations(files: string[], layers: readonly (readonly string[])[] = LAYERS, root = SRC): string[] {
  const layerOf = new Map<string, number>();
  layers.forEach((units, i) => units.forEach((u) => layerOf.set(u, i)));
  const { uses, exits, unreadable } = scan(files);
  const out: string[] = [];
  for (const unit of new Set(files.map((f) => unitOf(f, root)))) {
    if (!layerOf.has(unit)) out.push(`src/${unit} is in no layer: give it its place in LAYERS (test/layers.test.ts)`);
  }
  for (const u of unreadable) out.push(`${where(u, root)}: ${u.text}: a module name that is not a literal cannot be checked`);
  for (const u of uses) {
    const from = unitOf(u.file, root);
    if (u.target === undefined) {
      if (u.spec.startsWith('node:')) continue;
      const only = ONLY_IN[packageOf(u.spec)];
      if (only !== undefined && from !== only) out.push(`${where(u, root)}: imports ${u.spec}, which only src/${only} may use`);
      continue;
    }
    if (relative(root, u.target).startsWith('..')) continue;
    const to = unitOf(u.target, root);
    if (to === from) continue;
    const a = layerOf.get(from);
    const b = layerOf.get(to);
    if (a === undefined || b === undefined) continue;
    if (b > a) out.push(`${where(u, root)}: ${from} imports ${to} (${u.spec}), a higher layer`);
    else if (b === a) out.push(`${where(u, root)}: ${from} imports ${to} (${u.spec}), a unit of its own layer`);
  }
  for (const e of exits) if (unitOf(e.file, root) !== EXIT_UNIT) out.push(`${where(e, root)}: ${e.text} outside src/${EXIT_UNIT}: throw a typed error and let the CLI choose the exit code`);
  return out;
}

/** Pairs of units that import each other, whatever the layer list says. */
function mutualImports(files: string[], root = SRC): string[] {
  const edges = new Set<string>();
  for (const u of scan(files).uses) {
    if (u.target === undefined || relative(root, u.target).startsWith('..')) continue;
    const a = unitOf(u.file, root);
    const b = unitOf(u.target, root);
    if (a !== b) edges.add(`${a} ${b}`);
  }
  const out: string[] = [];
  for (const e of edges) {
    const [a, b] = e.split(' ') as [string, string];
    if (a < b && edges.has(`${b} ${a}`)) out.push(`${a} and ${b} import each other`);
  }
  return out;
}

describe('import layers of src/', () => {
  const files = sourceFiles(SRC);

  it('reads every source file', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.map((f) => unitOf(f))).toContain('gate');
  });

  it('no module imports a higher layer or a unit of its own layer; commander and exit codes stay in src/cli', () => {
    expect(layerViolations(files)).toEqual([]);
  });

  it('no two units import each other', () => {
    expect(mutualImports(files)).toEqual([]);
  });

  it('the checker sees what it is for', () => {
    // A small tree with one of each way to break the layers, and lines that must pass.
    const root = mkdtempSync(join(tmpdir(), 'wg-layers-'));
    const write = (rel: string, text: string) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    write('findings.ts', "export type F = 1;\n");
    write('links/a.ts', "import type { X } from '../policy/b.js';\nexport type { F } from '../findings.js';\n");
    write('policy/b.ts', "export type X = 1;\nexport { c } from '../links/a.js';\n");
    write('payload/c.ts', "export const f = () => import('../checks/d.js');\nconst r = require('../gate.js');\n");
    write('checks/d.ts', "import { Command } from 'commander';\nexport type G = import('../sites/e.js').E;\nprocess.exit(1);\n");
    write('sites/e.ts', "export type E = 1;\nexport const g = (m: string) => import(m);\n");
    write('audit/f.ts', "import '../eslint/g.js';\nprocess.exitCode = 2;\n");
    write('eslint/g.ts', "import '../sites/e.js';\n");
    write('cli/h.ts', "import { Command } from 'commander';\nimport '../gate.js';\nprocess.exit(0);\n");
    write('gate.ts', "import '../outside.js';\nimport 'node:fs';\n");
    write('extra/i.ts', '');
    try {
      const files = sourceFiles(root);
      expect(layerViolations(files, LAYERS, root).sort()).toEqual(
        [
          'src/extra is in no layer: give it its place in LAYERS (test/layers.test.ts)',
          'src/links/a.ts:1: links imports policy (../policy/b.js), a higher layer',
          'src/payload/c.ts:1: payload imports checks (../checks/d.js), a higher layer',
          'src/payload/c.ts:2: payload imports gate (../gate.js), a higher layer',
          'src/checks/d.ts:1: imports commander, which only src/cli may use',
          'src/checks/d.ts:2: checks imports sites (../sites/e.js), a higher layer',
          'src/checks/d.ts:3: process.exit outside src/cli: throw a typed error and let the CLI choose the exit code',
          'src/sites/e.ts:2: import(m): a module name that is not a literal cannot be checked',
          'src/audit/f.ts:1: audit imports eslint (../eslint/g.js), a unit of its own layer',
          'src/audit/f.ts:2: process.exitCode outside src/cli: throw a typed error and let the CLI choose the exit code',
        ].sort(),
      );
      expect(mutualImports(files, root)).toEqual(['links and policy import each other']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
