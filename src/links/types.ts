/**
 * A link a reader could follow, as found in free text or a URL field.
 * Offsets are UTF-16 code units into the original, unmodified input.
 */
export type LinkForm =
  /** Written with a scheme: `https://…`, `weixin://…`, `javascript:…`. */
  | 'scheme'
  /** A bare host with a real TLD: `example.com/path`. */
  | 'bare'
  /** Disguised: `example。cn`, `example[.]cn`, `example 点 cn`, zero-width inside. */
  | 'obfuscated';

export type HostType = 'domain' | 'ipv4' | 'ipv6';

/** The obfuscations findLinks folds, as listed in FoundLink.folded. */
export const FOLD_KINDS = ['fullwidth-dot', 'fullwidth-letter', 'compat-letter', 'zero-width', 'bracket-dot', 'word-dot', 'spaced-dot'] as const;
export type FoldKind = (typeof FOLD_KINDS)[number];

export interface FoundLink {
  start: number;
  end: number;
  /** The text exactly as written (text.slice(start, end)). */
  raw: string;
  form: LinkForm;
  /** What obfuscations were folded (`fullwidth-dot`, `zero-width`, `bracket-dot`, `word-dot`, `spaced-dot`, `fullwidth-letter`, `compat-letter` for ⓔ, ᵉ, ℯ and the like; see FOLD_KINDS). Empty for clean links. */
  folded: string[];
  /** Lower-case scheme without colon (`https`; `http` is assumed for bare and obfuscated links). */
  scheme: string;
  /** True for http/https (and bare/obfuscated, which a browser opens as http). */
  web: boolean;
  /** WHATWG-serialized URL, or null when the text cannot be parsed as a URL at all. */
  url: string | null;
  /** Canonical host: lower-case, punycode ASCII, no trailing dot, IPv4 in dotted decimal, IPv6 in brackets. Null for non-web schemes without a host. */
  host: string | null;
  hostType: HostType | null;
  /** tldts registrable domain (`people.com.cn`), null for IPs and unknown suffixes. */
  domain: string | null;
  publicSuffix: string | null;
  /**
   * The same with the Public Suffix List's PRIVATE section (`github.io`, `blogspot.com`):
   * `alice.github.io` has domain `github.io` but privateDomain `alice.github.io`.
   * Equal to domain/publicSuffix when no private rule applies. Optional only so that
   * objects written before this field existed still type-check; findLinks always sets it.
   */
  privateDomain?: string | null;
  privateSuffix?: string | null;
  /** True when the URL carried userinfo (`user:pass@`), which the canonical form drops. */
  credentials: boolean;
  /** Canonical path + query, for path-prefix whitelist entries (`/` when empty). */
  path: string;
}
