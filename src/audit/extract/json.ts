import { literalMap } from '../../sites/model.js';
import type { DataNode } from './data.js';

/**
 * JSON and JSONC (comments, trailing commas) with the position of every value.
 * Hand-written because JSON.parse keeps no positions and the `yaml` package does
 * not accept `//` comments; one pass, iterative so nesting depth cannot overflow.
 */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Frame =
  | { kind: 'map'; node: Extract<DataNode, { kind: 'map' }>; key?: string; expect: 'key' | 'colon' | 'value' | 'comma' }
  | { kind: 'seq'; node: Extract<DataNode, { kind: 'seq' }>; expect: 'value' | 'comma' };

export function parseJsonc(text: string): DataNode {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: Frame[] = [];
  let root: DataNode | undefined;

  const skip = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 47 && text.charCodeAt(i + 1) === 47) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length : nl;
      } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
        const close = text.indexOf('*/', i + 2);
        if (close < 0) throw new JsonSyntaxError('unterminated /* comment', i);
        i = close + 2;
      } else return;
    }
  };

  const readString = (): { start: number; end: number; raw: string } => {
    const start = i;
    i++;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c) || c === 10 || c === 13) throw new JsonSyntaxError('unterminated string', start);
      if (c === 92) i += 2;
      else if (c === 34) break;
      else i++;
    }
    i++;
    const raw = text.slice(start, i);
    return { start, end: i, raw };
  };

  const attach = (node: DataNode): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (root) throw new JsonSyntaxError('unexpected value after the end of the document', node.range.start);
      root = node;
    } else if (top.kind === 'map') {
      top.node.entries.push({ key: top.key!, value: node });
      top.expect = 'comma';
    } else {
      top.node.items.push(node);
      top.expect = 'comma';
    }
  };

  for (;;) {
    skip();
    if (i >= text.length) break;
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (top?.kind === 'map' && top.expect === 'key') {
      if (c === '}') {
        top.node.range.end = ++i;
        stack.pop();
        attach(top.node);
        continue;
      }
      if (c !== '"') throw new JsonSyntaxError(`expected a property name in double quotes, found ${show(c)}`, i);
      const s = readString();
      top.key = literalMap(s.raw, 'json', s.start).value;
      top.expect = 'colon';
      continue;
    }
    if (top?.kind === 'map' && top.expect === 'colon') {
      if (c !== ':') throw new JsonSyntaxError(`expected ':' after the property name, found ${show(c)}`, i);
      i++;
      top.expect = 'value';
      continue;
    }
    if (top && top.expect === 'comma') {
      if (c === ',') {
        i++;
        top.expect = top.kind === 'map' ? 'key' : 'value';
        continue;
      }
      const closer = top.kind === 'map' ? '}' : ']';
      if (c !== closer) throw new JsonSyntaxError(`expected ',' or '${closer}', found ${show(c)}`, i);
      top.node.range.end = ++i;
      stack.pop();
      attach(top.node);
      continue;
    }
    // A value is expected here (top level, after ':' or in an array).
    if (top?.kind === 'seq' && c === ']') {
      top.node.range.end = ++i; // empty array, or a trailing comma (JSONC)
      stack.pop();
      attach(top.node);
      continue;
    }
    if (!top && root) throw new JsonSyntaxError(`unexpected ${show(c)} after the end of the document`, i);
    if (stack.length > 1000) throw new JsonSyntaxError('nested more than 1000 levels deep', i);
    if (c === '{') {
      stack.push({ kind: 'map', node: { kind: 'map', range: { start: i, end: i }, entries: [] }, expect: 'key' });
      i++;
    } else if (c === '[') {
      stack.push({ kind: 'seq', node: { kind: 'seq', range: { start: i, end: i }, items: [] }, expect: 'value' });
      i++;
    } else if (c === '"') {
      const s = readString();
      const { value, map } = literalMap(s.raw, 'json', s.start);
      attach({ kind: 'str', range: { start: s.start, end: s.end }, value, map });
    } else {
      const start = i;
      while (i < text.length && /[-+.0-9a-zA-Z]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      let value: unknown;
      if (word === 'true') value = true;
      else if (word === 'false') value = false;
      else if (word === 'null') value = null;
      else if (word !== '' && Number.isFinite(Number(word)) && /^-?\d/.test(word)) value = Number(word);
      else throw new JsonSyntaxError(`unexpected ${word === '' ? show(c) : `'${word.slice(0, 40)}'`}`, start);
      attach({ kind: 'scalar', range: { start, end: i }, value });
    }
  }
  if (stack.length > 0) throw new JsonSyntaxError(`unclosed ${stack[stack.length - 1]!.kind === 'map' ? "'{'" : "'['"}`, stack[stack.length - 1]!.node.range.start);
  if (!root) throw new JsonSyntaxError('empty document', 0);
  return root;
}

function show(c: string): string {
  return c === '' ? 'the end of the file' : `'${c}'`;
}
