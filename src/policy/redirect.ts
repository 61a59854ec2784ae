import type { Channel } from '../context.js';
import type { Localized } from '../findings.js';
import { canonicalize } from '../links/canonicalize.js';
import { embeddedTargets, mayCarryTarget } from '../links/redirect.js';
import type { FoundLink } from '../links/types.js';
import { classifyLink, type LinkDecision } from './classify.js';
import type { Policy, RedirectorEntry } from './load.js';

/**
 * Following the absolute URLs a link carries (seed 002: the destination decides).
 * Each target is canonicalized like a URL field and classified like any link; an
 * allowed target is followed in turn, to MAX_DEPTH hops. A listed redirector none of
 * whose parameters holds a readable target is a destination nobody can check.
 */

/** Hops followed after the link itself; a chain longer than this is not followed further. */
export const MAX_DEPTH = 3;
/** Targets judged for one link across all hops. */
const MAX_JUDGED = 16;

export interface RedirectHop {
  link: FoundLink;
  decision: LinkDecision;
  /** How the previous hop carried it: `query u` or `path`. */
  via: string;
}

export interface RedirectChain {
  /** The link itself first, then every hop to the one that decided. */
  hops: RedirectHop[];
  /** The last hop is not allowed (its decision says why), or `unreadable` names the redirector whose target cannot be read. */
  unreadable?: RedirectorEntry;
}

/** Path, query and fragment: everything after the host that a page can read a target from. */
function carried(link: FoundLink): string {
  const u = link.url;
  // href is scheme://host + path (+ userinfo, port, #fragment): equal lengths mean no fragment, with no search for it.
  if (u === null || u.length === link.scheme.length + 3 + (link.host?.length ?? 0) + link.path.length) return link.path;
  const h = u.indexOf('#');
  return h < 0 ? link.path : link.path + u.slice(h);
}

/** Whether a link is worth following at all: cheap, run on every allowed link. */
export function mayRedirect(link: FoundLink, policy: Policy): boolean {
  if (!link.web || link.host === null) return false;
  const rest = carried(link);
  if (rest.length <= 1) return false;
  return mayCarryTarget(rest) || (policy.redirectors.mayApply(link.path) && policy.redirectors.match(link.host, link.path) !== undefined);
}

/**
 * The first chain from `link` to a target that is not allowed (or to a listed
 * redirector whose target cannot be read); null when every target reached is allowed.
 * `seen`, when given, receives every hop judged (for `explain`).
 */
export function followRedirects(link: FoundLink, decision: LinkDecision, policy: Policy, channel: Channel, seen?: RedirectHop[]): RedirectChain | null {
  const budget = { judged: 0 };
  return walk([{ link, decision, via: '' }], policy, channel, budget, seen);
}

function walk(chain: RedirectHop[], policy: Policy, channel: Channel, budget: { judged: number }, seen?: RedirectHop[]): RedirectChain | null {
  const last = chain[chain.length - 1] as RedirectHop;
  const { link } = last;
  if (!link.web || link.host === null) return null;
  const targets = embeddedTargets(carried(link));
  const redirector = policy.redirectors.match(link.host, link.path);
  let readable = false;
  for (const t of targets) {
    if (budget.judged >= MAX_JUDGED) break;
    const target = canonicalize(t.value);
    if (target === null) continue;
    if (redirector && t.param !== null && redirector.params.includes(t.param)) readable = true;
    budget.judged++;
    const decision = classifyLink(target, policy, channel);
    const hop: RedirectHop = { link: target, decision, via: t.param === null ? t.where : `${t.where === 'fragment' ? 'fragment' : 'query'} ${t.param}` };
    seen?.push(hop);
    const next = [...chain, hop];
    if (!decision.allowed) return { hops: next };
    if (chain.length < MAX_DEPTH) {
      const deeper = walk(next, policy, channel, budget, seen);
      if (deeper !== null) return deeper;
    }
  }
  if (redirector && !readable) return { hops: chain, unreadable: redirector };
  return null;
}

/** `weibo.cn → evil.cn`: the hosts of a chain as evidence names them. */
export function describeChain(chain: RedirectChain): string {
  const hosts = chain.hops.map((h) => h.link.host ?? h.link.raw).join(' → ');
  const last = chain.hops[chain.hops.length - 1] as RedirectHop;
  if (chain.unreadable) return `${hosts} → ? (${chain.unreadable.file}:${chain.unreadable.line} ${chain.unreadable.domain}: none of ${chain.unreadable.params.join(', ')} holds a readable URL)`;
  return `${hosts} (${last.decision.rule}, via ${last.via})`;
}

/** The reason a chain blocks, naming both ends. */
export function chainReason(chain: RedirectChain): Localized {
  const first = chain.hops[0] as RedirectHop;
  const last = chain.hops[chain.hops.length - 1] as RedirectHop;
  const from = first.link.host ?? first.link.raw;
  if (chain.unreadable) {
    const r = chain.unreadable;
    return {
      en: `${from} is a redirect page (${r.operator}) whose target cannot be read; link to the destination itself`,
      zh: `${from} 是${r.operatorZh ? `${r.operatorZh}的` : ''}跳转页面，无法读出其目标；请直接链接目标网页`,
    };
  }
  const to = last.link.host ?? last.link.raw;
  const hops = chain.hops.length - 1;
  return {
    en: `${from} redirects to ${to}${hops > 1 ? ` (after ${hops} hops)` : ''}, which is not allowed: ${last.decision.reason.en}`,
    zh: `${from} 会跳转到 ${to}${hops > 1 ? `（经过 ${hops} 次跳转）` : ''}，该目标不被允许：${last.decision.reason.zh}`,
  };
}
