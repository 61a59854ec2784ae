import { dirname, resolve as resolvePath } from 'node:path';
import { ts } from 'ts-morph';

// TS/JS constant folding: what a name or expression is worth, statically. Parsed with
// the TypeScript compiler that ts-morph bundles, one `ts.createSourceFile` per file and
// no Project or type checker: a template repo needs constant folding across imports,
// not types, and a full Project over 10,000 files costs several times the memory and
// time (see BENCHMARKS.md). Identifiers are resolved by a small binder of our own over
// module-level declarations and import/export statements, memoised per binding.

export const UNKNOWN: unique symbol = Symbol('unknown');
type Unknown = typeof UNKNOWN;

/** This package, as templates import it: a call on what it makes is a gate or sender call. */
const PACKAGE = 'weibo-guard';

/**
 * How many nested evaluations one expression may take (constants defined through
 * constants, members of members). Past it the value is unknown, so a pathological
 * chain of definitions is data rather than a stack overflow.
 */
const MAX_FOLD_DEPTH = 1_000;

interface ObjVal {
  t: 'obj';
  mod: TsModule;
  node: ts.ObjectLiteralExpression;
}
interface ArrVal {
  t: 'arr';
  mod: TsModule;
  node: ts.ArrayLiteralExpression;
}
interface NsVal {
  t: 'ns';
  mod: TsModule;
}
/** A string with holes: what `https://${host}/x` is when `host` cannot be known. */
interface PartialVal {
  t: 'partial';
  parts: Array<string | Unknown>;
}
export type Val = string | number | boolean | null | ObjVal | ArrVal | NsVal | PartialVal | Unknown;

type Binding =
  | { kind: 'const'; init: ts.Expression }
  | { kind: 'import'; from: string; name: string }
  /** Declared some other way (parameter, let, function…) or more than once: not a constant; `type` when it was annotated. */
  | { kind: 'opaque'; type?: ts.TypeNode };

type ExportRef = { kind: 'local'; name: string } | { kind: 'from'; from: string; name: string } | { kind: 'expr'; expr: ts.Expression };

export interface TsModule {
  /** Absolute path. */
  file: string;
  /** The source and its tree, until the file has been audited (see TsProgram.release). */
  text?: string;
  sf?: ts.SourceFile;
  bindings: Map<string, Binding>;
  exports: Map<string, ExportRef>;
  stars: string[];
  memo: Map<string, Val>;
  /** Exported names already resolved (re-export chains and `export *` are walked once per name). */
  exportMemo: Map<string, Val>;
  starIndex?: Map<string, TsModule>;
  /** Set when the parser itself ran out of stack on this file (thousands of nested parentheses or calls). */
  tooDeep?: true;
}

const SCRIPT_KIND: Record<string, ts.ScriptKind> = {
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
};
const TS_EXTENSIONS = Object.keys(SCRIPT_KIND);

/** Binds one file: what each module-level name is, and what the module exports. */
function parseModule(file: string, text: string): TsModule {
  const ext = file.slice(file.lastIndexOf('.'));
  const mod: TsModule = { file, text, bindings: new Map(), exports: new Map(), stars: [], memo: new Map(), exportMemo: new Map() };
  let sf: ts.SourceFile;
  try {
    sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, SCRIPT_KIND[ext] ?? ts.ScriptKind.TS);
  } catch (err) {
    // The compiler's parser is recursive; a file nested deeper than its stack is read token by token instead.
    if (err instanceof RangeError) {
      mod.tooDeep = true;
      return mod;
    }
    throw err;
  }
  mod.sf = sf;
  const bind = (name: string, b: Binding): void => {
    mod.bindings.set(name, mod.bindings.has(name) ? { kind: 'opaque' } : b);
  };
  for (const st of sf.statements) {
    const exported = hasModifier(st, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(st, ts.SyntaxKind.DefaultKeyword);
    if (ts.isVariableStatement(st)) {
      const isConst = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        const name = d.name.text;
        bind(name, isConst && d.initializer ? { kind: 'const', init: d.initializer } : d.type ? { kind: 'opaque', type: d.type } : { kind: 'opaque' });
        if (exported) mod.exports.set(name, { kind: 'local', name });
      }
    } else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause) {
      // Type-only imports are bound too: a parameter typed with this package's `Gate` is a gate.
      const from = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (clause.name) bind(clause.name.text, { kind: 'import', from, name: 'default' });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) bind(nb.name.text, { kind: 'import', from, name: '*' });
      else if (nb) for (const el of nb.elements) bind(el.name.text, { kind: 'import', from, name: (el.propertyName ?? el.name).text });
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
      const from = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
      const clause = st.exportClause;
      if (!clause && from) mod.stars.push(from);
      else if (clause && ts.isNamespaceExport(clause) && from) mod.exports.set(clause.name.text, { kind: 'from', from, name: '*' });
      else if (clause && ts.isNamedExports(clause))
        for (const el of clause.elements) {
          const local = (el.propertyName ?? el.name).text;
          mod.exports.set(el.name.text, from ? { kind: 'from', from, name: local } : { kind: 'local', name: local });
        }
    } else if (ts.isExportAssignment(st) && !st.isExportEquals) {
      mod.exports.set('default', { kind: 'expr', expr: st.expression });
    } else if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) {
      if (st.name) bind(st.name.text, { kind: 'opaque' });
      if (exported && st.name) mod.exports.set(isDefault ? 'default' : st.name.text, { kind: 'local', name: st.name.text });
    }
  }
  return mod;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return mods?.some((m) => m.kind === kind) ?? false;
}

/** The audited TS/JS files, bound once, resolving constants across them. */
export class TsProgram {
  private readonly modules = new Map<string, TsModule>();
  /** `dir\0specifier` → module: many files import the same module the same way. */
  private readonly resolved = new Map<string, TsModule | undefined>();

  constructor(private readonly read: (file: string) => string | undefined) {}

  /** Drops a module's source and tree once its file is audited. */
  // Only the constant initialisers other files may still fold stay reachable (nodes
  // keep no parent pointers), so the live heap stays small and garbage collection cheap.
  release(file: string): void {
    const mod = this.modules.get(file);
    if (mod) {
      delete mod.sf;
      delete mod.text;
    }
  }

  /** The bound module for an absolute path (parsed on first use), or undefined if it is not an audited file. */
  module(file: string): TsModule | undefined {
    let mod = this.modules.get(file);
    if (mod === undefined && !this.modules.has(file)) {
      const text = this.read(file);
      mod = text === undefined ? undefined : parseModule(file, text);
      this.modules.set(file, mod as TsModule);
    }
    return mod;
  }

  private resolveModule(from: TsModule, spec: string): TsModule | undefined {
    if (!spec.startsWith('.')) return undefined;
    const dir = dirname(from.file);
    const key = `${dir}\0${spec}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const mod = this.findModule(resolvePath(dir, spec));
    this.resolved.set(key, mod);
    return mod;
  }

  private findModule(base: string): TsModule | undefined {
    const dot = base.lastIndexOf('.');
    const ext = dot > base.lastIndexOf('/') ? base.slice(dot) : '';
    const stem = base.slice(0, base.length - ext.length);
    const swapped: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
    const candidates = [base, ...(swapped[ext] ?? []).map((e) => stem + e), ...TS_EXTENSIONS.map((e) => base + e), ...TS_EXTENSIONS.map((e) => `${base}/index${e}`)];
    for (const c of candidates) {
      const mod = this.module(c);
      if (mod) return mod;
    }
    return undefined;
  }

  /** The value of an exported name, following re-export chains; memoised, UNKNOWN on a cycle. */
  private exported(mod: TsModule, name: string): Val {
    if (name === '*') return { t: 'ns', mod };
    if (mod.exportMemo.has(name)) return mod.exportMemo.get(name) as Val;
    mod.exportMemo.set(name, UNKNOWN);
    const v = this.computeExport(mod, name);
    mod.exportMemo.set(name, v);
    return v;
  }

  private computeExport(mod: TsModule, name: string): Val {
    const ref = mod.exports.get(name);
    if (ref?.kind === 'local') return this.binding(mod, ref.name);
    if (ref?.kind === 'expr') return this.evaluate(mod, ref.expr);
    if (ref?.kind === 'from') {
      const target = this.resolveModule(mod, ref.from);
      return target ? this.exported(target, ref.name) : UNKNOWN;
    }
    if (name === 'default' || mod.stars.length === 0) return UNKNOWN;
    const target = this.starIndex(mod).get(name);
    return target ? this.exported(target, name) : UNKNOWN;
  }

  /**
   * Which `export *` target provides each name, built once per module. Looking a
   * name up star by star would cost names × modules on a barrel re-exporting a
   * whole folder: quadratic in the repo's size.
   */
  private starIndex(mod: TsModule): Map<string, TsModule> {
    if (mod.starIndex) return mod.starIndex;
    const index = new Map<string, TsModule>();
    mod.starIndex = index; // a cycle of `export *` sees the partial index, not a loop
    for (const spec of mod.stars) {
      const target = this.resolveModule(mod, spec);
      if (!target) continue;
      for (const name of target.exports.keys()) if (name !== 'default' && !index.has(name)) index.set(name, target);
      if (target.stars.length > 0) for (const name of this.starIndex(target).keys()) if (!index.has(name)) index.set(name, target);
    }
    return index;
  }

  /** The value of a module-level name; memoised, and UNKNOWN while being computed (cycles). */
  binding(mod: TsModule, name: string): Val {
    const memo = mod.memo.get(name);
    if (memo !== undefined || mod.memo.has(name)) return memo as Val;
    mod.memo.set(name, UNKNOWN);
    const b = mod.bindings.get(name);
    let v: Val = UNKNOWN;
    if (b?.kind === 'const') v = this.evaluate(mod, b.init);
    else if (b?.kind === 'import') {
      const target = this.resolveModule(mod, b.from);
      v = target ? this.exported(target, b.name) : UNKNOWN;
    }
    mod.memo.set(name, v);
    return v;
  }

  private depth = 0;

  /** Constant-folds an expression, or UNKNOWN. Local names shadow module bindings. */
  evaluate(mod: TsModule, expr: ts.Expression, scope?: Scope): Val {
    if (this.depth >= MAX_FOLD_DEPTH) return UNKNOWN;
    this.depth++;
    try {
      return this.fold(mod, expr, scope);
    } finally {
      this.depth--;
    }
  }

  private fold(mod: TsModule, expr: ts.Expression, scope?: Scope): Val {
    const e = unwrap(expr);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (ts.isNumericLiteral(e)) return Number(e.text);
    if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (e.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return -Number(e.operand.text);
    if (ts.isObjectLiteralExpression(e)) return { t: 'obj', mod, node: e };
    if (ts.isArrayLiteralExpression(e)) return { t: 'arr', mod, node: e };
    if (ts.isIdentifier(e)) {
      if (scope?.shadows(e.text)) return scope.value(e.text, this);
      return this.binding(mod, e.text);
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const key = ts.isPropertyAccessExpression(e) ? e.name.text : staticKey(e.argumentExpression);
      if (key === undefined) return UNKNOWN;
      return this.member(this.evaluate(mod, e.expression, scope), key);
    }
    if (ts.isTemplateExpression(e)) {
      const parts: Array<string | Unknown> = [e.head.text];
      for (const span of e.templateSpans) {
        pushParts(parts, this.evaluate(mod, span.expression, scope));
        parts.push(span.literal.text);
      }
      return partial(parts);
    }
    if (isPlus(e)) return this.sum(mod, e, scope);
    return UNKNOWN;
  }

  /** `a + b + c …` left to right as JS adds, walking the left spine in a loop: a 5,000-term chain is one frame. */
  private sum(mod: TsModule, e: ts.BinaryExpression, scope?: Scope): Val {
    const [first, ...rest] = plusOperands(e);
    let acc = this.evaluate(mod, first!, scope);
    let parts: Array<string | Unknown> | undefined;
    for (const operand of rest) {
      const r = this.evaluate(mod, operand, scope);
      if (parts) {
        pushParts(parts, r);
        continue;
      }
      if (typeof acc === 'number' && typeof r === 'number') acc = acc + r;
      else if (!isStringy(acc) && !isStringy(r)) acc = UNKNOWN;
      else {
        parts = [];
        pushParts(parts, acc);
        pushParts(parts, r);
      }
    }
    return parts ? partial(parts) : acc;
  }

  /**
   * True when `expr` is something this package made: a name bound (in this file or,
   * through imports, another) to an import from `weibo-guard`, to a call or `new` of
   * one, or declared with one of its types. Followed one step at a time, at most
   * {@link MAX_FOLD_DEPTH} steps.
   */
  fromPackage(mod: TsModule, expr: ts.Expression, scope?: Scope): boolean {
    let m = mod;
    let e: ts.Node = unwrap(expr);
    let sc = scope;
    for (let steps = 0; steps < MAX_FOLD_DEPTH; steps++) {
      if (ts.isAwaitExpression(e) || ts.isCallExpression(e) || ts.isNewExpression(e) || ts.isPropertyAccessExpression(e)) e = unwrap(e.expression);
      else if (ts.isTypeReferenceNode(e)) e = leftmost(e.typeName);
      else if (ts.isTypeQueryNode(e)) e = leftmost(e.exprName);
      else if (ts.isIdentifier(e)) {
        const name = e.text;
        if (sc?.shadows(name)) {
          const local = sc.declaration(name);
          if (!local) return false;
          e = local.node;
          sc = local.scope;
          continue;
        }
        const b = m.bindings.get(name);
        if (b?.kind === 'const') e = unwrap(b.init);
        else if (b?.kind === 'opaque' && b.type) e = b.type;
        else if (b?.kind === 'import') {
          if (b.from === PACKAGE || b.from.startsWith(`${PACKAGE}/`)) return true;
          const found = this.exportedBinding(m, b.from, b.name);
          if (!found) return false;
          m = found.mod;
          e = ts.factory.createIdentifier(found.name);
        } else return false;
        sc = undefined;
      } else return false;
    }
    return false;
  }

  /** The module and local name an import resolves to, through re-exports; undefined when it leaves the audited files. */
  private exportedBinding(from: TsModule, spec: string, name: string): { mod: TsModule; name: string } | undefined {
    let mod = this.resolveModule(from, spec);
    for (let steps = 0; mod && steps < MAX_FOLD_DEPTH; steps++) {
      const ref = mod.exports.get(name);
      if (ref?.kind === 'local') return { mod, name: ref.name };
      if (ref?.kind === 'from') {
        mod = this.resolveModule(mod, ref.from);
        name = ref.name;
      } else if (!ref && name !== 'default' && mod.stars.length > 0) mod = this.starIndex(mod).get(name);
      else return undefined;
    }
    return undefined;
  }

  member(obj: Val, key: string): Val {
    if (obj === UNKNOWN || obj === null || typeof obj !== 'object') return UNKNOWN;
    if (obj.t === 'ns') return this.exported(obj.mod, key);
    if (obj.t === 'arr') {
      const idx = Number(key);
      const el = Number.isInteger(idx) ? obj.node.elements[idx] : undefined;
      return el && !ts.isSpreadElement(el) && !ts.isOmittedExpression(el) ? this.evaluate(obj.mod, el) : UNKNOWN;
    }
    if (obj.t === 'obj') {
      let found: Val = UNKNOWN;
      for (const p of obj.node.properties) {
        // A later spread may overwrite anything before it.
        if (ts.isSpreadAssignment(p)) found = UNKNOWN;
        else if (ts.isPropertyAssignment(p) && propName(p.name) === key) found = this.evaluate(obj.mod, p.initializer);
        else if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) found = this.binding(obj.mod, key);
      }
      return found;
    }
    return UNKNOWN;
  }
}

/** Names declared inside functions and blocks: they hide module constants of the same name. */
export class Scope {
  private readonly busy = new Set<string>();
  constructor(
    private readonly mod: TsModule,
    private readonly names: Map<string, ts.Expression | null>,
    private readonly parent?: Scope,
    private readonly types?: Map<string, ts.TypeNode>,
  ) {}
  shadows(name: string): boolean {
    return this.names.has(name) || (this.parent?.shadows(name) ?? false);
  }
  /** What a local name was declared as (its initialiser or its type) and the scope that declared it. */
  declaration(name: string): { node: ts.Node; scope: Scope } | undefined {
    if (this.names.has(name)) {
      const node = this.names.get(name) ?? this.types?.get(name);
      return node ? { node, scope: this } : undefined;
    }
    return this.parent?.declaration(name);
  }
  value(name: string, prog: TsProgram): Val {
    if (this.names.has(name)) {
      const init = this.names.get(name);
      if (!init || this.busy.has(name)) return UNKNOWN;
      // Siblings may refer to each other (`const a = …; const b = `${a}/x``); a self-reference is a cycle.
      this.busy.add(name);
      try {
        return prog.evaluate(this.mod, init, this);
      } finally {
        this.busy.delete(name);
      }
    }
    return this.parent ? this.parent.value(name, prog) : UNKNOWN;
  }
}

function isStringy(v: Val): boolean {
  return typeof v === 'string' || (typeof v === 'object' && v !== null && v.t === 'partial');
}

function pushParts(parts: Array<string | Unknown>, v: Val): void {
  if (typeof v === 'string') parts.push(v);
  else if (typeof v === 'number' || typeof v === 'boolean' || v === null) parts.push(String(v));
  else if (v !== UNKNOWN && v.t === 'partial') for (const p of v.parts) parts.push(p);
  else parts.push(UNKNOWN);
}

function partial(parts: Array<string | Unknown>): Val {
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  return { t: 'partial', parts };
}

export function isPlus(e: ts.Node): e is ts.BinaryExpression {
  return ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken;
}

/**
 * The operands of a `+` chain in source order: the left spine walked in a loop (a long
 * `a + b + c …` nests to the left), right operands kept whole (`a + (b + c)` is not `a + b + c`).
 */
function plusOperands(e: ts.BinaryExpression): ts.Expression[] {
  const rights: ts.Expression[] = [];
  let left: ts.Expression = e;
  for (;;) {
    const u = unwrap(left);
    if (!isPlus(u)) break;
    rights.push(u.right);
    left = u.left;
  }
  rights.push(left);
  return rights.reverse();
}

function leftmost(n: ts.EntityName): ts.Identifier {
  let q = n;
  while (ts.isQualifiedName(q)) q = q.left;
  return q;
}

export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else return e;
  }
}

function staticKey(e: ts.Expression): string | undefined {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e)) return e.text;
  return undefined;
}

export function propName(n: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  if (ts.isComputedPropertyName(n)) return staticKey(n.expression);
  return undefined;
}


/** Names a function or block declares: constants fold, everything else hides outer constants. */
export function localScope(mod: TsModule, node: ts.Node, parent: Scope | undefined): Scope | undefined {
  const names = new Map<string, ts.Expression | null>();
  // Most blocks declare nothing typed: the map of declared types is made only when one is.
  const types: { map?: Map<string, ts.TypeNode> } = {};
  if (ts.isFunctionLike(node)) {
    for (const p of node.parameters) {
      collectNames(p.name, names);
      if (p.type && ts.isIdentifier(p.name)) (types.map ??= new Map()).set(p.name.text, p.type);
    }
  } else if (ts.isBlock(node)) collectBlock(node.statements, names, types);
  else if (ts.isCaseBlock(node)) for (const c of node.clauses) collectBlock(c.statements, names, types);
  return names.size > 0 ? new Scope(mod, names, parent, types.map) : parent;
}

function collectBlock(statements: ts.NodeArray<ts.Statement>, names: Map<string, ts.Expression | null>, types: { map?: Map<string, ts.TypeNode> }): void {
  for (const st of statements) {
    if (ts.isVariableStatement(st)) {
      const isConst = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) {
          names.set(d.name.text, names.has(d.name.text) || !isConst || !d.initializer ? null : d.initializer);
          if (d.type) (types.map ??= new Map()).set(d.name.text, d.type);
        } else collectNames(d.name, names);
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.set(st.name.text, null);
  }
}

function collectNames(name: ts.BindingName, names: Map<string, ts.Expression | null>): void {
  if (ts.isIdentifier(name)) names.set(name.text, null);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) collectNames(el.name, names);
}

/** A module's tree and text while it is being audited. */
export function source(mod: TsModule): { sf: ts.SourceFile; text: string } {
  if (!mod.sf || mod.text === undefined) throw new Error(`${mod.file} was released before it was audited`);
  return { sf: mod.sf, text: mod.text };
}
