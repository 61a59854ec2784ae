import type { AuditFinding, AuditReport, AuditResult, ReportFinding } from '../model.js';

const contract = (f: ReportFinding): AuditFinding => ({
  file: f.file,
  line: f.line,
  column: f.column,
  endLine: f.endLine,
  endColumn: f.endColumn,
  rule: f.rule,
  severity: f.severity,
  message: f.message,
  text: f.text,
});

/**
 * The stable JSON contract: `{ files, findings: [{ file, line, column, endLine, endColumn,
 * rule, severity, message, text }] }`, plus `suppressions` (the same fields, `by` and
 * `reason`) when any finding was suppressed.
 */
export function toReport(result: AuditResult): AuditReport {
  const report: AuditReport = { files: result.files, findings: result.findings.map(contract) };
  if (result.suppressions && result.suppressions.length > 0) report.suppressions = result.suppressions.map((s) => ({ ...contract(s), by: s.by, reason: s.reason }));
  if (result.staleBaseline) report.staleBaseline = result.staleBaseline;
  return report;
}

export function formatJson(result: AuditResult): string {
  return `${JSON.stringify(toReport(result), null, 2)}\n`;
}
