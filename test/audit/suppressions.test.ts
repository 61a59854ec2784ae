import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { AuditReportSchema } from '../../src/audit/model.js';
import { formatJson } from '../../src/audit/report/json.js';
import { toSarif } from '../../src/audit/report/sarif.js';
import { formatStylish } from '../../src/audit/report/stylish.js';
import { audit, makeRepo } from './helpers.js';

// CommonJS that also set `exports.default`; under NodeNext the default import is the module object.
const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;

const repo = makeRepo({
  'weibo-guard.config.yaml': 'ignore:\n  - path: legacy/**\n    rule: link/not-whitelisted\n    reason: archived campaign, never sent again\n',
  'src/a.ts': [
    '// weibo-guard-disable-next-line link/not-whitelisted -- partner site, approved by legal 2026-10',
    "export const a = '详情 https://partner.example/p';",
    "export const b = '详情 https://other.example/p';",
    '',
  ].join('\n'),
  'legacy/old.md': '活动见 https://old.example/x\n',
});
const result = audit(repo);

describe('suppressed findings are listed with their reasons', () => {
  it('in the result, each with who silenced it and why', () => {
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual(['src/a.ts:3 link/not-whitelisted']);
    expect(result.suppressed).toBe(2);
    expect(result.suppressions!.map((s) => [s.file, s.line, s.rule, s.by, s.reason])).toEqual([
      ['legacy/old.md', 1, 'link/not-whitelisted', 'config', 'archived campaign, never sent again'],
      ['src/a.ts', 2, 'link/not-whitelisted', 'comment', 'partner site, approved by legal 2026-10'],
    ]);
  });

  it('in the JSON report, under the documented contract', () => {
    const parsed = JSON.parse(formatJson(result));
    expect(AuditReportSchema.parse(parsed)).toEqual(parsed);
    expect(parsed.suppressions).toHaveLength(2);
    expect(parsed.suppressions[1]).toMatchObject({ file: 'src/a.ts', line: 2, column: 22, rule: 'link/not-whitelisted', by: 'comment', reason: 'partner site, approved by legal 2026-10' });
    expect(JSON.parse(formatJson({ ...result, suppressions: [], suppressed: 0 }))).not.toHaveProperty('suppressions');
  });

  it('in SARIF as suppressed results with kind and justification, valid against the schema', () => {
    const log = toSarif(result, { version: '0.1.0' }) as { runs: Array<{ results: Array<{ ruleId: string; suppressions?: Array<{ kind: string; justification: string }> }> }> };
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(3);
    expect(results.filter((r) => !r.suppressions)).toHaveLength(1);
    expect(results.flatMap((r) => r.suppressions ?? [])).toEqual([
      { kind: 'external', justification: 'archived campaign, never sent again' },
      { kind: 'inSource', justification: 'partner site, approved by legal 2026-10' },
    ]);
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });

  it('as a count in stylish', () => {
    expect(formatStylish(result, { color: false })).toContain('(2 suppressed; not shown)');
  });
});
