import fc from 'fast-check';
import { parse as yamlParse, stringify as yamlStringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { DataNode } from '../../src/audit/extract/data.js';
import { JsonSyntaxError, parseJsonc } from '../../src/audit/extract/json.js';
import { parseYaml } from '../../src/audit/extract/yaml.js';
import { markdownSites } from '../../src/audit/extract/markdown.js';
import { rangeOf } from '../../src/sites/model.js';

function plain(n: DataNode): unknown {
  if (n.kind === 'str' || n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(plain);
  return Object.fromEntries(n.entries.map((e) => [e.key, plain(e.value)]));
}

/** Every string node's map sends each value unit to source that decodes to it. */
function strings(n: DataNode, out: Array<Extract<DataNode, { kind: 'str' }>> = []): typeof out {
  if (n.kind === 'str') out.push(n);
  else if (n.kind === 'seq') n.items.forEach((i) => strings(i, out));
  else if (n.kind === 'map') n.entries.forEach((e) => strings(e.value, out));
  return out;
}

const text = fc.string({ unit: fc.constantFrom('a', '中', '😀', ' ', '"', '\\', '\n', '\t', '/', ':', '#', '-', "'", '\u2028'), maxLength: 12 });
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), tie('arr'), tie('obj')),
  arr: fc.array(tie('value'), { maxLength: 4 }),
  obj: fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 4 }),
})).value;

describe('JSONC reader', () => {
  it('reads what JSON.parse reads, with every string located at its source (property)', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(0, 2), (v, indent) => {
        const src = JSON.stringify(v, null, indent);
        const root = parseJsonc(src);
        expect(plain(root)).toEqual(JSON.parse(src));
        for (const s of strings(root)) {
          expect(src.slice(s.range.start, s.range.end)).toBe(JSON.stringify(s.value));
          if (s.value.length > 0) {
            const r = rangeOf(s.map, { start: 0, end: s.value.length });
            expect(JSON.parse(`"${src.slice(r.start, r.end)}"`)).toBe(s.value);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('accepts comments and trailing commas, and names the offset of an error', () => {
    expect(plain(parseJsonc('// c\n{ /* x */ "a": [1, 2,], }\n'))).toEqual({ a: [1, 2] });
    for (const [src, msg, at] of [
      ['{"a" 1}', "expected ':'", 5],
      ['[1, 2', "unclosed '['", 0],
      ['{"a": "x\n"}', 'unterminated string', 6],
      ['{} {}', "unexpected '{'", 3],
      ['{"a": tru}', "unexpected 'tru'", 6],
      ['', 'empty document', 0],
    ] as const) {
      let err: unknown;
      try {
        parseJsonc(src);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(JsonSyntaxError);
      expect((err as JsonSyntaxError).message).toContain(msg);
      expect((err as JsonSyntaxError).offset).toBe(at);
    }
  });

  it('reads deep nesting without recursion up to its limit, and refuses deeper', () => {
    expect(plain(parseJsonc('['.repeat(900) + ']'.repeat(900)))).toBeInstanceOf(Array);
    expect(() => parseJsonc('['.repeat(5000))).toThrow(/nested more than 1000 levels/);
  });
});

describe('YAML reader', () => {
  it('reads what the yaml package reads; every string maps inside its own scalar, in order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), json, { minKeys: 1, maxKeys: 4 }), (v) => {
        const src = yamlStringify(v, { lineWidth: 20, minContentWidth: 5 });
        const [root] = parseYaml(src);
        expect(plain(root!)).toEqual(yamlParse(src));
        for (const str of strings(root!)) {
          for (let i = 0; i < str.value.length; i++) {
            expect(str.map.starts[i]!).toBeGreaterThanOrEqual(i === 0 ? str.range.start : str.map.starts[i - 1]!);
            expect(str.map.ends[i]!).toBeLessThanOrEqual(str.range.end);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('Markdown scanner', () => {
  it('finds destinations in linear passes even on pathological input', () => {
    const nasty = `${'](<'.repeat(20_000)}\n${'<a:'.repeat(20_000)}\n${'](x '.repeat(10_000)}`;
    const sites = markdownSites(nasty);
    expect(sites.filter((t) => t.kind === 'url')).toHaveLength(10_000);
  });
});
