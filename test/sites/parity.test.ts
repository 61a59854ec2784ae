import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import json from '@eslint/json';
import markdown from '@eslint/markdown';
import yml from 'eslint-plugin-yml';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the bench's generator is plain JS
import { generateRepo } from '../../bench/gen-repo.mjs';
import plugin from '../../src/eslint/index.js';
import { clearGates } from '../../src/eslint/gates.js';
import { createGate, looksLikePayload } from '../../src/gate.js';
import { runAudit } from '../../src/audit/run.js';

afterAll(clearGates);

const dir = mkdtempSync(join(tmpdir(), 'wg-parity-'));
const written: string[] = generateRepo(dir, 400, 7);
// Beside the generated files, one of each case where the two front doors once disagreed.
const extra: Record<string, string> = {
  'src/replies/drift-directive.ts': "export const note = 'see // weibo-guard-disable-next-line link/not-whitelisted -- x';\nexport const link = 'https://evil-shop.com/promo';\n",
  'src/replies/drift-callee.ts': "declare const delegate: { send(m: unknown): void };\ndelegate.send({ id: 1, body: 'hello' });\n",
  'templates/json/drift-proto.json': '{ "type": "text", "data": { "text": "hello" }, "__proto__": { "x": 1 } }\n',
};
for (const [rel, text] of Object.entries(extra)) {
  writeFileSync(join(dir, rel), text);
  written.push(rel);
}

const key = (file: string, line: number, rule: string): string => `${file}:${line} ${rule}`;

async function lint(): Promise<Set<string>> {
  const rules: Linter.RulesRecord = { 'weibo-guard/links': 'error', 'weibo-guard/competitor': 'error', 'weibo-guard/payload': 'error' };
  const wg = { 'weibo-guard': plugin as never };
  const config: Linter.Config[] = [
    { files: ['**/*.{js,mjs,cjs,jsx}'], plugins: wg, rules },
    { files: ['**/*.{ts,mts,cts,tsx}'], languageOptions: { parser: tseslint.parser as Linter.Parser }, plugins: wg, rules },
    { files: ['**/*.{json,jsonc}'], plugins: { json, ...wg }, language: 'json/jsonc', languageOptions: { allowTrailingCommas: true }, rules },
    { files: ['**/*.{yaml,yml}'], plugins: { yml: yml as never, ...wg }, language: 'yml/yaml', rules },
    { files: ['**/*.md'], plugins: { markdown, ...wg }, language: 'markdown/commonmark', rules },
  ];
  const results = await new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, cache: false }).lintFiles(['.']);
  const out = new Set<string>();
  for (const r of results) {
    const file = r.filePath.slice(dir.length + 1).split('\\').join('/');
    for (const m of r.messages) out.add(key(file, m.line, /\(([^()]+)\)$/.exec(m.message)?.[1] ?? `eslint:${m.message}`));
  }
  return out;
}

/** The audit of the whole repo, or of one file alone (what a per-file linter can see: no imports resolve). */
function audited(gate: ReturnType<typeof createGate>, paths?: string[]): Set<string> {
  const r = runAudit({ root: dir, engine: gate, looksLikePayload, ...(paths ? { paths } : {}) });
  return new Set(r.findings.map((f) => key(f.file, f.line, f.rule)));
}

describe('the audit and the ESLint plugin on a generated repo (bench/gen-repo.mjs, 400 files)', async () => {
  const gate = createGate({ cwd: dir });
  const whole = audited(gate);
  const alone = new Set<string>();
  for (const rel of written) for (const k of audited(gate, [rel])) alone.add(k);
  const eslint = await lint();

  const kinds = { ts: 0, json: 0, yaml: 0, markdown: 0, txt: 0 };
  for (const rel of written) kinds[/\.[jt]s$/.test(rel) ? 'ts' : rel.endsWith('.json') ? 'json' : rel.endsWith('.yaml') ? 'yaml' : rel.endsWith('.md') ? 'markdown' : 'txt']++;

  it('covers every kind of template file', () => {
    for (const n of Object.values(kinds)) expect(n).toBeGreaterThan(10);
  });

  /** Findings only the audit can have, by kind; everything else must be the same in both. */
  const auditOnly = {
    /** `.txt` templates: ESLint has no language for them. */
    txt: (k: string) => /^[^:]+\.txt:/.test(k),
    /** The audit's own findings about files and suppressions. */
    audit: (k: string) => / audit\//.test(k),
    /** Hosts computed at run time: the audit folds what it can first, so only it knows what stays unknown (README, "ESLint plugin"). */
    unresolved: (k: string) => / link\/unresolved$/.test(k),
  };
  const auditOnlyKind = (k: string): boolean => Object.values(auditOnly).some((is) => is(k));

  it('per file, the audit and the plugin report the same (file, line, rule) set on everything a per-file linter sees', () => {
    const fromAudit = [...alone].filter((k) => !auditOnlyKind(k)).sort();
    const fromPlugin = [...eslint].sort();
    expect(fromPlugin.length).toBeGreaterThan(100);
    expect(fromPlugin.filter((k) => !alone.has(k))).toEqual([]);
    expect(fromAudit.filter((k) => !eslint.has(k))).toEqual([]);
  });

  it('the whole-repo audit differs from the plugin only by cross-file resolutions, .txt files, audit/… findings and run-time hosts', () => {
    const differences = { crossFile: [] as string[], txt: [] as string[], audit: [] as string[], unresolved: [] as string[], other: [] as string[] };
    for (const k of [...whole].filter((k) => !eslint.has(k))) {
      if (auditOnly.txt(k)) differences.txt.push(k);
      else if (auditOnly.audit(k)) differences.audit.push(k);
      else if (auditOnly.unresolved(k)) differences.unresolved.push(k);
      else if (!alone.has(k) && /\.[jt]s:/.test(k)) differences.crossFile.push(k);
      else differences.other.push(k);
    }
    // What the plugin has and the audit lacks can only be what resolving imports turned into something else.
    const lost = [...eslint].filter((k) => !whole.has(k));
    expect(lost.filter((k) => !/\.[jt]s:/.test(k))).toEqual([]);
    expect(differences.other).toEqual([]);
    expect(differences.crossFile.length).toBeGreaterThan(0);
    expect(differences.txt.length).toBeGreaterThan(0);
    expect(differences.unresolved.length).toBeGreaterThan(0);
  });
});
