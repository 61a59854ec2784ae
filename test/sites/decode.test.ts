import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { parseDocument, isScalar } from 'yaml';
import { decodeLiteral, lineStarts, positionAt, type LiteralKind } from '../../src/sites/decode.js';
import { mapFromOffsets, rangeOf } from '../../src/sites/model.js';

/** A value span as the source range a report underlines (offsets relative to `raw`). */
function sourceSpan(offsets: Int32Array, start: number, end: number): { start: number; end: number } {
  return rangeOf(mapFromOffsets(offsets, 0, { start: 0, end: 0 }), { start, end });
}

/** The value TypeScript's own scanner gives a string literal or template part. */
function tsCooked(code: string): string[] {
  const sf = ts.createSourceFile('x.ts', code, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function tsRaw(code: string): string[] {
  const sf = ts.createSourceFile('x.ts', code, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) out.push(n.getText(sf));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function yamlScalar(src: string): { raw: string; value: string } {
  const doc = parseDocument(src, { keepSourceTokens: true });
  const node = (doc.contents as { items: Array<{ value: unknown }> }).items[0]!.value;
  if (!isScalar(node) || !node.range) throw new Error('no scalar');
  return { raw: src.slice(node.range[0], node.range[1]), value: String(node.value) };
}

/** Every value unit's source slice, decoded alone, yields that unit (or the pair it belongs to). */
function expectPiecewise(raw: string, kind: LiteralKind, wrap: (piece: string) => string): void {
  const { value, offsets } = decodeLiteral(raw, kind);
  for (let i = 0; i < value.length; i++) {
    expect(offsets[i]!).toBeLessThanOrEqual(offsets[i + 1]!);
    let j = i + 1;
    while (j < value.length && offsets[j] === offsets[i]) j++;
    const piece = raw.slice(offsets[i], offsets[j]);
    expect(decodeLiteral(wrap(piece), kind).value).toBe(value.slice(i, j));
    i = j - 1;
  }
}

describe('decodeLiteral: JS string literals', () => {
  const cases = [
    String.raw`'plain 中文'`,
    String.raw`"a\nb\tc\\d\"e"`,
    String.raw`'\u4e2d\u6587'`,
    String.raw`'\x41\x42'`,
    String.raw`'\u{1F600}x\u{4e2d}'`,
    "'line\\\ncontinued\\\r\nagain'",
    String.raw`'\0\101\7\08'`,
    String.raw`'\中\'\q'`,
    "'emoji 😀 raw'",
    String.raw`'https://\u0065vil.com/x'`,
  ];
  for (const raw of cases) {
    it(`decodes ${raw} like TypeScript`, () => {
      const expected = tsCooked(`x = ${raw}`)[0];
      expect(decodeLiteral(raw, 'js').value).toBe(expected);
      expectPiecewise(raw, 'js', (p) => `'${p}'`);
    });
  }

  it('maps a value span to the escapes that wrote it', () => {
    const raw = String.raw`'see \u0065vil.com now'`;
    const { value, offsets } = decodeLiteral(raw, 'js');
    const start = value.indexOf('evil.com');
    const s = sourceSpan(offsets, start, start + 'evil.com'.length);
    expect(raw.slice(s.start, s.end)).toBe(String.raw`\u0065vil.com`);
    expect(offsets[value.length]).toBe(raw.length - 1);
  });

  it('maps both halves of an escaped astral character to the escape', () => {
    const raw = String.raw`'a\u{1F600}b'`;
    const off = decodeLiteral(raw, 'js').offsets;
    expect(Array.from(off)).toEqual([1, 2, 2, 11, 12]);
  });

  it('agrees with TypeScript on random literals (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', '中', '😀', ' ', '.', '/', '\\n', '\\t', '\\\\', "\\'", '\\x41', '\\u4e2d', '\\u{1F600}', '\\\n', '\\0', '\\q', '"'),
      fc.string({ maxLength: 3 }).map((s) => s.replace(/[\\'\n\r\u2028\u2029]/g, '')),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }), (parts) => {
        const raw = `'${parts.join('')}'`;
        expect(decodeLiteral(raw, 'js').value).toBe(tsCooked(`x = ${raw}`)[0]);
        expectPiecewise(raw, 'js', (p) => `'${p}'`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('decodeLiteral: template parts', () => {
  it('decodes head, middle and tail like TypeScript, with multi-line raw parts', () => {
    const code = 'x = `活动\\u4e2d ${a}/promo\r\nnext ${b} \\`end\\``';
    const raws = tsRaw(code);
    const cooked = tsCooked(code);
    expect(raws).toHaveLength(3);
    raws.forEach((raw, k) => {
      expect(decodeLiteral(raw, 'template').value).toBe(cooked[k]);
    });
    const middle = decodeLiteral(raws[1]!, 'template');
    // CRLF is one LF in the value, mapped to the CR.
    const lf = middle.value.indexOf('\n');
    expect(raws[1]!.slice(middle.offsets[lf], middle.offsets[lf + 1])).toBe('\r\n');
  });

  it('decodes a template without substitutions', () => {
    const raw = '`a\\x41\n${"$"}`';
    const raws = tsRaw(`x = \`a\\x41\nb\``);
    expect(decodeLiteral(raws[0]!, 'template').value).toBe('aA\nb');
    expect(decodeLiteral(raw, 'template').value.startsWith('aA\n')).toBe(true);
  });
});

describe('decodeLiteral: JSON', () => {
  it('decodes JSON escapes like JSON.parse, piecewise', () => {
    const raw = String.raw`"a\"b\\c\/d\u4e2d\n\t😀"`;
    expect(decodeLiteral(raw, 'json').value).toBe(JSON.parse(raw));
    expectPiecewise(raw, 'json', (p) => `"${p}"`);
  });

  it('agrees with JSON.stringify round trips (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const raw = JSON.stringify(s);
        expect(decodeLiteral(raw, 'json').value).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('decodeLiteral: YAML', () => {
  const cases: Array<[string, LiteralKind]> = [
    ['k: "a\\x41\\u4e2d\\U0001F600 \\"q\\" \\/ \\_"\n', 'yaml-double'],
    ['k: "folded\n  line\n\n  para \\\n  joined"\n', 'yaml-double'],
    ['k: "trailing   \n   spaces"\n', 'yaml-double'],
    ["k: 'it''s\n  folded\n\n\n  twice'\n", 'yaml-single'],
    ['k: plain text\n  continued here\n\n  para\n', 'yaml-plain'],
    ['k: |\n  line one\n    indented\n\n  line 3\n', 'yaml-block'],
    ['k: >\n  folded one\n  folded two\n\n  para\n    more indented\n  back\n', 'yaml-block'],
    ['k: |-\n  strip\n\n', 'yaml-block'],
    ['k: >+\n  keep\n\n\n', 'yaml-block'],
    ['k: |\r\n  crlf one\r\n  crlf two\r\n', 'yaml-block'],
  ];
  for (const [src, kind] of cases) {
    it(`decodes ${kind} ${JSON.stringify(src)} like the yaml package`, () => {
      const { raw, value } = yamlScalar(src);
      const decoded = decodeLiteral(raw, kind);
      expect(decoded.value).toBe(value);
      expect(decoded.offsets.length).toBe(value.length + 1);
      for (let i = 1; i < decoded.offsets.length; i++) expect(decoded.offsets[i]!).toBeGreaterThanOrEqual(decoded.offsets[i - 1]!);
    });
  }

  it('points a value span in a folded block scalar at the source line', () => {
    const src = 'k: >\n  visit our shop\n  at evil.com today\n';
    const { raw, value } = yamlScalar(src);
    const { offsets } = decodeLiteral(raw, 'yaml-block');
    const at = value.indexOf('evil.com');
    const span = sourceSpan(offsets, at, at + 8);
    expect(raw.slice(span.start, span.end)).toBe('evil.com');
  });
});

describe('positions', () => {
  it('gives 1-based lines and UTF-16 columns across LF, CRLF and CR', () => {
    const text = 'ab\r\n中😀x\ry\nz';
    const starts = lineStarts(text);
    expect(positionAt(starts, 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt(starts, text.indexOf('x'))).toEqual({ line: 2, column: 4 });
    expect(positionAt(starts, text.indexOf('y'))).toEqual({ line: 3, column: 1 });
    expect(positionAt(starts, text.length)).toEqual({ line: 4, column: 2 });
  });

  it('plain kind is the identity', () => {
    expect(Array.from(decodeLiteral('a中', 'plain').offsets)).toEqual([0, 1, 2]);
  });
});
