import pc from 'picocolors';
import type { Finding, Span, Verdict } from '../findings.js';
import { formatIssue, type PolicyWarning } from '../policy/index.js';
import { counted, forTerminal, markSpan } from '../terminal.js';

/**
 * Terminal formatting of findings, shared by every command that prints them: one
 * block per finding with the rule, the path, the message and the offending text
 * with its span underlined. Colour only when asked (a TTY without NO_COLOR).
 */
export interface FormatOptions {
  color?: boolean;
  /** Which language(s) to print messages in; default both, English first. */
  lang?: 'en' | 'zh' | 'both';
  /** Columns of context shown around a span. */
  context?: number;
}

export type Colors = ReturnType<typeof pc.createColors>;

/** Colour by default only on a TTY, never when NO_COLOR is set (https://no-color.org), always with FORCE_COLOR. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * The policy's warnings (an entry expired or expiring, an entry that never applies)
 * for stderr, one line each: `weibo-guard: warning: file:line: message`. A command says
 * them once per run, before its output, which stays the machine-readable verdicts.
 */
export function formatPolicyWarnings(warnings: readonly PolicyWarning[], color: boolean): string {
  const c = pc.createColors(color);
  return warnings.map((w) => `weibo-guard: ${c.yellow('warning')}: ${forTerminal(formatIssue(w))}\n`).join('');
}

/**
 * One line of `source` around `span` and a caret line under the span, both cut to
 * about `context` characters either side. Returns two lines without colour codes
 * applied to the caret line (the caller colours it).
 */
export function excerpt(source: string, span: Span, context = 30): { line: string; carets: string } {
  const m = markSpan(source, span, context);
  return { line: m.before + m.marked + m.after, carets: m.carets };
}

export function formatFinding(f: Finding, source: string | undefined, options: FormatOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const lang = options.lang ?? 'both';
  const sev = f.severity === 'error' ? c.red(c.bold('error  ')) : c.yellow(c.bold('warning'));
  const lines = [`${sev} ${c.bold(f.rule)} ${c.dim(f.path || '(message)')}`];
  if (lang !== 'zh') lines.push(`  ${f.message.en}`);
  if (lang !== 'en') lines.push(`  ${f.message.zh}`);
  if (source !== undefined && f.span) {
    const { line, carets } = excerpt(source, f.span, options.context);
    lines.push(`  ${c.dim('│')} ${line}`, `  ${c.dim('│')} ${f.severity === 'error' ? c.red(carets) : c.yellow(carets)}`);
  }
  const ev = f.evidence;
  if (ev) {
    const parts: string[] = [];
    if (ev.url) parts.push(`url ${ev.url}`);
    if (ev.host) parts.push(`host ${ev.host}`);
    if (ev.entry) parts.push(`entry ${ev.entry}`);
    if (ev.detail) parts.push(ev.detail);
    if (parts.length > 0) lines.push(`  ${c.dim(parts.join(' · '))}`);
  }
  return lines.join('\n');
}

/** A whole verdict: the findings, then one summary line. `sourceOf(path)` supplies the text a span points into. */
export function formatVerdict(verdict: Verdict, sourceOf: (path: string) => string | undefined = () => undefined, options: FormatOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const blocks = verdict.findings.map((f) => formatFinding(f, sourceOf(f.path), options));
  const errors = verdict.findings.filter((f) => f.severity === 'error').length;
  const warnings = verdict.findings.length - errors;
  const counts = `${counted(errors, 'error')}, ${counted(warnings, 'warning')}`;
  const summary = verdict.allowed ? c.green(`✔ allowed (${counts})`) : c.red(c.bold(`✖ blocked (${counts})`));
  return [...blocks, summary].join('\n\n');
}
