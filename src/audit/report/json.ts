import type { AuditReport, AuditResult } from '../model.js';

/** The stable JSON contract: `{ files, findings: [{ file, line, column, endLine, endColumn, rule, severity, message, text }] }`. */
export function toReport(result: AuditResult): AuditReport {
  return {
    files: result.files,
    findings: result.findings.map((f) => ({
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      text: f.text,
    })),
  };
}

export function formatJson(result: AuditResult): string {
  return `${JSON.stringify(toReport(result), null, 2)}\n`;
}
