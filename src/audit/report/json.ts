import type { PolicyWarning } from '../../policy/index.js';
import type { AuditFinding, AuditPolicyWarning, AuditReport, AuditResult, ReportFinding } from '../model.js';

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

/** A policy warning as the reports state it: the data, without the compiled entry. */
export const warningContract = (w: PolicyWarning): AuditPolicyWarning => ({
  kind: w.kind,
  file: w.file,
  line: w.line,
  domain: w.domain,
  ...(w.expires !== undefined ? { expires: w.expires } : {}),
  message: w.message,
});

/**
 * The stable JSON contract: `{ files, findings: [{ file, line, column, endLine, endColumn,
 * rule, severity, message, text }] }`, plus `suppressions` (the same fields, `by` and
 * `reason`) when any finding was suppressed, `staleBaseline` when baseline entries matched
 * nothing, and `warnings` (the policy's: expired and expiring entries, entries that never
 * apply) when it has any.
 */
export function toReport(result: AuditResult): AuditReport {
  const report: AuditReport = { files: result.files, findings: result.findings.map(contract) };
  if (result.suppressions && result.suppressions.length > 0) report.suppressions = result.suppressions.map((s) => ({ ...contract(s), by: s.by, reason: s.reason }));
  if (result.staleBaseline) report.staleBaseline = result.staleBaseline;
  if (result.warnings && result.warnings.length > 0) report.warnings = result.warnings.map(warningContract);
  return report;
}

export function formatJson(result: AuditResult): string {
  return `${JSON.stringify(toReport(result), null, 2)}\n`;
}
