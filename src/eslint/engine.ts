import type { ContextInput } from '../context.js';
import type { Finding } from '../findings.js';
import type { Gate } from '../gate.js';
import { templatePayloadFindings } from '../checks/templates.js';
import type { PayloadSite, StringSite } from './sites.js';

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

export type Judged = { kind: 'text' | 'url'; site: StringSite } | { kind: 'payload'; site: PayloadSite };

/** A bounded map: oldest entry out first, so a long run keeps its memory flat. */
class Bounded<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (this.size >= this.max && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}

/** Everything judged under one (gate, account, channel), per node and per distinct value. */
interface Judgments {
  /**
   * Per node: with all three rules on, each string is still judged once, because every
   * rule asks for the same node's findings and keeps its own share. Weak, so it lives
   * exactly as long as the file's AST.
   */
  readonly byNode: WeakMap<object, Finding[]>;
  /**
   * Per value, across files: template repos repeat their phrases, footers, links and
   * payloads, and the gate is a pure function of (policy, value, context). Bounded and
   * only for values of ordinary length. Findings are shared plain data: nothing
   * downstream mutates them.
   */
  readonly text: Bounded<string, Finding[]>;
  readonly url: Bounded<string, Finding[]>;
  readonly payload: Bounded<string, Finding[]>;
}

/** 10,000 values of at most 1 KiB (payloads 4 KiB serialized) per map: tens of MB at worst. */
const MAX_VALUES = 10_000;
const MAX_TEXT_LENGTH = 1_024;
const MAX_PAYLOAD_LENGTH = 4_096;

/** Keyed weakly on the gate, so a reloaded policy starts afresh. */
const judgments = new WeakMap<Gate, Map<string, Judgments>>();

export type Judge = (target: Judged) => Finding[];

/**
 * The judge for one rule on one file: caches are looked up here, once, and each string
 * then costs one weak-map look-up when another rule has judged it already.
 */
export function judgeWith(gate: Gate, context: Pick<ContextInput, 'account' | 'channel'>): Judge {
  const ctxKey = `${context.account ?? ''}\0${context.channel ?? ''}`;
  let perGate = judgments.get(gate);
  if (!perGate) judgments.set(gate, (perGate = new Map()));
  let j = perGate.get(ctxKey);
  if (!j) perGate.set(ctxKey, (j = { byNode: new WeakMap(), text: new Bounded(MAX_VALUES), url: new Bounded(MAX_VALUES), payload: new Bounded(MAX_VALUES) }));
  const cache = j;
  // Only what the rule was told; the gate fills the rest from the project config.
  const ctx: ContextInput = {};
  if (context.account) ctx.account = context.account;
  if (context.channel) ctx.channel = context.channel;

  const byValue = (values: Bounded<string, Finding[]>, key: string | null, max: number, compute: () => Finding[]): Finding[] => {
    if (key === null || key.length > max) return compute();
    let findings = values.get(key);
    if (!findings) values.set(key, (findings = compute()));
    return findings;
  };
  return (target) => {
    let findings = cache.byNode.get(target.site.node);
    if (!findings) {
      if (target.kind === 'payload') {
        const site = target.site;
        findings = byValue(cache.payload, payloadKey(site), MAX_PAYLOAD_LENGTH, () => judgePayload(gate, site, ctx));
      } else {
        const value = target.site.value;
        findings = byValue(cache[target.kind], value, MAX_TEXT_LENGTH, () => (target.kind === 'url' ? gate.checkUrl(value, ctx) : gate.checkText(value, ctx)));
      }
      cache.byNode.set(target.site.node, findings);
    }
    return findings;
  };
}

/** The same value with the same unknown parts gives the same findings. */
function payloadKey(site: PayloadSite): string | null {
  const text = serialize(site.value);
  return text === null ? null : `${[...site.unknown].join('\0')}\0${text}`;
}

/** A template is judged as the audit judges it: a stand-in receiver, nothing reported under unknown parts. */
function judgePayload(gate: Gate, site: PayloadSite, ctx: ContextInput): Finding[] {
  return templatePayloadFindings((message) => gate.check(message, ctx), site.value, site.unknown);
}

/** A payload literal's value as a cache key: JSON, with bigints (receiver ids) kept apart from strings. */
function serialize(value: unknown): string | null {
  try {
    // Without a replacer first: a replacer is called for every key of every payload,
    // and only the rare bigint literal needs one (JSON.stringify throws on it).
    return JSON.stringify(value);
  } catch {
    try {
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
    } catch {
      return null;
    }
  }
}
