import type { Span } from '../../findings.js';
import { kindForKey } from '../../checks/templates.js';
import { parsedLiteralMap } from '../../sites/model.js';
import { namesTypeAndData, NOT_STATIC, type PayloadReader } from '../../sites/payload.js';
import { isBlank, payloadsOf, rangeOf, type Sink, type SourceLike, type Visitors } from './shared.js';

/** The @eslint/json (momoa) shapes read here. */
interface JsonNode {
  type: string;
  range: [number, number];
  [key: string]: unknown;
}
interface Member extends JsonNode {
  name: JsonNode;
  value: JsonNode;
}

function memberKey(m: Member): string | null {
  const name = m.name;
  if (name.type === 'String') return name['value'] as string;
  if (name.type === 'Identifier') return name['name'] as string; // JSON5 bare keys
  return null;
}

function makeReader(source: SourceLike): PayloadReader<JsonNode> {
  return {
    entries(node) {
      if (node.type !== 'Object') return null;
      const entries: Array<{ key: string; node: JsonNode; range: Span }> = [];
      let partial = false;
      for (const m of node['members'] as Member[]) {
        const key = memberKey(m);
        if (key === null) partial = true;
        else entries.push({ key, node: m.value, range: rangeOf(m.value) });
      }
      return { entries, partial };
    },
    items(node) {
      if (node.type !== 'Array') return null;
      return { items: (node['elements'] as Array<{ value: JsonNode }>).map((e) => e.value), partial: false };
    },
    string: (node) => (node.type === 'String' ? { value: node['value'] as string, map: parsedLiteralMap(source.text, rangeOf(node), node['value'] as string, 'json') } : null),
    scalar(node) {
      if (node.type === 'Number' || node.type === 'Boolean') return node['value'];
      if (node.type === 'Null') return null;
      return NOT_STATIC;
    },
    range: rangeOf,
  };
}

const isPayloadShaped = (node: JsonNode): boolean => namesTypeAndData(node['members'] as Member[], memberKey);

/** JSON, JSONC and JSON5 via @eslint/json: string values (not keys) and payload-shaped objects. */
export function jsonVisitors(source: SourceLike, sink: Sink): Visitors {
  const reader = makeReader(source);
  const payloads = payloadsOf(reader, isPayloadShaped, sink);
  return {
    Object: payloads.visit,
    String(node: JsonNode) {
      if (isBlank(node['value'] as string) || payloads.covered(node)) return;
      const parent = source.getParent?.(node) as Member | undefined;
      if (parent?.type === 'Member' && parent.name === node) return;
      const value = node['value'] as string;
      sink.string({ kind: kindForKey(parent?.type === 'Member' ? memberKey(parent) : null), value, map: parsedLiteralMap(source.text, rangeOf(node), value, 'json') });
    },
  } as Visitors;
}
