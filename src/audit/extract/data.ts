import { childPath } from '../../checks/finding.js';
import { kindForKey } from '../../checks/templates.js';
import type { Range, StringMap, Target } from '../targets.js';

/** A JSON or YAML value with its place in the file: the common ground of both readers. */
export type DataNode =
  | { kind: 'map'; range: Range; entries: Array<{ key: string; value: DataNode }> }
  | { kind: 'seq'; range: Range; items: DataNode[] }
  | { kind: 'str'; range: Range; value: string; map: StringMap }
  /** Numbers, booleans, null; `opaque` for what the reader does not expand (a YAML alias). */
  | { kind: 'scalar'; range: Range; value: unknown; opaque?: true };

/**
 * Every string value becomes a target (a link field as a URL, the rest as text),
 * except inside an object shaped like a reply payload, which is judged whole.
 * Iterative, so a deeply nested file cannot overflow the stack.
 */
export function dataTargets(root: DataNode, looksLikePayload: (v: unknown) => boolean): Target[] {
  const targets: Target[] = [];
  const stack: Array<{ node: DataNode; key: string }> = [{ node: root, key: '' }];
  while (stack.length > 0) {
    const { node, key } = stack.pop()!;
    if (node.kind === 'str') {
      if (node.value.trim() !== '') targets.push({ as: kindForKey(key), text: node.value, map: node.map });
    } else if (node.kind === 'seq') {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i]!, key });
    } else if (node.kind === 'map') {
      if (node.entries.some((e) => e.key === 'type') && node.entries.some((e) => e.key === 'data')) {
        const payload = payloadTarget(node);
        if (looksLikePayload(payload.value)) {
          targets.push(payload);
          continue;
        }
      }
      for (let i = node.entries.length - 1; i >= 0; i--) stack.push({ node: node.entries[i]!.value, key: node.entries[i]!.key });
    }
  }
  return targets;
}

function payloadTarget(root: DataNode): Target & { as: 'payload' } {
  const locs = new Map<string, { range: Range; map?: StringMap }>();
  const unknown = new Set<string>();
  const plain = (node: DataNode, path: string, depth: number): unknown => {
    if (node.kind === 'str') {
      locs.set(path, { range: node.range, map: node.map });
      return node.value;
    }
    locs.set(path, { range: node.range });
    if (depth > 64) {
      unknown.add(path);
      return null;
    }
    if (node.kind === 'scalar') {
      if (node.opaque) unknown.add(path);
      return node.value;
    }
    if (node.kind === 'seq') return node.items.map((n, i) => plain(n, childPath(path, i), depth + 1));
    const obj: Record<string, unknown> = {};
    for (const e of node.entries) obj[e.key] = plain(e.value, childPath(path, e.key), depth + 1);
    return obj;
  };
  const value = plain(root, '', 0);
  return {
    as: 'payload',
    value,
    unknown,
    whole: root.range,
    locate(path: string) {
      for (let p = path; ; p = parentPath(p)) {
        const hit = locs.get(p);
        if (hit) return hit;
        if (p === '') return { range: root.range };
      }
    },
  };
}

export function parentPath(p: string): string {
  const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
  return cut <= 0 ? '' : p.slice(0, cut);
}
