import { randomBytes } from 'node:crypto';
import type { PolicyWarning } from '../../policy/index.js';
import type { AuditResult, ReportFinding } from '../model.js';
import { ruleDoc } from '../../registry.js';
import { groupBy } from './group.js';
import { PAGE_CSS, PAGE_SCRIPT } from './html-page.js';
import type { ReportMeta } from './meta.js';

export interface HtmlOptions {
  /** Shown in the title: what was audited. */
  title?: string;
  /** When the audit ran; default now. Shown in this machine's local time with its UTC offset. */
  generatedAt?: Date | string;
  /** Tool, policy and config versions and the commit: what the report was made with. */
  meta?: ReportMeta;
}

/** Evidence fields a reviewer reads, in the order shown. */
const EVIDENCE_KEYS = ['url', 'host', 'entry', 'detail'] as const;

/**
 * One self-contained page for a compliance reviewer: what the report was made with,
 * counts by rule and by host, the suppressions and their reasons, then the findings
 * grouped by file and rule with the offending text highlighted, filterable.
 *
 * The findings travel as one JSON block and the page's script builds the DOM for
 * the part being looked at (a chunk of files at a time as it scrolls, everything
 * before printing), so a 30,000-finding report opens at once and a filter change
 * only walks arrays. Template text is attacker-controlled: the static part is
 * HTML-escaped, the JSON cannot end its <script> element, the script creates text
 * nodes only, the page loads nothing, and a CSP allows only this script (by nonce).
 */
export function formatHtml(result: AuditResult, opts: HtmlOptions = {}): string {
  const nonce = randomBytes(16).toString('base64');
  const title = opts.title ?? 'weibo-guard audit';
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const byRule = [...groupBy(result.findings, (f) => f.rule)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const byHost = [...groupBy(result.findings.filter((f) => f.evidence?.host), (f) => f.evidence!.host!)].sort(
    ([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : a > b ? 1 : 0),
  );
  const suppressions = result.suppressions ?? [];

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="summary" id="summary">${result.files} files checked · <b class="sev-error">${errors} errors</b> · <b class="sev-warning">${warnings} warnings</b>${result.suppressed ? ` · ${result.suppressed} suppressed` : ''}${result.baselined ? ` · ${result.baselined} in the baseline` : ''}</p>
${metaHtml(opts)}
</header>
${result.warnings && result.warnings.length > 0 ? warningsHtml(result.warnings) : ''}
${result.findings.length > 0 ? summaryHtml(byRule, byHost) : ''}
${suppressions.length > 0 ? suppressionsHtml(suppressions.length) : ''}
<form id="filters" aria-label="Filters">
<label>Rule <select id="rule"><option value="">All rules (${byRule.length})</option>${byRule.map(([r, l]) => `<option value="${esc(r)}">${esc(r)} (${l.length})</option>`).join('')}</select></label>
<label>Host <select id="host"><option value="">All hosts (${byHost.length})</option>${byHost.map(([h, l]) => `<option value="${esc(h)}">${esc(h)} (${l.length})</option>`).join('')}</select></label>
<label><input type="checkbox" id="sev-error" checked> Errors</label>
<label><input type="checkbox" id="sev-warning" checked> Warnings</label>
<span id="shown" aria-live="polite">${result.findings.length} shown</span>
</form>
<p id="active" class="print-only"></p>
<main id="findings">
${result.findings.length === 0 ? '<p class="clean">No problems found.</p>' : '<noscript><p class="clean">The findings are drawn by this page’s script; allow it, or read the JSON report (-f json).</p></noscript>'}
</main>
<script type="application/json" id="wg-data">${scriptJson(pageData(result, byRule))}</script>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function metaHtml(opts: HtmlOptions): string {
  const m = opts.meta ?? {};
  const rows: string[] = [];
  if (m.version !== undefined) rows.push(`<dt>Tool</dt><dd>weibo-guard ${esc(m.version)}</dd>`);
  if (m.policy !== undefined) {
    rows.push(
      `<dt>Policy</dt><dd><ul class="policy">${m.policy
        .map((p) => `<li><code>${esc(p.file)}</code> <span class="hash">${p.sha256 ? `sha256:${esc(p.sha256)}` : 'unreadable when the report was written'}</span></li>`)
        .join('')}</ul></dd>`,
    );
    rows.push(`<dt>Config</dt><dd>${m.config !== undefined ? `<code>${esc(m.config)}</code>` : 'none (defaults)'}</dd>`);
  }
  if (m.commit !== undefined) rows.push(`<dt>Commit</dt><dd><code id="commit">${esc(m.commit)}</code></dd>`);
  rows.push(`<dt>Generated</dt><dd>${timeHtml(opts.generatedAt ?? new Date())}</dd>`);
  return `<dl class="meta" id="meta">${rows.join('')}</dl>`;
}

/** The generating machine's local time with its offset; the exact UTC instant on hover. */
function timeHtml(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  // Not a date: shown as given rather than altered.
  if (Number.isNaN(d.getTime())) return `<time id="generated">${esc(String(at))}</time>`;
  const iso = d.toISOString();
  return `<time id="generated" datetime="${iso}" title="${iso}">${localTime(d)}</time>`;
}

export function localTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const a = Math.abs(offset);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} UTC${offset < 0 ? '-' : '+'}${p(Math.floor(a / 60))}:${p(a % 60)}`;
}

function summaryHtml(byRule: Array<[string, ReportFinding[]]>, byHost: Array<[string, ReportFinding[]]>): string {
  const files = (l: ReportFinding[]) => new Set(l.map((f) => f.file)).size;
  const ruleRows = byRule.map(([rule, l]) => {
    const errors = l.filter((f) => f.severity === 'error').length;
    return `<tr><td><button type="button" class="pick" data-pick-rule="${esc(rule)}">${esc(rule)}</button></td><td>${esc(ruleDoc(rule, l[0]!.messages.en).short)}</td><td class="n">${errors}</td><td class="n">${l.length - errors}</td><td class="n">${l.length}</td><td class="n">${files(l)}</td></tr>`;
  });
  const hostRows = byHost.map(([host, l]) => {
    const rules = [...new Set(l.map((f) => f.rule))].sort();
    return `<tr><td><button type="button" class="pick" data-pick-host="${esc(host)}">${esc(host)}</button></td><td class="n">${l.length}</td><td class="n">${files(l)}</td><td>${rules.map((r) => `<code>${esc(r)}</code>`).join(' ')}</td></tr>`;
  });
  return `<section class="summary-tables" id="summaries">
<h2>By rule</h2>
<table id="by-rule"><thead><tr><th>Rule</th><th>What</th><th class="n">Errors</th><th class="n">Warnings</th><th class="n">Findings</th><th class="n">Files</th></tr></thead><tbody>
${ruleRows.join('\n')}
</tbody></table>
${
  byHost.length > 0
    ? `<h2>By host</h2>
<div class="scroll"><table id="by-host"><thead><tr><th>Host</th><th class="n">Findings</th><th class="n">Files</th><th>Rules</th></tr></thead><tbody>
${hostRows.join('\n')}
</tbody></table></div>`
    : ''
}
</section>`;
}

/** A banner above everything else: the policy the findings were judged by has lapsed or is lapsing. */
function warningsHtml(warnings: readonly PolicyWarning[]): string {
  const items = warnings.map((w) => `<li data-kind="${esc(w.kind)}"><code>${esc(`${w.file}:${w.line}`)}</code> ${esc(w.message)}</li>`);
  return `<section id="policy-warnings" role="alert">
<h2>Policy warnings <span class="count">${warnings.length}</span></h2>
<ul>${items.join('')}</ul>
</section>`;
}

/** The rows come from the data block: a baseline can hold as many entries as the findings. */
function suppressionsHtml(count: number): string {
  return `<section id="suppressions">
<h2>Suppressed <span class="count">${count}</span></h2>
<table><thead><tr><th>Where</th><th>Rule</th><th>By</th><th>Reason</th></tr></thead><tbody id="supp-body"></tbody></table>
<button type="button" id="supp-more" hidden></button>
</section>`;
}

/**
 * The findings as the page's script reads them: every string once in `s` (13
 * distinct messages and a few thousand distinct lines carry 30,000 findings of the
 * bench repo), each finding a tuple of indexes — see PAGE_SCRIPT for the layout.
 */
function pageData(result: AuditResult, byRule: Array<[string, ReportFinding[]]>): unknown {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const s = (text: string): number => {
    let id = ids.get(text);
    if (id === undefined) {
      id = strings.length;
      strings.push(text);
      ids.set(text, id);
    }
    return id;
  };
  const ruleIndex = new Map(byRule.map(([r], i) => [r, i]));
  const rules = byRule.map(([rule, l]) => {
    const doc = ruleDoc(rule, l[0]!.messages.en);
    return [rule, doc.short, doc.help];
  });
  const findings = result.findings.map((f) => {
    const context: number[] = [];
    const marks: number[][] = [];
    f.context.forEach((l, i) => {
      context.push(l.line, s(l.text));
      if (l.mark) marks.push([i, l.mark[0], l.mark[1]]);
    });
    const evidence: number[] = [];
    for (const k of EVIDENCE_KEYS) {
      const v = f.evidence?.[k];
      if (v) evidence.push(s(k), s(v));
    }
    const zh = f.messages.zh && f.messages.zh !== f.message ? s(f.messages.zh) : -1;
    const host = f.evidence?.host ? s(f.evidence.host) : -1;
    return [s(f.file), f.line, f.column, ruleIndex.get(f.rule)!, f.severity === 'error' ? 1 : 0, s(f.message), zh, context, marks, evidence, host];
  });
  const suppressions = (result.suppressions ?? []).map((x) => [s(x.file), x.line, s(x.rule), s(x.reason), s(x.by)]);
  return { s: strings, r: rules, f: findings, u: suppressions };
}

/**
 * JSON that cannot leave a <script type="application/json"> element: `<` never
 * appears raw, so neither `</script` nor `<!--` can; `>` and `&` go too for good
 * measure, and U+2028/2029 so the text is also a valid script literal.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for element content and quoted attributes alike. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}
