import type { Channel } from '../context.js';
import { HostMatcher, type PolicyEntry } from './matcher.js';

/**
 * What a loaded policy warns about; every front door says these once per run.
 * `expired` and `expiring` are whitelist entries by their `expires` date (checked
 * against the loader's `now`); `never-applies` is an allow entry a deny on the same
 * domain always beats.
 */
export const POLICY_WARNING_KINDS = ['expired', 'expiring', 'never-applies'] as const;
export type PolicyWarningKind = (typeof POLICY_WARNING_KINDS)[number];

/** One warning about the policy, as plain data: where, which domain, and a sentence for a person. */
export interface PolicyWarning {
  readonly kind: PolicyWarningKind;
  readonly file: string;
  /** 1-based line of the entry's `expires` field (expiry), or of the entry. */
  readonly line: number;
  readonly domain: string;
  /** The entry's `expires` date (YYYY-MM-DD): present for `expired` and `expiring`. */
  readonly expires?: string;
  /** English, `domain: what is wrong`. */
  readonly message: string;
  /** The entry as it would have been compiled: present for `expired` (it is left out of the matcher). */
  readonly entry?: PolicyEntry;
}

/** An expired warning with the entry it dropped. */
export type ExpiredWarning = PolicyWarning & { readonly kind: 'expired'; readonly expires: string; readonly entry: PolicyEntry };

const expiredMatchers = new WeakMap<readonly PolicyWarning[], { matcher: HostMatcher; byEntry: Map<PolicyEntry, ExpiredWarning> }>();

/**
 * The expired whitelist entry that would have decided this host, path and channel,
 * had it not lapsed: what `explain` names instead of "no entry covers this host".
 * The matcher is built once per policy, on first use, from its warnings.
 */
export function expiredEntryFor(policy: { readonly warnings: readonly PolicyWarning[] }, host: string, path = '/', channel: Channel = 'reply'): ExpiredWarning | undefined {
  let compiled = expiredMatchers.get(policy.warnings);
  if (!compiled) {
    const expired = policy.warnings.filter((w): w is ExpiredWarning => w.kind === 'expired' && w.entry !== undefined && w.expires !== undefined);
    compiled = { matcher: new HostMatcher(expired.map((w) => w.entry)), byEntry: new Map(expired.map((w) => [w.entry, w])) };
    expiredMatchers.set(policy.warnings, compiled);
  }
  if (compiled.matcher.size === 0) return undefined;
  const entry = compiled.matcher.match(host, path, channel);
  return entry ? compiled.byEntry.get(entry) : undefined;
}
