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
  | 'obfuscated'
  /** A WeChat mini program shared as text: `#小程序://名称/code` (scheme `weixin`, no URL). */
  | 'miniprogram';

/** The app that opens a `#小程序://` text link: WeChat, whose deep links use this scheme. */
export const MINI_PROGRAM_SCHEME = 'weixin';
/**
 * WeChat opens a `#小程序://` text link as it opens its mini-program URL Scheme, so the
 * policy judges it as that deep link (channel exceptions for mini programs apply).
 */
export const MINI_PROGRAM_DEEP_LINK = 'weixin://dl/business/';

/** An invisible character removed from a link's scheme, userinfo or host before judging. */
export interface InvisibleChar {
  /** UTF-16 offset in the original text. */
  at: number;
  /** `U+0000`, `U+200B`, `U+E0063`. */
  code: string;
  /** `NUL`, `ZERO WIDTH SPACE`, `TAG LATIN SMALL LETTER C`. */
  name: string;
}

export type HostType = 'domain' | 'ipv4' | 'ipv6';

/** The obfuscations findLinks folds, as listed in FoundLink.folded. */
export const FOLD_KINDS = ['fullwidth-dot', 'fullwidth-letter', 'compat-letter', 'zero-width', 'bracket-dot', 'word-dot', 'spaced-dot', 'lookalike-dot'] as const;
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
   * Equal to domain/publicSuffix when no private rule applies. findLinks always sets it;
   * optional so that a caller building a FoundLink by hand need not.
   */
  privateDomain?: string | null;
  privateSuffix?: string | null;
  /** True when the URL carried userinfo (`user:pass@`), which the canonical form drops. */
  credentials: boolean;
  /** Canonical path + query, for path-prefix whitelist entries (`/` when empty). */
  path: string;
  /**
   * Set on a bare two-label name such as `readme.md` or `CHANGELOG.md` that reads as a
   * file name (links/filename.ts): the policy still judges it, and a host that is not
   * whitelisted is then a warning, not an error. Absent otherwise.
   */
  fileName?: true;
  /** Invisible characters removed from the scheme, userinfo or host (absent when none). */
  invisible?: InvisibleChar[];
}
