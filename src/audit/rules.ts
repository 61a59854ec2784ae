import { RULE_CATALOG, RuleCatalogSchema, ruleDoc as catalogDoc, type RuleCatalog, type RuleDoc } from '../checks/catalog.js';

export type { RuleDoc } from '../checks/catalog.js';

/**
 * The rules the audit raises itself, beside the engine's (whose docs live in the
 * engine's catalogue): files it could not read or check, hosts it could not resolve
 * statically, and suppression comments.
 */
export const AUDIT_RULE_DOCS: Readonly<RuleCatalog> = RuleCatalogSchema.parse({
  // A link/ id because it is about a link's host, but only the audit raises it: the
  // engine always sees the whole text at send time.
  'link/unresolved': {
    short: 'Link host computed at run time',
    help: 'Part of the host of this link is not a constant, so the audit cannot check it against the whitelist. The pre-send gate still checks it when the reply is sent; prefer a constant host so reviews can see it.',
  },
  'audit/unreadable': {
    short: 'File could not be read',
    help: 'The file is not valid JSON/YAML or not UTF-8, so nothing in it was checked; or it is TS/JS with a syntax error, or nested deeper than the TypeScript parser reads (thousands of parentheses or calls), so only its strings were checked, one by one. Fix the syntax or flatten the nesting at the reported position.',
  },
  'audit/engine-error': { short: 'The checks failed on this text', help: 'The engine raised an error on this text, so it was not checked. This is a bug in weibo-guard: report it with the text.' },
  'audit/file-too-large': { short: 'File too large to audit', help: 'Files over the size limit are refused rather than checked slowly. Split the file or raise --max-file-bytes.' },
  'audit/suppression-without-reason': {
    short: 'Suppression without a reason',
    help: 'Write `// weibo-guard-disable-next-line <rule> -- <reason>`. A suppression without a reason silences nothing, so reviewers always see why a finding was accepted.',
  },
  'audit/unused-suppression': { short: 'Suppression that silences nothing', help: 'No finding of the named rule starts on the next line. Remove the comment so it cannot hide a future finding.' },
});

/** Every rule an audit report can carry: the engine's and the audit's own, merged once at load. */
export const RULE_DOCS: Readonly<RuleCatalog> = Object.freeze({ ...RULE_CATALOG, ...AUDIT_RULE_DOCS });

/** For SARIF descriptors and the HTML page; a rule not documented gets one built from its first message. */
export function ruleDoc(rule: string, firstMessage: string): RuleDoc {
  return catalogDoc(rule, firstMessage, RULE_DOCS);
}
