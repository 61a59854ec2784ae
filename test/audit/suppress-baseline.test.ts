import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, readBaseline, toBaseline } from '../../src/audit/baseline.js';
import { listFiles } from '../../src/audit/files.js';
import { AuditInputError } from '../../src/audit/errors.js';
import { audit, brief, makeRepo } from './helpers.js';

describe('suppressions in source', () => {
  const repo = makeRepo({
    'r.ts': [
      '// weibo-guard-disable-next-line link/not-whitelisted -- archived text, never sent (MKT-88)',
      "export const a = 'https://evil-a.com';",
      '// weibo-guard-disable-next-line link/not-whitelisted',
      "export const b = 'https://evil-b.com';",
      '/* weibo-guard-disable-next-line competitor/promotion -- wrong rule, so it silences nothing */',
      "export const c = 'https://evil-c.com';",
      "export const d = '// weibo-guard-disable-next-line link/not-whitelisted -- inside a string: not a directive';",
      "export const e = 'https://evil-e.com';",
      '',
    ].join('\n'),
  });
  const r = audit(repo);
  const lines = brief(r.findings);

  it('a suppression with a reason silences the finding on the next line', () => {
    expect(lines.some((l) => l.includes('evil-a'))).toBe(false);
    expect(r.suppressed).toBe(1);
  });

  it('a suppression without a reason is reported and silences nothing', () => {
    expect(lines).toContain('r.ts:3:1-3:54 audit/suppression-without-reason "// weibo-guard-disable-next-line link/not-whitelisted"');
    expect(lines).toContain('r.ts:4:19-4:37 link/not-whitelisted "https://evil-b.com"');
  });

  it('a suppression that silences nothing is reported; a marker inside a string is not a directive', () => {
    expect(lines.filter((l) => l.includes('audit/unused-suppression'))).toEqual([expect.stringMatching(/^r\.ts:5:1-5:95 audit\/unused-suppression /)]);
    expect(lines).toContain('r.ts:6:19-6:37 link/not-whitelisted "https://evil-c.com"');
    expect(lines).toContain('r.ts:8:19-8:37 link/not-whitelisted "https://evil-e.com"');
  });
});

describe('config ignore entries and files read', () => {
  it('an ignore entry with a rule silences that rule in matching files; one without a rule skips the files', () => {
    const repo = makeRepo({
      'weibo-guard.config.yaml': [
        'ignore:',
        '  - path: legal/*.json',
        '    rule: link/not-whitelisted',
        '    reason: quoted verbatim by contract',
        '  - path: vendor/',
        '    reason: third-party snippets we do not send',
        '',
      ].join('\n'),
      'legal/terms.json': '{"a": "https://evil.com 加微信 abc"}',
      'vendor/x.txt': 'https://evil.com',
      'keep.txt': 'https://evil.com',
    });
    const r = audit(repo);
    expect(r.findings.map((f) => `${f.file} ${f.rule}`)).toEqual(['keep.txt link/not-whitelisted', 'legal/terms.json competitor/promotion']);
    expect(r.suppressed).toBe(1);
    expect(r.files).toBe(2);
  });

  it('honours nested .gitignore files, never enters node_modules, and skips tooling files', () => {
    const repo = makeRepo({
      '.gitignore': 'build/\n*.tmp.txt\n',
      'sub/.gitignore': 'secret.txt\n',
      'sub/secret.txt': 'x',
      'sub/ok.txt': 'x',
      'build/out.txt': 'x',
      'a.tmp.txt': 'x',
      'node_modules/pkg/index.js': "'x'",
      'package.json': '{"homepage": "https://evil.com"}',
      'types.d.ts': 'export {};',
      'img.png': 'x',
      'b.md': 'x',
    });
    expect(listFiles({ root: repo }).map((f) => `${f.rel}:${f.type}`)).toEqual(['b.md:markdown', 'sub/ok.txt:text']);
    expect(listFiles({ root: repo, paths: ['sub'] }).map((f) => f.rel)).toEqual(['sub/ok.txt']);
  });

  it('a path that does not exist is a usage error naming it', () => {
    const repo = makeRepo({ 'a.txt': 'x' });
    expect(() => listFiles({ root: repo, paths: ['nope'] })).toThrow(AuditInputError);
    expect(() => listFiles({ root: repo, paths: ['nope'] })).toThrow(/nope: no such file or folder/);
    expect(() => listFiles({ root: join(repo, 'sub'), paths: [join(repo, 'a.txt')] })).toThrow(/a\.txt: outside the audited root/);
  });
});

describe('baseline', () => {
  it('fails only on new findings, even after old ones moved to other lines', () => {
    const repo = makeRepo({ 'a.txt': 'old https://evil-a.com\nold again https://evil-a.com\n' });
    const before = audit(repo);
    expect(before.findings).toHaveLength(2);
    const file = join(makeRepo({}), 'baseline.json');
    writeFileSync(file, JSON.stringify(toBaseline(before)));
    const baseline = readBaseline(file);

    writeFileSync(join(repo, 'a.txt'), 'new line first https://evil-new.com\nold https://evil-a.com\nold again https://evil-a.com\n');
    const after = applyBaseline(audit(repo), baseline);
    expect(brief(after.findings)).toEqual(['a.txt:1:16-1:36 link/not-whitelisted "https://evil-new.com"']);
    expect(after.baselined).toBe(2);

    // A third copy of an old finding is new: each baseline entry absorbs one.
    writeFileSync(join(repo, 'a.txt'), 'old https://evil-a.com\nold https://evil-a.com\nold https://evil-a.com\n');
    expect(applyBaseline(audit(repo), baseline).findings).toHaveLength(1);
  });

  it('a malformed baseline is a usage error naming the file and the field', () => {
    const repo = makeRepo({ 'b.json': '{"version": 1, "tool": "weibo-guard audit", "findings": [{"file": "a", "rule": "x/y", "fingerprint": "nothex"}]}', 'c.json': '{' });
    expect(() => readBaseline(join(repo, 'b.json'))).toThrow(/b\.json: not a weibo-guard baseline: findings\[0\]\.fingerprint/);
    expect(() => readBaseline(join(repo, 'c.json'))).toThrow(/c\.json: not JSON/);
    mkdirSync(join(repo, 'd'));
    expect(() => readBaseline(join(repo, 'd'))).toThrow(AuditInputError);
  });
});
