import { describe, expect, it } from 'vitest';
import { audit, makeRepo } from '../audit/helpers.js';

const lines = (r: ReturnType<typeof audit>): string[] => r.findings.map((f) => `${f.file}:${f.line} ${f.rule}`);

/** Deep or long inputs are data: the audit reports on them instead of dying on the stack. */
describe('the audit on deep and long TypeScript', () => {
  it('3,000 nested parentheses (deeper than the TypeScript parser reaches): the link is still found, and the file says why it was read token by token', () => {
    const n = 3_000;
    const r = audit(makeRepo({ 'deep.ts': `export const x = ${'('.repeat(n)}'https://evil-shop.com/p'${')'.repeat(n)};\n` }));
    expect(r.findings.map((f) => `${f.line} ${f.rule} ${f.text}`)).toEqual(["1 audit/unreadable e", "1 link/not-whitelisted https://evil-shop.com/p"]);
    expect(r.findings[0]!.message).toMatch(/^Nested too deeply for the TypeScript parser/);
  });

  it('3,000 nested calls, and a template inside them: each string part judged on its own', () => {
    const n = 3_000;
    const code = `declare function g(x: unknown): unknown;\nexport const f = ${'g('.repeat(n)}\`看 \${g(1)} https://evil-shop.com/z\`${')'.repeat(n)};\n`;
    expect(lines(audit(makeRepo({ 'calls.ts': code })))).toEqual(['calls.ts:1 audit/unreadable', 'calls.ts:2 link/not-whitelisted']);
  });

  it('in a file read token by token, directives still come only from comments', () => {
    const code = [
      '// weibo-guard-disable-next-line link/not-whitelisted -- reviewed',
      "export const a = 'https://evil-shop.com/a';",
      "export const s = `// weibo-guard-disable-next-line -- x ${1}`;",
      "export const b = 'https://evil-shop.com/b';",
      `export const x = ${'('.repeat(3_000)}1${')'.repeat(3_000)};`,
      '',
    ].join('\n');
    expect(lines(audit(makeRepo({ 'deep.ts': code })))).toEqual(['deep.ts:1 audit/unreadable', 'deep.ts:4 link/not-whitelisted']);
  });

  it('nesting the parser does read (500 parentheses) is folded and judged in full: inside a payload and a template substitution', () => {
    const n = 500;
    const code = [
      "const HOST = 'https://evil-shop.com';",
      `export const p = { type: 'text', data: { text: ${'('.repeat(n)}''${')'.repeat(n)} } };`,
      `export const t = \`看 \${${'('.repeat(n)}HOST${')'.repeat(n)}}/q\`;`,
      '',
    ].join('\n');
    expect(lines(audit(makeRepo({ 'deep.ts': code })))).toEqual(['deep.ts:1 link/not-whitelisted', 'deep.ts:2 payload/text-empty', 'deep.ts:3 link/not-whitelisted']);
  });

  it('a 5,000-term `+` chain of literals is one string, judged whole', () => {
    const terms = Array.from({ length: 5_000 }, (_, i) => (i === 2_500 ? "'https://evil-shop.com/x '" : "'好 '"));
    const r = audit(makeRepo({ 'long.ts': `export const s = ${terms.join(' + ')};\n` }));
    expect(r.findings.map((f) => `${f.line} ${f.rule} ${f.text}`)).toEqual(['1 link/not-whitelisted https://evil-shop.com/x']);
  });

  it('a 5,000-term chain starting with a constant folds to one URL, placed on the constant', () => {
    const code = ["const HOST = 'https://evil-shop.com';", `export const s = HOST + ${Array.from({ length: 5_000 }, () => "'/a'").join(' + ')};`, ''].join('\n');
    expect(lines(audit(makeRepo({ 'chain.ts': code })))).toEqual(['chain.ts:1 link/not-whitelisted', 'chain.ts:2 link/not-whitelisted']);
  });

  it('a chain of 5,000 constants, each defined by the one before, is data: no stack overflow', () => {
    const defs = Array.from({ length: 5_000 }, (_, i) => (i === 0 ? "const c0 = 'https://evil-shop.com';" : `const c${i} = c${i - 1};`));
    const r = audit(makeRepo({ 'defs.ts': `${defs.join('\n')}\nexport const link = \`\${c4999}/x\`;\n` }));
    expect(r.findings.filter((f) => f.rule === 'audit/engine-error')).toEqual([]);
    expect(lines(r)).toContain('defs.ts:1 link/not-whitelisted');
  });

  it('200,000 findings in one file give a report, in source order', () => {
    // One string per line: a single string is capped at limits.findings.max findings by the engine.
    const n = 200_000;
    const text = `[\n${Array.from({ length: n }, () => '"https://evil-shop.com"').join(',\n')}\n]`;
    const r = audit(makeRepo({ 'many.json': `${text}\n` }), { maxFileBytes: 1 << 26 });
    const links = r.findings.filter((f) => f.rule === 'link/not-whitelisted');
    expect(links).toHaveLength(n);
    expect(links[0]!.line).toBe(2);
    expect(links[n - 1]!.line).toBe(n + 1);
  }, 120_000);
});
