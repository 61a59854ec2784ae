import type { AuditResult, ReportFinding } from '../model.js';
import { ruleDoc } from '../../registry.js';
import { formatIssue, type PolicyWarning } from '../../policy/index.js';
import { warningContract } from './json.js';

export interface SarifOptions {
  /** The package version, for `tool.driver.version` and `semanticVersion`. */
  version: string;
  /** The tool's home page, for `tool.driver.informationUri`. */
  informationUri?: string;
  /** Where each rule is documented, for the rule's `helpUri` (code scanning links to it). */
  helpUri?: string;
}

/** The `partialFingerprints` key; bump the suffix if the fingerprint recipe ever changes. */
export const FINGERPRINT_KEY = 'weiboGuard/v1';

/**
 * SARIF 2.1.0 as GitHub code scanning takes it: one run, a descriptor with help per
 * rule, results located relative to `%SRCROOT%` (the audited root) with UTF-16
 * columns, and a fingerprint that survives lines moving.
 */
export function toSarif(result: AuditResult, opts: SarifOptions): Record<string, unknown> {
  const suppressed = result.suppressions ?? [];
  const all: ReportFinding[] = suppressed.length > 0 ? [...result.findings, ...suppressed] : result.findings;
  const ruleIds = [...new Set(all.map((f) => f.rule))].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const first = all.find((f) => f.rule === id)!;
    const doc = ruleDoc(id, first.messages.en);
    return {
      id,
      name: id.replace(/[/-](.)/g, (_, ch: string) => ch.toUpperCase()).replace(/^./, (ch) => ch.toUpperCase()),
      shortDescription: { text: doc.short },
      fullDescription: { text: doc.help },
      help: { text: doc.help, markdown: `**${doc.short}**\n\n${doc.help}` },
      ...(opts.helpUri ? { helpUri: opts.helpUri } : {}),
      defaultConfiguration: { level: first.severity === 'error' ? 'error' : 'warning' },
      properties: { tags: ['weibo', id.split('/')[0]!] },
    };
  });
  const toResult = (f: ReportFinding) => {
    const region: Record<string, unknown> = { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn };
    if (f.text !== '') region.snippet = { text: f.text };
    return {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule)!,
      level: f.severity === 'error' ? 'error' : 'warning',
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: fileUri(f.file), uriBaseId: '%SRCROOT%' }, region } }],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    };
  };
  const results: Array<Record<string, unknown>> = result.findings.map(toResult);
  // Code scanning shows a suppressed result as dismissed, with its justification.
  for (const f of suppressed) results.push({ ...toResult(f), suppressions: [{ kind: f.by === 'comment' ? 'inSource' : 'external', justification: f.reason }] });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'weibo-guard', version: opts.version, semanticVersion: opts.version, ...(opts.informationUri ? { informationUri: opts.informationUri } : {}), rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToUri(result.root)}/` } },
        columnKind: 'utf16CodeUnits',
        ...(result.warnings && result.warnings.length > 0 ? { invocations: [invocation(result.warnings)] } : {}),
        results,
      },
    ],
  };
}

/**
 * The policy's warnings as SARIF says a tool's configuration is off: one notification
 * each on the run's invocation, its descriptor the warning's kind (`policy/expired`).
 * The file is named in the text and the properties, not as a location: a shipped
 * policy file lies outside %SRCROOT%, so a region there would point at nothing.
 */
function invocation(warnings: readonly PolicyWarning[]): Record<string, unknown> {
  return {
    executionSuccessful: true,
    toolConfigurationNotifications: warnings.map((w) => ({
      level: 'warning',
      descriptor: { id: `policy/${w.kind}` },
      message: { text: formatIssue(w) },
      properties: warningContract(w),
    })),
  };
}

export function formatSarif(result: AuditResult, opts: SarifOptions): string {
  return `${JSON.stringify(toSarif(result, opts), null, 2)}\n`;
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, CJK, `#`). */
function fileUri(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

function pathToUri(abs: string): string {
  const posix = abs.replace(/\\/g, '/');
  return `file://${posix.startsWith('/') ? '' : '/'}${posix.split('/').map(encodeURIComponent).join('/')}`;
}
