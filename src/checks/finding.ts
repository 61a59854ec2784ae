import type { Evidence, Finding, Localized, Severity, Span } from '../findings.js';

/** The one way checks build a finding, so every finding has the same plain shape. */
export function finding(
  rule: string,
  severity: Severity,
  message: Localized,
  path: string,
  extra: { span?: Span | undefined; evidence?: Evidence | undefined } = {},
): Finding {
  const f: Finding = { rule, severity, message, path };
  if (extra.span) f.span = extra.span;
  if (extra.evidence) f.evidence = extra.evidence;
  return f;
}

/** `['data', 'articles', 2, 'url']` → `data.articles[2].url`. */
export function formatPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out;
}

/** Joins a base path and a child key the same way formatPath does. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}
