import type { ContextInput } from '../context.js';
import type { Finding } from '../findings.js';
import type { Gate } from '../gate.js';
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

/**
 * Findings per (node, gate, context): with all three rules on, each string is still
 * judged once, because every rule asks for the same node's findings and keeps its own
 * share. Keyed weakly on the node, so the cache lives exactly as long as the file's AST.
 */
const byNode = new WeakMap<object, Map<string, Finding[]>>();

/**
 * Findings per string across files: template repos repeat their phrases, footers and
 * links, and the gate is a pure function of (policy, string, context). Bounded (oldest
 * out first) and only for strings of ordinary length, so memory stays small; keyed
 * weakly on the gate, so a reloaded policy starts afresh. Findings are shared plain
 * data: nothing downstream mutates them.
 */
const byString = new WeakMap<Gate, Map<string, Finding[]>>();
const MAX_STRINGS = 20_000;
const MAX_STRING_LENGTH = 2_048;

function judgeString(gate: Gate, kind: 'text' | 'url', value: string, ctxKey: string, ctx: ContextInput): Finding[] {
  const cacheable = value.length <= MAX_STRING_LENGTH;
  let strings = byString.get(gate);
  if (!strings) byString.set(gate, (strings = new Map()));
  const key = cacheable ? `${ctxKey}\0${kind}\0${value}` : '';
  const hit = cacheable ? strings.get(key) : undefined;
  if (hit) return hit;
  const findings = kind === 'url' ? gate.checkUrl(value, ctx) : gate.checkText(value, ctx);
  if (cacheable) {
    if (strings.size >= MAX_STRINGS) strings.delete(strings.keys().next().value!);
    strings.set(key, findings);
  }
  return findings;
}

export function judge(gate: Gate, gateId: string, context: Pick<ContextInput, 'account' | 'channel'>, target: Judged): Finding[] {
  const ctxKey = `${gateId}\0${context.account ?? ''}\0${context.channel ?? ''}`;
  const key = `${ctxKey}\0${target.kind}`;
  let perNode = byNode.get(target.site.node);
  if (!perNode) byNode.set(target.site.node, (perNode = new Map()));
  let findings = perNode.get(key);
  if (!findings) {
    // Only what the rule was told; the gate fills the rest from the project config.
    const ctx: ContextInput = {};
    if (context.account) ctx.account = context.account;
    if (context.channel) ctx.channel = context.channel;
    findings = target.kind === 'payload' ? judgePayload(gate, target.site, ctx, ctxKey) : judgeString(gate, target.kind, target.site.value, ctxKey, ctx);
    perNode.set(key, findings);
  }
  return findings;
}

/**
 * A template has no receiver yet (the sender fills it in at send time), so its absence
 * is not a finding here: a stand-in is added and its path treated as unknown — the
 * same reading the audit gives a payload literal, so both report the same findings.
 */
function judgePayload(gate: Gate, site: PayloadSite, ctx: ContextInput, ctxKey: string): Finding[] {
  // Payload templates repeat too; the same value and unknown parts give the same findings.
  const text = serialize(site.value);
  const key = text !== null && text.length <= MAX_STRING_LENGTH * 4 ? `${ctxKey}\0payload\0${[...site.unknown].join('\0')}\0${text}` : null;
  let strings = byString.get(gate);
  if (!strings) byString.set(gate, (strings = new Map()));
  const hit = key === null ? undefined : strings.get(key);
  if (hit) return hit;
  const findings = judgePayloadValue(gate, site, ctx);
  if (key !== null) {
    if (strings.size >= MAX_STRINGS) strings.delete(strings.keys().next().value!);
    strings.set(key, findings);
  }
  return findings;
}

/** A payload literal's value as a cache key: JSON, with bigints (receiver ids) kept apart from strings. */
function serialize(value: unknown): string | null {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
  } catch {
    return null;
  }
}

function judgePayloadValue(gate: Gate, site: PayloadSite, ctx: ContextInput): Finding[] {
  let value = site.value;
  let unknown = site.unknown;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('receiver_id' in value)) {
    value = { receiver_id: '1', ...value };
    unknown = new Set([...unknown, 'receiver_id']);
  }
  return gate.check(value, ctx).findings.filter((f) => !underUnknown(f.path, unknown));
}

/** True when `path` is an unknown path or lies under one: one set look-up per ancestor, not per unknown. */
function underUnknown(path: string, unknown: ReadonlySet<string>): boolean {
  if (unknown.size === 0) return false;
  if (unknown.has('') || unknown.has(path)) return true;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if ((c === '.' || c === '[') && unknown.has(path.slice(0, i))) return true;
  }
  return false;
}
