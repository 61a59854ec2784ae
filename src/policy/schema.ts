import { z } from 'zod';
import { getPublicSuffix } from 'tldts';
import { domainToASCII } from 'node:url';
import { AccountSchema, ChannelSchema } from '../context.js';

/**
 * The zod schemas below are the single source of truth for every policy file
 * (whitelist/*.yaml, rules/*.yaml, the project config); every type is inferred.
 * Messages are written for the person editing the YAML: the loader prefixes them
 * with `file:line: field:`.
 */

/** Whitelist categories, one shipped file each (whitelist/<category>.yaml). */
export const CategorySchema = z.enum(['government', 'media', 'platforms', 'companies']);
export type Category = z.infer<typeof CategorySchema>;

const LABEL = /^[a-z0-9-]+$/;

/**
 * Why a domain string is not a canonical host, or null when it is. Split on dots
 * and test each label with a one-class regex: linear, no backtracking, and the
 * message can say exactly what to write instead (we never rewrite it silently).
 */
function domainProblem(domain: string): string | null {
  if (domain.length === 0) return 'domain is empty';
  if (domain.length > 253) return `domain is ${domain.length} characters long; a host name has at most 253`;
  if (/[/:?#@\s]/.test(domain)) return `"${domain}" is not a bare host name: write only the host (no scheme, port, path or spaces)`;
  const ascii = domainToASCII(domain);
  if (ascii !== domain) {
    return ascii === '' ? `"${domain}" is not a valid host name` : `write the host in canonical form "${ascii}" (lower-case, punycode), not "${domain}"`;
  }
  for (const label of domain.split('.')) {
    if (label.length === 0) return `"${domain}" has an empty label (leading, trailing or doubled dot)`;
    if (label.length > 63) return `"${domain}" has a label longer than 63 characters`;
    if (!LABEL.test(label) || label.startsWith('-') || label.endsWith('-')) return `"${domain}" has an invalid label "${label}"`;
  }
  if (!domain.includes('.') || /^[0-9.]+$/.test(domain)) return `"${domain}" is not a domain name (a single label or an IP address)`;
  return null;
}

/** True when tldts lists the name itself as a public suffix (ICANN or private section). */
export function isPublicSuffix(domain: string): boolean {
  return getPublicSuffix(domain, { allowPrivateDomains: true }) === domain;
}

export const DomainSchema = z.string().superRefine((value, ctx) => {
  const problem = domainProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Calendar date as YAML writes it unquoted (YAML 1.2 keeps it a string). */
export const DateSchema = z.string().refine(
  (value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
  { message: 'expected a calendar date written YYYY-MM-DD' },
);

/** A path prefix narrows an entry; it matches on segment boundaries (see matcher.ts). */
export const PathPrefixSchema = z.string().refine((value) => value.startsWith('/') && !/[\s#]/.test(value), {
  message: 'a path prefix starts with "/" and has no spaces or "#"',
});

const ChannelsSchema = z.array(ChannelSchema).min(1, { message: 'list at least one channel, or leave "channels" out' });
const PathsSchema = z.array(PathPrefixSchema).min(1, { message: 'list at least one path, or leave "paths" out' });
const NonEmpty = z.string().trim().min(1, { message: 'must not be empty' });

const entryShape = {
  /** Host suffix the entry covers: the host itself and every subdomain, on label boundaries. */
  domain: DomainSchema,
  /** Set on purpose when `domain` is itself a public suffix (`gov.cn`). */
  suffix: z.boolean().optional(),
  paths: PathsSchema.optional(),
  channels: ChannelsSchema.optional(),
  /** Where the listing comes from: a licence register, a filing, a URL. */
  source: NonEmpty,
  added: DateSchema,
  expires: DateSchema.optional(),
  note: z.string().optional(),
};

function refineEntry(entry: { domain: string; suffix?: boolean | undefined; added: string; expires?: string | undefined }, ctx: z.RefinementCtx): void {
  if (domainProblem(entry.domain) === null && isPublicSuffix(entry.domain) && entry.suffix !== true) {
    ctx.addIssue({
      code: 'custom',
      path: ['domain'],
      message: `"${entry.domain}" is itself a public suffix: it would allow every site registered under it; add "suffix: true" only if that is meant`,
    });
  }
  if (entry.expires !== undefined && entry.expires < entry.added) {
    ctx.addIssue({ code: 'custom', path: ['expires'], message: `expires (${entry.expires}) is before added (${entry.added})` });
  }
}

export const WhitelistEntrySchema = z.object(entryShape).strict().superRefine(refineEntry);
export type WhitelistEntry = z.infer<typeof WhitelistEntrySchema>;

export const WhitelistFileSchema = z
  .object({
    /** What the list is and is not (a maintained starting point, not Weibo's own list). */
    about: NonEmpty,
    entries: z.array(WhitelistEntrySchema),
  })
  .strict();
export type WhitelistFile = z.infer<typeof WhitelistFileSchema>;

/** A name a reader would recognise a service by; ambiguous ones only count next to a call to action or an ID. */
export const TermSchema = z.union(
  [z.string().trim().min(1), z.object({ text: z.string().trim().min(1), ambiguous: z.boolean(), note: z.string().optional() }).strict()],
  { error: 'expected a name, or { text, ambiguous: true, note? } for a short or everyday word' },
);
export type Term = z.infer<typeof TermSchema>;

export const SurfaceSchema = z.union(
  [z.string().trim().min(1), z.object({ text: z.string().trim().min(1), weak: z.boolean(), note: z.string().optional() }).strict()],
  { error: 'expected a surface name, or { text, weak: true, note? } for a generic word such as 小程序' },
);
export type Surface = z.infer<typeof SurfaceSchema>;

export const SchemeSchema = z.string().regex(/^[a-z][a-z0-9+.-]*$/, { message: 'expected a URL scheme without "://", lower-case (e.g. weixin)' });

/** A channel exception: where a competitor's host or deep link is allowed anyway (WeChat mini-programs in ads). */
export const ExceptionSchema = z
  .object({
    domain: DomainSchema.optional(),
    /** A deep-link prefix such as `weixin://dl/business/`. */
    url: z.string().regex(/^[a-z][a-z0-9+.-]*:\S+$/, { message: 'expected a URL prefix such as weixin://dl/business/' }).optional(),
    paths: PathsSchema.optional(),
    channels: ChannelsSchema,
    note: NonEmpty,
    /** The note as Chinese messages say it. */
    noteZh: NonEmpty,
    source: NonEmpty,
  })
  .strict()
  .refine((e) => (e.domain === undefined) !== (e.url === undefined), { message: 'an exception names exactly one of "domain" or "url"' });
export type CompetitorException = z.infer<typeof ExceptionSchema>;

/** A competitor host: never a whole public suffix (`com.cn` would deny every company under it). */
const CompetitorHostSchema = DomainSchema.refine((d) => domainProblem(d) !== null || !isPublicSuffix(d), {
  message: 'is itself a public suffix: denying it would block every site registered under it',
});

export const CompetitorServiceSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'expected a lower-case id such as wechat' }),
    name: NonEmpty,
    /** The name Chinese messages use (微信, 腾讯QQ): never the English one. */
    nameZh: NonEmpty,
    /** Why this is (or is treated as) a direct competitor of Weibo. */
    note: NonEmpty,
    source: NonEmpty,
    names: z.array(TermSchema).min(1, { message: 'a service needs at least one name' }),
    aliases: z.array(TermSchema).default([]),
    homophones: z.array(TermSchema).default([]),
    /** Words that introduce an account ID (微信号, WeChat ID). */
    idPatterns: z.array(NonEmpty).default([]),
    domains: z.array(CompetitorHostSchema).default([]),
    /** Image and CDN hosts whose links carry the service's content (mmbiz.qpic.cn). */
    cdn: z.array(CompetitorHostSchema).default([]),
    schemes: z.array(SchemeSchema).default([]),
    exceptions: z.array(ExceptionSchema).default([]),
    /**
     * Places inside the service a reply can send users to (朋友圈, 抖店, Moments). A
     * `weak` one is a generic word (小程序, 服务号): it is the service's only with a
     * directive and when no other platform's name is attached to it (支付宝小程序).
     */
    surfaces: z.array(SurfaceSchema).default([]),
    /** Uses of the service that only ever name it (微信支付, WeChat Pay): a warning, never promotion. */
    mentionsOnly: z.array(NonEmpty).default([]),
    /** Names whose every homophone (same pinyin, any tones) counts, in strong context only: 微信 → 薇芯, 威心. */
    homophonesOf: z.array(z.string().regex(/^[\u4e00-\u9fff]{2,4}$/, { message: 'expected a Chinese name of 2 to 4 characters (its pinyin generates the homophones)' })).default([]),
  })
  .strict();
export type CompetitorService = z.infer<typeof CompetitorServiceSchema>;

/** Words per language: Chinese and English lists, either may be empty. */
const WordsSchema = z.object({ zh: z.array(NonEmpty).default([]), en: z.array(NonEmpty).default([]) }).strict();

/**
 * The words of the promotion grammar (the competitor check): a service or surface
 * joined in one sentence to a call to action, a direction (preposition before the name +
 * verb), an account pointer (pointer word or colon + a value, same-number phrases) or a
 * possessive before the name. A negation cancels the directives of its clause up to the first name (see `negations`).
 */
export const DirectivesSchema = z
  .object({
    /** 去/到/上/在, on/via: right before a name, they make a direction with a verb in the same sentence. */
    directionPrepositions: WordsSchema,
    /** 看/搜/找/下单, watch/find/search: the verb of a direction. */
    directionVerbs: WordsSchema,
    /** Words that contain a verb but report, not direct (看到, 买过, seen): the verb inside them does not count. */
    notDirections: WordsSchema.default({ zh: [], en: [] }),
    /** 号/ID/账号/昵称, id/handle: right after a name, followed by a value, they point to an account. */
    pointers: WordsSchema,
    /** 同号, same as my phone number: in the same clause as a name, the account is the phone number. */
    sameNumber: WordsSchema,
    /** 我们的/官方/本店, our/official: right before a name. */
    possessives: WordsSchema,
    /**
     * 请勿/不要/从不, don't/never: its scope runs to the end of the clause (or a word in
     * `negationEnds`) and covers the directives there and the first name (with the names
     * coordinated to it): 谨防有人冒充客服让您加微信, we are not on TikTok or Douyin.
     */
    negations: WordsSchema,
    /** A name used as the verb, a call to action by itself (WeChat me, QQ us, V我). */
    fused: WordsSchema.default({ zh: [], en: [] }),
    /** Words that contain a negation but do not negate (没问题, 别错过, don't forget). */
    notNegations: WordsSchema.default({ zh: [], en: [] }),
    /** Words that end a negation's scope: what follows is said, not denied (没收到货的话请加…, but). */
    negationEnds: WordsSchema.default({ zh: [], en: [] }),
    /** Verbs that make a surface (朋友圈, 视频号直播) promotion anywhere in its sentence, as a call to action does: 新品都发朋友圈了. */
    surfaceVerbs: WordsSchema.default({ zh: [], en: [] }),
  })
  .strict();
export type Directives = z.infer<typeof DirectivesSchema>;

export const CompetitorsFileSchema = z
  .object({
    about: NonEmpty,
    services: z.array(CompetitorServiceSchema),
    callsToAction: z.object({ zh: z.array(NonEmpty), en: z.array(NonEmpty) }).strict(),
    directives: DirectivesSchema,
    /** Platforms that are not competitors (支付宝, 微博): a weak surface right after one of them is theirs (支付宝小程序). */
    notCompetitors: z.array(NonEmpty).default([]),
    /** Everyday words that contain a service's name (加快手续, 尽快手动): where one matches, the name inside it is no name. */
    everydayWords: z.array(NonEmpty).default([]),
  })
  .strict();
export type CompetitorsFile = z.infer<typeof CompetitorsFileSchema>;

/**
 * What a shortener and a redirector entry both carry: who runs it, how an unreadable
 * target is judged (`error` blocks, the default; `warning` reports, as for Weibo's own
 * t.cn), and the evidence.
 */
const hopShape = {
  operator: NonEmpty,
  /** The operator's Chinese name (微博, 百度); Chinese messages name the host alone without one. */
  operatorZh: NonEmpty.optional(),
  severity: z.enum(['error', 'warning']).default('error'),
  note: NonEmpty,
  source: NonEmpty,
  added: DateSchema,
};

export const ShortenerSchema = z.object({ domain: DomainSchema, ...hopShape }).strict();
export type Shortener = z.infer<typeof ShortenerSchema>;

export const ShortenersFileSchema = z.object({ about: NonEmpty, shorteners: z.array(ShortenerSchema) }).strict();
export type ShortenersFile = z.infer<typeof ShortenersFileSchema>;

/** A query parameter name as a redirect page reads it (`u`, `url`, `q`). */
const ParamNameSchema = z.string().regex(/^[A-Za-z0-9_.~-]+$/, { message: 'expected a query parameter name such as u or url' });

/**
 * A redirect endpoint: a page that sends the user on to the URL in one of its query
 * parameters. Any link's embedded absolute URL is judged anyway; a listed one whose
 * target cannot be read (an opaque token, as Baidu's link?url=) is refused like a
 * shortener, because its destination is unknown.
 */
export const RedirectorSchema = z
  .object({
    domain: DomainSchema,
    /** Path prefixes of the redirect endpoint (segment boundaries); the whole host when left out. */
    paths: PathsSchema.optional(),
    /** The parameters that carry the target. */
    params: z.array(ParamNameSchema).min(1, { message: 'list the parameter(s) that carry the target' }),
    ...hopShape,
  })
  .strict();
export type Redirector = z.infer<typeof RedirectorSchema>;

export const RedirectorsFileSchema = z.object({ about: NonEmpty, redirectors: z.array(RedirectorSchema) }).strict();
export type RedirectorsFile = z.infer<typeof RedirectorsFileSchema>;

const RangeSchema = z
  .tuple([z.number(), z.number()])
  .refine(([min, max]) => min <= max, { message: 'a range is [min, max] with min <= max' });
const Count = z.number().int().nonnegative();
const Positive = z.number().int().positive();

/** Sections are named so a config can override one field of one section. */
const limitSections = {
  text: z
    .object({
      /** weibo: CJK/full-width = 1, half-width = 0.5, per grapheme, emoji = 1; chars: every grapheme = 1. */
      unit: z.enum(['weibo', 'chars']),
      max: Positive,
      /** true: length must be < max ("less than 300"); false: <= max. */
      strict: z.boolean(),
    })
    .strict(),
  articles: z.object({ min: Positive, max: Positive, recommended: z.array(Positive).min(1) }).strict(),
  image: z.object({ formats: z.array(z.string().regex(/^[a-z0-9]+$/, { message: 'expected a lower-case file extension' })).min(1) }).strict(),
  position: z.object({ longitude: RangeSchema, latitude: RangeSchema }).strict(),
  window: z.object({ hours: Positive, quota: Count, mentionQuota: Count }).strict(),
  /** At most `max` findings per message (or per checked string); the rest are counted in one summary finding. */
  findings: z.object({ max: Positive }).strict(),
  /** A message above `maxBytes` (UTF-8, as JSON or form text) is refused with one finding, unread. */
  message: z.object({ maxBytes: Positive }).strict(),
};

export const LimitsSchema = z
  .object(limitSections)
  .strict()
  .superRefine((limits, ctx) => {
    const { min, max, recommended } = limits.articles;
    if (min > max) ctx.addIssue({ code: 'custom', path: ['articles', 'min'], message: `min (${min}) is greater than max (${max})` });
    for (const [i, n] of recommended.entries()) {
      if (n < min || n > max) ctx.addIssue({ code: 'custom', path: ['articles', 'recommended', i], message: `${n} is outside [min, max] = [${min}, ${max}]` });
    }
  });
export type Limits = z.infer<typeof LimitsSchema>;

/** A config overrides single fields: `limits: { text: { max: 140 } }`. */
export const LimitsOverrideSchema = z
  .object({
    text: limitSections.text.partial().optional(),
    articles: limitSections.articles.partial().optional(),
    image: limitSections.image.partial().optional(),
    position: limitSections.position.partial().optional(),
    window: limitSections.window.partial().optional(),
    findings: limitSections.findings.partial().optional(),
    message: limitSections.message.partial().optional(),
  })
  .strict();
export type LimitsOverride = z.infer<typeof LimitsOverrideSchema>;

/** A project's own whitelist entry: its verified company site by default. */
export const ConfigEntrySchema = z
  .object({ ...entryShape, category: CategorySchema.default('companies') })
  .strict()
  .superRefine(refineEntry);
export type ConfigEntry = z.infer<typeof ConfigEntrySchema>;

/** A project's own deny entry (a competitor the shipped list lacks). */
export const ConfigDenySchema = z
  .object({
    domain: DomainSchema,
    suffix: z.boolean().optional(),
    paths: PathsSchema.optional(),
    channels: ChannelsSchema.optional(),
    service: NonEmpty.optional(),
    source: NonEmpty,
    note: z.string().optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (domainProblem(entry.domain) === null && isPublicSuffix(entry.domain) && entry.suffix !== true) {
      ctx.addIssue({ code: 'custom', path: ['domain'], message: `"${entry.domain}" is itself a public suffix; add "suffix: true" only if that is meant` });
    }
  });
export type ConfigDeny = z.infer<typeof ConfigDenySchema>;

/** A finding the audit should not report: a path (glob) and optionally one rule, always with the reason. */
export const IgnoreSchema = z
  .object({
    path: NonEmpty,
    rule: z.string().regex(/^[a-z]+\/[a-z0-9-]+$/, { message: 'expected a rule id such as link/not-whitelisted' }).optional(),
    reason: NonEmpty,
  })
  .strict();
export type Ignore = z.infer<typeof IgnoreSchema>;

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    whitelist: z.array(ConfigEntrySchema).default([]),
    deny: z.array(ConfigDenySchema).default([]),
    ignore: z.array(IgnoreSchema).default([]),
    account: AccountSchema.optional(),
    channel: ChannelSchema.optional(),
    paidLinks: z.boolean().optional(),
    limits: LimitsOverrideSchema.optional(),
    /**
     * The sender's outbox when a command gets no --store: a SQLite file (relative to the
     * working directory) or a postgres:// URL that many instances share. Keep its
     * password out of the file (PGPASSWORD or ~/.pgpass).
     */
    store: z.string().min(1).optional(),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
