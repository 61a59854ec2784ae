import { dirname, resolve as resolvePath } from 'node:path';
import { ts } from 'ts-morph';
import { childPath } from '../../checks/finding.js';
import { kindForKey, UNKNOWN_VALUE } from '../../checks/templates.js';
import { parentPath } from './data.js';
import { concatMaps, literalMap, own, uniformMap, type Placed, type Range, type StringMap, type Target } from '../targets.js';

/**
 * TS/JS templates. Parsed with the TypeScript compiler that ts-morph bundles, one
 * `ts.createSourceFile` per file and no Project or type checker: a template repo
 * needs constant folding across imports, not types, and a full Project over 10,000
 * files costs several times the memory and time (see BENCHMARKS.md). Identifiers
 * are resolved by a small binder of our own over module-level declarations and
 * import/export statements, memoised per binding.
 */

const UNKNOWN: unique symbol = Symbol('unknown');
type Unknown = typeof UNKNOWN;

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
type Val = string | number | boolean | null | ObjVal | ArrVal | NsVal | PartialVal | Unknown;

type Binding =
  | { kind: 'const'; init: ts.Expression }
  | { kind: 'import'; from: string; name: string }
  /** Declared some other way (parameter, let, function…) or more than once: not a constant. */
  | { kind: 'opaque' };

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
export const TS_EXTENSIONS = Object.keys(SCRIPT_KIND);

/** Binds one file: what each module-level name is, and what the module exports. */
export function parseModule(file: string, text: string): TsModule {
  const ext = file.slice(file.lastIndexOf('.'));
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, SCRIPT_KIND[ext] ?? ts.ScriptKind.TS);
  const mod: TsModule = { file, text, sf, bindings: new Map(), exports: new Map(), stars: [], memo: new Map(), exportMemo: new Map() };
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
        bind(name, isConst && d.initializer ? { kind: 'const', init: d.initializer } : { kind: 'opaque' });
        if (exported) mod.exports.set(name, { kind: 'local', name });
      }
    } else if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause && !st.importClause.isTypeOnly) {
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

  /**
   * Drops a module's source and tree once its file is audited. Only the constant
   * initialisers other files may still fold stay reachable (nodes keep no parent
   * pointers), so the live heap stays small and garbage collection cheap.
   */
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

  /** Constant-folds an expression, or UNKNOWN. Local names shadow module bindings. */
  evaluate(mod: TsModule, expr: ts.Expression, scope?: Scope): Val {
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
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const l = this.evaluate(mod, e.left, scope);
      const r = this.evaluate(mod, e.right, scope);
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      if (!isStringy(l) && !isStringy(r)) return UNKNOWN;
      const parts: Array<string | Unknown> = [];
      pushParts(parts, l);
      pushParts(parts, r);
      return partial(parts);
    }
    return UNKNOWN;
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
  ) {}
  shadows(name: string): boolean {
    return this.names.has(name) || (this.parent?.shadows(name) ?? false);
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
  else if (v !== UNKNOWN && v.t === 'partial') parts.push(...v.parts);
  else parts.push(UNKNOWN);
}

function partial(parts: Array<string | Unknown>): Val {
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  return { t: 'partial', parts };
}

function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else return e;
  }
}

function staticKey(e: ts.Expression): string | undefined {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e)) return e.text;
  return undefined;
}

function propName(n: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  if (ts.isComputedPropertyName(n)) return staticKey(n.expression);
  return undefined;
}

// ---------------------------------------------------------------------------
// Judged sites: which expressions become targets, and where each character sits.

/** A composed string: known pieces with their maps, and holes that could not be resolved. */
type Piece = { text: string; map: StringMap } | { hole: Range };

export interface TsExtractOptions {
  /** The engine's shape test for reply payloads. */
  looksLikePayload(value: unknown): boolean;
}

/** Callee names whose argument is a whole reply payload (the package's gate and sender). */
const PAYLOAD_CALLEE = /gate|sender/i;
const PAYLOAD_METHODS = new Set(['check', 'send', 'reply', 'enqueue', 'judge']);

export function extractTs(prog: TsProgram, mod: TsModule, opts: TsExtractOptions): { targets: Target[]; own: Placed[] } {
  const targets: Target[] = [];
  const found: Placed[] = [];
  const { sf, text } = source(mod);
  const range = (n: ts.Node): Range => ({ start: n.getStart(sf), end: n.getEnd() });

  const literal = (n: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateLiteralLikeNode): Piece => {
    const start = n.getStart(sf);
    const raw = text.slice(start, n.getEnd());
    const { value, map } = literalMap(raw, ts.isStringLiteral(n) ? 'js' : 'template', start);
    return { text: value, map };
  };

  /** Pieces of a string expression at this site, or undefined if it is not string-valued. */
  const compose = (e: ts.Expression, scope: Scope | undefined, substituted: Range): Piece[] => {
    const u = unwrap(e);
    if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) return [literal(u)];
    if (ts.isTemplateExpression(u)) {
      const pieces: Piece[] = [literal(u.head)];
      let prevEnd = u.head.getEnd();
      for (const span of u.templateSpans) {
        // A substituted value points at `${…}`: from the end of the previous part's `${` to its closing `}`.
        const sub = { start: prevEnd - 2, end: span.literal.getStart(sf) + 1 };
        pieces.push(...compose(span.expression, scope, sub));
        pieces.push(literal(span.literal));
        prevEnd = span.literal.getEnd();
      }
      return pieces;
    }
    if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return [...compose(u.left, scope, range(u.left)), ...compose(u.right, scope, range(u.right))];
    }
    return fromValue(prog.evaluate(mod, u, scope), substituted);
  };

  const fromValue = (v: Val, at: Range): Piece[] => {
    if (typeof v === 'string') return [{ text: v, map: uniformMap(v.length, at) }];
    if (typeof v === 'number' || typeof v === 'boolean') return [{ text: String(v), map: uniformMap(String(v).length, at) }];
    if (typeof v === 'object' && v !== null && v.t === 'partial')
      return v.parts.map((p) => (p === UNKNOWN ? { hole: at } : { text: p, map: uniformMap(p.length, at) }));
    return [{ hole: at }];
  };

  /** Judges a composed string: each known run on its own, and an unknown part in a URL's host is a warning. */
  const judgeString = (pieces: Piece[], whole: Range, as: 'text' | 'url'): void => {
    let run: Array<{ text: string; map: StringMap }> = [];
    let before = '';
    const flush = (): void => {
      if (run.length === 0) return;
      const t = run.map((p) => p.text).join('');
      if (t.trim() !== '') targets.push({ as, text: t, map: concatMaps(run, whole) });
      run = [];
    };
    for (let k = 0; k < pieces.length; k++) {
      const p = pieces[k]!;
      if ('text' in p) {
        run.push(p);
        before += p.text;
        if (before.length > 512) before = before.slice(-512);
        continue;
      }
      flush();
      const next = pieces[k + 1];
      const after = next && 'text' in next ? next.text.slice(0, 16) : '';
      if (inHost(before, after, as === 'url')) {
        found.push(
          own(
            'link/unresolved',
            'warning',
            'Part of this link\'s host is computed at run time, so it cannot be checked against the whitelist here; the pre-send gate checks it when the reply is sent.',
            '此链接的域名有一部分在运行时才确定，无法在此核对白名单；发送前的检查会在发送时核对。',
            p.hole,
          ),
        );
      }
      before = '';
    }
    flush();
  };

  /** Builds the plain value of an expression for payload checking, recording where each path sits. */
  const toPayload = (root: ts.Expression, scope: Scope | undefined): Target => {
    const locs = new Map<string, { range: Range; map?: StringMap }>();
    const unknown = new Set<string>();
    const build = (e: ts.Expression, path: string, depth: number): unknown => {
      const u = unwrap(e);
      const r = range(u);
      locs.set(path, { range: r });
      if (depth > 32) {
        unknown.add(path);
        return UNKNOWN_VALUE;
      }
      if (ts.isObjectLiteralExpression(u)) {
        const obj: Record<string, unknown> = {};
        for (const p of u.properties) {
          if (ts.isPropertyAssignment(p)) {
            const key = propName(p.name);
            if (key === undefined) unknown.add(path);
            else obj[key] = build(p.initializer, childPath(path, key), depth + 1);
          } else if (ts.isShorthandPropertyAssignment(p)) {
            obj[p.name.text] = build(p.name, childPath(path, p.name.text), depth + 1);
          } else unknown.add(path); // spreads and methods: the object's full shape is not known
        }
        return obj;
      }
      if (ts.isArrayLiteralExpression(u)) {
        const arr: unknown[] = [];
        u.elements.forEach((el, i) => {
          if (ts.isSpreadElement(el) || ts.isOmittedExpression(el)) unknown.add(path);
          else arr.push(build(el, childPath(path, i), depth + 1));
        });
        return arr;
      }
      const v = prog.evaluate(mod, u, scope);
      if (typeof v === 'string' && (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u) || ts.isTemplateExpression(u) || ts.isBinaryExpression(u))) {
        const pieces = compose(u, scope, r);
        if (pieces.every((p) => 'text' in p)) {
          const known = pieces as Array<{ text: string; map: StringMap }>;
          locs.set(path, { range: r, map: concatMaps(known, r) });
        }
        return v;
      }
      return plain(v, path, r, depth);
    };
    /** A folded constant as plain data; everything in it points at the expression that named it. */
    const plain = (v: Val, path: string, r: Range, depth: number): unknown => {
      locs.set(path, { range: r });
      if (typeof v === 'string') {
        locs.set(path, { range: r, map: uniformMap(v.length, r) });
        return v;
      }
      if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
      if (v === UNKNOWN || v.t === 'ns' || v.t === 'partial' || depth > 32) {
        unknown.add(path);
        return UNKNOWN_VALUE;
      }
      if (v.t === 'arr') {
        return v.node.elements.map((el, i) =>
          ts.isSpreadElement(el) || ts.isOmittedExpression(el) ? (unknown.add(path), UNKNOWN_VALUE) : plain(prog.evaluate(v.mod, el), childPath(path, i), r, depth + 1),
        );
      }
      const obj: Record<string, unknown> = {};
      for (const p of v.node.properties) {
        const key = ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? propName(p.name) : undefined;
        if (key === undefined) {
          unknown.add(path);
          continue;
        }
        obj[key] = plain(prog.member(v, key), childPath(path, key), r, depth + 1);
      }
      return obj;
    };
    const value = build(root, '', 0);
    const whole = range(root);
    return {
      as: 'payload',
      value,
      unknown,
      whole,
      locate(path: string) {
        for (let p = path; ; p = parentPath(p)) {
          const hit = locs.get(p);
          if (hit) return hit;
          if (p === '') return { range: whole };
        }
      },
    };
  };

  const visit = (node: ts.Node, scope: Scope | undefined): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isModuleDeclaration(node)) return;
    if (ts.isFunctionLike(node) || ts.isBlock(node) || ts.isCaseBlock(node)) scope = localScope(mod, node, scope);
    if (ts.isCallExpression(node) && isPayloadCall(node) && node.arguments[0]) {
      targets.push(toPayload(node.arguments[0], scope));
      node.arguments.slice(1).forEach((a) => visit(a, scope));
      return;
    }
    if (ts.isObjectLiteralExpression(node)) {
      if (hasKeys(node, 'type', 'data')) {
        const payload = toPayload(node, scope);
        if (payload.as === 'payload' && opts.looksLikePayload(payload.value)) {
          targets.push(payload);
          return;
        }
      }
      for (const p of node.properties) {
        if (ts.isPropertyAssignment(p)) {
          const key = propName(p.name);
          if (key !== undefined && kindForKey(key) === 'url' && isStringSite(p.initializer)) {
            judgeString(compose(p.initializer, scope, range(p.initializer)), range(p.initializer), 'url');
            continue;
          }
          if (ts.isComputedPropertyName(p.name)) visit(p.name, scope);
          visit(p.initializer, scope);
        } else visit(p, scope);
      }
      return;
    }
    if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
      const as = kindForKey(node.name.getText(sf));
      judgeString([literal(node.initializer)], range(node.initializer), as);
      return;
    }
    if (ts.isJsxText(node)) {
      const start = node.getStart(sf);
      const raw = text.slice(start, node.getEnd());
      const { value, map } = literalMap(raw, 'plain', start);
      if (raw.trim() !== '') judgeString([{ text: value, map }], { start, end: node.getEnd() }, 'text');
      return;
    }
    if (isStringSite(node)) {
      judgeString(compose(node, scope, range(node)), range(node), 'text');
      // Calls and other dynamic parts inside `${…}` may hold literals of their own.
      if (ts.isTemplateExpression(node)) for (const s of node.templateSpans) if (!isStringSite(s.expression)) visit(s.expression, scope);
      if (ts.isBinaryExpression(node)) for (const side of [node.left, node.right]) if (!isStringSite(unwrap(side))) visit(side, scope);
      return;
    }
    if ((ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node)) && !ts.isComputedPropertyName(node.name)) {
      // The name is a key, not text a reader sees.
      node.forEachChild((c) => {
        if (c !== node.name) visit(c, scope);
      });
      return;
    }
    if (ts.isElementAccessExpression(node) || ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      visit(node.expression, scope);
      return;
    }
    node.forEachChild((c) => visit(c, scope));
  };

  const isPayloadCall = (call: ts.CallExpression): boolean => {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !PAYLOAD_METHODS.has(callee.name.text)) return false;
    const obj = callee.expression;
    const name = ts.isIdentifier(obj) ? obj.text : ts.isPropertyAccessExpression(obj) ? obj.name.text : '';
    return PAYLOAD_CALLEE.test(name);
  };

  visit(sf, undefined);
  const syntax = syntaxError(sf);
  if (syntax) {
    found.push(
      own(
        'audit/unreadable',
        'error',
        `Not valid ${/\.[cm]?jsx?$/.test(mod.file) ? 'JavaScript' : 'TypeScript'}: ${syntax.message}. Strings were still checked where the parser recovered; fix this so none is missed.`,
        `语法错误：${syntax.message}。解析器恢复后的字符串仍已检查；请修正，以免遗漏。`,
        { start: syntax.start, end: Math.min(syntax.start + Math.max(1, syntax.length), text.length) },
      ),
    );
  }
  return { targets, own: found };
}

/**
 * The first syntax error, if any. `parseDiagnostics` is how the compiler exposes
 * what `createSourceFile` recovered from without building a Program; it has no
 * public typing, so it is read defensively.
 */
function syntaxError(sf: ts.SourceFile): { message: string; start: number; length: number } | undefined {
  const diags = (sf as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics;
  const d = Array.isArray(diags) ? diags[0] : undefined;
  if (!d || d.start === undefined) return undefined;
  return { message: ts.flattenDiagnosticMessageText(d.messageText, ' '), start: d.start, length: d.length ?? 1 };
}

/** True for an expression that is a string at this site: a literal, a template, or `+` with a string. */
function isStringSite(node: ts.Node): node is ts.Expression {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) return true;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return isStringSite(unwrap(node.left)) || isStringSite(unwrap(node.right));
  }
  return false;
}

/** True when an object literal names every key (a cheap pre-test before building a payload). */
function hasKeys(node: ts.ObjectLiteralExpression, ...keys: string[]): boolean {
  let n = 0;
  for (const p of node.properties) if ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && keys.includes(propName(p.name) ?? '')) n++;
  return n >= keys.length;
}

/** Names a function or block declares: constants fold, everything else hides outer constants. */
function localScope(mod: TsModule, node: ts.Node, parent: Scope | undefined): Scope | undefined {
  const names = new Map<string, ts.Expression | null>();
  if (ts.isFunctionLike(node)) {
    for (const p of node.parameters) collectNames(p.name, names);
  } else if (ts.isBlock(node)) collectBlock(node.statements, names);
  else if (ts.isCaseBlock(node)) for (const c of node.clauses) collectBlock(c.statements, names);
  return names.size > 0 ? new Scope(mod, names, parent) : parent;
}

function collectBlock(statements: ts.NodeArray<ts.Statement>, names: Map<string, ts.Expression | null>): void {
  for (const st of statements) {
    if (ts.isVariableStatement(st)) {
      const isConst = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) names.set(d.name.text, names.has(d.name.text) || !isConst || !d.initializer ? null : d.initializer);
        else collectNames(d.name, names);
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.set(st.name.text, null);
  }
}

function collectNames(name: ts.BindingName, names: Map<string, ts.Expression | null>): void {
  if (ts.isIdentifier(name)) names.set(name.text, null);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) collectNames(el.name, names);
}

/**
 * True when an unknown part sits in a URL's host: after `scheme://` before the
 * authority ends, or at the start of a token that continues as a path or domain
 * (`${BASE}/promo`, `${sub}.example.com`). `before`/`after` are short windows, so
 * this is constant work per hole.
 */
export function inHost(before: string, after: string, urlField: boolean): boolean {
  const tokenStart = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\n'), before.lastIndexOf('\t'), before.lastIndexOf('(')) + 1;
  const token = before.slice(tokenStart);
  const scheme = token.indexOf('://');
  if (scheme > 0) {
    const authority = token.slice(scheme + 3);
    return !/[/?#]/.test(authority);
  }
  if (token === '') {
    if (urlField) return true;
    return after.startsWith('/') || /^\.[a-z]{2,}/i.test(after) || /^:\d/.test(after);
  }
  // `shop.${x}`: a dotted prefix with no path yet is still a host.
  return token.endsWith('.') && isHostChars(token) && (after === '' || after[0] === '.' || after[0] === '/' || after[0] === ':');
}

function isHostChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (!((c >= 97 && c <= 122) || (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) || s[i] === '-' || s[i] === '.')) return false;
  }
  return true;
}

/** Where every comment in a module starts: a suppression directive must be a real comment, not text in a string. */
export function commentStarts(mod: TsModule): Set<number> {
  const starts = new Set<number>();
  const visit = (node: ts.Node): void => {
    for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) starts.add(r.pos);
    for (const r of ts.getTrailingCommentRanges(text, node.end) ?? []) starts.add(r.pos);
    node.forEachChild(visit);
  };
  const { sf, text } = source(mod);
  visit(sf);
  visit(sf.endOfFileToken);
  return starts;
}

function source(mod: TsModule): { sf: ts.SourceFile; text: string } {
  if (!mod.sf || mod.text === undefined) throw new Error(`${mod.file} was released before it was audited`);
  return { sf: mod.sf, text: mod.text };
}
