import type { Span } from '../../findings.js';
import { kindForKey } from '../../checks/templates.js';
import { parsedLiteralMap, type CharMap } from '../../sites/model.js';
import { namesTypeAndData, NOT_STATIC, type PayloadReader } from '../../sites/payload.js';
import { isBlank, payloadsOf, rangeOf, type Sink, type SourceLike, type Visitors } from './shared.js';

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
    case 'TSEnumMember':
      return parent['id'] === node;
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
      return true;
    case 'ExpressionStatement':
      return typeof parent['directive'] === 'string';
    default:
      return false;
  }
}

type Str = { value: string; map: CharMap };

function literalString(source: SourceLike, node: Literal): Str | null {
  if (typeof node.value !== 'string') return null;
  return { value: node.value, map: parsedLiteralMap(source.text, rangeOf(node), node.value, 'js') };
}

/**
 * A template literal's parts between interpolations, each judged as its own string:
 * what `${…}` holds is unknown here, so no link or phrase is read across it (the
 * audit does the same with what it cannot resolve, and resolves more across files).
 * Offsets come from each part's own source, so multi-line templates map exactly.
 */
function templateParts(source: SourceLike, node: TemplateLiteral): Str[] {
  const sites: Str[] = [];
  for (const quasi of node.quasis) {
    const cooked = quasi.value.cooked;
    // An invalid escape in a tagged template has no cooked value: nothing to judge.
    if (cooked === null || isBlank(cooked)) continue;
    const whole = node.quasis.length === 1;
    // A template without interpolations is one string: reports cover the whole literal.
    sites.push({ value: cooked, map: parsedLiteralMap(source.text, rangeOf(quasi), cooked, 'template', rangeOf(whole ? node : quasi)) });
  }
  return sites;
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

function makeReader(source: SourceLike): PayloadReader<JsNode> {
  return {
    entries(node) {
      const n = unwrap(node);
      if (n.type !== 'ObjectExpression') return null;
      const entries: Array<{ key: string; node: JsNode; range: Span }> = [];
      let partial = false;
      for (const p of n['properties'] as Property[]) {
        const key = p.type === 'Property' && p.kind === 'init' && !p.method ? propertyKey(p) : null;
        // A spread, accessor, method or computed key: the object's full shape is not known.
        if (key === null) partial = true;
        else entries.push({ key, node: p.value, range: rangeOf(p.value) });
      }
      return { entries, partial };
    },
    items(node) {
      const n = unwrap(node);
      if (n.type !== 'ArrayExpression') return null;
      const elements = n['elements'] as Array<JsNode | null>;
      const items = elements.filter((e): e is JsNode => e !== null && e.type !== 'SpreadElement');
      return { items, partial: items.length !== elements.length };
    },
    string(node) {
      const n = unwrap(node);
      if (n.type === 'Literal') return literalString(source, n as Literal);
      if (n.type === 'TemplateLiteral' && (n as TemplateLiteral).expressions.length === 0) return templateParts(source, n as TemplateLiteral)[0] ?? null;
      return null;
    },
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
    range: rangeOf,
  };
}

const isPayloadShaped = (node: JsNode): boolean => namesTypeAndData(node['properties'] as Property[], (p) => (p.type === 'Property' ? propertyKey(p) : null));

/** A string is a URL when it is the value of a `url`/`href`/`link` property or JSX attribute. */
function kindOf(node: JsNode): 'text' | 'url' {
  const parent = node.parent;
  if (parent?.type === 'Property' && parent['value'] === node) {
    const p = parent as Property;
    return kindForKey(p.computed ? null : p.key.type === 'Identifier' ? (p.key['name'] as string) : String((p.key as Literal).value));
  }
  if (parent?.type === 'JSXAttribute') {
    const name = parent['name'] as JsNode;
    return kindForKey(name.type === 'JSXIdentifier' ? (name['name'] as string) : null);
  }
  return 'text';
}

/** JavaScript and TypeScript: string literals, template literals, payload-shaped object literals. */
export function jsVisitors(source: SourceLike, sink: Sink): Visitors {
  const reader = makeReader(source);
  const payloads = payloadsOf(reader, isPayloadShaped, sink, unwrap);
  return {
    ObjectExpression: payloads.visit,
    Literal(node: Literal) {
      if (typeof node.value !== 'string' || isBlank(node.value) || payloads.covered(node) || isNameLiteral(node)) return;
      sink.string({ kind: kindOf(node), value: node.value, map: parsedLiteralMap(source.text, rangeOf(node), node.value, 'js') });
    },
    TemplateLiteral(node: TemplateLiteral) {
      if (payloads.covered(node)) return;
      // A part between interpolations is not a whole URL (`${SHOP}/autumn`): read it as text.
      const kind = node.expressions.length === 0 ? kindOf(node) : 'text';
      for (const str of templateParts(source, node)) sink.string({ kind, value: str.value, map: str.map });
    },
    JSXText(node: Literal) {
      if (typeof node.value !== 'string' || isBlank(node.value)) return;
      // JSX text is written as is: its value is its source.
      sink.string({ kind: 'text', value: node.value, map: parsedLiteralMap(source.text, rangeOf(node), node.value, 'plain') });
    },
  } as Visitors;
}

