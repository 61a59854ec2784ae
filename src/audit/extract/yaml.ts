import type { Span } from '../../findings.js';
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, type Node as YamlNode } from 'yaml';
import type { LiteralKind } from '../../sites/decode.js';
import { literalMap, uniformMap } from '../../sites/model.js';
import type { DataNode } from './data.js';

export class YamlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const KIND: Partial<Record<string, LiteralKind>> = {
  [Scalar.QUOTE_DOUBLE]: 'yaml-double',
  [Scalar.QUOTE_SINGLE]: 'yaml-single',
  [Scalar.PLAIN]: 'yaml-plain',
  [Scalar.BLOCK_LITERAL]: 'yaml-block',
  [Scalar.BLOCK_FOLDED]: 'yaml-block',
};

/**
 * Every document in a YAML file as data with positions. Aliases are not expanded
 * (a "billion laughs" file stays linear); their values are judged where the anchor is.
 */
export function parseYaml(text: string): DataNode[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) throw new YamlSyntaxError('not a YAML stream', 0);
  const out: DataNode[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) throw new YamlSyntaxError(err.message.split('\n')[0]!, err.pos[0]);
    if (doc.contents) out.push(convert(text, doc.contents as YamlNode));
  }
  return out;
}

function rangeOf(node: { range?: [number, number, number] | null }): Span {
  const r = node.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function convert(text: string, root: YamlNode): DataNode {
  // Iterative: depth is bounded by the file, not by the stack.
  const build = (node: unknown): DataNode => {
    if (isScalar(node)) {
      const range = rangeOf(node);
      if (typeof node.value !== 'string') return { kind: 'scalar', range, value: node.value };
      const kind = KIND[node.type ?? ''];
      if (kind) {
        const { value, map } = literalMap(text.slice(range.start, range.end), kind, range.start);
        // Our decoder agrees with the parser except in corners (explicit block indentation); then point at the whole scalar.
        if (value === node.value) return { kind: 'str', range, value, map };
      }
      return { kind: 'str', range, value: node.value, map: uniformMap(node.value.length, range) };
    }
    if (isMap(node)) return { kind: 'map', range: rangeOf(node), entries: [] };
    if (isSeq(node)) return { kind: 'seq', range: rangeOf(node), items: [] };
    return { kind: 'scalar', range: isAlias(node) ? rangeOf(node) : { start: 0, end: 0 }, value: null, opaque: true };
  };
  const top = build(root);
  const work: Array<{ src: unknown; dst: DataNode }> = [{ src: root, dst: top }];
  while (work.length > 0) {
    const { src, dst } = work.pop()!;
    if (isMap(src) && dst.kind === 'map') {
      for (const pair of src.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const value = build(pair.value);
        dst.entries.push({ key, value });
        work.push({ src: pair.value, dst: value });
      }
    } else if (isSeq(src) && dst.kind === 'seq') {
      for (const item of src.items) {
        const value = build(item);
        dst.items.push(value);
        work.push({ src: item, dst: value });
      }
    }
  }
  return top;
}
