import { z } from 'zod';

/**
 * Every rule id a finding can carry, defined once as data. The id's part before the
 * slash is its family (`link`, `payload`…): derived from the id, never stored beside
 * it, so the two cannot disagree. `origin` says who raises it: the engine (every front
 * door relays those), the audit on its own (unreadable files, hosts computed at run
 * time, suppression comments), or the CLI reading its input. `severity` is the one a
 * finding of the rule has unless its check says otherwise (README's "What is checked"
 * names the exceptions). SARIF descriptors, the HTML report and the ESLint rules'
 * messages are read from here.
 */
// The registry test holds README's table to this and raises every id through the front
// door that owns it.

export const SeveritySchema = z.enum(['error', 'warning']);
export type Severity = z.infer<typeof SeveritySchema>;

/** Human text in both languages the product speaks; the front door picks one. */
export const LocalizedSchema = z.object({ en: z.string(), zh: z.string() });
export type Localized = z.infer<typeof LocalizedSchema>;

export const RuleOriginSchema = z.enum(['engine', 'audit', 'cli']);
export type RuleOrigin = z.infer<typeof RuleOriginSchema>;

export const RuleDefSchema = z
  .object({
    origin: RuleOriginSchema,
    severity: SeveritySchema,
    /** One line: what the rule catches. */
    short: z.object({ en: z.string().min(1), zh: z.string().min(1) }).strict(),
    /** Why the rule exists and how to fix a finding. */
    help: z.string().min(1),
  })
  .strict();
export type RuleDef = z.infer<typeof RuleDefSchema>;

/** Rule ids are `family/name` in lower-case kebab case. */
export const RULE_ID_FORMAT = /^[a-z]+\/[a-z0-9]+(?:-[a-z0-9]+)*$/;

// `as const` keeps the keys literal, so RuleId below is exactly this list.
const DEFINITIONS = {
  'link/not-whitelisted': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link to a site that is not on the whitelist', zh: '链接指向不在白名单中的网站' },
    help: 'Weibo allows links only to government sites, licensed media, major well-known platforms and official sites of verified companies. Link to a whitelisted site, or add your own verified company site to `whitelist` in weibo-guard.config.*.',
  },
  'link/competitor': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link to a competing service', zh: '链接指向竞争对手的服务' },
    help: 'Replies must not guide users to competing services (the reply API forbids promoting them). Remove the link.',
  },
  'link/shortener': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link shortener with an unknown target', zh: '目标不明的短链接' },
    help: 'A shortened link hides where it goes, so it cannot be checked against the whitelist. Use the full URL.',
  },
  'link/scheme': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link with a scheme that is not http or https', zh: '链接协议不是 http 或 https' },
    help: '`javascript:`, `data:`, `file:` and app schemes are not allowed in replies. Use an https link to a whitelisted site.',
  },
  'link/obfuscated': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Disguised link', zh: '伪装的链接' },
    help: 'Text that guides a user to a site is a link even when written as `example。cn`, `example[.]cn`, `example 点 cn`, `example、cn` or with a bullet, middle dot or emoji for the dot, and it is judged like one. Remove it or link to a whitelisted site.',
  },
  'link/invisible': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link hiding invisible characters', zh: '链接中藏有不可见字符' },
    help: 'A control character (even NUL), a bidi mark or override, a zero-width character, a tag character or a variation selector inside a link\'s scheme, user name or host is invisible to the reader but not to a browser: `https://weibo.com\\u0000@evil.cn` opens evil.cn. The characters are removed before the link is judged and named in the evidence. Retype the link.',
  },
  'link/redirect': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link that redirects to a site that is not allowed', zh: '链接跳转到不允许的网站' },
    help: 'A URL that carries another absolute URL (a redirect page\'s `?u=`, a search engine\'s link wrapper, a path like `/redirect/https://…`) sends the user to that target, so the target is judged too. A listed redirector whose target cannot be read (an opaque token) is refused like a shortener. Link the destination itself, and only a whitelisted one.',
  },
  'link/ip-address': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link to an IP address', zh: '链接指向 IP 地址' },
    help: 'Links must name a whitelisted site, never a bare IP address.',
  },
  'link/credentials': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link carrying a user name or password', zh: '链接中带有用户名或密码' },
    help: 'Remove the `user:password@` part; credentials must never appear in a reply.',
  },
  'link/invalid-url': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Not a valid URL', zh: '不是有效的链接' },
    help: 'A field meant to hold a URL must hold an absolute http(s) URL.',
  },
  'link/personal-account': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Link from a personal account', zh: '个人账号发布的链接' },
    help: 'Personal accounts may carry no links unless they pay for link placement (`paidLinks` in the config).',
  },
  'link/unresolved': {
    origin: 'audit',
    severity: 'warning',
    short: { en: 'Link host computed at run time', zh: '链接主机在运行时才确定' },
    help: 'Part of the host of this link is not a constant, so the audit cannot check it against the whitelist. The pre-send gate still checks it when the reply is sent; prefer a constant host so reviews can see it.',
  },
  'competitor/promotion': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Promotes a competing service', zh: '推广竞争对手的服务' },
    help: 'The reply API forbids guiding users to competing services: a service or one of its surfaces (朋友圈, 抖店, 小程序) joined in one sentence to a call to action ("加我微信"), a direction ("去抖音搜"), an account pointer ("快手：acme", "微信同号") or possession ("我们的公众号"). `weibo-guard explain --text` shows why. Reword the reply.',
  },
  'competitor/mention': {
    origin: 'engine',
    severity: 'warning',
    short: { en: 'Mentions a competing service', zh: '提及竞争对手的服务' },
    help: 'A competing service is named without a directive (or only with a negated one: "请勿添加陌生人微信"). Check that the reply does not promote it.',
  },
  'payload/articles-count': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Wrong number of articles', zh: '图文数量不对' },
    help: 'An articles reply carries 1 to 8 articles.',
  },
  'payload/articles-recommended': {
    origin: 'engine',
    severity: 'warning',
    short: { en: 'Unusual number of articles', zh: '图文数量不合常规' },
    help: 'Weibo recommends 1 or 3 articles in an articles reply.',
  },
  'payload/text-too-long': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Reply text too long', zh: '回复文字过长' },
    help: 'Reply text must stay under 300 units: a full-width or CJK character counts 1, a half-width character ½.',
  },
  'payload/text-empty': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Empty reply text', zh: '回复文字为空' },
    help: 'A text reply needs non-empty text.',
  },
  'payload/image-format': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Article image is not JPG or PNG', zh: '图文图片不是 JPG 或 PNG' },
    help: 'Article images must be JPG or PNG.',
  },
  'payload/missing-field': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Required field missing', zh: '缺少必填字段' },
    help: 'Each article needs display_name, summary, image and url; each payload needs type and data.',
  },
  'payload/invalid-field': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Field has the wrong type or value', zh: '字段类型或取值错误' },
    help: 'Make the field match the reply API document.',
  },
  'payload/unknown-field': {
    origin: 'engine',
    severity: 'warning',
    short: { en: 'Field the reply API does not know', zh: '回复接口未定义的字段' },
    help: 'Remove fields the reply API does not define.',
  },
  'payload/type': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Unknown payload type', zh: '未知的消息类型' },
    help: '`type` is `text`, `articles` or `position`, and `data` must match it.',
  },
  'payload/position-range': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Position out of range', zh: '位置超出范围' },
    help: 'Longitude is in [-180, 180] and latitude in [-90, 90].',
  },
  'payload/position-format': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Position is not a decimal number', zh: '位置不是十进制数' },
    help: 'Write longitude and latitude as decimal numbers.',
  },
  'payload/invalid-json': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Message is not valid JSON', zh: '消息不是有效的 JSON' },
    help: 'A message given as text must be one JSON object (in JSON Lines, one per line; blank lines are skipped). Fix the syntax at the reported position.',
  },
  'payload/not-object': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Message is not an object', zh: '消息不是对象' },
    help: 'A message is a JSON object with `type` and `data` (and `receiver_id` when it is sent).',
  },
  'payload/data-encoding': {
    origin: 'engine',
    severity: 'error',
    short: { en: '`data` is not an encoded JSON object', zh: 'data 不是编码后的 JSON 对象' },
    help: 'The reply API takes `data` as a URL-encoded JSON object; plain JSON text of an object is read too. Fix the encoding (a stray `%`?) or the JSON at the reported place.',
  },
  'payload/receiver-id': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Receiver id is not a valid user id', zh: '接收者编号不是有效的用户编号' },
    help: '`receiver_id` is the decimal digits of a non-negative int64, best given as a string.',
  },
  'payload/receiver-id-missing': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Receiver id missing', zh: '缺少接收者编号' },
    help: 'A message to be sent needs `receiver_id`: the user the reply goes to.',
  },
  'payload/receiver-id-unsafe': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Receiver id has lost digits', zh: '接收者编号丢失了数位' },
    help: 'A JSON number above 2^53 cannot hold a Weibo user id exactly, so the reply would go to someone else. Write the id as a string.',
  },
  'payload/duplicate-key': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'A key appears twice in one object', zh: '同一对象中键名重复' },
    help: 'JSON text, the URL-encoded `data` or a form body names the same key twice (`{"text": "…", "text": "…"}`, `data=…&data=…`). Parsers disagree on which value counts (JSON.parse keeps the last, others the first), so the checked value may not be the one sent; every value is judged, and the message is blocked until the key appears once.',
  },
  'payload/too-large': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Message too large to check', zh: '消息过大，无法检查' },
    help: 'A message above `limits.message.maxBytes` (64 KiB by default; a real reply is a few KB) is refused unread, and so is an over-long `--jsonl` line. Send the reply in its real size, or raise the limit in weibo-guard.config.* if a real reply needs it.',
  },
  'payload/save-sender-box': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'save_sender_box is not 0 or 1', zh: 'save_sender_box 不是 0 或 1' },
    help: '`save_sender_box` is 0 or 1 (default 1: keep the reply in the sender box).',
  },
  'limits/too-many-findings': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'More findings than are listed', zh: '问题多于所列条数' },
    help: 'Only the first `limits.findings.max` findings (100 by default) of a message or string are listed; this one counts the rest. It is an error when any unlisted finding is one. Fix the listed findings and check again.',
  },
  'window/expired': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'No open conversation window', zh: '没有打开的会话窗口' },
    help: 'An account may reply only within the window opened by the receiver messaging, following, clicking a menu, scanning a QR code or mentioning it. Wait for the receiver to write again.',
  },
  'window/unfollowed': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Receiver unfollowed the account', zh: '接收者已取消关注' },
    help: 'Unfollowing closes every window; no reply may be sent until the receiver opens a conversation again.',
  },
  'window/mention-once': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Mention already answered', zh: '提及已回复过' },
    help: 'A mention opens a window for a limited number of replies, and they have been used. Wait for the receiver to write again.',
  },
  'window/quota': {
    origin: 'engine',
    severity: 'error',
    short: { en: 'Reply quota for the window used up', zh: '本窗口回复配额已用完' },
    help: 'Each window allows a limited number of replies. Wait for the receiver to write again before replying more.',
  },
  'context/invalid': {
    origin: 'cli',
    severity: 'error',
    short: { en: 'Invalid sending context', zh: '发送上下文无效' },
    help: 'The context given with a message (account, channel, window state) does not match its schema. Fix the named field.',
  },
  'audit/unreadable': {
    origin: 'audit',
    severity: 'error',
    short: { en: 'File could not be read', zh: '文件无法读取' },
    help: 'The file is not valid JSON/YAML or not UTF-8, so nothing in it was checked; or it is TS/JS with a syntax error, or nested deeper than the TypeScript parser reads (thousands of parentheses or calls), so only its strings were checked, one by one. Fix the syntax or flatten the nesting at the reported position.',
  },
  'audit/engine-error': {
    origin: 'audit',
    severity: 'error',
    short: { en: 'The checks failed on this text', zh: '检查此文本时出错' },
    help: 'The engine raised an error on this text, so it was not checked. This is a bug in weibo-guard: report it with the text.',
  },
  'audit/file-too-large': {
    origin: 'audit',
    severity: 'error',
    short: { en: 'File too large to audit', zh: '文件过大，无法审计' },
    help: 'Files over the size limit are refused rather than checked slowly. Split the file or raise --max-file-bytes.',
  },
  'audit/suppression-without-reason': {
    origin: 'audit',
    severity: 'error',
    short: { en: 'Suppression without a reason', zh: '屏蔽注释没有写明理由' },
    help: 'Write `// weibo-guard-disable-next-line <rule> -- <reason>`. A suppression without a reason silences nothing, so reviewers always see why a finding was accepted.',
  },
  'audit/unused-suppression': {
    origin: 'audit',
    severity: 'warning',
    short: { en: 'Suppression that silences nothing', zh: '屏蔽注释没有屏蔽任何问题' },
    help: 'No finding of the named rule starts on the next line. Remove the comment so it cannot hide a future finding.',
  },
  'input/invalid-json': {
    origin: 'cli',
    severity: 'error',
    short: { en: 'Input line is not valid JSON', zh: '输入行不是有效的 JSON' },
    help: '`weibo-guard send` reads one JSON object a line (blank lines are skipped). Fix the syntax of the reported line; nothing of it was sent or stored.',
  },
  'input/envelope': {
    origin: 'cli',
    severity: 'error',
    short: { en: 'Input line is not a message or an envelope', zh: '输入行既不是消息也不是信封' },
    help: 'A line of `weibo-guard send` is a reply payload or an envelope `{"message": {…}, "key": "…", "account": "…", "context": {…}}` with no other fields. Fix the named field; nothing of the line was sent or stored.',
  },
  'input/context': {
    origin: 'cli',
    severity: 'error',
    short: { en: 'Input line carries an invalid context', zh: '输入行的上下文无效' },
    help: 'The `context` of an envelope (account, channel, window state) does not match its schema, so the line was not judged. Fix the named field.',
  },
} as const satisfies Record<string, z.input<typeof RuleDefSchema>>;

/** One of the ids above; `finding()` accepts nothing else, so a misspelt id does not compile. */
export type RuleId = keyof typeof DEFINITIONS;
/** Some of the ids, named where a type narrows them (a misspelt one fails the constraint). */
export type RuleIds<T extends RuleId> = T;
/** `link`, `competitor`, `payload`, … */
export type RuleFamily = RuleId extends `${infer F}/${string}` ? F : never;

export const RULE_IDS = Object.freeze(Object.keys(DEFINITIONS) as [RuleId, ...RuleId[]]);
/** For data read back (a stored verdict, a test's JSON): only a registered id parses. */
export const RuleIdSchema = z.enum(RULE_IDS);

/** Every rule, by id. */
// The entries' shape is checked where they are written (`satisfies` above) and their
// contents by the registry test against RuleDefSchema and RULE_ID_FORMAT, so a CLI start
// (this module loads with every finding) does not parse them again.
export const RULES: Readonly<Record<RuleId, Readonly<RuleDef>>> = Object.freeze(DEFINITIONS);
for (const def of Object.values(DEFINITIONS)) {
  Object.freeze(def.short);
  Object.freeze(def);
}

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

export function familyOf(id: RuleId): RuleFamily {
  return id.slice(0, id.indexOf('/')) as RuleFamily;
}

/** The ids of one origin, in registry order. */
export function rulesOf(origin: RuleOrigin): RuleId[] {
  return RULE_IDS.filter((id) => RULES[id].origin === origin);
}

/** What SARIF descriptors and the HTML report show for a rule. */
export type RuleDoc = Pick<RuleDef, 'help'> & { short: string };

/**
 * The documentation of `rule`. A report read back from disk may carry an id this
 * version no longer has: it gets one built from its first message rather than none.
 */
export function ruleDoc(rule: string, firstMessage: string): RuleDoc {
  return isRuleId(rule) ? { short: RULES[rule].short.en, help: RULES[rule].help } : { short: rule, help: firstMessage };
}
