import { createColors } from 'picocolors';
import { isWide } from '../../payload/units.js';
import type { AuditResult, ReportFinding } from '../model.js';

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
    out.push('', c.underline(file));
    for (const f of findings) {
      const sev = f.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      out.push(`  ${c.dim(`${f.line}:${f.column}`.padEnd(8))} ${sev}  ${f.message}  ${c.dim(f.rule)}`);
      out.push(...frame(f, c));
    }
  }
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  out.push('');
  if (result.findings.length === 0) out.push(c.green(`✔ ${result.files} file${result.files === 1 ? '' : 's'} checked, no problems`));
  else {
    const total = `${result.findings.length} problem${result.findings.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}) in ${byFile.size} of ${result.files} files`;
    out.push((errors > 0 ? c.red : c.yellow)(c.bold(`✖ ${total}`)));
    const byRule = [...groupBy(result.findings, (f) => f.rule)].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    const width = Math.max(...byRule.map(([r]) => r.length));
    for (const [rule, list] of byRule) out.push(`  ${rule.padEnd(width)}  ${String(list.length).padStart(5)}`);
  }
  const notes: string[] = [];
  if (result.suppressed > 0) notes.push(`${result.suppressed} suppressed`);
  if (result.baselined > 0) notes.push(`${result.baselined} in the baseline`);
  if (notes.length > 0) out.push(c.dim(`  (${notes.join(', ')}; not shown)`));
  return `${out.join('\n')}\n`;
}

function frame(f: ReportFinding, c: ReturnType<typeof createColors>): string[] {
  const marked = f.context.filter((l) => l.mark);
  const gutter = String(marked[0]?.line ?? 0).length;
  const out: string[] = [];
  // The first line is enough to find the spot; say how much more there is.
  for (const l of marked.slice(0, 1)) {
    const [s, e] = l.mark!;
    const text = printable(l.text);
    out.push(`    ${c.dim(`${String(l.line).padStart(gutter)} |`)} ${text.slice(0, s)}${c.red(text.slice(s, e))}${text.slice(e)}`);
    out.push(`    ${' '.repeat(gutter)} ${c.dim('|')} ${' '.repeat(width(text.slice(0, s)))}${c.red('^'.repeat(Math.max(1, width(text.slice(s, e)))))}`);
  }
  if (f.endLine > f.line) out.push(`    ${' '.repeat(gutter)} ${c.dim(`| … to line ${f.endLine}`)}`);
  return out;
}

/** Tabs and control characters would shift the underline; show them as one visible cell each. */
function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += cp < 32 || cp === 127 ? ' ' : ch;
  }
  return out;
}

function width(s: string): number {
  let w = 0;
  for (const ch of s) w += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
