import { z } from 'zod';
import { LocalizedSchema, RuleIdSchema, SeveritySchema, type Localized, type RuleId, type Severity } from './registry.js';

/**
 * The engine's one output shape. Findings are plain data: every front door (gate,
 * CLI, audit, ESLint, sender) formats them itself and none of them re-derives them.
 * Severity, bilingual text and rule ids are the rule registry's.
 */
export { LocalizedSchema, SeveritySchema, type Localized, type RuleId, type RuleIds, type Severity } from './registry.js';

/** `[start, end)` in UTF-16 units: into the string at a finding's `path`, or, for a site in a template, into its file's text. */
export const SpanSchema = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export type Span = z.infer<typeof SpanSchema>;

/** What decided a finding: enough for a reviewer to check the decision by hand. */
export const EvidenceSchema = z
  .object({
    /** The link or value as written. */
    text: z.string().optional(),
    /** Canonical URL (WHATWG href) when the finding is about a link. */
    url: z.string().optional(),
    /** Canonical host the decision was made on. */
    host: z.string().optional(),
    /** The policy entry that decided, e.g. `whitelist/media.yaml:12 people.com.cn`. */
    entry: z.string().optional(),
    /** The rule data that decided (a competitor name, a limit), free text. */
    detail: z.string().optional(),
  })
  .strict();
export type Evidence = z.infer<typeof EvidenceSchema>;

export const FindingSchema = z
  .object({
    /** Stable id such as `link/not-whitelisted`, `competitor/promotion`: one of src/registry.ts. */
    rule: RuleIdSchema,
    severity: SeveritySchema,
    message: LocalizedSchema,
    /** Path in the payload, e.g. `data.articles[2].url`; `text` for free text. */
    path: z.string(),
    span: SpanSchema.optional(),
    evidence: EvidenceSchema.optional(),
  })
  .strict();
export type Finding = z.infer<typeof FindingSchema>;

export const VerdictSchema = z.object({ allowed: z.boolean(), findings: z.array(FindingSchema) });
export type Verdict = z.infer<typeof VerdictSchema>;

/** `allowed` is derived, never stored separately: false iff any finding is an error. */
export function verdictOf(findings: Finding[]): Verdict {
  return { allowed: !findings.some((f) => f.severity === 'error'), findings };
}

/** The one way to build a finding, so every finding has the same plain shape. */
export function finding(
  rule: RuleId,
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
