import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createGate, looksLikePayload } from '../../src/gate.js';
import type { AuditResult, ReportFinding } from '../../src/audit/model.js';
import { runAudit, type AuditOptions } from '../../src/audit/run.js';

/** A throwaway template repo with the given files (path → content). */
export function makeRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-audit-'));
  for (const [rel, text] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return dir;
}

/** Audits a repo with the real engine, its config loaded from the repo. */
export function audit(dir: string, extra: Partial<AuditOptions> = {}): AuditResult {
  return runAudit({ root: dir, engine: createGate({ cwd: dir }), looksLikePayload, ...extra });
}

/** `file:line:column rule "text"`: compact lines to assert on. */
export function brief(findings: ReportFinding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.rule} ${JSON.stringify(f.text)}`);
}
