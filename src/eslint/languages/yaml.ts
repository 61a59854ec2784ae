import { decodeLiteral, type LiteralKind } from '../../audit/locate.js';
import { literalSite, once, type Range, type StringSite } from '../sites.js';
import { kindForKey } from '../../checks/templates.js';
import { isBlank, namesTypeAndData, NOT_STATIC, payloadsOf, type Sink, type SourceLike, type TreeReader, type Visitors } from './shared.js';

/** The yaml-eslint-parser shapes read here. */
interface YamlNode {
  type: string;
  range: [number, number];
  parent?: YamlNode;
  [key: string]: unknown;
}
interface Pair extends YamlNode {
  key: YamlNode | null;
  value: YamlNode | null;
}

const KIND_OF_STYLE: Record<string, LiteralKind> = {
  plain: 'yaml-plain',
  'double-quoted': 'yaml-double',
  'single-quoted': 'yaml-single',
  literal: 'yaml-block',
  folded: 'yaml-block',
};

/** Tags and anchors wrap a node; the value is inside. */
function unwrap(node: YamlNode): YamlNode {
  let n = node;
  while (n.type === 'YAMLWithMeta' && n['value']) n = n['value'] as YamlNode;
  return n;
}

function pairKey(p: Pair): string | null {
  const key = p.key ? unwrap(p.key) : null;
  if (key?.type !== 'YAMLScalar') return null;
  const v = key['value'];
  return v === null ? 'null' : String(v);
}

/**
 * The parser's range for a block scalar stops before its final line break, which the
 * value keeps (clip and keep chomping): decode up to the end of the last line, and let
 * trailing breaks the range does not reach point at the scalar's end.
 */
function blockSite(text: string, node: YamlNode, value: string): StringSite {
  const [start, end] = node.range;
  const trace = once(() => {
    const lineEnd = text.startsWith('\r\n', end) ? end + 2 : text[end] === '\n' || text[end] === '\r' ? end + 1 : end;
    const decoded = decodeLiteral(text.slice(start, lineEnd), 'yaml-block');
    const tail = value.slice(decoded.value.length);
    if (!value.startsWith(decoded.value) || /[^\r\n]/.test(tail)) return null;
    const at = new Int32Array(value.length + 1);
    for (let i = 0; i < decoded.value.length; i++) at[i] = decoded.offsets[i]! + start;
    at.fill(Math.min(decoded.offsets[decoded.value.length]! + start, end), decoded.value.length);
    return at;
  });
  return { node, value, range: node.range, trace };
}

function makeReader(source: SourceLike): TreeReader<YamlNode> {
  return {
    entries(node) {
      const n = unwrap(node);
      if (n.type !== 'YAMLMapping') return null;
      const entries: Array<{ key: string; node: YamlNode | null; range: Range }> = [];
      let partial = false;
      for (const p of n['pairs'] as Pair[]) {
        const key = pairKey(p);
        // A complex key (a mapping as key) or a merge key (`<<: *base`) hides the shape.
        if (key === null || key === '<<') partial = true;
        else entries.push({ key, node: p.value, range: p.range });
      }
      return { entries, partial };
    },
    items(node) {
      const n = unwrap(node);
      return n.type === 'YAMLSequence' ? { items: n['entries'] as Array<YamlNode | null>, partial: false } : null;
    },
    string(node) {
      const n = unwrap(node);
      if (n.type !== 'YAMLScalar' || typeof n['value'] !== 'string') return null;
      const kind = KIND_OF_STYLE[n['style'] as string] ?? 'yaml-plain';
      return kind === 'yaml-block' ? blockSite(source.text, n, n['value']) : literalSite(n, source.text, n.range, n['value'], kind);
    },
    scalar(node) {
      const n = unwrap(node);
      // An alias points elsewhere in the document; the linter judges what it can see.
      return n.type === 'YAMLScalar' ? n['value'] : NOT_STATIC;
    },
    range: (node) => node.range,
  };
}

const isPayloadShaped = (node: YamlNode): boolean => namesTypeAndData(node['pairs'] as Pair[], pairKey);

/** YAML via eslint-plugin-yml: string scalars (not keys) and payload-shaped mappings. */
export function yamlVisitors(source: SourceLike, sink: Sink): Visitors {
  const reader = makeReader(source);
  const payloads = payloadsOf(reader, isPayloadShaped, sink);
  return {
    YAMLMapping: payloads.visit,
    YAMLScalar(node: YamlNode) {
      if (typeof node['value'] !== 'string' || isBlank(node['value']) || payloads.covered(node)) return;
      const parent = node.parent?.type === 'YAMLWithMeta' ? node.parent.parent : node.parent;
      const pair = parent?.type === 'YAMLPair' ? (parent as Pair) : null;
      if (pair?.key && unwrap(pair.key) === node) return;
      const site = reader.string(node);
      if (site) sink.string(site, kindForKey(pair ? pairKey(pair) : null));
    },
  } as Visitors;
}
