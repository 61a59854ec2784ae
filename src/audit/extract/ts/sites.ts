import type { Span } from '../../../findings.js';
import { ts } from 'ts-morph';
import { kindForKey } from '../../../checks/templates.js';
import { concatMaps, literalMap, own, uniformMap, type CharMap, type Placed, type Site } from '../../../sites/model.js';
import { evaluatePayload, NOT_STATIC, type PayloadReader } from '../../../sites/payload.js';
import { isPlus, localScope, propName, source, unwrap, UNKNOWN, type Scope, type TsModule, type TsProgram, type Val } from './bind.js';
import { lexicalComments, lexicalSites } from './lexical.js';

/**
 * Which TS/JS expressions are judged, as what, and where each character sits: the
 * site finder over one bound module. Folding (what a name is worth) is bind.ts's; this
 * file only walks the tree, with an explicit stack, so nesting depth is data.
 */

/** A composed string: known pieces with their maps, and holes that could not be resolved. */
type Piece = { text: string; map: CharMap } | { hole: Span };

export interface TsExtractOptions {
  /** The engine's shape test for reply payloads. */
  looksLikePayload(value: unknown): boolean;
}

/** Methods of this package's gate and sender whose first argument is a whole reply payload. */
const PAYLOAD_METHODS = new Set(['check', 'send', 'reply', 'enqueue', 'judge']);

/** One file's walk: what it found so far, and how it reads the file's nodes. */
interface Walk {
  prog: TsProgram;
  mod: TsModule;
  sf: ts.SourceFile;
  text: string;
  opts: TsExtractOptions;
  sites: Site[];
  own: Placed[];
}

type Case = (w: Walk, node: ts.Node, scope: Scope | undefined, later: (node: ts.Node) => void) => boolean;

export function extractTs(prog: TsProgram, mod: TsModule, opts: TsExtractOptions): { sites: Site[]; own: Placed[] } {
  if (mod.tooDeep) return lexicalSites(mod);
  const { sf, text } = source(mod);
  const w: Walk = { prog, mod, sf, text, opts, sites: [], own: [] };
  // Nodes still to visit and the scope each is in, last first: two arrays, no object per node.
  const nodes: ts.Node[] = [sf];
  const scopes: Array<Scope | undefined> = [undefined];
  const batch: ts.Node[] = [];
  const later = (n: ts.Node): void => void batch.push(n);
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const outer = scopes.pop();
    if (skipped(node)) continue;
    const scope = ts.isFunctionLike(node) || ts.isBlock(node) || ts.isCaseBlock(node) ? localScope(mod, node, outer) : outer;
    if (!visit(w, node, scope, later)) node.forEachChild(later);
    // Children in source order: pushed last first.
    for (let i = batch.length - 1; i >= 0; i--) {
      nodes.push(batch[i]!);
      scopes.push(scope);
    }
    batch.length = 0;
  }
  const syntax = syntaxError(sf);
  if (syntax) {
    w.own.push(
      own(
        'audit/unreadable',
        'error',
        `Not valid ${/\.[cm]?jsx?$/.test(mod.file) ? 'JavaScript' : 'TypeScript'}: ${syntax.message}. Strings were still checked where the parser recovered; fix this so none is missed.`,
        '语法错误（见所在位置）。解析器恢复后的字符串仍已检查；请修正，以免遗漏。',
        { start: syntax.start, end: Math.min(syntax.start + Math.max(1, syntax.length), text.length) },
      ),
    );
  }
  return { sites: w.sites, own: w.own };
}

/** Declarations and types hold no text a reader sees. */
const isSkippedKind = (node: { kind: ts.SyntaxKind }): boolean => {
  const n = node as ts.Node;
  return ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isTypeNode(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n) || ts.isModuleDeclaration(n);
};

// The site finder's per-node tests depend on the node's kind alone, so they are tables
// built once: on the 2,000-file bench repo the predicate chains run for every visited
// node (mostly identifiers and keywords) cost about a fifth of the extraction.
const SKIPPED = Uint8Array.from({ length: ts.SyntaxKind.Count }, (_, kind) => (isSkippedKind({ kind }) ? 1 : 0));
const skipped = (node: ts.Node): boolean => SKIPPED[node.kind] === 1;

/** The kinds some case below can take; any other node only has its children visited. */
const CASE_KINDS = new Uint8Array(ts.SyntaxKind.Count);
for (const k of [
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.ObjectLiteralExpression,
  ts.SyntaxKind.JsxAttribute,
  ts.SyntaxKind.JsxText,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateExpression,
  ts.SyntaxKind.BinaryExpression,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.ElementAccessExpression,
])
  CASE_KINDS[k] = 1;

/** `gate.check(msg)`, `sender.send(msg)` on what this package made: the argument is judged as a payload, whatever its shape. */
const payloadCall: Case = (w, node, scope, later) => {
  if (!ts.isCallExpression(node) || !node.arguments[0]) return false;
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || !PAYLOAD_METHODS.has(callee.name.text)) return false;
  if (!w.prog.fromPackage(w.mod, callee.expression, scope)) return false;
  w.sites.push(payloadOf(w, node.arguments[0], scope));
  for (const a of node.arguments.slice(1)) later(a);
  return true;
};

/** An object literal: judged whole when it is payload-shaped, else a link field's value as a URL. */
const objectLiteral: Case = (w, node, scope, later) => {
  if (!ts.isObjectLiteralExpression(node)) return false;
  if (hasKeys(node, 'type', 'data')) {
    const payload = payloadOf(w, node, scope);
    if (w.opts.looksLikePayload(payload.value)) {
      w.sites.push(payload);
      return true;
    }
  }
  for (const p of node.properties) {
    if (ts.isPropertyAssignment(p)) {
      const key = propName(p.name);
      if (key !== undefined && kindForKey(key) === 'url' && isStringSite(p.initializer)) {
        judgeComposed(w, compose(w, p.initializer, scope, range(w, p.initializer)), range(w, p.initializer), 'url');
        continue;
      }
      if (ts.isComputedPropertyName(p.name)) later(p.name);
      later(p.initializer);
    } else later(p);
  }
  return true;
};

const jsxAttribute: Case = (w, node) => {
  if (!ts.isJsxAttribute(node) || !node.initializer || !ts.isStringLiteral(node.initializer)) return false;
  judgeComposed(w, [literal(w, node.initializer)], range(w, node.initializer), kindForKey(node.name.getText(w.sf)));
  return true;
};

const jsxText: Case = (w, node) => {
  if (!ts.isJsxText(node)) return false;
  const start = node.getStart(w.sf);
  const raw = w.text.slice(start, node.getEnd());
  const { value, map } = literalMap(raw, 'plain', start);
  if (raw.trim() !== '') judgeComposed(w, [{ text: value, map }], { start, end: node.getEnd() }, 'text');
  return true;
};

/** A literal, a template or a `+` with a string: one composed string; what `${…}` computes may hold strings of its own. */
const stringExpression: Case = (w, node, scope, later) => {
  if (!isStringSite(node)) return false;
  judgeComposed(w, compose(w, node, scope, range(w, node)), range(w, node), 'text');
  if (ts.isTemplateExpression(node)) for (const s of node.templateSpans) if (!isStringSite(s.expression)) later(s.expression);
  if (isPlus(node)) for (const side of [node.left, node.right]) if (!isStringSite(unwrap(side))) later(side);
  return true;
};

/** A property's or method's name is a key, not text a reader sees. */
const namedMember: Case = (_w, node, _scope, later) => {
  if (!(ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node)) || ts.isComputedPropertyName(node.name)) return false;
  node.forEachChild((c) => {
    if (c !== node.name) later(c);
  });
  return true;
};

/** `a['key']` and `import('./x')`: the key or specifier is a name, not text. */
const accessOrImport: Case = (_w, node, _scope, later) => {
  if (!(ts.isElementAccessExpression(node) || (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword))) return false;
  later(node.expression);
  return true;
};

/** The cases, tried in order: the first that takes a node decides what of it is visited further (false: all its children). */
function visit(w: Walk, node: ts.Node, scope: Scope | undefined, later: (node: ts.Node) => void): boolean {
  if (CASE_KINDS[node.kind] !== 1) return false;
  return (
    payloadCall(w, node, scope, later) ||
    objectLiteral(w, node, scope, later) ||
    jsxAttribute(w, node, scope, later) ||
    jsxText(w, node, scope, later) ||
    stringExpression(w, node, scope, later) ||
    namedMember(w, node, scope, later) ||
    accessOrImport(w, node, scope, later)
  );
}

function range(w: Walk, n: ts.Node): Span {
  return { start: n.getStart(w.sf), end: n.getEnd() };
}

function literal(w: Walk, n: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateLiteralLikeNode): Piece {
  const start = n.getStart(w.sf);
  const { value, map } = literalMap(w.text.slice(start, n.getEnd()), ts.isStringLiteral(n) ? 'js' : 'template', start);
  return { text: value, map };
}

/**
 * The pieces of a string expression, in order: literals with their maps, substituted
 * constants mapped to the expression that named them, holes where nothing is known.
 * An explicit stack, so a long `+` chain or deep templates cost no stack.
 */
function compose(w: Walk, root: ts.Expression, scope: Scope | undefined, at: Span): Piece[] {
  const out: Piece[] = [];
  const work: Array<{ e: ts.Expression; at: Span } | Piece> = [{ e: root, at }];
  while (work.length > 0) {
    const item = work.pop()!;
    if (!('e' in item)) {
      out.push(item);
      continue;
    }
    const u = unwrap(item.e);
    if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) out.push(literal(w, u));
    else if (ts.isTemplateExpression(u)) {
      const parts: Array<{ e: ts.Expression; at: Span } | Piece> = [literal(w, u.head)];
      let prevEnd = u.head.getEnd();
      for (const span of u.templateSpans) {
        // A substituted value points at `${…}`: from the end of the previous part's `${` to its closing `}`.
        parts.push({ e: span.expression, at: { start: prevEnd - 2, end: span.literal.getStart(w.sf) + 1 } });
        parts.push(literal(w, span.literal));
        prevEnd = span.literal.getEnd();
      }
      for (let i = parts.length - 1; i >= 0; i--) work.push(parts[i]!);
    } else if (isPlus(u)) {
      work.push({ e: u.right, at: range(w, u.right) }, { e: u.left, at: range(w, u.left) });
    } else for (const p of fromValue(w.prog.evaluate(w.mod, u, scope), item.at)) out.push(p);
  }
  return out;
}

function fromValue(v: Val, at: Span): Piece[] {
  if (typeof v === 'string') return [{ text: v, map: uniformMap(v.length, at) }];
  if (typeof v === 'number' || typeof v === 'boolean') return [{ text: String(v), map: uniformMap(String(v).length, at) }];
  if (typeof v === 'object' && v !== null && v.t === 'partial') return v.parts.map((p) => (p === UNKNOWN ? { hole: at } : { text: p, map: uniformMap(p.length, at) }));
  return [{ hole: at }];
}

/** Judges a composed string: each known run on its own, and an unknown part in a URL's host is a warning. */
function judgeComposed(w: Walk, pieces: Piece[], whole: Span, kind: 'text' | 'url'): void {
  let run: Array<{ text: string; map: CharMap }> = [];
  let before = '';
  const flush = (): void => {
    if (run.length === 0) return;
    const t = run.map((p) => p.text).join('');
    if (t.trim() !== '') w.sites.push({ kind, value: t, map: concatMaps(run, whole) });
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
    if (inHost(before, after, kind === 'url')) {
      w.own.push(
        own(
          'link/unresolved',
          'warning',
          "Part of this link's host is computed at run time, so it cannot be checked against the whitelist here; the pre-send gate checks it when the reply is sent.",
          '此链接的域名有一部分在运行时才确定，无法在此核对白名单；发送前的检查会在发送时核对。',
          p.hole,
        ),
      );
    }
    before = '';
  }
  flush();
}

/** A payload node: an expression of this file, or a constant folded from wherever it was defined (reported where it was named). */
type PayloadNode = { e: ts.Expression; scope: Scope | undefined; seen?: Seen } | { v: Val; at: Span };
/** What an expression of a payload turned out to be, worked out once per node. */
type Seen = { lit: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression } | { str: { value: string; map: CharMap } } | { v: Val; at: Span };

function payloadOf(w: Walk, root: ts.Expression, scope: Scope | undefined): Site {
  return evaluatePayload(payloadReader(w), { e: root, scope });
}

/** TS expressions, and the constants they fold to, read as payload data. */
function payloadReader(w: Walk): PayloadReader<PayloadNode> {
  const seen = (n: PayloadNode): Seen => {
    if ('v' in n) return n;
    if (n.seen) return n.seen;
    const u = unwrap(n.e);
    const r = range(w, u);
    let out: Seen;
    if (ts.isObjectLiteralExpression(u) || ts.isArrayLiteralExpression(u)) out = { lit: u };
    else {
      const v = w.prog.evaluate(w.mod, u, n.scope);
      if (typeof v === 'string' && (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u) || ts.isTemplateExpression(u) || ts.isBinaryExpression(u))) {
        const pieces = compose(w, u, n.scope, r);
        const known = pieces.every((p) => 'text' in p) ? (pieces as Array<{ text: string; map: CharMap }>) : undefined;
        out = { str: { value: v, map: known ? concatMaps(known, r) : uniformMap(v.length, r) } };
      } else out = { v, at: r };
    }
    n.seen = out;
    return out;
  };
  return {
    entries(n) {
      const s = seen(n);
      if ('lit' in s) {
        if (!ts.isObjectLiteralExpression(s.lit)) return null;
        const scope = 'e' in n ? n.scope : undefined;
        const entries: Array<{ key: string; node: PayloadNode; range: Span }> = [];
        let partial = false;
        for (const p of s.lit.properties) {
          const key = ts.isPropertyAssignment(p) ? propName(p.name) : ts.isShorthandPropertyAssignment(p) ? p.name.text : undefined;
          // Spreads, methods and computed keys: the object's full shape is not known.
          if (key === undefined) partial = true;
          else {
            const e = ts.isPropertyAssignment(p) ? p.initializer : (p as ts.ShorthandPropertyAssignment).name;
            entries.push({ key, node: { e, scope }, range: range(w, e) });
          }
        }
        return { entries, partial };
      }
      if (!('v' in s) || typeof s.v !== 'object' || s.v === null || s.v.t !== 'obj') return null;
      const obj = s.v;
      const entries: Array<{ key: string; node: PayloadNode; range: Span }> = [];
      let partial = false;
      for (const p of obj.node.properties) {
        const key = ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? propName(p.name) : undefined;
        if (key === undefined) partial = true;
        else entries.push({ key, node: { v: w.prog.member(obj, key), at: s.at }, range: s.at });
      }
      return { entries, partial };
    },
    items(n) {
      const s = seen(n);
      if ('lit' in s) {
        if (!ts.isArrayLiteralExpression(s.lit)) return null;
        const scope = 'e' in n ? n.scope : undefined;
        const items = s.lit.elements.filter((el) => !ts.isSpreadElement(el) && !ts.isOmittedExpression(el)).map((e): PayloadNode => ({ e, scope }));
        return { items, partial: items.length !== s.lit.elements.length };
      }
      if (!('v' in s) || typeof s.v !== 'object' || s.v === null || s.v.t !== 'arr') return null;
      const arr = s.v;
      const at = s.at;
      let partial = false;
      const items = arr.node.elements.map((el): PayloadNode => {
        if (ts.isSpreadElement(el) || ts.isOmittedExpression(el)) {
          partial = true;
          return { v: UNKNOWN, at };
        }
        return { v: w.prog.evaluate(arr.mod, el), at };
      });
      return { items, partial };
    },
    string(n) {
      const s = seen(n);
      if ('str' in s) return s.str;
      if ('v' in s && typeof s.v === 'string') return { value: s.v, map: uniformMap(s.v.length, s.at) };
      return null;
    },
    scalar(n) {
      const s = seen(n);
      if ('v' in s && (typeof s.v === 'number' || typeof s.v === 'boolean' || s.v === null)) return s.v;
      return NOT_STATIC;
    },
    range(n) {
      const s = seen(n);
      return 'at' in s ? s.at : 'str' in s ? s.str.map.whole : range(w, (s as { lit: ts.Node }).lit);
    },
  };
}

/**
 * True for an expression that is a string at this site: a literal, a template, or `+`
 * with a string somewhere in it. Walks a `+` tree with an explicit stack.
 */
function isStringSite(node: ts.Node): node is ts.Expression {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) return true;
  if (!isPlus(node)) return false;
  const stack: ts.Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) return true;
    if (isPlus(n)) stack.push(unwrap(n.right), unwrap(n.left));
  }
  return false;
}

/** True when an object literal names every key (a cheap pre-test before building a payload). */
function hasKeys(node: ts.ObjectLiteralExpression, ...keys: string[]): boolean {
  let n = 0;
  for (const p of node.properties) if ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && keys.includes(propName(p.name) ?? '')) n++;
  return n >= keys.length;
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

/**
 * True when an unknown part sits in a URL's host: after `scheme://` before the
 * authority ends, or at the start of a token that continues as a path or domain
 * (`${BASE}/promo`, `${sub}.example.com`). `before`/`after` are short windows, so
 * this is constant work per hole.
 */
function inHost(before: string, after: string, urlField: boolean): boolean {
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

/** Every comment in a module, as full ranges: suppression directives are read only from these. */
export function commentRanges(mod: TsModule): Span[] {
  if (mod.tooDeep) return lexicalComments(mod);
  const { sf, text } = source(mod);
  const seen = new Set<number>();
  const out: Span[] = [];
  const add = (rs: ts.CommentRange[] | undefined): void => {
    for (const r of rs ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      out.push({ start: r.pos, end: r.end });
    }
  };
  const stack: ts.Node[] = [sf.endOfFileToken, sf];
  while (stack.length > 0) {
    const node = stack.pop()!;
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    const children: ts.Node[] = [];
    node.forEachChild((c) => void children.push(c));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out.sort((a, b) => a.start - b.start);
}

