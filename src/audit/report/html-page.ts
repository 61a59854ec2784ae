/**
 * The HTML report's style sheet and script (see html.ts for the page around them).
 *
 * CJK fonts: Chromium on Linux has no PingFang or YaHei, and a stack naming only those
 * falls through to whatever fontconfig picks first (tofu when it picks a Latin font
 * without fallback); the Linux families are named explicitly, simplified Chinese first.
 */
const CJK = `"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei"`;

export const PAGE_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1d1d1f;--muted:#6e6e73;--line:#d2d2d7;--err:#c62828;--warn:#b26a00;--mark:#ffd54f55}
@media (prefers-color-scheme:dark){:root{--bg:#1c1c1e;--fg:#f5f5f7;--muted:#a1a1a6;--line:#3a3a3c;--mark:#ffd54f44}}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",${CJK},"Noto Sans",sans-serif;margin:0;background:var(--bg);color:var(--fg)}
header,section.summary-tables,#suppressions,main{padding:8px 24px}
#policy-warnings{margin:8px 24px;padding:4px 16px;border:1px solid var(--warn);border-left-width:4px;border-radius:4px}
#policy-warnings h2{border:0;color:var(--warn);margin:4px 0}#policy-warnings ul{margin:4px 0;padding-left:20px}
h1{font-size:20px;margin:4px 0}
main{padding-bottom:48px}
#filters{position:sticky;top:0;z-index:1;background:var(--bg);border-bottom:1px solid var(--line);padding:8px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
#filters select{max-width:22em}
.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:0 12px;margin:4px 0;font-size:13px}
dl.meta dt{font-weight:600;color:var(--muted)}dl.meta dd{margin:0}
ul.policy{margin:0;padding:0;list-style:none;columns:2 24em}
.hash{font:12px ui-monospace,Menlo,Consolas,monospace;color:var(--muted)}
table{border-collapse:collapse;font-size:13px;margin:4px 0 12px}
th,td{border-bottom:1px solid var(--line);padding:2px 10px 2px 0;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:24em;overflow:auto}
button.pick{font:inherit;font-family:ui-monospace,Menlo,Consolas,monospace;background:none;border:0;padding:0;color:inherit;text-decoration:underline dotted;cursor:pointer}
section.file{margin-top:20px;content-visibility:auto;contain-intrinsic-size:auto 480px}
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
pre.code{font:12px/1.5 ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",${CJK},monospace;background:#8881;padding:6px 8px;overflow-x:auto;margin:6px 0;white-space:pre}
.ln{display:inline-block;min-width:3em;color:var(--muted);user-select:none}
mark{background:var(--mark);color:inherit;outline:1px solid var(--err);border-radius:2px}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:0 12px;margin:4px 0;font-size:12px;color:var(--muted)}
dl.evidence dt{font-weight:600}dl.evidence dd{margin:0;word-break:break-all}
.print-only{display:none}
[hidden]{display:none!important}
@media print{
:root{color-scheme:light;--bg:#fff;--fg:#000;--muted:#333;--line:#999;--err:#000;--warn:#000}
body{font-size:11pt}
#filters,#supp-more,noscript{display:none!important}
.print-only{display:block}
.scroll{max-height:none;overflow:visible}
button.pick{text-decoration:none}
.badge{color:#000;background:none!important;border:1px solid #000;padding:0 4px}
.badge.warning{border-style:dashed}
.finding{border-left:2px solid #000;break-inside:avoid}
.finding[data-severity=warning]{border-left-style:dashed}
mark{background:none;outline:none;border-radius:0;font-weight:700;text-decoration:underline 2px;text-underline-offset:2px}
pre.code{background:none;border:1px solid #ccc;white-space:pre-wrap;word-break:break-all;overflow:visible}
h2,h3{break-after:avoid}
section.file{content-visibility:visible}
}
`;

/**
 * Builds the findings from the page's JSON block (`#wg-data`): `s` every string once;
 * `r` the rules as [id, short, help]; `f` the findings as
 * [file, line, column, rule, isError, message, zh (-1: none), [line, text, …], [[contextIndex, start, end], …], [key, value, …], host (-1: none)],
 * strings as indexes into `s`, `rule` into `r`; `u` the suppressions as [file, line, rule, reason, by].
 * Files are drawn a chunk at a time as the last one nears the viewport, all of them
 * before printing; filters walk the arrays and redraw from the top. Creates text
 * nodes only, never markup from data.
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('wg-data').textContent);
  var S = D.s, R = D.r, F = D.f, U = D.u;
  var CHUNK = 80;
  var $ = function (id) { return document.getElementById(id); };
  var main = $('findings'), ruleSel = $('rule'), hostSel = $('host'), err = $('sev-error'), warn = $('sev-warning'), shown = $('shown'), active = $('active');
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var ruleIndex = new Map(R.map(function (r, i) { return [r[0], i]; }));
  var hostIndex = new Map();
  var files = [], byFile = new Map();
  F.forEach(function (f, i) {
    if (f[10] >= 0) hostIndex.set(S[f[10]], f[10]);
    var list = byFile.get(f[0]);
    if (!list) { list = []; byFile.set(f[0], list); files.push(f[0]); }
    list.push(i);
  });

  var view = [], next = 0, total = 0;
  var sentinel = el('div', 'sentinel');
  var observer = typeof IntersectionObserver === 'function' ? new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) more(false);
  }, { rootMargin: '1500px 0px' }) : null;

  function apply() {
    var ri = ruleSel.value === '' ? -1 : ruleIndex.get(ruleSel.value);
    var hi = hostSel.value === '' ? -1 : hostIndex.get(hostSel.value);
    var e = err.checked, w = warn.checked;
    view = []; total = 0;
    for (var k = 0; k < files.length; k++) {
      var list = byFile.get(files[k]), keep = [];
      for (var j = 0; j < list.length; j++) {
        var f = F[list[j]];
        if ((ri === -1 || f[3] === ri) && (hi === -1 || f[10] === hi) && (f[4] ? e : w)) keep.push(list[j]);
      }
      if (keep.length) { view.push([files[k], keep]); total += keep.length; }
    }
    shown.textContent = total + ' shown';
    var parts = [];
    if (ri !== -1) parts.push('rule ' + ruleSel.value);
    if (hi !== -1) parts.push('host ' + hostSel.value);
    if (!e || !w) parts.push(e ? 'errors only' : w ? 'warnings only' : 'no severity');
    active.textContent = parts.length ? 'Showing ' + total + ' of ' + F.length + ' findings: ' + parts.join(', ') + '.' : '';
    main.textContent = '';
    next = 0;
    if (F.length && !total) main.appendChild(el('p', 'clean', 'No finding matches these filters.'));
    if (!F.length) main.appendChild(el('p', 'clean', 'No problems found.'));
    more(false);
  }

  function more(all) {
    if (sentinel.parentNode) sentinel.parentNode.removeChild(sentinel);
    var budget = all || !observer ? Infinity : CHUNK;
    var frag = document.createDocumentFragment();
    while (next < view.length && budget > 0) {
      frag.appendChild(section(view[next]));
      budget -= view[next][1].length;
      next++;
    }
    main.appendChild(frag);
    if (next < view.length) {
      main.appendChild(sentinel);
      // observe() reports the current state once: a sentinel still in reach draws the next chunk.
      observer.unobserve(sentinel);
      observer.observe(sentinel);
    }
  }

  function section(item) {
    var s = el('section', 'file');
    s.dataset.file = S[item[0]];
    var h = el('h2');
    h.append(el('span', 'path', S[item[0]]), ' ', el('span', 'count', String(item[1].length)));
    s.appendChild(h);
    var groups = new Map();
    item[1].forEach(function (i) {
      var g = groups.get(F[i][3]);
      if (!g) { g = []; groups.set(F[i][3], g); }
      g.push(i);
    });
    groups.forEach(function (list, ri) {
      var rule = R[ri];
      var g = el('div', 'rule-group');
      g.dataset.rule = rule[0];
      var h3 = el('h3');
      h3.append(el('code', null, rule[0]), ' — ' + rule[1] + ' ', el('span', 'count', String(list.length)));
      g.append(h3, el('p', 'help', rule[2]));
      list.forEach(function (i) { g.appendChild(finding(F[i])); });
      s.appendChild(g);
    });
    return s;
  }

  function finding(f) {
    var sev = f[4] ? 'error' : 'warning';
    var a = el('article', 'finding');
    a.dataset.rule = R[f[3]][0];
    a.dataset.severity = sev;
    var head = el('p', 'head');
    head.append(el('span', 'badge ' + sev, sev), ' ', el('a', 'loc', S[f[0]] + ':' + f[1] + ':' + f[2]), ' ' + S[f[5]]);
    a.appendChild(head);
    if (f[6] >= 0) {
      var zh = el('p', 'zh', S[f[6]]);
      zh.lang = 'zh-CN';
      a.appendChild(zh);
    }
    var pre = el('pre', 'code'), ctx = f[7], marks = new Map();
    f[8].forEach(function (m) { marks.set(m[0], m); });
    for (var i = 0; i < ctx.length; i += 2) {
      if (i) pre.append('\\n');
      pre.appendChild(el('span', 'ln', String(ctx[i])));
      var text = S[ctx[i + 1]], m = marks.get(i / 2);
      if (!m) { pre.append(text); continue; }
      pre.append(text.slice(0, m[1]), el('mark', null, text.slice(m[1], m[2]) || ' '), text.slice(m[2]));
    }
    a.appendChild(pre);
    if (f[9].length) {
      var dl = el('dl', 'evidence');
      for (var k = 0; k < f[9].length; k += 2) dl.append(el('dt', null, S[f[9][k]]), el('dd', null, S[f[9][k + 1]]));
      a.appendChild(dl);
    }
    return a;
  }

  var suppBody = $('supp-body'), suppMore = $('supp-more'), suppDrawn = 0;
  function suppressions(all) {
    if (!suppBody) return;
    var end = all ? U.length : Math.min(U.length, suppDrawn + 100);
    var frag = document.createDocumentFragment();
    for (; suppDrawn < end; suppDrawn++) {
      var u = U[suppDrawn], tr = el('tr');
      tr.append(el('td', 'loc', S[u[0]] + ':' + u[1]), el('td', null, S[u[2]]), el('td', null, S[u[4]]), el('td', null, S[u[3]]));
      frag.appendChild(tr);
    }
    suppBody.appendChild(frag);
    suppMore.hidden = suppDrawn >= U.length;
    suppMore.textContent = 'Show all ' + U.length;
  }

  function printAll() {
    if (next < view.length) more(true);
    suppressions(true);
  }

  document.querySelectorAll('[data-pick-rule]').forEach(function (b) {
    b.addEventListener('click', function () { ruleSel.value = b.dataset.pickRule; apply(); $('filters').scrollIntoView(); });
  });
  document.querySelectorAll('[data-pick-host]').forEach(function (b) {
    b.addEventListener('click', function () { hostSel.value = b.dataset.pickHost; apply(); $('filters').scrollIntoView(); });
  });
  [ruleSel, hostSel, err, warn].forEach(function (c) { c.addEventListener('change', apply); });
  $('filters').addEventListener('submit', function (e) { e.preventDefault(); });
  if (suppMore) suppMore.addEventListener('click', function () { suppressions(true); });
  window.addEventListener('beforeprint', printAll);
  var print = window.matchMedia('print');
  print.addEventListener('change', function (e) { if (e.matches) printAll(); });
  suppressions(false);
  apply();
})();
`;
