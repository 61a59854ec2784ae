import { createColors } from 'picocolors';
import { counted, forTerminal, markSpan } from '../../terminal.js';
import type { AuditResult, ReportFinding } from '../model.js';
import { groupBy } from './group.js';

export interface StylishOptions {
  color: boolean;
}

/**
 * For a person at a terminal: findings grouped by file, each with its source line
 * and the offending characters underlined (CJK counted two columns wide, as
 * terminals draw them), then a summary by rule.
 */
export function formatStylish(result: AuditResult, opts: StylishOptions): string {
  const c = createColors(opts.color);
  const out: string[] = [];
  const byFile = groupBy(result.findings, (f) => f.file);
  for (const [file, findings] of byFile) {
    out.push('', c.underline(forTerminal(file)));
    for (const f of findings) {
      const sev = f.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      out.push(`  ${c.dim(`${f.line}:${f.column}`.padEnd(8))} ${sev}  ${forTerminal(f.message)}  ${c.dim(f.rule)}`);
      out.push(...frame(f, c));
    }
  }
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  out.push('');
  if (result.findings.length === 0) out.push(c.green(`✔ ${counted(result.files, 'file')} checked, no problems`));
  else {
    const total = `${counted(result.findings.length, 'problem')} (${counted(errors, 'error')}, ${counted(warnings, 'warning')}) in ${byFile.size} of ${result.files} files`;
    out.push((errors > 0 ? c.red : c.yellow)(c.bold(`✖ ${total}`)));
    const byRule = [...groupBy(result.findings, (f) => f.rule)].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    const width = Math.max(...byRule.map(([r]) => r.length));
    for (const [rule, list] of byRule) out.push(`  ${rule.padEnd(width)}  ${String(list.length).padStart(5)}`);
  }
  const notes: string[] = [];
  if (result.suppressed > 0) notes.push(`${result.suppressed} suppressed`);
  if (result.baselined > 0) notes.push(`${result.baselined} in the baseline`);
  if (notes.length > 0) out.push(c.dim(`  (${notes.join(', ')}; not shown)`));
  if (result.staleBaseline) {
    out.push(c.yellow(`  ${result.staleBaseline} baseline ${result.staleBaseline === 1 ? 'entry' : 'entries'} matched no finding (fixed or moved since); prune them by writing the baseline again with --write-baseline`));
  }
  // Last, so it is what a person sees when the run ends: the policy this run judged by has lapsed or is lapsing.
  const policyWarnings = result.warnings ?? [];
  if (policyWarnings.length > 0) {
    out.push('', c.yellow(c.bold(`⚠ ${counted(policyWarnings.length, 'policy warning')}`)));
    for (const w of policyWarnings) out.push(`  ${c.dim(forTerminal(`${w.file}:${w.line}`))}  ${c.yellow(forTerminal(w.message))}`);
  }
  return `${out.join('\n')}\n`;
}

function frame(f: ReportFinding, c: ReturnType<typeof createColors>): string[] {
  const marked = f.context.filter((l) => l.mark);
  const gutter = String(marked[0]?.line ?? 0).length;
  const out: string[] = [];
  // The first line is enough to find the spot; say how much more there is.
  for (const l of marked.slice(0, 1)) {
    const [start, end] = l.mark!;
    const m = markSpan(l.text, { start, end });
    out.push(`    ${c.dim(`${String(l.line).padStart(gutter)} |`)} ${m.before}${c.red(m.marked)}${m.after}`);
    out.push(`    ${' '.repeat(gutter)} ${c.dim('|')} ${c.red(m.carets)}`);
  }
  if (f.endLine > f.line) out.push(`    ${' '.repeat(gutter)} ${c.dim(`| … to line ${f.endLine}`)}`);
  return out;
}
