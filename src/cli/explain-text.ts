import pc from 'picocolors';
import { compileCompetitorChecker, type CompetitorTrace } from '../checks/competitor.js';
import { verdictOf, type Finding } from '../findings.js';
import type { Gate } from '../gate.js';
import { findLinks } from '../links/index.js';
import { parseMessage } from '../payload/parse.js';
import { contextFrom, type CheckCommandOptions } from './check.js';
import { formatFinding } from './format.js';

/**
 * `explain --text` and `explain --message`: why the competitor rule calls a text
 * promotion, a mention or nothing. The trace comes from the checker's own trace()
 * (the same decision check() makes), run on every free-text field the gate reads,
 * with the links the link rules judge left out as the gate leaves them out.
 */
export interface TextExplanation {
  /** Message path of the text (`text` for --text, `data.text` or `data.articles[0].summary` for a message). */
  path: string;
  trace: CompetitorTrace;
}

export interface MessageExplanation {
  input: 'text' | 'message';
  texts: TextExplanation[];
  /** Every finding the gate gives (links, payload, competitor). */
  findings: Finding[];
  allowed: boolean;
}

/** The free-text fields the gate reads in a message, with their paths. */
function textFields(message: unknown): Array<{ path: string; text: string }> {
  const parsed = parseMessage(message);
  const data = parsed.data;
  const out: Array<{ path: string; text: string }> = [];
  if (!data) return out;
  if (parsed.type === 'text' && typeof data.text === 'string') out.push({ path: 'data.text', text: data.text });
  if (parsed.type === 'articles' && Array.isArray(data.articles)) {
    data.articles.forEach((a: unknown, i: number) => {
      if (typeof a !== 'object' || a === null) return;
      for (const key of ['display_name', 'summary'] as const) {
        const v = (a as Record<string, unknown>)[key];
        if (typeof v === 'string') out.push({ path: `data.articles[${i}].${key}`, text: v });
      }
    });
  }
  return out;
}

export function explainText(gate: Gate, input: { text: string } | { message: string }, options: CheckCommandOptions): MessageExplanation {
  const checker = compileCompetitorChecker(gate.policy.competitors);
  const context = contextFrom(options);
  const traceOf = (path: string, text: string): TextExplanation => ({ path, trace: checker.trace(text, findLinks(text)) });
  if ('text' in input) {
    const findings = gate.checkText(input.text, context, 'text');
    return { input: 'text', texts: [traceOf('text', input.text)], findings, allowed: verdictOf(findings).allowed };
  }
  const verdict = gate.check(input.message, context);
  return { input: 'message', texts: textFields(input.message).map((f) => traceOf(f.path, f.text)), findings: verdict.findings, allowed: verdict.allowed };
}

const span = (p: { start: number; end: number }) => `[${p.start}, ${p.end})`;
const quote = (s: string) => JSON.stringify(s);

export function formatTextExplanation(e: MessageExplanation, color: boolean, source: (path: string) => string | undefined): string {
  const c = pc.createColors(color);
  const row = (k: string, v: string, indent = 2) => `${' '.repeat(indent)}${c.dim(k.padEnd(12))} ${v}`;
  const paint = (r: string) => (r === 'promotion' ? c.red(r) : r === 'mention' ? c.yellow(r) : c.green(r));
  const lines: string[] = [];
  for (const { path, trace } of e.texts) {
    lines.push(`${c.bold(path)}  ${quote(trace.text)}`);
    lines.push(row('normalized', quote(trace.normalized)));
    lines.push(row('competitor', paint(trace.result) + (trace.looked ? '' : ' (the first look found no service name)')));
    trace.sentences.forEach((s) => {
      lines.push(row('sentence', `${span(s)} ${quote(s.text)} → ${paint(s.result)}`));
      for (const n of s.names) {
        lines.push(row(n.kind, `${n.service} ${quote(n.original)} ${span(n)}${n.term !== n.original ? ` (term ${quote(n.term)})` : ''}${n.needsStrongContext ? ', needs a directive right next to it' : ''} → ${paint(n.result)}`, 4));
        if (n.directive) lines.push(row('directive', `${n.directive.kind} ${quote(n.directive.original)} ${span(n.directive)} (${n.directive.term})`, 6));
        lines.push(row('why', n.why.en, 6), row('', n.why.zh, 6));
      }
      if (s.directives.length > 0) {
        lines.push(row('words', s.directives.map((d) => `${d.kind} ${quote(d.original)} ${span(d)}${d.negatedBy ? ` negated by ${quote(d.negatedBy)}` : ''}`).join('; '), 4));
      }
    });
  }
  if (e.findings.length > 0) {
    lines.push(c.bold('findings'));
    for (const f of e.findings) lines.push(formatFinding(f, source(f.path) ?? '', { color }).replace(/^/gm, '  '));
  }
  lines.push(e.allowed ? c.green('✔ allowed') : c.red(c.bold('✖ blocked')));
  return lines.join('\n');
}
