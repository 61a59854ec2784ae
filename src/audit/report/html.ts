import { randomBytes } from 'node:crypto';
import type { AuditResult, ContextLine, ReportFinding } from '../model.js';
import { ruleDoc } from '../rules.js';
import { groupBy } from './group.js';

export interface HtmlOptions {
  /** Shown in the title: what was audited. */
  title?: string;
  /** When the audit ran (ISO); default now. */
  generatedAt?: string;
}

/**
 * One self-contained page for a compliance reviewer: findings grouped by file and
 * rule, the offending text highlighted in its lines, filters by rule and severity.
 * Template text is attacker-controlled: everything from it is HTML-escaped, the
 * page loads nothing, and a CSP allows only this page's own script (by nonce).
 */
export function formatHtml(result: AuditResult, opts: HtmlOptions = {}): string {
  const nonce = randomBytes(16).toString('base64');
  const title = opts.title ?? 'weibo-guard audit';
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const rules = [...new Set(result.findings.map((f) => f.rule))].sort();
  const files = groupBy(result.findings, (f) => f.file);

  const body = [...files]
    .map(([file, list]) => {
      const byRule = [...groupBy(list, (f) => f.rule)];
      return `<section class="file" data-file="${esc(file)}">
<h2><span class="path">${esc(file)}</span> <span class="count">${list.length}</span></h2>
${byRule
  .map(([rule, items]) => {
    const doc = ruleDoc(rule, items[0]!.messages.en);
    return `<div class="rule-group" data-rule="${esc(rule)}">
<h3><code>${esc(rule)}</code> — ${esc(doc.short)} <span class="count">${items.length}</span></h3>
<p class="help">${esc(doc.help)}</p>
${items.map(findingHtml).join('\n')}
</div>`;
  })
  .join('\n')}
</section>`;
    })
    .join('\n');

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="summary" id="summary">${result.files} files checked · <b class="sev-error">${errors} errors</b> · <b class="sev-warning">${warnings} warnings</b>${result.suppressed ? ` · ${result.suppressed} suppressed` : ''}${result.baselined ? ` · ${result.baselined} in the baseline` : ''} · ${esc(opts.generatedAt ?? new Date().toISOString())}</p>
<form id="filters" aria-label="Filters">
<label>Rule <select id="rule"><option value="">All rules (${rules.length})</option>${rules.map((r) => `<option value="${esc(r)}">${esc(r)}</option>`).join('')}</select></label>
<label><input type="checkbox" id="sev-error" checked> Errors</label>
<label><input type="checkbox" id="sev-warning" checked> Warnings</label>
<span id="shown" aria-live="polite">${result.findings.length} shown</span>
</form>
</header>
<main>
${result.findings.length === 0 ? '<p class="clean">No problems found.</p>' : body}
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

function findingHtml(f: ReportFinding): string {
  const ev = f.evidence;
  const evidence = ev
    ? `<dl class="evidence">${(['url', 'host', 'entry', 'detail'] as const)
        .filter((k) => ev[k])
        .map((k) => `<dt>${k}</dt><dd>${esc(ev[k]!)}</dd>`)
        .join('')}</dl>`
    : '';
  return `<article class="finding" data-rule="${esc(f.rule)}" data-severity="${f.severity}">
<p class="head"><span class="badge ${f.severity}">${f.severity}</span> <a class="loc">${esc(f.file)}:${f.line}:${f.column}</a> ${esc(f.message)}</p>
${f.messages.zh && f.messages.zh !== f.message ? `<p class="zh" lang="zh-CN">${esc(f.messages.zh)}</p>` : ''}
<pre class="code">${f.context.map(lineHtml).join('\n')}</pre>
${evidence}
</article>`;
}

function lineHtml(l: ContextLine): string {
  const n = `<span class="ln">${l.line}</span>`;
  if (!l.mark) return `${n}${esc(l.text)}`;
  const [s, e] = l.mark;
  return `${n}${esc(l.text.slice(0, s))}<mark>${esc(l.text.slice(s, e)) || ' '}</mark>${esc(l.text.slice(e))}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for element content and quoted attributes alike. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1d1d1f;--muted:#6e6e73;--line:#d2d2d7;--err:#c62828;--warn:#b26a00;--mark:#ffd54f55}
@media (prefers-color-scheme:dark){:root{--bg:#1c1c1e;--fg:#f5f5f7;--muted:#a1a1a6;--line:#3a3a3c;--mark:#ffd54f44}}
body{font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:var(--bg);color:var(--fg)}
header{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);padding:12px 24px;z-index:1}
h1{font-size:20px;margin:0 0 4px}
main{padding:8px 24px 48px}
form{display:flex;gap:16px;align-items:center;flex-wrap:wrap}
.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}
section.file{margin-top:20px}
h2{font-size:16px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:14px;margin:12px 0 2px}
.help{color:var(--muted);margin:0 0 8px}
.count{font-size:12px;color:var(--muted);border:1px solid var(--line);border-radius:8px;padding:0 6px}
.finding{border-left:3px solid var(--line);padding:4px 12px;margin:8px 0}
.finding[data-severity=error]{border-color:var(--err)}.finding[data-severity=warning]{border-color:var(--warn)}
.head{margin:0}.zh{margin:0;color:var(--muted)}
.badge{font-size:11px;text-transform:uppercase;font-weight:600;padding:1px 6px;border-radius:4px;color:#fff}
.badge.error{background:var(--err)}.badge.warning{background:var(--warn)}
.loc{font-family:ui-monospace,Menlo,Consolas,monospace;color:var(--muted)}
pre.code{font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;background:#8881;padding:6px 8px;overflow-x:auto;margin:6px 0;white-space:pre}
.ln{display:inline-block;min-width:3em;color:var(--muted);user-select:none}
mark{background:var(--mark);color:inherit;outline:1px solid var(--err);border-radius:2px}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:0 12px;margin:4px 0;font-size:12px;color:var(--muted)}
dl.evidence dt{font-weight:600}dl.evidence dd{margin:0;word-break:break-all}
[hidden]{display:none!important}
`;

/** Filters by toggling `hidden`; reads only the page's own attributes, never injects markup. */
const SCRIPT = `
(function () {
  var rule = document.getElementById('rule');
  var err = document.getElementById('sev-error');
  var warn = document.getElementById('sev-warning');
  var shown = document.getElementById('shown');
  function apply() {
    var n = 0;
    document.querySelectorAll('.finding').forEach(function (f) {
      var ok = (!rule.value || f.dataset.rule === rule.value) &&
        (f.dataset.severity === 'error' ? err.checked : warn.checked);
      f.hidden = !ok;
      if (ok) n++;
    });
    document.querySelectorAll('.rule-group, section.file').forEach(function (g) {
      g.hidden = !g.querySelector('.finding:not([hidden])');
    });
    shown.textContent = n + ' shown';
  }
  rule.addEventListener('change', apply);
  err.addEventListener('change', apply);
  warn.addEventListener('change', apply);
  apply();
})();
`;
