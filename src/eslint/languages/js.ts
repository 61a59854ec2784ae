import { literalSite, shift, type PayloadSite, type Range, type StringSite } from '../sites.js';
import { decodeLiteral } from '../../audit/locate.js';
import { evaluatePayload, memo, memoWith, namesTypeAndData, NOT_STATIC, type Sink, type SourceLike, type TreeReader, type Visitors } from './shared.js';

/** The ESTree shapes read here (espree and typescript-eslint agree on them). */
interface JsNode {
  type: string;
  range: [number, number];
  parent?: JsNode;
  [key: string]: unknown;
}
interface Literal extends JsNode {
  value: unknown;
  bigint?: string;
}
interface TemplateElement extends JsNode {
  value: { raw: string; cooked: string | null };
}
interface TemplateLiteral extends JsNode {
  quasis: TemplateElement[];
  expressions: JsNode[];
}
interface Property extends JsNode {
  key: JsNode;
  value: JsNode;
  computed: boolean;
  kind: string;
  method: boolean;
  shorthand: boolean;
}

/**
 * What an interpolation `${…}` stands for when a template literal is judged alone:
 * one space. The value is unknown here, so it must never glue the text around it into
 * one host (`https://${sub}.evil.cn` is judged as `https:// .evil.cn`, which still
 * finds `evil.cn`); the audit resolves interpolations across files, the linter does not.
 */
export const INTERPOLATION = ' ';

/** String literals that are names, not text a reply could carry. */
function isNameLiteral(node: JsNode): boolean {
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'Property':
    case 'PropertyDefinition':
    case 'MethodDefinition':
    case 'TSPropertySignature':
      return parent['key'] === node && parent['computed'] !== true;
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
    case 'ExportNamedDeclaration':
    case 'ImportExpression':
    case 'TSExternalModuleReference':
    case 'TSImportType':
    case 'TSModuleDeclaration':
      return true;
    case 'ImportSpecifier':
    case 'ExportSpecifier':
    case 'ImportAttribute':
    case 'TSLiteralType':
    case 'TSEnumMember':
      return true;
    case 'ExpressionStatement':
      return typeof parent['directive'] === 'string';
    default:
      return false;
  }
}

function literalString(source: SourceLike, node: Literal): StringSite | null {
  if (typeof node.value !== 'string') return null;
  return literalSite(node, source.text, node.range, node.value, 'js');
}

/** A template literal as one string: cooked parts joined by {@link INTERPOLATION}. */
function templateString(source: SourceLike, node: TemplateLiteral): StringSite | null {
  const parts: string[] = [];
  const at: number[] = [];
  let traced = true;
  for (let q = 0; q < node.quasis.length; q++) {
    const quasi = node.quasis[q]!;
    const cooked = quasi.value.cooked;
    if (cooked === null) return null; // an invalid escape in a tagged template: no value to judge
    const [start, end] = quasi.range;
    const decoded = decodeLiteral(source.text.slice(start, end), 'template');
    if (decoded.value !== cooked) traced = false;
    const offsets = shift(decoded.offsets, start);
    parts.push(cooked);
    for (let i = 0; i < cooked.length; i++) at.push(traced ? offsets[i]! : start);
    const expr = node.expressions[q];
    if (expr) {
      parts.push(INTERPOLATION);
      at.push(expr.range[0]);
    } else {
      at.push(traced ? offsets[cooked.length]! : end);
    }
  }
  const range: Range = node.range;
  return { node, value: parts.join(''), range, at: traced ? Int32Array.from(at) : null };
}

function unwrap(node: JsNode): JsNode {
  let n = node;
  while (n.type === 'TSAsExpression' || n.type === 'TSSatisfiesExpression' || n.type === 'TSNonNullExpression') {
    n = n['expression'] as JsNode;
  }
  return n;
}

function propertyKey(p: Property): string | null {
  const key = p.key;
  if (!p.computed && key.type === 'Identifier') return key['name'] as string;
  if (key.type === 'Literal' && (typeof (key as Literal).value === 'string' || typeof (key as Literal).value === 'number')) {
    return String((key as Literal).value);
  }
  return null;
}

function makeReader(source: SourceLike): TreeReader<JsNode> {
  const stringOf = memo((node: JsNode): StringSite | null => {
    const n = unwrap(node);
    if (n.type === 'Literal') return literalString(source, n as Literal);
    if (n.type === 'TemplateLiteral' && (n as TemplateLiteral).expressions.length === 0) return templateString(source, n as TemplateLiteral);
    return null;
  });
  return {
    entries(node) {
      const n = unwrap(node);
      if (n.type !== 'ObjectExpression') return null;
      const out: Array<{ key: string; node: JsNode; range: Range }> = [];
      for (const p of n['properties'] as Property[]) {
        if (p.type !== 'Property' || p.kind !== 'init' || p.method || p.shorthand) return null;
        const key = propertyKey(p);
        if (key === null) return null;
        out.push({ key, node: p.value, range: p.value.range });
      }
      return out;
    },
    items(node) {
      const n = unwrap(node);
      if (n.type !== 'ArrayExpression') return null;
      const items = n['elements'] as Array<JsNode | null>;
      // A hole or a spread has no static value.
      return items.every((e) => e !== null && e.type !== 'SpreadElement') ? items : null;
    },
    string: stringOf,
    scalar(node) {
      const n = unwrap(node);
      if (n.type === 'Literal') {
        const lit = n as Literal;
        if (typeof lit.bigint === 'string') return BigInt(lit.bigint);
        if (lit.value === null || typeof lit.value === 'number' || typeof lit.value === 'boolean') return lit.value;
      }
      if (n.type === 'UnaryExpression' && n['operator'] === '-') {
        const arg = unwrap(n['argument'] as JsNode) as Literal;
        if (arg.type === 'Literal' && typeof arg.value === 'number') return -arg.value;
        if (arg.type === 'Literal' && typeof arg.bigint === 'string') return -BigInt(arg.bigint);
      }
      return NOT_STATIC;
    },
    range: (node) => node.range,
  };
}

const readers = new WeakMap<SourceLike, { reader: TreeReader<JsNode>; payloadOf: (node: JsNode) => PayloadSite | null }>();

function readerFor(source: SourceLike, isPayload: (value: unknown) => boolean): { reader: TreeReader<JsNode>; payloadOf: (node: JsNode) => PayloadSite | null } {
  let r = readers.get(source);
  if (!r) {
    const reader = makeReader(source);
    r = {
      reader,
      payloadOf: memo((node: JsNode) => {
        const props = node['properties'] as Property[];
        const keys = props.map((p) => (p.type === 'Property' ? propertyKey(p) ?? '' : ''));
        return namesTypeAndData(keys) ? evaluatePayload(reader, node, isPayload) : null;
      }),
    };
    readers.set(source, r);
  }
  return r;
}

const templateOf = memoWith(templateString);

/** JavaScript and TypeScript: string literals, template literals, payload-shaped object literals. */
export function jsVisitors(source: SourceLike, sink: Sink): Visitors {
  const { reader, payloadOf } = readerFor(source, sink.isPayload);
  return {
    ObjectExpression(node: JsNode) {
      if (sink.covered(node)) return;
      const site = payloadOf(node);
      if (site) sink.payload(site);
    },
    Literal(node: Literal) {
      if (typeof node.value !== 'string' || sink.covered(node) || isNameLiteral(node)) return;
      const site = reader.string(node);
      if (site) sink.string(site, 'text');
    },
    TemplateLiteral(node: TemplateLiteral) {
      if (sink.covered(node)) return;
      const site = node.expressions.length === 0 ? reader.string(node) : templateOf(source, node);
      if (site) sink.string(site, 'text');
    },
  } as Visitors;
}

