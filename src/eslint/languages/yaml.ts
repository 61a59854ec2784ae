import type { Span } from '../../findings.js';
import { kindForKey } from '../../checks/templates.js';
import { decodeLiteral, type LiteralKind } from '../../sites/decode.js';
import { parsedLiteralMap, tracedMap, type CharMap } from '../../sites/model.js';
import { namesTypeAndData, NOT_STATIC, type PayloadReader } from '../../sites/payload.js';
import { isBlank, payloadsOf, rangeOf, type Sink, type SourceLike, type Visitors } from './shared.js';

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
function blockMap(text: string, node: YamlNode, value: string): CharMap {
  const [start, end] = node.range;
  return tracedMap(value.length, rangeOf(node), () => {
    const lineEnd = text.startsWith('\r\n', end) ? end + 2 : text[end] === '\n' || text[end] === '\r' ? end + 1 : end;
    const decoded = decodeLiteral(text.slice(start, lineEnd), 'yaml-block');
    const tail = value.slice(decoded.value.length);
    if (!value.startsWith(decoded.value) || /[^\r\n]/.test(tail)) return null;
    const at = new Int32Array(value.length + 1);
    for (let i = 0; i < decoded.value.length; i++) at[i] = decoded.offsets[i]! + start;
    at.fill(Math.min(decoded.offsets[decoded.value.length]! + start, end), decoded.value.length);
    return at;
  });
}

function makeReader(source: SourceLike): PayloadReader<YamlNode> {
  return {
    entries(node) {
      const n = unwrap(node);
      if (n.type !== 'YAMLMapping') return null;
      const entries: Array<{ key: string; node: YamlNode | null; range: Span }> = [];
      let partial = false;
      for (const p of n['pairs'] as Pair[]) {
        const key = pairKey(p);
        // A complex key (a mapping as key) or a merge key (`<<: *base`) hides the shape.
        if (key === null || key === '<<') partial = true;
        else entries.push({ key, node: p.value, range: rangeOf(p) });
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
      const value = n['value'];
      return { value, map: kind === 'yaml-block' ? blockMap(source.text, n, value) : parsedLiteralMap(source.text, rangeOf(n), value, kind) };
    },
    scalar(node) {
      const n = unwrap(node);
      // An alias points elsewhere in the document; the linter judges what it can see.
      return n.type === 'YAMLScalar' ? n['value'] : NOT_STATIC;
    },
    range: rangeOf,
  };
}

const isPayloadShaped = (node: YamlNode): boolean => namesTypeAndData(node['pairs'] as Pair[], pairKey);

/** YAML via eslint-plugin-yml: string scalars (not keys) and payload-shaped mappings. */
export function yamlVisitors(source: SourceLike, sink: Sink): Visitors {
  const reader = makeReader(source);
  const payloads = payloadsOf(reader, isPayloadShaped, sink, unwrap);
  return {
    YAMLMapping: payloads.visit,
    YAMLScalar(node: YamlNode) {
      if (typeof node['value'] !== 'string' || isBlank(node['value']) || payloads.covered(node)) return;
      const parent = node.parent?.type === 'YAMLWithMeta' ? node.parent.parent : node.parent;
      const pair = parent?.type === 'YAMLPair' ? (parent as Pair) : null;
      if (pair?.key && unwrap(pair.key) === node) return;
      const str = reader.string(node);
      if (str) sink.string({ kind: kindForKey(pair ? pairKey(pair) : null), value: str.value, map: str.map });
    },
  } as Visitors;
}
