import { loadPolicy, PolicyError, type LoadPolicyOptions } from './load.js';
import { hostSuffixes, type PolicyEntry } from './matcher.js';
import { isPublicSuffix } from './schema.js';

/** What `policy lint` can say about an entry; each kind has one severity. */
export const LINT_KINDS = {
  /** The policy does not load (a schema error, a public suffix without `suffix: true`, …). */
  invalid: 'error',
  /** The entry expired and no longer applies. */
  expired: 'error',
  /** The entry expires within the warning period. */
  expiring: 'warning',
  /** A deny on the same domain wins everywhere, so the allow entry never applies. */
  'never-applies': 'warning',
  /** A broader allow entry (a parent domain, every path and channel) already covers it. */
  shadowed: 'warning',
  /** The source names no evidence (a placeholder such as TODO or "?"). */
  'no-source': 'warning',
  /** Marked `suffix: true`, but the bundled public-suffix list no longer lists it. */
  'not-a-suffix': 'warning',
} as const;
export type LintKind = keyof typeof LINT_KINDS;

export interface LintProblem {
  readonly kind: LintKind;
  readonly severity: (typeof LINT_KINDS)[LintKind];
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const PLACEHOLDER_SOURCE = /^(todo|tbd|fixme|unknown|n\/?a|none|-+|\?+|x+)$/i;

/**
 * Checks the policy a maintainer keeps (the shipped whitelist/ and rules/ plus the
 * project config) for entries that are wrong, lapsed or dead weight. Loading problems
 * come first, as the loader words them; a policy that does not load is linted no further.
 */
export function lintPolicy(options: LoadPolicyOptions = {}): LintProblem[] {
  const problem = (kind: LintKind, file: string, line: number, message: string): LintProblem => ({ kind, severity: LINT_KINDS[kind], file, line, message });
  let policy;
  try {
    policy = loadPolicy(options);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    return err.issues.map((i) => problem('invalid', i.file, i.line, i.message));
  }
  const out: LintProblem[] = [];
  for (const w of policy.warnings) out.push(problem(w.kind, w.file, w.line, w.message));
  const entries = policy.whitelist.entries();
  const broad = new Map<string, PolicyEntry>();
  for (const e of entries) if (e.kind === 'allow' && !e.paths && !e.channels) broad.set(e.domain, e);
  for (const e of entries) {
    if (e.kind === 'allow') {
      for (const parent of hostSuffixes(e.domain)) {
        const cover = parent === e.domain ? undefined : broad.get(parent);
        if (cover) {
          out.push(problem('shadowed', e.file, e.line, `${e.domain}: already covered by ${cover.domain} (${cover.file}:${cover.line}); remove it, or narrow the broader entry`));
          break;
        }
      }
    }
    if (e.source !== undefined && PLACEHOLDER_SOURCE.test(e.source.trim())) {
      out.push(problem('no-source', e.file, e.line, `${e.domain}: source "${e.source}" names no evidence; cite the register, filing or page the listing rests on`));
    }
    if (e.suffix && !isPublicSuffix(e.domain)) {
      out.push(problem('not-a-suffix', e.file, e.line, `${e.domain}: marked "suffix: true" but the bundled public-suffix list no longer lists it; drop "suffix: true"`));
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
