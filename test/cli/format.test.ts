import { describe, expect, it } from 'vitest';
import { formatStylish } from '../../src/audit/report/stylish.js';
import type { AuditResult, ReportFinding } from '../../src/audit/model.js';
import { excerpt } from '../../src/cli/format.js';
import { markSpan } from '../../src/terminal.js';

describe('markSpan: the one underline for check, explain and the stylish audit report', () => {
  it('keeps the whole text by default and counts wide characters two columns', () => {
    expect(markSpan('请加微信 abc123 咨询', { start: 1, end: 4 })).toEqual({ before: '请', marked: '加微信', after: ' abc123 咨询', carets: '  ^^^^^^' });
    // An astral character (one code point, two UTF-16 units) is one wide cell: two carets, not four.
    expect(markSpan('请a😀b', { start: 2, end: 4 }).carets).toBe('   ^^');
  });

  it('shows control characters as one visible cell so the carets stay aligned', () => {
    expect(markSpan('a\tb\u0001c', { start: 4, end: 5 })).toEqual({ before: 'a⇥b·', marked: 'c', after: '', carets: '    ^' });
  });

  it('cuts to the context asked for, as excerpt does', () => {
    const long = `${'x'.repeat(50)}evil.cn${'y'.repeat(50)}`;
    const m = markSpan(long, { start: 50, end: 57 }, 5);
    expect(excerpt(long, { start: 50, end: 57 }, 5)).toEqual({ line: m.before + m.marked + m.after, carets: m.carets });
  });

  it('draws the same underline in the stylish report', () => {
    const text = 'const s = "\t加我微信";';
    const f: ReportFinding = {
      rule: 'competitor/promotion',
      severity: 'error',
      file: 'a.ts',
      line: 3,
      column: 13,
      endLine: 3,
      endColumn: 17,
      message: 'x',
      messages: { en: 'x', zh: 'x' },
      text: '加我微信',
      context: [{ line: 3, text, mark: [12, 16] }],
    } as ReportFinding;
    const result = { files: 1, findings: [f], suppressed: 0, baselined: 0 } as AuditResult;
    const m = markSpan(text, { start: 12, end: 16 });
    expect(m.carets).toBe(`${' '.repeat(12)}${'^'.repeat(8)}`);
    expect(formatStylish(result, { color: false })).toContain(`    3 | const s = "⇥加我微信";\n      | ${m.carets}\n`);
  });
});
