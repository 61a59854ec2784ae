import type { ContextInput } from '../context.js';
import type { Finding } from '../findings.js';
import type { Gate } from '../gate.js';
import { templatePayloadFindings } from '../checks/templates.js';
import type { PayloadSite, Site } from '../sites/model.js';

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


/**
 * At most `2 × max` entries in two generations: when the young one fills, the old one is
 * dropped whole and a value still in use moves up on its next hit. O(1) a call. Evicting
 * one oldest entry at a time from a single Map is not: V8 leaves the deleted slots at the
 * front of the table, and `keys().next()` walks them (measured on Node 20: 4.4 µs a set
 * at 10,000 entries, 0.34 µs at 1,000).
 */
export class Generations<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  constructor(private readonly max: number) {}
  /** Entries held, both generations. */
  get size(): number {
    return this.young.size + this.old.size;
  }
  get(key: string): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aging = this.old.get(key);
    if (aging !== undefined) this.set(key, aging);
    return aging;
  }
  set(key: string, value: V): void {
    if (this.young.size >= this.max) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

/**
 * Strings judged under one (gate, account, channel), per distinct value, across files:
 * template repos repeat their phrases, footers and links, and the gate is a pure
 * function of (policy, value, context). Bounded and only for values of ordinary length.
 * Findings are shared plain data: nothing downstream mutates them. (Each string of a
 * file is judged once anyway: one listener per file feeds all three rules.)
 *
 * Payload literals are not cached: on the 10,000-file bench repo 4% of them repeat, and
 * serializing each one into a key and hashing it cost more than judging them all.
 */
interface Judgments {
  readonly text: Generations<Finding[]>;
  readonly url: Generations<Finding[]>;
}

/**
 * 2 × 1,000 values of at most 1 KiB per kind. A value in use moves up on each hit, so
 * the phrases a repo repeats stay; one-off values (a path with a file's own id) pass
 * through. On the bench repo this keeps 75% of look-ups hits (77% at 10,000), and a
 * small table is faster to probe (0.07 µs a look-up at 1,000 entries, 0.29 µs at 20,000).
 */
const MAX_VALUES = 1_000;
const MAX_TEXT_LENGTH = 1_024;

/** Keyed weakly on the gate, so a reloaded policy starts afresh. */
const judgments = new WeakMap<Gate, Map<string, Judgments>>();

export type Judge = (site: Site) => Finding[];

/** The judge for the rules of one file: its caches are looked up here, once per file. */
export function judgeWith(gate: Gate, context: Pick<ContextInput, 'account' | 'channel'>): Judge {
  const ctxKey = `${context.account ?? ''}\0${context.channel ?? ''}`;
  let perGate = judgments.get(gate);
  if (!perGate) judgments.set(gate, (perGate = new Map()));
  let j = perGate.get(ctxKey);
  if (!j) perGate.set(ctxKey, (j = { text: new Generations(MAX_VALUES), url: new Generations(MAX_VALUES) }));
  const cache = j;
  // Only what the rule was told; the gate fills the rest from the project config.
  const ctx: ContextInput = {};
  if (context.account) ctx.account = context.account;
  if (context.channel) ctx.channel = context.channel;

  return (site) => {
    if (site.kind === 'payload') return judgePayload(gate, site, ctx);
    const value = site.value;
    const values = value.length <= MAX_TEXT_LENGTH ? cache[site.kind] : null;
    const known = values?.get(value);
    if (known) return known;
    const findings = site.kind === 'url' ? gate.checkUrl(value, ctx) : gate.checkText(value, ctx);
    values?.set(value, findings);
    return findings;
  };
}

/** A template is judged as the audit judges it: a stand-in receiver, nothing reported under unknown parts. */
function judgePayload(gate: Gate, site: PayloadSite, ctx: ContextInput): Finding[] {
  return templatePayloadFindings((message) => gate.check(message, ctx), site.value, site.unknown);
}
