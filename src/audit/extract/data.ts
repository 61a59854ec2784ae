import type { Span } from '../../findings.js';
import { kindForKey } from '../../checks/templates.js';
import type { CharMap, Site } from '../../sites/model.js';
import { evaluatePayload, NOT_STATIC, type PayloadReader } from '../../sites/payload.js';

/** A JSON or YAML value with its place in the file: the common ground of both readers. */
export type DataNode =
  | { kind: 'map'; range: Span; entries: Array<{ key: string; value: DataNode }> }
  | { kind: 'seq'; range: Span; items: DataNode[] }
  | { kind: 'str'; range: Span; value: string; map: CharMap }
  /** Numbers, booleans, null; `opaque` for what the reader does not expand (a YAML alias). */
  | { kind: 'scalar'; range: Span; value: unknown; opaque?: true };

/** JSON and YAML trees read as payload data. */
const reader: PayloadReader<DataNode> = {
  entries: (n) => (n.kind === 'map' ? { entries: n.entries.map((e) => ({ key: e.key, node: e.value, range: e.value.range })), partial: false } : null),
  items: (n) => (n.kind === 'seq' ? { items: n.items, partial: false } : null),
  string: (n) => (n.kind === 'str' ? n : null),
  scalar: (n) => (n.kind === 'scalar' && !n.opaque ? n.value : NOT_STATIC),
  range: (n) => n.range,
};

/**
 * Every string value becomes a site (a link field as a URL, the rest as text), except
 * inside an object shaped like a reply payload, which is judged whole. Iterative, so a
 * deeply nested file cannot overflow the stack.
 */
export function dataSites(root: DataNode, looksLikePayload: (v: unknown) => boolean): Site[] {
  const sites: Site[] = [];
  const stack: Array<{ node: DataNode; key: string }> = [{ node: root, key: '' }];
  while (stack.length > 0) {
    const { node, key } = stack.pop()!;
    if (node.kind === 'str') {
      if (node.value.trim() !== '') sites.push({ kind: kindForKey(key), value: node.value, map: node.map });
    } else if (node.kind === 'seq') {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i]!, key });
    } else if (node.kind === 'map') {
      if (node.entries.some((e) => e.key === 'type') && node.entries.some((e) => e.key === 'data')) {
        const payload = evaluatePayload(reader, node);
        if (looksLikePayload(payload.value)) {
          sites.push(payload);
          continue;
        }
      }
      for (let i = node.entries.length - 1; i >= 0; i--) stack.push({ node: node.entries[i]!.value, key: node.entries[i]!.key });
    }
  }
  return sites;
}
