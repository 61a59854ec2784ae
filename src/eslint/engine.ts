import type { ContextInput } from '../context.js';
import type { Finding } from '../findings.js';
import type { Gate } from '../gate.js';
import { templatePayloadFindings } from '../checks/templates.js';
import type { Site } from '../sites/model.js';

/** The three rules, and which engine findings each one reports. */
export type RuleName = 'links' | 'competitor' | 'payload';

/**
 * Engine rule ids are `family/what`; the family picks the ESLint rule. Anything that
 * is not about a link or a competitor is about the message itself (its shape, length,
 * fields, receiver): the payload rule reports it, so no finding is ever dropped.
 */
export function ruleFor(finding: Pick<Finding, 'rule'>): RuleName {
  if (finding.rule.startsWith('link/')) return 'links';
  if (finding.rule.startsWith('competitor/')) return 'competitor';
  return 'payload';
}

export type Judge = (site: Site) => Finding[];

/**
 * The judge for the rules of one file. Each site of a file is judged once (one listener
 * per file feeds all three rules).
 */
// Values are not cached across files: BENCHMARKS.md ("eslint") measured such a cache
// at no difference within noise, the gate's `checkText` being about a microsecond and
// a half a string.
export function judgeWith(gate: Gate, context: Pick<ContextInput, 'account' | 'channel'>): Judge {
  // Only what the rule was told; the gate fills the rest from the project config.
  const ctx: ContextInput = {};
  if (context.account) ctx.account = context.account;
  if (context.channel) ctx.channel = context.channel;
  return (site) => {
    if (site.kind === 'payload') return templatePayloadFindings((message) => gate.check(message, ctx), site.value, site.unknown);
    return site.kind === 'url' ? gate.checkUrl(site.value, ctx) : gate.checkText(site.value, ctx);
  };
}
