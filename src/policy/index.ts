/**
 * Policy: the shipped whitelist/ and rules/ plus a project's config, validated by
 * zod and compiled once into host-suffix matchers; `classifyLink` decides a link.
 */
export { loadPolicy, policyFiles, PolicyError, RedirectorMatcher, ShortenerMatcher, type LoadPolicyOptions, type Policy, type RedirectorEntry, type ShortenerEntry } from './load.js';
export { classifyLink, describeEntry, type DecidingEntry, type LinkDecision, type LinkRule } from './classify.js';
export { HostMatcher, hostSuffixes, MAX_HOST_LENGTH, pathHasPrefix, type PolicyEntry } from './matcher.js';
export {
  normalizeTerm,
  compileCompetitors,
  type CompiledCompetitors,
  type CompiledCompetitorService,
  type CompiledTerm,
  type UrlException,
} from './competitors.js';
export { formatIssue, type PolicyIssue } from './source.js';
export { expiredEntryFor, POLICY_WARNING_KINDS, type ExpiredWarning, type PolicyWarning, type PolicyWarningKind } from './warnings.js';
export * from './schema.js';
export { lintPolicy, LINT_KINDS, type LintKind, type LintProblem } from './lint.js';
export { followRedirects, mayRedirect, describeChain, chainReason, MAX_DEPTH, type RedirectChain, type RedirectHop } from './redirect.js';
