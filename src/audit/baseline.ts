import { readFileSync } from 'node:fs';
import { AuditInputError } from './errors.js';
import { BaselineSchema, type AuditResult, type Baseline } from './model.js';

/** Everything the audit finds now, as a baseline a team commits when adopting the audit. */
export function toBaseline(result: AuditResult): Baseline {
  return {
    version: 1,
    tool: 'weibo-guard audit',
    findings: result.findings.map((f) => ({ file: f.file, rule: f.rule, fingerprint: f.fingerprint, text: f.text })),
  };
}

/** Reads a baseline file; a bad one is an AuditInputError naming the file and the field. */
export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AuditInputError(`${file}: cannot read the baseline (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new AuditInputError(`${file}: not JSON (${(err as Error).message})`);
  }
  const r = BaselineSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new AuditInputError(`${file}: not a weibo-guard baseline: ${where || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

/** Leaves out findings the baseline already holds (each baseline entry absorbs one finding). */
export function applyBaseline(result: AuditResult, baseline: Baseline): AuditResult {
  const left = new Map<string, number>();
  for (const b of baseline.findings) {
    const key = `${b.file}\0${b.rule}\0${b.fingerprint}`;
    left.set(key, (left.get(key) ?? 0) + 1);
  }
  let baselined = 0;
  const findings = result.findings.filter((f) => {
    const key = `${f.file}\0${f.rule}\0${f.fingerprint}`;
    const n = left.get(key) ?? 0;
    if (n === 0) return true;
    left.set(key, n - 1);
    baselined++;
    return false;
  });
  let stale = 0;
  for (const n of left.values()) stale += n;
  return { ...result, findings, baselined: result.baselined + baselined, staleBaseline: stale };
}
