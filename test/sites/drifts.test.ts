import { afterAll, describe, expect, it } from 'vitest';
import { Linter } from 'eslint';
import plugin from '../../src/eslint/index.js';
import { clearGates } from '../../src/eslint/gates.js';
import { languageConfig, type Lang } from '../eslint/harness.js';
import { audit, makeRepo } from '../audit/helpers.js';

afterAll(clearGates);

/** The plugin's (line, engine rule) pairs on one file, as ESLint reports them. */
function lint(lang: Lang, code: string, cwd: string): string[] {
  const { file, config } = languageConfig[lang];
  const rules = { 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error', 'weibo-guard/payload': 'error' } as const;
  const messages = new Linter({ cwd }).verify(code, [{ files: [`**/${file}`], ...config, plugins: { ...config.plugins, 'weibo-guard': plugin as never }, rules }], `${cwd}/${file}`);
  return messages.map((m) => `${m.line} ${/\(([^()]+)\)$/.exec(m.message)?.[1] ?? m.message}`).sort();
}

function audited(file: string, code: string): string[] {
  const r = audit(makeRepo({ [file]: code }));
  return r.findings.map((f) => `${f.line} ${f.rule}`).sort();
}

describe('the three drifts between the audit and the plugin', () => {
  it('a directive written inside a string silences nothing, in either front door', () => {
    const code = [
      "export const note = 'see // weibo-guard-disable-next-line link/not-whitelisted -- x';",
      "export const link = 'https://evil-shop.com/promo';",
      '',
    ].join('\n');
    const dir = makeRepo({});
    expect(lint('js', code, dir)).toEqual(['2 link/not-whitelisted']);
    expect(audited('t.js', code)).toEqual(['2 link/not-whitelisted']);
  });

  it('a directive in a template literal or a block comment inside a string silences nothing', () => {
    const code = [
      'export const note = `/* weibo-guard-disable-next-line -- x */`;',
      "export const link = 'https://evil-shop.com/promo';",
      '',
    ].join('\n');
    expect(lint('ts', code, makeRepo({}))).toEqual(['2 link/not-whitelisted']);
    expect(audited('t.ts', code)).toEqual(['2 link/not-whitelisted']);
  });

  it('a real comment directive still silences the next line in both', () => {
    const code = ["// weibo-guard-disable-next-line link/not-whitelisted -- reviewed", "export const link = 'https://evil-shop.com/promo';", ''].join('\n');
    expect(lint('js', code, makeRepo({}))).toEqual([]);
    expect(audited('t.js', code)).toEqual([]);
  });

  it('a `__proto__` key is data: its unknown-field finding is reported by both', () => {
    const json = '{ "type": "text", "data": { "text": "hello" }, "__proto__": { "x": 1 } }\n';
    const yaml = 'type: text\ndata:\n  text: hello\n__proto__:\n  x: 1\n';
    const ts = "export const m = { type: 'text', data: { text: 'hello' }, ['__proto__']: { x: 1 } };\n";
    const fromPlugin = lint('json', json, makeRepo({}));
    expect(fromPlugin).toEqual(['1 payload/unknown-field']);
    expect(audited('t.json', json)).toEqual(fromPlugin);
    const yamlPlugin = lint('yaml', yaml, makeRepo({}));
    expect(yamlPlugin).toEqual([expect.stringMatching(/^5 payload\/unknown-field/)]);
    expect(audited('t.yaml', yaml)).toEqual(yamlPlugin);
    const tsPlugin = lint('ts', ts, makeRepo({}));
    expect(tsPlugin).toEqual(['1 payload/unknown-field']);
    expect(audited('t.ts', ts)).toEqual(tsPlugin);
  });
});

describe('payload calls by binding, not by name', () => {
  it('a method on an object whose name merely contains "gate" is not a payload call', () => {
    expect(audited('d.ts', "declare const delegate: { send(m: unknown): void };\ndelegate.send({ id: 1, body: 'hello' });\n")).toEqual([]);
    expect(audited('n.ts', "const navigator = { check(x: unknown) { return x; } };\nconst sendGate = navigator;\nsendGate.check({ id: 1, body: 'hello' });\n")).toEqual([]);
  });

  it("a gate or sender made by this package's import is one, however it is named and wherever it is made", () => {
    const r = audit(
      makeRepo({
        'wiring.ts': "import { createGate } from 'weibo-guard';\nexport const policyCheck = createGate();\n",
        'm.ts': "export const empty = { type: 'text', data: { text: '' } };\n",
        'use.ts': [
          "import { policyCheck } from './wiring.js';",
          "import { empty } from './m.js';",
          "import * as wg from 'weibo-guard';",
          'policyCheck.check(empty);',
          "export async function go(out: ReturnType<typeof wg.createSender>) { const s = wg.createSender({} as never); await s.send({ id: 2 }); }",
          "wg.createGate().check({ type: 'position', data: { longitude: '200', latitude: '30' } });",
          '',
        ].join('\n'),
      }),
    );
    const lines = r.findings.filter((f) => f.file === 'use.ts').map((f) => `${f.line} ${f.rule}`);
    expect(lines).toContain('4 payload/text-empty');
    expect(lines.some((l) => l.startsWith('5 payload/'))).toBe(true);
    expect(lines).toContain('6 payload/position-range');
  });

  it('a gate parameter typed with the package’s Gate is one too', () => {
    const lines = audited('p.ts', "import type { Gate } from 'weibo-guard';\nexport function f(g: Gate) { return g.check({ id: 3 }); }\n");
    expect(lines.some((l) => l.startsWith('2 payload/'))).toBe(true);
  });
});
