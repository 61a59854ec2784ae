import { parse } from 'tldts';
import type { ParsedUrl } from './fasturl.js';
import type { FoundLink, HostType, LinkForm } from './types.js';

/**
 * Turning a candidate into a FoundLink: WHATWG `URL` decides what a browser would
 * open (userinfo, percent-decoding, IDNA, IPv4 in hex/decimal, IPv6), then tldts
 * names the public suffix and registrable domain of that canonical host.
 */

const ICANN = { extractHostname: false, allowPrivateDomains: false, mixedInputs: false } as const;
const WITH_PRIVATE = { extractHostname: false, allowPrivateDomains: true, mixedInputs: false } as const;

/** Where a candidate sits in the text and how it was written; the judge adds the rest. */
export interface Candidate {
  start: number;
  end: number;
  raw: string;
  form: LinkForm;
  folded: string[];
  credentials: boolean;
}

const WEB_SCHEMES: ReadonlySet<string> = new Set(['http', 'https']);

/** Longest host and label DNS can carry; longer is not a host anyone can reach. */
const MAX_HOST = 253;
const MAX_LABEL = 63;

/** Hosts with a `.`-free run of at most 63 and at most 253 in all; empty labels mean no host. */
export function dnsShaped(host: string): boolean {
  if (host.length === 0 || host.length > MAX_HOST) return false;
  let run = 0;
  for (let i = 0; i < host.length; i++) {
    if (host.charCodeAt(i) === 0x2e) {
      if (run === 0) return false;
      run = 0;
    } else if (++run > MAX_LABEL) return false;
  }
  return run > 0;
}

/** WHATWG serializes every IPv4 form (hex, octal, dword) to dotted decimal, so this check suffices. */
function isDottedQuad(host: string): boolean {
  let parts = 1;
  let digits = 0;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0) return false;
      parts++;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) digits++;
    else return false;
  }
  return parts === 4 && digits > 0;
}

export function hostTypeOf(host: string): HostType {
  if (host.charCodeAt(0) === 0x5b) return 'ipv6';
  return isDottedQuad(host) ? 'ipv4' : 'domain';
}

/**
 * Public-suffix facts of a canonical domain, ICANN section and with the PRIVATE
 * section (github.io). One tldts parse with private rules answers both unless a
 * private rule applied; only then is the ICANN-only parse needed.
 */
export function suffixFacts(host: string): Facts {
  let facts = factsMemo.get(host);
  if (facts === undefined) {
    facts = Object.freeze(computeFacts(host));
    // Bounded: a business account links to a few hosts again and again, an attacker to many once.
    if (factsMemo.size >= 4096) factsMemo.clear();
    factsMemo.set(host, facts);
  }
  return facts;
}

const factsMemo = new Map<string, Facts>();

function computeFacts(host: string): Facts {
  const priv = parse(host, WITH_PRIVATE);
  if (priv.isPrivate !== true) {
    const known = priv.isIcann === true;
    const domain = known ? priv.domain : null;
    const publicSuffix = known ? priv.publicSuffix : null;
    return { domain, publicSuffix, privateDomain: domain, privateSuffix: publicSuffix };
  }
  const icann = parse(host, ICANN);
  const known = icann.isIcann === true;
  return { domain: known ? icann.domain : null, publicSuffix: known ? icann.publicSuffix : null, privateDomain: priv.domain, privateSuffix: priv.publicSuffix };
}

/** `s` lower-cased, returned as is when it has no ASCII capitals. */
// V8's toLowerCase costs ~40 ns on a sliced string (measured), on the path of every candidate.
export function lowerAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7f) return s.toLowerCase();
  }
  return s;
}

/** True when `tld` (one label, any case, Unicode or punycode) is an ICANN top-level domain. */
const tldMemo = new Map<string, boolean>();
export function isKnownTld(tld: string): boolean {
  const key = lowerAscii(tld);
  let hit = tldMemo.get(key);
  if (hit === undefined) {
    const r = parse(`x.${key}`, ICANN);
    hit = r.isIcann === true && r.publicSuffix !== null && !r.publicSuffix.includes('.');
    // Bounded so that a text full of distinct fake TLDs cannot grow memory without limit.
    if (tldMemo.size >= 4096) tldMemo.clear();
    tldMemo.set(key, hit);
  }
  return hit;
}

type Facts = Pick<FoundLink, 'domain' | 'publicSuffix' | 'privateDomain' | 'privateSuffix'>;
const NO_FACTS: Facts = Object.freeze({ domain: null, publicSuffix: null, privateDomain: null, privateSuffix: null });

/**
 * Written out field by field: on Node 20 `{ ...c, ...facts }` takes a slow generic
 * path (about 18 µs a link, measured), which dominated a scan of many links.
 */
function makeLink(c: Candidate, scheme: string, web: boolean, url: string | null, host: string | null, hostType: HostType | null, f: Facts, path: string): FoundLink {
  return {
    start: c.start,
    end: c.end,
    raw: c.raw,
    form: c.form,
    folded: c.folded,
    scheme,
    web,
    url,
    host,
    hostType,
    domain: f.domain,
    publicSuffix: f.publicSuffix,
    privateDomain: f.privateDomain,
    privateSuffix: f.privateSuffix,
    credentials: c.credentials,
    path,
  };
}

/** A link whose text no URL parser accepts: still a link a reader sees, with nothing canonical to judge. */
export function unparsedLink(c: Candidate, scheme: string): FoundLink {
  return makeLink(c, scheme, WEB_SCHEMES.has(scheme), null, null, null, NO_FACTS, '/');
}

export interface JudgeOptions {
  /** Bare and obfuscated candidates count only with an ICANN public suffix and a registrable domain. */
  requireKnownSuffix: boolean;
}

/**
 * Describe a parsed URL. Null when its host could not exist in DNS (an empty or
 * over-long label) or, with requireKnownSuffix, has no real public suffix.
 */
export function judge(url: ParsedUrl, c: Candidate, options: JudgeOptions): FoundLink | null {
  const scheme = url.scheme;
  const web = scheme === 'https' || scheme === 'http';
  if (url.plainHost === true) {
    // The fast path already checked what the general path checks below: a DNS-shaped domain.
    const facts = suffixFacts(url.hostname);
    if (options.requireKnownSuffix && facts.domain === null) return null;
    return makeLink(c, scheme, web, url.href, url.hostname, 'domain', facts, url.path);
  }
  let host: string | null = url.hostname === '' ? null : url.hostname;
  if (host !== null && host.endsWith('.')) host = host.slice(0, -1);
  const hostType = host === null ? null : hostTypeOf(host);
  let facts = NO_FACTS;
  if (host !== null && hostType === 'domain') {
    // Non-web schemes keep an opaque host (weixin://dl): only web hosts must fit DNS.
    if (web && !dnsShaped(host)) return null;
    facts = suffixFacts(host);
    if (options.requireKnownSuffix && facts.domain === null) return null;
  } else if (options.requireKnownSuffix && hostType !== 'ipv4') {
    return null;
  }
  return makeLink(c, scheme, web, url.href, host, hostType, facts, url.path === '' ? '/' : url.path);
}
