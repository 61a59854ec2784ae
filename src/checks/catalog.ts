import { z } from 'zod';

/**
 * What each rule the engine emits means: a one-line summary and how to fix a
 * finding. Rule ids are the engine's, so their meaning lives beside the checks and
 * every front door (SARIF descriptors, the HTML report, docs) reads it from here.
 */
export const RuleDocSchema = z.object({
  /** One line: what the rule catches. */
  short: z.string().min(1),
  /** Why the rule exists and how to fix a finding. */
  help: z.string().min(1),
});
export type RuleDoc = z.infer<typeof RuleDocSchema>;

/** Rule ids are `family/name` in lower-case kebab case, as findings carry them. */
export const RuleIdSchema = z.string().regex(/^[a-z]+\/[a-z0-9]+(?:-[a-z0-9]+)*$/);

export const RuleCatalogSchema = z.record(RuleIdSchema, RuleDocSchema);
export type RuleCatalog = z.infer<typeof RuleCatalogSchema>;

// Parsed once at load, so a malformed entry fails the first import, not a report.
export const RULE_CATALOG: Readonly<RuleCatalog> = Object.freeze(
  RuleCatalogSchema.parse({
    'link/not-whitelisted': {
      short: 'Link to a site that is not on the whitelist',
      help: 'Weibo allows links only to government sites, licensed media, major well-known platforms and official sites of verified companies. Link to a whitelisted site, or add your own verified company site to `whitelist` in weibo-guard.config.*.',
    },
    'link/competitor': {
      short: 'Link to a competing service',
      help: 'Replies must not guide users to competing services (the reply API forbids promoting them). Remove the link.',
    },
    'link/shortener': {
      short: 'Link shortener with an unknown target',
      help: 'A shortened link hides where it goes, so it cannot be checked against the whitelist. Use the full URL.',
    },
    'link/scheme': {
      short: 'Link with a scheme that is not http or https',
      help: '`javascript:`, `data:`, `file:` and app schemes are not allowed in replies. Use an https link to a whitelisted site.',
    },
    'link/obfuscated': {
      short: 'Disguised link',
      help: 'Text that guides a user to a site is a link even when written as `example。cn`, `example[.]cn`, `example 点 cn`, `example、cn` or with a bullet, middle dot or emoji for the dot, and it is judged like one. Remove it or link to a whitelisted site.',
    },
    'link/invisible': {
      short: 'Link hiding invisible characters',
      help: 'A control character (even NUL), a bidi mark or override, a zero-width character, a tag character or a variation selector inside a link\'s scheme, user name or host is invisible to the reader but not to a browser: `https://weibo.com\\u0000@evil.cn` opens evil.cn. The characters are removed before the link is judged and named in the evidence. Retype the link.',
    },
    'link/redirect': {
      short: 'Link that redirects to a site that is not allowed',
      help: 'A URL that carries another absolute URL (a redirect page\'s `?u=`, a search engine\'s link wrapper, a path like `/redirect/https://…`) sends the user to that target, so the target is judged too. A listed redirector whose target cannot be read (an opaque token) is refused like a shortener. Link the destination itself, and only a whitelisted one.',
    },
    'link/ip-address': { short: 'Link to an IP address', help: 'Links must name a whitelisted site, never a bare IP address.' },
    'link/credentials': { short: 'Link carrying a user name or password', help: 'Remove the `user:password@` part; credentials must never appear in a reply.' },
    'link/invalid-url': { short: 'Not a valid URL', help: 'A field meant to hold a URL must hold an absolute http(s) URL.' },
    'link/personal-account': { short: 'Link from a personal account', help: 'Personal accounts may carry no links unless they pay for link placement (`paidLinks` in the config).' },
    'competitor/promotion': {
      short: 'Promotes a competing service',
      help:
        'The reply API forbids guiding users to competing services: a service or one of its surfaces (朋友圈, 抖店, 小程序) joined in one sentence to a call to action ("加我微信"), a direction ("去抖音搜"), an account pointer ("快手：acme", "微信同号") or possession ("我们的公众号"). `weibo-guard explain --text` shows why. Reword the reply.',
    },
    'competitor/mention': { short: 'Mentions a competing service', help: 'A competing service is named without a directive (or only with a negated one: "请勿添加陌生人微信"). Check that the reply does not promote it.' },
    'payload/articles-count': { short: 'Wrong number of articles', help: 'An articles reply carries 1 to 8 articles.' },
    'payload/articles-recommended': { short: 'Unusual number of articles', help: 'Weibo recommends 1 or 3 articles in an articles reply.' },
    'payload/text-too-long': { short: 'Reply text too long', help: 'Reply text must stay under 300 units: a full-width or CJK character counts 1, a half-width character ½.' },
    'payload/text-empty': { short: 'Empty reply text', help: 'A text reply needs non-empty text.' },
    'payload/image-format': { short: 'Article image is not JPG or PNG', help: 'Article images must be JPG or PNG.' },
    'payload/missing-field': { short: 'Required field missing', help: 'Each article needs display_name, summary, image and url; each payload needs type and data.' },
    'payload/invalid-field': { short: 'Field has the wrong type or value', help: 'Make the field match the reply API document.' },
    'payload/unknown-field': { short: 'Field the reply API does not know', help: 'Remove fields the reply API does not define.' },
    'payload/type': { short: 'Unknown payload type', help: '`type` is `text`, `articles` or `position`, and `data` must match it.' },
    'payload/position-range': { short: 'Position out of range', help: 'Longitude is in [-180, 180] and latitude in [-90, 90].' },
    'payload/position-format': { short: 'Position is not a decimal number', help: 'Write longitude and latitude as decimal numbers.' },
    'payload/invalid-json': { short: 'Message is not valid JSON', help: 'A message given as text must be one JSON object (in JSON Lines, one per line; blank lines are skipped). Fix the syntax at the reported position.' },
    'payload/not-object': { short: 'Message is not an object', help: 'A message is a JSON object with `type` and `data` (and `receiver_id` when it is sent).' },
    'payload/data-encoding': {
      short: '`data` is not an encoded JSON object',
      help: 'The reply API takes `data` as a URL-encoded JSON object; plain JSON text of an object is read too. Fix the encoding (a stray `%`?) or the JSON at the reported place.',
    },
    'payload/receiver-id': { short: 'Receiver id is not a valid user id', help: '`receiver_id` is the decimal digits of a non-negative int64, best given as a string.' },
    'payload/receiver-id-missing': { short: 'Receiver id missing', help: 'A message to be sent needs `receiver_id`: the user the reply goes to.' },
    'payload/receiver-id-unsafe': {
      short: 'Receiver id has lost digits',
      help: 'A JSON number above 2^53 cannot hold a Weibo user id exactly, so the reply would go to someone else. Write the id as a string.',
    },
    'payload/duplicate-key': {
      short: 'A key appears twice in one object',
      help: 'JSON text, the URL-encoded `data` or a form body names the same key twice (`{"text": "…", "text": "…"}`, `data=…&data=…`). Parsers disagree on which value counts (JSON.parse keeps the last, others the first), so the checked value may not be the one sent; every value is judged, and the message is blocked until the key appears once.',
    },
    'payload/too-large': {
      short: 'Message too large to check',
      help: 'A message above `limits.message.maxBytes` (64 KiB by default; a real reply is a few KB) is refused unread, and so is an over-long `--jsonl` line. Send the reply in its real size, or raise the limit in weibo-guard.config.* if a real reply needs it.',
    },
    'limits/too-many-findings': {
      short: 'More findings than are listed',
      help: 'Only the first `limits.findings.max` findings (100 by default) of a message or string are listed; this one counts the rest. It is an error when any unlisted finding is one. Fix the listed findings and check again.',
    },
    'payload/save-sender-box': { short: 'save_sender_box is not 0 or 1', help: '`save_sender_box` is 0 or 1 (default 1: keep the reply in the sender box).' },
    'window/expired': {
      short: 'No open conversation window',
      help: 'An account may reply only within the window opened by the receiver messaging, following, clicking a menu, scanning a QR code or mentioning it. Wait for the receiver to write again.',
    },
    'window/unfollowed': { short: 'Receiver unfollowed the account', help: 'Unfollowing closes every window; no reply may be sent until the receiver opens a conversation again.' },
    'window/mention-once': { short: 'Mention already answered', help: 'A mention opens a window for a limited number of replies, and they have been used. Wait for the receiver to write again.' },
    'window/quota': { short: 'Reply quota for the window used up', help: 'Each window allows a limited number of replies. Wait for the receiver to write again before replying more.' },
    'context/invalid': { short: 'Invalid sending context', help: 'The context given with a message (account, channel, window state) does not match its schema. Fix the named field.' },
  }),
);

/** The documentation of `rule`, or one built from its first message for an id not catalogued. */
export function ruleDoc(rule: string, firstMessage: string, catalog: Readonly<RuleCatalog> = RULE_CATALOG): RuleDoc {
  return catalog[rule] ?? { short: rule, help: firstMessage };
}
