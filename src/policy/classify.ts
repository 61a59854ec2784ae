import { CHANNEL_ZH, type Channel } from '../context.js';
import type { Localized, RuleIds } from '../findings.js';
import { MINI_PROGRAM_DEEP_LINK, type FoundLink } from '../links/types.js';
import { MAX_HOST_LENGTH, type PolicyEntry } from './matcher.js';
import type { Policy, ShortenerEntry } from './load.js';

/** The rule of the finding a refused link becomes. */
export type BlockingLinkRule = RuleIds<'link/not-whitelisted' | 'link/competitor' | 'link/shortener' | 'link/ip-address' | 'link/scheme' | 'link/credentials'>;
export type LinkRule = 'link/allowed' | BlockingLinkRule;

/** The policy line that decided, enough for a reviewer to check it by hand. */
export interface DecidingEntry {
  file: string;
  line: number;
  /** The host suffix, shortener domain, or deep-link prefix / scheme (`weixin:`) that matched. */
  domain: string;
  category: string;
  kind: 'allow' | 'deny';
  service?: string;
  note?: string;
}

// Allowed and rule go together, so a refusal's rule is a finding's id without a cast.
export type LinkDecision = ({ allowed: true; rule: 'link/allowed' } | { allowed: false; rule: BlockingLinkRule }) & {
  /** null when allowed; a Weibo-owned shortener (t.cn) is a warning. */
  severity: 'error' | 'warning' | null;
  entry?: DecidingEntry;
  reason: Localized;
};

/** `whitelist/media.yaml:12 people.com.cn`: the form Evidence.entry carries. */
export function describeEntry(entry: Pick<DecidingEntry, 'file' | 'line' | 'domain'>): string {
  return `${entry.file}:${entry.line} ${entry.domain}`;
}

function fromPolicyEntry(e: PolicyEntry): DecidingEntry {
  const out: DecidingEntry = { file: e.file, line: e.line, domain: e.domain, category: e.category, kind: e.kind };
  if (e.service !== undefined) out.service = e.service;
  if (e.note !== undefined) out.note = e.note;
  return out;
}

function fromShortener(s: ShortenerEntry): DecidingEntry {
  return { file: s.file, line: s.line, domain: s.domain, category: 'shorteners', kind: 'deny', note: s.note };
}

/** Whitelist categories as Chinese messages name them. */
const CATEGORY_ZH: Readonly<Record<string, string>> = { government: '政府网站', media: '持证媒体', platforms: '知名平台', companies: '认证企业官网', competitors: '竞品例外' };

const block = (rule: BlockingLinkRule, reason: Localized, entry?: DecidingEntry, severity: 'error' | 'warning' = 'error'): LinkDecision =>
  entry ? { allowed: false, rule, severity, entry, reason } : { allowed: false, rule, severity, reason };

/** A non-web link: a competitor's app deep link, unless a channel exception allows it, else a bare scheme finding. */
function classifyScheme(link: FoundLink, policy: Policy, channel: Channel): LinkDecision {
  const { competitors } = policy;
  const service = competitors.schemes.get(link.scheme);
  if (!service) {
    return block('link/scheme', {
      en: `"${link.scheme}:" links do not open a web page and are not allowed; only http(s) links to whitelisted sites are`,
      zh: `不允许“${link.scheme}:”链接：只允许指向白名单网站的 http(s) 链接`,
    });
  }
  const mini = link.form === 'miniprogram';
  const url = link.url ?? (mini ? MINI_PROGRAM_DEEP_LINK : link.raw);
  const exception = (competitors.urlExceptions.get(link.scheme) ?? []).find((e) => e.channels.includes(channel) && url.startsWith(e.prefix));
  if (exception) {
    return {
      allowed: true,
      rule: 'link/allowed',
      severity: null,
      entry: { file: exception.file, line: exception.line, domain: exception.prefix, category: 'competitors', kind: 'allow', service: service.id, note: exception.note },
      reason: { en: `allowed in ${channel}: ${exception.note}`, zh: `在${CHANNEL_ZH[channel]}渠道允许：${exception.noteZh}` },
    };
  }
  const reason = mini
    ? { en: `"${link.raw}" is a mini program link that opens ${service.name}, a service competing with Weibo`, zh: `“${link.raw}”是小程序链接，会打开与微博竞争的服务：${service.nameZh}` }
    : { en: `"${link.scheme}:" opens ${service.name}, a service competing with Weibo`, zh: `“${link.scheme}:”链接会打开与微博竞争的服务：${service.nameZh}` };
  return block(
    'link/competitor',
    reason,
    { file: service.file, line: service.line, domain: `${link.scheme}:`, category: 'competitors', kind: 'deny', service: service.id, note: service.name },
  );
}

/**
 * Decides one found link for one channel, in this order: non-web scheme
 * (competitor app → link/competitor, else link/scheme), IP host, credentials,
 * shortener, then the host matcher (most specific entry; deny → link/competitor,
 * allow → allowed), else link/not-whitelisted.
 *
 * Credentials are decided before the host on purpose: `https://weibo.com@evil.cn`
 * reads as weibo.com while it opens evil.cn, so the link is refused as written;
 * the host's own decision is still one `policy.whitelist.match(host)` away.
 */
export function classifyLink(link: FoundLink, policy: Policy, channel: Channel = 'reply'): LinkDecision {
  if (!link.web) return classifyScheme(link, policy, channel);
  const host = link.host;
  if (link.hostType === 'ipv4' || link.hostType === 'ipv6') {
    return block('link/ip-address', {
      en: `links to an IP address (${host ?? link.raw}) cannot be whitelisted; link to a whitelisted domain`,
      zh: `链接指向 IP 地址（${host ?? link.raw}），无法列入白名单；请使用白名单域名`,
    });
  }
  if (link.credentials) {
    return block('link/credentials', {
      en: `the link carries a user name or password before "@"; the site it opens is ${host ?? 'unclear'}, not what it seems`,
      zh: `链接在“@”前带有用户名或密码；实际打开的是 ${host ?? '未知网站'}，与看上去的不同`,
    });
  }
  if (host === null) {
    return block('link/not-whitelisted', { en: `"${link.raw}" cannot be read as a web address`, zh: `无法将“${link.raw}”识别为网址` });
  }
  if (host.length > MAX_HOST_LENGTH) {
    return block('link/not-whitelisted', {
      en: `the host is ${host.length} characters long; a host name has at most ${MAX_HOST_LENGTH}`,
      zh: `主机名长度为 ${host.length} 个字符，超过上限 ${MAX_HOST_LENGTH}`,
    });
  }
  const shortener = policy.shorteners.match(host);
  if (shortener) {
    return block(
      'link/shortener',
      {
        en: `${host} is a link shortener (${shortener.operator}): its target cannot be checked; link to the page itself`,
        zh: `${host} 是${shortener.operatorZh ? `${shortener.operatorZh}的` : ''}短链接服务，无法检查其目标；请直接链接目标网页`,
      },
      fromShortener(shortener),
      shortener.severity,
    );
  }
  const entry = policy.whitelist.match(host, link.path, channel);
  if (entry?.kind === 'deny') {
    const service = entry.service ? policy.competitors.byId.get(entry.service) : undefined;
    const name = service?.name ?? entry.service ?? entry.domain;
    // A project's own deny entry has no Chinese name: the domain it denies stands for it.
    const nameZh = service?.nameZh ?? entry.domain;
    return block('link/competitor', { en: `${host} belongs to ${name}, a service competing with Weibo`, zh: `${host} 属于与微博竞争的服务：${nameZh}` }, fromPolicyEntry(entry));
  }
  if (entry) {
    return {
      allowed: true,
      rule: 'link/allowed',
      severity: null,
      entry: fromPolicyEntry(entry),
      reason: { en: `${host} is whitelisted (${entry.category}: ${entry.domain})`, zh: `${host} 在白名单中（${CATEGORY_ZH[entry.category] ?? '项目配置'}：${entry.domain}）` },
    };
  }
  return block('link/not-whitelisted', {
    en: `${host} is not on the whitelist (government, licensed media, major platforms, verified company sites)`,
    zh: `${host} 不在白名单中（政府网站、持证媒体、知名平台、认证企业官网）`,
  });
}
